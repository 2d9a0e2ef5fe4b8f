package dev.hamal.listener;

import dev.hamal.binlog.BinlogException;
import dev.hamal.binlog.BinlogFiles;
import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.BinlogSource;
import dev.hamal.binlog.BinlogStream;
import dev.hamal.binlog.BinlogUnavailableException;
import dev.hamal.binlog.Checkpoint;
import dev.hamal.binlog.StartPosition;
import dev.hamal.binlog.TableFilter;
import dev.hamal.coordination.Coordinator;
import dev.hamal.coordination.FencedException;
import dev.hamal.coordination.InstanceCoordinator;
import dev.hamal.coordination.InstanceInfo;
import dev.hamal.coordination.OwnedPipe;
import dev.hamal.coordination.PipeDefinition;
import dev.hamal.coordination.PipeLifecycle;
import dev.hamal.coordination.PipeMetrics;
import dev.hamal.coordination.PipePosition;
import dev.hamal.coordination.PipeState;
import dev.hamal.coordination.StopReason;
import dev.hamal.order.BusinessLines;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listener instance of the cluster: it joins through the {@link Coordinator}, runs every pipe
 * the cluster gives it (one {@link PipeRunner} on its own thread per pipe) and stops a pipe when
 * the cluster takes it away.
 *
 * <p>Failure policy: a pipe whose failure an operator must fix (a purged start position, a mapping
 * that does not fit its table, Kafka not acknowledging after the producer's retries, a source
 * refusing the credentials) is marked FAILED with the reason, visible in {@code hamal pipe list},
 * and logged as an error; other pipes keep running. So is a source that cannot be reached when a
 * pipe without a committed position starts (earliest, latest and timestamps are resolved on it).
 * Losing the ownership (fenced, session lost) is not a pipe failure: the pipe just stops here, and
 * its new owner resumes from the committed position. Connection problems of a running pipe are
 * retried inside the stream, with back-off; meanwhile its status says "retrying" and why.
 *
 * <p>Threads: lifecycle callbacks come on the coordinator's callback thread; each pipe runs on a
 * thread named {@code hamal-pipe-NAME}; one scheduler thread commits positions and reports status.
 */
