package dev.hamal.listener;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends a pipe's records to Kafka and reports every outcome to its {@link PublishTracker}.
 *
 * <p>The producer is idempotent with {@code acks=all}, so a record is acknowledged only once every
 * in-sync replica has it, and retries inside the producer neither duplicate nor reorder records of
 * a partition. It retries a failed send until {@code delivery.timeout.ms}; a record that still
 * fails is reported to the tracker, which then never commits past it, and the pipe stops: a record
 * is never skipped.
 *
 * <p>Back-pressure: {@link #send} blocks while the producer's buffer ({@code buffer.memory}) is
 * full, which blocks the stream's handler, which fills the stream's bounded window, which stops the
 * reader from reading the socket. The handler thread calls {@link #send}; the producer's I/O thread
 * runs the callbacks.
 */
final class KafkaPublisher implements AutoCloseable {

  private final Producer<byte[], byte[]> producer;
  private final PublishTracker tracker;

  KafkaPublisher(Producer<byte[], byte[]> producer, PublishTracker tracker) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.tracker = Objects.requireNonNull(tracker, "tracker");
  }

  /**
   * The producer settings Hamal relies on, over the user's: the user's map may tune batching,
   * compression and security, but not the settings delivery depends on.
   */
  static Map<String, Object> producerSettings(
      String bootstrapServers, String clientId, Map<String, Object> userSettings) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    settings.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    settings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    settings.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 32L * 1024 * 1024);
    settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Duration.ofMinutes(5).toMillis());
    settings.putAll(userSettings);
    settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    settings.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    settings.put(ProducerConfig.ACKS_CONFIG, "all");
    settings.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    settings.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
    settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return settings;
  }

  static KafkaPublisher create(Map<String, Object> producerSettings, PublishTracker tracker) {
    return new KafkaPublisher(new KafkaProducer<>(producerSettings), tracker);
  }

  /**
   * Hands a record to the producer; its acknowledgement or failure reaches the tracker later.
   *
   * @throws PublishException when the producer refuses the record at once (closed, fenced, record
   *     too large) or an earlier record failed
   */
  void send(Outgoing record) {
    tracker.throwIfFailed();
    long sequence = tracker.handOut();
    try {
      producer.send(
          new ProducerRecord<>(record.topic(), record.key(), record.value()),
          (metadata, exception) -> {
            if (exception == null) {
              tracker.acknowledged(sequence);
            } else {
              tracker.failed(
                  sequence,
                  new PublishException(
                      "Kafka did not acknowledge a record for topic "
                          + record.topic()
                          + " after retries",
                      exception));
            }
          });
    } catch (KafkaException | IllegalStateException e) {
      PublishException failure =
          new PublishException("Kafka refused a record for topic " + record.topic(), e);
      tracker.failed(sequence, failure);
      throw failure;
    }
  }

  /** Sends what is buffered now and waits until every record sent so far has an outcome. */
  void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }
}
