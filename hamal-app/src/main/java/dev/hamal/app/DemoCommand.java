package dev.hamal.app;

import dev.hamal.binlog.BinlogPosition;
import dev.hamal.listener.Topics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.mariadb.jdbc.MariaDbDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hamal demo}: the order center on embedded defaults. Starts an embedded MariaDB 11.4 with
 * row-based binary logging and the product-line schemas ({@code topup}, {@code fuelcard}, {@code
 * ticket} with sixteen order shards, {@code gamecard}), an embedded ZooKeeper, a Kafka broker and
 * two listener instances sharing pipe {@code demo} (the business lines are the example mappings in
 * {@code business-lines/}); the order simulator writes orders through their life cycles, and the
 * console prints every unified order change as it arrives in Kafka, with the pipe's owner,
 * committed position and lag every five seconds.
 *
 * <p>Stopping (Ctrl-C, or {@code --duration}): the simulator finishes its open transactions, the
 * listeners hand the pipe off (committing what Kafka acknowledged), then Kafka, ZooKeeper and the
 * database stop; the servers' own shutdown hooks wait for that, so no process outlives the command.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the order center on embedded MariaDB, ZooKeeper and Kafka with two listener",
      "instances while a simulator writes orders of four business lines, and print the",
      "unified order changes as they arrive in Kafka. Ctrl-C stops everything."
    })
final class DemoCommand implements Callable<Integer> {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

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
      description = "Keep the database here between runs (default: a temporary directory).")
  Path dataDir;

  @Option(
      names = "--duration",
      paramLabel = "SECONDS",
      description = "Stop after this many seconds (default: run until Ctrl-C).")
  Long durationSeconds;

  @Option(
      names = "--json",
      description = "Print each change as its Kafka message (hamal.order-change/1 JSON).")
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
    CountDownLatch stopped = new CountDownLatch(1);
    DemoCluster cluster = null;
    OrderSimulator simulator = null;
    ChangePrinter printer = null;
    Thread hook = null;
    try {
      out.println("hamal demo: starting MariaDB 11.4, ZooKeeper, a Kafka broker ...");
      cluster = DemoCluster.start(dataDir, out);
      MariaDbDataSource dataSource = cluster.dataSource();
      try (Connection c = dataSource.getConnection()) {
        ProductLines.create(c, lines);
      }
      List<String> topics = new ArrayList<>();
      for (ProductLine line : lines) {
        topics.add(Topics.defaults().forLine(line.schema()));
      }
      topics.add(Topics.defaults().deadLetters());
      cluster.createTopics(topics);
      printer = ChangePrinter.start(cluster, topics, json, out);
      cluster.startListeners(masterStatus(dataSource));
      out.printf(
          "hamal demo: %s on 127.0.0.1:%d, ZooKeeper %s, Kafka %s; two listener instances own"
              + " pipe 'demo'; simulating %s at %s orders/s (Ctrl-C stops)%n",
          cluster.mariaDb().name(),
          cluster.mariaDb().port(),
          cluster.zooKeeper().connectString(),
          cluster.kafka().bootstrapServers(),
          lines.stream().map(ProductLine::schema).toList(),
          rate);
      SimulatorConfig.Builder simulation =
          SimulatorConfig.builder().ordersPerSecond(rate).lines(lines).seed(seed);
      if (durationSeconds != null) {
        simulation.duration(Duration.ofSeconds(durationSeconds));
      }
      simulator = OrderSimulator.start(dataSource, simulation.build());
      printer.simulator(simulator);
      OrderSimulator sim = simulator;
      ChangePrinter console = printer;
      hook =
          new Thread(
              () -> {
                sim.close();
                console.close();
                awaitQuietly(stopped);
              },
              "hamal-demo-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      if (durationSeconds != null) {
        sim.awaitTermination(Duration.ofSeconds(durationSeconds).plusMinutes(1));
        BinlogPosition end = masterStatus(dataSource);
        cluster.awaitCommitted(end, Duration.ofSeconds(60));
        printer.drain(Duration.ofSeconds(5));
        printer.close();
      }
      printer.awaitClosed();
      printer.summary();
      return 0;
    } finally {
      if (simulator != null) {
        simulator.close();
      }
      if (printer != null) {
        printer.close();
      }
      if (cluster != null) {
        cluster.close();
      }
      out.println("hamal demo: stopped; the listeners handed off, the servers are shut down.");
      out.flush();
      stopped.countDown();
      if (hook != null) {
        removeQuietly(hook);
      }
    }
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

  private static BinlogPosition masterStatus(MariaDbDataSource dataSource) throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
      rs.next();
      return new BinlogPosition(rs.getString(1), rs.getLong(2));
    }
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
