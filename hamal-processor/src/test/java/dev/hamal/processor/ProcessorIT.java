package dev.hamal.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hamal.order.BusinessLines;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChangeCodec;
import dev.hamal.order.OrderSink;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.StoredOrder;
import dev.hamal.testkit.OrderHistories;
import dev.hamal.testkit.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The consumer loop against a real broker: commits, retries, filtering and dead letters. */
class ProcessorIT {
  private static final OrderChangeCodec CODEC = new OrderChangeCodec();
  private static final Instant START = Instant.parse("2025-06-18T02:00:00Z");

  private final String bootstrap = TestServers.kafka().bootstrapServers();
  private final String suffix = UUID.randomUUID().toString().substring(0, 6);
  private final String line = "line" + suffix;
  private final String topic = "hamal.orders." + line;
  private final String deadLetters = "dead-" + suffix;
  private final ProcessorConfig config =
      ProcessorConfig.builder(bootstrap)
          .topicPattern("hamal\\.orders\\." + line)
          .deadLetterTopic(deadLetters)
          .groupPrefix("it-" + suffix + "-")
          .maxBatch(500)
          .retry(Duration.ofMillis(20), Duration.ofMillis(200))
          .build();

  private void publish(List<OrderChange> changes) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      if (!admin.listTopics().names().get().contains(topic)) {
        admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
      }
      await() // a first batch sent to a partition without a leader can be lost by the producer
          .atMost(Duration.ofSeconds(60))
          .until(() ->
              admin
                  .describeTopics(List.of(topic))
                  .allTopicNames()
                  .get()
                  .get(topic)
                  .partitions()
                  .stream()
                  .allMatch(p -> p.leader() != null));
    }
    try (var producer =
        new KafkaProducer<byte[], byte[]>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
      var sent = new java.util.ArrayList<java.util.concurrent.Future<?>>();
      for (OrderChange change : changes) {
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    topic,
                    change.orderId().getBytes(StandardCharsets.UTF_8),
                    CODEC.encode(change))));
      }
      for (var ack : sent) {
        ack.get(); // a change the broker did not take fails the test here, not later
      }
    }
  }

  private void publishRaw(byte[] value) throws Exception {
    try (var producer =
        new KafkaProducer<byte[], byte[]>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
      producer
          .send(new ProducerRecord<>(topic, "poison".getBytes(StandardCharsets.UTF_8), value))
          .get();
    }
  }

  private static Map<String, StoredOrder> expected(OrderHistories histories) {
    return histories.finalStates().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toStored()));
  }

  private Processor start(SimpleMeterRegistry registry, OrderSink... sinks) {
    return Processor.start(
        config, BusinessLines.none(), List.of(sinks), registry, Clock.systemUTC());
  }

  private Map<TopicPartition, Long> lag(String sink) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(config.groupOf(sink))
              .partitionsToOffsetAndMetadata()
              .get();
      var request = new HashMap<TopicPartition, OffsetSpec>();
      for (int p = 0; p < 3; p++) {
        request.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      var ends = admin.listOffsets(request).all().get();
      var lag = new HashMap<TopicPartition, Long>();
      ends.forEach((tp, end) -> {
        OffsetAndMetadata c = committed.get(tp);
        lag.put(tp, end.offset() - (c == null ? 0 : c.offset()));
      });
      return lag;
    }
  }

  private static double count(SimpleMeterRegistry registry, String sink, String outcome) {
    var counter =
        registry
            .find("hamal.processor.changes")
            .tag("sink", sink)
            .tag("outcome", outcome)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void shouldApplyEveryChangeToEachStoreIndependentlyAndCommitWhatWasWritten() throws Exception {
    OrderHistories histories = OrderHistories.generate(line, 300, START, 7);
    publish(histories.changes());
    var store = new MapSink("store");
    var index = new MapSink("index");
    index.unavailableCalls.set(5); // the index is down for a while; the store goes on meanwhile
    var registry = new SimpleMeterRegistry();
    try (Processor processor = start(registry, store, index)) {
      assertThat(processor.isRunning()).isTrue();
      await().atMost(Duration.ofSeconds(60)).until(() -> store.orders.equals(expected(histories)));
      await().atMost(Duration.ofSeconds(60)).until(() -> index.orders.equals(expected(histories)));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> lag("store").values().stream().allMatch(l -> l == 0));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> lag("index").values().stream().allMatch(l -> l == 0));
      assertThat(processor.isRunning()).isTrue();
    }
    for (String sink : List.of("store", "index")) {
      double accounted =
          count(registry, sink, "applied")
              + count(registry, sink, "stale")
              + count(registry, sink, "superseded")
              + count(registry, sink, "dead_lettered");
      assertThat(accounted).as(sink).isEqualTo(histories.changes().size());
    }
    assertThat(registry.find("hamal.processor.unavailable").tag("sink", "index").counter().count())
        .isEqualTo(5);
    try (var queue = new DeadLetterQueue(bootstrap, deadLetters, Clock.systemUTC())) {
      assertThat(queue.list()).isEmpty();
    }
  }

  @Test
  void shouldLeaveTheStoreUnchangedWhenChangesAreDeliveredAgainInAnotherOrder() throws Exception {
    OrderHistories histories = OrderHistories.generate(line, 200, START, 11);
    publish(histories.changes());
    var store = new MapSink("store");
    var registry = new SimpleMeterRegistry();
    try (Processor processor = start(registry, store)) {
      assertThat(processor.isRunning()).isTrue();
      await().atMost(Duration.ofSeconds(60)).until(() -> store.orders.equals(expected(histories)));
    }
    Map<String, StoredOrder> before = Map.copyOf(store.orders);
    publish(histories.shuffledWrites(3).stream().map(OrderWrite::change).toList());
    publish(histories.changes());
    try (Processor processor = start(registry, store)) {
      assertThat(processor.isRunning()).isTrue();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> lag("store").values().stream().allMatch(l -> l == 0));
    }
    assertThat(store.orders).isEqualTo(before);
  }

  @Test
  void shouldNotCommitABatchWhenStoppedWhileTheStoreIsDown() throws Exception {
    OrderHistories histories = OrderHistories.generate(line, 50, START, 5);
    publish(histories.changes());
    var down = new MapSink("store");
    down.unavailableCalls.set(Integer.MAX_VALUE);
    try (Processor processor = start(new SimpleMeterRegistry(), down)) {
      assertThat(processor.isRunning()).isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> down.calls.get() >= 3);
    }
    assertThat(lag("store").values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(histories.changes().size());
    var up = new MapSink("store");
    try (Processor processor = start(new SimpleMeterRegistry(), up)) {
      assertThat(processor.isRunning()).isTrue();
      await().atMost(Duration.ofSeconds(60)).until(() -> up.orders.equals(expected(histories)));
    }
  }

  @Test
  void shouldDeadLetterRefusedAndUnreadableRecordsWithTheirReasonAndReplayThem() throws Exception {
    OrderHistories histories = OrderHistories.generate(line, 40, START, 9);
    publish(histories.changes());
    publishRaw("{\"format\":\"something-else\"}".getBytes(StandardCharsets.UTF_8));
    var store = new MapSink("store");
    String poisoned = line + ":7";
    store.refused.add(poisoned);
    var registry = new SimpleMeterRegistry();
    Map<String, StoredOrder> expected = expected(histories);
    try (Processor processor = start(registry, store)) {
      assertThat(processor.isRunning()).isTrue();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> lag("store").values().stream().allMatch(l -> l == 0));
    }
    assertThat(store.orders).doesNotContainKey(poisoned);
    var withoutPoisoned = new HashMap<>(expected);
    withoutPoisoned.remove(poisoned);
    assertThat(store.orders).isEqualTo(withoutPoisoned);

    try (var queue = new DeadLetterQueue(bootstrap, deadLetters, Clock.systemUTC())) {
      List<DeadLetter> letters = queue.list();
      assertThat(letters).extracting(DeadLetter::kind).containsOnly("change");
      assertThat(letters)
          .filteredOn(l -> l.orderId().isPresent())
          .allSatisfy(l -> {
            assertThat(l.orderId()).contains(poisoned);
            assertThat(l.sink()).contains("store");
            assertThat(l.reason()).contains("value too long");
          })
          .isNotEmpty();
      assertThat(letters)
          .filteredOn(l -> l.orderId().isEmpty())
          .singleElement()
          .satisfies(l -> assertThat(l.reason()).contains("not an order change"));

      store.refused.clear(); // the operator fixed the store
      var outcomes = queue.replay(List.of(), BusinessLines.none());
      assertThat(outcomes).filteredOn(DeadLetterQueue.ReplayOutcome::replayed).isNotEmpty();
      assertThat(outcomes)
          .filteredOn(o -> !o.replayed())
          .singleElement()
          .satisfies(o -> assertThat(o.detail()).contains("not an order change"));
      try (Processor processor = start(registry, store)) {
        assertThat(processor.isRunning()).isTrue();
        await().atMost(Duration.ofSeconds(60)).until(() -> store.orders.equals(expected));
      }
      assertThat(queue.list())
          .filteredOn(l -> l.orderId().isPresent())
          .allSatisfy(l -> assertThat(l.replayed()).isPresent());
    }
  }
}
