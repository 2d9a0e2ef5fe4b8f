package dev.hamal.listener;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Topic names: one topic per business line from a template with {@code {line}} (default {@code
 * hamal.orders.{line}}), and one dead-letter topic (default {@code hamal.dead-letters}).
 */
public final class Topics {
  /** The default template of a business line's topic. */
  public static final String DEFAULT_TEMPLATE = "hamal.orders.{line}";

  /** The default dead-letter topic. */
  public static final String DEFAULT_DEAD_LETTERS = "hamal.dead-letters";

  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private final String template;
  private final String deadLetters;
  private final Map<String, String> byLine = new ConcurrentHashMap<>();

  /**
   * @throws IllegalArgumentException when the template lacks {@code {line}} or a name is not a
   *     legal Kafka topic name
   */
  public Topics(String template, String deadLetters) {
    this.template = Objects.requireNonNull(template, "template");
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    if (!template.contains("{line}")) {
      throw new IllegalArgumentException(
          "kafka.topic-template '" + template + "' must contain {line}");
    }
    legal("kafka.topic-template", template.replace("{line}", "x"));
    legal("kafka.dead-letter-topic", deadLetters);
  }

  /** The defaults. */
  public static Topics defaults() {
    return new Topics(DEFAULT_TEMPLATE, DEFAULT_DEAD_LETTERS);
  }

  /** The topic of a business line's order changes. */
  public String forLine(String line) {
    return byLine.computeIfAbsent(
        line,
        l -> {
          String topic = template.replace("{line}", l);
          legal("kafka.topic-template", topic);
          return topic;
        });
  }

  /** The dead-letter topic. */
  public String deadLetters() {
    return deadLetters;
  }

  private static void legal(String key, String topic) {
    if (!LEGAL.matcher(topic).matches()) {
      throw new IllegalArgumentException(
          key + ": '" + topic + "' is not a legal Kafka topic name ([a-zA-Z0-9._-], 1-249 chars)");
    }
  }
}
