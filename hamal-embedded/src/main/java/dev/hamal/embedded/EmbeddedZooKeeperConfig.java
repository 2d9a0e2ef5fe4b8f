package dev.hamal.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How to start one embedded ZooKeeper server. Immutable; made with {@link #builder()}, which
 * validates every setting and names it in the message when a value is rejected.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code port}</td><td>0</td><td>client port on 127.0.0.1; 0 picks a free one at the
 *       first start and keeps it for restarts</td></tr>
 *   <tr><td>{@code dataDir}</td><td>none</td><td>persistent data directory (snapshots and
 *       transaction logs), kept by {@code close()}; without it a temporary directory is used and
 *       deleted</td></tr>
 *   <tr><td>{@code tickTime}</td><td>500 ms</td><td>{@code tickTime}: the server's heartbeat and
 *       the granularity of session expiry</td></tr>
 *   <tr><td>{@code minSessionTimeout}</td><td>1 s</td><td>{@code minSessionTimeout}: shorter
 *       timeouts asked for by clients are raised to it</td></tr>
 *   <tr><td>{@code maxSessionTimeout}</td><td>60 s</td><td>{@code maxSessionTimeout}: longer
 *       timeouts are lowered to it (60 s is Curator's default session timeout)</td></tr>
 *   <tr><td>{@code startTimeout}</td><td>10 s</td><td>how long a start may take until the server
 *       accepts clients (it takes well under a second; a server that fails inside ZooKeeper's own
 *       thread is only noticed when this passes)</td></tr>
 *   <tr><td>{@code exitGrace}</td><td>0</td><td>when the JVM exits with the server running, how long
 *       its shutdown hook waits for the owner to close it first (so that clients hand off their
 *       work before the server goes)</td></tr>
 *   <tr><td>{@code jvmScoped}</td><td>false</td><td>when true, {@code close()} does nothing and the
 *       server runs until the JVM exits (shared test servers)</td></tr>
 * </table>
 */
public final class EmbeddedZooKeeperConfig {

  private final ServerSettings server;
  private final Duration tickTime;
  private final Duration minSessionTimeout;
  private final Duration maxSessionTimeout;

  private EmbeddedZooKeeperConfig(Builder b) {
    this.server = b.server.build();
    this.tickTime = b.tickTime;
    this.minSessionTimeout = b.minSessionTimeout;
    this.maxSessionTimeout = b.maxSessionTimeout;
  }

  /** A builder with every setting at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The configured client port, or empty when a free port is picked at the first start. */
  public OptionalInt port() {
    return server.port();
  }

  /** The persistent data directory, or empty when the server uses a temporary one. */
  public Optional<Path> dataDir() {
    return server.dataDir();
  }

  /** {@code tickTime}. */
  public Duration tickTime() {
    return tickTime;
  }

  /** {@code minSessionTimeout}. */
  public Duration minSessionTimeout() {
    return minSessionTimeout;
  }

  /** {@code maxSessionTimeout}. */
  public Duration maxSessionTimeout() {
    return maxSessionTimeout;
  }

  /** How long a start may take until the server accepts clients. */
  public Duration startTimeout() {
    return server.startTimeout();
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
    return "EmbeddedZooKeeperConfig{port="
        + server.portText()
        + ", dataDir="
        + server.dataDirText()
        + ", tickTime="
        + tickTime
        + ", sessionTimeout="
        + minSessionTimeout
        + ".."
        + maxSessionTimeout
        + ", startTimeout="
        + server.startTimeout()
        + (server.jvmScoped() ? ", jvmScoped" : "")
        + '}';
  }

  /** Collects settings; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {

    private final ServerSettings.Builder server =
        new ServerSettings.Builder(Duration.ofSeconds(10));
    private Duration tickTime = Duration.ofMillis(500);
    private Duration minSessionTimeout = Duration.ofSeconds(1);
    private Duration maxSessionTimeout = Duration.ofSeconds(60);

    private Builder() {}

    /** Client port on 127.0.0.1, 1-65535, or 0 (the default) for a free port. */
    public Builder port(int port) {
      server.port(port);
      return this;
    }

    /** A persistent data directory, created when missing, reused otherwise, kept by close(). */
    public Builder dataDir(Path dataDir) {
      server.dataDir(dataDir);
      return this;
    }

    /** {@code tickTime}, 10 ms to 10 s in whole milliseconds (default 500 ms). */
    public Builder tickTime(Duration tickTime) {
      Objects.requireNonNull(tickTime, "tickTime");
      if (tickTime.compareTo(Duration.ofMillis(10)) < 0
          || tickTime.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException("tickTime must be 10 ms to 10 s, was " + tickTime);
      }
      this.tickTime = tickTime;
      return this;
    }

    /** {@code minSessionTimeout} (default 1 s); at least one tick, checked by {@link #build()}. */
    public Builder minSessionTimeout(Duration minSessionTimeout) {
      this.minSessionTimeout = ServerSettings.positive(minSessionTimeout, "minSessionTimeout");
      return this;
    }

    /** {@code maxSessionTimeout} (default 60 s); at least the minimum, checked by build(). */
    public Builder maxSessionTimeout(Duration maxSessionTimeout) {
      this.maxSessionTimeout = ServerSettings.positive(maxSessionTimeout, "maxSessionTimeout");
      return this;
    }

    /** Both session timeout bounds at once, e.g. {@code sessionTimeouts(2 s, 6 s)} in tests. */
    public Builder sessionTimeouts(Duration min, Duration max) {
      return minSessionTimeout(min).maxSessionTimeout(max);
    }

    /** How long a start may take until the server accepts clients (positive; default 10 s). */
    public Builder startTimeout(Duration startTimeout) {
      server.startTimeout(startTimeout);
      return this;
    }

    /**
     * When the JVM exits with the server running, how long (default 0) its shutdown hook waits for
     * the owner's shutdown to close it, so that clients hand their work off before it goes.
     */
    public Builder exitGrace(Duration exitGrace) {
      server.exitGrace(exitGrace);
      return this;
    }

    /**
     * When true (default false), {@code close()} does nothing: the server runs until the JVM exits.
     * For servers shared by many tests. {@code stop()}, {@code restart()} and {@code
     * expireSession()} still act.
     */
    public Builder jvmScoped(boolean jvmScoped) {
      server.jvmScoped(jvmScoped);
      return this;
    }

    /**
     * The immutable configuration.
     *
     * @throws IllegalArgumentException when minSessionTimeout is shorter than tickTime or longer
     *     than maxSessionTimeout
     */
    public EmbeddedZooKeeperConfig build() {
      if (minSessionTimeout.compareTo(tickTime) < 0) {
        throw new IllegalArgumentException(
            "minSessionTimeout must be at least tickTime ("
                + tickTime
                + "), was "
                + minSessionTimeout);
      }
      if (maxSessionTimeout.compareTo(minSessionTimeout) < 0) {
        throw new IllegalArgumentException(
            "maxSessionTimeout must be at least minSessionTimeout ("
                + minSessionTimeout
                + "), was "
                + maxSessionTimeout);
      }
      return new EmbeddedZooKeeperConfig(this);
    }
  }
}
