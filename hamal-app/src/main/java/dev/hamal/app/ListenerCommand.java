package dev.hamal.app;

import dev.hamal.coordination.Coordinator;
import dev.hamal.listener.ListenerConfig;
import dev.hamal.listener.ListenerInstance;
import dev.hamal.order.BusinessLine;
import dev.hamal.order.BusinessLines;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hamal listener --config FILE}: one listener instance of the cluster. It reads its part of
 * the configuration ({@link ListenerSettings}) and the business lines, connects to ZooKeeper,
 * serves {@code /metrics}, {@code /health} and {@code /ready} ({@link MetricsEndpoint}), and runs
 * whatever pipes the cluster gives it ({@link ListenerInstance} logs one line when a pipe starts
 * here and one when it stops) until SIGTERM or SIGINT.
 *
 * <p><b>Ready</b> means: the ZooKeeper session is connected and Kafka answers with the producer's
 * connection and security settings ({@link KafkaProbe}). <b>Alive</b> is always true while the
 * endpoint answers: a lost session is re-established by the coordinator, not by a restart.
 *
 * <p><b>Stopping.</b> On a termination signal ({@link GracefulShutdown}, bounded by {@code
 * listener.shutdown-grace}) the instance hands the pipes off ({@link ListenerInstance#close()}:
 * each pipe stops reading, waits for Kafka to acknowledge what it sent, commits that position and
 * releases its ownership, so another instance takes over at once), closes the ZooKeeper session,
 * the endpoint and the meters, and exits with status 0 (1 if closing failed). A position is only
 * ever committed for records Kafka acknowledged, so a stop cut short by the grace loses nothing:
 * the next owner publishes the rest again.
 *
 * <p><b>Failing fast.</b> A bad file, a bad business line, an unreachable ZooKeeper or a metrics
 * port in use stop the command before it joins the cluster, with one message naming the cause (exit
 * code 2 for configuration, 1 for the rest).
 */
@Command(
    name = "listener",
    mixinStandardHelpOptions = true,
    description = {
      "Run a listener instance: take pipes from the cluster (ZooKeeper), publish their order"
          + " changes to Kafka, serve Prometheus metrics. SIGTERM or Ctrl-C hands the pipes off.",
      "Settings: the shared sections and listener.* of hamal.yaml (docs/configuration.md);"
          + " every key can be overridden by HAMAL_<KEY> (e.g. HAMAL_KAFKA_BOOTSTRAP_SERVERS)."
    })
final class ListenerCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ListenerCommand.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(2);

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The configuration file, hamal.yaml (see examples/hamal.yaml).")
  Path config;

  @Option(
      names = "--instance-id",
      paramLabel = "ID",
      description =
          "Overrides listener.instance-id of the file (default: host name and process id).")
  String instanceId;

  private final Map<String, String> environment;

  ListenerCommand() {
    this(System.getenv());
  }

  /** For tests: the environment that overrides settings and holds pipe passwords. */
  ListenerCommand(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  @Override
  public Integer call() throws Exception {
    ListenerSettings settings = ListenerSettings.load(config, environment);
    if (instanceId != null) {
      settings = settings.withInstanceId(instanceId);
    }
    BusinessLines lines = BusinessLines.loadDirectory(settings.businessLines());
    Running running = Running.start(settings, lines, environment);
    GracefulShutdown.awaitSignal("listener", settings.shutdownGrace(), running::stop);
    return 0;
  }

  /** The resources of a running listener, closed in the reverse order of their start. */
  private static final class Running {
    private final String id;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    private Running(String id) {
      this.id = id;
    }

    static Running start(
        ListenerSettings settings, BusinessLines lines, Map<String, String> environment)
        throws Exception {
      Running r = new Running(settings.instanceId());
      try {
        r.startAll(settings, lines, environment);
        return r;
      } catch (Exception | Error e) {
        r.closeAll();
        throw e;
      }
    }

    private void startAll(
        ListenerSettings settings, BusinessLines lines, Map<String, String> environment) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      resources.push(registry::close);
      new JvmMemoryMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ClassLoaderMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
      JvmGcMetrics gc = new JvmGcMetrics();
      gc.bindTo(registry);
      resources.push(gc);

      Coordinator coordinator = Coordinator.connect(settings.coordination());
      resources.push(coordinator);
      ListenerConfig config = settings.listenerConfig(Optional.empty(), environment);

      Optional<URI> metricsUrl = Optional.empty();
      if (settings.metricsPort() != 0) {
        KafkaProbe kafka =
            new KafkaProbe(
                settings.kafkaBootstrapServers(),
                config.producerSettings(),
                "hamal-" + settings.instanceId() + "-ready",
                READY_TIMEOUT);
        resources.push(kafka);
        Readiness readiness =
            new Readiness(
                List.of(
                    new Readiness.Check("zookeeper", coordinator::isConnected),
                    new Readiness.Check("kafka", kafka::reachable)),
                READY_TIMEOUT);
        MetricsEndpoint endpoint;
        try {
          endpoint =
              MetricsEndpoint.start(
                  settings.metricsHost(), settings.metricsPort(), registry, () -> true, readiness);
        } catch (IOException e) {
          readiness.close();
          throw new UncheckedIOException(
              "listener.metrics.port: cannot serve metrics on "
                  + settings.metricsHost()
                  + ":"
                  + settings.metricsPort()
                  + " ("
                  + e.getMessage()
                  + "); choose another port, or 0 for none",
              e);
        }
        resources.push(endpoint);
        metricsUrl = Optional.of(metricsUrl(settings.metricsHost(), endpoint.port()));
      }

      ListenerInstance instance =
          new ListenerInstance(
              settings.listenerConfig(metricsUrl, environment),
              lines,
              coordinator,
              registry,
              Clock.systemUTC(),
              environment);
      // registered before start: a start that fails half-way still leaves the cluster cleanly
      resources.push(instance);
      instance.start();
      log.info(
          "listener {} runs: ZooKeeper {} (namespace {}), Kafka {}{}, business lines {} from {},"
              + " metrics {}",
          settings.instanceId(),
          settings.coordination().connectString(),
          settings.coordination().namespace(),
          settings.kafkaBootstrapServers(),
          settings.kafka().producerNames().isEmpty()
              ? ""
              : " (producer settings " + settings.kafka().producerNames() + ")", // values: secret
          lines.lines().stream()
              .map(ListenerCommand::describe)
              .collect(Collectors.joining(", ", "[", "]")),
          settings.businessLines(),
          metricsUrl.map(URI::toString).orElse("off"));
      if (lines.lines().isEmpty()) {
        log.warn("no business line is loaded: every pipe given to this instance will fail");
      }
    }

    /** Closes everything; 0 when all closed cleanly, 1 otherwise. */
    int stop() {
      log.info("listener {} stops: handing its pipes off", id);
      int status = closeAll();
      log.info("listener {} stopped{}", id, status == 0 ? "" : " with errors");
      return status;
    }

    private int closeAll() {
      int status = 0;
      while (!resources.isEmpty()) {
        AutoCloseable resource = resources.pop();
        try {
          resource.close();
        } catch (Exception e) {
          status = 1;
          log.error("listener {}: closing {} failed", id, resource.getClass().getSimpleName(), e);
        }
      }
      return status;
    }
  }

  private static URI metricsUrl(String host, int port) {
    String h = host;
    if (h.equals("0.0.0.0") || h.equals("::")) {
      try {
        h = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        h = "localhost";
      }
    }
    return URI.create("http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port + "/metrics");
  }

  private static String describe(BusinessLine line) {
    return line.name() + "@" + line.pipe();
  }
}
