package dev.hamal.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * How to start one embedded Redis server (a {@code redis-server} child process). Immutable; made
 * with {@link #builder()}, which validates every setting and names it when a value is rejected.
 *
 * <p>Persistence defaults to what the demo wants: the append-only file on, {@code appendfsync
 * everysec} (a crash of the machine can lose about one second of writes; a crash or kill of the
 * server alone loses nothing the server acknowledged, because the file is in the page cache), RDB
 * snapshots off. With {@code appendOnly(false)} the server keeps nothing across a restart.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code binary}</td><td>{@code AUTO}</td><td>which {@code redis-server} runs: the one
 *       bundled in {@code com.github.codemonstur:embedded-redis} (Linux x86_64), the system's on
 *       {@code PATH}, or the bundled one when it fits this machine and the system's otherwise</td></tr>
 *   <tr><td>{@code port}</td><td>0</td><td>port on 127.0.0.1; 0 picks a free one at the first
 *       start and keeps it for restarts</td></tr>
 *   <tr><td>{@code dataDir}</td><td>none</td><td>persistent data directory (append-only file, log),
 *       kept by {@code close()}; without it a temporary directory is used and deleted</td></tr>
 *   <tr><td>{@code appendOnly}</td><td>true</td><td>{@code appendonly}</td></tr>
 *   <tr><td>{@code appendFsync}</td><td>{@code EVERYSEC}</td><td>{@code appendfsync}</td></tr>
 *   <tr><td>{@code maxMemoryBytes}</td><td>none (unlimited)</td><td>{@code maxmemory}</td></tr>
 *   <tr><td>{@code maxMemoryPolicy}</td><td>{@code volatile-lru}</td><td>{@code
 *       maxmemory-policy}, used with {@code maxMemoryBytes}</td></tr>
 *   <tr><td>{@code serverArgs}</td><td>none</td><td>extra options such as {@code --replicaof},
 *       appended last so they win; options that fix where the server lives are rejected</td></tr>
 *   <tr><td>{@code startTimeout}</td><td>30 s</td><td>until the server answers {@code PING}</td></tr>
 *   <tr><td>{@code stopTimeout}</td><td>30 s</td><td>clean shutdown (SIGTERM), then SIGKILL</td></tr>
 *   <tr><td>{@code exitGrace}</td><td>0</td><td>when the JVM exits with the server running, how
 *       long its shutdown hook waits for the owner to close it before stopping it</td></tr>
 *   <tr><td>{@code jvmScoped}</td><td>false</td><td>{@code close()} does nothing; the shutdown hook
 *       stops the server (shared test servers)</td></tr>
 * </table>
 */
public final class RedisServerConfig {

  /** Which {@code redis-server} binary runs the server. */
  public enum Binary {
    /** The bundled binary where it fits this machine (Linux x86_64), else the system's. */
    AUTO,
    /** The binary bundled in {@code com.github.codemonstur:embedded-redis} (Redis 6.2). */
    BUNDLED,
    /** The system's {@code redis-server} ({@code apt-get install redis-server}). */
    SYSTEM
  }

  /** {@code appendfsync}: when the append-only file is flushed to disk. */
  public enum AppendFsync {
    /** After every write command: safest, slowest. */
    ALWAYS,
    /** Once a second (Redis's default): up to a second of writes lost on a machine crash. */
    EVERYSEC,
    /** When the operating system decides. */
    NO
  }

  /** Options the embedded server owns: they fix where it lives and how it runs. */
  static final Set<String> RESERVED_OPTIONS =
      Set.of("--port", "--bind", "--dir", "--daemonize", "--logfile", "--pidfile", "--unixsocket");

  static final Set<String> MAX_MEMORY_POLICIES =
      Set.of(
          "noeviction",
          "allkeys-lru",
          "allkeys-lfu",
          "allkeys-random",
          "volatile-lru",
          "volatile-lfu",
          "volatile-random",
          "volatile-ttl");

  private final Binary binary;
  private final ServerSettings server;
  private final boolean appendOnly;
  private final AppendFsync appendFsync;
  private final long maxMemoryBytes;
  private final String maxMemoryPolicy;
  private final List<String> serverArgs;

  private RedisServerConfig(Builder b) {
    this.binary = b.binary;
    this.server = b.server.build();
    this.appendOnly = b.appendOnly;
    this.appendFsync = b.appendFsync;
    this.maxMemoryBytes = b.maxMemoryBytes;
    this.maxMemoryPolicy = b.maxMemoryPolicy;
    this.serverArgs = List.copyOf(b.serverArgs);
  }

  /** A builder with every setting at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** Which binary runs the server. */
  public Binary binary() {
    return binary;
  }

  /** The configured port, or empty when a free port is picked at the first start. */
  public OptionalInt port() {
    return server.port();
  }

  /** The persistent data directory, or empty when the server uses a temporary one. */
  public Optional<Path> dataDir() {
    return server.dataDir();
  }

  /** {@code appendonly}. */
  public boolean appendOnly() {
    return appendOnly;
  }

  /** {@code appendfsync}. */
  public AppendFsync appendFsync() {
    return appendFsync;
  }

  /** {@code maxmemory} in bytes, or empty for no limit. */
  public OptionalLong maxMemoryBytes() {
    return maxMemoryBytes == 0 ? OptionalLong.empty() : OptionalLong.of(maxMemoryBytes);
  }

  /** {@code maxmemory-policy}. */
  public String maxMemoryPolicy() {
    return maxMemoryPolicy;
  }

  /** Extra server options, appended last. */
  public List<String> serverArgs() {
    return serverArgs;
  }

  /** How long a start may take until the server answers {@code PING}. */
  public Duration startTimeout() {
    return server.startTimeout();
  }

