package dev.hamal.app;

import dev.hamal.binlog.BinlogPosition;
import dev.hamal.listener.Topics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hamal demo}: the whole order center on embedded defaults ({@link DemoSystem}): MariaDB
 * 11.4 with the product-line schemas ({@code topup}, {@code fuelcard}, {@code ticket} with sixteen
 * order shards, {@code gamecard}) and the order store, ZooKeeper, Kafka, OpenSearch, Redis, two
 * listener and two processor instances, and the gateway with its web console; the order simulator
 * writes orders through their life cycles, with refunds, bursts and a promotion spike. Prints the
 * console's address and a demo API key, then a status line every ten seconds ({@code --changes}:
 * every unified order change as it arrives in Kafka).
 *
 * <p>Stopping (Ctrl-C, or {@code --duration}): the simulator finishes its open transactions, the
 * gateway stops, the listeners hand the pipe off (committing what Kafka acknowledged), the
 * processors commit what they wrote, then the servers stop; the servers' own shutdown hooks wait
 * for that, so no process outlives the command.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole order center on embedded MariaDB, ZooKeeper, Kafka, OpenSearch and Redis:",
      "two listeners, two processors and the gateway with its web console, while a simulator",
      "writes orders of four business lines. Prints the console address and a demo API key.",
      "Ctrl-C stops everything."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--rate",
      defaultValue = "5",
      paramLabel = "ORDERS_PER_SECOND",
      description = "New orders per second across all lines (default ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--business-lines",
      split = ",",
      paramLabel = "LINE",
      description = "Lines to simulate: topup, fuelcard, ticket, gamecard (default all).")
  List<String> businessLines = new ArrayList<>();

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Keep every server's data (and the roles' logs) here between runs (default: a"
              + " temporary directory, deleted on exit).")
  Path dataDir;

  @Option(
      names = "--port",
      defaultValue = "8080",
      paramLabel = "PORT",
      description =
          "The gateway's and console's port on 127.0.0.1 (default ${DEFAULT-VALUE}; a free one"
              + " when taken; 0 = any).")
  int port;

  @Option(
      names = "--duration",
      paramLabel = "SECONDS",
      description = "Stop after this many seconds (default: run until Ctrl-C).")
  Long durationSeconds;

  @Option(names = "--changes", description = "Print every order change as it arrives in Kafka.")
  boolean changes;

  @Option(
      names = "--json",
      description = "With --changes: print each as its Kafka message (hamal.order-change/1 JSON).")
  boolean json;

  @Option(names = "--seed", defaultValue = "1", description = "Simulator seed (default 1).")
  long seed;

  private final PrintStream out;

  DemoCommand() {
    this(System.out);
  }

  DemoCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    Set<ProductLine> lines = lines();
    if (rate <= 0) {
      throw new IllegalArgumentException("--rate must be positive, was " + rate);
    }
    if (durationSeconds != null && durationSeconds <= 0) {
      throw new IllegalArgumentException("--duration must be positive, was " + durationSeconds);
    }
    quietLogs();
    CountDownLatch stopped = new CountDownLatch(1);
    DemoSystem system = null;
    ChangePrinter printer = null;
    Thread hook = null;
    try {
      system =
          DemoSystem.start(new DemoSystem.Options(lines, Optional.ofNullable(dataDir), port), out);
      List<String> topics = new ArrayList<>();
      for (ProductLine line : lines) {
        topics.add(Topics.defaults().forLine(line.schema()));
      }
      topics.add(Topics.defaults().deadLetters());
      printer = ChangePrinter.start(system, topics, changes, json, out);
      SimulatorConfig.Builder simulation =
          SimulatorConfig.builder().ordersPerSecond(rate).lines(lines).seed(seed);
      if (durationSeconds != null) {
        simulation.duration(Duration.ofSeconds(durationSeconds));
      }
      OrderSimulator simulator = system.startSimulator(simulation.build());
      printer.simulator(simulator);
      out.printf(
          "%n  Console:  %s%n  API key:  %s%n  API:      %s/v1/orders   (Authorization: Bearer"
              + " <key>; openapi at /openapi.yaml)%n  Data:     %s%n%n"
              + "hamal demo: simulating %s at %s orders/s; Ctrl-C stops everything.%n",
          system.consoleUrl(),
          system.apiKey(),
          system.gatewayUrl(),
          system.workDir(),
          lines.stream().map(ProductLine::schema).sorted().toList(),
          rate);
      out.flush();
      DemoSystem running = system;
      ChangePrinter console = printer;
      hook =
          new Thread(
              () -> {
                out.println("hamal demo: stopping ...");
                console.close();
                running.close();
                awaitQuietly(stopped);
              },
              "hamal-demo-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      if (durationSeconds != null) {
        simulator.awaitTermination(Duration.ofSeconds(durationSeconds).plusMinutes(1));
        awaitCommitted(system, system.masterStatus(), Duration.ofSeconds(60));
        printer.drain(Duration.ofSeconds(5));
        printer.close();
      }
      printer.awaitClosed();
      printer.summary();
      return 0;
    } finally {
      if (printer != null) {
        printer.close();
      }
      if (system != null) {
        system.close();
      }
      out.println("hamal demo: stopped; the roles handed off, the servers are shut down.");
      out.flush();
      stopped.countDown();
      if (hook != null) {
        removeQuietly(hook);
      }
    }
  }

  /**
   * The demo reports its own progress: the parts' start-up notices (Hamal's INFO messages,
   * Helidon's through java.util.logging) are left out unless {@code HAMAL_LOG_LEVEL} asks for them.
   * Warnings and errors are still shown.
   */
  private static void quietLogs() {
    if (System.getProperty("HAMAL_LOG_LEVEL") != null || System.getenv("HAMAL_LOG_LEVEL") != null) {
      return;
    }
    if (org.slf4j.LoggerFactory.getLogger("dev.hamal")
        instanceof ch.qos.logback.classic.Logger hamal) {
      hamal.setLevel(ch.qos.logback.classic.Level.WARN);
    }
    HELIDON.setLevel(java.util.logging.Level.WARNING);
  }

  /** Held so that its level stays (java.util.logging keeps loggers weakly). */
  private static final java.util.logging.Logger HELIDON =
      java.util.logging.Logger.getLogger("io.helidon");

  /** Waits until the pipe's committed position reaches {@code end}, or the timeout. */
  private void awaitCommitted(DemoSystem system, BinlogPosition end, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      var committed = system.committed();
      if (committed.isPresent()
          && new BinlogPosition(committed.get().file(), committed.get().position()).compareTo(end)
              >= 0) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    out.println("hamal demo: the pipe did not reach " + end + " within " + timeout);
  }

  private Set<ProductLine> lines() {
    if (businessLines.isEmpty()) {
      return EnumSet.allOf(ProductLine.class);
    }
    Set<ProductLine> chosen = EnumSet.noneOf(ProductLine.class);
    for (String name : businessLines) {
      ProductLine line = null;
      for (ProductLine candidate : ProductLine.values()) {
        if (candidate.schema().equalsIgnoreCase(name.trim())) {
          line = candidate;
        }
      }
      if (line == null) {
        throw new IllegalArgumentException(
            "--business-lines: unknown line '"
                + name
                + "'; known: topup, fuelcard, ticket, gamecard");
      }
      chosen.add(line);
    }
    return chosen;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeQuietly(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook is running and waits for us
    }
  }
}
