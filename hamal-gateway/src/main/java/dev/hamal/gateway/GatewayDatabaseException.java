package dev.hamal.gateway;

/** The gateway's own database failed; on a request path the answer is a 503. */
public final class GatewayDatabaseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With the statement or action that failed and the cause. */
  public GatewayDatabaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
