package dev.hamal.processor;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Settings of a processor instance, validated when built; every message names the key.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code kafka.bootstrap-servers}</td><td>(required)</td><td>the brokers</td></tr>
 *   <tr><td>{@code kafka.topic-pattern}</td><td>{@code hamal\.orders\..+}</td><td>order-change
 *       topics to consume (the listener writes {@code hamal.orders.<line>})</td></tr>
 *   <tr><td>{@code kafka.dead-letter-topic}</td><td>{@code hamal.dead-letters}</td><td>where changes
 *       that cannot be applied go, with the reason</td></tr>
 *   <tr><td>{@code kafka.group-prefix}</td><td>{@code hamal-}</td><td>a sink's consumer group is
 *       the prefix, the sink's name and {@code -writer} ({@code hamal-store-writer})</td></tr>
 *   <tr><td>{@code max-batch}</td><td>2000</td><td>changes per poll and per store write, 1 to
 *       100,000</td></tr>
 *   <tr><td>{@code consumers-per-sink}</td><td>1</td><td>consumer threads per store in this
 *       instance, 1 to 64 (more than the topics' partitions sit idle)</td></tr>
 *   <tr><td>{@code retry.initial}, {@code retry.max}</td><td>200 ms, 10 s</td><td>back-off while a
 *       store is unavailable: doubled per attempt up to the max; retried until it returns</td></tr>
 *   <tr><td>{@code rejected-attempts}</td><td>2</td><td>how often a write the store refuses is
 *       tried (alone) before it is dead-lettered, 1 to 10</td></tr>
 * </table>
 *
 * @param bootstrapServers the brokers
 * @param topicPattern the topics to consume
 * @param deadLetterTopic the dead-letter topic
 * @param groupPrefix the consumer groups' prefix
 * @param maxBatch changes per poll
 * @param consumersPerSink consumer threads per store
 * @param retryInitial the first back-off
 * @param retryMax the longest back-off
 * @param rejectedAttempts attempts of a refused write before it is dead-lettered
 * @param sessionTimeout how long Kafka waits for a silent consumer before it gives the consumer's
 *     partitions to the others of its group (Kafka's {@code session.timeout.ms}): how soon a
 *     crashed instance's work moves on
 */
public record ProcessorConfig(
    String bootstrapServers,
    Pattern topicPattern,
    String deadLetterTopic,
    String groupPrefix,
    int maxBatch,
    int consumersPerSink,
    Duration retryInitial,
    Duration retryMax,
    int rejectedAttempts,
    Duration sessionTimeout) {

  /** The default topic pattern: every business line's order-change topic. */
  public static final String DEFAULT_TOPIC_PATTERN = "hamal\\.orders\\..+";

  /** The default dead-letter topic, shared with the listener's unmappable rows. */
  public static final String DEFAULT_DEAD_LETTER_TOPIC = "hamal.dead-letters";

  /** Validates every setting. */
  public ProcessorConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("kafka.bootstrap-servers: required (host:port,...)");
    }
    Objects.requireNonNull(topicPattern, "kafka.topic-pattern");
    if (deadLetterTopic == null || !deadLetterTopic.matches("[A-Za-z0-9._-]{1,249}")) {
      throw new IllegalArgumentException(
          "kafka.dead-letter-topic: '" + deadLetterTopic + "' is not a Kafka topic name");
    }
    if (topicPattern.matcher(deadLetterTopic).matches()) {
      throw new IllegalArgumentException(
          "kafka.topic-pattern: must not match the dead-letter topic " + deadLetterTopic);
    }
    if (groupPrefix == null || !groupPrefix.matches("[A-Za-z0-9._-]{0,200}")) {
      throw new IllegalArgumentException(
          "kafka.group-prefix: '" + groupPrefix + "' may hold letters, digits, '.', '_', '-'");
    }
    range("max-batch", maxBatch, 1, 100_000);
    range("consumers-per-sink", consumersPerSink, 1, 64);
    range("rejected-attempts", rejectedAttempts, 1, 10);
    if (retryInitial == null || retryInitial.isNegative() || retryInitial.isZero()) {
      throw new IllegalArgumentException("retry.initial: must be positive");
    }
    if (retryMax == null || retryMax.compareTo(retryInitial) < 0) {
      throw new IllegalArgumentException("retry.max: must be at least retry.initial");
    }
    if (sessionTimeout == null
        || sessionTimeout.compareTo(Duration.ofSeconds(6)) < 0
        || sessionTimeout.compareTo(Duration.ofMinutes(30)) > 0) {
      throw new IllegalArgumentException(
          "session-timeout: must be from 6s (the brokers' usual minimum) to 30m, was "
              + sessionTimeout);
    }
  }

  private static void range(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          key + ": " + value + " is outside [" + min + ", " + max + "]");
    }
  }

  /** A builder with the defaults. */
  public static Builder builder(String bootstrapServers) {
    return new Builder(bootstrapServers);
  }

  /** The consumer group of a sink. */
  public String groupOf(String sink) {
    return groupPrefix + sink + "-writer";
  }

  /** Builds a {@link ProcessorConfig}. */
  public static final class Builder {
    private final String bootstrapServers;
    private String topicPattern = DEFAULT_TOPIC_PATTERN;
    private String deadLetterTopic = DEFAULT_DEAD_LETTER_TOPIC;
    private String groupPrefix = "hamal-";
    private int maxBatch = 2000;
    private Duration sessionTimeout = Duration.ofSeconds(45);
    private int consumersPerSink = 1;
    private Duration retryInitial = Duration.ofMillis(200);
    private Duration retryMax = Duration.ofSeconds(10);
    private int rejectedAttempts = 2;

    private Builder(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
    }

    /** Sets {@code kafka.topic-pattern}. */
    public Builder topicPattern(String value) {
      topicPattern = value;
      return this;
    }

    /** Sets {@code kafka.dead-letter-topic}. */
    public Builder deadLetterTopic(String value) {
      deadLetterTopic = value;
      return this;
    }

    /** Sets {@code kafka.group-prefix}. */
    public Builder groupPrefix(String value) {
      groupPrefix = value;
      return this;
    }

    /** Sets {@code max-batch}. */
    public Builder maxBatch(int value) {
      maxBatch = value;
      return this;
    }

    /** Sets {@code consumers-per-sink}. */
    public Builder consumersPerSink(int value) {
      consumersPerSink = value;
      return this;
    }

    /** Sets {@code retry.initial} and {@code retry.max}. */
    public Builder retry(Duration initial, Duration max) {
      retryInitial = initial;
      retryMax = max;
      return this;
    }

    /** Sets {@code rejected-attempts}. */
    public Builder rejectedAttempts(int value) {
      rejectedAttempts = value;
      return this;
    }

    /** Kafka's {@code session.timeout.ms} of the consumers (default 45 s, Kafka's own). */
    public Builder sessionTimeout(Duration value) {
      sessionTimeout = value;
      return this;
    }

    /**
     * Builds and validates.
     *
     * @throws IllegalArgumentException naming the key of a bad value
     */
    public ProcessorConfig build() {
      Pattern pattern;
      try {
        pattern = Pattern.compile(Objects.requireNonNull(topicPattern, "kafka.topic-pattern"));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "kafka.topic-pattern: not a regular expression: " + e.getDescription(), e);
      }
      return new ProcessorConfig(
          bootstrapServers,
          pattern,
          deadLetterTopic,
          groupPrefix,
          maxBatch,
          consumersPerSink,
          retryInitial,
          retryMax,
          rejectedAttempts,
          sessionTimeout);
    }
  }
}
