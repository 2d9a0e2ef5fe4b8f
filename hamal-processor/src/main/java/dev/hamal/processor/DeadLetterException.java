package dev.hamal.processor;

import java.io.Serial;

/** Dead letters could not be written or read; nothing was acknowledged for them. */
public final class DeadLetterException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  DeadLetterException(String message, Throwable cause) {
    super(message, cause);
  }

  DeadLetterException(String message) {
    super(message);
  }
}
