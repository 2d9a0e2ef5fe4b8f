package dev.hamal.binlog;

/**
 * An event's bytes are not what the protocol allows: checksum mismatch, truncated packet or event,
 * a length that points outside the event, an impossible value. Retriable, because bytes damaged on
 * the way are read correctly after a reconnect; a file damaged on the server fails at the same
 * position every time and the stream then gives up.
 */
public final class CorruptEventException extends BinlogException {
  public CorruptEventException(String server, BinlogPosition position, String message) {
    super(server, position, message, null);
  }

  public CorruptEventException(
      String server, BinlogPosition position, String message, Throwable cause) {
    super(server, position, message, cause);
  }

  @Override
  public boolean isRetriable() {
    return true;
  }
}
