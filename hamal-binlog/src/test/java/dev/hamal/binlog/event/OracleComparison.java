package dev.hamal.binlog.event;

import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer.CompatibilityMode;
import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonBinary;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import dev.hamal.binlog.BinlogTable;
import dev.hamal.binlog.ColumnType;
import dev.hamal.binlog.RowImage;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares Hamal's decoding of rows with that of mysql-binlog-connector-java (the "oracle"), value
 * by value, for the same event bytes. Used by the unit tests on fixtures and by the live
 * differential test on a real server's stream.
 *
 * <p>The oracle is run with {@code DATE_AND_TIME_AS_LONG_MICRO}, {@code
 * CHAR_AND_BINARY_AS_BYTE_ARRAY} and {@code INVALID_DATE_AND_TIME_AS_MIN_VALUE}. Where the two
 * libraries legitimately differ, the comparison translates rather than skips:
 *
 * <ul>
 *   <li>integers: the oracle ignores signedness, so UNSIGNED values are compared as bit patterns of
 *       the column's width;
 *   <li>YEAR: the oracle adds 1900 to the stored 0 of the zero year;
 *   <li>CHAR/VARCHAR/TEXT: the oracle hands out bytes; they are decoded with the charset Hamal
 *       chose for the column and compared as strings (text columns) or compared as bytes;
 *   <li>DATE/DATETIME: the oracle's epoch microseconds (UTC) against Hamal's fields; zero and
 *       partly zero dates must be empty in Hamal where the oracle says {@link Long#MIN_VALUE}.
 * </ul>
 *
 * What the oracle cannot decode is not compared, and each such case is stated here: negative TIME
 * values (the oracle ignores the sign), dates before the Gregorian cutover of 1582-10-15 (the
 * oracle uses the Julian calendar there, Hamal the proleptic Gregorian one), and the NULL column
 * type.
 */
public final class OracleComparison {
  private OracleComparison() {}

  /** A mysql-binlog-connector-java deserializer over a stream of whole events. */
  public static final class Oracle {
    private final EventDeserializer deserializer = new EventDeserializer();

    public Oracle() {
      deserializer.setCompatibilityMode(
          CompatibilityMode.DATE_AND_TIME_AS_LONG_MICRO,
          CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY,
          CompatibilityMode.INVALID_DATE_AND_TIME_AS_MIN_VALUE);
    }

    /** Deserializes one whole event (feed the format description and table maps first). */
    public Event next(byte[] event) {
      try {
        return deserializer.nextEvent(new ByteArrayInputStream(event));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Deserializes the events in order and returns the last one's data. */
    public EventData dataOfLast(byte[]... events) {
      Event last = null;
      for (byte[] e : events) {
        last = next(e);
      }
      return last == null ? null : last.getData();
    }
  }

  /** One value on which the two decoders disagree. */
  public record Mismatch(int row, String image, int column, String what) {
    @Override
    public String toString() {
      return "row " + row + " " + image + " column " + (column + 1) + ": " + what;
    }
  }

  /**
   * Compares every row of a rows event: Hamal's {@link DecodedRows} against the oracle's {@link
   * WriteRowsEventData}, {@link UpdateRowsEventData} or {@link DeleteRowsEventData} of the same
   * bytes. Returns the mismatches (empty when the two agree).
   */
  public static List<Mismatch> compare(DecodedRows hamal, EventData oracle) {
    List<Mismatch> out = new ArrayList<>();
    switch (oracle) {
      case WriteRowsEventData w -> {
        rowCount(out, hamal.rowCount(), w.getRows().size());
        for (int r = 0; r < Math.min(hamal.rowCount(), w.getRows().size()); r++) {
          compareImage(out, r, "after", hamal.after(r), w.getIncludedColumns(), w.getRows().get(r));
        }
      }
      case DeleteRowsEventData d -> {
        rowCount(out, hamal.rowCount(), d.getRows().size());
        for (int r = 0; r < Math.min(hamal.rowCount(), d.getRows().size()); r++) {
          compareImage(
              out, r, "before", hamal.before(r), d.getIncludedColumns(), d.getRows().get(r));
        }
      }
      case UpdateRowsEventData u -> {
        List<Map.Entry<Serializable[], Serializable[]>> rows = u.getRows();
        rowCount(out, hamal.rowCount(), rows.size());
        for (int r = 0; r < Math.min(hamal.rowCount(), rows.size()); r++) {
          compareImage(
              out,
              r,
              "before",
              hamal.before(r),
              u.getIncludedColumnsBeforeUpdate(),
              rows.get(r).getKey());
          compareImage(
              out, r, "after", hamal.after(r), u.getIncludedColumns(), rows.get(r).getValue());
        }
      }
      default -> out.add(new Mismatch(-1, "-", -1, "oracle data is not rows: " + oracle));
    }
    return out;
  }

  private static void rowCount(List<Mismatch> out, int hamal, int oracle) {
    if (hamal != oracle) {
      out.add(new Mismatch(-1, "-", -1, "Hamal has " + hamal + " rows, the oracle " + oracle));
    }
  }

  /** Compares one image; {@code oracle} holds the values of the included columns only. */
  public static List<Mismatch> compareImage(
      RowImage hamal, BitSet included, Serializable[] oracle) {
    List<Mismatch> out = new ArrayList<>();
    compareImage(out, 0, "image", hamal, included, oracle);
    return out;
  }

  /** Throws an {@link AssertionError} listing every mismatch. */
  public static void assertSame(DecodedRows hamal, EventData oracle) {
    List<Mismatch> m = compare(hamal, oracle);
    if (!m.isEmpty()) {
      throw new AssertionError(
          "Hamal and the oracle disagree:\n  " + String.join("\n  ", lines(m)));
    }
  }

  private static List<String> lines(List<Mismatch> m) {
    List<String> out = new ArrayList<>();
    for (Mismatch x : m) {
      out.add(x.toString());
    }
    return out;
  }

  private static void compareImage(
      List<Mismatch> out,
      int row,
      String image,
      RowImage hamal,
      BitSet included,
      Serializable[] oracle) {
    int index = 0;
    for (int c = 0; c < hamal.columnCount(); c++) {
      boolean present = included.get(c);
      if (hamal.isPresent(c) != present) {
        out.add(
            new Mismatch(
                row, image, c, "present: Hamal " + hamal.isPresent(c) + ", oracle " + present));
        if (present) {
          index++;
        }
        continue;
      }
      if (!present) {
        continue;
      }
      Serializable o = index < oracle.length ? oracle[index] : null;
      index++;
      if (hamal.isNull(c) || o == null) {
        if (hamal.isNull(c) != (o == null)) {
          out.add(
              new Mismatch(
                  row, image, c, "NULL: Hamal " + hamal.isNull(c) + ", oracle " + (o == null)));
        }
        continue;
      }
      String problem;
      try {
        problem = compareValue(hamal, c, o);
      } catch (RuntimeException e) {
        problem = "Hamal threw " + e;
      }
      if (problem != null) {
        out.add(new Mismatch(row, image, c, problem));
      }
    }
  }

  /** Null when the values agree, else what differs. */
  static String compareValue(RowImage hamal, int c, Serializable o) {
    BinlogTable table = hamal.table();
    ColumnType type = table.columnType(c);
    switch (type) {
      case TINYINT, SMALLINT, MEDIUMINT, INT, BIGINT -> {
        int width =
            switch (type) {
              case TINYINT -> 1;
              case SMALLINT -> 2;
              case MEDIUMINT -> 3;
              case INT -> 4;
              default -> 8;
            };
        long raw = ((Number) o).longValue();
        long expected = table.isUnsigned(c) && width < 8 ? raw & ((1L << (8 * width)) - 1) : raw;
        return differ(hamal.getLong(c), expected);
      }
      case FLOAT -> {
        float h = (float) hamal.getDouble(c);
        return Float.compare(h, (Float) o) == 0 ? null : "Hamal " + h + ", oracle " + o;
      }
      case DOUBLE -> {
        double h = hamal.getDouble(c);
        return Double.compare(h, (Double) o) == 0 ? null : "Hamal " + h + ", oracle " + o;
      }
      case DECIMAL -> {
        BigDecimal h = hamal.getDecimal(c);
        return h.compareTo((BigDecimal) o) == 0 ? null : "Hamal " + h + ", oracle " + o;
      }
      case YEAR -> {
        long raw = ((Number) o).longValue();
        return differ(hamal.getLong(c), raw == 1900 ? 0 : raw);
      }
      case DATE, DATETIME -> {
        return compareDateTime(hamal, c, (Long) o);
      }
      case TIMESTAMP -> {
        return differ(hamal.getLong(c), (Long) o);
      }
      case TIME -> {
        long h = hamal.getLong(c);
        if (h < 0) {
          return null; // the oracle ignores the sign of TIME values
        }
        return differ(h, (Long) o);
      }
      case BIT -> {
        long[] words = ((BitSet) o).toLongArray();
        return differ(hamal.getLong(c), words.length == 0 ? 0 : words[0]);
      }
      case ENUM, SET -> {
        return differ(hamal.getLong(c), ((Number) o).longValue());
      }
      case CHAR, VARCHAR, TEXT -> {
        Charset cs = charsetOf(table, c);
        String expected = new String((byte[]) o, cs);
        String h = hamal.getString(c);
        return h.equals(expected) ? null : "Hamal '" + h + "', oracle '" + expected + "'";
      }
      case JSON -> {
        String h = hamal.getString(c);
        if (o instanceof byte[] b
            && table.columnType(c) == ColumnType.JSON
            && isBinaryJson(table, c)) {
          // Hamal prints binary JSON as MySQL does ({"a": 1}), the oracle compactly: compare the
          // values, as JsonBinaryOracleTest does
          String expected;
          try {
            expected = JsonBinary.parseAsString(b);
          } catch (IOException e) {
            return "the oracle cannot parse the JSON: " + e;
          }
          try {
            return JsonText.same(JsonText.parse(h), JsonText.parse(expected))
                ? null
                : "Hamal '" + h + "', oracle '" + expected + "'";
          } catch (IllegalArgumentException e) {
            return "not JSON: Hamal '"
                + h
                + "', oracle '"
                + expected
                + "' ("
                + e.getMessage()
                + ")";
          }
        }
        String expected = new String((byte[]) o, StandardCharsets.UTF_8);
        return h.equals(expected) ? null : "Hamal '" + h + "', oracle '" + expected + "'";
      }
      case BINARY, VARBINARY, BLOB, GEOMETRY, VECTOR -> {
        byte[] h = hamal.getBytes(c);
        byte[] expected = (byte[]) o;
        if (table.columnType(c) == ColumnType.BINARY && table instanceof TableDecoder plan) {
          // servers strip the trailing zero bytes of BINARY(n) when they log it; the column's
          // value (what SELECT returns) has them, and so does Hamal's
          expected = Arrays.copyOf(expected, Math.max(expected.length, plan.meta[c]));
        }
        return Arrays.equals(h, expected)
            ? null
            : "Hamal " + Arrays.toString(h) + ", oracle " + Arrays.toString(expected);
      }
      case NULL -> {
        return null; // the oracle has no decoder for MYSQL_TYPE_NULL
      }
    }
    return "no comparison for " + type;
  }

  private static boolean isBinaryJson(BinlogTable table, int c) {
    return table instanceof TableDecoder d && d.kind[c] == TableDecoder.K_JSON;
  }

  private static final LocalDateTime GREGORIAN_CUTOVER = LocalDateTime.of(1582, 10, 15, 0, 0);

  private static String compareDateTime(RowImage hamal, int c, long oracleMicros) {
    Optional<LocalDateTime> h = hamal.getDateTime(c);
    if (oracleMicros == Long.MIN_VALUE) {
      if (h.isPresent() && h.get().getYear() == 0) {
        return null; // the oracle calls an old DATETIME of year 0 invalid; it has months and days
      }
      return h.isEmpty() ? null : "Hamal " + h.get() + ", oracle: a zero date";
    }
    if (h.isEmpty()) {
      String text = hamal.getText(c);
      if (isImpossibleCalendarDate(text)) {
        return null; // e.g. 2023-02-30 (ALLOW_INVALID_DATES); the oracle rolls it over
      }
      return "Hamal has no date (" + text + "), oracle " + oracleMicros + " µs";
    }
    if (h.get().isBefore(GREGORIAN_CUTOVER)) {
      return null; // the oracle uses the Julian calendar before the cutover
    }
    long micros = h.get().toEpochSecond(ZoneOffset.UTC) * 1_000_000L + h.get().getNano() / 1000;
    return differ(micros, oracleMicros);
  }

  /** A {@code YYYY-MM-DD...} text with a real month but a day past the month's end. */
  private static boolean isImpossibleCalendarDate(String text) {
    int year = Integer.parseInt(text.substring(0, 4));
    int month = Integer.parseInt(text.substring(5, 7));
    int day = Integer.parseInt(text.substring(8, 10));
    return month >= 1
        && month <= 12
        && day > java.time.YearMonth.of(Math.max(year, 1), month).lengthOfMonth();
  }

  private static String differ(long hamal, long oracle) {
    return hamal == oracle ? null : "Hamal " + hamal + ", oracle " + oracle;
  }

  /** The charset Hamal decodes a text column with (UTF-8 for tables that do not say). */
  static Charset charsetOf(BinlogTable table, int c) {
    if (table instanceof TableDecoder d && d.charsets[c] != null) {
      return d.charsets[c];
    }
    return StandardCharsets.UTF_8;
  }
}
