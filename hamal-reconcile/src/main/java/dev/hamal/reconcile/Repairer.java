package dev.hamal.reconcile;

import dev.hamal.order.BusinessLine;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChangeCodec;
import dev.hamal.order.UnifiedOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Re-publishes the source's current image of missing or stale orders to the business line's topic,
 * as INSERT changes keyed by the order id, so that the processors write them into every store the
 * way they write any change. Extra orders (held by a store, absent from the source) are only
 * reported, never deleted: the source is the authority on what exists, but a store's archived
 * history is not the reconciler's to remove.
 *
 * <p><b>The version of a repair, and why it is safe.</b> Stores apply a change only when its
 * version (binlog file, event position, row index) is newer than the one they hold. A repair must
 * therefore sort after every change the row it carries already reflects, or the store would keep
 * its stale image, and before every change committed after the row was read, or it would overwrite
 * a newer image for good. The reconciler reads each table inside a consistent snapshot whose binlog
 * position {@code F:P} it knows: every transaction whose events lie before {@code P} is visible in
 * the snapshot, and every transaction not visible writes its events at or after {@code P}. A repair
 * is published at {@code (F, P - 1, 999,999,999)} (the largest row index {@link
 * dev.hamal.order.OrderVersion} allows): each visible change's rows event starts below {@code P -
 * 1} (an event is longer than one byte), so the repair is newer than all of them; each later change
 * starts at {@code P} or beyond (or in a later file), so it is newer than the repair. A row that
 * changes after the read is thus overwritten by its real later change, whichever arrives first at a
 * store; a repair that arrives after that change is ignored as old. Publishing the same repair
 * twice is harmless for the same reason.
 *
 * <p>On MariaDB the snapshot's position is exact ({@code binlog_snapshot_file} and {@code
 * _position}). On other servers the binlog end read just before the snapshot starts stands in; a
 * transaction that has written its binlog events but not yet committed in the engine at that very
 * instant (a window of milliseconds in group commit) could then be invisible to the snapshot yet
 * sort before the repair. Reconcile windows that are older than the pipe's lag, where no such
 * transaction touches the window's orders.
 *
 * <p>Delivery: the producer is idempotent with {@code acks=all}; {@link #finish} flushes and waits
 * for every send, and fails with the first error, so a repair is reported done only when Kafka
 * acknowledged every record. Threading: {@link #republish} and {@link #finish} are called by the
 * reconciling thread; the producer's I/O thread runs the callbacks, which only count.
 */
public final class Repairer implements AutoCloseable {
  /** The largest row index of an {@link dev.hamal.order.OrderVersion}. */
  static final long MAX_ROW_INDEX = 999_999_999L;

  private final RepairerConfig config;
  private final Producer<byte[], byte[]> producer;
  private final OrderChangeCodec codec = new OrderChangeCodec();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  Repairer(RepairerConfig config, Producer<byte[], byte[]> producer) {
    this.config = Objects.requireNonNull(config, "config");
    this.producer = Objects.requireNonNull(producer, "producer");
  }

  /** A repairer with its own producer; close it when done. */
  public static Repairer connect(RepairerConfig config) {
    return new Repairer(config, new KafkaProducer<>(producerSettings(config)));
  }

  static Map<String, Object> producerSettings(RepairerConfig config) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    settings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Duration.ofMinutes(1).toMillis());
    settings.putAll(config.producerSettings());
    settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    settings.put(ProducerConfig.CLIENT_ID_CONFIG, config.clientId());
    settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    settings.put(ProducerConfig.ACKS_CONFIG, "all");
    settings.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    settings.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
    settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return settings;
  }

  /** The position a repair of rows read in a snapshot at {@code point} is published with. */
  static OrderChange.SourcePosition positionFor(String pipe, SourceDatabase.BinlogPoint point) {
    return new OrderChange.SourcePosition(
        pipe, point.file(), point.position() - 1, MAX_ROW_INDEX, Optional.empty(), 0);
  }

  /**
   * Hands the source's current image of one order to the producer.
   *
   * @throws ReconcileException when an earlier record failed or the producer refuses this one
   */
  void republish(
      BusinessLine line,
      UnifiedOrder order,
      OrderChange.SourcePosition position,
      Instant commitTime) {
    throwIfFailed();
    OrderChange change = OrderChange.insert(order, position, commitTime);
    String topic = config.topicOf(line.name());
    sent.incrementAndGet();
    try {
      producer.send(
          new ProducerRecord<>(
              topic, order.orderId().getBytes(StandardCharsets.UTF_8), codec.encode(change)),
          (metadata, exception) -> {
            if (exception == null) {
              acknowledged.incrementAndGet();
            } else {
              failure.compareAndSet(null, exception);
            }
          });
    } catch (KafkaException | IllegalStateException e) {
      throw new ReconcileException(
          "Kafka refused a repair of " + order.orderId() + " to " + topic, e);
    }
  }

  /**
   * Sends what is buffered and waits until Kafka acknowledged every repair handed over so far.
   *
   * @return how many repairs were acknowledged in all
   * @throws ReconcileException with the first failure when a repair was not acknowledged
   */
  long finish() {
    try {
      producer.flush();
    } catch (KafkaException e) {
      throw new ReconcileException("flushing repairs to Kafka failed", e);
    }
    throwIfFailed();
    if (acknowledged.get() != sent.get()) {
      throw new ReconcileException(
          "Kafka acknowledged "
              + acknowledged.get()
              + " of "
              + sent.get()
              + " repairs after a flush");
    }
    return acknowledged.get();
  }

  private void throwIfFailed() {
    Exception first = failure.get();
    if (first != null) {
      throw new ReconcileException("Kafka did not acknowledge a repair after retries", first);
    }
  }

  /** Closes the producer, waiting up to 30 s for records still in flight. */
  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }

  @Override
  public String toString() {
    return "Repairer[" + config + "]";
  }
}
