package dev.hamal.coordination;

/** The named pipe is not defined in the cluster. */
public final class PipeNotFoundException extends CoordinationException {
  private static final long serialVersionUID = 1L;

  /** For the pipe of this name. */
  public PipeNotFoundException(String pipe) {
    super("no pipe named '" + pipe + "' is defined");
  }
}
