package dev.hamal.coordination;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.api.transaction.CuratorOp;

/**
 * The {@link OwnedPipe} this module hands out. Validity is one atomic reference: empty while valid,
 * the reason once invalidated; it never becomes valid again. {@code startCalled} and {@code
 * stopCalled} are touched only on the lifecycle thread, {@code releasing} only on the coordination
 * thread.
 */
final class Ownership implements OwnedPipe {
  private final InstanceCoordinator coordinator;
  private final PositionStore positions;
  private final String instance;
  private final PipeDefinition definition;
  private final OwnershipToken token;
  private final Optional<PipePosition> committed;
  private final StartPosition start;
  private final AtomicReference<StopReason> invalidatedBy = new AtomicReference<>();
  boolean startCalled;
  boolean stopCalled;
  boolean releasing;

  Ownership(
      InstanceCoordinator coordinator,
      PositionStore positions,
      String instance,
      PipeDefinition definition,
      OwnershipToken token,
      Optional<PipePosition> committed,
      StartPosition start) {
    this.coordinator = coordinator;
    this.positions = positions;
    this.instance = instance;
    this.definition = definition;
    this.token = token;
    this.committed = committed;
    this.start = start;
  }

  /** A fresh, valid ownership of the same epoch (after a reconnection kept the owner node). */
  Ownership renew(Optional<PipePosition> latest) {
    return new Ownership(coordinator, positions, instance, definition, token, latest, start);
  }

  String pipe() {
    return token.pipe();
  }

  /** Returns whether this call invalidated it (false when it already was). */
  boolean invalidate(StopReason reason) {
    return invalidatedBy.compareAndSet(null, Objects.requireNonNull(reason));
  }

  Optional<StopReason> invalidatedBy() {
    return Optional.ofNullable(invalidatedBy.get());
  }

  @Override
  public PipeDefinition definition() {
    return definition;
  }

  @Override
  public OwnershipToken token() {
    return token;
  }

  @Override
  public Optional<PipePosition> committedPosition() {
    return committed;
  }

  @Override
  public StartPosition startPosition() {
    return start;
  }

  @Override
  public boolean isValid() {
    return invalidatedBy.get() == null;
  }

  @Override
  public void commit(PipePosition position) {
    checkValid("commit " + position);
    try {
      positions.commit(token, position, instance);
    } catch (FencedException e) {
      coordinator.fenced(this);
      throw e;
    }
  }

  @Override
  public void reportStatus(PipeState state, PipeMetrics metrics) {
    reportStatus(state, metrics, Optional.empty());
  }

  @Override
  public void reportStatus(PipeState state, PipeMetrics metrics, Optional<String> note) {
    if (state != PipeState.STARTING && state != PipeState.RUNNING) {
      throw new IllegalArgumentException(
          "an owner reports STARTING or RUNNING; use fail(reason) for FAILED, was " + state);
    }
    checkValid("report status " + state);
    List<CuratorOp> ops = positions.guard(token);
    ops.add(coordinator.statusWrite(token, state, note, metrics));
    try {
      positions.fenced(token, "report status " + state, ops);
    } catch (FencedException e) {
      coordinator.fenced(this);
      throw e;
    }
  }

  @Override
  public void fail(String reason) {
    coordinator.fail(this, reason);
  }

  private void checkValid(String what) {
    StopReason reason = invalidatedBy.get();
    if (reason != null) {
      throw new FencedException(
          "pipe "
              + token.pipe()
              + ": ownership of epoch "
              + token.epoch()
              + " was given up ("
              + reason
              + "); refused to "
              + what);
    }
  }

  @Override
  public String toString() {
    return "Ownership[" + token + ", " + (isValid() ? "valid" : "invalid") + "]";
  }
}
