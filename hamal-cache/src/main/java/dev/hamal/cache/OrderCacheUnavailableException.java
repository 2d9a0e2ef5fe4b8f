package dev.hamal.cache;

import dev.hamal.order.OrderSinkUnavailableException;
import java.io.Serial;

/**
 * Redis could not be reached, refused the command as a whole, or did not answer within the command
 * timeout. Thrown by writes (as the sink's unavailability: retrying the batch may succeed) and by
 * reads that the near cache could not answer.
 */
public final class OrderCacheUnavailableException extends OrderSinkUnavailableException {
  @Serial private static final long serialVersionUID = 1L;

  OrderCacheUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
