package dev.hamal.embedded;

/**
 * Base of every failure of an embedded MariaDB server: it could not be installed, started or
 * stopped. Unchecked; the concrete type tells what went wrong, never the message text.
 */
public class MariaDbServerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A failure with a message naming the server and what was attempted. */
  public MariaDbServerException(String message) {
    super(message);
  }

  /** A failure with a message naming the server and what was attempted, and its cause. */
  public MariaDbServerException(String message, Throwable cause) {
    super(message, cause);
  }
}
