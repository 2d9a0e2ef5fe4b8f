package dev.hamal.binlog;

import java.util.Objects;

/**
 * A table's fully qualified name: schema (database) and table, as the server spells them.
 *
 * @param schema database name
 * @param table table name
 */
public record TableName(String schema, String table) {
  public TableName {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(table, "table");
  }

  @Override
  public String toString() {
    return schema + "." + table;
  }
}
