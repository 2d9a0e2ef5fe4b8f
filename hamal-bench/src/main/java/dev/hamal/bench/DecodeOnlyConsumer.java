package dev.hamal.bench;

import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChangeCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The baseline of {@code hamal bench processing}, run as a process of its own like the processor it
 * is compared with: reads the given topics from their beginning to the end offsets they had at the
 * start, with the fetch settings of the processor's consumers, and decodes every record with {@link
 * OrderChangeCodec}, writing nowhere. It is the ceiling the queue and the decoding allow a store
 * writer on this machine.
 *
 * <p>Arguments: Kafka bootstrap servers, topics separated by commas, records per poll. Prints one
 * {@code RESULT rows=.. inserts=.. updates=.. deletes=.. seconds=..} line and exits; a record that
 * does not decode fails the run.
 */
final class DecodeOnlyConsumer {
  private DecodeOnlyConsumer() {}

  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: DecodeOnlyConsumer KAFKA TOPIC[,TOPIC...] MAX_POLL_RECORDS");
      System.exit(2);
    }
    long started = System.nanoTime();
    Map<String, Object> settings = new HashMap<>();
    settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.parseInt(args[2]));
    settings.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
    settings.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    settings.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
    OrderChangeCodec codec = new OrderChangeCodec();
    long[] byOperation = new long[OrderChange.Operation.values().length];
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : args[1].split(",")) {
        consumer
            .partitionsFor(topic)
            .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
      while (!end.isEmpty()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(java.time.Duration.ofMillis(500))) {
          byOperation[codec.decode(r.value()).operation().ordinal()]++;
        }
        end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      }
    }
    long inserts = byOperation[OrderChange.Operation.INSERT.ordinal()];
    long updates = byOperation[OrderChange.Operation.UPDATE.ordinal()];
    long deletes = byOperation[OrderChange.Operation.DELETE.ordinal()];
    System.out.printf(
        Locale.ROOT,
        "RESULT rows=%d inserts=%d updates=%d deletes=%d seconds=%.3f%n",
        inserts + updates + deletes,
        inserts,
        updates,
        deletes,
        (System.nanoTime() - started) / 1e9);
  }
}
