package dev.hamal.processor;

import dev.hamal.order.BusinessLine;
import dev.hamal.order.BusinessLines;
import dev.hamal.order.DmlFilter;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChangeCodec;
import dev.hamal.order.OrderCodecException;
import dev.hamal.order.OrderSink;
import dev.hamal.order.OrderSinkUnavailableException;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.SinkResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of one sink's group: polls a batch of order changes, filters and de-duplicates it,
 * writes it to the store, dead-letters what the store refuses, and only then commits the batch's
 * offsets.
 *
 * <p>Invariants: offsets are committed only after {@link OrderSink#apply} returned for every write
 * of the batch and every dead letter of it was acknowledged by Kafka, so a crash at any point
 * re-delivers the batch, and the store's version check makes the re-delivery harmless. A store that
 * is unavailable is retried with exponential back-off until it returns (its changes are not
 * dead-lettered: a store outage is not a property of the change); while waiting, the consumer's
 * partitions are paused and it keeps polling so the group does not evict it. Every change read is
 * counted under exactly one outcome ({@link ProcessorMeters}).
 *
 * <p>Threading: {@link #run} runs on one dedicated thread; {@link #stop} may be called from any
 * thread and makes {@code run} return after the batch in hand is written and committed (or, if the
 * store is down, without committing it).
 */
final class SinkWorker implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(SinkWorker.class);
  private static final Duration POLL = Duration.ofMillis(500);

  private final ProcessorConfig config;
  private final OrderSink sink;
  private final BusinessLines lines;
  private final ProcessorMeters meters;
  private final Clock clock;
  private final String clientId;
  private final OrderChangeCodec codec = new OrderChangeCodec();
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final DeadLetterPublisher letters;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private volatile boolean stopped;

  SinkWorker(
      ProcessorConfig config,
      OrderSink sink,
      BusinessLines lines,
      ProcessorMeters meters,
      Clock clock,
      String clientId) {
    this.config = config;
    this.sink = sink;
    this.lines = lines;
    this.meters = meters;
    this.clock = clock;
    this.clientId = clientId;
    Map<String, Object> settings = new HashMap<>();
    settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    settings.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupOf(sink.name()));
    settings.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxBatch());
    int session = (int) config.sessionTimeout().toMillis();
    settings.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, session);
    settings.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.min(3_000, session / 3));
    settings.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
    settings.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    settings.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
    settings.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 10_000);
    settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    this.consumer = new KafkaConsumer<>(settings);
    this.letters =
        new DeadLetterPublisher(
            config.bootstrapServers(),
            config.deadLetterTopic(),
            sink.name(),
            clientId + "-dead-letters",
            clock);
  }

  /** Asks {@link #run} to return; it finishes the batch in hand first when it can. */
  void stop() {
    stopped = true;
    stopping.countDown();
    consumer.wakeup();
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(config.topicPattern());
      while (!stopped) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(POLL);
        } catch (WakeupException e) {
          break;
        }
        if (!records.isEmpty()) {
          process(records);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("{}: the {} writer stopped: {}", clientId, sink.name(), e.toString(), e);
      throw e;
    } finally {
      letters.close();
      consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private void process(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
    Map<OrderWrite, ConsumerRecord<byte[], byte[]>> origins = new IdentityHashMap<>();
    Map<String, OrderWrite> newest = new LinkedHashMap<>();
    int superseded = 0;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      Optional<OrderWrite> write = decide(record);
      if (write.isEmpty()) {
        continue;
      }
      origins.put(write.get(), record);
      OrderWrite previous = newest.get(write.get().orderId());
      if (previous == null) {
        newest.put(write.get().orderId(), write.get());
      } else {
        superseded++;
        if (write.get().version().isNewerThan(previous.version())) {
          newest.put(write.get().orderId(), write.get());
        }
      }
    }
    meters.superseded(superseded);
    List<OrderWrite> writes = new ArrayList<>(newest.values());
    if (!writes.isEmpty()) {
      long started = System.nanoTime();
      SinkResult result = applyUntilAvailable(writes);
      if (result == null) {
        return; // stopping while the store is down: nothing committed, the batch comes again
      }
      meters.batch(Duration.ofNanos(System.nanoTime() - started));
      meters.applied(result.applied());
      meters.stale(result.stale());
      Instant now = clock.instant();
      List<SinkResult.Rejection> rejected = retryRejected(result.rejected());
      if (rejected == null) {
        return;
      }
      for (OrderWrite write : writes) {
        meters.freshness(Duration.between(write.change().commitTime(), now));
      }
      for (SinkResult.Rejection rejection : rejected) {
        letters.refused(origins.get(rejection.write()), rejection.write(), rejection.reason());
        LOG.warn(
            "{}: the {} refused order {} at version {}; dead-lettered: {}",
            clientId,
            sink.name(),
            rejection.write().orderId(),
            rejection.write().version(),
            rejection.reason());
      }
      meters.deadLettered(rejected.size());
    }
    if (!publishLetters()) {
      return;
    }
    commit(records);
  }

  private Optional<OrderWrite> decide(ConsumerRecord<byte[], byte[]> record) {
    OrderChange change;
    try {
      change = codec.decode(record.value() == null ? new byte[0] : record.value());
    } catch (OrderCodecException e) {
      letters.undecodable(record, "not an order change: " + e.getMessage());
      meters.deadLettered(1);
      LOG.warn(
          "{}: {}-{}@{} is not an order change; dead-lettered: {}",
          clientId,
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
      return Optional.empty();
    }
    DmlFilter filter =
        lines.line(change.businessLine()).map(BusinessLine::filter).orElse(DmlFilter.DEFAULT);
    DmlFilter.Decision decision = filter.decide(change);
    if (decision.outcome() != DmlFilter.Outcome.WRITE) {
      meters.filtered(decision.outcome());
    }
    return decision.write();
  }

  /** Applies until the store answers; null when stopping first. */
  private SinkResult applyUntilAvailable(List<OrderWrite> writes) throws InterruptedException {
    Duration backoff = config.retryInitial();
    int attempt = 0;
    while (true) {
      try {
        SinkResult result = sink.apply(writes);
        if (attempt > 0) {
          LOG.info(
              "{}: the {} is available again after {} attempts", clientId, sink.name(), attempt);
        }
        return result;
      } catch (OrderSinkUnavailableException e) {
        attempt++;
        meters.unavailable();
        if (attempt == 1 || attempt % 10 == 0) {
          LOG.warn(
              "{}: the {} is unavailable (attempt {}), retrying in {} ms: {}",
              clientId,
              sink.name(),
              attempt,
              backoff.toMillis(),
              e.getMessage());
        }
        if (!waitKeepingMembership(backoff)) {
          return null;
        }
        backoff = backoff.multipliedBy(2);
        if (backoff.compareTo(config.retryMax()) > 0) {
          backoff = config.retryMax();
        }
      }
    }
  }

  /**
   * Tries every refused write alone, up to the configured attempts; returns those still refused, or
   * null when stopping while the store is down.
   */
  private List<SinkResult.Rejection> retryRejected(List<SinkResult.Rejection> rejected)
      throws InterruptedException {
    List<SinkResult.Rejection> still = rejected;
    for (int attempt = 1; attempt < config.rejectedAttempts() && !still.isEmpty(); attempt++) {
      List<SinkResult.Rejection> next = new ArrayList<>();
      for (SinkResult.Rejection rejection : still) {
        SinkResult again = applyUntilAvailable(List.of(rejection.write()));
        if (again == null) {
          return null;
        }
        meters.applied(again.applied());
        meters.stale(again.stale());
        next.addAll(again.rejected());
      }
      still = next;
    }
    return still;
  }

  private boolean publishLetters() throws InterruptedException {
    Duration backoff = config.retryInitial();
    while (letters.hasPending()) {
      try {
        letters.publish();
      } catch (DeadLetterException e) {
        LOG.warn("{}: {}; retrying in {} ms", clientId, e.getMessage(), backoff.toMillis());
        if (!waitKeepingMembership(backoff)) {
          return false;
        }
        backoff = backoff.multipliedBy(2);
        if (backoff.compareTo(config.retryMax()) > 0) {
          backoff = config.retryMax();
        }
      }
    }
    return true;
  }

  /**
   * Waits {@code duration} with the partitions paused, polling so the group keeps this member;
   * false when stopping.
   */
  private boolean waitKeepingMembership(Duration duration) throws InterruptedException {
    var assigned = consumer.assignment();
    consumer.pause(assigned);
    try {
      long until = System.nanoTime() + duration.toNanos();
      while (!stopped) {
        long left = until - System.nanoTime();
        if (left <= 0) {
          return true;
        }
        try {
          ConsumerRecords<byte[], byte[]> none =
              consumer.poll(Duration.ofNanos(Math.min(left, POLL.toNanos())));
          if (!none.isEmpty()) {
            throw new IllegalStateException("a paused consumer returned records");
          }
        } catch (WakeupException e) {
          return false;
        }
        if (stopping.await(0, TimeUnit.MILLISECONDS)) {
          return false;
        }
      }
      return false;
    } finally {
      consumer.resume(consumer.assignment());
    }
  }

  private void commit(ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> list = records.records(partition);
      offsets.put(partition, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
    }
    try {
      consumer.commitSync(offsets);
    } catch (CommitFailedException | RebalanceInProgressException e) {
      // The group moved the partitions while the batch was written; their new owner reads the
      // batch again, which the store's version check makes harmless.
      LOG.info("{}: offsets not committed after a rebalance: {}", clientId, e.getMessage());
    } catch (WakeupException e) {
      consumer.commitSync(offsets);
      stopped = true;
    }
  }
}
