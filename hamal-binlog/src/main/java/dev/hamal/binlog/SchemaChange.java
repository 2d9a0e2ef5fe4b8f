package dev.hamal.binlog;

import java.util.List;
import java.util.Objects;

/**
 * A DDL statement seen in the binlog.
 *
 * @param position the QUERY event's position
 * @param schema the statement's default database
 * @param sql the statement as the server logged it
 * @param tables the tracked tables whose columns it changed (empty when the schema history is not
 *     in use or nothing tracked changed)
 */
public record SchemaChange(
    BinlogPosition position, String schema, String sql, List<TableName> tables) {
  public SchemaChange {
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(sql, "sql");
    tables = List.copyOf(tables);
  }
}
