package dev.hamal.gateway;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The settings of subscriptions: where order changes are read, how webhooks are called and retried,
 * how long their log is kept, and how many event streams a key may hold open. Built with {@link
 * #builder(String)}; every value is checked when built, and messages name the setting.
 *
 * @param bootstrapServers the Kafka cluster the order-change topics live on
 * @param topicPattern the order-change topics (default {@code hamal\.orders\..+})
 * @param webhookTimeout how long one webhook call may take, connecting included (default 5 s)
 * @param retry how failed webhook calls are retried
 * @param maxParallelOrders orders delivered at once per subscription and instance (default 16)
 * @param maxPollRecords changes read per batch (default 200)
 * @param maxPollInterval how long a batch may take before Kafka gives its partitions to another
 *     instance (default 15 min; a batch whose every delivery exhausts its attempts takes long)
 * @param allowPrivateTargets whether webhook URLs may point at loopback, private or link-local
 *     addresses (default true, for the embedded demo; set false when keys belong to other teams)
 * @param refreshInterval how often an instance re-reads the subscriptions table (new, paused,
 *     deleted subscriptions, revoked keys) and event streams re-check theirs (default 3 s)
 * @param deliveryLogRetention how long delivery attempts are kept (default 7 days)
 * @param deliveryLogMaxRows attempts kept per subscription (default 10,000)
 * @param maxDeadLetters dead letters kept per subscription; a full list pauses it (default 10,000)
 * @param maxSubscriptionsPerKey subscriptions one key may own (default 100)
 * @param maxStreamsPerKey event streams one key may hold open per instance (default 4)
 * @param streamKeepAlive how often an idle event stream sends a comment (default 15 s)
 */
public record SubscriptionsConfig(
    String bootstrapServers,
    Pattern topicPattern,
    Duration webhookTimeout,
    DeliveryRetryPolicy retry,
    int maxParallelOrders,
    int maxPollRecords,
    Duration maxPollInterval,
    boolean allowPrivateTargets,
    Duration refreshInterval,
    Duration deliveryLogRetention,
    int deliveryLogMaxRows,
    int maxDeadLetters,
    int maxSubscriptionsPerKey,
    int maxStreamsPerKey,
    Duration streamKeepAlive) {

  /** Checks the values. */
  public SubscriptionsConfig {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topicPattern, "topicPattern");
    Objects.requireNonNull(retry, "retry");
    if (bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("subscriptions.bootstrap-servers must not be empty");
    }
    positive("subscriptions.webhook-timeout", webhookTimeout, Duration.ofMinutes(5));
    range("subscriptions.max-parallel-orders", maxParallelOrders, 1, 1_000);
    range("subscriptions.max-poll-records", maxPollRecords, 1, 10_000);
    positive("subscriptions.max-poll-interval", maxPollInterval, Duration.ofHours(24));
    positive("subscriptions.refresh-interval", refreshInterval, Duration.ofMinutes(10));
    positive("subscriptions.delivery-log-retention", deliveryLogRetention, Duration.ofDays(3650));
    range("subscriptions.delivery-log-max-rows", deliveryLogMaxRows, 1, 100_000_000);
    range("subscriptions.max-dead-letters", maxDeadLetters, 1, 100_000_000);
    range("subscriptions.max-subscriptions-per-key", maxSubscriptionsPerKey, 1, 100_000);
    range("subscriptions.max-streams-per-key", maxStreamsPerKey, 1, 10_000);
    positive("subscriptions.stream-keep-alive", streamKeepAlive, Duration.ofMinutes(10));
  }

  private static void positive(String key, Duration value, Duration max) {
    Objects.requireNonNull(value, key);
    if (value.isNegative() || value.isZero() || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          key + " must be above 0 and at most " + max + ", was " + value);
    }
  }

  private static void range(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(key + " must be " + min + " to " + max + ", was " + value);
    }
  }

  /** A builder with every default, reading from {@code bootstrapServers}. */
  public static Builder builder(String bootstrapServers) {
    return new Builder(bootstrapServers);
  }

  /** Builds a {@link SubscriptionsConfig}; unset values keep their defaults. */
  public static final class Builder {
    private final String bootstrapServers;
    private String topicPattern = "hamal\\.orders\\..+";
    private Duration webhookTimeout = Duration.ofSeconds(5);
    private DeliveryRetryPolicy retry = DeliveryRetryPolicy.defaults();
    private int maxParallelOrders = 16;
    private int maxPollRecords = 200;
    private Duration maxPollInterval = Duration.ofMinutes(15);
    private boolean allowPrivateTargets = true;
    private Duration refreshInterval = Duration.ofSeconds(3);
    private Duration deliveryLogRetention = Duration.ofDays(7);
    private int deliveryLogMaxRows = 10_000;
    private int maxDeadLetters = 10_000;
    private int maxSubscriptionsPerKey = 100;
    private int maxStreamsPerKey = 4;
    private Duration streamKeepAlive = Duration.ofSeconds(15);

    private Builder(String bootstrapServers) {
      this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    }

    /** The order-change topics, a regular expression. */
    public Builder topicPattern(String regex) {
      this.topicPattern = Objects.requireNonNull(regex, "regex");
      return this;
    }

    /** How long one webhook call may take. */
    public Builder webhookTimeout(Duration timeout) {
      this.webhookTimeout = timeout;
      return this;
    }

    /** How failed webhook calls are retried. */
    public Builder retry(DeliveryRetryPolicy policy) {
      this.retry = policy;
      return this;
    }

    /** Orders delivered at once per subscription and instance. */
    public Builder maxParallelOrders(int orders) {
      this.maxParallelOrders = orders;
      return this;
    }

    /** Changes read per batch. */
    public Builder maxPollRecords(int records) {
      this.maxPollRecords = records;
      return this;
    }

    /** How long a batch may take before its partitions move to another instance. */
    public Builder maxPollInterval(Duration interval) {
      this.maxPollInterval = interval;
      return this;
    }

    /** Whether webhook URLs may point at private addresses. */
    public Builder allowPrivateTargets(boolean allow) {
      this.allowPrivateTargets = allow;
      return this;
    }

    /** How often the subscriptions table is re-read. */
    public Builder refreshInterval(Duration interval) {
      this.refreshInterval = interval;
      return this;
    }

    /** How long delivery attempts are kept. */
    public Builder deliveryLogRetention(Duration retention) {
      this.deliveryLogRetention = retention;
      return this;
    }

    /** Attempts kept per subscription. */
    public Builder deliveryLogMaxRows(int rows) {
      this.deliveryLogMaxRows = rows;
      return this;
    }

    /** Dead letters kept per subscription before it is paused. */
    public Builder maxDeadLetters(int letters) {
      this.maxDeadLetters = letters;
      return this;
    }

    /** Subscriptions one key may own. */
    public Builder maxSubscriptionsPerKey(int subscriptions) {
      this.maxSubscriptionsPerKey = subscriptions;
      return this;
    }

    /** Event streams one key may hold open per instance. */
    public Builder maxStreamsPerKey(int streams) {
      this.maxStreamsPerKey = streams;
      return this;
    }

    /** How often an idle event stream sends a keep-alive comment. */
    public Builder streamKeepAlive(Duration interval) {
      this.streamKeepAlive = interval;
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalArgumentException naming the first invalid setting
     */
    public SubscriptionsConfig build() {
      Pattern pattern;
      try {
        pattern = Pattern.compile(topicPattern);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "subscriptions.topic-pattern is not a regular expression: " + e.getMessage(), e);
      }
      return new SubscriptionsConfig(
          bootstrapServers,
          pattern,
          webhookTimeout,
          retry,
          maxParallelOrders,
          maxPollRecords,
          maxPollInterval,
          allowPrivateTargets,
          refreshInterval,
          deliveryLogRetention,
          deliveryLogMaxRows,
          maxDeadLetters,
          maxSubscriptionsPerKey,
          maxStreamsPerKey,
          streamKeepAlive);
    }
  }
}
