package dev.hamal.binlog.event;

import static dev.hamal.binlog.event.EventBytes.BINARY;
import static dev.hamal.binlog.event.EventBytes.LATIN1;
import static dev.hamal.binlog.event.EventBytes.UTF8MB4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.hamal.binlog.RowImage;
import dev.hamal.binlog.event.EventBytes.Column;
import dev.hamal.binlog.event.EventBytes.Compression;
import dev.hamal.binlog.event.EventBytes.DateTimeParts;
import dev.hamal.binlog.event.EventBytes.MariaDbGtid;
import dev.hamal.binlog.event.EventBytes.Table;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Feeds mutated and generated events to the event parsers and decoders the way the reader does
 * (header, then the parser of the event's type; rows through the table's decode plan; the events
 * inside transaction payloads likewise) and checks that bad bytes fail only as {@link
 * MalformedValueException}, quickly and without absurd allocation.
 *
 * <p>Exceptions that {@code EventFailures} also maps to a corrupt-event error (index, arithmetic,
 * argument, negative-size and state exceptions) are tolerated but counted and printed as findings:
 * the decoders should raise {@link MalformedValueException} instead. Anything else fails the test,
 * as does an allocation above 256 MiB by one call (an OutOfMemoryError fails it too). Calls run in
 * chunks of up to 16 under one preemptive 2-second timeout, so each call finishes within 2 seconds;
 * allocation is measured per call on the decoding thread.
 *
 * <p>The Jupiter tests use fixed seeds; the jqwik properties add generated inputs.
 */
class EventDecoderFuzzTest {

  private static final Duration CALL_LIMIT = Duration.ofSeconds(2);
  private static final long ALLOCATION_LIMIT = 256L << 20;

  /** What a stream knows when an event arrives: the format and the table maps seen so far. */
  record Context(String name, FormatDescription format, Map<Long, TableDecoder> tables) {
    TableDecoder anyTable() {
      return tables.values().iterator().next();
    }
  }

  record Seed(Context context, String name, byte[] event) {}

  private static final List<Seed> SEEDS = new ArrayList<>();
  private static final Map<String, AtomicLong> TOLERATED = new TreeMap<>();
  private static final AtomicLong CASES = new AtomicLong();
  private static final AtomicLong DECODED = new AtomicLong();
  private static final AtomicLong MALFORMED = new AtomicLong();
  private static final AtomicLong MAX_ALLOCATED = new AtomicLong();

  static {
    for (boolean checksum : new boolean[] {true, false}) {
      seedMySql(EventBytes.mySql().checksum(checksum));
      seedMariaDb(EventBytes.mariaDb().checksum(checksum).serverId(10124));
    }
  }

  // the corpus ---------------------------------------------------------------------------------

  private static Table allTypes(long id) {
    return EventBytes.table(id, "shop", "everything")
        .columns(
            Column.tinyInt("t").asUnsigned(),
            Column.smallInt("s"),
            Column.mediumInt("m").asUnsigned(),
            Column.intCol("i"),
            Column.bigInt("b").asUnsigned().notNull(),
            Column.floatCol("f"),
            Column.doubleCol("d"),
            Column.decimal("dec", 20, 6),
            Column.decimal("small", 5, 2),
            Column.decimal("d18_1", 18, 1),
            Column.decimal("d18_17", 18, 17),
            Column.year("y"),
            Column.date("dt"),
            Column.time("ot"),
            Column.datetime("odt"),
            Column.timestamp("ots"),
            Column.time2("t2", 4),
            Column.datetime2("dt2", 6),
            Column.timestamp2("ts2", 2),
            Column.bit("bits", 13),
            Column.enumCol("e", "a", "b", "c"),
            Column.set("st", "x", "y", "z"),
            Column.charCol("ch", 400, UTF8MB4),
            Column.varchar("vc", 80, LATIN1),
            Column.varbinary("vb", 300),
            Column.blob("bl", 2, BINARY),
            Column.text("tx", 3, UTF8MB4),
            Column.geometry("g"),
            Column.json("j"))
        .primaryKey(4)
        .fullMetadata()
        .build();
  }

