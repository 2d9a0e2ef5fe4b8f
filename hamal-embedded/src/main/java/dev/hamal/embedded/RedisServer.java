package dev.hamal.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Redis server for the demo, the tests and the benchmarks: a {@code redis-server} child process
 * listening on 127.0.0.1, run from the binary bundled in a Maven Central artifact or the system's
 * (see {@link RedisBinaries}).
 *
 * <p><b>Life cycle.</b> {@link #start(RedisServerConfig)} launches the server ({@code --daemonize
 * no}, its log appended to {@value #LOG_FILE} in the data directory) and returns once it answers
 * {@code PING} (a server still loading its append-only file answers {@code -LOADING} and is waited
 * for). {@link #stop()} sends SIGTERM, on which Redis flushes the append-only file and exits, and
 * SIGKILLs after the stop timeout; {@link #kill()} SIGKILLs at once, as a crash would. {@link
 * #start()} and {@link #restart()} bring it back on the same port and data directory. {@link
 * #close()} stops it for good and deletes a temporary data directory. A JVM shutdown hook,
 * registered at start and removed by {@code close()}, does the same when the JVM exits without
 * closing, after waiting {@link RedisServerConfig#exitGrace()} for the owner to do it.
 *
 * <p><b>Invariants.</b> The port is fixed by the first successful start and never changes; the data
 * directory never changes. Only this object writes {@value #LOG_FILE}.
 *
 * <p><b>Threading.</b> Life-cycle methods are serialised by one lock and may be called from any
 * thread; accessors are lock-free. The shutdown hook waits briefly for the lock and otherwise kills
 * the process without it.
 *
 * <p><b>Failure.</b> A process that exits while starting, or does not answer within the start
 * timeout, is killed and reported as {@link RedisStartException} with the tail of its log. A
 * missing binary throws {@link RedisNotInstalledException}. A free port that another process takes
 * between choosing and binding is retried with another port, at most {@value #PORT_ATTEMPTS} times.
 */
public final class RedisServer implements AutoCloseable {

  static final String LOG_FILE = "redis.log";

  private static final Logger log = LoggerFactory.getLogger(RedisServer.class);
  private static final String HOST = Ports.HOST;
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final int PORT_ATTEMPTS = 3;
  private static final Duration READY_POLL = Duration.ofMillis(20);
  private static final int PROBE_TIMEOUT_MS = 1_000;

  private final RedisServerConfig config;
  private final Path binary;
  private final Path dataDir;
  private final ChildProcess child;
  private final ServerLifecycle lifecycle;

  private volatile int port;
  private volatile String version = "";

  private RedisServer(RedisServerConfig config, Path binary, ServerLifecycle.DataDir dir) {
    this.config = config;
    this.binary = binary;
    this.dataDir = dir.path();
    this.port = config.port().orElse(0);
    this.child =
        new ChildProcess(
            log,
            this::describe,
            logFile(),
            config.settings(),
            RedisStartException.class,
            RedisStartException::new,
            this::launch);
    this.lifecycle =
        new ServerLifecycle(
            "redis", dir, config.settings(), ServerLifecycle.HOOK_LOCK_WAIT, this::describe, child);
  }

  /**
   * Starts a server; returns once it answers {@code PING}.
   *
   * @throws RedisNotInstalledException when no binary can be found
   * @throws RedisStartException when the server does not start; nothing is left running
   */
  public static RedisServer start(RedisServerConfig config) {
    Objects.requireNonNull(config, "config");
    Path binary = RedisBinaries.find(config.binary());
    RedisServer server =
        new RedisServer(
            config, binary, ServerLifecycle.DataDir.of(config.settings(), "redis", true));
    server.lifecycle.open();
    return server;
  }

  /** Always {@code 127.0.0.1}: the server listens on the loopback interface only. */
  public String host() {
    return HOST;
  }

  /** The TCP port, fixed by the first start. */
  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:PORT}, for Lettuce and Hamal's cache configuration. */
  public String uri() {
    return "redis://" + HOST + ":" + port;
  }

  /** The server's {@code redis_version}, read at the last start, e.g. {@code 6.2.11}. */
  public String version() {
    return version;
  }

  /** The executable that runs the server. */
  public Path binary() {
    return binary;
  }

  /** The configuration the server was started with. */
  public RedisServerConfig config() {
    return config;
  }

  /** The data directory (append-only file, {@value #LOG_FILE}). */
  public Path dataDir() {
    return dataDir;
  }

  /** The server's own log, appended at each start. */
  public Path logFile() {
    return dataDir.resolve(LOG_FILE);
  }

  /** Whether the server process is alive (false after stop, kill, close, or a crash). */
  public boolean isRunning() {
    return child.isAlive();
  }

  /** The process id of the running server. */
  public OptionalLong pid() {
    return child.pid();
  }

  /**
   * Starts the server again on the same port and data directory after {@link #stop()} or {@link
   * #kill()}; does nothing when it is running.
   *
   * @throws IllegalStateException after {@link #close()}
   * @throws RedisStartException when it does not start (for example, the port was taken)
   */
  public void start() {
    lifecycle.start();
  }

  /** Shuts the server down cleanly and keeps its data; does nothing when it is not running. */
  public void stop() {
    lifecycle.stop();
  }

  /**
   * Kills the server with SIGKILL, as a crash would: writes the server acknowledged are in the
   * append-only file's page cache and survive; nothing is fsynced first. For chaos tests.
   */
  public void kill() {
    lifecycle.kill();
  }

  /** {@link #stop()} then {@link #start()}: same port, same data. */
  public void restart() {
    lifecycle.restart();
  }

  /**
   * Stops the server and deletes its data directory when it was a temporary one. Idempotent. Does
   * nothing for a {@linkplain RedisServerConfig#jvmScoped() JVM-scoped} server, which the shutdown
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
    return "redis"
        + (version.isEmpty() ? "" : "-" + version)
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
        PORT_ATTEMPTS, new int[] {port}, ports -> port = ports[0], this::launchOnce);
  }

  private void launchOnce() {
    child.launch(
        command(),
        Map.of(),
        "cannot run " + binary + " for " + describe(),
        binary.toString(),
        (launched, deadlineNanos) -> {
          version = awaitReady(launched, deadlineNanos);
          return null;
        });
  }

  /** The server's options: ours first, the user's last so they win. */
  List<String> command() {
    List<String> c = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      // Its own session: Ctrl-C in a terminal reaches the JVM only, whose shutdown stops the
      // server after the work that depends on it.
      c.add(SETSID.toString());
    }
    c.add(binary.toString());
    c.addAll(List.of("--port", Integer.toString(port)));
    c.addAll(List.of("--bind", HOST));
    c.addAll(List.of("--dir", dataDir.toString()));
    c.addAll(List.of("--daemonize", "no"));
    c.addAll(List.of("--logfile", ""));
    c.addAll(List.of("--save", ""));
    c.addAll(List.of("--appendonly", config.appendOnly() ? "yes" : "no"));
    c.addAll(List.of("--appendfsync", config.appendFsync().name().toLowerCase(Locale.ROOT)));
    if (config.maxMemoryBytes().isPresent()) {
      c.addAll(List.of("--maxmemory", Long.toString(config.maxMemoryBytes().getAsLong())));
      c.addAll(List.of("--maxmemory-policy", config.maxMemoryPolicy()));
    }
    c.addAll(config.serverArgs());
    return c;
  }

  /** Polls with PING until the server answers PONG, the process dies, or time is up. */
  private String awaitReady(Process launched, long deadlineNanos) {
    String last = "no answer yet";
    while (true) {
      try {
        String reply = Resp.call(port, PROBE_TIMEOUT_MS, "PING");
        if (reply.equals("PONG")) {
          return Resp.info(port, PROBE_TIMEOUT_MS, "redis_version").orElse("unknown");
        }
        last = reply;
      } catch (IOException e) {
        last = e.toString();
      }
      String lastAnswer = last;
      child.pause(
          launched,
          deadlineNanos,
          READY_POLL,
          () ->
              describe()
                  + " did not answer PING within "
                  + config.startTimeout()
                  + " (last: "
                  + lastAnswer
                  + ")",
          null);
    }
  }

  /**
   * Just enough of the Redis protocol for the readiness probe: one inline command, one reply (a
   * simple string, an error or a bulk string). Not a client.
   */
  static final class Resp {

    private Resp() {}

    /** Sends {@code command} and returns the reply's text; errors come back with their dash. */
    static String call(int port, int timeoutMs, String command) throws IOException {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(HOST, port), timeoutMs);
        socket.setSoTimeout(timeoutMs);
        OutputStream out = socket.getOutputStream();
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        String first = line(in);
        if (first.startsWith("+")) {
          return first.substring(1);
        }
        if (first.startsWith("$")) {
          int length = Integer.parseInt(first.substring(1));
          if (length < 0) {
            return "";
          }
          byte[] body = in.readNBytes(length);
          return new String(body, StandardCharsets.UTF_8);
        }
        return first;
      }
    }

    /** One field of {@code INFO}, e.g. {@code redis_version}. */
    static java.util.Optional<String> info(int port, int timeoutMs, String field)
        throws IOException {
      for (String line : call(port, timeoutMs, "INFO server").split("\r?\n")) {
        if (line.startsWith(field + ":")) {
          return java.util.Optional.of(line.substring(field.length() + 1).trim());
        }
      }
      return java.util.Optional.empty();
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder text = new StringBuilder();
      int c;
      while ((c = in.read()) != -1) {
        if (c == '\n') {
          break;
        }
        if (c != '\r') {
          text.append((char) c);
        }
      }
      if (c == -1 && text.isEmpty()) {
        throw new IOException("connection closed without a reply");
      }
      return text.toString();
    }
  }
}
