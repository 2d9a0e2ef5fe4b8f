package dev.hamal.gateway;

import io.helidon.http.HeaderNames;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-sent-event streams of {@code sse} subscriptions: {@code GET /v1/subscriptions/{id}/events}
 * streams matching changes as {@code event: order-change} with the rendered order as {@code data:}
 * and an {@link EventStreamPosition} as {@code id:}.
 *
 * <p>Each stream is one Kafka consumer without a group, assigned every partition of the
 * subscription's topics (those of its lines, or every order-change topic for {@code *}); no state
 * is kept on the server, the event id is the position. A stream starts after the event its {@code
 * Last-Event-ID} header (or {@code ?from=}) names, at the end without one, or at the beginning with
 * {@code ?from=earliest}. Partitions that appear later (a new line's topic) are read from their
 * beginning. One order's changes live in one partition, so they arrive in publish order. A change
 * that cannot be rendered is sent as {@code event: order-change-failed}, never skipped.
 *
 * <p>Bounded: at most {@code maxStreamsPerKey} streams per key on an instance (429 beyond); an idle
 * stream sends a keep-alive comment every {@code streamKeepAlive}, which is also how a closed
 * connection is noticed. A stream ends when its subscription is paused or deleted, its owner key is
 * revoked, or the instance stops.
 *
 * <p>Threading: a stream runs on its request's virtual thread; {@link #end} and {@link #close} may
 * be called from any thread.
 */
final class EventStreams {
  private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);

  private final DeliveryServices services;
  private final DeliveryRenderer renderer = new DeliveryRenderer();
  private final Map<String, Integer> perKey = new HashMap<>();
  private final Set<Stream> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  EventStreams(DeliveryServices services) {
    this.services = services;
  }

  private static final class Stream {
    final String subscriptionId;
    volatile boolean ended;

    Stream(String subscriptionId) {
      this.subscriptionId = subscriptionId;
    }
  }

  /** Ends the streams of a subscription (paused, deleted, owner revoked). */
  void end(String subscriptionId) {
    open.stream().filter(s -> s.subscriptionId.equals(subscriptionId)).forEach(s -> s.ended = true);
  }

  void close() {
    closed = true;
    open.forEach(s -> s.ended = true);
  }

  /** Streams {@code subscription} (visible to {@code caller}, type sse) until the client leaves. */
  void stream(
      ServerRequest request, ServerResponse response, Subscription subscription, Caller caller) {
    if (subscription.isWebhook()) {
      throw ApiProblem.conflict(
          "subscription " + subscription.id() + " delivers to a webhook, not as events");
    }
    if (subscription.state() != Subscription.State.ACTIVE) {
      throw ApiProblem.conflict("subscription " + subscription.id() + " is paused");
    }
    var parameters = QueryParameters.of(request.query(), java.util.Set.of("from"));
    Optional<String> from =
        request
            .headers()
            .first(HeaderNames.create("Last-Event-ID"))
            .or(() -> parameters.text("from", 4_096));
    Optional<EventStreamPosition> resume = Optional.empty();
    boolean earliest = false;
    if (from.isPresent()) {
      String value = from.get().trim();
      if (value.equals("earliest")) {
        earliest = true;
      } else if (!value.equals("latest")) {
        try {
          resume = Optional.of(EventStreamPosition.decode(subscription.id(), value));
        } catch (IllegalArgumentException e) {
          throw ApiProblem.invalidParameter(
              "from",
              "Last-Event-ID / from: "
                  + e.getMessage()
                  + "; use an id this stream sent, earliest or latest");
        }
      }
    }
    Caller owner = owner(subscription);
    RenderPlans.RenderPlan plan = services.plans().plan(owner, subscription.template());
    if (resume.isPresent()) {
      for (TopicPartition partition : resume.get().offsets().keySet()) {
        if (!wanted(subscription, partition.topic())) {
          throw ApiProblem.invalidParameter(
              "from",
              "the event id names topic " + partition.topic() + " this stream does not read");
        }
      }
    }
    acquire(caller.keyId());
    Stream stream = new Stream(subscription.id());
    open.add(stream);
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      Map<TopicPartition, Long> position = new HashMap<>();
      List<TopicPartition> partitions = partitions(consumer, subscription);
      consumer.assign(partitions);
      List<TopicPartition> unknown = new ArrayList<>();
      for (TopicPartition partition : partitions) {
        Long offset = resume.map(r -> r.offsets().get(partition)).orElse(null);
        if (offset != null) {
          consumer.seek(partition, offset);
        } else {
          unknown.add(partition);
        }
      }
      // (seekTo* with no partitions would move every assigned partition)
      if (!unknown.isEmpty() && (earliest || resume.isPresent())) {
        consumer.seekToBeginning(unknown);
      } else if (!unknown.isEmpty()) {
        consumer.seekToEnd(unknown);
      }
      for (TopicPartition partition : partitions) {
        position.put(partition, consumer.position(partition));
      }
      run(response, subscription, owner, plan, stream, consumer, position);
    } finally {
      open.remove(stream);
      release(caller.keyId());
    }
  }

  private void run(
      ServerResponse response,
      Subscription subscription,
      Caller owner,
      RenderPlans.RenderPlan plan,
      Stream stream,
      KafkaConsumer<byte[], byte[]> consumer,
      Map<TopicPartition, Long> position) {
    Duration keepAlive = services.config().streamKeepAlive();
    Duration poll =
        keepAlive.compareTo(Duration.ofMillis(500)) < 0 ? keepAlive : Duration.ofMillis(500);
    long refreshNanos = services.config().refreshInterval().toNanos();
    try (SseSink sink = response.sink(SseSink.TYPE)) {
      sink.emit(SseEvent.builder().comment("stream of " + subscription.id()).build());
      long lastEmit = System.nanoTime();
      long lastCheck = System.nanoTime();
      while (!stream.ended && !closed) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(poll)) {
          position.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
          Optional<Delivery> delivery = renderer.render(record, subscription, owner, plan);
          if (delivery.isEmpty()) {
            continue;
          }
          String id = EventStreamPosition.of(position).encode(subscription.id());
          Delivery d = delivery.get();
          SseEvent event =
              d.failure().isPresent()
                  ? SseEvent.builder().id(id).name("order-change-failed").data(failure(d)).build()
                  : SseEvent.builder().id(id).name("order-change").data(d.payload()).build();
          sink.emit(event);
          lastEmit = System.nanoTime();
        }
        long now = System.nanoTime();
        if (now - lastEmit >= keepAlive.toNanos()) {
          sink.emit(SseEvent.builder().comment("keep-alive").build());
          lastEmit = now;
        }
        if (now - lastCheck >= refreshNanos) {
          lastCheck = now;
          if (!stillActive(subscription)) {
            break;
          }
          addNewPartitions(consumer, subscription, position);
        }
      }
    } catch (RuntimeException e) {
      // the client went away (a write failed) or Kafka failed: either way the stream ends; the
      // client resumes from the last id it got
      LOG.debug("stream of {} ended: {}", subscription.id(), e.toString());
    }
  }

  private String failure(Delivery d) {
    return Json.object()
        .put("eventId", d.eventId())
        .put("orderId", d.orderId())
        .put("error", d.failure().orElse(""))
        .toString();
  }

  private boolean stillActive(Subscription subscription) {
    try {
      Optional<Subscription> now = services.store().find(subscription.id());
      if (now.isEmpty() || now.get().state() != Subscription.State.ACTIVE) {
        return false;
      }
      var key = services.keys().find(subscription.ownerKeyId());
      return key.isPresent() && key.get().revokedAt().isEmpty();
    } catch (GatewayDatabaseException e) {
      return true; // keep streaming through a database hiccup; checked again next round
    }
  }

  private void addNewPartitions(
      KafkaConsumer<byte[], byte[]> consumer,
      Subscription subscription,
      Map<TopicPartition, Long> position) {
    List<TopicPartition> now = partitions(consumer, subscription);
    List<TopicPartition> added = now.stream().filter(p -> !position.containsKey(p)).toList();
    if (added.isEmpty()) {
      return;
    }
    consumer.assign(now);
    consumer.seekToBeginning(added);
    for (TopicPartition partition : added) {
      position.put(partition, consumer.position(partition));
    }
  }

  private Caller owner(Subscription subscription) {
    var key = services.keys().find(subscription.ownerKeyId());
    if (key.isEmpty() || key.get().revokedAt().isPresent()) {
      throw ApiProblem.conflict(
          "the owner key of subscription " + subscription.id() + " was revoked");
    }
    return new Caller(key.get().keyId(), key.get().name(), key.get().scopes());
  }

  private boolean wanted(Subscription subscription, String topic) {
    if (!services.config().topicPattern().matcher(topic).matches()) {
      return false;
    }
    if (subscription.filter().allLines()) {
      return true;
    }
    return subscription.filter().businessLines().stream()
        .anyMatch(line -> topic.endsWith("." + line));
  }

  private List<TopicPartition> partitions(
      KafkaConsumer<byte[], byte[]> consumer, Subscription subscription) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (Map.Entry<String, List<PartitionInfo>> topic : consumer.listTopics().entrySet()) {
      if (wanted(subscription, topic.getKey())) {
        for (PartitionInfo info : topic.getValue()) {
          partitions.add(new TopicPartition(info.topic(), info.partition()));
        }
      }
    }
    return partitions;
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Map<String, Object> settings = new HashMap<>();
    settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, services.config().bootstrapServers());
    settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    settings.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new KafkaConsumer<>(settings);
  }

  private synchronized void acquire(String keyId) {
    int n = perKey.getOrDefault(keyId, 0);
    if (n >= services.config().maxStreamsPerKey()) {
      throw ApiProblem.tooManyRequests(
          "this key already holds "
              + n
              + " event streams open on this instance (at most "
              + services.config().maxStreamsPerKey()
              + ")");
    }
    perKey.put(keyId, n + 1);
  }

  private synchronized void release(String keyId) {
    perKey.computeIfPresent(keyId, (k, n) -> n <= 1 ? null : n - 1);
  }
}
