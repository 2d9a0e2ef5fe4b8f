package dev.hamal.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hamal.order.OrderWrite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes a processor's dead letters: changes a store refused, or records that are not order
 * changes. A letter keeps the original record whole (the change as JSON, or its bytes in Base64),
 * where it was read, which store refused it and why, so {@code hamal dlq replay} can send it again.
 *
 * <p>{@link #publish} returns only when Kafka acknowledged every letter (idempotent producer,
 * {@code acks=all}); the caller commits its offsets after that, so a change is never acknowledged
 * without being either written or dead-lettered. Used by one worker thread.
 */
final class DeadLetterPublisher implements AutoCloseable {
  /** The letter format, shared with the listener's letters (which have {@code kind} row). */
  static final String FORMAT = "hamal.dead-letter/1";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

  private final String topic;
  private final String sink;
  private final Clock clock;
  private final KafkaProducer<byte[], byte[]> producer;
  private final List<ProducerRecord<byte[], byte[]>> pending = new ArrayList<>();

  DeadLetterPublisher(
      String bootstrapServers, String topic, String sink, String clientId, Clock clock) {
    this.topic = topic;
    this.sink = sink;
    this.clock = clock;
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG,
                clientId,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                (int) ACK_TIMEOUT.toMillis(),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                (int) ACK_TIMEOUT.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
  }

  /** Queues a letter for a change the store refused. */
  void refused(ConsumerRecord<byte[], byte[]> record, OrderWrite write, String reason) {
    ObjectNode letter = letter(record, reason);
    letter.put("businessLine", write.change().businessLine());
    letter.put("orderId", write.orderId());
    letter.put("version", write.version().toString());
    letter.put("action", write.action().name());
    try {
      letter.set("change", JSON.readTree(record.value()));
    } catch (IOException e) {
      letter.put("value", Base64.getEncoder().encodeToString(record.value()));
    }
    add(record, letter);
  }

  /** Queues a letter for a record that is not an order change. */
  void undecodable(ConsumerRecord<byte[], byte[]> record, String reason) {
    ObjectNode letter = letter(record, reason);
    byte[] value = record.value() == null ? new byte[0] : record.value();
    letter.put("value", Base64.getEncoder().encodeToString(value));
    add(record, letter);
  }

  private ObjectNode letter(ConsumerRecord<byte[], byte[]> record, String reason) {
    ObjectNode letter = JSON.createObjectNode();
    letter.put("format", FORMAT);
    letter.put("kind", "change");
    letter.put("reason", reason);
    letter.put("sink", sink);
    letter.put("topic", record.topic());
    letter.put("partition", record.partition());
    letter.put("offset", record.offset());
    letter.put("deadAt", clock.instant().toString());
    return letter;
  }

  private void add(ConsumerRecord<byte[], byte[]> record, JsonNode letter) {
    byte[] key =
        record.key() != null ? record.key() : record.topic().getBytes(StandardCharsets.UTF_8);
    try {
      pending.add(new ProducerRecord<>(topic, key, JSON.writeValueAsBytes(letter)));
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise a dead letter", e);
    }
  }

  /** Whether letters wait to be published. */
  boolean hasPending() {
    return !pending.isEmpty();
  }

  /**
   * Sends every queued letter and waits until Kafka acknowledged all of them; on failure the
   * letters stay queued and the call may be repeated (the idempotent producer and the letters'
   * positions make a repeat harmless).
   *
   * @return how many letters were published
   * @throws DeadLetterException if a letter was not acknowledged
   */
  int publish() throws InterruptedException {
    List<Future<RecordMetadata>> sent = new ArrayList<>(pending.size());
    try {
      for (ProducerRecord<byte[], byte[]> letter : pending) {
        sent.add(producer.send(letter));
      }
      producer.flush();
      for (Future<RecordMetadata> ack : sent) {
        ack.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw new DeadLetterException(
          "dead letters to " + topic + " were not acknowledged: " + e.getMessage(), e);
    }
    int count = pending.size();
    pending.clear();
    return count;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
