package dev.hamal.binlog;

/**
 * Receives the decoded values of a {@link RowImage}, column by column in ordinal order, without any
 * allocation: the fastest way to read a whole row (see {@link RowImage#accept}). Columns the image
 * does not carry (MINIMAL and NOBLOB images) are skipped. Which callback a column gets depends on
 * its {@link ColumnType}:
 *
 * <ul>
 *   <li>{@link #longValue}: integers (BIGINT UNSIGNED as its two's complement bits), YEAR, BIT,
 *       ENUM index, SET mask, TIMESTAMP and TIME in microseconds, and DATE and DATETIME packed as
 *       {@link DateTimes} describes;
 *   <li>{@link #doubleValue}: FLOAT and DOUBLE;
 *   <li>{@link #decimalValue}: DECIMAL of up to 18 digits, as unscaled value and scale;
 *   <li>{@link #objectValue}: wider DECIMAL ({@code BigDecimal}), text ({@code String}) and bytes
 *       ({@code byte[]}, not to be modified).
 * </ul>
 */
public interface ValueVisitor {
  void nullValue(int column);

  void longValue(int column, long value);

  void doubleValue(int column, double value);

  void decimalValue(int column, long unscaled, int scale);

  void objectValue(int column, Object value);
}
