package dev.hamal.embedded;

/**
 * Base of every failure of an embedded OpenSearch node: its class path is missing, or it could not
 * be started or stopped. Unchecked; the concrete type tells what went wrong, never the message
 * text.
 */
public class OpenSearchNodeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A failure with a message naming the node and what was attempted. */
  public OpenSearchNodeException(String message) {
    super(message);
  }

  /** A failure with a message naming the node and what was attempted, and its cause. */
  public OpenSearchNodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
