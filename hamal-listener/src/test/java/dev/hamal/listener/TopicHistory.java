package dev.hamal.listener;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChangeCodec;
import dev.hamal.order.OrderVersion;
import dev.hamal.order.UnifiedOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Every message of one order topic, read from the beginning to the end offsets, grouped by order in
 * the order read (all changes of an order share a partition), and the checks that prove a run
 * delivered the source's history: at least once, in order per order, exactly once after
 * version-based de-duplication.
 */
final class TopicHistory {
  private static final String STATUS_CODES = "CREATED PAID FULFILLING SUCCEEDED";

  private final Map<String, List<OrderChange>> byOrder;
  private final int records;

  private TopicHistory(Map<String, List<OrderChange>> byOrder, int records) {
    this.byOrder = byOrder;
    this.records = records;
  }

  /** Reads {@code topic} from the beginning up to its end offsets as of now. */
  static TopicHistory read(String bootstrap, String topic) {
    OrderChangeCodec codec = new OrderChangeCodec();
    Map<String, List<OrderChange>> byOrder = new LinkedHashMap<>();
    int records = 0;
    Map<String, Object> settings = new HashMap<>();
    settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    settings.put(ConsumerConfig.GROUP_ID_CONFIG, "topic-history-" + UUID.randomUUID());
    settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (!reached(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " up to " + end);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
            continue;
          }
          OrderChange change = codec.decode(r.value());
          assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(change.orderId());
          byOrder.computeIfAbsent(change.orderId(), k -> new ArrayList<>()).add(change);
          records++;
        }
      }
    }
    return new TopicHistory(byOrder, records);
  }

  private static boolean reached(
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Messages read. */
  int records() {
    return records;
  }

  /** Messages whose version was read before for the same order. */
  int duplicates() {
    int distinct = 0;
    for (List<OrderChange> changes : byOrder.values()) {
      distinct += (int) changes.stream().map(OrderChange::version).distinct().count();
    }
    return records - distinct;
  }

  /**
   * Asserts the three properties against what the writer wrote: (1) every change is present at
   * least once; (2) per order, after dropping messages whose version was already seen, versions
   * strictly increase in the order read; (3) per order, after dropping every message whose version
   * is not newer than the last one kept, the changes are exactly the written history (operation,
   * step, status, amount), deletes included.
   *
   * @param orderIdPrefix the business line's order-id prefix, {@code line:}
   */
  void assertDelivers(Map<Long, List<OrderWriter.Change>> written, String orderIdPrefix) {
    Map<String, List<OrderWriter.Change>> expected = new LinkedHashMap<>();
    written.forEach((id, changes) -> expected.put(orderIdPrefix + id, changes));
    assertThat(byOrder.keySet())
        .as("orders in the topic that the writer never wrote")
        .isSubsetOf(expected.keySet());
    for (Map.Entry<String, List<OrderWriter.Change>> e : expected.entrySet()) {
      String orderId = e.getKey();
      List<OrderChange> read = byOrder.getOrDefault(orderId, List.of());
      Set<OrderWriter.Change> present = new HashSet<>();
      for (OrderChange change : read) {
        present.add(asWritten(change));
      }
      assertThat(present)
          .as("changes of %s present at least once", orderId)
          .containsAll(e.getValue());

      Set<OrderVersion> seen = new HashSet<>();
      List<OrderVersion> firstSightings = new ArrayList<>();
      for (OrderChange change : read) {
        if (seen.add(change.version())) {
          firstSightings.add(change.version());
        }
      }
      for (int i = 1; i < firstSightings.size(); i++) {
        assertThat(firstSightings.get(i))
            .as("versions of %s after dropping duplicates, in the order read: %s", orderId, read)
            .isGreaterThan(firstSightings.get(i - 1));
      }

      List<OrderWriter.Change> applied = new ArrayList<>();
      OrderVersion last = null;
      for (OrderChange change : read) {
        if (last == null || change.version().compareTo(last) > 0) {
          applied.add(asWritten(change));
          last = change.version();
        }
      }
      assertThat(applied)
          .as("history of %s after version-based de-duplication", orderId)
          .isEqualTo(e.getValue());
    }
  }

  private static OrderWriter.Change asWritten(OrderChange change) {
    UnifiedOrder image = change.after().orElseGet(() -> change.before().orElseThrow());
    Object step = image.ext().get("step");
    return new OrderWriter.Change(
        change.operation().name(),
        step instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(step)),
        List.of(STATUS_CODES.split(" ")).indexOf(image.status().name()),
        image.totalAmount());
  }
}
