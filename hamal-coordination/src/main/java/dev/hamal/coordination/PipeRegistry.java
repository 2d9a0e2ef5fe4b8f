package dev.hamal.coordination;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;

/**
 * Pipe definitions and the operator's controls over them (pause, resume, reset, remove): what
 * {@code hamal pipe ...} calls. Each change is one ZooKeeper transaction, so the nodes of a pipe
 * (definition, controls, epoch, position, status, source index) never disagree.
 *
 * <p><b>Rules.</b> Names are unique; a source address with a replica server id belongs to one pipe
 * (a second replica with the same server id would make the source drop the first). A pipe can be
 * removed or reset only while it is not running: paused, failed, or unowned. A reset and a removal
 * bump the epoch and delete any owner node in the same transaction, so an owner that is still
 * releasing cannot overwrite them (its commit is fenced). The epoch node is kept after a removal,
 * so a pipe added again under the same name continues the epoch sequence and an owner of the old
 * pipe can never pass the fence of the new one.
 *
 * <p>Thread-safe; concurrent changes are detected by znode versions and surface as {@link
 * PipeConflictException}.
 */
public final class PipeRegistry {
  private static final int ATTEMPTS = 3;
  private final Zk zk;

  PipeRegistry(Zk zk) {
    this.zk = zk;
  }

  /**
   * Adds a pipe; it is runnable at once (the leader assigns it).
   *
   * @throws PipeConflictException when the name, or the source with this server id, is taken
   */
  public void add(PipeDefinition definition) {
    String p = definition.name();
    for (int attempt = 1; ; attempt++) {
      List<CuratorOp> ops = new ArrayList<>();
      ops.add(create(Layout.pipe(p), Stored.Pipe.of(definition)));
      ops.add(create(Layout.control(p), Stored.Control.RUNNABLE));
      ops.add(create(Layout.position(p), Stored.Position.pending(Optional.empty())));
      ops.add(create(Layout.status(p), unassigned(p)));
      ops.add(create(Layout.source(definition), new Stored.Source(Stored.FORMAT, p)));
      if (!zk.exists(Layout.epoch(p))) {
        ops.add(create(Layout.epoch(p), new Stored.Epoch(Stored.FORMAT, 0, "", now())));
      }
      try {
        zk.transaction("add pipe " + p, ops);
        return;
      } catch (KeeperException.NodeExistsException e) {
        if (zk.exists(Layout.pipe(p))) {
          throw new PipeConflictException("a pipe named '" + p + "' already exists");
        }
        sourceConflict(definition);
        if (attempt == ATTEMPTS) {
          throw new PipeConflictException(
              "pipe '" + p + "' could not be added: its nodes changed concurrently; try again");
        }
      } catch (KeeperException e) {
        throw Zk.failure("add pipe " + p, e);
      }
    }
  }

  /** Every pipe, by name. */
  public List<PipeDefinition> list() {
    List<PipeDefinition> pipes = new ArrayList<>();
    for (String name : zk.children(Layout.PIPES).stream().sorted().toList()) {
      find(name).ifPresent(pipes::add);
    }
    return pipes;
  }

  /** The pipe of this name, if defined. */
  public Optional<PipeDefinition> find(String name) {
    return zk.read(Layout.pipe(name), Stored.Pipe.class).map(n -> n.value().toDefinition());
  }

  /**
   * The pipe of this name.
   *
   * @throws PipeNotFoundException when it is not defined
   */
  public PipeDefinition get(String name) {
    return find(name).orElseThrow(() -> new PipeNotFoundException(name));
  }

