package dev.hamal.binlog;

/**
 * The SQL type of a column as far as the binlog tells it, refined by the table map's optional
 * metadata or the schema history (TEXT versus BLOB, for instance, differ only in their character
 * set). It decides which {@link RowImage} accessor reads a value:
 *
 * <table>
 *   <caption>Accessors by type</caption>
 *   <tr><th>type</th><th>{@link RowImage#getLong}</th><th>{@link RowImage#getValue} returns</th></tr>
 *   <tr><td>TINYINT..BIGINT</td><td>the value (two's complement bits for BIGINT UNSIGNED)</td>
 *       <td>{@code Long}; {@code BigInteger} for BIGINT UNSIGNED</td></tr>
 *   <tr><td>FLOAT, DOUBLE</td><td>-</td><td>{@code Float}, {@code Double}</td></tr>
 *   <tr><td>DECIMAL</td><td>-</td><td>{@code BigDecimal}</td></tr>
 *   <tr><td>YEAR</td><td>the year, 0 for the zero year</td><td>{@code Integer}</td></tr>
 *   <tr><td>DATE, DATETIME</td><td>packed, see {@link DateTimes}</td><td>{@code LocalDate},
 *       {@code LocalDateTime}, or
 *       MySQL's text for zero and partly zero dates</td></tr>
 *   <tr><td>TIMESTAMP</td><td>microseconds since the epoch, 0 for the zero timestamp</td>
 *       <td>{@code Instant}</td></tr>
 *   <tr><td>TIME</td><td>signed microseconds</td><td>{@code Duration}</td></tr>
 *   <tr><td>BIT</td><td>the bits</td><td>{@code Long}</td></tr>
 *   <tr><td>ENUM</td><td>the 1-based index, 0 for the empty error value</td>
 *       <td>the label, or the index as {@code Integer} when labels are unknown</td></tr>
 *   <tr><td>SET</td><td>the bit mask</td>
 *       <td>comma-separated labels, or the mask as {@code Long} when labels are unknown</td></tr>
 *   <tr><td>CHAR, VARCHAR, TEXT, JSON</td><td>-</td><td>{@code String}</td></tr>
 *   <tr><td>BINARY, VARBINARY, BLOB, GEOMETRY, VECTOR</td><td>-</td><td>{@code byte[]}</td></tr>
 * </table>
 */
public enum ColumnType {
  TINYINT,
  SMALLINT,
  MEDIUMINT,
  INT,
  BIGINT,
  FLOAT,
  DOUBLE,
  DECIMAL,
  YEAR,
  DATE,
  TIME,
  DATETIME,
  TIMESTAMP,
  BIT,
  ENUM,
  SET,
  CHAR,
  VARCHAR,
  TEXT,
  BINARY,
  VARBINARY,
  BLOB,
  JSON,
  GEOMETRY,
  VECTOR,
  /** A column whose values are always NULL (MYSQL_TYPE_NULL). */
  NULL;

  /** Whether values are integers read with {@link RowImage#getLong}. */
  public boolean isInteger() {
    return ordinal() <= BIGINT.ordinal();
  }

  /** Whether values are text read with {@link RowImage#getString}. */
  public boolean isText() {
    return this == CHAR || this == VARCHAR || this == TEXT || this == JSON;
  }

  /** Whether values are bytes read with {@link RowImage#getBytes}. */
  public boolean isBytes() {
    return this == BINARY
        || this == VARBINARY
        || this == BLOB
        || this == GEOMETRY
        || this == VECTOR;
  }
}
