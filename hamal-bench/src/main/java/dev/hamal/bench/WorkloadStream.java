package dev.hamal.bench;

import dev.hamal.app.LineOrder;
import dev.hamal.app.OrderSpec;
import dev.hamal.app.OrderStatus;
import dev.hamal.app.ProductLine;
import dev.hamal.app.RowWrite;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The deterministic workload of one product line's copy: a sequence of {@link Work} items that is a
 * pure function of (line, seed, budget), whoever executes it and whatever runs beside it.
 *
 * <p><b>Rows.</b> Order ids are 1, 2, 3, ... in insertion order. Everything about order {@code id}
 * (user, shard, products, amounts) is drawn from a generator seeded with {@code (seed, id)}, so the
 * stream can regenerate any order when it updates it instead of keeping rows in memory; it keeps
 * per order only its status (one byte) and its place in the set of live orders.
 *
 * <p><b>Transactions.</b> Sizes are drawn from 1-200 rows (40% 1-5, 30% 6-50, 30% 51-200) and split
 * into up to three segments, each an insert, update or delete segment drawn in proportion to the
 * remaining budget of each kind, so the totals are exactly the budget. Inserts of one segment go to
 * their shards as one multi-row INSERT per table; updates move orders along their life cycle in the
 * line's own codes (an order that cannot move is "touched": new ext attributes and modified time)
 * and run as one batch per table and column set; deletes remove random live orders, one {@code
 * DELETE ... IN} per table. Every update changes its row, so every planned change is a row event in
 * the binlog. Virtual time starts at 2025-11-01 00:00 (UTC+8) and advances 40 ms per inserted
 * order.
 *
 * <p><b>Schema changes</b> happen at fixed fractions of the stream: columns added (with AFTER, so
 * later columns shift) and modified, in ticket's case shard by shard; at least one transaction
 * separates two changes (until the rows are spent). Inserts after an ADD COLUMN fill the new
 * column.
 *
 * <p>Not thread-safe: one thread drives a stream.
 */
final class WorkloadStream {
  static final LocalDateTime BASE = LocalDateTime.of(2025, 11, 1, 0, 0);
  private static final long MILLIS_PER_ORDER = 40;
  private static final int USERS = 2_000_000;
  private static final byte DELETED = -1;

  /** Share of updates that pick a recent order, and how far back "recent" reaches on average. */
  private static final int RECENT_PERCENT = 85;

  private static final double RECENT_MEAN = 2_000;

  /** Rows of each kind a stream writes. */
  record Budget(long inserts, long updates, long deletes) {
    Budget {
      if (inserts < 0 || updates < 0 || deletes < 0 || deletes > inserts) {
        throw new IllegalArgumentException(
            "invalid budget: "
                + inserts
                + " inserts, "
                + updates
                + " updates, "
                + deletes
                + " deletes");
      }
      if (inserts > Integer.MAX_VALUE - 1) {
        throw new IllegalArgumentException(
            "at most " + (Integer.MAX_VALUE - 1) + " inserts per stream");
      }
      if (inserts == 0 && updates > 0) {
        throw new IllegalArgumentException("updates need inserted rows");
      }
    }

    long rows() {
      return inserts + updates + deletes;
    }
  }

  /** A column added by a planned ADD COLUMN, and how inserts fill it afterwards. */
  private record AddedColumn(String name, Function<SplittableRandom, Object> value) {}

  /** A schema change due once {@code atRows} rows of the stream have been written. */
  private record PlannedDdl(long atRows, String table, String sql, AddedColumn added) {}

  private final ProductLine line;
  private final String schema;
  private final long seed;
  private final Budget budget;
  private final SplittableRandom random;
  private final List<PlannedDdl> ddl;
  private final Map<String, List<AddedColumn>> addedColumns = new HashMap<>();

  private long insertsLeft;
  private long updatesLeft;
  private long deletesLeft;
  private int nextId = 1;
  private int[] live = new int[1024];
  private int liveCount;
  private int[] position = new int[1024];
  private byte[] status = new byte[1024];
  private int ddlDone;
  private boolean lastWasDdl;
  private long transactions;
  private long touches;

  /**
   * @param schema the (unquoted) schema holding the line's copy
   */
  WorkloadStream(ProductLine line, String schema, long seed, Budget budget) {
    this.line = line;
    this.schema = schema;
    this.seed = seed;
    this.budget = budget;
    this.random = new SplittableRandom(mix(seed, -1));
    this.insertsLeft = budget.inserts();
    this.updatesLeft = budget.updates();
    this.deletesLeft = budget.deletes();
    this.ddl = plannedDdl(line, budget.rows());
  }

