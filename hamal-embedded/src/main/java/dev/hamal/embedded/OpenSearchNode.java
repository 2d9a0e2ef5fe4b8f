package dev.hamal.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One OpenSearch node for the demo, the tests and the benchmarks: a single-node cluster with plain
 * HTTP on 127.0.0.1 and no security plugin, run in a child JVM. Clients reach it at {@link
 * #httpUri()}, exactly as they reach a real cluster.
 *
 * <p><b>Why a child JVM.</b> The node ({@code org.opensearch:opensearch} and its plugins) brings
 * Lucene, Jackson 3, Netty 4.2 and log4j2; the application runs the OpenSearch Java client, Jackson
 * 2 and logback. The node's class path is resolved at build time by the module {@code
 * hamal-opensearch-node} (see {@link ChildClassPath}) and never touches the application's. A child
 * process also makes outages real: {@link #stop()} and {@link #kill()} close the port.
 *
 * <p><b>Life cycle.</b> {@link #start(OpenSearchNodeConfig)} writes {@code opensearch.properties}
 * into the data directory and launches the child ({@code java} from {@code java.home}, output
 * appended to {@code opensearch.log} in the data directory); it returns once {@code GET
 * /_cluster/health?wait_for_status=yellow} answers 200. {@link #stop()} sends SIGTERM (the node
 * closes its shards) and SIGKILLs after the stop timeout; {@link #kill()} SIGKILLs at once. {@link
 * #start()} and {@link #restart()} bring the node back on the same ports and data, so clients
 * reconnect by themselves and indexed documents survive (the default translog durability, {@code
 * request}, makes every acknowledged write survive a kill too). {@link #close()} stops it for good
 * and deletes a temporary data directory.
 *
 * <p><b>Never left behind.</b> A JVM shutdown hook, registered at start and removed by {@code
 * close()}, stops the node when the JVM exits without closing. A JVM killed with SIGKILL cannot run
 * hooks; the child then notices that its standard input (a pipe this object holds open and never
 * writes to) reached its end, or that its parent process is gone, and exits within seconds.
 *
 * <p><b>Invariants.</b> Both ports are fixed by the first successful start and never change; the
 * data directory never changes. Only this object writes {@code opensearch.properties} and {@code
 * opensearch.log}.
 *
 * <p><b>Threading.</b> Life-cycle methods are serialised by one lock and may be called from any
 * thread; accessors are lock-free. The shutdown hook waits briefly for the lock and otherwise kills
 * the child without it.
 *
 * <p><b>Failure.</b> A child that exits while starting, or a node that is not yellow within the
 * start timeout, is killed and reported as {@link OpenSearchStartException} with the tail of {@code
 * opensearch.log}. A class path that cannot be resolved is an {@link OpenSearchNodeException} that
 * says which jar is missing. Free ports taken by another process between choosing and binding are
 * retried with new ports, at most {@value #PORT_ATTEMPTS} times.
 */
public final class OpenSearchNode implements AutoCloseable {

  static final String LOG_FILE = "opensearch.log";
  static final String SETTINGS_FILE = "opensearch.properties";
  static final String DATA = "data";

  /** System property naming the Maven repository that holds the node's jars. */
  public static final String REPOSITORY_PROPERTY = "hamal.embedded.opensearch.repository";

  private static final Logger log = LoggerFactory.getLogger(OpenSearchNode.class);
  private static final String HOST = Ports.HOST;
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final int PORT_ATTEMPTS = 3;
  private static final Duration READY_POLL = Duration.ofMillis(100);
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);

  private final OpenSearchNodeConfig config;
  private final ChildClassPath classPath;
  private final Path dataDir;
  private final ChildProcess child;
  private final ServerLifecycle lifecycle;

  private volatile int port;
  private volatile int transportPort;

  private OpenSearchNode(
      OpenSearchNodeConfig config, ChildClassPath classPath, ServerLifecycle.DataDir dir) {
    this.config = config;
    this.classPath = classPath;
    this.dataDir = dir.path();
    this.port = config.port().orElse(0);
    this.transportPort = config.transportPort().orElse(0);
    this.child =
        new ChildProcess(
            log,
            this::describe,
            logFile(),
            config.settings(),
            OpenSearchStartException.class,
            OpenSearchStartException::new,
            this::launch);
    this.lifecycle =
        new ServerLifecycle(
            "opensearch",
            dir,
            config.settings(),
            ServerLifecycle.HOOK_LOCK_WAIT,
            this::describe,
            child);
  }

  /**
   * Starts a node; returns once its cluster health is yellow or green.
   *
   * @throws OpenSearchNodeException when the node's class path cannot be resolved
   * @throws OpenSearchStartException when the node does not start; nothing is left running
   */
  public static OpenSearchNode start(OpenSearchNodeConfig config) {
    Objects.requireNonNull(config, "config");
    ChildClassPath classPath = loadClassPath();
    OpenSearchNode node =
        new OpenSearchNode(
            config, classPath, ServerLifecycle.DataDir.of(config.settings(), "opensearch", true));
    node.lifecycle.open();
    return node;
  }

  static ChildClassPath loadClassPath() {
    return ChildClassPath.load(
        "the OpenSearch node",
        "hamal-opensearch-node",
        "dev/hamal/opensearch/node/",
        "node.properties",
        REPOSITORY_PROPERTY,
        OpenSearchNodeException::new);
  }

  /** {@code http://127.0.0.1:port}, what clients connect to. */
  public URI httpUri() {
    return URI.create("http://" + HOST + ":" + port);
  }

  /** The HTTP port (fixed by the first start). */
  public int port() {
    return port;
  }

  /** The transport port (fixed by the first start). */
  public int transportPort() {
    return transportPort;
  }

  /** The OpenSearch version of the node's class path, e.g. {@code 3.9.0}. */
  public String version() {
    return classPath.setting("opensearch.version", "?");
  }

  /** The configuration the node was started with. */
  public OpenSearchNodeConfig config() {
    return config;
  }

  /** The data directory: {@code opensearch.properties}, {@code opensearch.log} and the data. */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * The child JVM's output ({@code opensearch.log} in the data directory), appended at each start.
   */
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
   * Starts the node again on the same ports and data after {@link #stop()} or {@link #kill()}; does
   * nothing when it is running.
   *
   * @throws IllegalStateException after {@link #close()}
   * @throws OpenSearchStartException when it does not start (for example, a port was taken)
   */
  public void start() {
    lifecycle.start();
  }

  /** Shuts the node down cleanly and keeps its data; does nothing when it is not running. */
  public void stop() {
    lifecycle.stop();
  }

  /** Kills the child JVM with SIGKILL, as a crash would; the next start recovers the shards. */
  public void kill() {
    lifecycle.kill();
  }

  /** {@link #stop()} then {@link #start()}: same ports, same data. */
  public void restart() {
    lifecycle.restart();
  }

  /**
   * Stops the node and deletes its data directory when it was a temporary one. Idempotent. Does
   * nothing for a {@linkplain OpenSearchNodeConfig#jvmScoped() JVM-scoped} node, which the shutdown
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
    return "opensearch-"
        + version()
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
    child.launchOnPorts(
        PORT_ATTEMPTS,
        new int[] {port, transportPort},
        ports -> {
          port = ports[0];
          transportPort = ports[1];
        },
        this::launchOnce);
  }

  private void launchOnce() {
    writeSettings();
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
      // node after the work that depends on it.
      c.add(SETSID.toString());
    }
    c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    c.add("-Xms" + config.maxHeapMegabytes() + "m");
    c.add("-Xmx" + config.maxHeapMegabytes() + "m");
    c.add("-Xss1m");
    c.add("-XX:+ExitOnOutOfMemoryError");
    c.add("-Djava.awt.headless=true");
    c.add("-Dfile.encoding=UTF-8");
    c.add("-Dlog4j2.configurationFile=classpath:" + classPath.log4jConfig());
    // what the distribution's jvm.options sets, for the same reasons
    c.add("-Dio.netty.allocator.numDirectArenas=0");
    c.add("-Dio.netty.noUnsafe=true");
    c.add("-Dopensearch.set.netty.runtime.available.processors=false");
    if (Runtime.version().feature() >= 22) {
      c.add("--enable-native-access=ALL-UNNAMED"); // Lucene, JNA and zstd-jni load native code
    }
    if (Runtime.version().feature() >= 23) {
      c.add("--sun-misc-unsafe-memory-access=allow");
    }
    c.addAll(config.jvmArgs());
    c.add("-cp");
    c.add(classPath.asArgument());
    c.add(classPath.mainClass());
    c.add(dataDir.resolve(SETTINGS_FILE).toString());
    return c;
  }

  /** The node's settings: single-node defaults first, then user overrides. */
  Map<String, String> nodeSettings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("path.home", dataDir.toString());
    s.put("path.data", dataDir.resolve(DATA).toString());
    s.put("path.logs", dataDir.resolve("logs").toString());
    s.put("cluster.name", config.clusterName());
    s.put("node.name", "hamal-search-0");
    s.put("discovery.type", "single-node");
    s.put("network.host", HOST);
    s.put("http.port", Integer.toString(port));
    s.put("transport.port", Integer.toString(transportPort));
    // a test or demo machine's disk may be fuller than a server's: never turn indices read-only
    s.put("cluster.routing.allocation.disk.threshold_enabled", "false");
    s.putAll(config.nodeSettings());
    return s;
  }

  private void writeSettings() {
    Path file = dataDir.resolve(SETTINGS_FILE);
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("# Written by hamal-embedded's OpenSearchNode at every start; edits are lost.\n");
      for (Map.Entry<String, String> e : nodeSettings().entrySet()) {
        out.write(e.getKey() + "=" + e.getValue().replace("\\", "\\\\") + "\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Waits until the port accepts connections, then until the cluster health is yellow or green; the
   * child's exit or the deadline ends the wait with {@link OpenSearchStartException}.
   */
  private void awaitReady(Process launched, long deadlineNanos) {
    while (!Ports.accepts(port, 200)) {
      child.pause(launched, deadlineNanos, READY_POLL, null);
    }
    HttpClient client = HttpClient.newBuilder().connectTimeout(HEALTH_TIMEOUT).build();
    try {
      HttpRequest health =
          HttpRequest.newBuilder(
                  httpUri().resolve("/_cluster/health?wait_for_status=yellow&timeout=1s"))
              .timeout(HEALTH_TIMEOUT)
              .GET()
              .build();
      Exception last = null;
      while (true) {
        try {
          HttpResponse<String> response = client.send(health, HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() == 200) {
            return;
          }
          last = new IOException("cluster health answered " + response.statusCode());
        } catch (IOException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw child.interrupted(e);
        }
        child.pause(launched, deadlineNanos, READY_POLL, last);
      }
    } finally {
      client.close();
    }
  }
}