  private static Object[] allTypesRow(int n) {
    return new Object[] {
      200 + n % 50,
      -n,
      16_000_000 - n,
      Integer.MIN_VALUE + n,
      -1L - n,
      1.5f * n,
      -2.5e100 * n,
      new BigDecimal("-12345678901234.123456").add(BigDecimal.valueOf(n)),
      new BigDecimal("999.99"),
      new BigDecimal("-12345678901234567.8"),
      new BigDecimal("0.12345678901234567"),
      n % 2 == 0 ? 0 : 2024,
      n % 3 == 0 ? DateTimeParts.ZERO : LocalDate.of(2024, 2, 29),
      Duration.ofSeconds(-3723 - n),
      LocalDateTime.of(1999, 12, 31, 23, 59, 59),
      Instant.ofEpochSecond(1_700_000_000L + n),
      Duration.parse("-PT838H59M58.5S"),
      LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000),
      Instant.parse("2024-01-02T03:04:05.67Z"),
      0x1ABCL,
      1 + n % 3,
      (long) n % 8,
      "Grüße 😀".repeat(n % 4),
      "façade",
      new byte[] {0, (byte) n, (byte) 0xff},
      new byte[n % 7],
      "t".repeat(n * 10),
      new byte[] {0, 0, 0, 0, 1, 1, 0, 0, 0},
      n % 2 == 0 ? null : new byte[0]
    };
  }

  private static Table small(long id) {
    return EventBytes.table(id, "s", "small")
        .columns(Column.intCol("id").notNull(), Column.varchar("v", 20, UTF8MB4))
        .noMetadata()
        .build();
  }

  private static void seedMySql(EventBytes eb) {
    byte[] fde = eb.formatDescription();
    FormatDescription format = FormatDescription.parse(fde);
    Table all = allTypes(101);
    Table sm = small(102);
    byte[] allMap = eb.tableMap(all);
    byte[] smallMap = eb.tableMap(sm);
    Map<Long, TableDecoder> tables = new HashMap<>();
    tables.put(101L, TableDecoder.create(TableMap.parse(allMap, format), Optional.empty()));
    tables.put(102L, TableDecoder.create(TableMap.parse(smallMap, format), Optional.empty()));
    Context ctx = new Context("mysql" + (eb.hasChecksum() ? "+crc" : ""), format, tables);
    UUID source = UUID.fromString("3e11fa47-71ca-11e1-9e33-c80aa9429562");
    EventBytes inner = eb.payloadWriter();
    byte[][] tx = {
      inner.query("BEGIN").schema("shop").charset(33, 33, 255).build(),
      inner.tableMap(all),
      inner.writeRows(all).row(allTypesRow(1)).row(allTypesRow(2)).build(),
      inner.xid(9)
    };
    add(ctx, "fde", fde);
    add(ctx, "fake-rotate", eb.fakeRotate("binlog.000001", 4));
    add(ctx, "rotate", eb.rotate("binlog.000002", 4));
    add(ctx, "table-map-all", allMap);
    add(ctx, "table-map-small", smallMap);
    add(
        ctx,
        "table-map-prefix-key",
        eb.tableMap(
            EventBytes.table(103, "s", "k")
                .columns(Column.varchar("a", 400, UTF8MB4), Column.enumCol("e", LATIN1, "p", "q"))
                .primaryKeyWithPrefix(new int[] {0}, new int[] {10})
                .fullMetadata()
                .charsets(EventBytes.CharsetLayout.PER_COLUMN)
                .enumSetCharsets(EventBytes.CharsetLayout.PER_COLUMN)
                .build()));
    add(
        ctx,
        "query",
        eb.query("CREATE TABLE t (a INT)")
            .schema("shop")
            .flags2(0)
            .sqlMode(1)
            .catalog("std")
            .autoIncrement(1, 1)
            .charset(33, 33, 255)
            .timeZone("SYSTEM")
            .databaseCollation(45)
            .invoker("root", "%")
            .updatedDbNames("shop")
            .ddlLoggedWithXid(3)
            .defaultCollationForUtf8mb4(255)
            .build());
    add(ctx, "xid", eb.xid(77));
    add(
        ctx,
        "gtid",
        eb.mySqlGtid(source, 42)
            .logicalClock(3, 4)
            .commitTimestamps(1_700_000_000_000_001L, 1_699_999_999_000_000L)
            .transactionLength(999)
            .serverVersions(80036, 80030)
            .build());
    add(ctx, "anonymous-gtid", eb.anonymousGtid().commitTimestamp(5).build());
    add(ctx, "heartbeat", eb.heartbeat("binlog.000002"));
    add(ctx, "incident", eb.incident(1, "LOST_EVENTS"));
    add(ctx, "write-v2", eb.writeRows(all).row(allTypesRow(3)).row(allTypesRow(4)).build());
    add(ctx, "write-v1", eb.writeRows(all).version(1).row(allTypesRow(5)).build());
    add(
        ctx,
        "update-v2",
        eb.updateRows(all)
            .extraInfo(new byte[] {1, 2, 0, 3, 0})
            .update(allTypesRow(6), allTypesRow(7))
            .build());
    add(
        ctx,
        "update-minimal",
        eb.updateRows(all)
            .columns(4)
            .columnsAfter(0, 4, 20, 24)
            .update(allTypesRow(8), allTypesRow(9))
            .build());
    add(ctx, "delete-minimal", eb.deleteRows(all).columns(4).row(allTypesRow(10)).build());
    add(ctx, "write-small", eb.writeRows(sm).row(1, "a").row(2, null).row(3, "ccc").build());
    add(ctx, "payload-zstd", eb.transactionPayload(Compression.ZSTD, tx));
    add(ctx, "payload-none", eb.transactionPayload(Compression.NONE, tx));
  }

  private static void seedMariaDb(EventBytes eb) {
    byte[] fde = eb.formatDescription();
    FormatDescription format = FormatDescription.parse(fde);
    Table all = allTypes(201);
    byte[] allMap = eb.tableMap(all);
    Map<Long, TableDecoder> tables = new HashMap<>();
    tables.put(201L, TableDecoder.create(TableMap.parse(allMap, format), Optional.empty()));
    Context ctx = new Context("mariadb" + (eb.hasChecksum() ? "+crc" : ""), format, tables);
    add(ctx, "fde", fde);
    add(ctx, "gtid-list", eb.gtidList(new MariaDbGtid(0, 10124, 3584), new MariaDbGtid(1, 2, 3)));
    add(ctx, "gtid", eb.mariaDbGtid(0, 9884).build());
    add(ctx, "gtid-standalone", eb.mariaDbGtid(1, 7).standalone().build());
    add(ctx, "gtid-group-commit", eb.mariaDbGtid(2, 8).groupCommitId(123).build());
    add(
        ctx,
        "gtid-xa",
        eb.mariaDbGtid(0, 9)
            .xa(1, "g".getBytes(StandardCharsets.UTF_8), "b".getBytes(StandardCharsets.UTF_8), true)
            .build());
    add(
        ctx,
        "query",
        eb.query("BEGIN").flags2(0).charset(33, 33, 8).hrNow(1).mariaDbXid(5).build());
    add(ctx, "table-map", allMap);
    add(ctx, "write-v1", eb.writeRows(all).row(allTypesRow(11)).row(allTypesRow(12)).build());
    add(ctx, "update-v1", eb.updateRows(all).update(allTypesRow(13), allTypesRow(14)).build());
    add(ctx, "delete-v1", eb.deleteRows(all).row(allTypesRow(15)).build());
    add(ctx, "xid", eb.xid(12));
    add(ctx, "rotate", eb.rotate("mariadb-bin.000002", 4));
  }

  private static void add(Context ctx, String name, byte[] event) {
    SEEDS.add(new Seed(ctx, ctx.name() + "/" + name, event));
  }

  // feeding events the way the reader does -----------------------------------------------------

  /** Parses one event as the reader would; returns normally or throws what the decoders throw. */
  static void feed(Context ctx, byte[] event, boolean insidePayload) {
    EventHeader header = EventHeader.read(event);
    int type = header.type();
    FormatDescription f = insidePayload ? ctx.format().withoutChecksum() : ctx.format();
    int checksum = insidePayload ? 0 : ctx.format().checksumLength();
    if (EventType.isRows(type)) {
      long id = RowsDecoder.tableId(event, ctx.format(), type);
      RowsDecoder.flags(event, ctx.format(), type);
      TableDecoder table = ctx.tables().getOrDefault(id, ctx.anyTable());
      touch(RowsDecoder.decode(event, event.length - checksum, ctx.format(), type, table));
      return;
    }
    switch (type) {
      case EventType.FORMAT_DESCRIPTION -> FormatDescription.parse(event);
      case EventType.ROTATE -> ControlEvents.rotate(event, EventHeader.SIZE, checksum);
      case EventType.TABLE_MAP -> {
        TableMap map = TableMap.parse(event, f);
        TableDecoder plan = TableDecoder.create(map, Optional.empty());
        plan.firstUnsupportedColumn();
        map.sameDefinition(map);
      }
      case EventType.QUERY -> ControlEvents.query(event, f);
      case EventType.XID -> ControlEvents.xid(event, f);
      case EventType.MARIADB_GTID -> ControlEvents.mariaDbGtid(event, f, header.serverId());
      case EventType.GTID, EventType.ANONYMOUS_GTID -> ControlEvents.mySqlGtid(event, f);
      case EventType.MARIADB_GTID_LIST -> ControlEvents.gtidList(event, f);
      case EventType.INCIDENT -> ControlEvents.incident(event, f);
      case EventType.HEARTBEAT, EventType.HEARTBEAT_V2 -> ControlEvents.heartbeatFile(event, f);
      case EventType.TRANSACTION_PAYLOAD -> {
        for (byte[] inner : ControlEvents.transactionPayload(event, f)) {
          feed(ctx, inner, true);
        }
      }
      default -> {
        // events the reader skips or refuses without parsing them
      }
    }
  }

  /** Reads every value as a consumer would. */
  private static void touch(DecodedRows rows) {
    for (int r = 0; r < rows.rowCount(); r++) {
      for (RowImage img : new RowImage[] {rows.before(r), rows.after(r)}) {
        if (img == null) {
          continue;
        }
        for (int c = 0; c < img.columnCount(); c++) {
          if (img.isPresent(c) && !img.isNull(c)) {
            img.getValue(c);
            img.getText(c);
          }
        }
        img.toString();
      }
    }
  }

  /** One input: the stream it belongs to, the event bytes, and a name for messages. */
  record Case(Context context, byte[] event, String what) {}

  /** Cases run together under one preemptive limit, so each one took less. */
  private static final int CHUNK = 16;

  static void runCase(Context ctx, byte[] event, String what) {
    runCases(List.of(new Case(ctx, event, what)));
  }

  /**
   * Runs cases on a separate thread that is abandoned after {@link #CALL_LIMIT} for all of them
   * together; measures each case's allocation on that thread and classifies what it threw.
   */
  static void runCases(List<Case> cases) {
    CASES.addAndGet(cases.size());
    Throwable[] outcomes =
        assertTimeoutPreemptively(
            CALL_LIMIT,
            () -> {
              com.sun.management.ThreadMXBean mx =
                  (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
              Throwable[] thrown = new Throwable[cases.size()];
              for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                long before = mx.getCurrentThreadAllocatedBytes();
                try {
                  feed(c.context(), c.event(), false);
                } catch (Throwable t) {
                  thrown[i] = t;
                }
                long allocated = mx.getCurrentThreadAllocatedBytes() - before;
                MAX_ALLOCATED.accumulateAndGet(allocated, Math::max);
                if (allocated > ALLOCATION_LIMIT) {
                  thrown[i] =
                      new AssertionError(
                          c.what() + " allocated " + allocated + " bytes for " + c.event().length);
                }
              }
              return thrown;
            },
            () -> "one of " + cases.stream().map(Case::what).toList() + " took too long");
    for (int i = 0; i < cases.size(); i++) {
      classify(outcomes[i], cases.get(i).what(), cases.get(i).event());
    }
  }

  private static void classify(Throwable t, String what, byte[] event) {
    if (t instanceof AssertionError a) {
      throw a;
    }
    if (t == null) {
      DECODED.incrementAndGet();
      return;
    }
    if (t instanceof MalformedValueException) {
      MALFORMED.incrementAndGet();
      return;
    }
    if (t instanceof IndexOutOfBoundsException
        || t instanceof ArithmeticException
        || t instanceof IllegalArgumentException
        || t instanceof NegativeArraySizeException
        || t instanceof IllegalStateException) {
      String key = t.getClass().getSimpleName() + " at " + where(t);
      synchronized (TOLERATED) {
        TOLERATED.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
      }
      return;
    }
    AssertionError e =
        new AssertionError(
            what
                + " threw "
                + t
                + " for "
                + event.length
                + " bytes: "
                + java.util.HexFormat.of().formatHex(event, 0, Math.min(event.length, 200)),
            t);
    throw e;
  }

  /** The innermost frame in Hamal's code. */
  private static String where(Throwable t) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().startsWith("dev.hamal.") && !e.getClassName().endsWith("FuzzTest")) {
        return e.getClassName().replace("dev.hamal.binlog.", "")
            + "."
            + e.getMethodName()
            + ":"
            + e.getLineNumber();
      }
    }
    return String.valueOf(t.getStackTrace().length > 0 ? t.getStackTrace()[0] : "?");
  }

  // mutations ----------------------------------------------------------------------------------

  private static final byte[] INTERESTING = {
    0,
    1,
    2,
    (byte) 0x7f,
    (byte) 0x80,
    (byte) 0xfa,
    (byte) 0xfb,
    (byte) 0xfc,
    (byte) 0xfd,
    (byte) 0xfe,
    (byte) 0xff
  };

  private static final int[] TYPES = {
    EventType.QUERY,
    EventType.ROTATE,
    EventType.FORMAT_DESCRIPTION,
    EventType.XID,
    EventType.TABLE_MAP,
    EventType.WRITE_ROWS_V1,
    EventType.UPDATE_ROWS_V1,
    EventType.DELETE_ROWS_V1,
    EventType.INCIDENT,
    EventType.HEARTBEAT,
    EventType.WRITE_ROWS_V2,
    EventType.UPDATE_ROWS_V2,
    EventType.DELETE_ROWS_V2,
    EventType.GTID,
    EventType.ANONYMOUS_GTID,
    EventType.TRANSACTION_PAYLOAD,
    EventType.MARIADB_GTID,
    EventType.MARIADB_GTID_LIST,
    EventType.MARIADB_WRITE_ROWS_COMPRESSED_V1,
    EventType.MARIADB_UPDATE_ROWS_COMPRESSED
  };

  /** One to three stacked mutations; the header's size field is fixed up unless told not to. */
  static byte[] mutate(byte[] seed, Random rnd) {
    byte[] e = seed.clone();
    int steps = 1 + rnd.nextInt(3);
    boolean keepSize = rnd.nextInt(20) != 0;
    for (int s = 0; s < steps; s++) {
      e = mutateOnce(e, rnd);
    }
    if (keepSize && e.length >= EventHeader.SIZE) {
      putU32(e, 9, e.length);
    }
    if (e.length >= EventHeader.SIZE + 4 && rnd.nextBoolean()) {
      EventBytes.putCrc(e);
    }
    return e;
  }

  private static byte[] mutateOnce(byte[] e, Random rnd) {
    int body = Math.min(EventHeader.SIZE, e.length);
    switch (rnd.nextInt(10)) {
      case 0 -> { // bit flips
        int flips = 1 + rnd.nextInt(8);
        for (int i = 0; i < flips && e.length > 0; i++) {
          int at = rnd.nextInt(e.length);
          e[at] ^= (byte) (1 << rnd.nextInt(8));
        }
        return e;
      }
      case 1 -> { // byte replacement, biased to the body and to interesting values
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n && e.length > body; i++) {
          int at = body + rnd.nextInt(e.length - body);
          e[at] =
              rnd.nextBoolean()
                  ? INTERESTING[rnd.nextInt(INTERESTING.length)]
                  : (byte) rnd.nextInt();
        }
        return e;
      }
      case 2 -> { // truncation
        return Arrays.copyOf(e, rnd.nextInt(e.length + 1));
      }
      case 3 -> { // extension with random bytes
        byte[] longer = Arrays.copyOf(e, e.length + 1 + rnd.nextInt(64));
        for (int i = e.length; i < longer.length; i++) {
          longer[i] = (byte) rnd.nextInt();
        }
        return longer;
      }
      case 4 -> { // length-field inflation: a large packed or fixed-width number somewhere
        if (e.length <= body + 1) {
          return e;
        }
        int at = body + rnd.nextInt(e.length - body);
        byte[] big =
            switch (rnd.nextInt(5)) {
              case 0 -> new byte[] {(byte) 0xfe, -1, -1, -1, -1, -1, -1, -1, (byte) 0x7f};
              case 1 -> new byte[] {(byte) 0xfe, 0, 0, 0, (byte) 0x80, 0, 0, 0, 0};
              case 2 -> new byte[] {(byte) 0xfc, -1, -1};
              case 3 -> new byte[] {(byte) 0xfd, -1, -1, -1};
              default -> new byte[] {-1, -1, -1, (byte) 0x7f};
            };
        System.arraycopy(big, 0, e, at, Math.min(big.length, e.length - at));
        return e;
      }
      case 5 -> { // random body of random length
        byte[] r = Arrays.copyOf(e, body + rnd.nextInt(200));
        for (int i = body; i < r.length; i++) {
          r[i] = (byte) rnd.nextInt();
        }
        return r;
      }
      case 6 -> { // another event type
        if (e.length > 4) {
          e[4] = (byte) TYPES[rnd.nextInt(TYPES.length)];
        }
        return e;
      }
      case 7 -> { // splice the tail of another seed
        byte[] other = SEEDS.get(rnd.nextInt(SEEDS.size())).event();
        int cut = rnd.nextInt(e.length + 1);
        int from = rnd.nextInt(other.length);
        byte[] r = Arrays.copyOf(e, cut + other.length - from);
        System.arraycopy(other, from, r, cut, other.length - from);
        return r;
      }
      case 8 -> { // a run of ASCII digits (version strings, numbers in text)
        if (e.length <= body + 1) {
          return e;
        }
        int at = body + rnd.nextInt(Math.min(e.length - body, 60));
        int len = Math.min(1 + rnd.nextInt(24), e.length - at);
        for (int i = 0; i < len; i++) {
          e[at + i] = (byte) ('0' + rnd.nextInt(10));
        }
        return e;
      }
      default -> { // duplicate a slice (repeats rows, fields)
        if (e.length <= body + 1) {
          return e;
        }
        int from = body + rnd.nextInt(e.length - body);
        int len = 1 + rnd.nextInt(Math.min(64, e.length - from));
        byte[] r = Arrays.copyOf(e, e.length + len);
        System.arraycopy(e, from, r, from + len, e.length - from);
        return r;
      }
    }
  }

  private static void putU32(byte[] e, int at, long v) {
    e[at] = (byte) v;
    e[at + 1] = (byte) (v >>> 8);
    e[at + 2] = (byte) (v >>> 16);
    e[at + 3] = (byte) (v >>> 24);
  }

  // the tests ----------------------------------------------------------------------------------

  @Test
  void shouldParseEverySeedEventWithoutError() {
    for (Seed s : SEEDS) {
      Throwable t = null;
      try {
        feed(s.context(), s.event(), false);
      } catch (Throwable e) {
        t = e;
      }
      assertThat(t).as("seed %s", s.name()).isNull();
    }
    assertThat(SEEDS).hasSizeGreaterThan(50);
  }

  @Test
  void shouldRejectEveryTruncationOfEverySeedOnlyAsMalformed() {
    List<Case> chunk = new ArrayList<>();
    for (Seed s : SEEDS) {
      for (int length = 0; length < s.event().length; length++) {
        byte[] cut = Arrays.copyOf(s.event(), length);
        if (length >= EventHeader.SIZE) {
          putU32(cut, 9, length);
        }
        chunk.add(new Case(s.context(), cut, s.name() + " cut to " + length));
        if (chunk.size() == CHUNK) {
          runCases(chunk);
          chunk = new ArrayList<>();
        }
      }
    }
    runCases(chunk);
  }

  @Test
  void shouldRejectMutatedEventsOnlyAsMalformed() {
    Random rnd = new Random(0x5EED_2024L);
    long decodedBefore = DECODED.get();
    long malformedBefore = MALFORMED.get();
    int cases = 250_000;
    List<Case> chunk = new ArrayList<>();
    for (int i = 0; i < cases; i++) {
      Seed s = SEEDS.get(rnd.nextInt(SEEDS.size()));
      byte[] e = mutate(s.event(), rnd);
      chunk.add(new Case(s.context(), e, s.name() + " mutation #" + i));
      if (chunk.size() == CHUNK) {
        runCases(chunk);
        chunk = new ArrayList<>();
      }
    }
    runCases(chunk);
    // the mutations must reach past the header checks: many decode, many are caught
    assertThat(DECODED.get() - decodedBefore).isGreaterThan(cases / 10);
    assertThat(MALFORMED.get() - malformedBefore).isGreaterThan(cases / 10);
  }

  @Property(tries = 4000, seed = "20240607")
  void generatedBodiesFailOnlyAsMalformed(
      @ForAll("types") int type,
      @ForAll @Size(max = 300) byte[] body,
      @ForAll @IntRange(min = 0, max = 3) int contextIndex) {
    Context ctx = SEEDS.get(contextIndex * SEEDS.size() / 4).context();
    byte[] e = new byte[EventHeader.SIZE + body.length];
    e[4] = (byte) type;
    putU32(e, 9, e.length);
    System.arraycopy(body, 0, e, EventHeader.SIZE, body.length);
    runCase(ctx, e, "generated " + EventType.name(type));
  }

  @Property(tries = 4000, seed = "20240608")
  void generatedMutationsOfSeedsFailOnlyAsMalformed(
      @ForAll @IntRange(min = 0, max = 10_000) int seedIndex,
      @ForAll @IntRange(min = 0, max = 100_000) int position,
      @ForAll @Size(min = 1, max = 12) byte[] replacement,
      @ForAll boolean truncate) {
    Seed s = SEEDS.get(seedIndex % SEEDS.size());
    byte[] e = s.event().clone();
    int at = EventHeader.SIZE + position % Math.max(1, e.length - EventHeader.SIZE);
    if (truncate) {
      e = Arrays.copyOf(e, Math.min(e.length, at));
    } else {
      e = Arrays.copyOf(e, Math.max(e.length, at + replacement.length));
      System.arraycopy(replacement, 0, e, at, replacement.length);
    }
    putU32(e, 9, e.length);
    runCase(s.context(), e, s.name() + " generated edit at " + at);
  }

  @Provide
  Arbitrary<Integer> types() {
    return Arbitraries.of(Arrays.stream(TYPES).boxed().toList());
  }

  @AfterAll
  static void reportFromJupiter() {
    report();
  }

  @AfterContainer
  static void reportFromJqwik() {
    report();
  }

  private static void report() {
    StringBuilder out = new StringBuilder();
    out.append("EventDecoderFuzzTest: ")
        .append(CASES.get())
        .append(" cases (")
        .append(DECODED.get())
        .append(" decoded, ")
        .append(MALFORMED.get())
        .append(" malformed), largest allocation ")
        .append(MAX_ALLOCATED.get())
        .append(" bytes; tolerated non-Malformed exceptions (findings):");
    synchronized (TOLERATED) {
      if (TOLERATED.isEmpty()) {
        out.append(" none");
      }
      TOLERATED.forEach((k, v) -> out.append("\n  ").append(v.get()).append(" x ").append(k));
    }
    System.out.println(out);
  }
}
