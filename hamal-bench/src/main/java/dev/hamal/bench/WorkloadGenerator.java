package dev.hamal.bench;

import dev.hamal.app.ProductLine;
import dev.hamal.app.ProductLines;
import dev.hamal.binlog.BinlogPosition;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * Writes the deterministic benchmark workload into a MariaDB (or MySQL) server and reports the
 * binlog range it occupies.
 *
 * <p><b>What.</b> Copies of the four product lines' tables ({@link ProductLine}) in schemas {@code
 * <prefix>topup} ... {@code <prefix>gamecard}, dropped and recreated first; then {@code rows} row
 * changes split over the lines 3:2:3:2 (topup, fuelcard, ticket, gamecard), each line a {@link
 * WorkloadStream}; schema changes in the middle. Sessions use ROW format with FULL images, UTC+8, a
 * strict SQL mode, and MariaDB's annotate-rows events off (readers do not ask for them, and they
 * would double the binlog's size).
 *
 * <p><b>Determinism.</b> Each line's stream is a pure function of (seed, rows), and each line is
 * written by exactly one connection, so the final contents of every table depend on neither the
 * number of connections nor their timing; with one connection even the binlog's order of events is
 * fixed (the connection interleaves the lines by a generator seeded with the seed).
 *
 * <p><b>Threads.</b> {@code connections} writer threads from the injected factory, each owning a
 * connection and the lines {@code i, i + connections, ...}; the calling thread sets up, waits,
 * reports progress about once a second, and reads the binlog position before and after. The first
 * failure stops every writer (each finishes or rolls back its transaction) and is rethrown as a
 * {@link WorkloadException} with its cause.
 */
public final class WorkloadGenerator {
  /** Progress reports, from the thread that called {@link #run()}. */
  @FunctionalInterface
  public interface Progress {
    void report(long rowsDone, long rowsTotal, Duration elapsed);
  }

  /** Committed row changes, by kind. */
  private static final class Counts {
    final AtomicLong inserts = new AtomicLong();
    final AtomicLong updates = new AtomicLong();
    final AtomicLong deletes = new AtomicLong();

    long rows() {
      return inserts.get() + updates.get() + deletes.get();
    }
  }

  private static final Map<ProductLine, Integer> SHARE =
      Map.of(
          ProductLine.TOPUP,
          3,
          ProductLine.FUELCARD,
          2,
          ProductLine.TICKET,
          3,
          ProductLine.GAMECARD,
          2);
  private static final String SQL_MODE =
      "STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
          + "NO_ENGINE_SUBSTITUTION";

  private final DataSource dataSource;
  private final WorkloadConfig config;
  private final LongSupplier nanoTime;
  private final ThreadFactory threads;
  private final Progress progress;

  /**
   * @param nanoTime the clock elapsed time is measured with ({@code System::nanoTime})
   * @param threads makes the writer threads
   */
  public WorkloadGenerator(
      DataSource dataSource,
      WorkloadConfig config,
      LongSupplier nanoTime,
      ThreadFactory threads,
      Progress progress) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.config = Objects.requireNonNull(config, "config");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.threads = Objects.requireNonNull(threads, "threads");
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /** The per-line streams of a configuration, in {@link ProductLine} order. */
  static List<WorkloadStream> streams(WorkloadConfig config) {
    var lines = ProductLine.values();
    int totalShare = SHARE.values().stream().mapToInt(Integer::intValue).sum();
    var streams = new ArrayList<WorkloadStream>(lines.length);
    long insertsLeft = config.inserts();
    long updatesLeft = config.updates();
    long deletesLeft = config.deletes();
    for (int i = 0; i < lines.length; i++) {
      ProductLine line = lines[i];
      boolean last = i == lines.length - 1;
      int share = SHARE.get(line);
      long inserts = last ? insertsLeft : config.inserts() * share / totalShare;
      long updates = last ? updatesLeft : config.updates() * share / totalShare;
      long deletes = last ? deletesLeft : config.deletes() * share / totalShare;
      insertsLeft -= inserts;
      updatesLeft -= updates;
      deletesLeft -= deletes;
      streams.add(
          new WorkloadStream(
              line,
              config.schemaPrefix() + line.schema(),
              WorkloadStream.mix(config.seed(), i),
              new WorkloadStream.Budget(inserts, updates, deletes)));
    }
    return streams;
  }

