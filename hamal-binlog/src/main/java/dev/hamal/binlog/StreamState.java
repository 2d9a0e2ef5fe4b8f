package dev.hamal.binlog;

import dev.hamal.binlog.schema.SchemaHistory;

/**
 * What outlives a reader session within one stream: the schema history (created on the first
 * session that needs it). Sessions run one after another; the volatile field carries the history
 * across the session threads. The history itself ignores a DDL it has already applied, so
 * re-reading a transaction after a reconnect is harmless.
 */
final class StreamState {
  private volatile SchemaHistory history;

  StreamState(SchemaHistory history) {
    this.history = history;
  }

  SchemaHistory history() {
    return history;
  }

  void history(SchemaHistory value) {
    this.history = value;
  }
}
