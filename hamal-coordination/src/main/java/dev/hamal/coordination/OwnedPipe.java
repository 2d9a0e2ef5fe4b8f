package dev.hamal.coordination;

import java.util.Optional;

/**
 * One ownership of one pipe by this instance, handed to {@link PipeLifecycle#start}. Valid until
 * the connection is suspended or lost, the pipe is released, or a write is fenced; an invalid
 * ownership stays invalid (a later ownership of the same pipe is a new object). Thread-safe.
 */
public interface OwnedPipe {

  /** The definition this ownership was started with. */
  PipeDefinition definition();

  /** The pipe name and epoch, as fenced writes carry them. */
  OwnershipToken token();

  /** The position committed when the ownership began. */
  Optional<PipePosition> committedPosition();

  /**
   * Where to start when {@link #committedPosition()} is empty: the start of the last reset, else
   * the definition's start, else {@code latest}.
   */
  StartPosition startPosition();

  /**
   * Commits a position (a transaction boundary whose changes, and all earlier ones, are
   * acknowledged downstream).
   *
   * @throws FencedException when the ownership is no longer valid; stop publishing at once
   * @throws CoordinationException when ZooKeeper is unreachable; the outcome is unknown
   */
  void commit(PipePosition position);

  /**
   * Reports progress for {@code hamal pipe list}.
   *
   * @param state {@link PipeState#STARTING} or {@link PipeState#RUNNING}
   * @throws FencedException when the ownership is no longer valid
   */
  void reportStatus(PipeState state, PipeMetrics metrics);

  /**
   * Reports progress with a note an operator should see while the pipe still runs (e.g. "retrying:
   * cannot connect to ..."); shown as the status's reason.
   *
   * @throws FencedException when the ownership is no longer valid
   */
  void reportStatus(PipeState state, PipeMetrics metrics, Optional<String> note);

  /**
   * Marks the pipe FAILED with a reason an operator can act on (purged position, schema mismatch,
   * unreachable source) and releases it; it is not assigned again until an operator resumes or
   * resets it. {@link PipeLifecycle#stop} with {@link StopReason#FAILED} follows. When the
   * ownership is already invalid nothing is recorded (the new owner decides).
   */
  void fail(String reason);

  /** Whether publishing under this ownership is still allowed. A volatile read: check it often. */
  boolean isValid();
}
