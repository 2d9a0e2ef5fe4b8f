package dev.hamal.bench;

import dev.hamal.app.DemoSystem;
import dev.hamal.app.OrderSimulator;
import dev.hamal.app.ProductLine;
import dev.hamal.app.RoleProcess;
import dev.hamal.app.SimulatorConfig;
import dev.hamal.binlog.BinlogPosition;
import dev.hamal.cache.OrderCache;
import dev.hamal.cache.OrderCacheConfig;
import dev.hamal.coordination.PipePosition;
import dev.hamal.coordination.PipeState;
import dev.hamal.coordination.PipeStatus;
import dev.hamal.order.BusinessLine;
import dev.hamal.order.OrderLookup;
import dev.hamal.reconcile.ReconcileReport;
import dev.hamal.reconcile.Reconciler;
import dev.hamal.reconcile.SourceDatabase;
import dev.hamal.reconcile.SourceDatabaseConfig;
import dev.hamal.search.OrderIndex;
import dev.hamal.search.OrderIndexConfig;
import dev.hamal.store.OrderStore;
import dev.hamal.store.OrderStoreConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hamal bench soak --minutes N}: the whole demo system ({@link DemoSystem}) under steady
 * simulated load for N minutes with periodic chaos, then a reconciliation of every store against
 * the product-line databases, which must find no difference.
 *
 * <p>Chaos, one step every {@code --chaos-every}, in turn: SIGKILL of the listener that owns the
 * pipe (started again after {@code --down-for}); SIGKILL of a processor (likewise); a restart of
 * the Kafka broker. For each step it measures how long until the system works again (the pipe runs
 * on another owner; the committed position moves past the one at the restart).
 *
 * <p>After the load: waits until the pipe committed the product-line server's binlog end and every
 * processor group has consumed every partition, then reconciles each line against the order store,
 * the search index and the cache. Exit code 0 only when every report is clean.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole demo system under steady load with periodic chaos (kill a listener, kill a",
      "processor, restart Kafka), then reconcile every store against the product lines: exit 0",
      "only when there is no difference."
    })
final class SoakCommand implements Callable<Integer> {
  @Option(names = "--minutes", required = true, description = "How long the load runs.")
  double minutes;

  @Option(
      names = "--rate",
      defaultValue = "30",
      description = "New orders per second (default ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--chaos-every",
      defaultValue = "PT2M",
      description = "Time between chaos steps, ISO-8601 (default ${DEFAULT-VALUE}).")
  Duration chaosEvery;

  @Option(
      names = "--down-for",
      defaultValue = "PT15S",
      description = "How long a killed role stays down (default ${DEFAULT-VALUE}).")
  Duration downFor;

  @Option(names = "--seed", defaultValue = "7", description = "Simulator seed.")
  long seed;

  @Option(names = "--data-dir", description = "Keep the servers' data and logs here.")
  Path dataDir;

  private final PrintStream out;

  SoakCommand() {
    this(System.out);
  }

  SoakCommand(PrintStream out) {
    this.out = out;
  }

  /** One chaos step and how long the system took to work again. */
  record ChaosEvent(Duration at, String what, Duration recovery, boolean recovered) {}

