package dev.hamal.listener;

/** A pipe's start position could not be resolved against its source; the pipe is FAILED. */
public final class UnsupportedStartException extends ListenerException {
  UnsupportedStartException(String message) {
    super(message);
  }
}
