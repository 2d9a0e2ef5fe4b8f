package dev.hamal.listener;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes orders to sharded source tables {@code orders_00..orders_03} at a steady rate, in
 * transactions of 1-20 row changes, and records the history it wrote: the test's ground truth.
 *
 * <p>Every order row has a {@code step}: 0 when inserted, +1 on each UPDATE; its status code is
 * {@code min(step, 3)} (CREATED, PAID, FULFILLING, SUCCEEDED) and its amount {@code id % 1000 +
 * step/100} yuan. Some orders at step 2 or more are deleted. So each change of an order has a
 * distinct {@code (operation, step)}, and its after image (before image for a delete) is known.
 *
 * <p>Each transaction also inserts its sequence number into {@code writer_log} (a table no business
 * line claims). When a commit fails (the server restarts, the connection breaks), the writer
 * reconnects and looks the sequence number up to learn whether the transaction committed, so the
 * recorded history is exactly what the source holds.
 *
 * <p>Threads: {@link #start()} runs the writer on its own thread; {@link #stop()} ends it after the
 * current transaction and returns once the history is final. Not reusable.
 */
final class OrderWriter {
  static final int SHARDS = 4;

  /** One change the writer made, as the listener must publish it. */
  record Change(String operation, long step, int statusCode, long amountMinor) {
    static Change of(String operation, long id, long step) {
      return new Change(operation, step, (int) Math.min(step, 3), (id % 1000) * 100 + step);
    }
  }

  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final String schema;
  private final int rowsPerSecond;
  private final Random random;
  private final Map<Long, List<Change>> history = new LinkedHashMap<>();
  private final Map<Long, Long> live = new HashMap<>(); // id -> step
  private final List<Long> liveIds = new ArrayList<>();
  private final AtomicLong rowsWritten = new AtomicLong();
  private final AtomicLong failedCommits = new AtomicLong();
  private volatile boolean running = true;
  private volatile Throwable failure;
  private Thread thread;
  private long nextId = 1;
  private long sequence;

  OrderWriter(
      String jdbcUrl, String user, String password, String schema, int rowsPerSecond, long seed) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.schema = schema;
    this.rowsPerSecond = rowsPerSecond;
    this.random = new Random(seed);
  }

  /** The DDL of the tables the writer needs, in {@code schema}. */
  static List<String> ddl(String schema) {
    List<String> ddl = new ArrayList<>();
    ddl.add("CREATE DATABASE " + schema);
    for (int shard = 0; shard < SHARDS; shard++) {
      ddl.add(
          "CREATE TABLE "
              + schema
              + "."
              + table(shard)
              + " (id BIGINT PRIMARY KEY, user_id INT NOT NULL, status TINYINT NOT NULL,"
              + " amount DECIMAL(12,2) NOT NULL, step INT NOT NULL, created DATETIME(3) NOT NULL)");
    }
    ddl.add("CREATE TABLE " + schema + ".writer_log (seq BIGINT PRIMARY KEY)");
    return ddl;
  }

  /**
   * The business-line file that maps the writer's tables, for line {@code line} on {@code pipe}.
   */
  static String businessLine(String line, String pipe, String schema) {
    return """
    name: %s
    pipe: %s
    source:
      schema: %s
      tables: ["orders_##"]
    order_id: id
    fields:
      user_id: user_id
      status:
        column: status
        codes: {0: CREATED, 1: PAID, 2: FULFILLING, 3: SUCCEEDED}
      total_amount: {column: amount, unit: yuan}
      created_at: created
    ext:
      step: step
    """
        .formatted(line, pipe, schema);
  }

  static String table(long id) {
    return "orders_0" + (id % SHARDS);
  }

  void start() {
    thread = new Thread(this::run, "order-writer-" + schema);
    thread.start();
  }

  /** Stops after the current transaction; returns the final history (order id to changes). */
  Map<Long, List<Change>> stop() throws InterruptedException {
    running = false;
    thread.join();
    if (failure != null) {
      throw new AssertionError("the order writer failed", failure);
    }
    return history;
  }

  long rowsWritten() {
    return rowsWritten.get();
  }

  /** Commits that failed and were resolved by looking up {@code writer_log}. */
  long failedCommits() {
    return failedCommits.get();
  }

  private void run() {
    long startNanos = System.nanoTime();
    Connection connection = null;
    try {
      while (running) {
        if (connection == null) {
          connection = connect();
          if (connection == null) {
            return; // stopped while reconnecting
          }
        }
        List<long[]> ops = plan(); // {id, step, kind: 0 insert, 1 update, 2 delete}
        long seq = ++sequence;
        try {
          execute(connection, ops, seq);
          apply(ops);
        } catch (SQLException e) {
          closeQuietly(connection);
          connection = connect();
          if (connection == null) {
            return;
          }
          failedCommits.incrementAndGet();
          if (committed(connection, seq)) {
            apply(ops);
          }
        }
        long dueNanos = startNanos + rowsWritten.get() * 1_000_000_000L / rowsPerSecond;
        LockSupport.parkNanos(dueNanos - System.nanoTime()); // pacing, not waiting for a state
      }
    } catch (Throwable t) {
      failure = t;
    } finally {
      closeQuietly(connection);
    }
  }

  /** Plans one transaction against the tentative state; nothing changes until {@link #apply}. */
  private List<long[]> plan() {
    int rows = 1 + random.nextInt(20);
    List<long[]> ops = new ArrayList<>(rows);
    Map<Long, Long> tentative = new HashMap<>();
    long id = nextId;
    for (int i = 0; i < rows; i++) {
      int dice = random.nextInt(100);
      if (dice < 35 || liveIds.isEmpty()) {
        ops.add(new long[] {id, 0, 0});
        tentative.put(id, 0L);
        id++;
        continue;
      }
      long target = liveIds.get(random.nextInt(liveIds.size()));
      Long step = tentative.containsKey(target) ? tentative.get(target) : live.get(target);
      if (step == null) {
        continue; // deleted earlier in this transaction
      }
      if (dice < 40 && step >= 2) {
        ops.add(new long[] {target, step, 2});
        tentative.put(target, null);
      } else {
        ops.add(new long[] {target, step + 1, 1});
        tentative.put(target, step + 1);
      }
    }
    return ops;
  }

  private void execute(Connection c, List<long[]> ops, long seq) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (long[] op : ops) {
        long id = op[0];
        long step = op[1];
        String table = schema + "." + table(id);
        Change change = Change.of("X", id, step);
        String amount = (change.amountMinor() / 100) + "." + String.format("%02d", step % 100);
        switch ((int) op[2]) {
          case 0 ->
              s.executeUpdate(
                  "INSERT INTO "
                      + table
                      + " VALUES ("
                      + id
                      + ", "
                      + (id % 97)
                      + ", 0, "
                      + amount
                      + ", 0, '2026-11-24 10:00:00.000')");
          case 1 ->
              s.executeUpdate(
                  "UPDATE "
                      + table
                      + " SET step = "
                      + step
                      + ", status = "
                      + change.statusCode()
                      + ", amount = "
                      + amount
                      + " WHERE id = "
                      + id);
          default -> s.executeUpdate("DELETE FROM " + table + " WHERE id = " + id);
        }
      }
      s.executeUpdate("INSERT INTO " + schema + ".writer_log VALUES (" + seq + ")");
      c.commit();
    }
  }

  private void apply(List<long[]> ops) {
    for (long[] op : ops) {
      long id = op[0];
      long step = op[1];
      switch ((int) op[2]) {
        case 0 -> {
          history.computeIfAbsent(id, k -> new ArrayList<>()).add(Change.of("INSERT", id, 0));
          live.put(id, 0L);
          liveIds.add(id);
          nextId = Math.max(nextId, id + 1);
        }
        case 1 -> {
          history.get(id).add(Change.of("UPDATE", id, step));
          live.put(id, step);
        }
        default -> {
          history.get(id).add(Change.of("DELETE", id, step));
          live.remove(id);
          liveIds.remove(id);
        }
      }
    }
    rowsWritten.addAndGet(ops.size());
  }

  private boolean committed(Connection c, long seq) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT COUNT(*) FROM " + schema + ".writer_log WHERE seq = ?")) {
      s.setLong(1, seq);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1) == 1;
      }
    }
  }

  /** Connects, retrying while the server is away; null when stopped meanwhile. */
  private Connection connect() {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "2000");
    while (running) {
      try {
        Connection c = DriverManager.getConnection(jdbcUrl, p);
        c.setAutoCommit(false);
        return c;
      } catch (SQLException e) {
        LockSupport.parkNanos(200_000_000L); // retry back-off while the server restarts
      }
    }
    return null;
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // gone anyway
      }
    }
  }
}
