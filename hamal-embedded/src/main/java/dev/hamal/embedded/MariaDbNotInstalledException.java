package dev.hamal.embedded;

/**
 * The binaries of the requested distribution are not on this machine (for {@link
 * MariaDbServer.Distribution#SYSTEM}: the distribution's {@code mariadb-server} package is
 * missing). The message says how to install them.
 */
public final class MariaDbNotInstalledException extends MariaDbServerException {

  private static final long serialVersionUID = 1L;

  MariaDbNotInstalledException(String message) {
    super(message);
  }
}
