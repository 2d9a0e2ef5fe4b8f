package dev.hamal.listener;

/**
 * A business line's mapping does not fit the table it claims (unknown column, incompatible type, no
 * column names). The pipe stops and is FAILED with this message until the mapping is fixed; no row
 * of the table is published under a mapping that does not fit.
 */
public final class MappingMismatchException extends ListenerException {
  MappingMismatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