  /** How long a clean shutdown may take before the process is killed. */
  public Duration stopTimeout() {
    return server.stopTimeout();
  }

  /** How long the JVM-exit hook waits for the owner to close the server before stopping it. */
  public Duration exitGrace() {
    return server.exitGrace();
  }

  /** Whether {@code close()} is a no-op and the server runs until the JVM exits. */
  public boolean jvmScoped() {
    return server.jvmScoped();
  }

  /** The settings every embedded server shares. */
  ServerSettings settings() {
    return server;
  }

  @Override
  public String toString() {
    return "RedisServerConfig{binary="
        + binary
        + ", port="
        + server.portText()
        + ", dataDir="
        + server.dataDirText()
        + ", appendOnly="
        + appendOnly
        + ", appendFsync="
        + appendFsync
        + ", maxMemory="
        + (maxMemoryBytes == 0 ? "unlimited" : maxMemoryBytes + " (" + maxMemoryPolicy + ")")
        + ", serverArgs="
        + serverArgs
        + server.timeoutsText()
        + '}';
  }

  /** Collects settings; {@link #build()} returns the immutable configuration. Not thread-safe. */
  public static final class Builder {

    private Binary binary = Binary.AUTO;
    private final ServerSettings.Builder server =
        new ServerSettings.Builder(Duration.ofSeconds(30));
    private boolean appendOnly = true;
    private AppendFsync appendFsync = AppendFsync.EVERYSEC;
    private long maxMemoryBytes;
    private String maxMemoryPolicy = "volatile-lru";
    private List<String> serverArgs = List.of();

    private Builder() {}

    /** Which binary runs the server (default {@code AUTO}). */
    public Builder binary(Binary binary) {
      this.binary = Objects.requireNonNull(binary, "binary");
      return this;
    }

    /** Port on 127.0.0.1, 1-65535, or 0 (the default) for a free port. */
    public Builder port(int port) {
      server.port(port);
      return this;
    }

    /** A persistent data directory: created when missing, reused otherwise, kept by close(). */
    public Builder dataDir(Path dataDir) {
      server.dataDir(dataDir);
      return this;
    }

    /** {@code appendonly} (default true); false keeps nothing across restarts. */
    public Builder appendOnly(boolean appendOnly) {
      this.appendOnly = appendOnly;
      return this;
    }

    /** {@code appendfsync} (default {@code EVERYSEC}). */
    public Builder appendFsync(AppendFsync appendFsync) {
      this.appendFsync = Objects.requireNonNull(appendFsync, "appendFsync");
      return this;
    }

    /** {@code maxmemory} in bytes, at least 1 MiB (default: no limit). */
    public Builder maxMemoryBytes(long maxMemoryBytes) {
      if (maxMemoryBytes < 1024 * 1024) {
        throw new IllegalArgumentException(
            "maxMemoryBytes must be at least 1048576 (1 MiB), was " + maxMemoryBytes);
      }
      this.maxMemoryBytes = maxMemoryBytes;
      return this;
    }

    /** {@code maxmemory-policy} (default {@code volatile-lru}): one of Redis's policies. */
    public Builder maxMemoryPolicy(String maxMemoryPolicy) {
      Objects.requireNonNull(maxMemoryPolicy, "maxMemoryPolicy");
      String policy = maxMemoryPolicy.trim().toLowerCase(Locale.ROOT);
      if (!MAX_MEMORY_POLICIES.contains(policy)) {
        throw new IllegalArgumentException(
            "maxMemoryPolicy must be one of "
                + new java.util.TreeSet<>(MAX_MEMORY_POLICIES)
                + ", was "
                + maxMemoryPolicy);
      }
      this.maxMemoryPolicy = policy;
      return this;
    }

    /**
     * Extra {@code redis-server} options such as {@code --replicaof 127.0.0.1 6379}, appended last.
     * Options that fix where the server lives ({@code --port}, {@code --dir}, ...) are rejected.
     */
    public Builder serverArgs(List<String> serverArgs) {
      Objects.requireNonNull(serverArgs, "serverArgs");
      for (String arg : serverArgs) {
        Objects.requireNonNull(arg, "serverArgs element");
        String name = arg.split("[ =]", 2)[0].toLowerCase(Locale.ROOT);
        if (RESERVED_OPTIONS.contains(name)) {
          throw new IllegalArgumentException(
              "serverArgs must not set " + name + ": the embedded server owns it");
        }
      }
      this.serverArgs = List.copyOf(serverArgs);
      return this;
    }

    /** How long a start may take until the server answers PING (positive; default 30 s). */
    public Builder startTimeout(Duration startTimeout) {
      server.startTimeout(startTimeout);
      return this;
    }

    /** How long a clean shutdown may take before the process is killed (default 30 s). */
    public Builder stopTimeout(Duration stopTimeout) {
      server.stopTimeout(stopTimeout);
      return this;
    }

    /**
     * When the JVM exits with the server still running, how long (default 0) its shutdown hook
     * waits for the owner's shutdown to close the server before stopping it itself.
     */
    public Builder exitGrace(Duration exitGrace) {
      server.exitGrace(exitGrace);
      return this;
    }

    /**
     * When true (default false), {@code close()} does nothing: the server runs until the JVM exits
     * and its shutdown hook stops it. For servers shared by many tests. {@code stop()}, {@code
     * kill()} and {@code restart()} still act.
     */
    public Builder jvmScoped(boolean jvmScoped) {
      server.jvmScoped(jvmScoped);
      return this;
    }

    /** The immutable configuration. */
    public RedisServerConfig build() {
      return new RedisServerConfig(this);
    }
  }
}
