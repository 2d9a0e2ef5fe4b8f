package dev.hamal.binlog.schema;

/**
 * A statement, or a part of it, that the schema history cannot interpret. Internal: the history
 * turns it into an UNKNOWN schema for the tables concerned and never lets it escape.
 */
final class DdlException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DdlException(String message) {
    super(message, null, false, false);
  }
}