  ProductLine line() {
    return line;
  }

  String schema() {
    return schema;
  }

  boolean hasNext() {
    return rowsLeft() > 0 || ddlDone < ddl.size();
  }

  long rowsLeft() {
    return insertsLeft + updatesLeft + deletesLeft;
  }

  long rowsDone() {
    return budget.rows() - rowsLeft();
  }

  /** The DDL statements this stream will run. */
  int plannedDdlCount() {
    return ddl.size();
  }

  /** The next transaction or schema change. */
  Work next() {
    boolean ddlDue =
        ddlDone < ddl.size()
            && ((rowsDone() >= ddl.get(ddlDone).atRows() && !lastWasDdl) || rowsLeft() == 0);
    lastWasDdl = ddlDue;
    if (ddlDue) {
      PlannedDdl change = ddl.get(ddlDone++);
      if (change.added() != null) {
        addedColumns.computeIfAbsent(change.table(), t -> new ArrayList<>()).add(change.added());
      }
      return new Work.Ddl(change.table(), change.sql().formatted('`' + schema + '`'));
    }
    if (rowsLeft() == 0) {
      throw new IllegalStateException(line + " stream is exhausted");
    }
    int size = (int) Math.min(drawSize(), rowsLeft());
    int segments = size >= 3 ? 1 + random.nextInt(3) : 1;
    int[] lengths = split(size, segments);
    var statements = new ArrayList<Work.Statement>();
    int inserts = 0;
    int updates = 0;
    int deletes = 0;
    for (int length : lengths) {
      long update = liveCount > 0 ? updatesLeft : 0;
      long delete = liveCount > 0 ? deletesLeft : 0;
      long pick = nextLong(insertsLeft + update + delete);
      if (pick < insertsLeft) {
        int n = (int) Math.min(length, insertsLeft);
        insert(n, statements);
        inserts += n;
        insertsLeft -= n;
      } else if (pick < insertsLeft + update) {
        int n = (int) Math.min(Math.min(length, updatesLeft), Math.max(1, liveCount / 2));
        update(n, statements);
        updates += n;
        updatesLeft -= n;
      } else {
        int n = (int) Math.min(Math.min(length, deletesLeft), Math.max(1, liveCount / 2));
        delete(n, statements);
        deletes += n;
        deletesLeft -= n;
      }
    }
    transactions++;
    return new Work.Transaction(statements, inserts, updates, deletes);
  }

  private long nextLong(long bound) {
    return random.nextLong(bound);
  }

  private int drawSize() {
    int bucket = random.nextInt(10);
    if (bucket < 4) {
      return 1 + random.nextInt(5);
    }
    return bucket < 7 ? 6 + random.nextInt(45) : 51 + random.nextInt(150);
  }

  /** Splits {@code size} into {@code parts} positive lengths. */
  private int[] split(int size, int parts) {
    var cuts = new HashSet<Integer>();
    while (cuts.size() < parts - 1) {
      cuts.add(1 + random.nextInt(size - 1));
    }
    int[] points = cuts.stream().mapToInt(Integer::intValue).sorted().toArray();
    int[] lengths = new int[parts];
    int previous = 0;
    for (int i = 0; i < parts - 1; i++) {
      lengths[i] = points[i] - previous;
      previous = points[i];
    }
    lengths[parts - 1] = size - previous;
    return lengths;
  }

  /** The local time of the current transaction: after every order inserted so far. */
  private LocalDateTime now() {
    return BASE.plus((nextId - 1) * MILLIS_PER_ORDER + transactions, ChronoUnit.MILLIS);
  }

  private void insert(int count, List<Work.Statement> statements) {
    var byTable = new LinkedHashMap<String, List<Object[]>>();
    for (int i = 0; i < count; i++) {
      int id = nextId++;
      var rowRandom = new SplittableRandom(mix(seed, id));
      LineOrder order = order(id, rowRandom);
      List<String> columns = columns(order.table());
      Object[] values = new Object[columns.size()];
      Map<String, Object> row = order.row();
      List<String> base = line.insertColumns();
      for (int c = 0; c < base.size(); c++) {
        values[c] = row.get(base.get(c));
      }
      List<AddedColumn> added = addedColumns.getOrDefault(order.table(), List.of());
      for (int c = 0; c < added.size(); c++) {
        values[base.size() + c] = added.get(c).value().apply(rowRandom);
      }
      byTable.computeIfAbsent(order.table(), t -> new ArrayList<>()).add(values);
      addLive(id);
    }
    byTable.forEach((table, rows) -> statements.add(new Work.Insert(table, columns(table), rows)));
  }

