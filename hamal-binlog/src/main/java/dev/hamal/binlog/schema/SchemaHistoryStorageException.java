package dev.hamal.binlog.schema;

import dev.hamal.binlog.BinlogException;

/**
 * The schema history could not be read from or written to its store (an I/O error, a full disk, a
 * file held by another process). Fatal for the stream: a change that is not durably recorded must
 * not be acknowledged.
 */
public final class SchemaHistoryStorageException extends BinlogException {

  public SchemaHistoryStorageException(String message, Throwable cause) {
    super("", null, message, cause);
  }

  @Override
  public boolean isRetriable() {
    return false;
  }
}
