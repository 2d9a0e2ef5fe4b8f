package dev.hamal.binlog;

/**
 * Hamal itself failed while handling an event: an exception the decoders and the reader do not
 * expect for any input, or an error of the JVM (out of memory). Fatal, because retrying would fail
 * the same way; the cause and the position say where, for a bug report.
 */
public final class InternalErrorException extends BinlogException {
  public InternalErrorException(
      String server, BinlogPosition position, String what, Throwable cause) {
    super(server, position, "internal error while " + what + ": " + cause, cause);
  }

  @Override
  public boolean isRetriable() {
    return false;
  }
}
