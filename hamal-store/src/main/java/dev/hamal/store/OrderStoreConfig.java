package dev.hamal.store;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of an {@link OrderStore}.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code store.shards}</td><td>required, one or more</td><td>JDBC URLs of the shard
 *       databases for the MariaDB driver ({@code jdbc:mariadb://host:port/db?...}); an order lives
 *       on shard {@code floorMod(crc32(utf8(orderId)), count)}, so the list's order and length are
 *       part of the data layout: changing them needs a re-shard</td></tr>
 *   <tr><td>{@code store.user}</td><td>required</td><td>database user (same on every
 *       shard)</td></tr>
 *   <tr><td>{@code store.password}</td><td>empty</td><td>its password; masked in {@link
 *       #toString()}</td></tr>
 *   <tr><td>{@code store.pool-size}</td><td>8</td><td>connections per shard, 1..256</td></tr>
 *   <tr><td>{@code store.connection-timeout}</td><td>5 s</td><td>how long to wait for a pooled
 *       connection (and to open one), 250 ms..10 min</td></tr>
 *   <tr><td>{@code store.socket-timeout}</td><td>30 s</td><td>longest wait for a server reply
 *       before the connection counts as lost, 1 s..1 h</td></tr>
 *   <tr><td>{@code store.batch-size}</td><td>500</td><td>rows per multi-row statement (upserts
 *       and {@code IN} look-ups) and per page of a scan, 1..5000</td></tr>
 *   <tr><td>{@code store.search-timeout}</td><td>5 s</td><td>longest a search statement may run on
 *       a shard ({@link java.sql.Statement#setQueryTimeout}, so whole seconds), 1 s..10 min; a
 *       search that runs out fails as unavailable</td></tr>
 *   <tr><td>{@code store.migrate}</td><td>true</td><td>run the schema migrations on every shard
 *       when the store opens</td></tr>
 *   <tr><td>{@code store.history}</td><td>true</td><td>record every distinct change of every order
 *       in {@code order_changes}, in the transaction that writes the order</td></tr>
 *   <tr><td>{@code store.history-retention}</td><td>30 days</td><td>how long recorded changes are
 *       kept, by their commit time, 1 h..3650 days; older ones are purged every {@link
 *       Builder#historyPurgeInterval purge interval}</td></tr>
 * </table>
 *
 * <p>Immutable; validated when built, with messages that name the key.
 */
public final class OrderStoreConfig {
  private final List<String> shards;
  private final String user;
  private final String password;
  private final int poolSize;
  private final Duration connectionTimeout;
  private final Duration socketTimeout;
  private final int batchSize;
  private final Duration searchTimeout;
  private final boolean migrate;
  private final boolean history;
  private final Duration historyRetention;
  private final Duration historyPurgeInterval;

  private OrderStoreConfig(Builder b) {
    if (b.shards.isEmpty()) {
      throw new IllegalArgumentException("store.shards needs at least one JDBC URL");
    }
    for (int i = 0; i < b.shards.size(); i++) {
      String url = b.shards.get(i);
      if (url == null || !url.startsWith("jdbc:mariadb://")) {
        throw new IllegalArgumentException(
            "store.shards["
                + i
                + "] must be a MariaDB driver URL (jdbc:mariadb://host:port/database), was "
                + maskUrl(url));
      }
    }
    if (b.user == null || b.user.isBlank()) {
      throw new IllegalArgumentException("store.user is required");
    }
    Objects.requireNonNull(b.password, "store.password");
    if (b.poolSize < 1 || b.poolSize > 256) {
      throw new IllegalArgumentException("store.pool-size must be 1..256, was " + b.poolSize);
    }
    within(
        "store.connection-timeout",
        b.connectionTimeout,
        Duration.ofMillis(250),
        Duration.ofMinutes(10));
    within("store.socket-timeout", b.socketTimeout, Duration.ofSeconds(1), Duration.ofHours(1));
    if (b.batchSize < 1 || b.batchSize > 5000) {
      throw new IllegalArgumentException("store.batch-size must be 1..5000, was " + b.batchSize);
    }
    within("store.search-timeout", b.searchTimeout, Duration.ofSeconds(1), Duration.ofMinutes(10));
    if (b.searchTimeout.getNano() != 0) {
      throw new IllegalArgumentException(
          "store.search-timeout must be whole seconds (a JDBC query timeout), was "
              + b.searchTimeout);
    }
    within(
        "store.history-retention", b.historyRetention, Duration.ofHours(1), Duration.ofDays(3650));
    if (b.historyPurgeInterval == null
        || (!b.historyPurgeInterval.isZero()
            && (b.historyPurgeInterval.compareTo(Duration.ofMillis(100)) < 0
                || b.historyPurgeInterval.compareTo(Duration.ofDays(1)) > 0))) {
      throw new IllegalArgumentException(
          "the history purge interval must be 0 (no scheduled purge) or between 100 ms and 1 day,"
              + " was "
              + b.historyPurgeInterval);
    }
    this.shards = List.copyOf(b.shards);
    this.user = b.user;
    this.password = b.password;
    this.poolSize = b.poolSize;
    this.connectionTimeout = b.connectionTimeout;
    this.socketTimeout = b.socketTimeout;
    this.batchSize = b.batchSize;
    this.searchTimeout = b.searchTimeout;
    this.migrate = b.migrate;
    this.history = b.history;
    this.historyRetention = b.historyRetention;
    this.historyPurgeInterval = b.historyPurgeInterval;
  }

  private static void within(String key, Duration value, Duration min, Duration max) {
    if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          key + " must be between " + min + " and " + max + ", was " + value);
    }
  }

  /** A builder for a store of the given shard URLs (in shard order) and user. */
  public static Builder builder(List<String> shards, String user) {
    return new Builder(shards, user);
  }

  /** A builder for a store of one shard. */
  public static Builder builder(String shard, String user) {
    return new Builder(List.of(shard), user);
  }

  /** The shard URLs, in shard order. */
  public List<String> shards() {
    return shards;
  }

  /** The database user. */
  public String user() {
    return user;
  }

  /** The password (never logged). */
  String password() {
    return password;
  }

  /** Connections per shard. */
  public int poolSize() {
    return poolSize;
  }

  /** How long to wait for a connection. */
  public Duration connectionTimeout() {
    return connectionTimeout;
  }

  /** How long to wait for a server reply. */
  public Duration socketTimeout() {
    return socketTimeout;
  }

  /** Rows per statement and per scan page. */
  public int batchSize() {
    return batchSize;
  }

  /** Longest a search statement may run on one shard (whole seconds). */
  public Duration searchTimeout() {
    return searchTimeout;
  }

  /** Whether opening the store migrates the schema. */
  public boolean migrate() {
    return migrate;
  }

  /** Whether writes record every distinct change in the order's change history. */
  public boolean history() {
    return history;
  }

  /** How long recorded changes are kept, by their commit time. */
  public Duration historyRetention() {
    return historyRetention;
  }

  /** How often the store purges expired changes; zero when it does not on its own. */
  public Duration historyPurgeInterval() {
    return historyPurgeInterval;
  }

  @Override
  public String toString() {
    return "OrderStoreConfig[store.shards="
        + shards.stream().map(OrderStoreConfig::maskUrl).toList()
        + ", store.user="
        + user
        + ", store.password="
        + (password.isEmpty() ? "" : "****")
        + ", store.pool-size="
        + poolSize
        + ", store.connection-timeout="
        + connectionTimeout
        + ", store.socket-timeout="
        + socketTimeout
        + ", store.batch-size="
        + batchSize
        + ", store.search-timeout="
        + searchTimeout
        + ", store.migrate="
        + migrate
        + ", store.history="
        + history
        + ", store.history-retention="
        + historyRetention
        + "]";
  }

  /** A URL with any {@code password=...} option masked, for messages and logs. */
  static String maskUrl(String url) {
    if (url == null) {
      return "null";
    }
    return url.replaceAll("(?i)(password=)[^&;]*", "$1****");
  }

  /** Collects settings; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {
    private final List<String> shards;
    private final String user;
    private String password = "";
    private int poolSize = 8;
    private Duration connectionTimeout = Duration.ofSeconds(5);
    private Duration socketTimeout = Duration.ofSeconds(30);
    private int batchSize = 500;
    private Duration searchTimeout = Duration.ofSeconds(5);
    private boolean migrate = true;
    private boolean history = true;
    private Duration historyRetention = Duration.ofDays(30);
    private Duration historyPurgeInterval = Duration.ofMinutes(10);

    private Builder(List<String> shards, String user) {
      this.shards = new java.util.ArrayList<>(Objects.requireNonNull(shards, "store.shards"));
      this.user = user;
    }

    /** Sets {@code store.password}. */
    public Builder password(String value) {
      password = value;
      return this;
    }

    /** Sets {@code store.pool-size}. */
    public Builder poolSize(int value) {
      poolSize = value;
      return this;
    }

    /** Sets {@code store.connection-timeout}. */
    public Builder connectionTimeout(Duration value) {
      connectionTimeout = value;
      return this;
    }

    /** Sets {@code store.socket-timeout}. */
    public Builder socketTimeout(Duration value) {
      socketTimeout = value;
      return this;
    }

    /** Sets {@code store.batch-size}. */
    public Builder batchSize(int value) {
      batchSize = value;
      return this;
    }

    /** Sets {@code store.search-timeout}. */
    public Builder searchTimeout(Duration value) {
      searchTimeout = value;
      return this;
    }

    /** Sets {@code store.migrate}. */
    public Builder migrate(boolean value) {
      migrate = value;
      return this;
    }

    /** Sets {@code store.history}. */
    public Builder history(boolean value) {
      history = value;
      return this;
    }

    /** Sets {@code store.history-retention}. */
    public Builder historyRetention(Duration value) {
      historyRetention = value;
      return this;
    }

    /**
     * How often the open store purges changes older than {@code store.history-retention}, on a
     * thread of its own (default 10 minutes, 100 ms to 1 day); zero for no scheduled purge ({@link
     * OrderStore#purgeHistory()} still purges on demand). Not a settings key: every instance that
     * opens the store purges, and several purging at once delete each row once.
     */
    public Builder historyPurgeInterval(Duration value) {
      historyPurgeInterval = value;
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalArgumentException naming the key of the first invalid setting
     */
    public OrderStoreConfig build() {
      return new OrderStoreConfig(this);
    }
  }
}
