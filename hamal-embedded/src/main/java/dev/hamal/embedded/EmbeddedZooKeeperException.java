package dev.hamal.embedded;

/**
 * An embedded ZooKeeper server could not be started (port in use, data directory unusable, start
 * timeout) or asked to act. Unchecked.
 */
public final class EmbeddedZooKeeperException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  EmbeddedZooKeeperException(String message, Throwable cause) {
    super(message, cause);
  }
}
