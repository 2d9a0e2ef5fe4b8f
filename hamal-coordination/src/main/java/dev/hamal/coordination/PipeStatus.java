package dev.hamal.coordination;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the cluster knows about one pipe, for {@code hamal pipe list}: the state derived from the
 * operator's controls and the live owner node, and the figures the owner last reported.
 *
 * @param pipe the pipe name
 * @param state the current state; {@code STARTING} or {@code RUNNING} only while an owner node
 *     exists
 * @param reason why the pipe failed (or an owner's note); empty otherwise
 * @param owner the id of the instance that owns the pipe now
 * @param epoch the ownership epoch of {@code owner}, or the last epoch when unowned (0: never)
 * @param committed the committed position
 * @param pendingStart the start requested by a reset or the definition, used while no position is
 *     committed
 * @param metrics lag and throughput as last reported by the current owner
 * @param updatedAt when the owner (or the failure) last wrote the status, or when it was read
 */
public record PipeStatus(
    String pipe,
    PipeState state,
    Optional<String> reason,
    Optional<String> owner,
    long epoch,
    Optional<PipePosition> committed,
    Optional<StartPosition> pendingStart,
    PipeMetrics metrics,
    Instant updatedAt) {

  /** Checks no part is missing. */
  public PipeStatus {
    Objects.requireNonNull(pipe, "pipe");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(committed, "committed");
    Objects.requireNonNull(pendingStart, "pendingStart");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}
