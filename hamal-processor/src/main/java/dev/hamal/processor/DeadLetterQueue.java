package dev.hamal.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hamal.order.BusinessLine;
import dev.hamal.order.BusinessLines;
import dev.hamal.order.MappingException;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChangeCodec;
import dev.hamal.order.OrderCodecException;
import dev.hamal.order.SourceRow;
import dev.hamal.order.SourceRowJson;
import dev.hamal.order.UnifiedOrder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The operator's view of the dead-letter topic: list, show and replay letters ({@code hamal dlq}).
 *
 * <p>The topic itself is never rewritten. A replay publishes the letter's change again to its
 * business line's order topic and records the letter's id in a compacted companion topic ({@code
 * <dead-letter topic>.replayed}), which {@link #list} reads to mark replayed letters. Replaying is
 * safe to repeat: the replayed change keeps its source version, so a store that already holds it or
 * something newer ignores it.
 *
 * <ul>
 *   <li>A {@code row} letter (the listener could not map a row) is mapped again with the business
 *       lines given to {@link #replay}, i.e. after the operator fixed the mapping; if it still does
 *       not map, the replay says why and the letter stays unreplayed.
 *   <li>A {@code change} letter (a store refused the change) is published as it was.
 *   <li>A record that was not an order change cannot be replayed; the replay says so.
 * </ul>
 *
 * <p>Not thread-safe; a short-lived object of a command.
 */
public final class DeadLetterQueue implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final String bootstrapServers;
  private final String topic;
  private final String replayedTopic;
  private final Clock clock;
  private final OrderChangeCodec codec = new OrderChangeCodec();
  private KafkaProducer<byte[], byte[]> producer;

  /**
   * A view of {@code topic} on {@code bootstrapServers}.
   *
   * @param clock stamps replays
   */
  public DeadLetterQueue(String bootstrapServers, String topic, Clock clock) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.replayedTopic = topic + ".replayed";
    this.clock = clock;
  }

  /**
   * What replaying one letter did.
   *
   * @param id the letter
   * @param replayed whether it was published again
   * @param detail the topic and order it went to, or why it was not replayed
   */
  public record ReplayOutcome(String id, boolean replayed, String detail) {}

  /**
   * Every letter, oldest first per partition, marked when it was replayed.
   *
   * @throws DeadLetterException if the topic cannot be read
   */
  public List<DeadLetter> list() {
    Map<String, Instant> replays = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : readAll(replayedTopic)) {
      String id = new String(record.key(), StandardCharsets.UTF_8);
      if (record.value() == null) {
        replays.remove(id);
      } else {
        replays.put(id, Instant.ofEpochMilli(record.timestamp()));
      }
    }
    List<DeadLetter> letters = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : readAll(topic)) {
      String id = record.partition() + "-" + record.offset();
      letters.add(letter(id, record, Optional.ofNullable(replays.get(id))));
    }
    return letters;
  }

  /** One letter by its id. */
  public Optional<DeadLetter> show(String id) {
    return list().stream().filter(letter -> letter.id().equals(id)).findFirst();
  }

  /**
   * Replays the letters with the given ids (all letters not yet replayed when {@code ids} is
   * empty).
   *
   * @param lines the business lines as they are now (for {@code row} letters)
   * @throws DeadLetterException if Kafka does not acknowledge a replay
   */
  public List<ReplayOutcome> replay(List<String> ids, BusinessLines lines) {
    List<DeadLetter> letters = list();
    Map<String, DeadLetter> byId = new LinkedHashMap<>();
    letters.forEach(letter -> byId.put(letter.id(), letter));
    List<DeadLetter> chosen = new ArrayList<>();
    List<ReplayOutcome> outcomes = new ArrayList<>();
    if (ids.isEmpty()) {
      letters.stream().filter(letter -> letter.replayed().isEmpty()).forEach(chosen::add);
    } else {
      for (String id : ids) {
        DeadLetter letter = byId.get(id);
        if (letter == null) {
          outcomes.add(new ReplayOutcome(id, false, "no dead letter has this id"));
        } else {
          chosen.add(letter);
        }
      }
    }
    KafkaTopics.ensure(bootstrapServers, replayedTopic, Map.of("cleanup.policy", "compact"));
    for (DeadLetter letter : chosen) {
      outcomes.add(replayOne(letter, lines));
    }
    return outcomes;
  }

  private ReplayOutcome replayOne(DeadLetter letter, BusinessLines lines) {
    OrderChange change;
    String target;
    try {
      switch (letter.kind()) {
        case "row" -> change = remap(letter.body(), lines);
        case "change" -> {
          JsonNode original = letter.body().get("change");
          if (original == null || !original.isObject()) {
            return new ReplayOutcome(
                letter.id(), false, "the record was not an order change; nothing to replay");
          }
          change = codec.decode(JSON.writeValueAsBytes(original));
        }
        default -> {
          return new ReplayOutcome(letter.id(), false, "unknown kind '" + letter.kind() + "'");
        }
      }
    } catch (MappingException | OrderCodecException | IllegalArgumentException e) {
      return new ReplayOutcome(letter.id(), false, "still cannot be mapped: " + e.getMessage());
    } catch (IOException e) {
      return new ReplayOutcome(letter.id(), false, "unreadable letter: " + e.getMessage());
    }
    target = KafkaTopics.ORDER_TOPIC_PREFIX + change.businessLine();
    send(
        new ProducerRecord<>(
            target, change.orderId().getBytes(StandardCharsets.UTF_8), codec.encode(change)));
    send(
        new ProducerRecord<>(
            replayedTopic,
            null,
            clock.millis(),
            letter.id().getBytes(StandardCharsets.UTF_8),
            ("{\"replayedTo\":\"" + target + "\"}").getBytes(StandardCharsets.UTF_8)));
    return new ReplayOutcome(
        letter.id(), true, change.orderId() + " at version " + change.version() + " to " + target);
  }

  /** Maps a listener's row letter with the current business lines. */
  private static OrderChange remap(JsonNode body, BusinessLines lines) {
    String lineName = body.path("businessLine").asText();
    BusinessLine line =
        lines
            .line(lineName)
            .orElseThrow(() ->
                new IllegalArgumentException("business line '" + lineName + "' is not loaded"));
    String schema = body.path("schema").asText();
    String table = body.path("table").asText();
    Optional<UnifiedOrder> before = image(line, schema, table, body.get("before"));
    Optional<UnifiedOrder> after = image(line, schema, table, body.get("after"));
    var source =
        new OrderChange.SourcePosition(
            body.path("pipe").asText(),
            body.path("binlogFile").asText(),
            body.path("position").asLong(),
            body.path("rowIndex").asLong(),
            body.hasNonNull("gtid") ? Optional.of(body.get("gtid").asText()) : Optional.empty(),
            0);
    Instant commit = Instant.parse(body.path("commitTime").asText());
    return switch (OrderChange.Operation.valueOf(body.path("operation").asText())) {
      case INSERT -> OrderChange.insert(after.orElseThrow(), source, commit);
      case UPDATE -> OrderChange.update(before.orElseThrow(), after.orElseThrow(), source, commit);
      case DELETE -> OrderChange.delete(before.orElseThrow(), source, commit);
    };
  }

  private static Optional<UnifiedOrder> image(
      BusinessLine line, String schema, String table, JsonNode values) {
    if (values == null || values.isNull()) {
      return Optional.empty();
    }
    SourceRow row = SourceRowJson.read(schema, table, values);
    return Optional.of(line.map(row));
  }

  private void send(ProducerRecord<byte[], byte[]> record) {
    if (producer == null) {
      producer =
          new KafkaProducer<>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrapServers,
                  ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                  true,
                  ProducerConfig.ACKS_CONFIG,
                  "all",
                  ProducerConfig.MAX_BLOCK_MS_CONFIG,
                  (int) TIMEOUT.toMillis(),
                  ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                  ByteArraySerializer.class,
                  ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                  ByteArraySerializer.class));
    }
    try {
      producer.send(record).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeadLetterException("interrupted while replaying to " + record.topic(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new DeadLetterException("replay to " + record.topic() + " was not acknowledged", e);
    }
  }

  private DeadLetter letter(
      String id, ConsumerRecord<byte[], byte[]> record, Optional<Instant> replayed) {
    JsonNode body;
    try {
      body = JSON.readTree(record.value());
    } catch (IOException | RuntimeException e) {
      body = null;
    }
    if (body == null || !body.isObject()) {
      ObjectNode raw = JSON.createObjectNode();
      raw.put("kind", "unreadable");
      raw.put("reason", "the letter is not JSON");
      body = raw;
    }
    return new DeadLetter(
        id,
        Instant.ofEpochMilli(record.timestamp()),
        body.path("kind").asText("row"),
        body.path("reason").asText(""),
        text(body, "businessLine"),
        text(body, "orderId"),
        text(body, "sink"),
        body,
        replayed);
  }

  private static Optional<String> text(JsonNode body, String name) {
    JsonNode node = body.get(name);
    return node == null || !node.isTextual() ? Optional.empty() : Optional.of(node.textValue());
  }

  /** Every record of {@code name} up to its current end; empty when the topic does not exist. */
  private List<ConsumerRecord<byte[], byte[]>> readAll(String name) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    settings.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings)) {
      List<PartitionInfo> infos = consumer.partitionsFor(name, TIMEOUT);
      if (infos == null || infos.isEmpty()) {
        return records;
      }
      List<TopicPartition> partitions =
          infos.stream().map(i -> new TopicPartition(name, i.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new DeadLetterException("reading " + name + " did not reach its end in " + TIMEOUT);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new DeadLetterException("cannot read " + name + ": " + e.getMessage(), e);
    }
    return records;
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
