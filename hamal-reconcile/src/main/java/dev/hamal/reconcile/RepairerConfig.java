package dev.hamal.reconcile;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Where repairs are published: the Kafka cluster the listener publishes to and the same topic
 * template ({@code hamal.orders.{line}} by default), so a repair reaches every processor exactly as
 * a change from the binlog would.
 *
 * @param bootstrapServers Kafka's bootstrap servers, {@code host:port[,host:port...]}
 * @param topicTemplate the business line's topic, with {@code {line}} (default {@value
 *     #DEFAULT_TOPIC_TEMPLATE})
 * @param clientId the producer's client id (default {@value #DEFAULT_CLIENT_ID})
 * @param producerSettings further producer settings (security, compression); the settings delivery
 *     depends on (idempotence, {@code acks=all}, serialisers) cannot be overridden. Values of keys
 *     that look secret are masked by {@link #toString()}.
 */
public record RepairerConfig(
    String bootstrapServers,
    String topicTemplate,
    String clientId,
    Map<String, String> producerSettings) {
  /** The listener's default topic template. */
  public static final String DEFAULT_TOPIC_TEMPLATE = "hamal.orders.{line}";

  /** Default {@link #clientId}. */
  public static final String DEFAULT_CLIENT_ID = "hamal-reconcile";

  private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException naming the setting and what it accepts
   */
  public RepairerConfig {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topicTemplate, "topicTemplate");
    Objects.requireNonNull(clientId, "clientId");
    producerSettings = Map.copyOf(producerSettings);
    if (bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("kafka.bootstrap-servers must not be blank");
    }
    if (!topicTemplate.contains("{line}")
        || !LEGAL_TOPIC.matcher(topicTemplate.replace("{line}", "x")).matches()) {
      throw new IllegalArgumentException(
          "kafka.topic-template '"
              + topicTemplate
              + "' must contain {line} and otherwise only [a-zA-Z0-9._-]");
    }
    if (clientId.isBlank()) {
      throw new IllegalArgumentException("kafka.client-id must not be blank");
    }
  }

  /** The defaults for a cluster. */
  public static RepairerConfig of(String bootstrapServers) {
    return new RepairerConfig(
        bootstrapServers, DEFAULT_TOPIC_TEMPLATE, DEFAULT_CLIENT_ID, Map.of());
  }

  /** The topic of a business line's changes. */
  String topicOf(String line) {
    return topicTemplate.replace("{line}", line);
  }

  @Override
  public String toString() {
    var shown = new TreeMap<String, String>();
    producerSettings.forEach((key, value) -> {
      String k = key.toLowerCase(Locale.ROOT);
      boolean secret = k.contains("password") || k.contains("jaas") || k.contains("secret");
      shown.put(key, secret ? "****" : value);
    });
    return "RepairerConfig[bootstrapServers="
        + bootstrapServers
        + ", topicTemplate="
        + topicTemplate
        + ", clientId="
        + clientId
        + ", producerSettings="
        + shown
        + "]";
  }
}
