package dev.hamal.embedded;

/**
 * No {@code redis-server} binary to run: the bundled one does not fit this machine (or its jar is
 * not on the class path) and none is installed on the system.
 */
public final class RedisNotInstalledException extends RedisServerException {

  private static final long serialVersionUID = 1L;

  RedisNotInstalledException(String message) {
    super(message);
  }
}
