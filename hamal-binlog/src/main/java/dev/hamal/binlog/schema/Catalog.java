package dev.hamal.binlog.schema;

import dev.hamal.binlog.TableName;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The latest state of the history, as {@link DdlInterpreter} reads it. */
interface Catalog {

  /** Schemas the history never follows: DDL on their tables changes nothing. */
  Set<String> SYSTEM_SCHEMAS = Set.of("mysql", "information_schema", "performance_schema", "sys");

  static boolean isSystemSchema(String schema) {
    return SYSTEM_SCHEMAS.contains(schema.toLowerCase(Locale.ROOT));
  }

  /** The latest state of a table, {@link TableState#DROPPED} when the history has none. */
  TableState table(TableName name);

  /** The database's default character set ({@code ""} unknown); empty when it does not exist. */
  Optional<String> database(String name);

  /** Every table of the database that exists in the latest state. */
  List<TableName> tablesIn(String database);

  /** The server facts of the last seed; a history never seeded knows nothing. */
  Optional<SchemaChange.ServerFacts> server();

  /** The key a table is stored under (lower case when the server ignores case). */
  default TableName key(TableName name) {
    return ignoresCase()
        ? new TableName(
            name.schema().toLowerCase(Locale.ROOT), name.table().toLowerCase(Locale.ROOT))
        : name;
  }

  default String databaseKey(String name) {
    return ignoresCase() ? name.toLowerCase(Locale.ROOT) : name;
  }

  /**
   * How a new table is named: lower case when the server stores names in lower case ({@code
   * lower_case_table_names=1}), as written otherwise.
   */
  default TableName storedName(TableName name) {
    return server().map(s -> s.lowerCaseTableNames() == 1).orElse(false) ? key(name) : name;
  }

  private boolean ignoresCase() {
    return server().map(s -> s.lowerCaseTableNames() != 0).orElse(false);
  }
}