  @Override
  public Integer call() throws Exception {
    if (minutes <= 0) {
      throw new IllegalArgumentException("--minutes must be positive, was " + minutes);
    }
    if (rate <= 0) {
      throw new IllegalArgumentException("--rate must be positive, was " + rate);
    }
    if (chaosEvery.compareTo(downFor.plusSeconds(15)) < 0) {
      throw new IllegalArgumentException("--chaos-every must be at least --down-for + 15 s");
    }
    Duration length = Duration.ofMillis((long) (minutes * 60_000));
    out.println("hamal bench soak");
    out.println("machine   : " + ListenerBenchCommand.Machine.describe());
    out.printf(
        Locale.ROOT,
        "workload  : %.0f orders/s of 4 business lines for %s; chaos every %s (kill the owning"
            + " listener, kill a processor, restart Kafka), killed roles down for %s%n",
        rate,
        length,
        chaosEvery,
        downFor);
    EnumSet<ProductLine> lines = EnumSet.allOf(ProductLine.class);
    List<ChaosEvent> events = new ArrayList<>();
    try (DemoSystem system =
        DemoSystem.start(new DemoSystem.Options(lines, Optional.ofNullable(dataDir), 0), out)) {
      Thread hook = new Thread(system::close, "hamal-soak-shutdown"); // SIGTERM, Ctrl-C
      Runtime.getRuntime().addShutdownHook(hook);
      Instant started = Instant.now();
      long startNanos = System.nanoTime();
      OrderSimulator simulator =
          system.startSimulator(
              SimulatorConfig.builder()
                  .ordersPerSecond(rate)
                  .lines(lines)
                  .seed(seed)
                  .duration(length)
                  .build());
      long nextChaos = startNanos + chaosEvery.toNanos();
      long nextStatus = startNanos + TimeUnit.SECONDS.toNanos(30);
      long end = startNanos + length.toNanos();
      int step = 0;
      int processorTurn = 0;
      while (System.nanoTime() < end - downFor.toNanos() - TimeUnit.SECONDS.toNanos(20)) {
        if (simulator.failure().isPresent()) {
          throw new IllegalStateException("the simulator failed", simulator.failure().get());
        }
        long now = System.nanoTime();
        if (now >= nextStatus) {
          status(system, simulator, startNanos);
          nextStatus = now + TimeUnit.SECONDS.toNanos(30);
        }
        if (now >= nextChaos) {
          Duration at = Duration.ofNanos(now - startNanos);
          ChaosEvent event =
              switch (step++ % 3) {
                case 0 -> killOwningListener(system, at);
                case 1 -> killProcessor(system, system.processors().get(processorTurn++ % 2), at);
                default -> restartKafka(system, at);
              };
          events.add(event);
          out.printf(
              Locale.ROOT,
              "chaos     : %s at %s: %s in %.1f s%n",
              event.what(),
              format(event.at()),
              event.recovered() ? "working again" : "NOT working again",
              event.recovery().toMillis() / 1000.0);
          nextChaos = System.nanoTime() + chaosEvery.toNanos();
        }
        TimeUnit.MILLISECONDS.sleep(250);
      }
      if (!simulator.awaitTermination(length.plusMinutes(2))) {
        throw new IllegalStateException("the simulator did not finish");
      }
      if (simulator.failure().isPresent()) {
        throw new IllegalStateException("the simulator failed", simulator.failure().get());
      }
      double loadSeconds = (System.nanoTime() - startNanos) / 1e9;
      var total = simulator.counts().total();
      out.printf(
          Locale.ROOT,
          "load      : %,d orders created (%.1f/s, %.2f× the requested %.0f/s), %,d paid, %,d"
              + " fulfilled, %,d refunded, %,d failed%n",
          total.created(),
          total.created() / loadSeconds,
          total.created() / loadSeconds / rate,
          rate,
          total.paid(),
          total.fulfilled(),
          total.refunded(),
          total.failed());

      long drainStart = System.nanoTime();
      BinlogPosition binlogEnd = system.masterStatus();
      boolean committed =
          until(Duration.ofMinutes(5), () -> committedAtLeast(system.committed(), binlogEnd));
      boolean consumed =
          until(Duration.ofMinutes(5), () -> lag(system.kafka().bootstrapServers()) == 0);
      out.printf(
          Locale.ROOT,
          "drain     : pipe %s the binlog end %s, processors %s, in %.1f s%n",
          committed ? "committed" : "did NOT commit",
          binlogEnd,
          committed && consumed ? "consumed every partition" : "did NOT consume everything",
          (System.nanoTime() - drainStart) / 1e9);

      boolean clean = reconcile(system, started) && committed && consumed;
      long recovered = events.stream().filter(ChaosEvent::recovered).count();
      out.printf(
          Locale.ROOT,
          "result    : %s after %s of load and %d chaos steps (%d recovered; slowest %.1f s)%n",
          clean ? "CLEAN, zero differences" : "DIFFERENCES",
          format(Duration.ofNanos((long) (loadSeconds * 1e9))),
          events.size(),
          recovered,
          events.stream().mapToLong(e -> e.recovery().toMillis()).max().orElse(0) / 1000.0);
      return clean && recovered == events.size() ? 0 : 1;
    }
  }

