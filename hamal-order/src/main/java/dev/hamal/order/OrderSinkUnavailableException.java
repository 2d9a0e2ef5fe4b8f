package dev.hamal.order;

import java.io.Serial;

/** A store failed a whole batch (unreachable, timed out, overloaded); retrying may succeed. */
public class OrderSinkUnavailableException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /** An unavailable store, with what happened. */
  public OrderSinkUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /** An unavailable store. */
  public OrderSinkUnavailableException(String message) {
    super(message);
  }
}
