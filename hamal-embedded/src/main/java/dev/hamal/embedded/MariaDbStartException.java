package dev.hamal.embedded;

/**
 * A server process was launched but did not become ready: it exited, timed out, or the data
 * directory could not be initialised. The message carries the tail of the server's log; {@link
 * #logTail()} returns it separately.
 */
public final class MariaDbStartException extends MariaDbServerException {

  private static final long serialVersionUID = 1L;

  private final String logTail;

  MariaDbStartException(String message, String logTail, Throwable cause) {
    super(logTail.isEmpty() ? message : message + "\n--- server log (tail) ---\n" + logTail, cause);
    this.logTail = logTail;
  }

  /** The last lines the server wrote to its log during the failed start; may be empty. */
  public String logTail() {
    return logTail;
  }
}
