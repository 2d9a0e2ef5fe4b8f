package dev.hamal.bench;

import dev.hamal.app.LineOrder;
import dev.hamal.app.OrderSpec;
import dev.hamal.app.OrderStatus;
import dev.hamal.app.ProductLine;
import dev.hamal.app.RowWrite;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Writes orders of one product line at a steady rate and records, per row change, the wall-clock
 * time its transaction's {@code COMMIT} returned: the start of the latency {@code hamal bench
 * pipeline} measures.
 *
 * <p>Every transaction has {@code rowsPerTransaction} row changes: updates that move live orders
 * one step along CREATED → PAID → FULFILLING → SUCCEEDED (oldest first, at most three quarters of
 * the rows) and inserts of new orders for the rest, so in the steady state a quarter of the rows
 * are inserts. An order's status changes with every update, so the pair (order id, status after the
 * change) names one row change, and the consumer finds its commit time by it.
 *
 * <p>Pacing: transaction {@code n} is due at {@code start + n * interval}; the writer sleeps until
 * then, and when it falls behind it writes at once without sleeping, so the average rate holds and
 * the report says how far behind it got.
 *
 * <p>Runs on the calling thread with the caller's connection (manual commit); a failed statement is
 * thrown to the caller.
 */
final class SteadyWriter {
  private static final LocalDateTime BASE = LocalDateTime.of(2026, 1, 1, 8, 0);

  /** What was written. */
  record Result(
      Map<String, Long> commitMicrosByChange,
      long rows,
      long transactions,
      Duration elapsed,
      Duration maxBehind) {}

  private final Connection connection;
  private final String schema;
  private final ProductLine line;
  private final String orderIdPrefix;
  private final int rowsPerTransaction;
  private final long intervalNanos;
  private final Clock wallClock;
  private final LongSupplier nanoTime;
  private final SplittableRandom random = new SplittableRandom(7);
  private final ArrayDeque<Live> live = new ArrayDeque<>();
  private long nextId = 1;

  private record Live(LineOrder order, OrderStatus status) {}

  /**
   * @param orderIdPrefix the unified order id is this prefix followed by the row id ({@code
   *     topup:})
   * @param rowsPerSecond the target rate of row changes
   * @param wallClock the clock of the commit times (the consumer compares them with its own)
   */
  SteadyWriter(
      Connection connection,
      String schema,
      ProductLine line,
      String orderIdPrefix,
      int rowsPerSecond,
      int rowsPerTransaction,
      Clock wallClock,
      LongSupplier nanoTime) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.schema = Objects.requireNonNull(schema, "schema");
    this.line = Objects.requireNonNull(line, "line");
    this.orderIdPrefix = Objects.requireNonNull(orderIdPrefix, "orderIdPrefix");
    if (rowsPerSecond < 1 || rowsPerTransaction < 1) {
      throw new IllegalArgumentException("rates must be positive");
    }
    this.rowsPerTransaction = rowsPerTransaction;
    this.intervalNanos = 1_000_000_000L * rowsPerTransaction / rowsPerSecond;
    this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /** The key of one row change: order id and the status it leaves the order in. */
  static String changeKey(String orderId, String status) {
    return orderId + '|' + status;
  }

  /** Told of every row change right after its transaction committed, on the writer's thread. */
  @FunctionalInterface
  interface CommitListener {
    /**
     * @param key the change's {@link #changeKey}
     * @param commitMicros when its {@code COMMIT} returned, microseconds since the epoch
     */
    void committed(String key, long commitMicros);
  }

  /** Writes for {@code duration}; the interrupt status is kept and ends the run early. */
  Result run(Duration duration) throws SQLException {
    return run(duration, (key, micros) -> {});
  }