public final class ListenerInstance implements PipeLifecycle, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ListenerInstance.class);

  private final ListenerConfig config;
  private final BusinessLines lines;
  private final Coordinator coordinator;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, String> environment;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final Counter failovers;
  private volatile InstanceCoordinator membership;

  private record Running(OwnedPipe owned, PipeRunner runner, Thread thread, PipeMeters meters) {}

  public ListenerInstance(
      ListenerConfig config,
      BusinessLines lines,
      Coordinator coordinator,
      MeterRegistry registry,
      Clock clock,
      Map<String, String> environment) {
    this.config = Objects.requireNonNull(config, "config");
    this.lines = Objects.requireNonNull(lines, "lines");
    this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.environment = Map.copyOf(environment);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "hamal-listener-" + config.instanceId() + "-scheduler");
          t.setDaemon(true);
          return t;
        });
    this.failovers =
        Counter.builder("hamal.listener.pipe.starts")
            .description("pipes this instance started owning (failovers, rebalancing, restarts)")
            .tag("instance", config.instanceId())
            .register(registry);
  }

  /** Joins the cluster; pipes start as the cluster assigns them. */
  public void start() {
    InstanceInfo self = InstanceInfo.ofThisProcess(config.instanceId(), clock);
    if (config.metricsUrl().isPresent()) {
      self = self.withMetricsUrl(config.metricsUrl().get());
    }
    membership = coordinator.startInstance(self, this);
    long millis = config.statusInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::reportStatuses, millis, millis, TimeUnit.MILLISECONDS);
    log.info("listener instance {} joined the cluster", config.instanceId());
  }

  /** The pipes running on this instance now. */
  public List<String> runningPipes() {
    return running.keySet().stream().sorted().toList();
  }

  /** A running pipe's runner, for tests and the status page. */
  Optional<PipeRunner> runner(String pipe) {
    return Optional.ofNullable(running.get(pipe)).map(Running::runner);
  }

  @Override
  public void start(OwnedPipe owned) {
    PipeDefinition definition = owned.definition();
    String name = definition.name();
    BusinessLines pipeLines = lines.forPipe(name);
    if (pipeLines.lines().isEmpty()) {
      owned.fail(
          "no business line maps pipe "
              + name
              + "; the pipe lists "
              + definition.businessLines()
              + " but the loaded business-line files for it are "
              + lines.lines().stream().map(l -> l.name() + "@" + l.pipe()).toList());
      return;
    }
    BinlogSource source = source(definition);
    Start start = start(owned, source);
    List<String> topics = new ArrayList<>();
    for (var line : pipeLines.lines()) {
      topics.add(config.topics().forLine(line.name()));
    }
    topics.add(config.topics().deadLetters());
    TopicCreator.ensure(
        config.kafkaBootstrapServers(),
        config.producerSettings(),
        topics,
        config.topicPartitions());
    PublishTracker tracker = new PublishTracker(start.checkpoint());
    KafkaPublisher publisher =
        KafkaPublisher.create(
            KafkaPublisher.producerSettings(
                config.kafkaBootstrapServers(),
                "hamal-" + config.instanceId() + "-" + name,
                config.producerSettings()),
            tracker);
    BinlogStream stream =
        BinlogStream.builder(source)
            .start(start.position())
            .tables(
                TableFilter.all()
                    .claimedBy(
                        table -> pipeLines.claims(table.schema(), table.table()),
                        "the business lines of pipe " + name))
            .mapper(new OrderRowMapper(name, pipeLines, config.topics()))
            .decodeThreads(config.decodeThreads())
            .build();
    PipeRunner runner =
        new PipeRunner(
            name,
            stream,
            publisher,
            tracker,
            start.checkpoint(),
            checkpoint -> owned.commit(position(checkpoint)),
            scheduler,
            config.commitInterval(),
            clock);
    PipeMeters meters = new PipeMeters(registry, name, config.instanceId(), runner);
    Thread thread = new Thread(() -> runPipe(owned, runner), "hamal-pipe-" + name);
    running.put(name, new Running(owned, runner, thread, meters));
    failovers.increment();
    log.info(
        "pipe {} (epoch {}) starts at {} from {}",
        name,
        owned.token().epoch(),
        start.describe(),
        definition.sourceAddress());
    thread.start();
  }

  @Override
  public void stop(String pipe, StopReason reason) {
    Running r = running.get(pipe);
    if (r == null) {
      return;
    }
    log.info("pipe {} stops here: {}", pipe, reason);
    r.runner().stop();
    try {
      r.thread().join(config.stopTimeout().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (r.thread().isAlive()) {
      log.warn("pipe {} did not stop within {}", pipe, config.stopTimeout());
    }
  }

  private void runPipe(OwnedPipe owned, PipeRunner runner) {
    String name = owned.definition().name();
    try {
      runner.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (FencedException e) {
      log.warn(
          "pipe {}: another instance owns it now; stopped publishing ({})", name, e.getMessage());
    } catch (RuntimeException e) {
      if (owned.isValid()) {
        String reason = reason(e);
        log.error("pipe {} FAILED: {}", name, reason, e);
        owned.fail(reason);
      } else {
        log.warn("pipe {} stopped after losing its ownership: {}", name, e.toString());
      }
    } finally {
      Running r = running.remove(name);
      if (r != null) {
        r.meters().close();
      }
    }
  }

  /** What an operator reads in {@code hamal pipe list}. */
  private static String reason(RuntimeException e) {
    if (e instanceof BinlogUnavailableException) {
      return "the start position is no longer on the source (purged): " + e.getMessage();
    }
    if (e instanceof MappingMismatchException || e instanceof PublishException) {
      return e.getMessage();
    }
    if (e instanceof BinlogException) {
      return "reading the source failed: " + e.getMessage();
    }
    return e.toString();
  }

  private void reportStatuses() {
    for (Running r : running.values()) {
      if (!r.owned().isValid()) {
        continue;
      }
      try {
        PipeRunner runner = r.runner();
        long lagBytes = -1;
        try {
          BinlogFiles files = BinlogFiles.of(source(r.owned().definition()));
          lagBytes =
              files.bytesBehind(
                  runner.committed().map(Checkpoint::position).orElse(files.earliest()));
        } catch (BinlogException e) {
          log.debug("pipe {}: cannot read the source's binlog files for the lag", e);
        }
        r.owned()
            .reportStatus(
                PipeState.RUNNING,
                new PipeMetrics(
                    Math.round(runner.lagSeconds()), lagBytes, runner.rowsPerSecond(clock)),
                runner.retrying());
      } catch (RuntimeException e) {
        log.debug("status report of pipe {} failed", r.owned().definition().name(), e);
      }
    }
  }

  private BinlogSource source(PipeDefinition definition) {
    URI url = URI.create(definition.sourceUrl());
    BinlogSource.Builder source =
        BinlogSource.builder(url.getHost(), url.getPort())
            .name(definition.name())
            .user(definition.user())
            .password(secret(definition.name(), definition.passwordRef()))
            .sslMode(config.sslMode())
            .serverId((int) definition.serverId());
    definition.reportHost().ifPresent(source::reportHost);
    return source.build();
  }

  /** Where a pipe's stream starts, and the checkpoint that stands for it (none for a GTID set). */
  private record Start(StartPosition position, Optional<Checkpoint> checkpoint) {
    String describe() {
      return checkpoint.map(c -> c.position().toString()).orElse(position.toString());
    }
  }

  /** The committed position, else the pipe's start resolved against its source. */
  private Start start(OwnedPipe owned, BinlogSource source) {
    Optional<PipePosition> committed = owned.committedPosition();
    if (committed.isPresent()) {
      PipePosition p = committed.get();
      return at(new Checkpoint(new BinlogPosition(p.file(), p.position()), p.gtidSet()));
    }
    return switch (owned.startPosition()) {
      case dev.hamal.coordination.StartPosition.Earliest e ->
          at(new Checkpoint(BinlogFiles.of(source).earliest(), Optional.empty()));
      case dev.hamal.coordination.StartPosition.Latest l ->
          at(new Checkpoint(BinlogFiles.of(source).end(), Optional.empty()));
      case dev.hamal.coordination.StartPosition.FilePosition f ->
          at(new Checkpoint(new BinlogPosition(f.file(), f.position()), Optional.empty()));
      case dev.hamal.coordination.StartPosition.Gtid g ->
          new Start(StartPosition.afterGtids(g.gtidSet()), Optional.empty());
      case dev.hamal.coordination.StartPosition.Timestamp t -> {
        try {
          yield at(new Checkpoint(TimestampStart.resolve(source, t.at()), Optional.empty()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new UnsupportedStartException(
              "pipe " + owned.definition().name() + ": interrupted resolving " + t.text());
        }
      }
    };
  }

  private static Start at(Checkpoint checkpoint) {
    return new Start(StartPosition.at(checkpoint.position()), Optional.of(checkpoint));
  }

  private PipePosition position(Checkpoint checkpoint) {
    return new PipePosition(
        checkpoint.position().file(),
        checkpoint.position().position(),
        checkpoint.gtidState(),
        clock.instant());
  }

  private String secret(String pipe, String reference) {
    if (reference.startsWith("env:")) {
      String value = environment.get(reference.substring(4));
      if (value == null) {
        throw new IllegalArgumentException(
            "pipe "
                + pipe
                + ": password "
                + reference
                + " names an environment variable this instance does not have");
      }
      return value;
    }
    Path file = Path.of(reference.substring("file:".length()));
    try {
      String content = Files.readString(file, StandardCharsets.UTF_8);
      int newline = content.indexOf('\n');
      return (newline >= 0 ? content.substring(0, newline) : content).stripTrailing();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "pipe " + pipe + ": cannot read the password file " + file + ": " + e.getMessage());
    }
  }

  /** Hands the pipes off (each commits its final position) and leaves the cluster. */
  @Override
  public void close() {
    InstanceCoordinator m = membership;
    if (m != null) {
      m.close();
    }
    for (String pipe : List.copyOf(running.keySet())) {
      stop(pipe, StopReason.SHUTDOWN);
    }
    scheduler.shutdownNow();
  }
}