  /**
   * Drops and recreates the schemas, writes the workload and returns what it wrote.
   *
   * @throws WorkloadException if the server is not logging rows, a statement fails, or the thread
   *     is interrupted (its interrupt status is kept)
   */
  public WorkloadResult run() {
    List<WorkloadStream> streams = streams(config);
    long total = config.rows();
    try (Connection control = dataSource.getConnection()) {
      String server = checkServer(control);
      var tables = new ArrayList<String>();
      try (Statement statement = control.createStatement()) {
        for (WorkloadStream stream : streams) {
          statement.execute("DROP DATABASE IF EXISTS `" + stream.schema() + "`");
          ProductLines.create(control, stream.line(), stream.schema());
          for (String table : stream.line().orderTables()) {
            tables.add(stream.schema() + "." + table);
          }
        }
      }
      BinlogPosition from = binlogPosition(control);
      String gtidFrom = gtidPosition(control);
      long started = nanoTime.getAsLong();

      var counts = new Counts();
      var transactions = new AtomicLong();
      var ddl = new AtomicLong();
      var failure = new AtomicReference<Throwable>();
      var finished = new CountDownLatch(config.connections());
      var writers = new ArrayList<Thread>();
      for (int w = 0; w < config.connections(); w++) {
        var mine = new ArrayList<WorkloadStream>();
        for (int s = w; s < streams.size(); s += config.connections()) {
          mine.add(streams.get(s));
        }
        long interleaveSeed = WorkloadStream.mix(config.seed(), 1_000 + w);
        Thread writer =
            threads.newThread(() -> {
              try {
                write(mine, interleaveSeed, counts, transactions, ddl, failure);
              } catch (Throwable e) {
                failure.compareAndSet(null, e);
              } finally {
                finished.countDown();
              }
            });
        writer.setName("hamal-bench-writer-" + (w + 1));
        writers.add(writer);
      }
      writers.forEach(Thread::start);
      try {
        while (!finished.await(1, TimeUnit.SECONDS)) {
          progress.report(counts.rows(), total, Duration.ofNanos(nanoTime.getAsLong() - started));
        }
      } catch (InterruptedException e) {
        failure.compareAndSet(null, e);
        Thread.currentThread().interrupt();
        awaitUninterruptibly(finished);
      }
      Throwable failed = failure.get();
      if (failed != null) {
        throw new WorkloadException("writing the workload failed: " + failed.getMessage(), failed);
      }
      BinlogPosition to = binlogPosition(control);
      Duration elapsed = Duration.ofNanos(nanoTime.getAsLong() - started);
      String gtidTo = gtidPosition(control);
      progress.report(counts.rows(), total, elapsed);
      for (WorkloadStream stream : streams) {
        if (stream.hasNext()) {
          throw new IllegalStateException(stream.line() + " stream was not written to its end");
        }
      }
      Map<String, Long> checksums = config.checksums() ? checksums(control, tables) : Map.of();
      return new WorkloadResult(
          config,
          server,
          from,
          to,
          gtidFrom,
          gtidTo,
          counts.inserts.get(),
          counts.updates.get(),
          counts.deletes.get(),
          transactions.get(),
          ddl.get(),
          elapsed,
          tables,
          checksums);
    } catch (SQLException e) {
      throw new WorkloadException("database error: " + e.getMessage(), e);
    }
  }

