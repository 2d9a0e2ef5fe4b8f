package dev.hamal.coordination;

/**
 * What a listener instance does when it gains or loses a pipe. Both methods are called on one
 * dedicated thread per instance, one call at a time, in order; for a given ownership {@code stop}
 * follows {@code start} exactly once, and never comes without it.
 *
 * <p>{@code start} should return promptly (start the pipe's own threads and return): while it runs,
 * other callbacks wait. A {@code start} that throws marks the pipe FAILED.
 */
public interface PipeLifecycle {

  /**
   * This instance now owns the pipe. Read from {@link OwnedPipe#committedPosition()} (or {@link
   * OwnedPipe#startPosition()} when there is none), check {@link OwnedPipe#isValid()} before each
   * publish, and commit through {@link OwnedPipe#commit}.
   */
  void start(OwnedPipe pipe);

  /**
   * Stop the pipe and return when it publishes no more. For graceful reasons ({@link
   * StopReason#canCommit()}) commit the final position before returning; the ownership is released
   * when this returns. For the others the ownership is already invalid and commits fail.
   */
  void stop(String pipe, StopReason reason);
}
