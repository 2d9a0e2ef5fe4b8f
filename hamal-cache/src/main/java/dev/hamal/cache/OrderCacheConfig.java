package dev.hamal.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link OrderCache} reaches Redis and sizes its near cache. Immutable; made with {@link
 * #builder(String)}, which validates every setting and names it when a value is rejected. {@link
 * #toString()} masks the password.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code redisUri}</td><td>required</td><td>{@code redis://[[user]:password@]host:port[/db]}
 *       (or {@code rediss://} for TLS) of a standalone server</td></tr>
 *   <tr><td>{@code keyPrefix}</td><td>{@code hamal:order:}</td><td>prefix of every order key; the
 *       key is the prefix followed by the order id</td></tr>
 *   <tr><td>{@code invalidationChannel}</td><td>{@code hamal:order:invalidate}</td><td>pub/sub
 *       channel on which writers announce changed orders</td></tr>
 *   <tr><td>{@code liveTtl}</td><td>7 days</td><td>time to live of a live or archived order,
 *       renewed by every applied write</td></tr>
 *   <tr><td>{@code tombstoneTtl}</td><td>1 day</td><td>time to live of a deleted order's
 *       tombstone</td></tr>
 *   <tr><td>{@code nearCacheMaxSize}</td><td>100,000</td><td>orders held in process; 0 turns the
 *       near cache off</td></tr>
 *   <tr><td>{@code nearCacheTtl}</td><td>30 s</td><td>how long a near-cache entry is served after
 *       it was read from Redis: the bound on staleness when an invalidation is lost</td></tr>
 *   <tr><td>{@code floorMaxSize}</td><td>100,000</td><td>order ids whose highest served version is
 *       remembered after they left the near cache (the monotonic-read floor); 0 turns it
 *       off</td></tr>
 *   <tr><td>{@code commandTimeout}</td><td>2 s</td><td>how long a Redis command, or a pipelined
 *       batch, may take before the call fails as unavailable</td></tr>
 *   <tr><td>{@code ticker}</td><td>system</td><td>the near cache's clock (tests move a fake
 *       one)</td></tr>
 * </table>
 */
public final class OrderCacheConfig {

  private final RedisURI redisUri;
  private final String maskedRedisUri;
  private final String keyPrefix;
  private final String invalidationChannel;
  private final Duration liveTtl;
  private final Duration tombstoneTtl;
  private final long nearCacheMaxSize;
  private final Duration nearCacheTtl;
  private final long floorMaxSize;
  private final Duration commandTimeout;
  private final Ticker ticker;

  private OrderCacheConfig(Builder b) {
    this.redisUri = RedisURI.builder(b.redisUri).withTimeout(b.commandTimeout).build();
    this.maskedRedisUri = b.maskedRedisUri;
    this.keyPrefix = b.keyPrefix;
    this.invalidationChannel = b.invalidationChannel;
    this.liveTtl = b.liveTtl;
    this.tombstoneTtl = b.tombstoneTtl;
    this.nearCacheMaxSize = b.nearCacheMaxSize;
    this.nearCacheTtl = b.nearCacheTtl;
    this.floorMaxSize = b.floorMaxSize;
    this.commandTimeout = b.commandTimeout;
    this.ticker = b.ticker;
  }

  /**
   * A builder for the server at {@code redisUri}, every other setting at its default.
   *
   * @throws IllegalArgumentException if the URI is not a Redis URI
   */
  public static Builder builder(String redisUri) {
    return new Builder(redisUri);
  }

  /** The Redis server, as Lettuce parsed it. */
  RedisURI redisUri() {
    return redisUri;
  }

  /** The Redis URI with its password masked, for logs. */
  public String maskedRedisUri() {
    return maskedRedisUri;
  }

  /** Prefix of every order key. */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** The pub/sub channel of invalidations. */
  public String invalidationChannel() {
    return invalidationChannel;
  }

  /** Time to live of live and archived orders. */
  public Duration liveTtl() {
    return liveTtl;
  }

  /** Time to live of tombstones. */
  public Duration tombstoneTtl() {
    return tombstoneTtl;
  }

  /** Orders held in process; 0 when the near cache is off. */
  public long nearCacheMaxSize() {
    return nearCacheMaxSize;
  }

  /** How long a near-cache entry is served after it was read. */
  public Duration nearCacheTtl() {
    return nearCacheTtl;
  }

  /** Order ids whose served version is remembered after leaving the near cache. */
  public long floorMaxSize() {
    return floorMaxSize;
  }

  /** How long a command or a pipelined batch may take. */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /** The near cache's clock. */
  public Ticker ticker() {
    return ticker;
  }

  @Override
  public String toString() {
    return "OrderCacheConfig{redisUri="
        + maskedRedisUri()
        + ", keyPrefix="
        + keyPrefix
        + ", invalidationChannel="
        + invalidationChannel
        + ", liveTtl="
        + liveTtl
        + ", tombstoneTtl="
        + tombstoneTtl
        + ", nearCacheMaxSize="
        + nearCacheMaxSize
        + ", nearCacheTtl="
        + nearCacheTtl
        + ", floorMaxSize="
        + floorMaxSize
        + ", commandTimeout="
        + commandTimeout
        + '}';
  }

  /** The URI with the password of its user information replaced by {@code ***}. */
  static String mask(String uri) {
    int scheme = uri.indexOf("://");
    int at = uri.indexOf('@', scheme + 3);
    int slash = uri.indexOf('/', scheme + 3);
    if (scheme < 0 || at < 0 || (slash >= 0 && slash < at)) {
      return uri;
    }
    String userInfo = uri.substring(scheme + 3, at);
    int colon = userInfo.indexOf(':');
    String masked = colon < 0 ? "***" : userInfo.substring(0, colon) + ":***";
    return uri.substring(0, scheme + 3) + masked + uri.substring(at);
  }

  /** Collects settings; {@link #build()} returns the immutable configuration. Not thread-safe. */
  public static final class Builder {

    private final RedisURI redisUri;
    private final String maskedRedisUri;
    private String keyPrefix = "hamal:order:";
    private String invalidationChannel = "hamal:order:invalidate";
    private Duration liveTtl = Duration.ofDays(7);
    private Duration tombstoneTtl = Duration.ofDays(1);
    private long nearCacheMaxSize = 100_000;
    private Duration nearCacheTtl = Duration.ofSeconds(30);
    private long floorMaxSize = 100_000;
    private Duration commandTimeout = Duration.ofSeconds(2);
    private Ticker ticker = Ticker.systemTicker();

    private Builder(String redisUri) {
      Objects.requireNonNull(redisUri, "redisUri");
      this.maskedRedisUri = mask(redisUri);
      if (!redisUri.startsWith("redis://") && !redisUri.startsWith("rediss://")) {
        throw new IllegalArgumentException(
            "redisUri must look like redis://[[user]:password@]host:port[/db], was "
                + maskedRedisUri);
      }
      try {
        this.redisUri = RedisURI.create(redisUri);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "redisUri is not a Redis URI: "
                + maskedRedisUri
                + " ("
                + e.getClass().getSimpleName()
                + ")");
      }
    }

    /** Prefix of every order key, not empty (default {@code hamal:order:}). */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = notBlank(keyPrefix, "keyPrefix");
      return this;
    }

    /** The invalidation channel, not empty (default {@code hamal:order:invalidate}). */
    public Builder invalidationChannel(String invalidationChannel) {
      this.invalidationChannel = notBlank(invalidationChannel, "invalidationChannel");
      return this;
    }

    /** Time to live of live and archived orders, at least 1 s (default 7 days). */
    public Builder liveTtl(Duration liveTtl) {
      this.liveTtl = atLeastOneSecond(liveTtl, "liveTtl");
      return this;
    }

    /** Time to live of tombstones, at least 1 s (default 1 day). */
    public Builder tombstoneTtl(Duration tombstoneTtl) {
      this.tombstoneTtl = atLeastOneSecond(tombstoneTtl, "tombstoneTtl");
      return this;
    }

    /** Orders held in process, 0 (off) to 100,000,000 (default 100,000). */
    public Builder nearCacheMaxSize(long nearCacheMaxSize) {
      this.nearCacheMaxSize = size(nearCacheMaxSize, "nearCacheMaxSize");
      return this;
    }

    /** How long a near-cache entry is served after it was read, positive (default 30 s). */
    public Builder nearCacheTtl(Duration nearCacheTtl) {
      this.nearCacheTtl = positive(nearCacheTtl, "nearCacheTtl");
      return this;
    }

    /** Ids remembered by the monotonic-read floor, 0 (off) to 100,000,000 (default 100,000). */
    public Builder floorMaxSize(long floorMaxSize) {
      this.floorMaxSize = size(floorMaxSize, "floorMaxSize");
      return this;
    }

    /** How long a command or a pipelined batch may take, positive (default 2 s). */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = positive(commandTimeout, "commandTimeout");
      return this;
    }

    /** The near cache's clock (default the system's). */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** The immutable configuration. */
    public OrderCacheConfig build() {
      return new OrderCacheConfig(this);
    }

    private static String notBlank(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be empty");
      }
      return value;
    }

    private static long size(long value, String name) {
      if (value < 0 || value > 100_000_000) {
        throw new IllegalArgumentException(name + " must be 0 (off) to 100000000, was " + value);
      }
      return value;
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
    }

    private static Duration atLeastOneSecond(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(name + " must be at least 1 s, was " + value);
      }
      return value;
    }
  }
}
