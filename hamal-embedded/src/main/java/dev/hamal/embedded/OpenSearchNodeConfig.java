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
 * How to start one embedded OpenSearch node (a single-node cluster in a child JVM, plain HTTP on
 * 127.0.0.1, no security plugin). Immutable; made with {@link #builder()}, which validates every
 * setting and names it in the message when a value is rejected.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code port}</td><td>0</td><td>HTTP port on 127.0.0.1; 0 picks a free one at the first
 *       start and keeps it for restarts</td></tr>
 *   <tr><td>{@code transportPort}</td><td>0</td><td>node-to-node transport port on 127.0.0.1,
 *       chosen and kept the same way (nothing connects to it; it must still be bound)</td></tr>
 *   <tr><td>{@code dataDir}</td><td>none</td><td>persistent directory (indices, the node's log
 *       file), reused by later starts and kept by {@code close()}; without it a temporary directory
 *       is used and deleted</td></tr>
 *   <tr><td>{@code clusterName}</td><td>hamal</td><td>{@code cluster.name}</td></tr>
 *   <tr><td>{@code maxHeapMegabytes}</td><td>768</td><td>{@code -Xms}/{@code -Xmx} of the child
 *       JVM</td></tr>
 *   <tr><td>{@code jvmArgs}</td><td>none</td><td>extra options of the child JVM, after the
 *       defaults</td></tr>
 *   <tr><td>{@code nodeSettings}</td><td>none</td><td>extra node settings ({@code
 *       indices.memory.index_buffer_size}, ...), written last so they override the defaults; the
 *       ones that fix where the node lives (paths, ports, hosts, discovery) are rejected</td></tr>
 *   <tr><td>{@code startTimeout}</td><td>90 s</td><td>how long a start may take until the cluster
 *       health is yellow or green</td></tr>
 *   <tr><td>{@code stopTimeout}</td><td>30 s</td><td>how long a clean shutdown may take before the
 *       child is killed</td></tr>
 *   <tr><td>{@code exitGrace}</td><td>0</td><td>when the JVM exits with the node running, how long
 *       its shutdown hook waits for the owner to close it before stopping it</td></tr>
 *   <tr><td>{@code jvmScoped}</td><td>false</td><td>when true, {@code close()} does nothing and the
 *       node runs until the JVM exits (shared test nodes)</td></tr>
 * </table>
 */
public final class OpenSearchNodeConfig {

  /** Settings the embedded node owns: they fix its paths, addresses and cluster formation. */
  static final Set<String> RESERVED_SETTINGS =
      Set.of(
          "path.home",
          "path.data",
          "path.logs",
          "path.repo",
          "http.port",
          "http.host",
          "transport.port",
          "transport.host",
          "network.host",
          "discovery.type",
          "discovery.seed_hosts",
          "cluster.initial_cluster_manager_nodes",
          "cluster.initial_master_nodes",
          "cluster.name",
          "node.name");

  private final ServerSettings server;
  private final int transportPort;
  private final String clusterName;
  private final int maxHeapMegabytes;
  private final List<String> jvmArgs;
  private final Map<String, String> nodeSettings;

  private OpenSearchNodeConfig(Builder b) {
    this.server = b.server.build();
    this.transportPort = b.transportPort;
    this.clusterName = b.clusterName;
    this.maxHeapMegabytes = b.maxHeapMegabytes;
    this.jvmArgs = List.copyOf(b.jvmArgs);
    this.nodeSettings = Map.copyOf(b.nodeSettings);
  }

  /** A builder with every setting at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The configured HTTP port, or empty when a free port is picked at the first start. */
  public OptionalInt port() {
    return server.port();
  }

  /** The configured transport port, or empty when a free port is picked at the first start. */
  public OptionalInt transportPort() {
    return ServerSettings.optionalPort(transportPort);
  }

  /** The persistent data directory, or empty when the node uses a temporary one. */
  public Optional<Path> dataDir() {
    return server.dataDir();
  }

  /** {@code cluster.name}. */
  public String clusterName() {
    return clusterName;
  }

  /** {@code -Xmx} of the child JVM, in MiB. */
  public int maxHeapMegabytes() {
    return maxHeapMegabytes;
  }

  /** Extra options of the child JVM. */
  public List<String> jvmArgs() {
    return jvmArgs;
  }

  /** Extra node settings, written after the defaults. */
  public Map<String, String> nodeSettings() {
    return nodeSettings;
  }

  /** How long a start may take until the cluster health is yellow or green. */
  public Duration startTimeout() {
    return server.startTimeout();
  }

  /** How long a clean shutdown may take before the child is killed. */
  public Duration stopTimeout() {
    return server.stopTimeout();
  }

  /** How long the JVM-exit hook waits for the owner to close the node before stopping it. */
  public Duration exitGrace() {
    return server.exitGrace();
  }

