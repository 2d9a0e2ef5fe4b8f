package dev.hamal.app;

/** The order simulator stopped because a transaction failed; the cause is the database error. */
public final class SimulatorException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SimulatorException(String message, Throwable cause) {
    super(message, cause);
  }
}
