package dev.hamal.coordination;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to reach the ZooKeeper ensemble and how this module behaves in it. Every setting has a
 * default (see {@code docs/coordination.md}); {@link Builder#build()} rejects bad values with a
 * message naming the setting's key and the accepted range.
 *
 * @param connectString {@code coordination.connect}: {@code host:port[,host:port...]}, required
 * @param namespace {@code coordination.namespace}: the chroot every node lives under, default
 *     {@code hamal}
 * @param sessionTimeout {@code coordination.session-timeout}: requested session timeout, default 15
 *     s; a dead instance's pipes move after about this long
 * @param connectionTimeout {@code coordination.connection-timeout}: how long {@link
 *     Coordinator#connect} waits for the first connection, default 15 s
 * @param retryBaseSleep {@code coordination.retry.base-sleep}: first back-off of an operation
 *     retried after a connection loss, default 500 ms (exponential, randomised by Curator)
 * @param retryMaxSleep {@code coordination.retry.max-sleep}: the longest back-off, default 5 s
 * @param retryMaxRetries {@code coordination.retry.max-retries}: retries per operation, default 3
 * @param resyncInterval {@code coordination.resync-interval}: how often an instance re-checks its
 *     assignment and the leader rebalances even without a change event, default 30 s
 * @param handOffTimeout {@code coordination.hand-off-timeout}: how long {@link
 *     InstanceCoordinator#handOff()} waits for the pipes to stop and commit, default 30 s
 * @param clock the clock for stored times (tests pass a fixed one)
 */
public record CoordinatorConfig(
    String connectString,
    String namespace,
    Duration sessionTimeout,
    Duration connectionTimeout,
    Duration retryBaseSleep,
    Duration retryMaxSleep,
    int retryMaxRetries,
    Duration resyncInterval,
    Duration handOffTimeout,
    Clock clock) {

  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  /** Validates every setting. */
  public CoordinatorConfig {
    if (connectString == null || connectString.isBlank()) {
      throw new IllegalArgumentException(
          "coordination.connect is required: host:port[,host:port...] of the ZooKeeper ensemble");
    }
    if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
      throw new IllegalArgumentException(
          "coordination.namespace must match [a-z0-9][a-z0-9_-]{0,62}, was '" + namespace + "'");
    }
    between("coordination.session-timeout", sessionTimeout, "1s", 1_000, 600_000);
    between("coordination.connection-timeout", connectionTimeout, "100ms", 100, 600_000);
    between("coordination.retry.base-sleep", retryBaseSleep, "1ms", 1, 60_000);
    between("coordination.retry.max-sleep", retryMaxSleep, "1ms", 1, 600_000);
    if (retryMaxSleep.compareTo(retryBaseSleep) < 0) {
      throw new IllegalArgumentException(
          "coordination.retry.max-sleep ("
              + retryMaxSleep
              + ") must not be shorter than coordination.retry.base-sleep ("
              + retryBaseSleep
              + ")");
    }
    if (retryMaxRetries < 0 || retryMaxRetries > 29) {
      throw new IllegalArgumentException(
          "coordination.retry.max-retries must be in 0..29, was " + retryMaxRetries);
    }
    between("coordination.resync-interval", resyncInterval, "100ms", 100, 3_600_000);
    between("coordination.hand-off-timeout", handOffTimeout, "100ms", 100, 3_600_000);
    Objects.requireNonNull(clock, "clock");
  }

  /** A builder with every default, for this ensemble. */
  public static Builder builder(String connectString) {
    return new Builder(connectString);
  }

  private static void between(String key, Duration value, String min, long minMs, long maxMs) {
    if (value == null || value.toMillis() < minMs || value.toMillis() > maxMs) {
      throw new IllegalArgumentException(
          key + " must be between " + min + " and " + Duration.ofMillis(maxMs) + ", was " + value);
    }
  }

  /** Builds a {@link CoordinatorConfig}; unset settings keep their defaults. */
  public static final class Builder {
    private final String connectString;
    private String namespace = "hamal";
    private Duration sessionTimeout = Duration.ofSeconds(15);
    private Duration connectionTimeout = Duration.ofSeconds(15);
    private Duration retryBaseSleep = Duration.ofMillis(500);
    private Duration retryMaxSleep = Duration.ofSeconds(5);
    private int retryMaxRetries = 3;
    private Duration resyncInterval = Duration.ofSeconds(30);
    private Duration handOffTimeout = Duration.ofSeconds(30);
    private Clock clock = Clock.systemUTC();

    private Builder(String connectString) {
      this.connectString = connectString;
    }

    /** {@code coordination.namespace}. */
    public Builder namespace(String value) {
      this.namespace = value;
      return this;
    }

    /** {@code coordination.session-timeout}. */
    public Builder sessionTimeout(Duration value) {
      this.sessionTimeout = value;
      return this;
    }

    /** {@code coordination.connection-timeout}. */
    public Builder connectionTimeout(Duration value) {
      this.connectionTimeout = value;
      return this;
    }

    /** {@code coordination.retry.*}. */
    public Builder retry(Duration baseSleep, Duration maxSleep, int maxRetries) {
      this.retryBaseSleep = baseSleep;
      this.retryMaxSleep = maxSleep;
      this.retryMaxRetries = maxRetries;
      return this;
    }

    /** {@code coordination.resync-interval}. */
    public Builder resyncInterval(Duration value) {
      this.resyncInterval = value;
      return this;
    }

    /** {@code coordination.hand-off-timeout}. */
    public Builder handOffTimeout(Duration value) {
      this.handOffTimeout = value;
      return this;
    }

    /** The clock for stored times. */
    public Builder clock(Clock value) {
      this.clock = value;
      return this;
    }

    /** Validates and builds. */
    public CoordinatorConfig build() {
      return new CoordinatorConfig(
          connectString,
          namespace,
          sessionTimeout,
          connectionTimeout,
          retryBaseSleep,
          retryMaxSleep,
          retryMaxRetries,
          resyncInterval,
          handOffTimeout,
          clock);
    }
  }
}
