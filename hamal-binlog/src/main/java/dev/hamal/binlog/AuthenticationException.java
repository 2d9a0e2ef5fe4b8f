package dev.hamal.binlog;

/**
 * The server refused the credentials, or asked for an authentication method this client cannot
 * complete with the given settings (for example full {@code caching_sha2_password} authentication
 * without TLS and without the server's RSA key). Fatal.
 */
public final class AuthenticationException extends BinlogException {
  public AuthenticationException(String server, String message, Throwable cause) {
    super(server, null, message, cause);
  }

  @Override
  public boolean isRetriable() {
    return false;
  }
}
