package dev.hamal.binlog;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Optional;

/**
 * The column values of one row as one rows event carried them: the whole row (FULL image) or only
 * some columns (MINIMAL and NOBLOB images, see {@link #isPresent}). Values are decoded on a worker
 * thread before the image is handed out; reading them does not decode again.
 *
 * <p>Which accessor fits which column is listed in {@link ColumnType}. An accessor used on a column
 * of another kind, a NULL or an absent column throws {@link IllegalStateException} naming the
 * column. Images are immutable and safe to share between threads; arrays returned by {@link
 * #getBytes} must not be modified.
 */
public interface RowImage {

  /** The table the row belongs to, with its columns as known at this row's position. */
  BinlogTable table();

  /** Number of columns of the table (present or not). */
  int columnCount();

  /** Whether the image carries this column (always true for FULL images). */
  boolean isPresent(int column);

  /** Whether the column is present and SQL NULL. */
  boolean isNull(int column);

  /**
   * Integers, YEAR, BIT, ENUM index, SET mask, TIMESTAMP and TIME in microseconds, DATE and
   * DATETIME packed as {@link DateTimes} describes.
   */
  long getLong(int column);

  /** FLOAT and DOUBLE. */
  double getDouble(int column);

  /** DECIMAL. */
  BigDecimal getDecimal(int column);

  /** CHAR, VARCHAR, TEXT and JSON (MySQL binary JSON is converted to JSON text). */
  String getString(int column);

  /** BINARY, VARBINARY, BLOB, GEOMETRY, VECTOR; text columns of unknown character set. */
  byte[] getBytes(int column);

  /** DATE and DATETIME; empty for zero and partly zero dates ({@code 2024-00-00}). */
  Optional<LocalDateTime> getDateTime(int column);

  /** DATE; empty for zero and partly zero dates. */
  default Optional<LocalDate> getDate(int column) {
    return getDateTime(column).map(LocalDateTime::toLocalDate);
  }

  /** TIMESTAMP as an instant ({@link Instant#EPOCH} for the zero timestamp). */
  default Instant getTimestamp(int column) {
    long micros = getLong(column);
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  /** TIME as a signed duration. */
  default Duration getTime(int column) {
    long micros = getLong(column);
    return Duration.ofSeconds(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  /**
   * Hands every column the image carries to the visitor, in ordinal order, without allocating: the
   * fast path for reading whole rows.
   */
  void accept(ValueVisitor visitor);

  /**
   * The value as a Java object (see {@link ColumnType} for the classes); throws when the column is
   * NULL or absent.
   */
  Object getValue(int column);

  /**
   * The value as MySQL prints it: numbers and strings as themselves, temporal values in MySQL's
   * format with the column's fractional digits ({@code 2024-01-02 03:04:05.120}, {@code -12:00:01},
   * {@code 0000-00-00}), SET as comma-separated labels, BIT as its number; bytes as lower-case hex.
   * Throws when the column is NULL or absent.
   */
  String getText(int column);
}
