package dev.hamal.embedded;

/**
 * Base of every failure of an embedded Redis server: its binary is missing, or it could not be
 * started or stopped. Unchecked; the concrete type tells what went wrong, never the message text.
 */
public class RedisServerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A failure with a message naming the server and what was attempted. */
  public RedisServerException(String message) {
    super(message);
  }

  /** A failure with a message naming the server and what was attempted, and its cause. */
  public RedisServerException(String message, Throwable cause) {
    super(message, cause);
  }
}
