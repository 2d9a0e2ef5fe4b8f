package dev.hamal.embedded;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * How to start one embedded MariaDB server. Immutable; made with {@link #builder}, which validates
 * every setting and names it in the message when a value is rejected.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code port}</td><td>0</td><td>TCP port on 127.0.0.1; 0 picks a free one at the first
 *       start and keeps it for restarts</td></tr>
 *   <tr><td>{@code dataDir}</td><td>none</td><td>persistent data directory, initialised when empty
 *       and kept by {@code close()}; without it a temporary directory is used and deleted</td></tr>
 *   <tr><td>{@code serverId}</td><td>1</td><td>{@code server_id}</td></tr>
 *   <tr><td>{@code rowMetadata}</td><td>FULL</td><td>{@code binlog_row_metadata}</td></tr>
 *   <tr><td>{@code rowImage}</td><td>FULL</td><td>{@code binlog_row_image}: FULL, MINIMAL or
 *       NOBLOB</td></tr>
 *   <tr><td>{@code checksum}</td><td>true</td><td>{@code binlog_checksum} CRC32 (else NONE)</td></tr>
 *   <tr><td>{@code serverArgs}</td><td>none</td><td>extra {@code mariadbd} options, appended last
 *       so they override the defaults</td></tr>
 *   <tr><td>{@code tls}</td><td>off</td><td>server certificate and key (PEM); without them the
 *       server runs with {@code --skip-ssl}</td></tr>
 *   <tr><td>{@code startTimeout}</td><td>60 s</td><td>how long a start may take until the server
 *       answers SQL</td></tr>
 *   <tr><td>{@code stopTimeout}</td><td>30 s</td><td>how long a clean shutdown may take before the
 *       process tree is killed</td></tr>
 *   <tr><td>{@code exitGrace}</td><td>0</td><td>when the JVM exits with the server still running,
 *       how long its shutdown hook waits for the owner's own shutdown to close it (so that work
 *       depending on the server stops first) before stopping it</td></tr>
 *   <tr><td>{@code jvmScoped}</td><td>false</td><td>when true, {@code close()} does nothing and the
 *       server runs until the JVM exits (for servers shared by many tests: JUnit closes
 *       {@code AutoCloseable} arguments of parameterized tests)</td></tr>
 * </table>
 */
public final class MariaDbServerConfig {

  /** Longest path the kernel accepts for a Unix socket ({@code sun_path} is 108 bytes with NUL). */
  static final int MAX_SOCKET_PATH_BYTES = 107;

  /** Options the server owns itself: they fix where the server lives and how it is found. */
  private static final Set<String> RESERVED_OPTIONS =
      Set.of(
          "no-defaults",
          "defaults-file",
          "defaults-extra-file",
          "defaults-group-suffix",
          "basedir",
          "datadir",
          "port",
          "socket",
          "pid-file",
          "bind-address",
          "init-file",
          "user",
          "log-error",
          "console");

  private static final Set<String> ROW_IMAGES = Set.of("FULL", "MINIMAL", "NOBLOB");

  private final MariaDbServer.Distribution distribution;
  private final ServerSettings server;
  private final int serverId;
  private final RowMetadata rowMetadata;
  private final String rowImage;
  private final boolean checksum;
  private final List<String> serverArgs;
  private final Tls tls;

  private MariaDbServerConfig(Builder b) {
    this.distribution = b.distribution;
    this.server = b.server.build();
    this.serverId = b.serverId;
    this.rowMetadata = b.rowMetadata;
    this.rowImage = b.rowImage;
    this.checksum = b.checksum;
    this.serverArgs = List.copyOf(b.serverArgs);
    this.tls = b.tls;
  }

  /** A builder with every setting at its default, for the given distribution. */
  public static Builder builder(MariaDbServer.Distribution distribution) {
    return new Builder(Objects.requireNonNull(distribution, "distribution"));
  }

  /** Which binaries run the server. */
  public MariaDbServer.Distribution distribution() {
    return distribution;
  }

  /** The configured TCP port, or empty when a free port is picked at the first start. */
  public OptionalInt port() {
    return server.port();
  }

