package dev.hamal.binlog;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Function;

/**
 * A seeded random workload of row changes over a table with every column type MariaDB writes, for
 * the differential test: multi-row inserts, updates of random columns (by literal, by expression,
 * by {@code INSERT ... ON DUPLICATE KEY UPDATE}), deletes, interleaved with a second table, in
 * transactions of varied sizes, some rolled back, each logged with a random {@code
 * binlog_row_image} (mostly FULL, else MINIMAL or NOBLOB). Values mix NULLs, the edges of every
 * type, negative decimals, 4-byte UTF-8, text in several character sets and zero or partly zero
 * dates (the session runs with {@code sql_mode=''}).
 *
 * <p>The workload counts the row changes it caused from the server's own affected-row counts (the
 * connection must use {@code useAffectedRows=true}, so an UPDATE that changes nothing counts, and
 * logs, nothing). The same seed gives the same statements; the server decides the stored values.
 *
 * <p>Not thread-safe: one instance drives one connection.
 */
final class DifferentialWorkload {

  /** A column of the wide table: its name, SQL type and a generator of SQL literals. */
  record Column(String name, String type, Function<SplittableRandom, String> values) {}

  static final String WIDE = "all_types";
  static final String SIDE = "side";

  private final SplittableRandom random;
  private final String schema;
  private final BitSet live = new BitSet();
  private final BitSet sideLive = new BitSet();
  private int nextId = 1;
  private int nextSideId = 1;
  private String rowImage = "";
  private long rowChanges;
  private long statements;
  private long transactions;
  private long rolledBack;

  DifferentialWorkload(long seed, String schema) {
    this.random = new SplittableRandom(seed);
    this.schema = schema;
  }

  /** The DDL of both tables (the side table's default character set is latin1). */
  static List<String> createTables(String schema) {
    List<String> defs = new ArrayList<>();
    for (Column c : COLUMNS) {
      defs.add(c.name() + " " + c.type());
    }
    return List.of(
        "CREATE TABLE "
            + schema
            + "."
            + WIDE
            + " (id INT PRIMARY KEY, "
            + String.join(", ", defs)
            + ") CHARACTER SET utf8mb4",
        "CREATE TABLE "
            + schema
            + "."
            + SIDE
            + " (id INT PRIMARY KEY, s_name VARCHAR(40), s_note VARCHAR(40) CHARACTER SET"
            + " utf8mb4, s_amount DECIMAL(12,4), s_at DATETIME(3), s_flags SET('a','b','c'))"
            + " CHARACTER SET latin1");
  }

  /** Row changes committed so far (inserted, updated and deleted rows; rollbacks excluded). */
  long rowChanges() {
    return rowChanges;
  }

  long statements() {
    return statements;
  }

  long transactions() {
    return transactions;
  }

  long rolledBack() {
    return rolledBack;
  }

  /**
   * Runs transactions until at least {@code target} row changes are committed. The connection must
   * be set up by the caller ({@code sql_mode=''}, UTC time zone, affected-row counts).
   */
  void run(Connection c, long target) throws SQLException {
    try (Statement s = c.createStatement()) {
      boolean big = false;
      while (rowChanges < target) {
        if (!big && rowChanges > target / 2) {
          rowChanges += updateEverything(s); // one transaction of thousands of rows
          transactions++;
          big = true;
        }
        transaction(c, s);
      }
    }
  }

