package dev.hamal.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one webhook subscription's changes from this instance: a Kafka consumer of the group
 * {@code hamal-sub-<id>} on the order-change topics, so every instance running the subscription
 * shares its partitions and a failed instance's partitions move to the others (Kafka's rebalance).
 *
 * <p>Per polled batch: each record is rendered ({@link DeliveryRenderer}), the deliveries are
 * grouped by order id in offset order, each order's chain is sent in sequence while different
 * orders go in parallel on virtual threads (at most {@code maxParallelOrders} at once). A delivery
 * is retried with back-off until it succeeds or runs out of attempts; then it is written to the
 * dead letters and its order's chain continues. Every attempt is logged.
 *
 * <p>Invariants: offsets are committed only after every record of the batch was delivered or
 * dead-lettered and the log has it, so a crash, a stop or a database failure at any point sends the
 * uncommitted batch again (at least once; the delivery id is the same every time). Deliveries of
 * one order never overlap on one instance, and a partition has one owner at a time, so a receiver
 * sees one order's changes in publish order, except for a dead letter redelivered later and the
 * re-sent tail of a batch after a fail-over (see docs/subscriptions.md).
 *
 * <p>A subscription that has not committed on a partition yet starts there at the first change
 * published at or after its creation.
 *
 * <p>Threading: {@link #run} on one thread of its own; {@link #stop} from any thread interrupts the
 * chains in flight and makes {@code run} return without committing the batch in hand.
 */
final class WebhookDispatcher implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
  private static final Duration POLL = Duration.ofMillis(500);

  private final Subscription subscription;
  private final Subscription.Webhook webhook;
  private final DeliveryServices services;
  private final DeliveryRenderer renderer = new DeliveryRenderer();
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final AtomicReference<ExecutorService> chains = new AtomicReference<>();
  private volatile boolean stopped;
  private volatile Thread thread;

  WebhookDispatcher(Subscription subscription, DeliveryServices services, String clientId) {
    this.subscription = subscription;
    this.webhook = (Subscription.Webhook) subscription.destination();
    this.services = services;
    SubscriptionsConfig config = services.config();
    Map<String, Object> settings = new HashMap<>();
    settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    settings.put(ConsumerConfig.GROUP_ID_CONFIG, groupOf(subscription.id()));
    settings.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
    settings.put(
        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) config.maxPollInterval().toMillis());
    settings.put(
        ConsumerConfig.CONNECTIONS_MAX_IDLE_MS_CONFIG,
        config.maxPollInterval().plusMinutes(1).toMillis());
    settings.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    settings.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 10_000);
    settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    this.consumer = new KafkaConsumer<>(settings);
  }

  /** The consumer group of a subscription. */
  static String groupOf(String subscriptionId) {
    return "hamal-sub-" + subscriptionId;
  }

  String subscriptionId() {
    return subscription.id();
  }

  boolean isAlive() {
    Thread t = thread;
    return t == null || t.isAlive();
  }

  /** Stops delivering: chains in flight are interrupted, nothing more is committed. */
  void stop() {
    stopped = true;
    consumer.wakeup();
    ExecutorService running = chains.get();
    if (running != null) {
      running.shutdownNow();
    }
    Thread t = thread;
    if (t != null && t != Thread.currentThread()) {
      t.interrupt(); // a back-off or a blocked acquire ends at once
    }
  }

  /** Waits for {@link #run} to return. */
  void join(Duration timeout) throws InterruptedException {
    Thread t = thread;
    if (t != null) {
      t.join(timeout);
    }
  }

  @Override
  public void run() {
    thread = Thread.currentThread();
    int failures = 0;
    try {
      consumer.subscribe(services.config().topicPattern(), new StartAtCreation());
      while (!stopped) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(POLL);
        } catch (WakeupException e) {
          break;
        }
        if (records.isEmpty()) {
          continue;
        }
        try {
          if (deliver(records)) {
            commit(records);
            failures = 0;
          } else {
            return;
          }
        } catch (GatewayDatabaseException e) {
          failures++;
          Duration backoff = services.config().retry().backoff(failures, services.random());
          LOG.warn(
              "subscription {}: the gateway database failed; the batch is sent again in {} ms: {}",
              subscription.id(),
              backoff.toMillis(),
              e.toString());
          rewind(records);
          services.sleeper().sleep(backoff);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (WakeupException e) {
      // stopping
    } catch (RuntimeException e) {
      if (!stopped) {
        LOG.error("subscription {}: the dispatcher failed: {}", subscription.id(), e.toString(), e);
      }
    } finally {
      boolean interrupted = Thread.interrupted(); // let the consumer leave its group cleanly
      try {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
      } catch (RuntimeException e) {
        LOG.debug("subscription {}: consumer close: {}", subscription.id(), e.toString());
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Delivers a batch; true when every record was delivered or dead-lettered, false when the
   * dispatcher stops (or paused its subscription) before that.
   */
  private boolean deliver(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
    Optional<ApiKeys.KeyInfo> key = services.keys().find(subscription.ownerKeyId());
    if (key.isEmpty() || key.get().revokedAt().isPresent()) {
      pause("owner key " + subscription.ownerKeyId() + " was revoked");
      return false;
    }
    Caller owner = new Caller(key.get().keyId(), key.get().name(), key.get().scopes());
    RenderPlans.RenderPlan plan;
    try {
      plan = services.plans().plan(owner, subscription.template());
    } catch (ApiProblem e) {
      pause("template " + subscription.template().orElse("(default)") + ": " + e.getMessage());
      return false;
    }
    Map<String, List<Delivery>> byOrder = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      renderer
          .render(record, subscription, owner, plan)
          .ifPresent(d -> byOrder.computeIfAbsent(d.orderId(), id -> new ArrayList<>()).add(d));
    }
    if (byOrder.isEmpty()) {
      return !stopped;
    }
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Semaphore permits = new Semaphore(services.config().maxParallelOrders());
    ExecutorService executor =
        Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("hamal-sub-" + subscription.id() + "-", 0).factory());
    chains.set(executor);
    if (stopped) {
      executor.shutdownNow();
    }
    try (executor) {
      for (List<Delivery> chain : byOrder.values()) {
        permits.acquire();
        if (stopped || failure.get() != null) {
          permits.release();
          break;
        }
        try {
          executor.execute(() -> {
            try {
              for (Delivery delivery : chain) {
                if (stopped) {
                  return;
                }
                deliverOne(delivery);
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } catch (Throwable e) {
              failure.compareAndSet(null, e);
            } finally {
              permits.release();
            }
          });
        } catch (java.util.concurrent.RejectedExecutionException e) {
          permits.release();
          break; // stopping
        }
      }
    } finally {
      chains.set(null);
    }
    Throwable failed = failure.get();
    if (failed instanceof GatewayDatabaseException e) {
      throw e;
    }
    if (failed instanceof PauseRequest) {
      return false;
    }
    if (failed != null) {
      throw new IllegalStateException("a delivery chain failed", failed);
    }
    return !stopped;
  }

  /** Sends one delivery until it succeeds or is dead-lettered; both are logged before returning. */
  private void deliverOne(Delivery delivery) throws InterruptedException {
    DeliveryRetryPolicy retry = services.config().retry();
    if (delivery.failure().isPresent()) {
      deadLetter(
          delivery,
          0,
          delivery.failure().get(),
          new WebhookSender.Attempt(false, Optional.empty(), delivery.failure(), Duration.ZERO));
      return;
    }
    for (int attempt = 1; ; attempt++) {
      if (stopped) {
        throw new InterruptedException("stopping");
      }
      WebhookSender.Attempt result = services.sender().send(webhook, delivery);
      if (result.delivered()) {
        services
            .log()
            .attempt(
                subscription.id(),
                delivery,
                attempt,
                DeliveryLog.Outcome.DELIVERED,
                result,
                services.clock().instant());
        return;
      }
      if (attempt >= retry.maxAttempts()) {
        deadLetter(delivery, attempt, result.describe(), result);
        return;
      }
      services
          .log()
          .attempt(
              subscription.id(),
              delivery,
              attempt,
              DeliveryLog.Outcome.FAILED,
              result,
              services.clock().instant());
      services.sleeper().sleep(retry.backoff(attempt, services.random()));
    }
  }

  private void deadLetter(
      Delivery delivery, int attempts, String error, WebhookSender.Attempt result) {
    var now = services.clock().instant();
    services
        .log()
        .attempt(
            subscription.id(),
            delivery,
            Math.max(1, attempts),
            DeliveryLog.Outcome.DEAD_LETTERED,
            result,
            now);
    services.log().deadLetter(subscription.id(), delivery, attempts, error, now);
    LOG.warn(
        "subscription {}: delivery {} of order {} dead-lettered after {} attempts: {}",
        subscription.id(),
        delivery.deliveryId(),
        delivery.orderId(),
        attempts,
        error);
    int count = services.log().deadLetterCount(subscription.id());
    if (count >= services.config().maxDeadLetters()) {
      pause("the dead-letter list is full (" + count + " deliveries)");
      throw new PauseRequest();
    }
  }

  private void pause(String reason) {
    LOG.warn("subscription {} paused: {}", subscription.id(), reason);
    services
        .store()
        .setState(
            subscription.id(),
            Subscription.State.PAUSED,
            Optional.of(reason),
            services.clock().instant());
    stopped = true;
  }

  /** Ends a batch when the subscription had to be paused. */
  private static final class PauseRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PauseRequest() {
      super("subscription paused", null, false, false);
    }
  }

  private void commit(ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> part = records.records(partition);
      offsets.put(partition, new OffsetAndMetadata(part.get(part.size() - 1).offset() + 1));
    }
    try {
      consumer.commitSync(offsets);
    } catch (CommitFailedException | RebalanceInProgressException e) {
      // the partitions moved on while the batch was delivered; their new owner sends it again
      LOG.info(
          "subscription {}: batch delivered but not committed ({}); it will be sent again",
          subscription.id(),
          e.toString());
    }
  }

  private void rewind(ConsumerRecords<byte[], byte[]> records) {
    Set<TopicPartition> assigned = consumer.assignment();
    for (TopicPartition partition : records.partitions()) {
      if (assigned.contains(partition)) {
        consumer.seek(partition, records.records(partition).get(0).offset());
      }
    }
  }

  /**
   * Starts a partition the group has no committed offset for at the first record published at or
   * after the subscription's creation (at the end when there is none, taking the end before asking
   * so that a record appended meanwhile is not skipped).
   */
  private final class StartAtCreation implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      try {
        Map<TopicPartition, OffsetAndMetadata> committed =
            consumer.committed(new HashSet<>(partitions));
        List<TopicPartition> fresh = new ArrayList<>();
        for (TopicPartition partition : partitions) {
          if (committed.get(partition) == null) {
            fresh.add(partition);
          }
        }
        if (fresh.isEmpty()) {
          return;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(fresh);
        Map<TopicPartition, Long> times = new HashMap<>();
        long created = subscription.createdAt().toEpochMilli();
        fresh.forEach(p -> times.put(p, created));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times);
        for (TopicPartition partition : fresh) {
          OffsetAndTimestamp at = found.get(partition);
          consumer.seek(partition, at != null ? at.offset() : ends.get(partition));
        }
      } catch (WakeupException e) {
        throw e;
      } catch (KafkaException e) {
        // leave auto.offset.reset (earliest) in charge: more is delivered, nothing is lost
        LOG.warn(
            "subscription {}: cannot find its start on {}: {}",
            subscription.id(),
            partitions,
            e.toString());
      }
    }
  }
}
