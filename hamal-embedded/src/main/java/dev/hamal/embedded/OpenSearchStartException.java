package dev.hamal.embedded;

/**
 * A node's child JVM was launched but the node did not become ready: the JVM exited or the start
 * timed out. The message carries the tail of the node's log; {@link #logTail()} returns it
 * separately.
 */
public final class OpenSearchStartException extends OpenSearchNodeException {

  private static final long serialVersionUID = 1L;

  private final String logTail;

  OpenSearchStartException(String message, String logTail, Throwable cause) {
    super(logTail.isEmpty() ? message : message + "\n--- node log (tail) ---\n" + logTail, cause);
    this.logTail = logTail;
  }

  /** The last lines the node wrote to its log during the failed start; may be empty. */
  public String logTail() {
    return logTail;
  }
}