  private ChaosEvent killOwningListener(DemoSystem system, Duration at) throws Exception {
    String owner = system.pipeStatus().owner().orElse("listener-1");
    RoleProcess victim =
        system.listeners().stream().filter(l -> l.name().equals(owner)).findFirst().orElseThrow();
    long t0 = System.nanoTime();
    victim.kill();
    boolean moved =
        until(
            Duration.ofMinutes(2),
            () -> {
              PipeStatus s = system.pipeStatus();
              return s.state() == PipeState.RUNNING
                  && s.owner().filter(o -> !o.equals(owner)).isPresent();
            });
    Duration recovery = Duration.ofNanos(System.nanoTime() - t0);
    sleepRest(t0, downFor);
    victim.start();
    return new ChaosEvent(at, "SIGKILL " + owner + " (pipe owner)", recovery, moved);
  }

  private ChaosEvent killProcessor(DemoSystem system, RoleProcess victim, Duration at)
      throws Exception {
    String kafka = system.kafka().bootstrapServers();
    long t0 = System.nanoTime();
    victim.kill();
    sleepRest(t0, downFor);
    victim.start();
    // working again: every group has consumed what was published until the restart
    Map<TopicPartition, Long> published = ends(kafka);
    boolean caughtUp = until(Duration.ofMinutes(3), () -> behind(kafka, published) == 0);
    return new ChaosEvent(
        at, "SIGKILL " + victim.name(), Duration.ofNanos(System.nanoTime() - t0), caughtUp);
  }

  private ChaosEvent restartKafka(DemoSystem system, Duration at) throws Exception {
    Optional<PipePosition> before = system.committed();
    long t0 = System.nanoTime();
    system.kafka().restart();
    boolean moving =
        until(
            Duration.ofMinutes(3),
            () -> {
              Optional<PipePosition> now = system.committed();
              return now.isPresent()
                  && (before.isEmpty()
                      || now.get().file().compareTo(before.get().file()) > 0
                      || (now.get().file().equals(before.get().file())
                          && now.get().position() > before.get().position()));
            });
    return new ChaosEvent(at, "restart Kafka", Duration.ofNanos(System.nanoTime() - t0), moving);
  }

  private void status(DemoSystem system, OrderSimulator simulator, long startNanos) {
    String bootstrap = system.kafka().bootstrapServers();
    StringBuilder line = new StringBuilder("progress  : ");
    line.append(format(Duration.ofNanos(System.nanoTime() - startNanos)));
    line.append(String.format(Locale.ROOT, ", %,d orders", simulator.counts().total().created()));
    try {
      PipeStatus s = system.pipeStatus();
      line.append(", pipe ")
          .append(s.state())
          .append(s.owner().map(o -> " on " + o).orElse(""))
          .append(s.committed().map(p -> " at " + p.file() + ":" + p.position()).orElse(""));
      if (s.metrics().lagSeconds() >= 0) {
        line.append(", lag ").append(s.metrics().lagSeconds()).append(" s");
      }
      line.append(String.format(Locale.ROOT, ", processors behind by %,d changes", lag(bootstrap)));
    } catch (RuntimeException e) {
      line.append(", status unavailable: ").append(e.getMessage());
    }
    out.println(line);
  }

