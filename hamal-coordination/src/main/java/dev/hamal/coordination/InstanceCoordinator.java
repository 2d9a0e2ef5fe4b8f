package dev.hamal.coordination;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listener instance in the cluster: registers it, takes part in leader election, claims the
 * pipes the leader assigns to it, and tells the {@link PipeLifecycle} when to start and stop them.
 *
 * <p><b>Design.</b> The leader (a Curator {@link LeaderLatch}) computes a balanced, sticky
 * assignment with {@link Balancer} and writes it to {@code /assignments/<instance>}. Each instance
 * caches the assignment, pipe, control, owner and instance trees and reconciles on every change
 * (and every {@code resync-interval}): it releases what it should no longer run, and claims what is
 * assigned to it by one transaction that checks the pipe is runnable, bumps the epoch by a
 * versioned {@code setData}, creates the ephemeral owner node and marks the status STARTING. A pipe
 * whose owner node still exists is not claimed: a move waits for the old owner to commit and delete
 * its node (or for its session to expire).
 *
 * <p><b>Invariants.</b> (1) At most one owner node per pipe, and it carries the current epoch
 * (claims create it with the bump; reset and remove bump and delete it in one transaction). (2)
 * Every position and status write checks the epoch and the owner node, so only the current owner's
 * writes land. (3) {@code stop} follows {@code start} once per ownership, and graceful stops run
 * while commits are still valid; the owner node is deleted only after {@code stop} returned.
 *
 * <p><b>Threading.</b> Reconciliation, claims and leader work run on one coordination thread;
 * lifecycle callbacks run on one lifecycle thread; Curator's threads only flip flags and enqueue.
 * On SUSPENDED (and LOST, READ_ONLY) every ownership is invalidated on Curator's connection-state
 * thread at once, so {@link OwnedPipe#isValid()} turns false and commits fail before any other
 * instance can claim (that needs this session to expire, a whole session timeout after the
 * connection went quiet, while the client notices after two thirds of it); {@code stop} is queued
 * at the same moment. On RECONNECTED an ownership whose owner node survived under this session is
 * started again under the same epoch; the others are dropped.
 *
 * <p><b>Failure.</b> A failed claim or reconciliation is retried on the next event or after one
 * second. A {@code start} that throws marks the pipe FAILED. A fenced write invalidates the
 * ownership and stops the pipe.
 */
public final class InstanceCoordinator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InstanceCoordinator.class);
  private static final Duration RETRY = Duration.ofSeconds(1);
  private static final Duration COALESCE = Duration.ofMillis(20);

  private final Zk zk;
  private final CoordinatorConfig config;
  private final InstanceInfo self;
  private final PipeLifecycle lifecycle;
  private final PositionStore positions;
  private final ClusterMembership membership;
  private final Runnable onClosed;
  private final ScheduledExecutorService control;
  private final ExecutorService callbacks;
  private final Map<String, CuratorCache> caches = new TreeMap<>();
  private final LeaderLatch latch;
  private final ConcurrentHashMap<String, Ownership> owned = new ConcurrentHashMap<>();
  private final AtomicBoolean reconcileScheduled = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final ConnectionStateListener stateListener = this::onStateChange;
  private volatile boolean connected = true;
  private volatile boolean registered;

  InstanceCoordinator(
      Zk zk,
      CoordinatorConfig config,
      InstanceInfo self,
      PipeLifecycle lifecycle,
      PositionStore positions,
      ClusterMembership membership,
      Runnable onClosed) {
    this.zk = zk;
    this.config = config;
    this.self = self;
    this.lifecycle = lifecycle;
    this.positions = positions;
    this.membership = membership;
    this.onClosed = onClosed;
    this.control =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("hamal-coordination-" + self.id()).factory());
    this.callbacks =
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("hamal-pipe-lifecycle-" + self.id()).factory());
    this.latch = new LeaderLatch(zk.client(), Layout.LEADER, self.id());
  }

  void start() {
    if (!membership.register(self)) {
      throw new CoordinationException(
          "instance id '" + self.id() + "' is still registered by an expiring session; retry");
    }
    registered = true;
    CuratorFramework client = zk.client();
    for (String tree :
        List.of(
            Layout.PIPES, Layout.CONTROLS, Layout.OWNERS, Layout.INSTANCES, Layout.ASSIGNMENTS)) {
      CuratorCache cache = CuratorCache.build(client, tree);
      cache
          .listenable()
          .addListener(
              CuratorCacheListener.builder()
                  .forAll((type, before, after) -> requestReconcile())
                  .forInitialized(this::requestReconcile)
                  .build());
      caches.put(tree, cache);
      cache.start();
    }
    latch.addListener(
        new LeaderLatchListener() {
          @Override
          public void isLeader() {
            log.info("instance {} leads the cluster", self.id());
            requestReconcile();
          }

          @Override
          public void notLeader() {
            log.info("instance {} no longer leads the cluster", self.id());
          }
        },
        control);
    try {
      latch.start();
    } catch (Exception e) {
      throw Zk.failure("join the leader election", e);
    }
    client.getConnectionStateListenable().addListener(stateListener);
    long resync = config.resyncInterval().toMillis();
    control.scheduleWithFixedDelay(this::requestReconcile, resync, resync, TimeUnit.MILLISECONDS);
    requestReconcile();
  }

  /** This instance. */
  public InstanceInfo self() {
    return self;
  }

  /** The pipes this instance owns and has started (or is starting), by name. */
  public Set<String> ownedPipes() {
    Set<String> names = new TreeSet<>();
    owned.forEach((name, o) -> {
      if (o.isValid() && !o.releasing) {
        names.add(name);
      }
    });
    return names;
  }

  /** Whether this instance currently computes the assignments. */
  public boolean isLeader() {
    return latch.hasLeadership();
  }

  /**
   * Graceful shutdown: leaves the membership and the election (so the leader reassigns at once),
   * stops every owned pipe with {@link StopReason#SHUTDOWN} (the lifecycle commits its final
   * position), deletes the owner nodes, and closes. Waits at most {@code hand-off-timeout};
   * ownerships still held then end with the session. Idempotent.
   */
  public void handOff() {
    if (!closing.compareAndSet(false, true)) {
      closed.join();
      return;
    }
    try {
      CompletableFuture<List<CompletableFuture<Void>>> releases = new CompletableFuture<>();
      control.execute(() -> {
        try {
          membership.deregister(self.id());
          closeLatch();
          List<CompletableFuture<Void>> all = new ArrayList<>();
          for (Ownership o : owned.values()) {
            if (!o.releasing) {
              all.add(release(o, StopReason.SHUTDOWN));
            }
          }
          releases.complete(all);
        } catch (RuntimeException e) {
          releases.completeExceptionally(e);
        }
      });
      List<CompletableFuture<Void>> all =
          releases.get(config.handOffTimeout().toMillis(), TimeUnit.MILLISECONDS);
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
          .get(config.handOffTimeout().toMillis(), TimeUnit.MILLISECONDS);
      log.info("instance {} handed off its pipes", self.id());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("instance {}: hand-off interrupted", self.id());
    } catch (ExecutionException | TimeoutException e) {
      log.warn(
          "instance {}: hand-off incomplete after {}; the rest ends with the session",
          self.id(),
          config.handOffTimeout(),
          e);
    } finally {
      shutdown();
    }
  }

  /** Same as {@link #handOff()}. */
  @Override
  public void close() {
    handOff();
  }

  private void shutdown() {
    zk.client().getConnectionStateListenable().removeListener(stateListener);
    closeLatch();
    caches.values().forEach(CuratorCache::close);
    control.shutdownNow();
    callbacks.shutdown();
    try {
      if (!callbacks.awaitTermination(config.handOffTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        callbacks.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      callbacks.shutdownNow();
    }
    closed.complete(null);
    onClosed.run();
  }

  private void closeLatch() {
    if (latch.getState() == LeaderLatch.State.STARTED) {
      try {
        latch.close();
      } catch (Exception e) {
        log.debug("instance {}: closing the leader latch failed", self.id(), e);
      }
    }
  }

  // ---- connection states (Curator's connection-state thread: flags and queues only) ----

  private void onStateChange(CuratorFramework client, ConnectionState state) {
    switch (state) {
      case SUSPENDED, READ_ONLY -> suspend(StopReason.SUSPENDED);
      case LOST -> {
        suspend(StopReason.LOST);
        submit(this::onLost);
      }
      case RECONNECTED -> submit(this::onReconnected);
      case CONNECTED -> connected = true;
    }
  }

  private void suspend(StopReason reason) {
    connected = false;
    for (Ownership o : owned.values()) {
      if (o.invalidate(reason)) {
        log.warn("pipe {}: connection {}, stopping at once ({})", o.pipe(), reason, o.token());
        deliver(() -> deliverStop(o, reason));
      }
    }
  }

  private void onLost() {
    registered = false;
    for (Ownership o : owned.values()) {
      if (!o.releasing) {
        owned.remove(o.pipe(), o);
      }
    }
  }

  private void onReconnected() {
    connected = true;
    if (closing.get()) {
      return;
    }
    registered = membership.register(self);
    long session = zk.sessionId();
    for (Ownership o : owned.values()) {
      if (o.releasing || o.isValid()) {
        continue;
      }
      Optional<Zk.Node<Stored.Owner>> node = zk.read(Layout.owner(o.pipe()), Stored.Owner.class);
      boolean kept =
          node.isPresent()
              && node.get().stat().getEphemeralOwner() == session
              && node.get().value().epoch() == o.token().epoch();
      if (kept) {
        Ownership renewed = o.renew(positions.read(o.pipe()));
        owned.put(o.pipe(), renewed);
        log.info("pipe {}: ownership {} survived the disconnection; starting again", o.pipe(), o);
        deliver(() -> deliverStart(renewed));
      } else {
        owned.remove(o.pipe(), o);
      }
    }
    requestReconcile();
  }

  // ---- reconciliation (coordination thread) ----

  private void requestReconcile() {
    if (reconcileScheduled.compareAndSet(false, true)) {
      try {
        control.schedule(this::reconcileNow, COALESCE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        reconcileScheduled.set(false);
      }
    }
  }

  private void reconcileNow() {
    reconcileScheduled.set(false);
    try {
      reconcile();
    } catch (RuntimeException e) {
      log.warn("instance {}: reconciliation failed, retrying in {}", self.id(), RETRY, e);
      try {
        control.schedule(this::requestReconcile, RETRY.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        // shutting down
      }
    }
  }

  private void reconcile() {
    if (closing.get() || !connected) {
      return;
    }
    if (!registered) {
      registered = membership.register(self);
      if (!registered) {
        control.schedule(this::requestReconcile, RETRY.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    Map<String, PipeDefinition> pipes = new HashMap<>();
    cached(Layout.PIPES, Stored.Pipe.class).forEach((k, v) -> pipes.put(k, v.toDefinition()));
    Map<String, Stored.Control> controls = cached(Layout.CONTROLS, Stored.Control.class);
    Map<String, Stored.Owner> owners = cached(Layout.OWNERS, Stored.Owner.class);
    Map<String, Stored.Assignment> assignments =
        cached(Layout.ASSIGNMENTS, Stored.Assignment.class);
    if (latch.hasLeadership()) {
      assignments = rebalance(pipes.keySet(), controls, owners, assignments);
    }
    Set<String> mine =
        Optional.ofNullable(assignments.get(self.id()))
            .map(a -> (Set<String>) new TreeSet<>(a.pipes()))
            .orElse(Set.of());

    for (Ownership o : owned.values()) {
      if (o.releasing || !o.isValid()) {
        continue;
      }
      PipeDefinition definition = pipes.get(o.pipe());
      Stored.Control c = controls.get(o.pipe());
      StopReason reason = null;
      if (definition == null || c == null) {
        reason = StopReason.REMOVED;
      } else if (c.paused()) {
        reason = StopReason.PAUSED;
      } else if (c.failure() != null) {
        reason = StopReason.FAILED;
      } else if (!mine.contains(o.pipe())) {
        reason = StopReason.REASSIGNED;
      } else if (!definition.equals(o.definition())) {
        reason = StopReason.DEFINITION_CHANGED;
      }
      if (reason != null) {
        release(o, reason);
      }
    }
    owners.forEach((pipe, owner) -> {
      if (self.id().equals(owner.instance()) && !owned.containsKey(pipe)) {
        log.info("pipe {}: deleting a stale owner node of epoch {}", pipe, owner.epoch());
        deleteOwner(pipe, owner.epoch());
      }
    });
    for (String pipe : mine) {
      Stored.Control c = controls.get(pipe);
      if (!owned.containsKey(pipe)
          && pipes.containsKey(pipe)
          && c != null
          && c.runnable()
          && !owners.containsKey(pipe)) {
        claim(pipes.get(pipe));
      }
    }
  }

  private Map<String, Stored.Assignment> rebalance(
      Set<String> pipes,
      Map<String, Stored.Control> controls,
      Map<String, Stored.Owner> owners,
      Map<String, Stored.Assignment> assignments) {
    Set<String> live = new TreeSet<>(cachedNames(Layout.INSTANCES));
    Set<String> runnable = new TreeSet<>();
    for (String pipe : pipes) {
      Stored.Control c = controls.get(pipe);
      if (c != null && c.runnable()) {
        runnable.add(pipe);
      }
    }
    Map<String, String> current = new HashMap<>();
    owners.forEach((pipe, owner) -> {
      if (live.contains(owner.instance())) {
        current.put(pipe, owner.instance());
      }
    });
    assignments.forEach((instance, a) -> {
      if (live.contains(instance)) {
        a.pipes().forEach(pipe -> current.put(pipe, instance));
      }
    });
    Map<String, TreeSet<String>> next = Balancer.assign(live, runnable, current);
    Map<String, Stored.Assignment> written = new HashMap<>();
    String now = zk.clock().instant().toString();
    for (Map.Entry<String, TreeSet<String>> e : next.entrySet()) {
      List<String> want = List.copyOf(e.getValue());
      Stored.Assignment have = assignments.get(e.getKey());
      if (have != null && have.pipes().equals(want)) {
        written.put(e.getKey(), have);
        continue;
      }
      Stored.Assignment a = new Stored.Assignment(Stored.FORMAT, want, self.id(), now);
      byte[] data = zk.encode(a);
      zk.unchecked(
          "write the assignment of " + e.getKey(),
          () ->
              zk.client()
                  .create()
                  .orSetData()
                  .withMode(CreateMode.PERSISTENT)
                  .forPath(Layout.assignment(e.getKey()), data));
      log.info("assigned {} to instance {}", want, e.getKey());
      written.put(e.getKey(), a);
    }
    for (String instance : assignments.keySet()) {
      if (!live.contains(instance)) {
        try {
          zk.call(
              "delete the assignment of " + instance,
              () -> zk.client().delete().forPath(Layout.assignment(instance)));
        } catch (KeeperException e) {
          // already gone
        }
      }
    }
    return written;
  }

  private void claim(PipeDefinition definition) {
    String pipe = definition.name();
    Optional<Zk.Node<Stored.Epoch>> epochNode = zk.read(Layout.epoch(pipe), Stored.Epoch.class);
    Optional<Zk.Node<Stored.Control>> controlNode =
        zk.read(Layout.control(pipe), Stored.Control.class);
    if (epochNode.isEmpty() || controlNode.isEmpty() || !controlNode.get().value().runnable()) {
      return;
    }
    int version = epochNode.get().stat().getVersion();
    long epoch = version + 1L;
    OwnershipToken token = new OwnershipToken(pipe, epoch);
    long session = zk.sessionId();
    String now = zk.clock().instant().toString();
    List<CuratorOp> ops = new ArrayList<>();
    ops.add(
        zk.unchecked(
            "prepare claim",
            () ->
                zk.op()
                    .check()
                    .withVersion(controlNode.get().stat().getVersion())
                    .forPath(Layout.control(pipe))));
    ops.add(
        zk.unchecked(
            "prepare claim",
            () ->
                zk.op()
                    .setData()
                    .withVersion(version)
                    .forPath(
                        Layout.epoch(pipe),
                        zk.encode(new Stored.Epoch(Stored.FORMAT, epoch, self.id(), now)))));
    ops.add(
        zk.unchecked(
            "prepare claim",
            () ->
                zk.op()
                    .create()
                    .withMode(CreateMode.EPHEMERAL)
                    .forPath(
                        Layout.owner(pipe),
                        zk.encode(
                            new Stored.Owner(Stored.FORMAT, self.id(), epoch, session, now)))));
    ops.add(statusWrite(token, PipeState.STARTING, Optional.empty(), PipeMetrics.UNKNOWN));
    try {
      zk.transaction("claim pipe " + pipe, ops);
    } catch (KeeperException.NodeExistsException e) {
      return; // another instance still owns it; its owner node's deletion triggers a retry
    } catch (KeeperException e) {
      requestReconcile(); // paused, removed or claimed concurrently: look again
      return;
    } catch (CoordinationException e) {
      // The outcome is unknown after a connection loss: adopt the claim if it landed.
      Optional<Zk.Node<Stored.Owner>> node = zk.read(Layout.owner(pipe), Stored.Owner.class);
      if (node.isEmpty()
          || node.get().value().epoch() != epoch
          || !self.id().equals(node.get().value().instance())) {
        throw e;
      }
    }
    Optional<Stored.Position> stored =
        zk.read(Layout.position(pipe), Stored.Position.class).map(Zk.Node::value);
    Ownership o =
        new Ownership(
            this,
            positions,
            self.id(),
            definition,
            token,
            stored.flatMap(Stored.Position::toPosition),
            stored
                .flatMap(Stored.Position::toPendingStart)
                .or(definition::start)
                .orElse(StartPosition.latest()));
    owned.put(pipe, o);
    if (!connected) {
      o.invalidate(StopReason.SUSPENDED); // onReconnected re-checks it
      return;
    }
    log.info("pipe {}: claimed by instance {} with epoch {}", pipe, self.id(), epoch);
    deliver(() -> deliverStart(o));
  }

  /** Stops a pipe on the lifecycle thread, then deletes its owner node and forgets it. */
  private CompletableFuture<Void> release(Ownership o, StopReason reason) {
    o.releasing = true;
    log.info("pipe {}: releasing {} ({})", o.pipe(), o.token(), reason);
    CompletableFuture<Void> done = new CompletableFuture<>();
    deliver(() -> {
      try {
        deliverStop(o, reason);
        o.invalidate(reason);
        deleteOwner(o.pipe(), o.token().epoch());
      } finally {
        submit(() -> {
          owned.remove(o.pipe(), o);
          requestReconcile();
        });
        done.complete(null);
      }
    });
    return done;
  }

  private void deleteOwner(String pipe, long epoch) {
    try {
      zk.transaction(
          "release pipe " + pipe,
          List.of(
              zk.unchecked(
                  "prepare release",
                  () ->
                      zk.op()
                          .check()
                          .withVersion(Math.toIntExact(epoch))
                          .forPath(Layout.epoch(pipe))),
              zk.unchecked("prepare release", () -> zk.op().delete().forPath(Layout.owner(pipe)))));
    } catch (KeeperException e) {
      log.debug("pipe {}: owner node of epoch {} already gone", pipe, epoch);
    } catch (CoordinationException e) {
      log.warn(
          "pipe {}: could not delete the owner node of epoch {}; it ends with the session",
          pipe,
          epoch,
          e);
    }
  }

  // ---- called from ownerships (any thread) ----

  CuratorOp statusWrite(
      OwnershipToken token, PipeState state, Optional<String> reason, PipeMetrics metrics) {
    Stored.Status status =
        new Stored.Status(
            Stored.FORMAT,
            state.name(),
            reason.orElse(null),
            self.id(),
            token.epoch(),
            metrics.lagSeconds(),
            metrics.lagBytes(),
            metrics.rowsPerSecond(),
            zk.clock().instant().toString());
    return zk.unchecked(
        "prepare status",
        () -> zk.op().setData().forPath(Layout.status(token.pipe()), zk.encode(status)));
  }

  void fenced(Ownership o) {
    if (o.invalidate(StopReason.FENCED)) {
      log.warn("pipe {}: {} was fenced; stopping", o.pipe(), o.token());
      submit(() -> {
        if (!o.releasing) {
          release(o, StopReason.FENCED);
        }
      });
    }
  }

  void fail(Ownership o, String reason) {
    if (!o.isValid()) {
      log.warn("pipe {}: failure '{}' not recorded, {} is no longer valid", o.pipe(), reason, o);
      return;
    }
    OwnershipToken token = o.token();
    try {
      Zk.Node<Stored.Control> c =
          zk.read(Layout.control(o.pipe()), Stored.Control.class)
              .orElseThrow(() -> new PipeNotFoundException(o.pipe()));
      List<CuratorOp> ops = positions.guard(token);
      ops.add(
          zk.unchecked(
              "prepare failure",
              () ->
                  zk.op()
                      .setData()
                      .withVersion(c.stat().getVersion())
                      .forPath(
                          Layout.control(o.pipe()),
                          zk.encode(c.value().withFailure(reason, zk.clock().instant())))));
      ops.add(statusWrite(token, PipeState.FAILED, Optional.of(reason), PipeMetrics.UNKNOWN));
      ops.add(
          zk.unchecked("prepare failure", () -> zk.op().delete().forPath(Layout.owner(o.pipe()))));
      positions.fenced(token, "record failure", ops);
      log.error("pipe {}: FAILED under {}: {}", o.pipe(), token, reason);
    } catch (CoordinationException e) {
      log.warn("pipe {}: could not record failure '{}' under {}", o.pipe(), reason, token, e);
    }
    if (o.invalidate(StopReason.FAILED)) {
      submit(() -> {
        if (!o.releasing) {
          release(o, StopReason.FAILED);
        }
      });
    }
  }

  // ---- lifecycle thread ----

  private void deliverStart(Ownership o) {
    if (!o.isValid() || o.startCalled) {
      return;
    }
    o.startCalled = true;
    try {
      lifecycle.start(o);
    } catch (RuntimeException e) {
      log.error("pipe {}: start failed", o.pipe(), e);
      fail(o, "start failed: " + e);
    }
  }

  private void deliverStop(Ownership o, StopReason reason) {
    if (!o.startCalled || o.stopCalled) {
      return;
    }
    o.stopCalled = true;
    try {
      lifecycle.stop(o.pipe(), reason);
    } catch (RuntimeException e) {
      log.error("pipe {}: stop ({}) failed", o.pipe(), reason, e);
    }
  }

  // ---- helpers ----

  private void deliver(Runnable task) {
    try {
      callbacks.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("instance {}: lifecycle thread closed, dropping a callback", self.id());
    }
  }

  private void submit(Runnable task) {
    try {
      control.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          log.warn("instance {}: coordination task failed", self.id(), e);
          requestReconcile();
        }
      });
    } catch (RejectedExecutionException e) {
      log.debug("instance {}: coordination thread closed, dropping a task", self.id());
    }
  }

  private <T extends Stored.Versioned> Map<String, T> cached(String tree, Class<T> type) {
    Map<String, T> values = new HashMap<>();
    caches.get(tree).stream()
        .filter(d -> !d.getPath().equals(tree))
        .forEach((ChildData d) -> {
          try {
            values.put(Layout.name(d.getPath()), zk.decode(d.getPath(), d.getData(), type));
          } catch (CoordinationException e) {
            log.warn("ignoring {}: {}", d.getPath(), e.getMessage());
          }
        });
    return values;
  }

  private Set<String> cachedNames(String tree) {
    Set<String> names = new TreeSet<>();
    caches.get(tree).stream()
        .filter(d -> !d.getPath().equals(tree))
        .forEach(d -> names.add(Layout.name(d.getPath())));
    return names;
  }
}
