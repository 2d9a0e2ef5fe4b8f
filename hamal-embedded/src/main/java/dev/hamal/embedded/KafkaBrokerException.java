package dev.hamal.embedded;

/**
 * Base of every failure of an embedded Kafka broker: its class path is missing, or it could not be
 * started or stopped. Unchecked; the concrete type tells what went wrong, never the message text.
 */
public class KafkaBrokerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A failure with a message naming the broker and what was attempted. */
  public KafkaBrokerException(String message) {
    super(message);
  }

  /** A failure with a message naming the broker and what was attempted, and its cause. */
  public KafkaBrokerException(String message, Throwable cause) {
    super(message, cause);
  }
}