  private void transaction(Connection c, Statement s) throws SQLException {
    int image = random.nextInt(10);
    String rowImage = image < 7 ? "FULL" : image < 9 ? "MINIMAL" : "NOBLOB";
    if (!rowImage.equals(this.rowImage)) {
      s.execute("SET SESSION binlog_row_image = " + rowImage);
      this.rowImage = rowImage;
    }
    int kind = random.nextInt(100);
    if (kind < 60) {
      rowChanges += statement(s); // autocommit
      transactions++;
      return;
    }
    int size =
        kind < 90
            ? random.nextInt(2, 7)
            : kind < 97 ? random.nextInt(10, 31) : random.nextInt(2, 6);
    boolean rollback = kind >= 97;
    BitSet liveBefore = (BitSet) live.clone();
    BitSet sideBefore = (BitSet) sideLive.clone();
    int nextBefore = nextId;
    int nextSideBefore = nextSideId;
    c.setAutoCommit(false);
    long changes = 0;
    try {
      for (int i = 0; i < size; i++) {
        changes += statement(s);
      }
      if (rollback) {
        c.rollback();
        live.clear();
        live.or(liveBefore);
        sideLive.clear();
        sideLive.or(sideBefore);
        nextId = nextBefore; // ids may be reused: the rows never existed
        nextSideId = nextSideBefore;
        rolledBack++;
      } else {
        c.commit();
        rowChanges += changes;
        transactions++;
      }
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** Executes one random statement; returns the row changes it made. */
  private long statement(Statement s) throws SQLException {
    statements++;
    int live = this.live.cardinality();
    int pick = random.nextInt(100);
    if (live < 1500 || pick < 28) {
      return insert(s);
    }
    if (live > 6000 && pick < 60) {
      return delete(s);
    }
    if (pick < 43) {
      return upsert(s);
    }
    if (pick < 68) {
      return updateLiterals(s);
    }
    if (pick < 78) {
      return updateRange(s);
    }
    if (pick < 90) {
      return delete(s);
    }
    return side(s);
  }

  private long insert(Statement s) throws SQLException {
    int n = random.nextInt(10) == 0 ? random.nextInt(50, 201) : random.nextInt(1, 20);
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(table(WIDE)).append(" VALUES ");
    for (int i = 0; i < n; i++) {
      int id = nextId++;
      live.set(id);
      sql.append(i == 0 ? "(" : ", (").append(id);
      for (Column c : COLUMNS) {
        sql.append(", ").append(value(c));
      }
      sql.append(')');
    }
    return s.executeLargeUpdate(sql.toString());
  }

  /** INSERT ... ON DUPLICATE KEY UPDATE of a random column subset: updates, some inserts. */
  private long upsert(Statement s) throws SQLException {
    List<Column> columns = someColumns(random.nextInt(1, 12));
    Set<Integer> ids = liveIds(random.nextInt(1, 30));
    int fresh = random.nextInt(4);
    for (int i = 0; i < fresh; i++) {
      ids.add(nextId++);
    }
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(table(WIDE)).append(" (id");
    for (Column c : columns) {
      sql.append(", ").append(c.name());
    }
    sql.append(") VALUES ");
    boolean first = true;
    for (int id : ids) {
      sql.append(first ? "(" : ", (").append(id);
      first = false;
      for (Column c : columns) {
        sql.append(", ").append(value(c));
      }
      sql.append(')');
    }
    sql.append(" ON DUPLICATE KEY UPDATE ");
    for (int i = 0; i < columns.size(); i++) {
      String name = columns.get(i).name();
      sql.append(i == 0 ? "" : ", ").append(name).append(" = VALUES(").append(name).append(')');
    }
    long affected = s.executeLargeUpdate(sql.toString());
    for (int id : ids) {
      live.set(id);
    }
    // affected = 1 per inserted row + 2 per changed row
    return fresh + (affected - fresh) / 2;
  }

  private long updateLiterals(Statement s) throws SQLException {
    List<Column> columns = someColumns(random.nextInt(1, 6));
    StringBuilder sql = new StringBuilder("UPDATE ").append(table(WIDE)).append(" SET ");
    for (int i = 0; i < columns.size(); i++) {
      Column c = columns.get(i);
      sql.append(i == 0 ? "" : ", ").append(c.name()).append(" = ").append(value(c));
    }
    sql.append(" WHERE id IN (").append(join(liveIds(random.nextInt(1, 30)))).append(')');
    return s.executeLargeUpdate(sql.toString());
  }

  /** An expression update over an id range: every row gets its own value. */
  private long updateRange(Statement s) throws SQLException {
    int from = randomLiveId();
    int to = from + random.nextInt(5, 80);
    String set =
        switch (random.nextInt(6)) {
          case 0 -> "c_small = (id * 7919) % 65536 - 32768, c_int_u = id * 40503";
          case 1 -> "c_dt6 = c_dt6 + INTERVAL id MICROSECOND, c_time3 = SEC_TO_TIME(id - 5000)";
          case 2 -> "c_varchar = LEFT(CONCAT(id, '😀', IFNULL(c_varchar, '')), 60)";
          case 3 -> "c_dec_18_9 = -id / 7, c_double = id / 3, c_float = -id / 9";
          case 4 -> "c_bit64 = id * 2654435761, c_set = id % 16, c_enum = 1 + id % 4";
          default -> "c_blob = UNHEX(SHA2(id, 256)), c_json = JSON_OBJECT('id', id, 'k', 'é😀')";
        };
    return s.executeLargeUpdate(
        "UPDATE " + table(WIDE) + " SET " + set + " WHERE id BETWEEN " + from + " AND " + to);
  }

  /** One statement that updates every live row: a big transaction of many rows events. */
  private long updateEverything(Statement s) throws SQLException {
    statements++;
    return s.executeLargeUpdate(
        "UPDATE " + table(WIDE) + " SET c_ts6 = " + timestamp().apply(random) + " WHERE id > 0");
  }

  private long delete(Statement s) throws SQLException {
    if (random.nextInt(3) == 0) {
      int from = randomLiveId();
      int to = from + random.nextInt(1, 60);
      live.clear(from, to + 1);
      return s.executeLargeUpdate(
          "DELETE FROM " + table(WIDE) + " WHERE id BETWEEN " + from + " AND " + to);
    }
    Set<Integer> ids = liveIds(random.nextInt(1, 20));
    for (int id : ids) {
      live.clear(id);
    }
    return s.executeLargeUpdate("DELETE FROM " + table(WIDE) + " WHERE id IN (" + join(ids) + ")");
  }

  /** A statement on the side table, so that table maps of two tables interleave. */
  private long side(Statement s) throws SQLException {
    int kind = random.nextInt(3);
    if (kind == 0 || sideLive.cardinality() < 20) {
      int n = random.nextInt(1, 30);
      StringBuilder sql = new StringBuilder("INSERT INTO ").append(table(SIDE)).append(" VALUES ");
      for (int i = 0; i < n; i++) {
        int id = nextSideId++;
        sideLive.set(id);
        sql.append(i == 0 ? "(" : ", (")
            .append(id)
            .append(", ")
            .append(nullable(text(LATIN1, 40)))
            .append(", ")
            .append(nullable(text(UTF8MB4, 40)))
            .append(", ")
            .append(nullable(decimal(12, 4)))
            .append(", ")
            .append(nullable(datetime()))
            .append(", ")
            .append(nullable(set(List.of("a", "b", "c"))))
            .append(')');
      }
      return s.executeLargeUpdate(sql.toString());
    }
    int from = sideLive.nextSetBit(random.nextInt(nextSideId));
    from = from < 0 ? sideLive.nextSetBit(0) : from;
    int to = from + random.nextInt(1, 30);
    if (kind == 1) {
      return s.executeLargeUpdate(
          "UPDATE "
              + table(SIDE)
              + " SET s_amount = -s_amount - id, s_note = "
              + text(UTF8MB4, 40).apply(random)
              + " WHERE id BETWEEN "
              + from
              + " AND "
              + to);
    }
    sideLive.clear(from, to + 1);
    return s.executeLargeUpdate(
        "DELETE FROM " + table(SIDE) + " WHERE id BETWEEN " + from + " AND " + to);
  }

  private String table(String name) {
    return schema + "." + name;
  }

  private String value(Column c) {
    return random.nextInt(12) == 0 ? "NULL" : c.values().apply(random);
  }

  private String nullable(Function<SplittableRandom, String> values) {
    return random.nextInt(8) == 0 ? "NULL" : values.apply(random);
  }

  private List<Column> someColumns(int n) {
    Set<Column> picked = new LinkedHashSet<>();
    while (picked.size() < n) {
      picked.add(COLUMNS.get(random.nextInt(COLUMNS.size())));
    }
    return List.copyOf(picked);
  }

  private int randomLiveId() {
    int id = live.nextSetBit(random.nextInt(nextId));
    return id < 0 ? live.nextSetBit(0) : id;
  }

  private Set<Integer> liveIds(int n) {
    Set<Integer> ids = new LinkedHashSet<>();
    for (int i = 0; i < n; i++) {
      ids.add(randomLiveId());
    }
    return ids;
  }

  private static String join(Set<Integer> ids) {
    StringBuilder b = new StringBuilder();
    for (int id : ids) {
      b.append(b.isEmpty() ? "" : ",").append(id);
    }
    return b.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // the columns and their values

  private static List<Column> columns() {
    List<Column> c = new ArrayList<>();
    c.add(new Column("c_tiny", "TINYINT", integer(-128, 127)));
    c.add(new Column("c_tiny_u", "TINYINT UNSIGNED", integer(0, 255)));
    c.add(new Column("c_small", "SMALLINT", integer(-32768, 32767)));
    c.add(new Column("c_small_u", "SMALLINT UNSIGNED", integer(0, 65535)));
    c.add(new Column("c_medium", "MEDIUMINT", integer(-8388608, 8388607)));
    c.add(new Column("c_medium_u", "MEDIUMINT UNSIGNED", integer(0, 16777215)));
    c.add(new Column("c_int", "INT", integer(Integer.MIN_VALUE, Integer.MAX_VALUE)));
    c.add(new Column("c_int_u", "INT UNSIGNED", integer(0, 4294967295L)));
    c.add(new Column("c_big", "BIGINT", integer(Long.MIN_VALUE, Long.MAX_VALUE)));
    c.add(new Column("c_big_u", "BIGINT UNSIGNED", unsignedBigint()));
    c.add(new Column("c_float", "FLOAT", floats()));
    c.add(new Column("c_double", "DOUBLE", doubles()));
    // MariaDB allows scales up to 38 (MySQL 30): DECIMAL(38,38) is MariaDB-only
    int[][] decimals = {
      {1, 0}, {4, 2}, {9, 0}, {10, 2}, {10, 10}, {18, 9}, {20, 0}, {27, 9}, {38, 38}, {65, 30},
      {65, 0}
    };
    for (int[] d : decimals) {
      c.add(
          new Column(
              "c_dec_" + d[0] + "_" + d[1],
              "DECIMAL(" + d[0] + "," + d[1] + ")",
              decimal(d[0], d[1])));
    }
    c.add(new Column("c_dec_u", "DECIMAL(10,2) UNSIGNED", decimal(10, 2)));
    c.add(new Column("c_year", "YEAR", year()));
    c.add(new Column("c_date", "DATE", date()));
    for (int fsp = 0; fsp <= 6; fsp++) {
      c.add(new Column("c_time" + fsp, "TIME(" + fsp + ")", time()));
      c.add(new Column("c_dt" + fsp, "DATETIME(" + fsp + ")", datetime()));
      c.add(new Column("c_ts" + fsp, "TIMESTAMP(" + fsp + ") NULL", timestamp()));
    }
    for (int bits : new int[] {1, 7, 8, 10, 33, 63, 64}) {
      c.add(new Column("c_bit" + bits, "BIT(" + bits + ")", bit(bits)));
    }
    List<String> sizes = List.of("small", "medium", "large", "x-large");
    c.add(new Column("c_enum", enumOrSet("ENUM", sizes), enumValue(sizes)));
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      many.add(String.format(Locale.ROOT, "e%03d", i));
    }
    c.add(new Column("c_enum_big", enumOrSet("ENUM", many), enumValue(many)));
    List<String> colours = List.of("red", "green", "blue", "it's");
    c.add(new Column("c_set", enumOrSet("SET", colours), set(colours)));
    List<String> flags = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      flags.add(String.format(Locale.ROOT, "f%02d", i));
    }
    c.add(new Column("c_set64", enumOrSet("SET", flags), set(flags)));
    c.add(new Column("c_char", "CHAR(10)", text(UTF8MB4, 10)));
    c.add(new Column("c_char_latin1", "CHAR(10) CHARACTER SET latin1", text(LATIN1, 10)));
    c.add(new Column("c_char_long", "CHAR(200)", text(UTF8MB4, 200)));
    c.add(new Column("c_char_gbk", "CHAR(12) CHARACTER SET gbk", text(GBK, 12)));
    c.add(new Column("c_char_utf32", "CHAR(5) CHARACTER SET utf32", text(UTF8MB4, 5)));
    c.add(new Column("c_varchar", "VARCHAR(60)", text(UTF8MB4, 60)));
    c.add(new Column("c_varchar_long", "VARCHAR(1000)", text(UTF8MB4, 1000)));
    c.add(new Column("c_varchar_latin1", "VARCHAR(60) CHARACTER SET latin1", text(LATIN1, 60)));
    c.add(
        new Column(
            "c_varchar_latin1_long", "VARCHAR(300) CHARACTER SET latin1", text(LATIN1, 300)));
    c.add(new Column("c_varchar_gbk", "VARCHAR(60) CHARACTER SET gbk", text(GBK, 60)));
    c.add(new Column("c_varchar_ujis", "VARCHAR(40) CHARACTER SET ujis", text(UJIS, 40)));
    c.add(new Column("c_varchar_utf16", "VARCHAR(30) CHARACTER SET utf16", text(UTF8MB4, 30)));
    c.add(new Column("c_binary", "BINARY(8)", bytes(8, 8)));
    c.add(new Column("c_binary_long", "BINARY(40)", bytes(40, 40)));
    c.add(new Column("c_varbinary", "VARBINARY(10)", bytes(10, 10)));
    c.add(new Column("c_varbinary_long", "VARBINARY(300)", bytes(300, 300)));
    c.add(new Column("c_tinytext", "TINYTEXT", text(UTF8MB4, 60)));
    c.add(new Column("c_text", "TEXT", longText(200, 16000)));
    c.add(new Column("c_mediumtext", "MEDIUMTEXT", longText(100, 70000)));
    c.add(new Column("c_longtext", "LONGTEXT", longText(100, 100000)));
    c.add(new Column("c_text_latin1", "TEXT CHARACTER SET latin1", text(LATIN1, 300)));
    c.add(new Column("c_tinyblob", "TINYBLOB", bytes(40, 255)));
    c.add(new Column("c_blob", "BLOB", bytes(100, 65535)));
    c.add(new Column("c_mediumblob", "MEDIUMBLOB", bytes(100, 70000)));
    c.add(new Column("c_longblob", "LONGBLOB", bytes(100, 100000)));
    c.add(new Column("c_json", "JSON", json()));
    c.add(new Column("c_geometry", "GEOMETRY", geometry()));
    c.add(new Column("c_point", "POINT", point()));
    c.add(new Column("c_inet6", "INET6", inet6()));
    c.add(new Column("c_inet4", "INET4", inet4()));
    c.add(new Column("c_uuid", "UUID", uuid()));
    return List.copyOf(c);
  }

  private static String enumOrSet(String kind, List<String> labels) {
    List<String> quoted = new ArrayList<>();
    for (String l : labels) {
      quoted.add(quote(l));
    }
    return kind + "(" + String.join(",", quoted) + ")";
  }

  private static Function<SplittableRandom, String> integer(long min, long max) {
    return r ->
        switch (r.nextInt(10)) {
          case 0 -> Long.toString(min);
          case 1 -> Long.toString(max);
          case 2 -> "0";
          case 3 -> Long.toString(Math.max(min, r.nextLong(-1000, 1001)));
          default -> {
            long v = r.nextLong() >> r.nextInt(64); // every magnitude
            if (v < min || v > max) {
              v = max == Long.MAX_VALUE ? v : min + Math.floorMod(v, max - min + 1);
            }
            yield Long.toString(v);
          }
        };
  }

  private static Function<SplittableRandom, String> unsignedBigint() {
    return r ->
        switch (r.nextInt(8)) {
          case 0 -> "18446744073709551615";
          case 1 -> "9223372036854775808";
          case 2 -> "0";
          default -> Long.toUnsignedString(r.nextLong() >>> r.nextInt(64));
        };
  }

  private static Function<SplittableRandom, String> floats() {
    String[] edges = {"3.40282e38", "-3.40282e38", "1.17549e-38", "-1.4e-45", "0", "-0", "1"};
    return r -> {
      if (r.nextInt(6) == 0) {
        return edges[r.nextInt(edges.length)];
      }
      if (r.nextBoolean()) {
        return Float.toString((float) r.nextDouble(-1e6, 1e6));
      }
      float f;
      do {
        f = Float.intBitsToFloat(r.nextInt());
      } while (!Float.isFinite(f) || Math.abs(f) > 3.4e38f);
      return Float.toString(f);
    };
  }

  private static Function<SplittableRandom, String> doubles() {
    String[] edges = {
      "1.7976931348623157e308", "-1.7976931348623157e308", "2.2250738585072014e-308", "-0", "0"
    };
    return r -> {
      if (r.nextInt(6) == 0) {
        return edges[r.nextInt(edges.length)];
      }
      if (r.nextBoolean()) {
        return Double.toString(r.nextDouble(-1e9, 1e9));
      }
      double d;
      do {
        d = Double.longBitsToDouble(r.nextLong());
      } while (!Double.isFinite(d) || Math.abs(d) < 1e-300);
      return Double.toString(d);
    };
  }

  static Function<SplittableRandom, String> decimal(int precision, int scale) {
    int integer = precision - scale;
    return r -> {
      String sign = r.nextInt(5) < 2 ? "-" : "";
      String intPart;
      String fraction;
      switch (r.nextInt(8)) {
        case 0 -> { // the largest magnitude
          intPart = integer == 0 ? "0" : "9".repeat(integer);
          fraction = "9".repeat(scale);
        }
        case 1 -> { // the smallest non-zero magnitude
          intPart = scale == 0 ? "1" : "0";
          fraction = scale == 0 ? "" : "0".repeat(scale - 1) + "1";
        }
        case 2 -> {
          intPart = "0";
          fraction = "0".repeat(scale);
        }
        default -> {
          intPart = integer == 0 ? "0" : digits(r, r.nextInt(1, integer + 1));
          fraction = digits(r, scale);
        }
      }
      return sign + intPart + (scale == 0 ? "" : "." + fraction);
    };
  }

  private static String digits(SplittableRandom r, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append((char) ('0' + r.nextInt(10)));
    }
    return b.toString();
  }