  private List<String> columns(String table) {
    List<AddedColumn> added = addedColumns.get(table);
    if (added == null) {
      return line.insertColumns();
    }
    var columns = new ArrayList<>(line.insertColumns());
    added.forEach(column -> columns.add(column.name()));
    return columns;
  }

  private void update(int count, List<Work.Statement> statements) {
    LocalDateTime at = now();
    var byTable = new LinkedHashMap<String, List<Map.Entry<Long, Map<String, Object>>>>();
    for (int id : distinctLive(count)) {
      LineOrder order = order(id, new SplittableRandom(mix(seed, id)));
      OrderStatus from = OrderStatus.values()[status[id]];
      OrderStatus to = nextStatus(from);
      Map<String, Object> set;
      if (to == null) {
        touches++;
        set = new LinkedHashMap<>();
        set.put(line.extColumn(), touchedExt(touches));
        set.put(line.modifiedColumn(), line == ProductLine.TOPUP ? at.withNano(0) : at);
      } else {
        set = ((RowWrite.Update) line.transition(order, from, to, at, random).getFirst()).set();
        status[id] = (byte) to.ordinal();
      }
      byTable.computeIfAbsent(order.table(), t -> new ArrayList<>()).add(Map.entry((long) id, set));
    }
    byTable.forEach((table, rows) -> {
      var columns = new LinkedHashSet<String>();
      rows.forEach(row -> columns.addAll(row.getValue().keySet()));
      List<String> columnList = List.copyOf(columns);
      var values = new ArrayList<Object[]>(rows.size());
      for (var row : rows) {
        Object[] rowValues = new Object[columnList.size() + 1];
        for (int c = 0; c < columnList.size(); c++) {
          rowValues[c] = row.getValue().get(columnList.get(c));
        }
        rowValues[columnList.size()] = row.getKey();
        values.add(rowValues);
      }
      statements.add(new Work.Update(table, columnList, line.idColumn(), values));
    });
  }

  /** The next status of a live order, or null to touch it instead. */
  private OrderStatus nextStatus(OrderStatus from) {
    return switch (from) {
      case CREATED -> random.nextInt(100) < 88 ? OrderStatus.PAID : OrderStatus.CLOSED;
      case PAID -> OrderStatus.FULFILLING;
      case FULFILLING -> random.nextInt(100) < 94 ? OrderStatus.SUCCEEDED : OrderStatus.FAILED;
      case SUCCEEDED -> random.nextInt(100) < 5 ? OrderStatus.REFUNDING : null;
      case FAILED -> OrderStatus.REFUNDING;
      case REFUNDING -> OrderStatus.REFUNDED;
      case REFUNDED, CLOSED -> null;
    };
  }

  /** New ext attributes for a touched order: valid JSON of 100-400 bytes, unique per touch. */
  private String touchedExt(long touch) {
    var text =
        new StringBuilder(400)
            .append("{\"settle_batch\":")
            .append(touch)
            .append(",\"reconciled\":")
            .append(random.nextBoolean())
            .append(",\"archive_hint\":\"")
            .append(random.nextBoolean() ? "冷数据" : "hot")
            .append("\",\"trace\":\"");
    int target = 100 + random.nextInt(301);
    int length = text.toString().getBytes(StandardCharsets.UTF_8).length + 2;
    for (int i = length; i < Math.max(target, length + 8); i++) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    return text.append("\"}").toString();
  }

  private void delete(int count, List<Work.Statement> statements) {
    var byTable = new LinkedHashMap<String, List<Long>>();
    for (int i = 0; i < count; i++) {
      int id = live[random.nextInt(liveCount)];
      removeLive(id);
      String table = line.orderTable(userId(new SplittableRandom(mix(seed, id))));
      byTable.computeIfAbsent(table, t -> new ArrayList<>()).add((long) id);
    }
    byTable.forEach((table, ids) ->
        statements.add(
            new Work.Delete(
                table, line.idColumn(), ids.stream().mapToLong(Long::longValue).toArray())));
  }

