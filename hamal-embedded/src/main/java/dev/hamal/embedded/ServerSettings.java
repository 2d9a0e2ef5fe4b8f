package dev.hamal.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The settings every embedded server's configuration shares: its port, its data directory, its
 * start and stop timeouts, its exit grace and whether it is JVM-scoped. Each public {@code *Config}
 * holds one and each public {@code *Config.Builder} collects one with a {@link Builder}, keeping
 * its own public methods and javadoc and delegating the checks here.
 *
 * <p><b>Invariants.</b> Immutable. The port is 0 (a free one is picked at the first start) or
 * 1-65535; the data directory is null (a temporary one) or absolute, normalised and not a regular
 * file; the timeouts are positive; the exit grace is not negative.
 *
 * <p><b>Failure.</b> Every setter of the {@link Builder} rejects a bad value at once with an {@link
 * IllegalArgumentException} (or a {@link NullPointerException} for null) whose message names the
 * setting and the accepted range.
 */
final class ServerSettings {

  private final int port;
  private final Path dataDir;
  private final Duration startTimeout;
  private final Duration stopTimeout;
  private final Duration exitGrace;
  private final boolean jvmScoped;

  private ServerSettings(Builder b) {
    this.port = b.port;
    this.dataDir = b.dataDir;
    this.startTimeout = b.startTimeout;
    this.stopTimeout = b.stopTimeout;
    this.exitGrace = b.exitGrace;
    this.jvmScoped = b.jvmScoped;
  }

  OptionalInt port() {
    return optionalPort(port);
  }

  Optional<Path> dataDir() {
    return Optional.ofNullable(dataDir);
  }

  Duration startTimeout() {
    return startTimeout;
  }

  Duration stopTimeout() {
    return stopTimeout;
  }

  Duration exitGrace() {
    return exitGrace;
  }

  boolean jvmScoped() {
    return jvmScoped;
  }

  /** The port for {@code toString()}: the number, or {@code free}. */
  String portText() {
    return portText(port);
  }

  /** The data directory for {@code toString()}: the path, or {@code temporary}. */
  String dataDirText() {
    return dataDir == null ? "temporary" : dataDir.toString();
  }

  /** {@code , startTimeout=…, stopTimeout=…, exitGrace=…[, jvmScoped]}, ending a toString(). */
  String timeoutsText() {
    return ", startTimeout="
        + startTimeout
        + ", stopTimeout="
        + stopTimeout
        + ", exitGrace="
        + exitGrace
        + (jvmScoped ? ", jvmScoped" : "");
  }

  /** Empty for 0 (a free port), the port otherwise. */
  static OptionalInt optionalPort(int port) {
    return port == 0 ? OptionalInt.empty() : OptionalInt.of(port);
  }

  /** The port for {@code toString()}: the number, or {@code free} for 0. */
  static String portText(int port) {
    return port == 0 ? "free" : Integer.toString(port);
  }

  /** {@code port} when it is 0 (a free port) or 1-65535. */
  static int checkPort(int port, String name) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(name + " must be 0 (a free port) or 1-65535, was " + port);
    }
    return port;
  }

  /** {@code value} when it is positive. */
  static Duration positive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
    return value;
  }

  /** Collects and checks the shared settings; not thread-safe. */
  static final class Builder {

    private int port;
    private Path dataDir;
    private Duration startTimeout;
    private Duration stopTimeout = Duration.ofSeconds(30);
    private Duration exitGrace = Duration.ZERO;
    private boolean jvmScoped;

    /** Defaults: a free port, a temporary directory, stop timeout 30 s, no grace, closeable. */
    Builder(Duration startTimeout) {
      this.startTimeout = startTimeout;
    }

    /** The port set so far, 0 for a free one. */
    int port() {
      return port;
    }

    void port(int port) {
      this.port = checkPort(port, "port");
    }

    /** Makes it absolute and normalised; rejects a path that exists and is not a directory. */
    void dataDir(Path dataDir) {
      Objects.requireNonNull(dataDir, "dataDir");
      Path absolute = dataDir.toAbsolutePath().normalize();
      if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
        throw new IllegalArgumentException("dataDir exists but is not a directory: " + absolute);
      }
      this.dataDir = absolute;
    }

    void startTimeout(Duration startTimeout) {
      this.startTimeout = positive(startTimeout, "startTimeout");
    }

    void stopTimeout(Duration stopTimeout) {
      this.stopTimeout = positive(stopTimeout, "stopTimeout");
    }

    void exitGrace(Duration exitGrace) {
      Objects.requireNonNull(exitGrace, "exitGrace");
      if (exitGrace.isNegative()) {
        throw new IllegalArgumentException("exitGrace must not be negative, was " + exitGrace);
      }
      this.exitGrace = exitGrace;
    }

    void jvmScoped(boolean jvmScoped) {
      this.jvmScoped = jvmScoped;
    }

    ServerSettings build() {
      return new ServerSettings(this);
    }
  }
}
