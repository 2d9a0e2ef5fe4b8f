package dev.hamal.store;

import java.io.Serial;

/**
 * The order store failed in a way retrying will not cure by itself: migrations that cannot run, a
 * stored record that cannot be read back. An unreachable or overloaded store is an {@link
 * dev.hamal.order.OrderSinkUnavailableException} instead.
 */
public class OrderStoreException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /** A failure, with what happened. */
  public OrderStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A failure. */
  public OrderStoreException(String message) {
    super(message);
  }
}
