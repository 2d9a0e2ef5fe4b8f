package dev.hamal.binlog.schema;

import dev.hamal.binlog.BinlogException;

/**
 * The stored schema history is damaged somewhere other than a torn last record (which is dropped on
 * load): the message names the place (file and line). Fatal; an operator must repair or remove the
 * file, and a removed history is re-seeded from {@code information_schema}.
 */
public final class SchemaHistoryCorruptException extends BinlogException {

  private final String location;

  public SchemaHistoryCorruptException(String location, String message) {
    super("", null, "schema history corrupt at " + location + ": " + message, null);
    this.location = location;
  }

  public SchemaHistoryCorruptException(String location, String message, Throwable cause) {
    super("", null, "schema history corrupt at " + location + ": " + message, cause);
    this.location = location;
  }

  /** Where the damage is, such as {@code history/shop-db.schema, line 42}. */
  public String location() {
    return location;
  }

  @Override
  public boolean isRetriable() {
    return false;
  }
}
