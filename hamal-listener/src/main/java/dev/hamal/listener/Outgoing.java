package dev.hamal.listener;

import java.util.Objects;

/**
 * One Kafka record a row change turns into, built on a decode worker so that the handler thread
 * only hands bytes to the producer.
 *
 * @param topic the topic (per business line, or the dead-letter topic)
 * @param key the record key: the unified order id, so that each order's changes stay in one
 *     partition and therefore in order
 * @param value the serialised order change
 */
public record Outgoing(String topic, byte[] key, byte[] value) {
  public Outgoing {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
