package dev.hamal.listener;

/** Base of the failures the listener module reports (unchecked). */
public class ListenerException extends RuntimeException {
  ListenerException(String message, Throwable cause) {
    super(message, cause);
  }

  ListenerException(String message) {
    super(message);
  }
}
