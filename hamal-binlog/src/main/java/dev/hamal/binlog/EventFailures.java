package dev.hamal.binlog;

import dev.hamal.binlog.event.MalformedValueException;

/** Turns what decoders throw on bad bytes into the module's exceptions, naming the place. */
final class EventFailures {
  private EventFailures() {}

  /**
   * Wraps a decoder failure. Decoders throw {@link MalformedValueException} for bytes that break
   * the format; index, arithmetic and argument errors can only come from bytes the decoders did not
   * anticipate, and are reported the same way (with the cause kept) rather than escaping as
   * something the caller cannot classify.
   */
  static BinlogException corrupt(
      String server, BinlogPosition position, String what, RuntimeException e) {
    if (e instanceof BinlogException b) {
      return b;
    }
    if (e instanceof MalformedValueException
        || e instanceof IndexOutOfBoundsException
        || e instanceof ArithmeticException
        || e instanceof IllegalArgumentException
        || e instanceof NegativeArraySizeException
        || e instanceof IllegalStateException) {
      return new CorruptEventException(
          server, position, "cannot decode " + what + ": " + e.getMessage(), e);
    }
    throw e;
  }

  /**
   * Like {@link #corrupt}, for decode workers, which must hand every failure to the consumer: an
   * exception no input should cause becomes an {@link InternalErrorException}.
   */
  static BinlogException decoding(
      String server, BinlogPosition position, String what, RuntimeException e) {
    try {
      return corrupt(server, position, what, e);
    } catch (RuntimeException unexpected) {
      return new InternalErrorException(server, position, "decoding " + what, unexpected);
    }
  }
}
