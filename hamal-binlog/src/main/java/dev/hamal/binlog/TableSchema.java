package dev.hamal.binlog;

import java.util.List;
import java.util.Objects;

/**
 * The columns of a table at one point of the binlog, in definition order.
 *
 * @param name the table
 * @param columns columns in ordinal order; the binlog's rows carry values in this order
 * @param primaryKey names of the primary key columns in key order; empty when there is none
 */
public record TableSchema(TableName name, List<ColumnSchema> columns, List<String> primaryKey) {

  public TableSchema {
    Objects.requireNonNull(name, "name");
    columns = List.copyOf(columns);
    primaryKey = List.copyOf(primaryKey);
  }

  public int columnCount() {
    return columns.size();
  }

  public ColumnSchema column(int ordinal) {
    return columns.get(ordinal);
  }

  /** The ordinal of the named column (case-insensitive, as MySQL compares column names). */
  public int ordinalOf(String columnName) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equalsIgnoreCase(columnName)) {
        return i;
      }
    }
    return -1;
  }
}
