package dev.hamal.embedded;

/**
 * A broker's child JVM was launched but the broker did not become ready: the JVM exited or the
 * start timed out. The message carries the tail of the broker's log; {@link #logTail()} returns it
 * separately.
 */
public final class KafkaStartException extends KafkaBrokerException {

  private static final long serialVersionUID = 1L;

  private final String logTail;

  KafkaStartException(String message, String logTail, Throwable cause) {
    super(logTail.isEmpty() ? message : message + "\n--- broker log (tail) ---\n" + logTail, cause);
    this.logTail = logTail;
  }

  /** The last lines the broker wrote to its log during the failed start; may be empty. */
  public String logTail() {
    return logTail;
  }
}