  /**
   * {@code count} distinct live orders: most of them recent (the last few thousand orders, where
   * payments and deliveries happen), the rest anywhere (late refunds, reconciliation).
   */
  private int[] distinctLive(int count) {
    var chosen = new LinkedHashSet<Integer>();
    int misses = 0;
    while (chosen.size() < count) {
      if (random.nextInt(100) < RECENT_PERCENT && misses < 20 * count) {
        long back = (long) (-RECENT_MEAN * Math.log(1 - random.nextDouble()));
        long candidate = nextId - 1 - back;
        if (candidate < 1 || status[(int) candidate] == DELETED || !chosen.add((int) candidate)) {
          misses++;
        }
      } else {
        chosen.add(live[random.nextInt(liveCount)]);
      }
    }
    return chosen.stream().mapToInt(Integer::intValue).toArray();
  }

  private static long userId(SplittableRandom rowRandom) {
    return 1 + rowRandom.nextInt(USERS);
  }

  /** Order {@code id} as inserted; {@code rowRandom} must be fresh from {@code (seed, id)}. */
  private LineOrder order(int id, SplittableRandom rowRandom) {
    long userId = userId(rowRandom);
    LocalDateTime created = BASE.plus(id * MILLIS_PER_ORDER, ChronoUnit.MILLIS);
    // a promotion runs over one tenth of the orders
    boolean promotion = id % 10_000 >= 4_000 && id % 10_000 < 5_000;
    return line.newOrder(new OrderSpec(id, userId, created, promotion), rowRandom);
  }

  private void addLive(int id) {
    if (id >= position.length) {
      int size = Math.max(id + 1, position.length * 2);
      position = Arrays.copyOf(position, size);
      status = Arrays.copyOf(status, size);
    }
    if (liveCount == live.length) {
      live = Arrays.copyOf(live, live.length * 2);
    }
    live[liveCount] = id;
    position[id] = liveCount++;
    status[id] = (byte) OrderStatus.CREATED.ordinal();
  }

  private void removeLive(int id) {
    status[id] = DELETED;
    int at = position[id];
    int last = live[--liveCount];
    live[at] = last;
    position[last] = at;
  }

  private static List<PlannedDdl> plannedDdl(ProductLine line, long rows) {
    var result = new ArrayList<PlannedDdl>();
    switch (line) {
      case TOPUP -> {
        result.add(
            ddl(
                rows,
                0.30,
                "tp_order",
                "ALTER TABLE %s.tp_order ADD COLUMN risk_level TINYINT NOT NULL DEFAULT 0"
                    + " COMMENT '风控等级' AFTER source",
                new AddedColumn("risk_level", r -> r.nextInt(4))));
        result.add(
            ddl(
                rows,
                0.70,
                "tp_order",
                "ALTER TABLE %s.tp_order MODIFY COLUMN fail_reason VARCHAR(512) DEFAULT NULL",
                null));
      }
      case FUELCARD ->
          result.add(
              ddl(
                  rows,
                  0.50,
                  "fc_order",
                  "ALTER TABLE %s.fc_order ADD COLUMN invoice_title VARCHAR(64) DEFAULT NULL"
                      + " AFTER need_invoice",
                  new AddedColumn(
                      "invoice_title",
                      r -> r.nextInt(10) < 3 ? "杭州某某科技有限公司" + r.nextInt(1000) : null)));
      case TICKET -> {
        // a rolling change: one shard after another, with transactions in between
        List<String> shards = line.orderTables();
        for (int i = 0; i < shards.size(); i++) {
          String table = shards.get(i);
          result.add(
              ddl(
                  rows,
                  0.40 + i * 0.002,
                  table,
                  "ALTER TABLE %s."
                      + table
                      + " ADD COLUMN seat_pref VARCHAR(8) DEFAULT NULL"
                      + " AFTER seat_class",
                  new AddedColumn(
                      "seat_pref", r -> new String[] {"靠窗", "过道", null}[r.nextInt(3)])));
        }
      }
      case GAMECARD -> {
        result.add(
            ddl(
                rows,
                0.60,
                "gc_orders",
                "ALTER TABLE %s.gc_orders MODIFY COLUMN sku_name VARCHAR(200) NOT NULL",
                null));
        result.add(
            ddl(
                rows,
                0.65,
                "gc_orders",
                "ALTER TABLE %s.gc_orders ADD COLUMN channel_code VARCHAR(16) DEFAULT NULL"
                    + " AFTER pay_method",
                new AddedColumn(
                    "channel_code", r -> new String[] {"APP", "H5", "MINI", "PC"}[r.nextInt(4)])));
      }
    }
    return result;
  }

  private static PlannedDdl ddl(
      long rows, double fraction, String table, String sql, AddedColumn added) {
    return new PlannedDdl((long) (rows * fraction), table, sql, added);
  }

  /** SplitMix64's finalizer over (seed, index): independent, reproducible seeds. */
  static long mix(long seed, long index) {
    long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
