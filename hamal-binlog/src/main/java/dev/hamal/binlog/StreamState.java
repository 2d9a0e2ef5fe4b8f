package dev.hamal.binlog;

import dev.hamal.binlog.schema.SchemaHistory;

/**
 * What outlives a reader session within one stream: the schema history and the position of the last
 * DDL applied to it, so that re-reading a transaction after a reconnect does not apply the same DDL
 * twice. Sessions run one after another; the volatile fields carry their state across the session
 * threads.
 */
final class StreamState {
  private volatile SchemaHistory history;
  private volatile BinlogPosition lastDdl;

  StreamState(SchemaHistory history) {
    this.history = history;
  }

  SchemaHistory history() {
    return history;
  }

  void history(SchemaHistory value) {
    this.history = value;
  }

  boolean shouldApplyDdl(BinlogPosition position) {
    BinlogPosition last = lastDdl;
    return last == null || position.compareTo(last) > 0;
  }

  void ddlApplied(BinlogPosition position) {
    lastDdl = position;
  }
}
