package dev.hamal.app;

import dev.hamal.coordination.PipeStatus;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChangeCodec;
import dev.hamal.order.UnifiedOrder;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The demo's terminal output: reads the business lines' topics from their current end and, with
 * {@code --changes}, prints each unified order change as it arrives (what the cluster published,
 * not what the database wrote); a status line every ten seconds (pipe owner, committed position,
 * lag, rates, the simulator's counts).
 *
 * <p>One thread polls; {@link #close()} wakes it up and it exits.
 */
final class ChangePrinter implements AutoCloseable {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  private final DemoSystem system;
  private final boolean printChanges;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final boolean json;
  private final PrintStream out;
  private final OrderChangeCodec codec = new OrderChangeCodec();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile OrderSimulator simulator;
  private volatile long lastRecordNanos = System.nanoTime();
  private long changes;
  private long deadLetters;
  private long lastSummary = System.nanoTime();
  private long changesAtLastSummary;

  private ChangePrinter(
      DemoSystem system,
      KafkaConsumer<byte[], byte[]> consumer,
      boolean printChanges,
      boolean json,
      PrintStream out) {
    this.system = system;
    this.printChanges = printChanges;
    this.consumer = consumer;
    this.json = json;
    this.out = out;
  }

  /** Positions a consumer at the end of every partition of the topics and starts printing. */
  static ChangePrinter start(
      DemoSystem system, List<String> topics, boolean printChanges, boolean json, PrintStream out) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafka().bootstrapServers());
    settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "hamal-demo-console");
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(60))) {
        partitions.add(new TopicPartition(p.topic(), p.partition()));
      }
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    for (TopicPartition p : partitions) {
      consumer.position(p, Duration.ofSeconds(60)); // resolve the end now, before anything is sent
    }
    ChangePrinter printer = new ChangePrinter(system, consumer, printChanges, json, out);
    Thread thread = new Thread(printer::run, "hamal-demo-console");
    thread.setDaemon(true);
    thread.start();
    return printer;
  }

  void simulator(OrderSimulator value) {
    this.simulator = value;
  }

  private void run() {
    try {
      while (!stopping) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          lastRecordNanos = System.nanoTime();
          print(record);
        }
        maybeSummary();
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      out.println("hamal demo: the console stopped reading Kafka: " + e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
      closed.countDown();
    }
  }

  private void print(ConsumerRecord<byte[], byte[]> record) {
    if (record.topic().equals(dev.hamal.listener.Topics.DEFAULT_DEAD_LETTERS)) {
      deadLetters++;
      if (!printChanges) {
        return;
      }
      out.println(
          LocalTime.now().format(CLOCK)
              + "  DEAD LETTER  "
              + new String(record.value(), StandardCharsets.UTF_8));
      return;
    }
    changes++;
    if (!printChanges) {
      return;
    }
    if (json) {
      out.println(new String(record.value(), StandardCharsets.UTF_8));
      return;
    }
    out.println(describe(codec.decode(record.value())));
  }

  /**
   * One readable line: time, line, source table, operation, order id, status (and its change) and
   * the total amount in major units.
   */
  static String describe(OrderChange change) {
    UnifiedOrder order = change.after().orElseGet(change.before()::orElseThrow);
    StringBuilder line = new StringBuilder(120);
    line.append(LocalTime.now().format(CLOCK)).append("  ");
    pad(line, change.businessLine(), 9);
    pad(line, order.sourceTable(), 14);
    pad(line, change.operation().name(), 7);
    pad(line, change.orderId(), 30);
    if (change.before().isPresent()
        && change.after().isPresent()
        && change.before().get().status() != order.status()) {
      line.append(change.before().get().status()).append(" -> ");
    }
    pad(line, order.status().name(), 10);
    line.append(
        String.format(
            Locale.ROOT,
            "%d.%02d %s",
            order.totalAmount() / 100,
            order.totalAmount() % 100,
            order.currency()));
    order.userId().ifPresent(user -> line.append("  user ").append(user));
    return line.toString();
  }

  private void maybeSummary() {
    long now = System.nanoTime();
    if (now - lastSummary < TimeUnit.SECONDS.toNanos(printChanges ? 5 : 10)) {
      return;
    }
    double perSecond = (changes - changesAtLastSummary) / ((now - lastSummary) / 1e9);
    lastSummary = now;
    changesAtLastSummary = changes;
    StringBuilder text = new StringBuilder("-- ");
    try {
      PipeStatus status = system.pipeStatus();
      text.append("pipe demo ")
          .append(status.state())
          .append(status.owner().map(o -> " on " + o).orElse(""))
          .append(" (epoch ")
          .append(status.epoch())
          .append(')')
          .append(
              status
                  .committed()
                  .map(p -> ", committed " + p.file() + ":" + p.position())
                  .orElse(""));
      if (status.metrics().lagSeconds() >= 0) {
        text.append(", lag ").append(status.metrics().lagSeconds()).append(" s");
      }
      status.reason().ifPresent(r -> text.append(", reason: ").append(r));
    } catch (RuntimeException e) {
      text.append("pipe demo: status unavailable (").append(e.getMessage()).append(')');
    }
    text.append(
        String.format(Locale.ROOT, "; %,d changes from Kafka (%.0f/s)", changes, perSecond));
    if (deadLetters > 0) {
      text.append(", ").append(deadLetters).append(" dead letters");
    }
    OrderSimulator sim = simulator;
    if (sim != null) {
      var total = sim.counts().total();
      text.append(
          String.format(
              Locale.ROOT,
              "; simulator: %,d created, %,d paid, %,d fulfilled, %,d failed, %,d refunded",
              total.created(),
              total.paid(),
              total.fulfilled(),
              total.failed(),
              total.refunded()));
    }
    out.println(text);
  }

  /** Waits until no record arrived for {@code quiet}, so the last changes are printed. */
  void drain(Duration quiet) throws InterruptedException {
    while (System.nanoTime() - lastRecordNanos < quiet.toNanos() && !stopping) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  void summary() {
    out.printf(Locale.ROOT, "-- total: %,d order changes read from Kafka%n", changes);
  }

  void awaitClosed() throws InterruptedException {
    closed.await();
  }

  @Override
  public void close() {
    stopping = true;
    consumer.wakeup();
    try {
      closed.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void pad(StringBuilder line, String value, int width) {
    line.append(value);
    for (int i = value.length(); i < width; i++) {
      line.append(' ');
    }
    line.append(' ');
  }
}