  /** As {@link #run(Duration)}, telling {@code listener} of each change as it commits. */
  Result run(Duration duration, CommitListener listener) throws SQLException {
    WorkExecutor executor = new WorkExecutor(connection);
    Map<String, Long> commits = new HashMap<>();
    long start = nanoTime.getAsLong();
    long end = start + duration.toNanos();
    long rows = 0;
    long transactions = 0;
    long maxBehind = 0;
    while (!Thread.currentThread().isInterrupted()) {
      long due = start + transactions * intervalNanos;
      if (due >= end) {
        break;
      }
      long now = nanoTime.getAsLong();
      if (now < due) {
        LockSupport.parkNanos(due - now);
        continue;
      }
      maxBehind = Math.max(maxBehind, now - due);
      List<String> keys = new ArrayList<>(rowsPerTransaction);
      Work.Transaction transaction = next(keys);
      executor.execute(schema, transaction);
      long committed = micros(wallClock.instant());
      for (String key : keys) {
        commits.put(key, committed);
        listener.committed(key, committed);
      }
      rows += transaction.rows();
      transactions++;
    }
    return new Result(
        commits,
        rows,
        transactions,
        Duration.ofNanos(nanoTime.getAsLong() - start),
        Duration.ofNanos(maxBehind));
  }

  private Work.Transaction next(List<String> keys) {
    LocalDateTime at =
        LocalDateTime.ofInstant(wallClock.instant(), ZoneOffset.ofHours(8)).withNano(0);
    int updates = Math.min(live.size(), rowsPerTransaction * 3 / 4);
    int inserts = rowsPerTransaction - updates;
    List<Work.Statement> statements = new ArrayList<>(2);
    Map<String, List<Object[]>> insertsByTable = new LinkedHashMap<>();
    for (int i = 0; i < inserts; i++) {
      long id = nextId++;
      LineOrder order =
          line.newOrder(new OrderSpec(id, 1 + random.nextLong(1_000_000), BASE, false), random);
      Map<String, Object> row = order.row();
      List<String> columns = line.insertColumns();
      Object[] values = new Object[columns.size()];
      for (int c = 0; c < columns.size(); c++) {
        values[c] = row.get(columns.get(c));
      }
      insertsByTable.computeIfAbsent(order.table(), t -> new ArrayList<>()).add(values);
      live.addLast(new Live(order, OrderStatus.CREATED));
      keys.add(changeKey(orderIdPrefix + id, OrderStatus.CREATED.name()));
    }
    insertsByTable.forEach(
        (table, values) -> statements.add(new Work.Insert(table, line.insertColumns(), values)));
    Map<String, List<Map.Entry<Long, Map<String, Object>>>> updatesByTable = new LinkedHashMap<>();
    for (int i = 0; i < updates; i++) {
      Live order = live.removeFirst();
      OrderStatus to =
          switch (order.status()) {
            case CREATED -> OrderStatus.PAID;
            case PAID -> OrderStatus.FULFILLING;
            default -> OrderStatus.SUCCEEDED;
          };
      RowWrite.Update write =
          (RowWrite.Update)
              line.transition(order.order(), order.status(), to, at, random).getFirst();
      updatesByTable
          .computeIfAbsent(order.order().table(), t -> new ArrayList<>())
          .add(Map.entry(order.order().id(), write.set()));
      if (to != OrderStatus.SUCCEEDED) {
        live.addLast(new Live(order.order(), to));
      }
      keys.add(changeKey(orderIdPrefix + order.order().id(), to.name()));
    }
    updatesByTable.forEach((table, rows) -> {
      List<String> columns = new ArrayList<>();
      rows.forEach(row ->
          row.getValue()
              .keySet()
              .forEach(c -> {
                if (!columns.contains(c)) {
                  columns.add(c);
                }
              }));
      List<Object[]> values = new ArrayList<>(rows.size());
      for (var row : rows) {
        Object[] v = new Object[columns.size() + 1];
        for (int c = 0; c < columns.size(); c++) {
          v[c] = row.getValue().get(columns.get(c));
        }
        v[columns.size()] = row.getKey();
        values.add(v);
      }
      statements.add(new Work.Update(table, columns, line.idColumn(), values));
    });
    return new Work.Transaction(statements, inserts, updates, 0);
  }

  static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
  }
}
