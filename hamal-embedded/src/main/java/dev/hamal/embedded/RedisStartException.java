package dev.hamal.embedded;

/**
 * A {@code redis-server} process was launched but did not answer {@code PING}: it exited or the
 * start timed out. The message carries the tail of the server's log; {@link #logTail()} returns it
 * separately.
 */
public final class RedisStartException extends RedisServerException {

  private static final long serialVersionUID = 1L;

  private final String logTail;

  RedisStartException(String message, String logTail, Throwable cause) {
    super(logTail.isEmpty() ? message : message + "\n--- server log (tail) ---\n" + logTail, cause);
    this.logTail = logTail;
  }

  /** The last lines the server wrote to its log during the failed start; may be empty. */
  public String logTail() {
    return logTail;
  }
}
