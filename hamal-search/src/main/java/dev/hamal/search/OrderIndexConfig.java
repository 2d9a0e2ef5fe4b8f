package dev.hamal.search;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link OrderIndex} reaches the cluster and lays out its indices. Immutable; made with {@link
 * #builder(List)}, which validates every setting and names it when a value is rejected. The
 * password is masked by {@link #toString()}.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code hosts}</td><td>(required)</td><td>HTTP(S) addresses of cluster nodes, e.g.
 *       {@code http://127.0.0.1:9200}; requests are spread over them and fail over</td></tr>
 *   <tr><td>{@code indexPrefix}</td><td>{@code hamal-orders}</td><td>the alias reads go to, the
 *       template's name, and the prefix of the monthly indices ({@code hamal-orders-2025.06})</td></tr>
 *   <tr><td>{@code shards}</td><td>1</td><td>primary shards of each monthly index</td></tr>
 *   <tr><td>{@code replicas}</td><td>0</td><td>replicas of each shard (0 suits one node; use 1 or
 *       more on a cluster)</td></tr>
 *   <tr><td>{@code refreshInterval}</td><td>1 s</td><td>{@code index.refresh_interval}: how soon a
 *       write becomes visible to searches; bulk requests never force a refresh</td></tr>
 *   <tr><td>{@code requestTimeout}</td><td>30 s</td><td>how long one request may take before the
 *       batch counts as failed (and is retried by the caller)</td></tr>
 *   <tr><td>{@code connectTimeout}</td><td>5 s</td><td>how long opening a connection may
 *       take</td></tr>
 *   <tr><td>{@code maxConnections}</td><td>64</td><td>connections to each node; requests beyond
 *       wait for one (the client's own default, 10, queued the gateway's searches)</td></tr>
 *   <tr><td>{@code username}, {@code password}</td><td>none</td><td>HTTP basic authentication,
 *       for clusters with the security plugin</td></tr>
 * </table>
 */
public final class OrderIndexConfig {

  private final List<URI> hosts;
  private final String indexPrefix;
  private final int shards;
  private final int replicas;
  private final Duration refreshInterval;
  private final Duration requestTimeout;
  private final Duration connectTimeout;
  private final int maxConnections;
  private final String username;
  private final String password;

  private OrderIndexConfig(Builder b) {
    this.hosts = List.copyOf(b.hosts);
    this.indexPrefix = b.indexPrefix;
    this.shards = b.shards;
    this.replicas = b.replicas;
    this.refreshInterval = b.refreshInterval;
    this.requestTimeout = b.requestTimeout;
    this.connectTimeout = b.connectTimeout;
    this.maxConnections = b.maxConnections;
    this.username = b.username;
    this.password = b.password;
  }

  /**
   * A builder for a cluster at {@code hosts}, every other setting at its default.
   *
   * @throws IllegalArgumentException when the list is empty or an address is not {@code
   *     http(s)://host:port}
   */
  public static Builder builder(List<URI> hosts) {
    return new Builder(hosts);
  }

  /** A builder for one node at {@code host}, e.g. {@code http://127.0.0.1:9200}. */
  public static Builder builder(URI host) {
    return new Builder(List.of(host));
  }

  /** The nodes' HTTP(S) addresses. */
  public List<URI> hosts() {
    return hosts;
  }

  /** The alias, template name and monthly-index prefix. */
  public String indexPrefix() {
    return indexPrefix;
  }

  /** Primary shards per monthly index. */
  public int shards() {
    return shards;
  }

  /** Replicas per shard. */
  public int replicas() {
    return replicas;
  }

  /** {@code index.refresh_interval} of the monthly indices. */
  public Duration refreshInterval() {
    return refreshInterval;
  }

  /** How long one request may take. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** How long opening a connection may take. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Connections to each node. */
  public int maxConnections() {
    return maxConnections;
  }

  /** The basic-authentication user, if any. */
  public Optional<String> username() {
    return Optional.ofNullable(username);
  }

  /** The basic-authentication password, if any. */
  public Optional<String> password() {
    return Optional.ofNullable(password);
  }

  @Override
  public String toString() {
    return "OrderIndexConfig{hosts="
        + hosts
        + ", indexPrefix="
        + indexPrefix
        + ", shards="
        + shards
        + ", replicas="
        + replicas
        + ", refreshInterval="
        + refreshInterval
        + ", requestTimeout="
        + requestTimeout
        + ", connectTimeout="
        + connectTimeout
        + ", maxConnections="
        + maxConnections
        + (username == null ? "" : ", username=" + username + ", password=****")
        + '}';
  }

  /** Collects settings; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {
    private final List<URI> hosts;
    private String indexPrefix = "hamal-orders";
    private int shards = 1;
    private int replicas;
    private Duration refreshInterval = Duration.ofSeconds(1);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private int maxConnections = 64;
    private String username;
    private String password;

    private Builder(List<URI> hosts) {
      Objects.requireNonNull(hosts, "hosts");
      if (hosts.isEmpty()) {
        throw new IllegalArgumentException("hosts must name at least one node");
      }
      List<URI> checked = new ArrayList<>();
      for (URI host : hosts) {
        Objects.requireNonNull(host, "hosts element");
        String scheme = host.getScheme();
        if (!("http".equals(scheme) || "https".equals(scheme))
            || host.getHost() == null
            || host.getPort() < 1
            || !(host.getPath() == null || host.getPath().isEmpty() || host.getPath().equals("/"))
            || host.getQuery() != null) {
          throw new IllegalArgumentException(
              "hosts must be http(s)://host:port addresses, was '" + host + "'");
        }
        checked.add(host);
      }
      this.hosts = checked;
    }

    /**
     * The alias, template name and prefix of the monthly indices: lower-case letters, digits, '-'
     * and '_', starting with a letter, at most 200 characters (default {@code hamal-orders}).
     */
    public Builder indexPrefix(String indexPrefix) {
      Objects.requireNonNull(indexPrefix, "indexPrefix");
      if (!indexPrefix.matches("[a-z][a-z0-9_-]{0,199}")) {
        throw new IllegalArgumentException(
            "indexPrefix must be lower-case letters, digits, '-' or '_', starting with a letter,"
                + " at most 200 characters; was '"
                + indexPrefix
                + "'");
      }
      this.indexPrefix = indexPrefix;
      return this;
    }

    /** Primary shards per monthly index, 1-1024 (default 1). */
    public Builder shards(int shards) {
      if (shards < 1 || shards > 1024) {
        throw new IllegalArgumentException("shards must be 1-1024, was " + shards);
      }
      this.shards = shards;
      return this;
    }

    /** Replicas per shard, 0-16 (default 0). */
    public Builder replicas(int replicas) {
      if (replicas < 0 || replicas > 16) {
        throw new IllegalArgumentException("replicas must be 0-16, was " + replicas);
      }
      this.replicas = replicas;
      return this;
    }

    /** {@code index.refresh_interval}, whole milliseconds from 100 ms to 1 h (default 1 s). */
    public Builder refreshInterval(Duration refreshInterval) {
      Objects.requireNonNull(refreshInterval, "refreshInterval");
      if (refreshInterval.compareTo(Duration.ofMillis(100)) < 0
          || refreshInterval.compareTo(Duration.ofHours(1)) > 0
          || refreshInterval.toNanos() % 1_000_000 != 0) {
        throw new IllegalArgumentException(
            "refreshInterval must be whole milliseconds from 100 ms to 1 h, was "
                + refreshInterval);
      }
      this.refreshInterval = refreshInterval;
      return this;
    }

    /** How long one request may take, 100 ms to 10 min (default 30 s). */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = bounded(requestTimeout, "requestTimeout");
      return this;
    }

    /** How long opening a connection may take, 100 ms to 10 min (default 5 s). */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = bounded(connectTimeout, "connectTimeout");
      return this;
    }

    /** Connections to each node, 1 to 1,024 (default 64). */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections < 1 || maxConnections > 1_024) {
        throw new IllegalArgumentException(
            "maxConnections must be from 1 to 1024, was " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /** HTTP basic authentication (default none). */
    public Builder credentials(String username, String password) {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
      if (username.isEmpty()) {
        throw new IllegalArgumentException("username must not be empty");
      }
      this.username = username;
      this.password = password;
      return this;
    }

    /** The immutable configuration. */
    public OrderIndexConfig build() {
      return new OrderIndexConfig(this);
    }

    private static Duration bounded(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.compareTo(Duration.ofMillis(100)) < 0
          || value.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException(name + " must be from 100 ms to 10 min, was " + value);
      }
      return value;
    }
  }
}
