package dev.hamal.binlog;

/**
 * The stream failed again and again at the same transaction boundary and gave up: the cause is most
 * likely in the source's binlog itself (a damaged file, an event type this reader cannot handle).
 * Fatal; the cause is the last failure.
 */
public final class RepeatedFailureException extends BinlogException {
  public RepeatedFailureException(
      String server, BinlogPosition position, int attempts, BinlogException last) {
    super(
        server,
        position,
        "gave up after "
            + attempts
            + " failed attempts at the same position; last: "
            + last.getMessage(),
        last);
  }

  @Override
  public boolean isRetriable() {
    return false;
  }
}
