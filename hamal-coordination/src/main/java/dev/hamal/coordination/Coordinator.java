package dev.hamal.coordination;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection of one process to the Hamal cluster in ZooKeeper, and the entry point to
 * everything this module offers: the {@link PipeRegistry} (operators, CLI), the {@link
 * PositionStore}, the {@link ClusterMembership}, and, for a listener instance, {@link
 * #startInstance}.
 *
 * <p><b>Connection states.</b> Curator reports them on its connection-state thread; this class logs
 * each one and keeps {@link #isConnected()}; the {@link InstanceCoordinator} acts on them:
 * SUSPENDED stops every owned pipe at once, LOST drops every ownership, RECONNECTED re-checks each
 * owner node (it is gone when the session expired) and re-registers the instance.
 *
 * <p>Thread-safe. One {@link InstanceCoordinator} at most per coordinator. {@link #close()} hands
 * off a running instance first, then closes the ZooKeeper session (its ephemeral nodes go at once).
 */
public final class Coordinator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

  private final CoordinatorConfig config;
  private final CuratorFramework client;
  private final Zk zk;
  private final PipeRegistry pipes;
  private final PositionStore positions;
  private final ClusterMembership membership;
  private final AtomicReference<InstanceCoordinator> instance = new AtomicReference<>();
  private volatile boolean connected = true;

  private Coordinator(CoordinatorConfig config, CuratorFramework client) {
    this.config = config;
    this.client = client;
    this.zk = new Zk(client, config.clock());
    this.pipes = new PipeRegistry(zk);
    this.positions = new PositionStore(zk);
    this.membership = new ClusterMembership(zk);
  }

  /**
   * Connects and waits for the first connection.
   *
   * @throws CoordinationException when no connection is made within {@code connection-timeout}
   */
  public static Coordinator connect(CoordinatorConfig config) {
    CuratorFramework client =
        CuratorFrameworkFactory.builder()
            .connectString(config.connectString())
            .namespace(config.namespace())
            .sessionTimeoutMs(Math.toIntExact(config.sessionTimeout().toMillis()))
            .connectionTimeoutMs(Math.toIntExact(config.connectionTimeout().toMillis()))
            .retryPolicy(
                new BoundedExponentialBackoffRetry(
                    Math.toIntExact(config.retryBaseSleep().toMillis()),
                    Math.toIntExact(config.retryMaxSleep().toMillis()),
                    config.retryMaxRetries()))
            .build();
    Coordinator coordinator = new Coordinator(config, client);
    client.getConnectionStateListenable().addListener((c, s) -> coordinator.onStateChange(s));
    client.start();
    try {
      if (!client.blockUntilConnected(
          Math.toIntExact(config.connectionTimeout().toMillis()), TimeUnit.MILLISECONDS)) {
        throw new CoordinationException(
            "could not connect to ZooKeeper at "
                + config.connectString()
                + " within "
                + config.connectionTimeout()
                + " (coordination.connection-timeout)");
      }
      coordinator.createTrees();
      return coordinator;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      client.close();
      throw new CoordinationException("interrupted while connecting to ZooKeeper", e);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** The settings this coordinator runs with. */
  public CoordinatorConfig config() {
    return config;
  }

  /** Pipe definitions and operator controls. */
  public PipeRegistry pipes() {
    return pipes;
  }

  /** Committed positions. */
  public PositionStore positions() {
    return positions;
  }

  /** Live instances. */
  public ClusterMembership membership() {
    return membership;
  }

  /** The Curator client, for tests in this package (session expiry injection). */
  CuratorFramework client() {
    return client;
  }

  /**
   * Takes the cluster-wide lock {@code name} if no one holds it, without waiting: for periodic work
   * that one instance of a role should do at a time (the processors' reconciliation). The lock is a
   * Curator semaphore mutex under {@code /locks}; it is released by closing the returned handle, or
   * by ZooKeeper when this session ends.
   *
   * @return the held lock, or empty when another instance holds it
   * @throws CoordinationException if ZooKeeper cannot be asked
   */
  public Optional<AutoCloseable> tryLock(String name) {
    var mutex =
        new org.apache.curator.framework.recipes.locks.InterProcessSemaphoreMutex(
            client, "/locks/" + name);
    try {
      if (!mutex.acquire(0, TimeUnit.MILLISECONDS)) {
        return Optional.empty();
      }
    } catch (Exception e) {
      throw new CoordinationException("cannot take the lock " + name + ": " + e.getMessage(), e);
    }
    return Optional.of(() -> {
      try {
        mutex.release();
      } catch (Exception e) {
        throw new CoordinationException("cannot release the lock " + name, e);
      }
    });
  }

  /** Whether the session is connected now (not suspended, not lost). */
  public boolean isConnected() {
    return connected;
  }

  /**
   * Registers this process as a listener instance and starts taking pipes. Callbacks run on a
   * thread of the returned coordinator, never on Curator's.
   *
   * @throws CoordinationException when an instance was already started on this coordinator, or
   *     another live instance has the same id
   */
  public InstanceCoordinator startInstance(InstanceInfo self, PipeLifecycle lifecycle) {
    InstanceCoordinator created =
        new InstanceCoordinator(
            zk, config, self, lifecycle, positions, membership, () -> instance.set(null));
    if (!instance.compareAndSet(null, created)) {
      throw new CoordinationException(
          "an instance (" + instance.get().self().id() + ") already runs on this coordinator");
    }
    try {
      created.start();
      return created;
    } catch (RuntimeException e) {
      created.close();
      throw e;
    }
  }

  /** Hands off a running instance, then closes the session. */
  @Override
  public void close() {
    InstanceCoordinator running = instance.get();
    if (running != null) {
      running.handOff();
    }
    client.close();
  }

  private void onStateChange(ConnectionState state) {
    connected = state.isConnected();
    switch (state) {
      case SUSPENDED ->
          log.warn("ZooKeeper connection suspended: owned pipes stop until it is back");
      case LOST -> log.warn("ZooKeeper session lost: every ownership of this process is gone");
      case RECONNECTED -> log.info("ZooKeeper connection re-established");
      case READ_ONLY -> log.warn("ZooKeeper connection is read-only: owned pipes stop");
      case CONNECTED ->
          log.info(
              "connected to ZooKeeper at {} (namespace {}, session timeout {} ms negotiated)",
              config.connectString(),
              config.namespace(),
              negotiatedSessionTimeout());
    }
  }

  private int negotiatedSessionTimeout() {
    try {
      return client.getZookeeperClient().getZooKeeper().getSessionTimeout();
    } catch (Exception e) {
      return -1;
    }
  }

  private void createTrees() {
    for (String tree : Layout.TREES) {
      try {
        zk.call("create " + tree, () -> client.create().creatingParentsIfNeeded().forPath(tree));
      } catch (KeeperException.NodeExistsException e) {
        // already there
      } catch (KeeperException e) {
        throw Zk.failure("create " + tree, e);
      }
    }
  }
}
