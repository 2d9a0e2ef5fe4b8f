package dev.hamal.listener;

import dev.hamal.binlog.SslMode;
import dev.hamal.coordination.Coordinator;
import dev.hamal.coordination.CoordinatorConfig;
import dev.hamal.order.BusinessLines;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A listener instance as an OS process of its own, for chaos tests: {@code kill -9}, {@code kill
 * -STOP} and session expiry must hit a whole process, not a thread of the test JVM.
 *
 * <p>Arguments are {@code key=value}: {@code zookeeper}, {@code namespace}, {@code session-timeout}
 * (ISO-8601 duration or milliseconds), {@code kafka}, {@code lines} (business-line directory),
 * {@code instance}, {@code password-env} (the variable holding the sources' password). It joins the
 * cluster, prints {@link #READY} with its pid, and runs until SIGTERM, when a shutdown hook hands
 * its pipes off (final commits) and leaves the cluster, then prints {@link #STOPPED}.
 */
public final class ListenerProcess {
  static final String READY = "LISTENER-PROCESS-READY";
  static final String STOPPED = "LISTENER-PROCESS-STOPPED";

  private ListenerProcess() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("arguments are key=value, not: " + arg);
      }
      options.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    String instanceId = required(options, "instance");
    CoordinatorConfig coordination =
        CoordinatorConfig.builder(required(options, "zookeeper"))
            .namespace(required(options, "namespace"))
            .sessionTimeout(duration(options.getOrDefault("session-timeout", "4000")))
            .connectionTimeout(Duration.ofSeconds(15))
            .retry(Duration.ofMillis(100), Duration.ofSeconds(1), 3)
            .resyncInterval(Duration.ofSeconds(2))
            .handOffTimeout(Duration.ofSeconds(20))
            .build();
    ListenerConfig config =
        ListenerConfig.builder(instanceId, required(options, "kafka"))
            .commitInterval(Duration.ofMillis(200))
            .statusInterval(Duration.ofSeconds(1))
            .stopTimeout(Duration.ofSeconds(20))
            .decodeThreads(2)
            .topicPartitions(3)
            .sslMode(SslMode.DISABLED)
            .build();
    String passwordVariable = required(options, "password-env");
    String password = System.getenv(passwordVariable);
    if (password == null) {
      throw new IllegalArgumentException("environment variable " + passwordVariable + " not set");
    }
    BusinessLines lines = BusinessLines.loadDirectory(Path.of(required(options, "lines")));

    Coordinator coordinator = Coordinator.connect(coordination);
    ListenerInstance instance =
        new ListenerInstance(
            config,
            lines,
            coordinator,
            new SimpleMeterRegistry(),
            Clock.systemUTC(),
            Map.of(passwordVariable, password));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("listener process " + instanceId + " stopping (SIGTERM)");
                  try {
                    instance.close();
                    coordinator.close();
                  } finally {
                    System.out.println(STOPPED + " " + instanceId);
                    System.out.flush();
                    stopped.countDown();
                  }
                },
                "listener-process-shutdown"));
    instance.start();
    System.out.println(READY + " " + instanceId + " pid " + ProcessHandle.current().pid());
    System.out.flush();
    stopped.await();
  }

  private static String required(Map<String, String> options, String key) {
    String value = options.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("missing argument " + key + "=...");
    }
    return value;
  }

  private static Duration duration(String value) {
    return value.startsWith("P") ? Duration.parse(value) : Duration.ofMillis(Long.parseLong(value));
  }
}
