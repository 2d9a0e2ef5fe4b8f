package dev.hamal.coordination;

/**
 * A pipe operation conflicts with the cluster's current state: the name or the source and server id
 * are already taken, the pipe is running where it must not be, or another change won a race. The
 * message says what conflicts and what to do.
 */
public final class PipeConflictException extends CoordinationException {
  private static final long serialVersionUID = 1L;

  /** With a message that names the conflict and the way out. */
  public PipeConflictException(String message) {
    super(message);
  }
}
