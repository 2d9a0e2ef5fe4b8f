package dev.hamal.coordination;

/** Why {@link PipeLifecycle#stop} is called. */
public enum StopReason {
  /**
   * The ZooKeeper connection is suspended: ownership may be about to expire. Stop publishing at
   * once; commits are already refused. The pipe may be started again on reconnection.
   */
  SUSPENDED,
  /** The session is lost: the ownership is gone and another instance may own the pipe now. */
  LOST,
  /** A commit or status write was fenced: another owner holds a newer epoch. */
  FENCED,
  /** The leader moved the pipe to another instance. Commit the final position, then return. */
  REASSIGNED,
  /** An operator paused the pipe. Commit the final position, then return. */
  PAUSED,
  /** The pipe definition changed; it is started again with the new definition. */
  DEFINITION_CHANGED,
  /** The pipe was removed from the cluster. */
  REMOVED,
  /** The owner reported a failure through {@link OwnedPipe#fail}. */
  FAILED,
  /** The instance hands off its pipes (graceful shutdown). Commit the final position, return. */
  SHUTDOWN;

  /** Whether commits still succeed while {@code stop} runs (graceful reasons). */
  public boolean canCommit() {
    return this == REASSIGNED || this == PAUSED || this == DEFINITION_CHANGED || this == SHUTDOWN;
  }
}