  private static Function<SplittableRandom, String> year() {
    return r ->
        switch (r.nextInt(8)) {
          case 0 -> "0";
          case 1 -> "1901";
          case 2 -> "2155";
          default -> Integer.toString(r.nextInt(1901, 2156));
        };
  }

  private static final long FIRST_DAY = LocalDate.of(1000, 1, 1).toEpochDay();
  private static final long LAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

  private static Function<SplittableRandom, String> date() {
    String[] edges = {
      "0000-00-00",
      "1000-01-01",
      "9999-12-31",
      "2024-00-00",
      "2024-05-00",
      "0000-03-15",
      "1582-10-15",
      "2024-02-29"
    };
    return r ->
        quote(
            r.nextInt(5) == 0
                ? edges[r.nextInt(edges.length)]
                : LocalDate.ofEpochDay(r.nextLong(FIRST_DAY, LAST_DAY + 1)).toString());
  }

  private static Function<SplittableRandom, String> time() {
    String[] edges = {
      "-838:59:59",
      "838:59:59",
      "838:59:59.999999",
      "-838:59:59.999999",
      "00:00:00",
      "-00:00:00.000001",
      "-00:00:01",
      "23:59:59.5"
    };
    return r -> {
      if (r.nextInt(6) == 0) {
        return quote(edges[r.nextInt(edges.length)]);
      }
      int hours = r.nextInt(4) == 0 ? r.nextInt(839) : r.nextInt(24);
      return quote(
          String.format(
              Locale.ROOT,
              "%s%d:%02d:%02d.%06d",
              r.nextInt(3) == 0 ? "-" : "",
              hours,
              r.nextInt(60),
              r.nextInt(60),
              micros(r)));
    };
  }

