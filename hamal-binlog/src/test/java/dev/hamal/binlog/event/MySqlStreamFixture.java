package dev.hamal.binlog.event;

import static dev.hamal.binlog.event.EventBytes.BINARY;
import static dev.hamal.binlog.event.EventBytes.LATIN1;
import static dev.hamal.binlog.event.EventBytes.UTF8MB4;

import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.Operation;
import dev.hamal.binlog.event.EventBytes.Column;
import dev.hamal.binlog.event.EventBytes.Compression;
import dev.hamal.binlog.event.EventBytes.Table;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * A MySQL 8.0 binlog of two files, written event by event with {@link EventBytes} from the format
 * documents, for streams replayed by a scripted server; and every row of it as the oracle
 * (mysql-binlog-connector-java) decodes the same bytes.
 *
 * <p>{@code binlog.000007}: format description, previous GTIDs ({@link #GTIDS_BEFORE}), then
 *
 * <ol>
 *   <li>{@code tx1}: GTID {@code :11}, BEGIN, table map of {@code shop.orders}, WRITE_ROWS v2 (two
 *       rows, partition extra info), XID;
 *   <li>{@code tx2}: GTID {@code :12}, BEGIN, table map of orders, UPDATE_ROWS v2 (two rows), table
 *       map of {@code shop.audit}, WRITE_ROWS v2 (two rows), XID;
 *   <li>{@code tx3}: GTID {@code :13}, a zstd TRANSACTION_PAYLOAD holding BEGIN, both table maps,
 *       WRITE_ROWS of orders (two rows), UPDATE_ROWS of audit (one row) and the XID;
 *   <li>ROTATE to {@code binlog.000008};
 * </ol>
 *
 * {@code binlog.000008}: format description, previous GTIDs, {@code tx4}: GTID {@code :14}, BEGIN,
 * table map of orders, DELETE_ROWS v2 (two rows), XID.
 *
 * <p>Both tables carry FULL row metadata (column names, signedness, charsets, enum labels, primary
 * key); orders has a binary JSON column, an unsigned BIGINT, DECIMAL, DATETIME(3), ENUM and BLOB;
 * audit has latin1 text, TIMESTAMP(6) and JSON. Every GTID event has distinct immediate and
 * original commit timestamps. Events carry labels ({@code "tx2.rows1"}, {@code "tx3.payload"}, ...)
 * so that tests can replace or corrupt one of them.
 */
public final class MySqlStreamFixture {

  public static final UUID SOURCE = UUID.fromString("3e11fa47-71ca-11e1-9e33-c80aa9429562");

  /** The GTID set executed before the first transaction of the fixture. */
  public static final String GTIDS_BEFORE = SOURCE + ":1-10";

  public static final String FIRST_FILE = "binlog.000007";
  public static final String SECOND_FILE = "binlog.000008";
  public static final long SERVER_ID = 1;

  /** The original commit time of transaction {@code n} (1-based), in microseconds. */
  public static long originalCommitMicros(int n) {
    return 1_700_000_000_123_456L + n * 1_000_003L;
  }

  /** The immediate commit time (on the server we read) of transaction {@code n}. */
  public static long immediateCommitMicros(int n) {
    return originalCommitMicros(n) + 7_654_321L;
  }

  public static final Table ORDERS =
      EventBytes.table(42, "shop", "orders")
          .column(Column.bigInt("id").asUnsigned().notNull())
          .column(Column.varchar("note", 400, UTF8MB4))
          .column(Column.json("doc"))
          .column(Column.decimal("amount", 12, 2))
          .column(Column.datetime2("created", 3))
          .column(Column.enumCol("status", UTF8MB4, "new", "paid", "shipped"))
          .column(Column.blob("attachment", 2, BINARY))
          .primaryKey(0)
          .fullMetadata()
          .build();

  public static final Table AUDIT =
      EventBytes.table(43, "shop", "audit")
          .column(Column.intCol("seq").notNull())
          .column(Column.varchar("action", 40, LATIN1))
          .column(Column.timestamp2("at", 6))
          .column(Column.json("detail"))
          .primaryKey(0)
          .fullMetadata()
          .build();

  /** One event of the binlog files, where it starts, and its label. */
  public record Event(String label, String file, long start, byte[] bytes) {
    public int type() {
      return bytes[4] & 0xFF;
    }

    public BinlogPosition position() {
      return new BinlogPosition(file, start);
    }

    public long end() {
      return start + bytes.length;
    }
  }

  /**
   * One row as the oracle decodes it: the rows event's position (for rows inside a transaction
   * payload, the payload's), the row's index in its event, and the present columns and values of
   * each image.
   */
  public record OracleRow(
      String table,
      BinlogPosition position,
      int index,
      Operation operation,
      BitSet beforeColumns,
      Serializable[] before,
      BitSet afterColumns,
      Serializable[] after) {}

  private final boolean checksum;
  private final List<Event> events;
  private final List<OracleRow> rows;

  private MySqlStreamFixture(boolean checksum, List<Event> events, List<OracleRow> rows) {
    this.checksum = checksum;
    this.events = List.copyOf(events);
    this.rows = List.copyOf(rows);
  }

  /** The fixture with CRC32 checksums. */
  public static MySqlStreamFixture build() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether events end in a CRC32. */
  public boolean checksum() {
    return checksum;
  }

  /** Every event of both files, in file order (no dump-made events). */
  public List<Event> events() {
    return events;
  }

  public Event event(String label) {
    for (Event e : events) {
      if (e.label().equals(label)) {
        return e;
      }
    }
    throw new IllegalArgumentException("no event labelled " + label);
  }

  /** Every row of the binlog, in binlog order. */
  public List<OracleRow> rows() {
    return rows;
  }

  /** The rows of the transactions whose labels start with one of the prefixes. */
  public List<OracleRow> rowsOf(String... transactionPrefixes) {
    List<OracleRow> out = new ArrayList<>();
    for (OracleRow r : rows) {
      for (String prefix : transactionPrefixes) {
        if (labelAt(r.position()).startsWith(prefix + ".")) {
          out.add(r);
        }
      }
    }
    return out;
  }

  private String labelAt(BinlogPosition p) {
    for (Event e : events) {
      if (e.position().equals(p)) {
        return e.label();
      }
    }
    return "";
  }

  /**
   * A writer in the fixture's flavour and checksum setting, positioned where the labelled event
   * starts: an event it writes takes that event's place.
   */
  public EventBytes writerAt(String label) {
    return EventBytes.mySql()
        .checksum(checksum)
        .serverId(SERVER_ID)
        .timestamp(1_700_000_000L)
        .position(event(label).start());
  }

  /**
   * The events a MySQL 8.0 dump thread sends for a dump from {@code file} at {@code position}: the
   * artificial ROTATE naming the start, the file's format description (made artificial, {@code
   * next_position} 0, unless the dump starts at the file's beginning), then every event from the
   * position on, through the later files. Null when the position is not an event of the fixture.
   */
  public List<byte[]> dumpFrom(String file, long position) {
    List<byte[]> out = new ArrayList<>();
    out.add(EventBytes.mySql().checksum(checksum).serverId(SERVER_ID).fakeRotate(file, position));
    boolean started = false;
    for (Event e : events) {
      if (!started && e.file().equals(file)) {
        if (e.start() == position) {
          started = true;
        } else if (e.type() == EventType.FORMAT_DESCRIPTION && position > e.start()) {
          out.add(artificialFormatDescription(e.bytes()));
        }
      }
      if (started) {
        out.add(e.bytes());
      }
    }
    return started ? out : null;
  }

  /** The dump of everything after {@link #GTIDS_BEFORE}: the whole first file on. */
  public List<byte[]> dumpAll() {
    return dumpFrom(FIRST_FILE, 4);
  }

  private byte[] artificialFormatDescription(byte[] fde) {
    byte[] copy = fde.clone();
    for (int i = 13; i < 17; i++) {
      copy[i] = 0; // next_position 0: sent by the dump thread, occupies no position
    }
    return checksum ? EventBytes.putCrc(copy) : copy;
  }

  /** Builds the fixture, optionally with extra events. */
  public static final class Builder {
    private boolean checksum = true;
    private final Map<String, List<Function<EventBytes, byte[]>>> extraBefore = new HashMap<>();

    private Builder() {}

    public Builder checksum(boolean on) {
      this.checksum = on;
      return this;
    }

    /**
     * Writes an extra event right before the labelled one (everything after it moves on, as in a
     * binlog where the server wrote it there).
     */
    public Builder before(String label, Function<EventBytes, byte[]> extra) {
      extraBefore.computeIfAbsent(label, k -> new ArrayList<>()).add(extra);
      return this;
    }

    public MySqlStreamFixture build() {
      return new Writer(checksum, extraBefore).write();
    }
  }

  /** Writes the events and decodes their rows with the oracle. */
  private static final class Writer {
    private final boolean checksum;
    private final Map<String, List<Function<EventBytes, byte[]>>> extraBefore;
    private final EventBytes eb;
    private final List<Event> events = new ArrayList<>();
    private final List<OracleRow> rows = new ArrayList<>();
    private final OracleComparison.Oracle oracle = new OracleComparison.Oracle();
    private String file = FIRST_FILE;
    private int extras;

    Writer(boolean checksum, Map<String, List<Function<EventBytes, byte[]>>> extraBefore) {
      this.checksum = checksum;
      this.extraBefore = extraBefore;
      this.eb = EventBytes.mySql().checksum(checksum).serverId(SERVER_ID).timestamp(1_700_000_000L);
    }

    MySqlStreamFixture write() {
      add("fde", EventBytes::formatDescription);
      add("previous-gtids", w -> previousGtids(w, 10));
      // tx1: two inserts
      gtid("tx1", 1, 11);
      add("tx1.begin", w -> w.query("BEGIN").schema("shop").build());
      add("tx1.map", w -> w.tableMap(ORDERS));
      add(
          "tx1.rows",
          w ->
              w.writeRows(ORDERS)
                  .extraInfo(new byte[] {1, 3, 0}) // partition info: partition 3
                  .row(order(1))
                  .row(order(2))
                  .build());
      add("tx1.xid", w -> w.xid(1001));
      // tx2: two updates of orders, two inserts into audit
      gtid("tx2", 2, 12);
      add("tx2.begin", w -> w.query("BEGIN").schema("shop").build());
      add("tx2.map", w -> w.tableMap(ORDERS));
      add(
          "tx2.rows1",
          w ->
              w.updateRows(ORDERS)
                  .extraInfo(new byte[] {1, 3, 0, 3, 0}) // partition and source partition
                  .update(order(1), paid(order(1)))
                  .update(order(2), paid(order(2)))
                  .build());
      add("tx2.map2", w -> w.tableMap(AUDIT));
      add(
          "tx2.rows2",
          w ->
              w.writeRows(AUDIT)
                  .extraInfo(new byte[] {1, 0, 0})
                  .row(audit(1))
                  .row(audit(2))
                  .build());
      add("tx2.xid", w -> w.xid(1002));
      // tx3: a compressed transaction
      gtid("tx3", 3, 13);
      add("tx3.payload", this::payload);
      add("rotate", w -> w.rotate(SECOND_FILE, 4));
      file = SECOND_FILE;
      add("fde2", EventBytes::formatDescription);
      add("previous-gtids2", w -> previousGtids(w, 13));
      // tx4: two deletes
      gtid("tx4", 4, 14);
      add("tx4.begin", w -> w.query("BEGIN").schema("shop").build());
      add("tx4.map", w -> w.tableMap(ORDERS));
      add("tx4.rows", w -> w.deleteRows(ORDERS).row(paid(order(3))).row(paid(order(4))).build());
      add("tx4.xid", w -> w.xid(1004));
      return new MySqlStreamFixture(checksum, events, rows);
    }

    private void gtid(String tx, int n, long gno) {
      add(
          tx + ".gtid",
          w ->
              w.mySqlGtid(SOURCE, gno)
                  .logicalClock(n - 1, n)
                  .commitTimestamps(immediateCommitMicros(n), originalCommitMicros(n))
                  .transactionLength(1000)
                  .serverVersions(80036, 80036)
                  .build());
    }

    private void add(String label, Function<EventBytes, byte[]> writer) {
      for (Function<EventBytes, byte[]> extra : extraBefore.getOrDefault(label, List.of())) {
        long start = eb.position();
        byte[] bytes = extra.apply(eb);
        events.add(new Event("extra" + (++extras), file, start, bytes));
        try {
          oracle.next(bytes);
        } catch (RuntimeException e) {
          // an event type the oracle does not know either: it has no rows
        }
      }
      long start = eb.position();
      byte[] bytes = writer.apply(eb);
      Event e = new Event(label, file, start, bytes);
      events.add(e);
      EventData data = oracle.next(bytes).getData();
      collect(data, e.position());
    }

    /** tx3 inside a zstd payload: BEGIN, both table maps, rows of both tables, XID. */
    private byte[] payload(EventBytes w) {
      EventBytes inner = w.payloadWriter();
      OracleComparison.Oracle innerOracle = new OracleComparison.Oracle();
      innerOracle.next(inner.formatDescription()); // no checksums inside a payload
      inner.position(0);
      List<byte[]> innerEvents = new ArrayList<>();
      innerEvents.add(inner.query("BEGIN").schema("shop").build());
      innerEvents.add(inner.tableMap(ORDERS));
      innerEvents.add(inner.writeRows(ORDERS).row(order(3)).row(order(4)).build());
      innerEvents.add(inner.tableMap(AUDIT));
      innerEvents.add(inner.updateRows(AUDIT).update(audit(2), audit(3)).build());
      innerEvents.add(inner.xid(1003));
      BinlogPosition at = new BinlogPosition(file, w.position());
      for (byte[] e : innerEvents) {
        collect(innerOracle.next(e).getData(), at);
      }
      return w.transactionPayload(Compression.ZSTD, innerEvents.toArray(byte[][]::new));
    }

    private void collect(EventData data, BinlogPosition at) {
      // rows events inside one payload share its position; their rows are numbered on
      int base = (int) rows.stream().filter(r -> r.position().equals(at)).count();
      switch (data) {
        case WriteRowsEventData d -> {
          String table = tableName(d.getTableId());
          for (int i = 0; i < d.getRows().size(); i++) {
            rows.add(
                new OracleRow(
                    table,
                    at,
                    base + i,
                    Operation.INSERT,
                    null,
                    null,
                    d.getIncludedColumns(),
                    d.getRows().get(i)));
          }
        }
        case UpdateRowsEventData d -> {
          String table = tableName(d.getTableId());
          for (int i = 0; i < d.getRows().size(); i++) {
            rows.add(
                new OracleRow(
                    table,
                    at,
                    base + i,
                    Operation.UPDATE,
                    d.getIncludedColumnsBeforeUpdate(),
                    d.getRows().get(i).getKey(),
                    d.getIncludedColumns(),
                    d.getRows().get(i).getValue()));
          }
        }
        case DeleteRowsEventData d -> {
          String table = tableName(d.getTableId());
          for (int i = 0; i < d.getRows().size(); i++) {
            rows.add(
                new OracleRow(
                    table,
                    at,
                    base + i,
                    Operation.DELETE,
                    d.getIncludedColumns(),
                    d.getRows().get(i),
                    null,
                    null));
          }
        }
        case null, default -> {}
      }
    }

    private static String tableName(long id) {
      return id == ORDERS.id() ? "shop.orders" : id == AUDIT.id() ? "shop.audit" : "?" + id;
    }

    /** PREVIOUS_GTIDS (35): sources (8), then per source uuid (16), intervals (8), [start, end). */
    private static byte[] previousGtids(EventBytes w, long last) {
      EventBytes.Sink body = new EventBytes.Sink();
      body.u64(1).bytes(EventBytes.uuidBytes(SOURCE)).u64(1).u64(1).u64(last + 1);
      return w.event(EventType.PREVIOUS_GTIDS, body.toArray());
    }
  }

  // ------------------------------------------------------------------------------------------
  // Row values

  /** Row {@code n} of orders as first inserted. */
  public static Object[] order(int n) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("id", (long) n);
    doc.put("qty", (long) (n * 3));
    doc.put("sku", "A-" + n);
    doc.put("gift", n % 2 == 0);
    doc.put("tags", List.of("x", "ünï", (long) n * 100_000L));
    doc.put("price", 9.5 * n);
    doc.put("coupon", JsonText.NULL);
    return new Object[] {
      n == 2 ? -1L : (long) n, // order 2 has id 18446744073709551615
      n == 4 ? null : "order " + n + " — grüße 😀",
      BinaryJsonWriter.document(doc),
      new BigDecimal(n * 1234 + ".5" + n).negate().add(BigDecimal.valueOf(n * 1000L)),
      LocalDateTime.of(2024, 2, 28 + n % 2, 23, 59, 58, n * 111_000_000),
      1,
      n % 2 == 0 ? null : new byte[] {0, (byte) n, (byte) 0xFF, 0x7F},
    };
  }

  /** The order after it was paid. */
  static Object[] paid(Object[] order) {
    Object[] after = order.clone();
    after[5] = 2;
    after[1] = order[1] == null ? "paid" : order[1] + " (paid)";
    return after;
  }

  /** Row {@code n} of audit. */
  static Object[] audit(int n) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("by", "clerk" + n);
    detail.put("ok", true);
    detail.put("n", List.of((long) n, 2.25, "é"));
    return new Object[] {
      n,
      n == 3 ? null : "payé " + n,
      Instant.ofEpochSecond(1_700_000_000L + n, n * 123_456_000L),
      n == 2 ? BinaryJsonWriter.document(List.of()) : BinaryJsonWriter.document(detail),
    };
  }
}
