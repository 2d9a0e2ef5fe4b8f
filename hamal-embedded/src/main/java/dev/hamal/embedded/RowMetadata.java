package dev.hamal.embedded;

/**
 * How much table metadata a server writes into its binlog's TABLE_MAP events ({@code
 * binlog_row_metadata}, MariaDB 10.5+).
 */
public enum RowMetadata {
  /** Column names, character sets, primary key, enum/set values: everything a reader needs. */
  FULL,
  /** Only signedness, character sets and geometry types; column names come from elsewhere. */
  MINIMAL
}
