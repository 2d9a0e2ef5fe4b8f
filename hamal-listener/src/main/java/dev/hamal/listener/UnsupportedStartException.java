package dev.hamal.listener;

/** A pipe's start position is of a kind the listener cannot resolve yet; the pipe is FAILED. */
public final class UnsupportedStartException extends ListenerException {
  UnsupportedStartException(String message) {
    super(message);
  }
}
