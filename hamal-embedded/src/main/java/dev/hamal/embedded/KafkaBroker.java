package dev.hamal.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka broker for the demo, the tests and the benchmarks: a KRaft node that is both broker and
 * controller, listening on 127.0.0.1, run in a child JVM.
 *
 * <p><b>Why a child JVM.</b> The broker ({@code kafka_2.13}) brings Scala, its own Jackson, log4j2
 * and more; the application runs kafka-clients, Jackson 2.23 and logback. The broker's class path
 * is resolved at build time by the module {@code hamal-kafka-broker} (see {@link
 * KafkaBrokerClassPath}) and never touches the application's. A child process also makes chaos
 * real: {@link #kill()} is a SIGKILL, after which Kafka recovers its logs like after a crash.
 *
 * <p><b>Life cycle.</b> {@link #start(KafkaBrokerConfig)} writes {@code server.properties} into the
 * data directory, launches the child ({@code java} from {@code java.home}, output appended to
 * {@code kafka.log} in the data directory), which formats a new log directory and starts Kafka; it
 * returns once {@code Admin.describeCluster()} lists the broker. {@link #stop()} sends SIGTERM (a
 * controlled shutdown) and SIGKILLs after the stop timeout; {@link #kill()} SIGKILLs at once.
 * {@link #start()} and {@link #restart()} bring the broker back on the same ports and data, so
 * clients reconnect by themselves and committed records survive. {@link #close()} stops it for good
 * and deletes a temporary data directory.
 *
 * <p><b>Never left behind.</b> A JVM shutdown hook, registered at start and removed by {@code
 * close()}, stops the broker when the JVM exits without closing. A JVM killed with SIGKILL cannot
 * run hooks; the child then notices that its standard input (a pipe this object holds open and
 * never writes to) reached its end, or that its parent process is gone, and exits within seconds.
 *
 * <p><b>Invariants.</b> Both ports are fixed by the first successful start and never change; the
 * data directory and the cluster id never change. Only this object writes {@code server.properties}
 * and {@code kafka.log}.
 *
 * <p><b>Threading.</b> Life-cycle methods are serialised by one lock and may be called from any
 * thread; accessors are lock-free. The shutdown hook waits briefly for the lock and otherwise kills
 * the child without it.
 *
 * <p><b>Failure.</b> A child that exits while starting, or a broker that is not listed within the
 * start timeout, is killed and reported as {@link KafkaStartException} with the tail of {@code
 * kafka.log}. Free ports taken by another process between choosing and binding are retried with new
 * ports, at most {@value #PORT_ATTEMPTS} times.
 */
public final class KafkaBroker implements AutoCloseable {

  static final String LOG_FILE = "kafka.log";
  static final String PROPERTIES_FILE = "server.properties";
  static final String LOG_DIR = "kraft";

  private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
  private static final String HOST = Ports.HOST;
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final int NODE_ID = 1;
  private static final int PORT_ATTEMPTS = 3;
  private static final Duration READY_POLL = Duration.ofMillis(50);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(2);

  private final KafkaBrokerConfig config;
  private final KafkaBrokerClassPath classPath;
  private final Path dataDir;
  private final ChildProcess child;
  private final ServerLifecycle lifecycle;

  private volatile int port;
  private volatile int controllerPort;
  private volatile String clusterId = "";

  private KafkaBroker(
      KafkaBrokerConfig config, KafkaBrokerClassPath classPath, ServerLifecycle.DataDir dir) {
    this.config = config;
    this.classPath = classPath;
    this.dataDir = dir.path();
    this.port = config.port().orElse(0);
    this.controllerPort = config.controllerPort().orElse(0);
    this.child =
        new ChildProcess(
            log,
            this::describe,
            logFile(),
            config.settings(),
            KafkaStartException.class,
            KafkaStartException::new,
            this::launch);
    this.lifecycle =
        new ServerLifecycle(
            "kafka", dir, config.settings(), ServerLifecycle.HOOK_LOCK_WAIT, this::describe, child);
  }

  /**
   * Starts a broker; returns once it answers {@code describeCluster}.
   *
   * @throws KafkaBrokerException when the broker's class path cannot be found
   * @throws KafkaStartException when the broker does not start; nothing is left running
   */
  public static KafkaBroker start(KafkaBrokerConfig config) {
    Objects.requireNonNull(config, "config");
    KafkaBrokerClassPath classPath = KafkaBrokerClassPath.load();
    KafkaBroker broker =
        new KafkaBroker(
            config, classPath, ServerLifecycle.DataDir.of(config.settings(), "kafka", true));
    broker.lifecycle.open();
    return broker;
  }

  /** {@code 127.0.0.1:port}, the {@code bootstrap.servers} of clients. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /** The client port (fixed by the first start). */
  public int port() {
    return port;
  }

  /** The KRaft controller port (fixed by the first start). */
  public int controllerPort() {
    return controllerPort;
  }

  /** The cluster id the data directory was formatted with. */
  public String clusterId() {
    return clusterId;
  }

  /** The Kafka version of the broker's class path, e.g. {@code 4.4.0}. */
  public String version() {
    return classPath.kafkaVersion();
  }

  /** The configuration the broker was started with. */
  public KafkaBrokerConfig config() {
    return config;
  }

  /** The data directory: {@code server.properties}, {@code kafka.log} and the log dir. */
  public Path dataDir() {
    return dataDir;
  }

  /** The child JVM's output ({@code kafka.log} in the data directory), appended at each start. */
  public Path logFile() {
    return dataDir.resolve(LOG_FILE);
  }

  /** Whether the child JVM is alive (false after stop, kill, close, or a crash). */
  public boolean isRunning() {
    return child.isAlive();
  }

  /** The process id of the running child JVM. */
  public OptionalLong pid() {
    return child.pid();
  }

  /**
   * Starts the broker again on the same ports and data after {@link #stop()} or {@link #kill()};
   * does nothing when it is running.
   *
   * @throws IllegalStateException after {@link #close()}
   * @throws KafkaStartException when it does not start (for example, a port was taken)
   */
  public void start() {
    lifecycle.start();
  }

  /** Shuts the broker down cleanly and keeps its data; does nothing when it is not running. */
  public void stop() {
    lifecycle.stop();
  }

  /**
   * Kills the child JVM with SIGKILL, as a crash would: no controlled shutdown, unflushed data is
   * lost to the page cache's mercy, the next start recovers the logs. For chaos tests.
   */
  public void kill() {
    lifecycle.kill();
  }

  /** {@link #stop()} then {@link #start()}: same ports, same data. */
  public void restart() {
    lifecycle.restart();
  }

  /**
   * Stops the broker and deletes its data directory when it was a temporary one. Idempotent. Does
   * nothing for a {@linkplain KafkaBrokerConfig#jvmScoped() JVM-scoped} broker, which the shutdown
   * hook stops.
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
    return "kafka-"
        + classPath.kafkaVersion()
        + "@"
        + HOST
        + ":"
        + (port == 0 ? "?" : port)
        + " ("
        + dataDir
        + ")";
  }

  // ---- starting ----------------------------------------------------------------------------

  private void launch() {
    if (clusterId.isEmpty()) {
      clusterId = formattedClusterId().orElseGet(() -> Uuid.randomUuid().toString());
    }
    child.launchOnPorts(
        PORT_ATTEMPTS,
        new int[] {port, controllerPort},
        ports -> {
          port = ports[0];
          controllerPort = ports[1];
        },
        this::launchOnce);
  }

  private java.util.Optional<String> formattedClusterId() {
    Path meta = dataDir.resolve(LOG_DIR).resolve("meta.properties");
    if (!Files.isRegularFile(meta)) {
      return java.util.Optional.empty();
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(meta)) {
      p.load(in);
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.ofNullable(p.getProperty("cluster.id"));
  }

  private void launchOnce() {
    writeProperties();
    child.launch(
        command(),
        Map.of(),
        "cannot launch a JVM for " + describe(),
        "",
        (launched, deadlineNanos) -> {
          awaitReady(launched, deadlineNanos);
          return null;
        });
  }

  private List<String> command() {
    List<String> c = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      // Its own session: Ctrl-C in a terminal reaches the JVM only, whose shutdown then stops the
      // broker after the work that depends on it.
      c.add(SETSID.toString());
    }
    c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    c.add("-Xmx" + config.maxHeapMegabytes() + "m");
    c.add("-Xss1m");
    c.add("-XX:+ExitOnOutOfMemoryError");
    c.add("-Djava.awt.headless=true");
    c.add("-Dlog4j2.configurationFile=classpath:" + classPath.log4jConfig());
    if (Runtime.version().feature() >= 22) {
      c.add("--enable-native-access=ALL-UNNAMED"); // zstd-jni, snappy, lz4 load native code
    }
    if (Runtime.version().feature() >= 23) {
      c.add("--sun-misc-unsafe-memory-access=allow"); // Kafka unmaps index buffers with it
    }
    c.addAll(config.jvmArgs());
    c.add("-cp");
    c.add(classPath.asArgument());
    c.add(classPath.mainClass());
    c.add(dataDir.resolve(PROPERTIES_FILE).toString());
    return c;
  }

  /**
   * The broker's properties: single-node defaults first, then the settings, then user overrides.
   */
  Map<String, String> brokerProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dataDir.resolve(LOG_DIR).toString());
    // one node: every internal topic has one replica, and small
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // After a kill, the restarted controller keeps the dead incarnation registered until its
    // session times out (9 s by default) and refuses the new one meanwhile: keep that short.
    p.put("broker.session.timeout.ms", "3000");
    p.put("broker.heartbeat.interval.ms", "500");
    // A single voter has nobody to wait for: elect it at once after a restart.
    p.put("controller.quorum.election.timeout.ms", "200");
    p.put("controller.quorum.election.backoff.max.ms", "100");
    p.put("controller.quorum.fetch.timeout.ms", "500");
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
    p.put("num.partitions", Integer.toString(config.partitions()));
    p.put("auto.create.topics.enable", Boolean.toString(config.autoCreateTopics()));
    p.put("log.retention.ms", Long.toString(config.logRetention().toMillis()));
    p.putAll(config.brokerProperties());
    p.put(KafkaBrokerClassPath.CLUSTER_ID_PROPERTY, clusterId);
    return p;
  }

  private void writeProperties() {
    Path file = dataDir.resolve(PROPERTIES_FILE);
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("# Written by hamal-embedded's KafkaBroker at every start; edits are lost.\n");
      for (Map.Entry<String, String> e : brokerProperties().entrySet()) {
        out.write(e.getKey() + "=" + e.getValue().replace("\\", "\\\\") + "\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Waits until the port accepts connections, then until {@code describeCluster} lists a node; the
   * child's exit or the deadline ends the wait with {@link KafkaStartException}.
   */
  private void awaitReady(Process launched, long deadlineNanos) {
    while (!Ports.accepts(port, 200)) {
      child.pause(launched, deadlineNanos, READY_POLL, null);
    }
    Map<String, Object> admin = new LinkedHashMap<>();
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
    admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
    admin.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50);
    admin.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50);
    admin.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
    admin.put(AdminClientConfig.CLIENT_ID_CONFIG, "hamal-embedded-readiness");
    try (Admin client = Admin.create(admin)) {
      Exception last = null;
      while (true) {
        try {
          Collection<Node> nodes =
              client
                  .describeCluster(
                      new DescribeClusterOptions().timeoutMs((int) ADMIN_TIMEOUT.toMillis()))
                  .nodes()
                  .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          if (!nodes.isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw child.interrupted(e);
        }
        child.pause(launched, deadlineNanos, READY_POLL, last);
      }
    }
  }
}
