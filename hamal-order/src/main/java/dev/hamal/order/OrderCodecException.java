package dev.hamal.order;

import java.io.Serial;

/** Bytes that are not an order change of a format {@link OrderChangeCodec} reads. */
public final class OrderCodecException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  OrderCodecException(String message) {
    super(message);
  }

  OrderCodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
