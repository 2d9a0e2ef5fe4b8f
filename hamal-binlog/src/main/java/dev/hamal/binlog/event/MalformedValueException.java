package dev.hamal.binlog.event;

/**
 * Bytes that cannot be what the binlog format says they are. Raised by the decoders without a stack
 * trace (it is thrown for corrupt input, never for a bug), and turned into a {@link
 * dev.hamal.binlog.CorruptEventException} naming server and position by the caller that knows them.
 */
public final class MalformedValueException extends RuntimeException {
  public MalformedValueException(String message) {
    super(message, null, false, false);
  }
}
