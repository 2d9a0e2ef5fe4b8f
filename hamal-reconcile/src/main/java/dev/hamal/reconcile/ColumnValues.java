package dev.hamal.reconcile;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.zone.ZoneOffsetTransition;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads JDBC values as the Java types the listener hands to a business line (see {@link
 * dev.hamal.order.SourceRow}), so a row read here maps to exactly the order the listener would have
 * published for the same row.
 *
 * <p>Temporal values are read as the server's text and parsed here, never through the driver's
 * time-zone handling: DATETIME and DATE become {@link LocalDateTime} and {@link LocalDate} (the
 * business line reads them in its zone), TIMESTAMP becomes an {@link Instant} (the session's zone
 * is UTC), TIME within a day a {@link LocalTime}. Zero and partly zero dates stay text, and the
 * zero TIMESTAMP is {@link Instant#EPOCH}, as in the listener. Integers are {@link Long}, unsigned
 * BIGINT values above {@link Long#MAX_VALUE} {@link BigInteger}; YEAR is an {@link Integer}, BIT a
 * {@link Long}; ENUM and SET are their labels.
 */
final class ColumnValues {
  private static final DateTimeFormatter BOUND =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT);

  private ColumnValues() {}

  /** How a column's values are read. */
  enum Kind {
    INTEGER,
    UNSIGNED_BIGINT,
    YEAR,
    BIT,
    DECIMAL,
    FLOAT,
    DOUBLE,
    TEXT,
    BINARY,
    DATE,
    DATETIME,
    TIMESTAMP,
    TIME
  }

  /** The kind of a column from {@code information_schema.COLUMNS} DATA_TYPE and COLUMN_TYPE. */
  static Kind kindOf(String dataType, String columnType) {
    String type = dataType.toLowerCase(Locale.ROOT);
    boolean unsigned = columnType.toLowerCase(Locale.ROOT).contains("unsigned");
    return switch (type) {
      case "tinyint", "smallint", "mediumint", "int", "integer" -> Kind.INTEGER;
      case "bigint" -> unsigned ? Kind.UNSIGNED_BIGINT : Kind.INTEGER;
      case "year" -> Kind.YEAR;
      case "bit" -> Kind.BIT;
      case "decimal", "numeric" -> Kind.DECIMAL;
      case "float" -> Kind.FLOAT;
      case "double", "real", "double precision" -> Kind.DOUBLE;
      case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "geometry" ->
          Kind.BINARY;
      case "date" -> Kind.DATE;
      case "datetime" -> Kind.DATETIME;
      case "timestamp" -> Kind.TIMESTAMP;
      case "time" -> Kind.TIME;
      default -> Kind.TEXT; // char, varchar, *text, enum, set, json (longtext on MariaDB)
    };
  }

  /**
   * A window bound in the created-at column's terms, as the text the server compares with: the
   * local date-time in {@code zone} for DATETIME and DATE columns, UTC for TIMESTAMP (the session's
   * zone).
   */
  static String bound(Kind kind, Instant instant, ZoneId zone) {
    ZoneId in = kind == Kind.TIMESTAMP ? ZoneOffset.UTC : zone;
    return BOUND.format(LocalDateTime.ofInstant(instant, in));
  }

  /**
   * An inclusive upper bound in the created-at column's terms for rows whose instant is at most
   * {@code instant}: {@link #bound} moved, for a DATETIME or DATE column, to the end of a repeated
   * local hour when {@code instant} falls in its second pass. A business line reads a repeated
   * local time as its first pass (the earlier offset), so every local time of that hour is at or
   * before {@code instant}. Lower bounds need no such care: {@link #bound} is exact for them.
   */
  static String upperBound(Kind kind, Instant instant, ZoneId zone) {
    if (kind == Kind.TIMESTAMP) {
      return bound(kind, instant, zone);
    }
    LocalDateTime local = LocalDateTime.ofInstant(instant, zone);
    ZoneOffsetTransition transition = zone.getRules().getTransition(local);
    if (transition != null
        && transition.isOverlap()
        && transition.getDateTimeBefore().isAfter(local)) {
      local = transition.getDateTimeBefore();
    }
    return BOUND.format(local);
  }

  /**
   * A statement parameter that equals, in SQL, every value of a column of this kind whose text (as
   * a business line renders it: integers and decimals in plain notation, bytes as UTF-8) is {@code
   * text}; empty when no value of the column has that text (a letter for an integer column, {@code
   * 007}). For text columns the comparison follows the column's collation and may also match other
   * spellings ({@code ABC} for {@code abc}): callers check the mapped result.
   */
  static Optional<Object> parameterFor(Kind kind, String text) {
    return switch (kind) {
      case INTEGER, BIT, YEAR -> canonicalLong(text).map(n -> (Object) n);
      case UNSIGNED_BIGINT ->
          canonicalInteger(text).filter(n -> n.signum() >= 0).map(BigDecimal::new);
      case DECIMAL -> plainDecimal(text).map(d -> (Object) d);
      case BINARY -> Optional.of(text.getBytes(StandardCharsets.UTF_8));
      case FLOAT, DOUBLE, TEXT, DATE, DATETIME, TIMESTAMP, TIME -> Optional.of(text);
    };
  }

  private static Optional<Long> canonicalLong(String text) {
    return canonicalInteger(text).filter(n -> n.bitLength() < 64).map(BigInteger::longValue);
  }

  private static Optional<BigInteger> canonicalInteger(String text) {
    if (text.isEmpty() || text.length() > 40) {
      return Optional.empty();
    }
    try {
      BigInteger n = new BigInteger(text);
      return n.toString().equals(text) ? Optional.of(n) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<BigDecimal> plainDecimal(String text) {
    if (text.isEmpty() || text.length() > 80) {
      return Optional.empty();
    }
    try {
      BigDecimal d = new BigDecimal(text);
      return d.toPlainString().equals(text) ? Optional.of(d) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The value of column {@code index} of the current row; {@code null} for SQL NULL. */
  static Object read(ResultSet row, int index, Kind kind) throws SQLException {
    Object value =
        switch (kind) {
          case INTEGER -> row.getLong(index);
          case UNSIGNED_BIGINT -> unsigned(row.getString(index));
          case YEAR -> row.getInt(index);
          case BIT -> bits(row.getBytes(index));
          case DECIMAL -> row.getBigDecimal(index);
          case FLOAT -> row.getFloat(index);
          case DOUBLE -> row.getDouble(index);
          case TEXT -> row.getString(index);
          case BINARY -> row.getBytes(index);
          case DATE -> date(row.getString(index));
          case DATETIME -> dateTime(row.getString(index));
          case TIMESTAMP -> timestamp(row.getString(index));
          case TIME -> time(row.getString(index));
        };
    return row.wasNull() ? null : value;
  }

  private static Object unsigned(String text) {
    if (text == null) {
      return null;
    }
    BigInteger value = new BigInteger(text);
    return value.bitLength() < 64 ? (Object) value.longValue() : value;
  }

  private static Object bits(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    long value = 0;
    for (byte b : bytes) {
      value = (value << 8) | (b & 0xFF);
    }
    return value;
  }

  private static Object date(String text) {
    if (text == null) {
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      return text; // a zero or partly zero date, as the listener gives it
    }
  }

  private static Object dateTime(String text) {
    if (text == null) {
      return null;
    }
    try {
      return LocalDateTime.parse(text.replace(' ', 'T'));
    } catch (DateTimeParseException e) {
      return text;
    }
  }

  private static Object timestamp(String text) {
    if (text == null) {
      return null;
    }
    if (text.startsWith("0000-00-00")) {
      return Instant.EPOCH;
    }
    return LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
  }

  private static Object time(String text) {
    if (text == null) {
      return null;
    }
    if (text.startsWith("-")) {
      return text;
    }
    try {
      return LocalTime.parse(text);
    } catch (DateTimeParseException e) {
      return text; // 24 hours or more, as the listener gives it
    }
  }
}
