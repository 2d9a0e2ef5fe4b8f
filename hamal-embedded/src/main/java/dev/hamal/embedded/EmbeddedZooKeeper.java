package dev.hamal.embedded;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One standalone ZooKeeper server for the demo and the tests, run in this JVM by ZooKeeper's own
 * {@link ZooKeeperServerEmbedded}, listening on 127.0.0.1. Curator and plain ZooKeeper clients
 * connect to {@link #connectString()}.
 *
 * <p><b>Why in process.</b> ZooKeeper's dependencies (netty, slf4j) are the application's already:
 * the coordination module's Curator brings the same ZooKeeper jar. What chaos tests need from the
 * server is what a real one does: a {@link #restart()} closes every connection and brings the data
 * back from disk, and {@link #expireSession(long)} expires a session on the server (its ephemeral
 * nodes vanish, its client sees {@code Expired}), the way a long pause or a partition would.
 *
 * <p><b>Life cycle.</b> {@link #start(EmbeddedZooKeeperConfig)} starts the server and returns once
 * it accepts connections. {@link #stop()} shuts it down (clients see their connection drop); {@link
 * #start()} and {@link #restart()} bring it back on the same port and data directory, and clients
 * that come back within their session timeout keep their sessions, as with a real server. {@link
 * #close()} stops it for good and deletes a temporary data directory. The admin server is off;
 * four-letter words keep ZooKeeper's default white list ({@code srvr}).
 *
 * <p><b>Invariants.</b> The port is fixed by the first start and never changes; the data directory
 * never changes.
 *
 * <p><b>Threading.</b> Life-cycle methods are serialised by one lock; accessors are lock-free. The
 * JVM shutdown hook closes a server that was not closed.
 *
 * <p><b>Failure.</b> A port taken by another process, or a server that does not accept clients
 * within the start timeout, throws {@link EmbeddedZooKeeperException}; nothing is left running.
 * Note that ZooKeeper copies unknown configuration keys (here {@code admin.enableServer}) into JVM
 * system properties prefixed with {@code zookeeper.}.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {

  static final String SNAPSHOT_DIR = "data";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedZooKeeper.class);
  private static final String HOST = Ports.HOST;
  private static final String GENERATED_CONFIG_PREFIX = "zookeeper.configuration";

  /** The exit hook waits for the lock as long as a start or stop holding it takes. */
  private static final Duration HOOK_LOCK_WAIT = Duration.ofMillis(Long.MAX_VALUE);

  private final EmbeddedZooKeeperConfig config;
  private final Path dataDir;
  private final ServerLifecycle lifecycle;

  private volatile int port;
  private volatile ZooKeeperServerEmbedded server;

  private EmbeddedZooKeeper(EmbeddedZooKeeperConfig config, ServerLifecycle.DataDir dir) {
    this.config = config;
    this.dataDir = dir.path();
    this.port = config.port().orElse(0);
    this.lifecycle =
        new ServerLifecycle(
            "zookeeper", dir, config.settings(), HOOK_LOCK_WAIT, this::describe, new InProcess());
  }

  /**
   * Starts a server; returns once it accepts connections.
   *
   * @throws EmbeddedZooKeeperException when it does not start; nothing is left running
   */
  public static EmbeddedZooKeeper start(EmbeddedZooKeeperConfig config) {
    Objects.requireNonNull(config, "config");
    EmbeddedZooKeeper zooKeeper =
        new EmbeddedZooKeeper(
            config, ServerLifecycle.DataDir.of(config.settings(), "zookeeper", true));
    zooKeeper.lifecycle.open();
    return zooKeeper;
  }

  /** {@code 127.0.0.1:port}, the connect string of Curator and ZooKeeper clients. */
  public String connectString() {
    return HOST + ":" + port;
  }

  /** The client port (fixed by the first start). */
  public int port() {
    return port;
  }

  /** The data directory (snapshots and transaction logs are in its {@code data/}). */
  public Path dataDir() {
    return dataDir;
  }

  /** The configuration the server was started with. */
  public EmbeddedZooKeeperConfig config() {
    return config;
  }

  /** Whether the server is running (false after stop and close). */
  public boolean isRunning() {
    return lifecycle.state() == ServerLifecycle.State.RUNNING;
  }

  /**
   * Starts the server again on the same port and data after {@link #stop()}; does nothing when it
   * is running.
   *
   * @throws IllegalStateException after {@link #close()}
   * @throws EmbeddedZooKeeperException when it does not start (for example, the port was taken)
   */
  public void start() {
    lifecycle.start();
  }

  /** Shuts the server down and keeps its data; does nothing when it is not running. */
  public void stop() {
    lifecycle.stop();
  }

  /** {@link #stop()} then {@link #start()}: same port, same data. */
  public void restart() {
    lifecycle.restart();
  }

  /**
   * Expires a session on the server, as its timeout passing without a heartbeat would: its
   * ephemeral nodes are deleted, its watchers fire, and its client is told {@code Expired} when it
   * reconnects. Uses the server's JMX operation {@code terminateSession} of the session's
   * connection.
   *
   * @param sessionId the client's {@code ZooKeeper.getSessionId()}
   * @return false when no connected session has this id (it may be expired already)
   * @throws IllegalStateException when the server is not running
   */
  public boolean expireSession(long sessionId) {
    return lifecycle.locked(() -> expireSessionLocked(sessionId));
  }

  private boolean expireSessionLocked(long sessionId) {
    if (lifecycle.state() != ServerLifecycle.State.RUNNING) {
      throw new IllegalStateException(describe() + " is not running");
    }
    MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
    String hex = "0x" + Long.toHexString(sessionId);
    try {
      Set<ObjectName> connections =
          beans.queryNames(
              new ObjectName(
                  "org.apache.ZooKeeperService:name0=StandaloneServer_port"
                      + port
                      + ",name1=Connections,*"),
              null);
      for (ObjectName connection : connections) {
        if (hex.equals(String.valueOf(beans.getAttribute(connection, "SessionId")))) {
          beans.invoke(connection, "terminateSession", new Object[0], new String[0]);
          log.info("Expired session {} on {}", hex, describe());
          return true;
        }
      }
      return false;
    } catch (JMException e) {
      throw new EmbeddedZooKeeperException("cannot expire session " + hex + " on " + describe(), e);
    }
  }

  /**
   * Stops the server and deletes its data directory when it was a temporary one. Idempotent. Does
   * nothing for a {@linkplain EmbeddedZooKeeperConfig#jvmScoped() JVM-scoped} server.
   */
  @Override
  public void close() {
    lifecycle.close();
  }

  @Override
  public String toString() {
    return describe();
  }

  private String describe() {
    return "zookeeper@" + HOST + ":" + (port == 0 ? "?" : port) + " (" + dataDir + ")";
  }

  /** Runs the server in this JVM; the exit hook closes it only while holding the lock. */
  private final class InProcess implements ServerLifecycle.Engine {

    @Override
    public void launch() {
      EmbeddedZooKeeper.this.launch();
    }

    @Override
    public void terminate() {
      EmbeddedZooKeeper.this.terminate();
    }

    @Override
    public boolean isAlive() {
      return server != null;
    }

    @Override
    public void haltOnExit(boolean locked) {
      if (locked) {
        terminate();
      }
    }
  }

  private void launch() {
    if (port == 0) {
      port = Ports.free();
    } else if (!Ports.isFree(port)) {
      throw new EmbeddedZooKeeperException(
          "port " + port + " of " + describe() + " is in use by another process", null);
    }
    deleteGeneratedConfigs();
    Properties p = new Properties();
    p.setProperty("clientPort", Integer.toString(port));
    p.setProperty("clientPortAddress", HOST);
    p.setProperty("dataDir", dataDir.resolve(SNAPSHOT_DIR).toString());
    p.setProperty("tickTime", Long.toString(config.tickTime().toMillis()));
    p.setProperty("minSessionTimeout", Long.toString(config.minSessionTimeout().toMillis()));
    p.setProperty("maxSessionTimeout", Long.toString(config.maxSessionTimeout().toMillis()));
    p.setProperty("maxClientCnxns", "0");
    p.setProperty("admin.enableServer", "false");
    long started = System.nanoTime();
    ZooKeeperServerEmbedded embedded = null;
    try {
      embedded =
          ZooKeeperServerEmbedded.builder()
              .baseDir(dataDir)
              .configuration(p)
              .exitHandler(ExitHandler.LOG_ONLY)
              .build();
      embedded.start(config.startTimeout().toMillis());
      if (!Ports.accepts(port, (int) config.startTimeout().toMillis())) {
        throw new IOException("the server does not accept connections on port " + port);
      }
    } catch (Exception e) {
      if (embedded != null) {
        embedded.close();
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new EmbeddedZooKeeperException("cannot start " + describe() + ": " + e, e);
    }
    server = embedded;
    log.info(
        "Started {} in {} ms",
        describe(),
        Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  private void terminate() {
    ZooKeeperServerEmbedded s = server;
    if (s == null) {
      return;
    }
    long started = System.nanoTime();
    s.close();
    server = null;
    log.info(
        "Stopped {} in {} ms",
        describe(),
        Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  /** ZooKeeperServerEmbedded writes a new configuration file at every start; keep only one. */
  private void deleteGeneratedConfigs() {
    try (DirectoryStream<Path> old =
        Files.newDirectoryStream(dataDir, GENERATED_CONFIG_PREFIX + "*.properties")) {
      for (Path file : old) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      log.debug("Could not delete old configuration files in {}", dataDir, e);
    }
  }
}
