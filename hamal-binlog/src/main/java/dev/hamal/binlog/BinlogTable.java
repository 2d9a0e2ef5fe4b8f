package dev.hamal.binlog;

import java.util.List;

/**
 * A table as a rows event sees it: its name and, per column, the type from the table map with the
 * name, signedness, character set and labels from the binlog's optional metadata or the schema
 * history. Immutable; one instance serves every row of the table until its table map or schema
 * changes.
 */
public interface BinlogTable {
  TableName name();

  int columnCount();

  /** Column name; {@code @1}, {@code @2}, ... when the name is unknown. */
  String columnName(int column);

  ColumnType columnType(int column);

  /** Whether a numeric column is UNSIGNED (false when unknown). */
  boolean isUnsigned(int column);

  /** Fractional-second digits of a temporal column, the scale of a DECIMAL; 0 otherwise. */
  int scale(int column);

  /** Ordinal of the named column (case-insensitive), or -1. */
  int ordinalOf(String columnName);

  /** Ordinals of the primary key columns in key order; empty when unknown or none. */
  List<Integer> primaryKey();

  /** Whether the column names come from the binlog or the schema history (not placeholders). */
  boolean hasColumnNames();
}
