package dev.hamal.binlog;

/**
 * A row's shape (column count or column types) does not match the schema known for its table at
 * that position. Fatal: the row is never mapped to the wrong columns.
 */
public final class SchemaMismatchException extends BinlogException {
  private final TableName table;

  public SchemaMismatchException(
      String server, BinlogPosition position, TableName table, String message) {
    super(server, position, "table " + table + ": " + message, null);
    this.table = table;
  }

  public TableName table() {
    return table;
  }

  @Override
  public boolean isRetriable() {
    return false;
  }
}