  /**
   * Replaces a pipe's definition. Its owner restarts it with the new definition; the committed
   * position is kept (reset it when the new source is not the same server or a replica of it).
   *
   * @throws PipeNotFoundException when it is not defined
   * @throws PipeConflictException when the new source and server id belong to another pipe
   */
  public void update(PipeDefinition definition) {
    String p = definition.name();
    Zk.Node<Stored.Pipe> current =
        zk.read(Layout.pipe(p), Stored.Pipe.class).orElseThrow(() -> new PipeNotFoundException(p));
    PipeDefinition old = current.value().toDefinition();
    List<CuratorOp> ops = new ArrayList<>();
    ops.add(
        zk.unchecked(
            "prepare update",
            () ->
                zk.op()
                    .setData()
                    .withVersion(current.stat().getVersion())
                    .forPath(Layout.pipe(p), zk.encode(Stored.Pipe.of(definition)))));
    if (!Layout.source(old).equals(Layout.source(definition))) {
      ops.add(zk.unchecked("prepare update", () -> zk.op().delete().forPath(Layout.source(old))));
      ops.add(create(Layout.source(definition), new Stored.Source(Stored.FORMAT, p)));
    }
    try {
      zk.transaction("update pipe " + p, ops);
    } catch (KeeperException.NodeExistsException e) {
      sourceConflict(definition);
      throw new PipeConflictException("pipe '" + p + "' changed concurrently; try again");
    } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
      find(p).orElseThrow(() -> new PipeNotFoundException(p));
      throw new PipeConflictException("pipe '" + p + "' changed concurrently; try again");
    } catch (KeeperException e) {
      throw Zk.failure("update pipe " + p, e);
    }
  }

  /**
   * Pauses a pipe: its owner stops it (committing its final position) and it stays unassigned until
   * resumed. Pausing a paused pipe does nothing.
   *
   * @throws PipeNotFoundException when it is not defined
   */
  public void pause(String name) {
    changeControl(name, "pause", c -> c.withPaused(true));
  }

  /**
   * Resumes a paused or failed pipe: the pause and the failure are cleared and the leader assigns
   * it again. Resuming a runnable pipe does nothing.
   *
   * @throws PipeNotFoundException when it is not defined
   */
  public void resume(String name) {
    changeControl(name, "resume", c -> c.withPaused(false).withoutFailure());
  }

  /**
   * Drops the committed position and makes the next owner start at {@code to}; clears a failure (a
   * purged position is fixed this way), keeps a pause.
   *
   * @throws PipeNotFoundException when it is not defined
   * @throws PipeConflictException when the pipe is running (owned and neither paused nor failed)
   */
  public void resetPosition(String name, StartPosition to) {
    changeWhileStopped(
        name,
        "reset the position of",
        (ops, control) -> {
          ops.add(
              zk.unchecked(
                  "prepare reset",
                  () ->
                      zk.op()
                          .setData()
                          .forPath(
                              Layout.position(name),
                              zk.encode(Stored.Position.pending(Optional.of(to))))));
          ops.add(
              zk.unchecked(
                  "prepare reset",
                  () ->
                      zk.op()
                          .setData()
                          .withVersion(control.stat().getVersion())
                          .forPath(
                              Layout.control(name), zk.encode(control.value().withoutFailure()))));
        });
  }

  /**
   * Removes a pipe and its position. The epoch counter stays (see the class comment).
   *
   * @throws PipeNotFoundException when it is not defined
   * @throws PipeConflictException when the pipe is running (owned and neither paused nor failed)
   */
  public void remove(String name) {
    PipeDefinition definition = get(name);
    changeWhileStopped(
        name,
        "remove",
        (ops, control) -> {
          ops.add(delete(Layout.control(name), control.stat().getVersion()));
          ops.add(delete(Layout.position(name), -1));
          ops.add(delete(Layout.pipe(name), -1));
          ops.add(delete(Layout.source(definition), -1));
          if (zk.exists(Layout.status(name))) {
            ops.add(delete(Layout.status(name), -1));
          }
        });
  }

  /**
   * The status of a pipe.
   *
   * @throws PipeNotFoundException when it is not defined
   */
  public PipeStatus status(String name) {
    PipeDefinition definition = get(name);
    Stored.Control control =
        zk.read(Layout.control(name), Stored.Control.class)
            .map(Zk.Node::value)
            .orElse(Stored.Control.RUNNABLE);
    Optional<Stored.Owner> owner =
        zk.read(Layout.owner(name), Stored.Owner.class).map(Zk.Node::value);
    Optional<Stored.Position> position =
        zk.read(Layout.position(name), Stored.Position.class).map(Zk.Node::value);
    Optional<Stored.Status> reported =
        zk.read(Layout.status(name), Stored.Status.class).map(Zk.Node::value);
    long epoch =
        owner
            .map(Stored.Owner::epoch)
            .orElseGet(() ->
                zk.read(Layout.epoch(name), Stored.Epoch.class)
                    .map(Zk.Node::value)
                    .map(Stored.Epoch::epoch)
                    .orElse(0L));
    Optional<PipePosition> committed = position.flatMap(Stored.Position::toPosition);
    Optional<StartPosition> pending =
        committed.isPresent()
            ? Optional.empty()
            : position.flatMap(Stored.Position::toPendingStart).or(definition::start);

    PipeState state;
    Optional<String> reason = Optional.empty();
    Instant updated = zk.clock().instant();
    PipeMetrics metrics = PipeMetrics.UNKNOWN;
    boolean reportedByOwner =
        owner.isPresent()
            && reported.isPresent()
            && reported.get().epoch() == owner.get().epoch()
            && reported.get().instance() != null
            && reported.get().instance().equals(owner.get().instance());
    if (control.failure() != null) {
      state = PipeState.FAILED;
      reason = Optional.of(control.failure());
      updated = control.failedAt() == null ? updated : Instant.parse(control.failedAt());
    } else if (control.paused()) {
      state = PipeState.PAUSED;
    } else if (owner.isPresent()) {
      state = PipeState.STARTING;
      if (reportedByOwner) {
        Stored.Status s = reported.get();
        state = PipeState.valueOf(s.state());
        reason = Optional.ofNullable(s.reason());
        metrics = new PipeMetrics(s.lagSeconds(), s.lagBytes(), s.rowsPerSecond());
        updated = Instant.parse(s.updatedAt());
      }
    } else {
      state = PipeState.UNASSIGNED;
    }
    return new PipeStatus(
        name,
        state,
        reason,
        owner.map(Stored.Owner::instance),
        epoch,
        committed,
        pending,
        metrics,
        updated);
  }

  /** The status of every pipe, by name. */
  public List<PipeStatus> statuses() {
    List<PipeStatus> all = new ArrayList<>();
    for (String name : zk.children(Layout.PIPES).stream().sorted().toList()) {
      try {
        all.add(status(name));
      } catch (PipeNotFoundException e) {
        // removed while listing
      }
    }
    return all;
  }

  @FunctionalInterface
  private interface StoppedChange {
    void addOps(List<CuratorOp> ops, Zk.Node<Stored.Control> control);
  }

  /**
   * Runs a change that needs the pipe stopped: refuses it while the pipe runs, and bumps the epoch
   * and deletes a releasing owner's node in the same transaction.
   */
  private void changeWhileStopped(String name, String what, StoppedChange change) {
    for (int attempt = 1; ; attempt++) {
      Zk.Node<Stored.Control> control =
          zk.read(Layout.control(name), Stored.Control.class)
              .orElseThrow(() -> new PipeNotFoundException(name));
      Zk.Node<Stored.Epoch> epoch =
          zk.read(Layout.epoch(name), Stored.Epoch.class)
              .orElseThrow(() -> new PipeNotFoundException(name));
      Optional<Stored.Owner> owner =
          zk.read(Layout.owner(name), Stored.Owner.class).map(Zk.Node::value);
      if (owner.isPresent() && control.value().runnable()) {
        throw new PipeConflictException(
            "pipe '"
                + name
                + "' is running on instance "
                + owner.get().instance()
                + " (epoch "
                + owner.get().epoch()
                + "); refusing to "
                + what
                + " it. Pause it first (hamal pipe pause "
                + name
                + "), then "
                + what
                + " it, then resume it");
      }
      List<CuratorOp> ops = new ArrayList<>();
      int version = epoch.stat().getVersion();
      ops.add(
          zk.unchecked(
              "prepare " + what,
              () ->
                  zk.op()
                      .setData()
                      .withVersion(version)
                      .forPath(
                          Layout.epoch(name),
                          zk.encode(
                              new Stored.Epoch(Stored.FORMAT, version + 1L, "operator", now())))));
      if (owner.isPresent()) {
        ops.add(delete(Layout.owner(name), -1));
      }
      change.addOps(ops, control);
      try {
        zk.transaction(what + " pipe " + name, ops);
        return;
      } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
        if (attempt == ATTEMPTS) {
          throw new PipeConflictException(
              "pipe '" + name + "' kept changing while trying to " + what + " it; try again");
        }
      } catch (KeeperException.NodeExistsException e) {
        throw new PipeConflictException(
            "pipe '" + name + "' changed while trying to " + what + " it; try again");
      } catch (KeeperException e) {
        throw Zk.failure(what + " pipe " + name, e);
      }
    }
  }

  private void changeControl(String name, String what, UnaryOperator<Stored.Control> change) {
    for (int attempt = 1; ; attempt++) {
      Zk.Node<Stored.Control> control =
          zk.read(Layout.control(name), Stored.Control.class)
              .orElseThrow(() -> new PipeNotFoundException(name));
      Stored.Control next = change.apply(control.value());
      if (next.equals(control.value())) {
        return;
      }
      try {
        zk.call(
            what + " pipe " + name,
            () ->
                zk.client()
                    .setData()
                    .withVersion(control.stat().getVersion())
                    .forPath(Layout.control(name), zk.encode(next)));
        return;
      } catch (KeeperException.BadVersionException e) {
        if (attempt == ATTEMPTS) {
          throw new PipeConflictException(
              "pipe '" + name + "' kept changing while trying to " + what + " it; try again");
        }
      } catch (KeeperException.NoNodeException e) {
        throw new PipeNotFoundException(name);
      } catch (KeeperException e) {
        throw Zk.failure(what + " pipe " + name, e);
      }
    }
  }

  private void sourceConflict(PipeDefinition definition) {
    Optional<Stored.Source> other =
        zk.read(Layout.source(definition), Stored.Source.class).map(Zk.Node::value);
    if (other.isPresent() && !other.get().pipe().equals(definition.name())) {
      throw new PipeConflictException(
          "pipe '"
              + other.get().pipe()
              + "' already reads "
              + definition.sourceUrl()
              + " as replica server id "
              + definition.serverId()
              + "; two replicas with one server id make the source drop one of them. Give pipe '"
              + definition.name()
              + "' another server id");
    }
  }

  private Stored.Status unassigned(String pipe) {
    return new Stored.Status(
        Stored.FORMAT, PipeState.UNASSIGNED.name(), null, null, 0, -1, -1, -1, now());
  }

  private CuratorOp create(String path, Object value) {
    return zk.unchecked("prepare create", () -> zk.op().create().forPath(path, zk.encode(value)));
  }

  private CuratorOp delete(String path, int version) {
    return zk.unchecked(
        "prepare delete", () -> zk.op().delete().withVersion(version).forPath(path));
  }

  private String now() {
    return zk.clock().instant().toString();
  }
}
