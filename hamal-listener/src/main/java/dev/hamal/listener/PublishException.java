package dev.hamal.listener;

/**
 * Kafka did not take a record: refused at once, or not acknowledged after the producer's retries.
 * The pipe stops; its committed position stays before the record, so a restart publishes it again.
 */
public final class PublishException extends ListenerException {
  PublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
