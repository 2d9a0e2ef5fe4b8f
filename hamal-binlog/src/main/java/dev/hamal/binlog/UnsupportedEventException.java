package dev.hamal.binlog;

/**
 * An event type this reader does not know and may not ignore, or a column type it cannot decode.
 * Retriable like {@link CorruptEventException} (damaged bytes can look like an unknown type); a
 * genuine one fails at the same position every time and the stream then gives up.
 */
public final class UnsupportedEventException extends BinlogException {
  public UnsupportedEventException(String server, BinlogPosition position, String message) {
    super(server, position, message, null);
  }

  @Override
  public boolean isRetriable() {
    return true;
  }
}
