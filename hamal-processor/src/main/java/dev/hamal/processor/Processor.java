package dev.hamal.processor;

import dev.hamal.order.BusinessLines;
import dev.hamal.order.OrderSink;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A processor instance: for each store, {@link ProcessorConfig#consumersPerSink()} consumers of
 * that store's group ({@code hamal-store-writer}, {@code hamal-index-writer}, ...), each on its own
 * platform thread named after the store. Stores are independent: a slow or unavailable store holds
 * back only its own group. Any number of instances may run; Kafka balances partitions among the
 * members of each group.
 *
 * <p>Each consumer needs a sink of its own when the store is not safe for concurrent use; pass a
 * factory through {@link #start(ProcessorConfig, BusinessLines, List, MeterRegistry, Clock)} with
 * one sink per consumer, or one shared thread-safe sink per store.
 *
 * <p>{@link #close} stops the consumers, each after committing the batch in hand. The sinks belong
 * to the caller, who closes them afterwards.
 */
public final class Processor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Processor.class);

  private final List<SinkWorker> workers;
  private final List<Thread> threads;
  private final String instance;

  private Processor(List<SinkWorker> workers, List<Thread> threads, String instance) {
    this.workers = workers;
    this.threads = threads;
    this.instance = instance;
  }

  /**
   * Starts consumers for every sink: one consumer per entry, so pass a store's sink several times
   * (thread-safe sinks) or several sinks of the same name to run more consumers of its group.
   *
   * @param config the settings
   * @param lines the business lines, for their DML filters (a change of an unknown line is written
   *     with the default filter)
   * @param sinks the stores; {@link OrderSink#name()} names the group
   * @param registry where the meters go
   * @param clock the clock freshness is measured with
   */
  public static Processor start(
      ProcessorConfig config,
      BusinessLines lines,
      List<OrderSink> sinks,
      MeterRegistry registry,
      Clock clock) {
    Objects.requireNonNull(config, "config");
    String instance = UUID.randomUUID().toString().substring(0, 8);
    KafkaTopics.ensure(config.bootstrapServers(), config.deadLetterTopic(), java.util.Map.of());
    var workers = new ArrayList<SinkWorker>();
    var threads = new ArrayList<Thread>();
    var counts = new java.util.HashMap<String, Integer>();
    var meters = new java.util.HashMap<String, ProcessorMeters>();
    for (OrderSink sink : sinks) {
      int n = counts.merge(sink.name(), 1, Integer::sum);
      String clientId = "hamal-" + sink.name() + "-writer-" + instance + "-" + n;
      SinkWorker worker =
          new SinkWorker(
              config,
              sink,
              lines,
              meters.computeIfAbsent(sink.name(), name -> new ProcessorMeters(registry, name)),
              clock,
              clientId);
      workers.add(worker);
      threads.add(Thread.ofPlatform().name(clientId).unstarted(worker));
    }
    threads.forEach(Thread::start);
    LOG.info("processor {} started: {}", instance, counts);
    return new Processor(List.copyOf(workers), List.copyOf(threads), instance);
  }

  /** Whether every consumer thread is running. */
  public boolean isRunning() {
    return threads.stream().allMatch(Thread::isAlive);
  }

  @Override
  public void close() {
    workers.forEach(SinkWorker::stop);
    for (Thread thread : threads) {
      try {
        thread.join(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    LOG.info("processor {} stopped", instance);
  }
}
