package dev.hamal.coordination;

/**
 * A write was refused because the writer no longer owns the pipe: its ownership epoch is older than
 * the current one, its owner node is gone (session expired, released, failed, reset), or the
 * instance itself invalidated the ownership (connection suspended or lost). The writer must stop
 * the pipe at once; the position it tried to write is not stored.
 */
public final class FencedException extends CoordinationException {
  private static final long serialVersionUID = 1L;

  /** With a message that names the pipe and the epoch that was fenced. */
  public FencedException(String message) {
    super(message);
  }

  /** With a message and the ZooKeeper error that proved the fencing. */
  public FencedException(String message, Throwable cause) {
    super(message, cause);
  }
}
