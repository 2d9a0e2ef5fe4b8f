package dev.hamal.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * How to start one embedded Kafka broker (a KRaft combined broker and controller in a child JVM).
 * Immutable; made with {@link #builder()}, which validates every setting and names it in the
 * message when a value is rejected.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code port}</td><td>0</td><td>client (PLAINTEXT) port on 127.0.0.1; 0 picks a free
 *       one at the first start and keeps it for restarts</td></tr>
 *   <tr><td>{@code controllerPort}</td><td>0</td><td>KRaft controller port on 127.0.0.1, chosen and
 *       kept the same way</td></tr>
 *   <tr><td>{@code dataDir}</td><td>none</td><td>persistent data directory (logs, metadata, the
 *       broker's log file), formatted when new and kept by {@code close()}; without it a temporary
 *       directory is used and deleted</td></tr>
 *   <tr><td>{@code partitions}</td><td>1</td><td>{@code num.partitions}: partitions of a topic
 *       created without a count</td></tr>
 *   <tr><td>{@code autoCreateTopics}</td><td>false</td><td>{@code auto.create.topics.enable}; off
 *       because the application creates its topics</td></tr>
 *   <tr><td>{@code logRetention}</td><td>7 days</td><td>{@code log.retention.ms}</td></tr>
 *   <tr><td>{@code maxHeapMegabytes}</td><td>512</td><td>{@code -Xmx} of the child JVM</td></tr>
 *   <tr><td>{@code jvmArgs}</td><td>none</td><td>extra options of the child JVM, after the
 *       defaults</td></tr>
 *   <tr><td>{@code brokerProperties}</td><td>none</td><td>extra broker properties, written last so
 *       they override the defaults; the ones that fix where the broker lives (listeners, node id,
 *       log dirs, ...) are rejected</td></tr>
 *   <tr><td>{@code startTimeout}</td><td>60 s</td><td>how long a start may take until {@code
 *       Admin.describeCluster()} lists the broker</td></tr>
 *   <tr><td>{@code stopTimeout}</td><td>30 s</td><td>how long a clean (controlled) shutdown may
 *       take before the child is killed</td></tr>
 *   <tr><td>{@code exitGrace}</td><td>0</td><td>when the JVM exits with the broker running, how
 *       long its shutdown hook waits for the owner to close it before stopping it</td></tr>
 *   <tr><td>{@code jvmScoped}</td><td>false</td><td>when true, {@code close()} does nothing and the
 *       broker runs until the JVM exits (shared test brokers)</td></tr>
 * </table>
 */
public final class KafkaBrokerConfig {

  /** Properties the embedded broker owns: they fix its identity, listeners and storage. */
  static final Set<String> RESERVED_PROPERTIES =
      Set.of(
          "process.roles",
          "node.id",
          "controller.quorum.voters",
          "controller.quorum.bootstrap.servers",
          "listeners",
          "advertised.listeners",
          "controller.listener.names",
          "inter.broker.listener.name",
          "listener.security.protocol.map",
          "log.dirs",
          "log.dir",
          "metadata.log.dir");

  private final ServerSettings server;
  private final int controllerPort;
  private final int partitions;
  private final boolean autoCreateTopics;
  private final Duration logRetention;
  private final int maxHeapMegabytes;
  private final List<String> jvmArgs;
  private final Map<String, String> brokerProperties;

  private KafkaBrokerConfig(Builder b) {
    this.server = b.server.build();
    this.controllerPort = b.controllerPort;
    this.partitions = b.partitions;
    this.autoCreateTopics = b.autoCreateTopics;
    this.logRetention = b.logRetention;
    this.maxHeapMegabytes = b.maxHeapMegabytes;
    this.jvmArgs = List.copyOf(b.jvmArgs);
    this.brokerProperties = Map.copyOf(b.brokerProperties);
  }

  /** A builder with every setting at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The configured client port, or empty when a free port is picked at the first start. */
  public OptionalInt port() {
    return server.port();
  }

  /** The configured controller port, or empty when a free port is picked at the first start. */
  public OptionalInt controllerPort() {
    return ServerSettings.optionalPort(controllerPort);
  }

  /** The persistent data directory, or empty when the broker uses a temporary one. */
  public Optional<Path> dataDir() {
    return server.dataDir();
  }

  /** {@code num.partitions}. */
  public int partitions() {
    return partitions;
  }

  /** {@code auto.create.topics.enable}. */
  public boolean autoCreateTopics() {
    return autoCreateTopics;
  }

  /** {@code log.retention.ms}. */
  public Duration logRetention() {
    return logRetention;
  }

  /** {@code -Xmx} of the child JVM, in MiB. */
  public int maxHeapMegabytes() {
    return maxHeapMegabytes;
  }

  /** Extra options of the child JVM. */
  public List<String> jvmArgs() {
    return jvmArgs;
  }

  /** Extra broker properties, written after the defaults. */
  public Map<String, String> brokerProperties() {
    return brokerProperties;
  }

  /** How long a start may take until the broker answers {@code describeCluster}. */
  public Duration startTimeout() {
    return server.startTimeout();
  }

  /** How long a clean shutdown may take before the child is killed. */
  public Duration stopTimeout() {
    return server.stopTimeout();
  }

  /** How long the JVM-exit hook waits for the owner to close the broker before stopping it. */
  public Duration exitGrace() {
    return server.exitGrace();
  }

  /** Whether {@code close()} is a no-op and the broker runs until the JVM exits. */
  public boolean jvmScoped() {
    return server.jvmScoped();
  }

  /** The settings every embedded server shares. */
  ServerSettings settings() {
    return server;
  }

  @Override
  public String toString() {
    return "KafkaBrokerConfig{port="
        + server.portText()
        + ", controllerPort="
        + ServerSettings.portText(controllerPort)
        + ", dataDir="
        + server.dataDirText()
        + ", partitions="
        + partitions
        + ", autoCreateTopics="
        + autoCreateTopics
        + ", logRetention="
        + logRetention
        + ", maxHeap="
        + maxHeapMegabytes
        + "m, jvmArgs="
        + jvmArgs
        + ", brokerProperties="
        + brokerProperties.keySet()
        + server.timeoutsText()
        + '}';
  }

  /** Collects settings; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {

    private final ServerSettings.Builder server =
        new ServerSettings.Builder(Duration.ofSeconds(60));
    private int controllerPort;
    private int partitions = 1;
    private boolean autoCreateTopics;
    private Duration logRetention = Duration.ofDays(7);
    private int maxHeapMegabytes = 512;
    private List<String> jvmArgs = List.of();
    private Map<String, String> brokerProperties = Map.of();

    private Builder() {}

    /** Client port on 127.0.0.1, 1-65535, or 0 (the default) for a free port. */
    public Builder port(int port) {
      server.port(port);
      return this;
    }

    /** KRaft controller port on 127.0.0.1, 1-65535, or 0 (the default) for a free port. */
    public Builder controllerPort(int controllerPort) {
      this.controllerPort = ServerSettings.checkPort(controllerPort, "controllerPort");
      return this;
    }

    /** A persistent data directory: formatted when new, reused otherwise, kept by close(). */
    public Builder dataDir(Path dataDir) {
      server.dataDir(dataDir);
      return this;
    }

    /** {@code num.partitions}, 1-10000 (default 1). */
    public Builder partitions(int partitions) {
      if (partitions < 1 || partitions > 10_000) {
        throw new IllegalArgumentException("partitions must be 1-10000, was " + partitions);
      }
      this.partitions = partitions;
      return this;
    }

    /** {@code auto.create.topics.enable} (default false: the application creates its topics). */
    public Builder autoCreateTopics(boolean autoCreateTopics) {
      this.autoCreateTopics = autoCreateTopics;
      return this;
    }

    /** {@code log.retention.ms}, at least 1 s (default 7 days). */
    public Builder logRetention(Duration logRetention) {
      Objects.requireNonNull(logRetention, "logRetention");
      if (logRetention.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(
            "logRetention must be at least 1 s, was " + logRetention);
      }
      this.logRetention = logRetention;
      return this;
    }

    /** {@code -Xmx} of the child JVM in MiB, 128-65536 (default 512). */
    public Builder maxHeapMegabytes(int maxHeapMegabytes) {
      if (maxHeapMegabytes < 128 || maxHeapMegabytes > 65_536) {
        throw new IllegalArgumentException(
            "maxHeapMegabytes must be 128-65536, was " + maxHeapMegabytes);
      }
      this.maxHeapMegabytes = maxHeapMegabytes;
      return this;
    }

    /** Extra options of the child JVM such as {@code -XX:+UseSerialGC}, after the defaults. */
    public Builder jvmArgs(List<String> jvmArgs) {
      Objects.requireNonNull(jvmArgs, "jvmArgs");
      for (String arg : jvmArgs) {
        Objects.requireNonNull(arg, "jvmArgs element");
        if (!arg.startsWith("-")) {
          throw new IllegalArgumentException("jvmArgs must be JVM options, got '" + arg + "'");
        }
        if (arg.equals("-cp") || arg.equals("-classpath") || arg.startsWith("--class-path")) {
          throw new IllegalArgumentException(
              "jvmArgs must not set the class path: the broker's comes from hamal-kafka-broker");
        }
      }
      this.jvmArgs = List.copyOf(jvmArgs);
      return this;
    }

    /**
     * Extra broker properties such as {@code log.segment.bytes}, written after the defaults so they
     * win. Properties that fix the broker's identity, listeners or storage are rejected: use the
     * dedicated settings.
     */
    public Builder brokerProperties(Map<String, String> brokerProperties) {
      Objects.requireNonNull(brokerProperties, "brokerProperties");
      Map<String, String> checked = new LinkedHashMap<>();
      brokerProperties.forEach((key, value) -> {
        Objects.requireNonNull(key, "brokerProperties key");
        Objects.requireNonNull(value, "brokerProperties value of " + key);
        if (RESERVED_PROPERTIES.contains(key.trim())) {
          throw new IllegalArgumentException(
              "brokerProperties must not set "
                  + key
                  + ": the embedded broker owns it (use the port/controllerPort/dataDir"
                  + " settings)");
        }
        checked.put(key.trim(), value);
      });
      this.brokerProperties = checked;
      return this;
    }

    /** How long a start may take until the broker answers (positive; default 60 s). */
    public Builder startTimeout(Duration startTimeout) {
      server.startTimeout(startTimeout);
      return this;
    }

    /** How long a clean shutdown may take before the child is killed (default 30 s). */
    public Builder stopTimeout(Duration stopTimeout) {
      server.stopTimeout(stopTimeout);
      return this;
    }

    /**
     * When the JVM exits with the broker still running, how long (default 0) its shutdown hook
     * waits for the owner's shutdown to close the broker before stopping it itself.
     */
    public Builder exitGrace(Duration exitGrace) {
      server.exitGrace(exitGrace);
      return this;
    }

    /**
     * When true (default false), {@code close()} does nothing: the broker runs until the JVM exits
     * and its shutdown hook stops it. For brokers shared by many tests. {@code stop()}, {@code
     * kill()} and {@code restart()} still act.
     */
    public Builder jvmScoped(boolean jvmScoped) {
      server.jvmScoped(jvmScoped);
      return this;
    }

    /** The immutable configuration. */
    public KafkaBrokerConfig build() {
      if (server.port() != 0 && server.port() == controllerPort) {
        throw new IllegalArgumentException(
            "port and controllerPort must differ, both were " + server.port());
      }
      return new KafkaBrokerConfig(this);
    }
  }
}