  private void write(
      List<WorkloadStream> streams,
      long interleaveSeed,
      Counts counts,
      AtomicLong transactions,
      AtomicLong ddl,
      AtomicReference<Throwable> failure)
      throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      configureSession(connection);
      var executor = new WorkExecutor(connection);
      var interleave = new SplittableRandom(interleaveSeed);
      var active = new ArrayList<>(streams);
      while (!active.isEmpty() && failure.get() == null) {
        WorkloadStream stream = pick(active, interleave);
        Work work = stream.next();
        executor.execute(stream.schema(), work);
        switch (work) {
          case Work.Transaction transaction -> {
            transactions.incrementAndGet();
            counts.inserts.addAndGet(transaction.inserts());
            counts.updates.addAndGet(transaction.updates());
            counts.deletes.addAndGet(transaction.deletes());
          }
          case Work.Ddl change -> ddl.incrementAndGet();
        }
        if (!stream.hasNext()) {
          active.remove(stream);
        }
      }
    }
  }

  /** A stream drawn in proportion to the rows it has left, so all end at about the same time. */
  private static WorkloadStream pick(List<WorkloadStream> active, SplittableRandom random) {
    long total = 0;
    for (WorkloadStream stream : active) {
      total += stream.rowsLeft() + 1;
    }
    long r = random.nextLong(total);
    for (WorkloadStream stream : active) {
      r -= stream.rowsLeft() + 1;
      if (r < 0) {
        return stream;
      }
    }
    throw new AssertionError("unreachable");
  }

  private static String checkServer(Connection connection) throws SQLException {
    Map<String, String> values =
        single(connection, "SELECT VERSION() AS version, @@log_bin AS log_bin");
    if (!"1".equals(values.get("log_bin"))) {
      throw new WorkloadException(
          "binary logging is off on the server; start it with --log-bin (and --binlog-format=ROW)");
    }
    configureSession(connection);
    return values.get("version");
  }

  private static void configureSession(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET SESSION time_zone = '+08:00'");
      statement.execute("SET SESSION sql_mode = '" + SQL_MODE + "'");
      trySet(statement, "SET SESSION binlog_format = 'ROW'");
      trySet(statement, "SET SESSION binlog_row_image = 'FULL'");
      trySet(statement, "SET SESSION binlog_annotate_row_events = OFF"); // MariaDB only
    }
    Map<String, String> session =
        single(
            connection,
            "SELECT @@SESSION.binlog_format AS format, @@SESSION.binlog_row_image AS image");
    if (!"ROW".equalsIgnoreCase(session.get("format"))
        || !"FULL".equalsIgnoreCase(session.get("image"))) {
      throw new WorkloadException(
          "the workload needs binlog_format=ROW and binlog_row_image=FULL; the session has "
              + session.get("format")
              + " and "
              + session.get("image")
              + " and the user may not change them");
    }
    if (!connection.getAutoCommit()) {
      connection.commit();
    }
  }

  /** Sets a session variable the user may lack the privilege for; the caller checks the result. */
  private static void trySet(Statement statement, String sql) {
    try {
      statement.execute(sql);
    } catch (SQLException ignored) {
      // checked afterwards where it matters
    }
  }

  static BinlogPosition binlogPosition(Connection connection) throws SQLException {
    SQLException first;
    try {
      return binlogPosition(connection, "SHOW MASTER STATUS");
    } catch (SQLException e) {
      first = e;
    }
    try {
      return binlogPosition(connection, "SHOW BINARY LOG STATUS"); // MySQL 8.2+
    } catch (SQLException e) {
      e.addSuppressed(first);
      throw e;
    }
  }

  private static BinlogPosition binlogPosition(Connection connection, String sql)
      throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      if (!rows.next()) {
        throw new WorkloadException("'" + sql + "' returned nothing: is binary logging on?");
      }
      return new BinlogPosition(rows.getString("File"), rows.getLong("Position"));
    }
  }

  private static String gtidPosition(Connection connection) {
    for (String sql : List.of("SELECT @@gtid_binlog_pos", "SELECT @@GLOBAL.gtid_executed")) {
      try (Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery(sql)) {
        if (rows.next()) {
          String value = rows.getString(1);
          return value == null ? "" : value.replace("\n", "");
        }
      } catch (SQLException notThisServer) {
        // try the other flavour
      }
    }
    return "";
  }

  private static Map<String, Long> checksums(Connection connection, List<String> tables)
      throws SQLException {
    var result = new LinkedHashMap<String, Long>();
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "CHECKSUM TABLE "
                    + String.join(
                        ", ",
                        tables.stream().map(t -> "`" + t.replace(".", "`.`") + "`").toList()))) {
      while (rows.next()) {
        result.put(rows.getString(1), rows.getLong(2));
      }
    }
    return result;
  }

  private static Map<String, String> single(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      var values = new LinkedHashMap<String, String>();
      for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
        values.put(rows.getMetaData().getColumnLabel(i), rows.getString(i));
      }
      return values;
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
