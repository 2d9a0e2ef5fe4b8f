package dev.hamal.reconcile;

import java.io.Serial;

/**
 * A product-line read that cannot give a right answer, however often it is retried: a table does
 * not fit its business line's mapping, a row cannot be mapped, or the data cannot be paged (two
 * rows share one order id, too many orders share one created-at value). The message names the
 * server, the line and the table; the cause, when there is one, is the {@link
 * dev.hamal.order.MappingException}. A server that cannot be reached or answer in time is an {@link
 * dev.hamal.order.OrderSinkUnavailableException} instead.
 */
public final class ProductLineOrdersException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  ProductLineOrdersException(String message) {
    super(message);
  }

  ProductLineOrdersException(String message, Throwable cause) {
    super(message, cause);
  }
}
