package dev.hamal.app;

import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.BinlogSource;
import dev.hamal.binlog.BinlogStream;
import dev.hamal.binlog.BinlogTable;
import dev.hamal.binlog.ChangeHandler;
import dev.hamal.binlog.Checkpoint;
import dev.hamal.binlog.RowChange;
import dev.hamal.binlog.RowImage;
import dev.hamal.binlog.SslMode;
import dev.hamal.binlog.StartPosition;
import dev.hamal.binlog.TableFilter;
import dev.hamal.binlog.TransactionEnd;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.MariaDbServerConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.mariadb.jdbc.MariaDbDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hamal demo}: the listener on embedded defaults. Starts an embedded MariaDB 11.4 with
 * row-based binary logging, creates the product-line schemas ({@code topup}, {@code fuelcard},
 * {@code ticket} with sixteen order shards, {@code gamecard}), runs the order simulator through the
 * orders' life cycles, and prints every change the listener decodes from the binlog, live.
 *
 * <p>Stopping (Ctrl-C, or {@code --duration}): the simulator finishes its open transactions, the
 * stream stops, the database shuts down; the shutdown hook waits for all of it, so no {@code
 * mariadbd} process outlives the command. Later issues grow this into the whole order center.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the listener on an embedded MariaDB while a simulator writes orders of four",
      "business lines, and print the changes it decodes. Ctrl-C stops everything."
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
      description = "Print tail's JSON lines instead of the readable summary of each change.")
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
    MariaDbServerConfig.Builder config =
        MariaDbServerConfig.builder(MariaDbServer.Distribution.BUNDLED)
            .serverId(1)
            // on Ctrl-C the demo stops the simulator and the listener, then the server
            .exitGrace(Duration.ofSeconds(30));
    if (dataDir != null) {
      config.dataDir(dataDir.resolve("mariadb-11.4"));
    }
    out.println("hamal demo: starting an embedded MariaDB 11.4 ...");
    MariaDbServer server = MariaDbServer.start(config.build());
    OrderSimulator simulator = null;
    BinlogStream stream = null;
    Thread hook = null;
    try {
      MariaDbDataSource dataSource = new MariaDbDataSource(server.jdbcUrl(""));
      dataSource.setUser(server.adminUser());
      dataSource.setPassword(server.adminPassword());
      try (Connection c = dataSource.getConnection()) {
        ProductLines.create(c, lines);
      }
      BinlogPosition from = masterStatus(dataSource);
      BinlogSource source =
          BinlogSource.builder(server.host(), server.port())
              .name(server.name())
              .user(server.replicationUser())
              .password(server.replicationPassword())
              .sslMode(SslMode.DISABLED)
              .reportHost("hamal-demo")
              .build();
      List<String> include = new ArrayList<>();
      for (ProductLine line : lines) {
        include.add(line.schema() + ".*");
      }
      stream =
          BinlogStream.builder(source)
              .start(StartPosition.at(from))
              .tables(TableFilter.of(include, List.of()))
              .build();
      out.printf(
          "hamal demo: %s on 127.0.0.1:%d; listening from %s as a replica; simulating %s at %s"
              + " orders/s (Ctrl-C stops)%n",
          server.name(),
          server.port(),
          from,
          lines.stream().map(ProductLine::schema).toList(),
          rate);
      SimulatorConfig.Builder simulation =
          SimulatorConfig.builder().ordersPerSecond(rate).lines(lines).seed(seed);
      if (durationSeconds != null) {
        simulation.duration(Duration.ofSeconds(durationSeconds));
      }
      simulator = OrderSimulator.start(dataSource, simulation.build());
      BinlogStream running = stream;
      OrderSimulator sim = simulator;
      hook =
          new Thread(
              () -> {
                sim.close();
                running.close();
                awaitQuietly(stopped);
              },
              "hamal-demo-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      Printer printer = new Printer(sim);
      if (durationSeconds != null) {
        scheduleStop(running, sim, dataSource, Duration.ofSeconds(durationSeconds));
      }
      running.run(printer);
      printer.summary();
      return 0;
    } finally {
      if (simulator != null) {
        simulator.close();
      }
      if (stream != null) {
        stream.close();
      }
      server.close();
      out.println("hamal demo: stopped; the database is shut down.");
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

  /**
   * Stops the stream once the simulator's timed run is over and the stream has read up to where the
   * binlog ended then.
   */
  private static void scheduleStop(
      BinlogStream stream, OrderSimulator simulator, MariaDbDataSource dataSource, Duration after) {
    Thread stopper =
        new Thread(
            () -> {
              try {
                simulator.awaitTermination(after.plusMinutes(1));
                BinlogPosition end = masterStatus(dataSource);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (System.nanoTime() < deadline
                    && stream
                        .stats()
                        .lastCheckpoint()
                        .map(c -> c.position().compareTo(end) < 0)
                        .orElse(true)) {
                  TimeUnit.MILLISECONDS.sleep(50);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Exception e) {
                // the database is gone: stop anyway
              }
              stream.close();
            },
            "hamal-demo-timer");
    stopper.setDaemon(true);
    stopper.start();
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

  /** Prints each change (readable or JSON) and a summary every five seconds. */
  private final class Printer implements ChangeHandler {
    private final OrderSimulator simulator;
    private final RowJson rowJson;
    private long changes;
    private long transactions;
    private long lastSummary = System.nanoTime();
    private long changesAtLastSummary;
    private Checkpoint position;

    Printer(OrderSimulator simulator) {
      this.simulator = simulator;
      this.rowJson = json ? new RowJson(out) : null;
    }

    @Override
    public void onRow(RowChange change) {
      changes++;
      if (rowJson != null) {
        rowJson.write(change);
      } else {
        out.println(describe(change));
      }
      maybeSummary();
    }

    @Override
    public void onCommit(TransactionEnd end) {
      transactions++;
      position = end.checkpoint();
      if (rowJson != null) {
        rowJson.flush();
      }
      maybeSummary();
    }

    @Override
    public void onHeartbeat(Checkpoint checkpoint) {
      position = checkpoint;
      maybeSummary();
    }

    private void maybeSummary() {
      long now = System.nanoTime();
      if (now - lastSummary >= TimeUnit.SECONDS.toNanos(5)) {
        double rate = (changes - changesAtLastSummary) / ((now - lastSummary) / 1e9);
        lastSummary = now;
        changesAtLastSummary = changes;
        if (rowJson == null) {
          out.printf(
              Locale.ROOT,
              "-- %,d changes (%.0f/s) in %,d transactions; ",
              changes,
              rate,
              transactions);
          out.println(simulatorSummary() + (position == null ? "" : "; at " + position.position()));
        }
      }
    }

    void summary() {
      if (rowJson != null) {
        rowJson.flush();
        return;
      }
      out.printf(Locale.ROOT, "-- total: %,d changes in %,d transactions; ", changes, transactions);
      out.println(simulatorSummary());
    }

    private String simulatorSummary() {
      SimulatorCounts.LineCounts total = simulator.counts().total();
      return String.format(
          Locale.ROOT,
          "simulator: %,d orders created, %,d paid, %,d fulfilled, %,d failed, %,d refunded",
          total.created(),
          total.paid(),
          total.fulfilled(),
          total.failed(),
          total.refunded());
    }
  }

  /**
   * One readable line: time, schema, table, operation, the key, and for updates the columns that
   * changed (at most four, values shortened).
   */
  static String describe(RowChange change) {
    BinlogTable table = change.table();
    StringBuilder line = new StringBuilder(120);
    line.append(LocalTime.now().format(CLOCK)).append("  ");
    pad(line, table.name().schema(), 9);
    pad(line, table.name().table(), 16);
    pad(line, change.operation().name(), 7);
    RowImage image = change.after().or(change::before).orElseThrow();
    for (int key : table.primaryKey()) {
      line.append(table.columnName(key)).append('=').append(text(image, key)).append(' ');
    }
    if (change.before().isPresent() && change.after().isPresent()) {
      RowImage before = change.before().get();
      RowImage after = change.after().get();
      int shown = 0;
      for (int c = 0; c < table.columnCount() && shown < 4; c++) {
        if (!before.isPresent(c) || !after.isPresent(c)) {
          continue;
        }
        String was = text(before, c);
        String now = text(after, c);
        if (!Objects.equals(was, now) && !table.primaryKey().contains(c)) {
          line.append(table.columnName(c)).append(' ').append(was).append(" -> ").append(now);
          line.append("  ");
          shown++;
        }
      }
    } else {
      int shown = 0;
      for (int c = 0; c < table.columnCount() && shown < 3; c++) {
        if (!table.primaryKey().contains(c) && image.isPresent(c) && !image.isNull(c)) {
          line.append(table.columnName(c)).append('=').append(text(image, c)).append(' ');
          shown++;
        }
      }
    }
    return line.toString().stripTrailing();
  }

  private static String text(RowImage image, int column) {
    if (image.isNull(column)) {
      return "NULL";
    }
    String text = image.getText(column);
    return text.length() > 24 ? text.substring(0, 21) + "..." : text;
  }

  private static void pad(StringBuilder line, String value, int width) {
    line.append(value);
    for (int i = value.length(); i < width; i++) {
      line.append(' ');
    }
    line.append(' ');
  }
}