  private static int micros(SplittableRandom r) {
    return switch (r.nextInt(4)) {
      case 0 -> 0;
      case 1 -> r.nextInt(1, 10);
      default -> r.nextInt(1_000_000);
    };
  }

  static Function<SplittableRandom, String> datetime() {
    String[] edges = {
      "0000-00-00 00:00:00",
      "1000-01-01 00:00:00",
      "9999-12-31 23:59:59.999999",
      "2020-00-00 00:00:00.5",
      "2024-05-00 10:00:00",
      "0000-01-01 00:00:01",
      "2024-02-29 12:00:00.25"
    };
    return r -> {
      if (r.nextInt(6) == 0) {
        return quote(edges[r.nextInt(edges.length)]);
      }
      LocalDateTime t =
          LocalDate.ofEpochDay(r.nextLong(FIRST_DAY, LAST_DAY + 1))
              .atStartOfDay()
              .plusSeconds(r.nextInt(86400));
      return quote(String.format(Locale.ROOT, "%s.%06d", text(t), micros(r)));
    };
  }

  private static Function<SplittableRandom, String> timestamp() {
    String[] edges = {
      "0000-00-00 00:00:00", "1970-01-01 00:00:01", "2038-01-19 03:14:07.999999",
    };
    return r -> {
      if (r.nextInt(6) == 0) {
        return quote(edges[r.nextInt(edges.length)]);
      }
      LocalDateTime t = LocalDateTime.ofEpochSecond(r.nextLong(1, 1L << 31), 0, ZoneOffset.UTC);
      return quote(String.format(Locale.ROOT, "%s.%06d", text(t), micros(r)));
    };
  }