  /** The persistent data directory, or empty when the server uses a temporary one. */
  public Optional<Path> dataDir() {
    return server.dataDir();
  }

  /** The server's {@code server_id}. */
  public int serverId() {
    return serverId;
  }

  /** The server's {@code binlog_row_metadata}. */
  public RowMetadata rowMetadata() {
    return rowMetadata;
  }

  /** The server's {@code binlog_row_image}: FULL, MINIMAL or NOBLOB. */
  public String rowImage() {
    return rowImage;
  }

  /** Whether the binlog carries CRC32 checksums ({@code binlog_checksum}). */
  public boolean checksum() {
    return checksum;
  }

  /** Extra {@code mariadbd} options, appended after the defaults. */
  public List<String> serverArgs() {
    return serverArgs;
  }

  /** The server certificate and key when TLS is on. */
  public Optional<Tls> tls() {
    return Optional.ofNullable(tls);
  }

  /** How long a start may take until the server answers SQL. */
  public Duration startTimeout() {
    return server.startTimeout();
  }

  /** How long a clean shutdown may take before the process tree is killed. */
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
    return "MariaDbServerConfig{distribution="
        + distribution
        + ", port="
        + server.portText()
        + ", dataDir="
        + server.dataDirText()
        + ", serverId="
        + serverId
        + ", rowMetadata="
        + rowMetadata
        + ", rowImage="
        + rowImage
        + ", checksum="
        + (checksum ? "CRC32" : "NONE")
        + ", serverArgs="
        + serverArgs
        + ", tls="
        + (tls == null ? "off" : tls)
        + server.timeoutsText()
        + '}';
  }

  /**
   * The server's TLS identity.
   *
   * @param certPem the server certificate (PEM), optionally followed by its chain
   * @param keyPem the certificate's private key (PEM, unencrypted)
   */
  public record Tls(Path certPem, Path keyPem) {
    public Tls {
      Objects.requireNonNull(certPem, "certPem");
      Objects.requireNonNull(keyPem, "keyPem");
    }
  }

  /** Collects settings; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {

    private final MariaDbServer.Distribution distribution;
    private final ServerSettings.Builder server =
        new ServerSettings.Builder(Duration.ofSeconds(60));
    private int serverId = 1;
    private RowMetadata rowMetadata = RowMetadata.FULL;
    private String rowImage = "FULL";
    private boolean checksum = true;
    private List<String> serverArgs = List.of();
    private Tls tls;

    private Builder(MariaDbServer.Distribution distribution) {
      this.distribution = distribution;
    }

    /** TCP port on 127.0.0.1, 1-65535, or 0 (the default) for a free port. */
    public Builder port(int port) {
      server.port(port);
      return this;
    }

    /**
     * A persistent data directory: initialised when missing or empty, reused otherwise, kept by
     * {@code close()}. Its path must be short enough for the server's Unix socket inside it.
     */
    public Builder dataDir(Path dataDir) {
      Objects.requireNonNull(dataDir, "dataDir");
      Path absolute = dataDir.toAbsolutePath().normalize();
      int socketBytes =
          absolute
              .resolve(MariaDbServer.SOCKET_FILE)
              .toString()
              .getBytes(StandardCharsets.UTF_8)
              .length;
      if (socketBytes > MAX_SOCKET_PATH_BYTES) {
        throw new IllegalArgumentException(
            "dataDir is too long for the server's Unix socket inside it ("
                + socketBytes
                + " bytes, at most "
                + MAX_SOCKET_PATH_BYTES
                + "): "
                + absolute);
      }
      server.dataDir(absolute);
      return this;
    }

    /** The server's {@code server_id}, at least 1 (default 1). */
    public Builder serverId(int serverId) {
      if (serverId < 1) {
        throw new IllegalArgumentException("serverId must be at least 1, was " + serverId);
      }
      this.serverId = serverId;
      return this;
    }

    /** {@code binlog_row_metadata} (default FULL). */
    public Builder rowMetadata(RowMetadata rowMetadata) {
      this.rowMetadata = Objects.requireNonNull(rowMetadata, "rowMetadata");
      return this;
    }

    /** {@code binlog_row_image}: FULL (default), MINIMAL or NOBLOB, in any case. */
    public Builder rowImage(String rowImage) {
      Objects.requireNonNull(rowImage, "rowImage");
      String upper = rowImage.trim().toUpperCase(Locale.ROOT);
      if (!ROW_IMAGES.contains(upper)) {
        throw new IllegalArgumentException(
            "rowImage must be FULL, MINIMAL or NOBLOB, was '" + rowImage + "'");
      }
      this.rowImage = upper;
      return this;
    }

    /** Whether the binlog carries CRC32 checksums (default true; false means NONE). */
    public Builder checksum(boolean checksum) {
      this.checksum = checksum;
      return this;
    }

    /**
     * Extra {@code mariadbd} options such as {@code --binlog-annotate-row-events=OFF}, appended
     * after the defaults so they win. Options that fix where the server lives (port, data dir,
     * socket, ...) are rejected: use the dedicated settings.
     */
    public Builder serverArgs(List<String> serverArgs) {
      Objects.requireNonNull(serverArgs, "serverArgs");
      List<String> checked = new ArrayList<>(serverArgs.size());
      for (String arg : serverArgs) {
        Objects.requireNonNull(arg, "serverArgs element");
        if (!arg.startsWith("--") || arg.length() == 2) {
          throw new IllegalArgumentException(
              "serverArgs must be long options such as --name=value, got '" + arg + "'");
        }
        String name = arg.substring(2);
        int eq = name.indexOf('=');
        if (eq >= 0) {
          name = name.substring(0, eq);
        }
        name = name.replace('_', '-');
        if (name.startsWith("loose-")) {
          name = name.substring("loose-".length());
        }
        if (RESERVED_OPTIONS.contains(name)) {
          throw new IllegalArgumentException(
              "serverArgs must not set --"
                  + name
                  + ": the embedded server owns it (use the port/dataDir/tls settings)");
        }
        checked.add(arg);
      }
      this.serverArgs = List.copyOf(checked);
      return this;
    }

    /** Turns TLS on with the given server certificate and private key (PEM files). */
    public Builder tls(Path certPem, Path keyPem) {
      Objects.requireNonNull(certPem, "tls certPem");
      Objects.requireNonNull(keyPem, "tls keyPem");
      Path cert = certPem.toAbsolutePath().normalize();
      Path key = keyPem.toAbsolutePath().normalize();
      for (Path file : List.of(cert, key)) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
          throw new IllegalArgumentException("tls file is missing or unreadable: " + file);
        }
      }
      this.tls = new Tls(cert, key);
      return this;
    }

    /** How long a start may take until the server answers SQL (positive; default 60 s). */
    public Builder startTimeout(Duration startTimeout) {
      server.startTimeout(startTimeout);
      return this;
    }

    /** How long a clean shutdown may take before the process tree is killed (default 30 s). */
    public Builder stopTimeout(Duration stopTimeout) {
      server.stopTimeout(stopTimeout);
      return this;
    }

    /**
     * When the JVM exits with the server still running, how long (default 0) its shutdown hook
     * waits for the owner's shutdown hook to close the server before stopping it itself. Shutdown
     * hooks run concurrently; a grace lets an application stop its readers of the server first, so
     * they do not see the server vanish underneath them.
     */
    public Builder exitGrace(Duration exitGrace) {
      server.exitGrace(exitGrace);
      return this;
    }

    /**
     * When true (default false), {@code close()} does nothing: the server runs until the JVM exits
     * and its shutdown hook stops it. For servers shared by many tests, which must survive a test
     * framework closing them (JUnit closes {@code AutoCloseable} parameters of parameterized tests)
     * or a careless try-with-resources. {@code stop()} and {@code restart()} still act.
     */
    public Builder jvmScoped(boolean jvmScoped) {
      server.jvmScoped(jvmScoped);
      return this;
    }

    /** The immutable configuration. */
    public MariaDbServerConfig build() {
      return new MariaDbServerConfig(this);
    }
  }
}
