package dev.hamal.listener;

import dev.hamal.binlog.SslMode;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Settings of one listener instance (the ZooKeeper connection has its own, {@code
 * CoordinatorConfig}).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code instance-id}</td><td>required</td><td>unique in the cluster, {@code
 *       [a-z0-9][a-z0-9_-]{0,62}}</td></tr>
 *   <tr><td>{@code kafka.bootstrap-servers}</td><td>required</td><td>{@code host:port,...}</td></tr>
 *   <tr><td>{@code kafka.topic-template}</td><td>{@code hamal.orders.{line}}</td><td>a business
 *       line's topic</td></tr>
 *   <tr><td>{@code kafka.dead-letter-topic}</td><td>{@code hamal.dead-letters}</td><td>rows that
 *       cannot be mapped</td></tr>
 *   <tr><td>{@code kafka.topic-partitions}</td><td>6</td><td>partitions of the topics a pipe
 *       creates when they are missing (replication: the broker's default)</td></tr>
 *   <tr><td>{@code kafka.producer.*}</td><td>none</td><td>producer settings (batching,
 *       compression, security); idempotence, acks, retries and serialisers are Hamal's</td></tr>
 *   <tr><td>{@code commit-interval}</td><td>1 s</td><td>how often acknowledged positions are
 *       written to ZooKeeper (and always on stop)</td></tr>
 *   <tr><td>{@code status-interval}</td><td>5 s</td><td>how often lag and rates are
 *       reported</td></tr>
 *   <tr><td>{@code stop-timeout}</td><td>60 s</td><td>how long a stopping pipe may take to flush
 *       and commit</td></tr>
 *   <tr><td>{@code decode-threads}</td><td>cores, at most 8</td><td>decode workers per
 *       pipe</td></tr>
 *   <tr><td>{@code source-tls}</td><td>{@code PREFERRED}</td><td>TLS to sources: DISABLED,
 *       PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY</td></tr>
 * </table>
 */
public record ListenerConfig(
    String instanceId,
    String kafkaBootstrapServers,
    Topics topics,
    Map<String, Object> producerSettings,
    Duration commitInterval,
    Duration statusInterval,
    Duration stopTimeout,
    int decodeThreads,
    SslMode sslMode,
    Optional<URI> metricsUrl,
    int topicPartitions) {

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  /** Validates every setting; a message names the key and what is accepted. */
  public ListenerConfig {
    if (instanceId == null || !ID.matcher(instanceId).matches()) {
      throw new IllegalArgumentException(
          "instance-id '" + instanceId + "' must match [a-z0-9][a-z0-9_-]{0,62}");
    }
    if (kafkaBootstrapServers == null || kafkaBootstrapServers.isBlank()) {
      throw new IllegalArgumentException("kafka.bootstrap-servers is required (host:port,...)");
    }
    Objects.requireNonNull(topics, "topics");
    producerSettings = Map.copyOf(producerSettings);
    positive(commitInterval, "commit-interval");
    positive(statusInterval, "status-interval");
    positive(stopTimeout, "stop-timeout");
    if (decodeThreads < 1 || decodeThreads > 64) {
      throw new IllegalArgumentException("decode-threads must be 1..64, was " + decodeThreads);
    }
    Objects.requireNonNull(sslMode, "source-tls");
    Objects.requireNonNull(metricsUrl, "metricsUrl");
    if (topicPartitions < 1 || topicPartitions > 10_000) {
      throw new IllegalArgumentException(
          "kafka.topic-partitions must be 1..10000, was " + topicPartitions);
    }
  }

  /** A builder with every setting at its default but the two required ones. */
  public static Builder builder(String instanceId, String kafkaBootstrapServers) {
    return new Builder(instanceId, kafkaBootstrapServers);
  }

  /** Defaults for everything but the instance id and the Kafka bootstrap servers. */
  public static ListenerConfig defaults(String instanceId, String kafkaBootstrapServers) {
    return builder(instanceId, kafkaBootstrapServers).build();
  }

  /** Collects settings; {@link #build()} validates them. */
  public static final class Builder {
    private final String instanceId;
    private final String kafkaBootstrapServers;
    private Topics topics = Topics.defaults();
    private Map<String, Object> producerSettings = Map.of();
    private Duration commitInterval = Duration.ofSeconds(1);
    private Duration statusInterval = Duration.ofSeconds(5);
    private Duration stopTimeout = Duration.ofSeconds(60);
    private int decodeThreads = Math.min(8, Runtime.getRuntime().availableProcessors());
    private SslMode sslMode = SslMode.PREFERRED;
    private Optional<URI> metricsUrl = Optional.empty();
    private int topicPartitions = 6;

    private Builder(String instanceId, String kafkaBootstrapServers) {
      this.instanceId = instanceId;
      this.kafkaBootstrapServers = kafkaBootstrapServers;
    }

    public Builder topics(Topics value) {
      this.topics = value;
      return this;
    }

    public Builder producerSettings(Map<String, Object> value) {
      this.producerSettings = value;
      return this;
    }

    public Builder commitInterval(Duration value) {
      this.commitInterval = value;
      return this;
    }

    public Builder statusInterval(Duration value) {
      this.statusInterval = value;
      return this;
    }

    public Builder stopTimeout(Duration value) {
      this.stopTimeout = value;
      return this;
    }

    public Builder decodeThreads(int value) {
      this.decodeThreads = value;
      return this;
    }

    public Builder sslMode(SslMode value) {
      this.sslMode = value;
      return this;
    }

    public Builder metricsUrl(URI value) {
      this.metricsUrl = Optional.of(value);
      return this;
    }

    public Builder topicPartitions(int value) {
      this.topicPartitions = value;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the key of a bad value and what is accepted
     */
    public ListenerConfig build() {
      return new ListenerConfig(
          instanceId,
          kafkaBootstrapServers,
          topics,
          producerSettings,
          commitInterval,
          statusInterval,
          stopTimeout,
          decodeThreads,
          sslMode,
          metricsUrl,
          topicPartitions);
    }
  }

  private static void positive(Duration value, String key) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + " must be a positive duration, was " + value);
    }
  }
}