  private static String text(LocalDateTime t) {
    return String.format(
        Locale.ROOT,
        "%04d-%02d-%02d %02d:%02d:%02d",
        t.getYear(),
        t.getMonthValue(),
        t.getDayOfMonth(),
        t.getHour(),
        t.getMinute(),
        t.getSecond());
  }

  private static Function<SplittableRandom, String> bit(int bits) {
    long mask = bits == 64 ? -1L : (1L << bits) - 1;
    return r ->
        "b'"
            + switch (r.nextInt(6)) {
              case 0 -> "0";
              case 1 -> Long.toBinaryString(mask);
              default -> Long.toBinaryString((r.nextLong() >>> r.nextInt(64)) & mask);
            }
            + "'";
  }

  private static Function<SplittableRandom, String> enumValue(List<String> labels) {
    // '' is not a label: in sql_mode='' it stores the error value, index 0
    return r -> r.nextInt(15) == 0 ? "''" : quote(labels.get(r.nextInt(labels.size())));
  }

  private static Function<SplittableRandom, String> set(List<String> labels) {
    return r -> {
      List<String> members = new ArrayList<>();
      int density = r.nextInt(1, 4);
      for (String l : labels) {
        if (r.nextInt(density * 2) == 0) {
          members.add(l);
        }
      }
      return quote(String.join(",", members));
    };
  }