  /** Whether {@code close()} is a no-op and the node runs until the JVM exits. */
  public boolean jvmScoped() {
    return server.jvmScoped();
  }

  /** The settings every embedded server shares. */
  ServerSettings settings() {
    return server;
  }

  @Override
  public String toString() {
    return "OpenSearchNodeConfig{port="
        + server.portText()
        + ", transportPort="
        + ServerSettings.portText(transportPort)
        + ", dataDir="
        + server.dataDirText()
        + ", clusterName="
        + clusterName
        + ", maxHeap="
        + maxHeapMegabytes
        + "m, jvmArgs="
        + jvmArgs
        + ", nodeSettings="
        + nodeSettings.keySet()
        + server.timeoutsText()
        + '}';
  }

  /** Collects settings; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {
    private final ServerSettings.Builder server =
        new ServerSettings.Builder(Duration.ofSeconds(90));
    private int transportPort;
    private String clusterName = "hamal";
    private int maxHeapMegabytes = 768;
    private List<String> jvmArgs = List.of();
    private Map<String, String> nodeSettings = Map.of();

    private Builder() {}

    /** HTTP port on 127.0.0.1, 1-65535, or 0 (the default) for a free port. */
    public Builder port(int port) {
      server.port(port);
      return this;
    }

    /** Transport port on 127.0.0.1, 1-65535, or 0 (the default) for a free port. */
    public Builder transportPort(int transportPort) {
      this.transportPort = ServerSettings.checkPort(transportPort, "transportPort");
      return this;
    }

    /** A persistent data directory: reused when it holds a node's data, kept by close(). */
    public Builder dataDir(Path dataDir) {
      server.dataDir(dataDir);
      return this;
    }

    /** {@code cluster.name}: letters, digits, '-' and '_' (default {@code hamal}). */
    public Builder clusterName(String clusterName) {
      Objects.requireNonNull(clusterName, "clusterName");
      if (!clusterName.matches("[A-Za-z0-9_-]{1,64}")) {
        throw new IllegalArgumentException(
            "clusterName must be 1-64 letters, digits, '-' or '_', was '" + clusterName + "'");
      }
      this.clusterName = clusterName;
      return this;
    }

    /** {@code -Xmx} (and {@code -Xms}) of the child JVM in MiB, 256-65536 (default 768). */
    public Builder maxHeapMegabytes(int maxHeapMegabytes) {
      if (maxHeapMegabytes < 256 || maxHeapMegabytes > 65_536) {
        throw new IllegalArgumentException(
            "maxHeapMegabytes must be 256-65536, was " + maxHeapMegabytes);
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
              "jvmArgs must not set the class path: the node's comes from hamal-opensearch-node");
        }
      }
      this.jvmArgs = List.copyOf(jvmArgs);
      return this;
    }

    /**
     * Extra node settings, written after the defaults so they win. Settings that fix the node's
     * paths, addresses or cluster formation are rejected: use the dedicated settings.
     */
    public Builder nodeSettings(Map<String, String> nodeSettings) {
      Objects.requireNonNull(nodeSettings, "nodeSettings");
      Map<String, String> checked = new LinkedHashMap<>();
      nodeSettings.forEach((key, value) -> {
        Objects.requireNonNull(key, "nodeSettings key");
        Objects.requireNonNull(value, "nodeSettings value of " + key);
        if (RESERVED_SETTINGS.contains(key.trim())) {
          throw new IllegalArgumentException(
              "nodeSettings must not set "
                  + key
                  + ": the embedded node owns it (use the port/transportPort/dataDir/"
                  + "clusterName settings)");
        }
        checked.put(key.trim(), value);
      });
      this.nodeSettings = checked;
      return this;
    }

    /** How long a start may take until the cluster is yellow (positive; default 90 s). */
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
     * When the JVM exits with the node still running, how long (default 0) its shutdown hook waits
     * for the owner's shutdown to close the node before stopping it itself.
     */
    public Builder exitGrace(Duration exitGrace) {
      server.exitGrace(exitGrace);
      return this;
    }

    /**
     * When true (default false), {@code close()} does nothing: the node runs until the JVM exits
     * and its shutdown hook stops it. For nodes shared by many tests. {@code stop()}, {@code
     * kill()} and {@code restart()} still act.
     */
    public Builder jvmScoped(boolean jvmScoped) {
      server.jvmScoped(jvmScoped);
      return this;
    }

    /** The immutable configuration. */
    public OpenSearchNodeConfig build() {
      if (server.port() != 0 && server.port() == transportPort) {
        throw new IllegalArgumentException(
            "port and transportPort must differ, both were " + server.port());
      }
      return new OpenSearchNodeConfig(this);
    }
  }
}