  private boolean reconcile(DemoSystem system, Instant started) {
    // the simulator's order times may run ahead of the wall clock: a generous window
    Instant from = started.minus(Duration.ofDays(30));
    Instant to = Instant.now().plus(Duration.ofDays(30));
    var db = system.mariaDb();
    boolean clean = true;
    try (OrderStore store =
            OrderStore.open(
                OrderStoreConfig.builder(system.storeShards(), db.adminUser())
                    .password(db.adminPassword())
                    .migrate(false)
                    .build());
        OrderIndex index =
            OrderIndex.open(OrderIndexConfig.builder(system.openSearch().httpUri()).build());
        OrderCache cache =
            OrderCache.connect(OrderCacheConfig.builder(system.redis().uri()).build());
        SourceDatabase source =
            SourceDatabase.open(
                SourceDatabaseConfig.of(db.jdbcUrl("mysql"), db.adminUser(), db.adminPassword()))) {
      index.refresh();
      Map<String, OrderLookup> targets = new LinkedHashMap<>();
      targets.put("store", store);
      targets.put("index", index);
      targets.put("cache", cache);
      for (BusinessLine line : system.businessLines().lines()) {
        long t0 = System.nanoTime();
        ReconcileReport report =
            Reconciler.create().reconcile(line, source, from, to, targets, Optional.empty());
        clean &= report.isClean();
        out.printf(
            Locale.ROOT,
            "reconcile : %-9s %,7d source orders; store, index, cache: %,d missing, %,d stale,"
                + " %,d extra (%.1f s)%s%n",
            line.name(),
            report.sourceCount(),
            report.totals().missing(),
            report.totals().stale(),
            report.totals().extra(),
            (System.nanoTime() - t0) / 1e9,
            report.isClean() ? "" : "\n            " + report.toJson());
      }
    }
    return clean;
  }

  private static boolean committedAtLeast(Optional<PipePosition> committed, BinlogPosition end) {
    return committed.isPresent()
        && new BinlogPosition(committed.get().file(), committed.get().position()).compareTo(end)
            >= 0;
  }

  /**
   * Messages published but not yet committed by the three processor groups, summed.
   *
   * @throws IllegalStateException when Kafka does not answer
   */
  private static long lag(String bootstrapServers) {
    return behind(bootstrapServers, ends(bootstrapServers));
  }

  private static Admin admin(String bootstrapServers) {
    return Admin.create(
        Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  /** The end offset of every partition of the order topics. */
  private static Map<TopicPartition, Long> ends(String bootstrapServers) {
    try (Admin admin = admin(bootstrapServers)) {
      var topics =
          admin.listTopics().names().get(10, TimeUnit.SECONDS).stream()
              .filter(t -> t.startsWith("hamal.orders."))
              .toList();
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (var description :
          admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
        description
            .partitions()
            .forEach(p ->
                request.put(
                    new TopicPartition(description.name(), p.partition()), OffsetSpec.latest()));
      }
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin
          .listOffsets(request)
          .all()
          .get(10, TimeUnit.SECONDS)
          .forEach((partition, info) -> ends.put(partition, info.offset()));
      return ends;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("Kafka does not answer: " + e, e);
    }
  }

  /** How many messages before {@code ends} the three processor groups have not committed. */
  private static long behind(String bootstrapServers, Map<TopicPartition, Long> ends) {
    try (Admin admin = admin(bootstrapServers)) {
      long lag = 0;
      for (String sink : List.of("store", "index", "cache")) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets("hamal-" + sink + "-writer")
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        for (var e : ends.entrySet()) {
          OffsetAndMetadata c = committed.get(e.getKey());
          lag += Math.max(0, e.getValue() - (c == null ? 0 : c.offset()));
        }
      }
      return lag;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("Kafka does not answer: " + e, e);
    }
  }

  private static boolean until(Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return true;
        }
      } catch (RuntimeException e) {
        // a part is restarting: ask again
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    return false;
  }

  private static void sleepRest(long sinceNanos, Duration total) throws InterruptedException {
    long rest = total.toNanos() - (System.nanoTime() - sinceNanos);
    if (rest > 0) {
      TimeUnit.NANOSECONDS.sleep(rest);
    }
  }

  private static String format(Duration d) {
    return String.format(Locale.ROOT, "%d:%02d", d.toMinutes(), d.toSecondsPart());
  }
}