  // alphabets (code points) each character set can store
  private static final int[] UTF8MB4 =
      codePoints("abcdefXYZ0189 _%'\"\\\t\né€ßÀ汉字中😀𝄞🎉\u0000\u00a0ü𐍈");
  private static final int[] LATIN1 = codePoints("abcdefXYZ0189 _%'\"\\\tÀÉÎõüß€ŠŽœ¤ÿ\u00a0");
  private static final int[] GBK = codePoints("abcdXYZ09 '\\中文汉字长订单编号");
  private static final int[] UJIS = codePoints("abcdXYZ09 '\\日本語かなカナ漢字");

  /**
   * Every column of the wide table after {@code id INT PRIMARY KEY} (declared after the constants
   * its generators use, which static initialization needs first).
   */
  static final List<Column> COLUMNS = columns();

  private static int[] codePoints(String s) {
    return s.codePoints().toArray();
  }

  static Function<SplittableRandom, String> text(int[] alphabet, int maxChars) {
    return r -> quote(randomText(r, alphabet, length(r, maxChars)));
  }

  private static int length(SplittableRandom r, int max) {
    return switch (r.nextInt(12)) {
      case 0 -> 0;
      case 1 -> max;
      case 2 -> r.nextInt(max + 1);
      default -> r.nextInt(Math.min(max, 24) + 1);
    };
  }

