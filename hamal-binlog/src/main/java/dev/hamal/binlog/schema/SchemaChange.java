package dev.hamal.binlog.schema;

import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.TableName;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One durable step of the history: a seed (the complete state read from {@code information_schema},
 * valid from its position on) or the effect of one DDL statement (the new state of every table and
 * database it changed).
 *
 * @param position a seed's position, or the DDL event's start position
 * @param server the server facts a seed read; empty for DDL
 * @param statement the DDL text, {@code ""} for a seed
 * @param entries the new states; for a seed, every database and table of the server
 */
record SchemaChange(
    BinlogPosition position, Optional<ServerFacts> server, String statement, List<Entry> entries) {

  SchemaChange {
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(statement, "statement");
    entries = List.copyOf(entries);
  }

  boolean isSeed() {
    return server.isPresent();
  }

  /**
   * What a seed learnt about the server.
   *
   * @param version {@code SELECT VERSION()}
   * @param charset {@code @@character_set_server}, canonical; {@code ""} when unknown
   * @param lowerCaseTableNames {@code @@lower_case_table_names}: 0 names are case-sensitive, 1 or 2
   *     table and database names compare case-insensitively
   */
  record ServerFacts(String version, String charset, int lowerCaseTableNames) {
    ServerFacts {
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(charset, "charset");
    }

    SqlDialect dialect() {
      return SqlDialect.fromVersion(version);
    }
  }

  /** The new state of one database or table. */
  sealed interface Entry {}

  /** A database and its default character set ({@code ""} when unknown). */
  record DatabaseDefined(String name, String charset) implements Entry {}

  record DatabaseDropped(String name) implements Entry {}

  record TableDefined(TableDefinition definition) implements Entry {}

  /** The table exists but its columns are not known from here on, for {@code reason}. */
  record TableUnknown(TableName name, String reason) implements Entry {}

  /** The table exists and was deliberately not seeded (excluded by the seed's filter). */
  record TableUntracked(TableName name) implements Entry {}

  record TableDropped(TableName name) implements Entry {}
}
