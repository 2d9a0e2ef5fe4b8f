package dev.hamal.binlog;

/**
 * The connection to the source failed: refused, reset, timed out, closed by the server, or silent
 * for longer than the dead-connection timeout. Retriable.
 */
public final class BinlogConnectionException extends BinlogException {
  public BinlogConnectionException(
      String server, BinlogPosition position, String message, Throwable cause) {
    super(server, position, message, cause);
  }

  @Override
  public boolean isRetriable() {
    return true;
  }
}