  private static String randomText(SplittableRandom r, int[] alphabet, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.appendCodePoint(alphabet[r.nextInt(alphabet.length)]);
    }
    return b.toString();
  }

  /** TEXT-like values: usually short, now and then up to {@code rareMax} characters. */
  private static Function<SplittableRandom, String> longText(int usualMax, int rareMax) {
    return r -> {
      if (r.nextInt(800) == 0) {
        String unit = randomText(r, UTF8MB4, 7);
        return "REPEAT(" + quote(unit) + ", " + r.nextInt(rareMax / 14, rareMax / 7) + ")";
      }
      return quote(randomText(r, UTF8MB4, length(r, usualMax)));
    };
  }

  /** Byte strings: usually up to {@code usualMax} bytes, now and then up to {@code rareMax}. */
  private static Function<SplittableRandom, String> bytes(int usualMax, int rareMax) {
    return r -> {
      if (rareMax > usualMax && r.nextInt(800) == 0) {
        byte[] unit = new byte[8];
        r.nextBytes(unit);
        return "REPEAT(X'"
            + HexFormat.of().formatHex(unit)
            + "', "
            + r.nextInt(usualMax / 8, rareMax / 8 + 1)
            + ")";
      }
      byte[] b = new byte[length(r, usualMax)];
      switch (r.nextInt(5)) {
        case 0 -> {} // zeros, trailing ones included
        case 1 -> java.util.Arrays.fill(b, (byte) 0xff);
        default -> {
          r.nextBytes(b);
          if (b.length > 1 && r.nextBoolean()) {
            b[b.length - 1] = 0; // a trailing zero byte
          }
        }
      }
      return "X'" + HexFormat.of().formatHex(b) + "'";
    };
  }

  private static Function<SplittableRandom, String> json() {
    return r -> quote(jsonValue(r, r.nextInt(4) == 0 ? 0 : 3));
  }

  private static String jsonValue(SplittableRandom r, int depth) {
    int kind = r.nextInt(depth > 0 ? 10 : 7);
    String space = r.nextInt(4) == 0 ? " " : "";
    return switch (kind) {
      case 0 -> "null";
      case 1 -> r.nextBoolean() ? "true" : "false";
      case 2 -> Long.toString(r.nextLong() >> r.nextInt(64));
      case 3 -> r.nextBoolean() ? "18446744073709551615" : "-0.5e-7";
      case 4 -> Double.toString(r.nextDouble(-1e6, 1e6));
      case 5, 6 -> jsonString(r);
      case 7 -> {
        List<String> items = new ArrayList<>();
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
          items.add(jsonValue(r, depth - 1));
        }
        yield "[" + String.join("," + space, items) + "]";
      }
      default -> {
        List<String> members = new ArrayList<>();
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
          members.add(jsonString(r) + ":" + space + jsonValue(r, depth - 1));
        }
        yield "{" + String.join("," + space, members) + "}";
      }
    };
  }

  private static String jsonString(SplittableRandom r) {
    StringBuilder b = new StringBuilder("\"");
    int n = r.nextInt(12);
    for (int i = 0; i < n; i++) {
      switch (r.nextInt(12)) {
        case 0 -> b.append("\\\"");
        case 1 -> b.append("\\\\");
        case 2 -> b.append("\\n");
        case 3 -> b.append("\\u00e9");
        case 4 -> b.append("😀");
        case 5 -> b.append("订");
        default -> b.append((char) ('a' + r.nextInt(26)));
      }
    }
    return b.append('"').toString();
  }

  private static String coordinate(SplittableRandom r) {
    return Double.toString(r.nextInt(-1_000_000, 1_000_000) / 1000.0);
  }

  private static String pointText(SplittableRandom r) {
    return coordinate(r) + " " + coordinate(r);
  }

  private static Function<SplittableRandom, String> geometry() {
    return r -> {
      String wkt =
          switch (r.nextInt(4)) {
            case 0 -> "POINT(" + pointText(r) + ")";
            case 1 -> "LINESTRING(" + pointText(r) + ", " + pointText(r) + ")";
            case 2 -> "POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))";
            default ->
                "MULTIPOINT(" + pointText(r) + ", " + pointText(r) + ", " + pointText(r) + ")";
          };
      return "ST_GeomFromText('" + wkt + "'" + (r.nextInt(4) == 0 ? ", 4326)" : ")");
    };
  }

  private static Function<SplittableRandom, String> point() {
    return r -> "ST_PointFromText('POINT(" + pointText(r) + ")')";
  }

  private static Function<SplittableRandom, String> inet6() {
    String[] edges = {"::", "::1", "::ffff:192.0.2.1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"};
    return r -> {
      if (r.nextInt(5) == 0) {
        return quote(edges[r.nextInt(edges.length)]);
      }
      List<String> groups = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        groups.add(Integer.toHexString(r.nextInt(1 << 16)));
      }
      return quote(String.join(":", groups));
    };
  }

  private static Function<SplittableRandom, String> inet4() {
    return r ->
        quote(
            r.nextInt(5) == 0
                ? "255.255.255.255"
                : r.nextInt(256)
                    + "."
                    + r.nextInt(256)
                    + "."
                    + r.nextInt(256)
                    + "."
                    + r.nextInt(256));
  }

  private static Function<SplittableRandom, String> uuid() {
    return r ->
        quote(
            r.nextInt(10) == 0
                ? "00000000-0000-0000-0000-000000000000"
                : new UUID(r.nextLong(), r.nextLong()).toString());
  }

  /** A string literal for a session without NO_BACKSLASH_ESCAPES. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('\'');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '\\' -> b.append("\\\\");
        case '\'' -> b.append("\\'");
        case '\u0000' -> b.append("\\0");
        default -> b.append(ch);
      }
    }
    return b.append('\'').toString();
  }
}
