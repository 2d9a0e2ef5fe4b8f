package dev.hamal.coordination;

/**
 * A coordination operation failed: ZooKeeper could not be reached in time, the stored data is
 * unreadable, or an operation was interrupted. Subclasses say when the cause is a rule of the
 * cluster (fencing, conflicts, unknown pipes) rather than the connection.
 */
public class CoordinationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message that says what failed and why. */
  public CoordinationException(String message) {
    super(message);
  }

  /** With a message and the cause that reached this module. */
  public CoordinationException(String message, Throwable cause) {
    super(message, cause);
  }
}
