package dev.hamal.binlog.schema;

import dev.hamal.binlog.BinlogPosition;

/** The state of one table from one version of the history on. */
sealed interface TableState {

  record Defined(TableDefinition definition) implements TableState {}

  /** Exists with columns the history does not know, since {@code since}. */
  record Unknown(String reason, BinlogPosition since) implements TableState {}

  /** Exists, excluded from the seed by its filter; DDL on it is followed only for renames. */
  record Untracked(BinlogPosition since) implements TableState {}

  /** Does not exist. */
  record Dropped() implements TableState {}

  TableState DROPPED = new Dropped();

  default boolean exists() {
    return !(this instanceof Dropped);
  }
}
