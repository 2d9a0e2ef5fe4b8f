package dev.hamal.coordination;

/** Where a pipe is in its life, as shown by {@code hamal pipe list}. */
public enum PipeState {
  /** Defined and runnable, but no live instance owns it (yet). */
  UNASSIGNED,
  /** Owned; the owner is connecting to the source or catching up its start position. */
  STARTING,
  /** Owned and streaming. */
  RUNNING,
  /** Paused by an operator; not assigned to any instance until resumed. */
  PAUSED,
  /** Stopped by its owner with a reason; not assigned again until an operator resumes or resets. */
  FAILED
}
