package dev.hamal.bench;

import dev.hamal.binlog.SslMode;
import dev.hamal.coordination.Coordinator;
import dev.hamal.coordination.CoordinatorConfig;
import dev.hamal.listener.ListenerConfig;
import dev.hamal.listener.ListenerInstance;
import dev.hamal.listener.Topics;
import dev.hamal.order.BusinessLines;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The listener that {@code hamal bench pipeline} measures, run as a process of its own so that its
 * resident set is measured apart from the benchmark's and the broker's: one {@link
 * ListenerInstance} with the benchmark's business lines, joined to the cluster in ZooKeeper, which
 * gives it the pipe the benchmark added there. It runs until its standard input is closed, then
 * hands the pipe off (flushing the producer and committing the final position) and exits.
 *
 * <p>Arguments: ZooKeeper connect string, namespace, Kafka bootstrap servers, topic template,
 * dead-letter topic, commit interval in milliseconds. Source passwords come from the environment
 * ({@code env:} references of the pipe definition).
 */
final class PipelineListener {
  /** The business lines of the workload: {@code bench_<line>} schemas, pipe {@value #PIPE}. */
  static final List<String> LINE_RESOURCES =
      List.of(
          "bench/business-lines/topup.yaml",
          "bench/business-lines/fuelcard.yaml",
          "bench/business-lines/ticket.yaml",
          "bench/business-lines/gamecard.yaml");

  /** The pipe the business lines name. */
  static final String PIPE = "bench";

  private PipelineListener() {}

  /** The benchmark's business lines, from the class path. */
  static BusinessLines businessLines() {
    return BusinessLines.loadResources(PipelineListener.class.getClassLoader(), LINE_RESOURCES);
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 6) {
      System.err.println(
          "usage: PipelineListener ZK NAMESPACE KAFKA TOPIC_TEMPLATE DEAD_LETTER_TOPIC"
              + " COMMIT_INTERVAL_MS");
      System.exit(2);
    }
    ListenerConfig config =
        ListenerConfig.builder("bench-listener", args[2])
            .topics(new Topics(args[3], args[4]))
            .commitInterval(Duration.ofMillis(Long.parseLong(args[5])))
            .sslMode(SslMode.DISABLED)
            .build();
    try (Coordinator coordinator =
            Coordinator.connect(CoordinatorConfig.builder(args[0]).namespace(args[1]).build());
        ListenerInstance instance =
            new ListenerInstance(
                config,
                businessLines(),
                coordinator,
                new SimpleMeterRegistry(),
                Clock.systemUTC(),
                System.getenv())) {
      instance.start();
      System.out.println("READY");
      System.out.flush();
      InputStream in = System.in;
      byte[] sink = new byte[256];
      while (in.read(sink) >= 0) {
        // the benchmark closes our standard input to stop us
      }
    }
    System.out.println("STOPPED");
  }
}
