package dev.hamal.bench;

import dev.hamal.app.ProductLine;
import dev.hamal.app.ProductLines;
import dev.hamal.binlog.BinlogPosition;
import dev.hamal.coordination.Coordinator;
import dev.hamal.embedded.EmbeddedZooKeeper;
import dev.hamal.embedded.EmbeddedZooKeeperConfig;
import dev.hamal.embedded.KafkaBroker;
import dev.hamal.embedded.KafkaBrokerConfig;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.MariaDbServerConfig;
import dev.hamal.embedded.OpenSearchNode;
import dev.hamal.embedded.OpenSearchNodeConfig;
import dev.hamal.order.OrderLookup;
import dev.hamal.order.OrderSinkUnavailableException;
import dev.hamal.order.StoredOrder;
import dev.hamal.search.OrderIndex;
import dev.hamal.search.OrderIndexConfig;
import dev.hamal.store.OrderStore;
import dev.hamal.store.OrderStoreConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hamal bench processing}: the processor's path, Kafka to the order store and to the search
 * index, on one machine with every server embedded.
 *
 * <p><b>Load.</b> The workload of {@code bench generate} (the cached MariaDB 10.11 of {@code bench
 * pipeline}) is published once into fresh topics by one {@link PipelineListener} process, exactly
 * as {@code bench pipeline} does, and the source is stopped. Then, one after the other: the
 * decode-only baseline ({@link DecodeOnlyConsumer}, a process), a {@code hamal processor} process
 * with only the order store enabled, and one with only the search index enabled, each with a fresh
 * consumer group from offset 0. A processor's time runs from its launch until the offsets its group
 * committed reach the ends of the topics (JVM start and opening the store included); its peak RSS
 * is sampled from {@code /proc/PID/status} ({@code VmHWM}).
 *
 * <p><b>Steady.</b> A fresh MariaDB 10.11 source, a listener process, one {@code hamal processor}
 * process with the store and the index, and a {@link SteadyWriter} at a fixed rate. Every n-th row
 * change written after the warm-up is a sample; a {@link FreshnessProbe} thread in this JVM asks
 * the store and the index every 50 ms for the sampled orders and records when each first shows the
 * sample's status or a later one (the writer moves each order forward only). In the same run the
 * baseline: when a consumer in this JVM received the same changes from Kafka.
 *
 * <p>Threads: the calling thread runs everything but the probe, the Kafka consumer of the baseline
 * and the RSS samplers. A child process that dies fails the run with the tail of its log.
 */
@Command(
    name = "processing",
    mixinStandardHelpOptions = true,
    description =
        "Kafka -> order store and Kafka -> search index: changes/s of a processor process per"
            + " store against a decode-only consumer, and freshness from source commit to visible"
            + " under steady load.")
final class ProcessingBenchCommand implements Callable<Integer> {
  private static final double TARGET_STORE_PER_SECOND = 50_000;
  private static final double TARGET_INDEX_PER_SECOND = 20_000;
  private static final double TARGET_SEARCH_P99_MILLIS = 2_000;
  private static final List<String> STATUS_ORDER =
      List.of("CREATED", "PAID", "FULFILLING", "SUCCEEDED");

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Cached MariaDB 10.11 with the workload (default ~/.cache/hamal/bench, shared with 'bench"
              + " pipeline').")
  Path dataDir;

  @Option(
      names = "--changes",
      defaultValue = "2000000",
      description = "Row changes of the generated workload (default 2000000).")
  long changes;

  @Option(
      names = "--phases",
      defaultValue = "load,steady",
      split = ",",
      description = "Which phases to run: load, steady (default both).")
  List<String> phases;

  @Option(
      names = "--rate",
      defaultValue = "5000",
      description = "Row changes per second of the steady phase (default 5000).")
  int rate;

  @Option(
      names = "--steady-seconds",
      defaultValue = "30",
      description = "Measured seconds of the steady phase (default 30).")
  int steadySeconds;

  @Option(
      names = "--warmup-seconds",
      defaultValue = "10",
      description = "Seconds written before the steady measurement starts (default 10).")
  int warmupSeconds;

  @Option(
      names = "--sample-every",
      defaultValue = "20",
      description = "Every n-th steady row change is a freshness sample (default 20).")
  int sampleEvery;

  @Option(
      names = "--heap",
      defaultValue = "1g",
      description = "-Xmx of the processor and of the decode-only baseline (default 1g).")
  String heap;

  @Option(
      names = "--max-batch",
      defaultValue = "2000",
      description = "The processor's max-batch (default 2000, the product's default).")
  int maxBatch;

  @Option(
      names = "--refresh-interval",
      defaultValue = "1s",
      description = "The index's refresh-interval (default 1s, the product's default).")
  String refreshInterval;

  @Option(
      names = "--store-buffer-pool",
      defaultValue = "2G",
      description = "innodb_buffer_pool_size of the order store's MariaDB (default 2G).")
  String storeBufferPool;

  @Option(
      names = "--broker-heap",
      defaultValue = "1024",
      description = "-Xmx of the Kafka broker in MiB (default 1024).")
  int brokerHeapMegabytes;

  private final PrintStream out = System.out;
  private final Clock clock = Clock.systemUTC();
  private final String run = UUID.randomUUID().toString().substring(0, 6);
  private Path workDir;
  private Path businessLines;
  private String storePassword = "";

  @Override
  public Integer call() throws Exception {
    for (String phase : phases) {
      if (!phase.equals("load") && !phase.equals("steady")) {
        throw new IllegalArgumentException("--phases: unknown phase '" + phase + "'");
      }
    }
    if (sampleEvery < 1 || rate < 1 || steadySeconds < 1 || warmupSeconds < 0) {
      throw new IllegalArgumentException(
          "--sample-every, --rate and --steady-seconds must be positive, --warmup-seconds >= 0");
    }
    Path dir = dataDir != null ? dataDir : ListenerBenchCommand.defaultDataDir();
    workDir = Files.createTempDirectory("hamal-bench-processing");
    businessLines = writeBusinessLines(workDir.resolve("business-lines"));
    out.println("hamal bench processing");
    out.println("machine   : " + ListenerBenchCommand.Machine.describe());
    out.flush();
    boolean passed = true;
    MariaDbServerConfig storeConfig =
        MariaDbServerConfig.builder(MariaDbServer.Distribution.BUNDLED)
            .serverId(61)
            .serverArgs(
                List.of(
                    "--innodb-buffer-pool-size=" + storeBufferPool,
                    "--innodb-log-file-size=1G",
                    "--max-connections=200"))
            .build();
    try (EmbeddedZooKeeper zooKeeper =
            EmbeddedZooKeeper.start(EmbeddedZooKeeperConfig.builder().build());
        KafkaBroker kafka =
            KafkaBroker.start(
                KafkaBrokerConfig.builder()
                    .maxHeapMegabytes(brokerHeapMegabytes)
                    .partitions(6)
                    .build());
        MariaDbServer store = MariaDbServer.start(storeConfig);
        OpenSearchNode search = OpenSearchNode.start(OpenSearchNodeConfig.builder().build())) {
      out.printf(
          "servers   : ZooKeeper (in the benchmark's JVM), Kafka %s (own JVM, -Xmx%dm, 1 broker,"
              + " 6 partitions per topic), order store MariaDB %s (innodb_buffer_pool_size=%s,"
              + " innodb_log_file_size=1G, flush_log_at_trx_commit=2, sync_binlog=0),"
              + " OpenSearch %s (own JVM, -Xmx%dm); logs in %s%n",
          kafka.version(),
          brokerHeapMegabytes,
          store.version(),
          storeBufferPool,
          search.version(),
          search.config().maxHeapMegabytes(),
          workDir);
      out.printf(
          "processor : hamal processor --config FILE, a process of its own (-Xmx%s), product"
              + " settings: max-batch %d, consumers-per-sink 1, store pool-size 8 batch-size 1000,"
              + " index refresh-interval %s, 1 shard, 0 replicas%n",
          heap, maxBatch, refreshInterval);
      out.flush();
      if (phases.contains("load")) {
        passed &= load(dir, zooKeeper, kafka, store, search);
      }
      if (phases.contains("steady")) {
        passed &= steady(zooKeeper, kafka, store, search);
      }
    }
    out.println();
    out.println(passed ? "all targets met" : "TARGETS MISSED (see above)");
    return 0;
  }

  // ---------------------------------------------------------------- load

  private boolean load(
      Path dir,
      EmbeddedZooKeeper zooKeeper,
      KafkaBroker kafka,
      MariaDbServer store,
      OpenSearchNode search)
      throws Exception {
    String prefix = "bench.proc-" + run;
    WorkloadResult workload;
    PipelineBenchCommand.Published published;
    try (MariaDbServer source = MariaDbServer.start(ListenerBenchCommand.cachedServerConfig(dir))) {
      workload = ListenerBenchCommand.cachedWorkload(source, dir, changes, out);
      long expected = workload.inserts() + workload.updates() + workload.deletes();
      var counts = new java.util.Properties();
      ListenerBenchCommand.describe(workload, counts);
      out.printf(
          "workload  : %s .. %s on %s%s%n",
          workload.from(),
          workload.to(),
          source.version(),
          ListenerBenchCommand.describeCounts(counts));
      out.flush();
      published =
          PipelineBenchCommand.publish(
              prefix,
              31_000,
              source,
              workload,
              zooKeeper,
              kafka,
              expected,
              (namespace, template, deadLetters) ->
                  PipelineBenchCommand.listenerCommand(
                      "512m", List.of(), zooKeeper, kafka, namespace, template, deadLetters, 100),
              workDir);
    }
    List<String> topics = published.orderTopics();
    long records = published.records();
    out.printf(
        Locale.ROOT,
        "published : %,d order changes into %s (4 topics x 6 partitions) by one listener process"
            + " in %.1f s (not part of the figures); the source is stopped%n",
        records,
        prefix + ".{topup,fuelcard,ticket,gamecard}",
        published.seconds());
    out.println(
        "timed     : from the launch of the process until its consumer group's committed offsets"
            + " reach the topics' ends (JVM start and opening the store included); baseline:"
            + " DecodeOnlyConsumer, a process with the same -Xmx and fetch settings, reads and"
            + " decodes (OrderChangeCodec) every record, writes nowhere, launch to exit");
    out.flush();

    ListenerBenchCommand.Measurement baseline =
        ListenerBenchCommand.runOnce(
            List.of(
                PipelineBenchCommand.java(),
                "-Xmx" + heap,
                "-cp",
                PipelineBenchCommand.jar().toString(),
                DecodeOnlyConsumer.class.getName(),
                kafka.bootstrapServers(),
                String.join(",", topics),
                Integer.toString(maxBatch)),
            "");
    if (baseline.rows() != records) {
      throw new IllegalStateException(
          "the decode-only consumer read " + baseline.rows() + " records of " + records);
    }
    printLoad("(a) decode only (baseline)", baseline.wallSeconds(), records, baseline.peakRssKiB());

    createDatabase(store, "bench_load_" + run);
    LoadRun storeRun =
        loadOnce(
            "store",
            kafka,
            topics,
            storeSection(store, "bench_load_" + run),
            prefix + ".store-dead-letters");
    printLoad(
        "(b) hamal processor -> order store",
        storeRun.seconds(),
        records,
        storeRun.peakRssKiB(),
        storeRun.deadLetters());
    LoadRun indexRun =
        loadOnce(
            "index",
            kafka,
            topics,
            indexSection(search, "bench-load-" + run),
            prefix + ".index-dead-letters");
    printLoad(
        "(c) hamal processor -> search index",
        indexRun.seconds(),
        records,
        indexRun.peakRssKiB(),
        indexRun.deadLetters());

    double storeRate = records / storeRun.seconds();
    double indexRate = records / indexRun.seconds();
    double baseRate = records / baseline.wallSeconds();
    out.printf(
        Locale.ROOT,
        "%nratios    : store / decode-only = %.3f   index / decode-only = %.3f (of the baseline's"
            + " %,.0f changes/s)%n",
        storeRate / baseRate,
        indexRate / baseRate,
        baseRate);
    boolean storeMet = storeRate >= TARGET_STORE_PER_SECOND;
    boolean indexMet = indexRate >= TARGET_INDEX_PER_SECOND;
    out.printf(
        Locale.ROOT,
        "target    : store writer >= %,.0f changes/s: %s (%,.0f)%n",
        TARGET_STORE_PER_SECOND,
        storeMet ? "MET" : "MISSED",
        storeRate);
    out.printf(
        Locale.ROOT,
        "target    : index writer >= %,.0f changes/s: %s (%,.0f)%n",
        TARGET_INDEX_PER_SECOND,
        indexMet ? "MET" : "MISSED",
        indexRate);
    out.flush();
    List<String> all = new ArrayList<>(topics);
    all.add(published.deadLetterTopic());
    PipelineBenchCommand.deleteTopics(kafka, all);
    return storeMet && indexMet;
  }

  private record LoadRun(double seconds, long peakRssKiB, long deadLetters) {}

  private LoadRun loadOnce(
      String sink, KafkaBroker kafka, List<String> topics, String section, String deadLetterTopic)
      throws Exception {
    String groupPrefix = "bench-load-" + run + "-";
    Path config = writeConfig("load-" + sink, kafka, topics, deadLetterTopic, groupPrefix, section);
    Map<TopicPartition, Long> ends = endOffsets(kafka, topics);
    PipelineBenchCommand.ListenerProcess processor = startProcessor(config, "load-" + sink);
    double seconds;
    try {
      seconds = awaitCommitted(kafka, groupPrefix + sink + "-writer", ends, processor);
    } finally {
      processor.terminate(Duration.ofMinutes(1));
    }
    long dead =
        PipelineBenchCommand.recordCounts(kafka, List.of(deadLetterTopic)).get(deadLetterTopic);
    return new LoadRun(seconds, processor.peakRssKiB(), dead);
  }

  private void printLoad(String label, double seconds, long records, long rssKiB) {
    printLoad(label, seconds, records, rssKiB, -1);
  }

  private void printLoad(String label, double seconds, long records, long rssKiB, long dead) {
    out.printf(
        Locale.ROOT,
        "%-38s %9.3f s %12s changes/s  peak RSS %5d MiB%s%n",
        label,
        seconds,
        String.format(Locale.ROOT, "%,.0f", records / seconds),
        rssKiB / 1024,
        dead < 0 ? "" : "  dead-lettered " + dead);
    out.flush();
  }

  /** Seconds from the processor's launch until {@code group} committed every partition's end. */
  private static double awaitCommitted(
      KafkaBroker kafka,
      String group,
      Map<TopicPartition, Long> ends,
      PipelineBenchCommand.ListenerProcess processor)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
    try (Admin admin = PipelineBenchCommand.admin(kafka)) {
      while (System.nanoTime() < deadline) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(60, TimeUnit.SECONDS);
        boolean done = true;
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
          OffsetAndMetadata at = committed.get(end.getKey());
          if (end.getValue() > 0 && (at == null || at.offset() < end.getValue())) {
            done = false;
            break;
          }
        }
        if (done) {
          return (System.nanoTime() - processor.startedNanos()) / 1e9;
        }
        processor.checkAlive();
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException(
        "group "
            + group
            + " did not reach the topics' end within 60 minutes; log "
            + processor.log());
  }

  private static Map<TopicPartition, Long> endOffsets(KafkaBroker kafka, List<String> topics)
      throws Exception {
    try (Admin admin = PipelineBenchCommand.admin(kafka)) {
      Map<String, TopicDescription> described =
          admin.describeTopics(topics).allTopicNames().get(60, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (TopicDescription d : described.values()) {
        d.partitions()
            .forEach(
                p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
      }
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get(60, TimeUnit.SECONDS)
          .forEach((tp, info) -> ends.put(tp, info.offset()));
      return ends;
    }
  }

  // ---------------------------------------------------------------- steady

  private boolean steady(
      EmbeddedZooKeeper zooKeeper, KafkaBroker kafka, MariaDbServer store, OpenSearchNode search)
      throws Exception {
    String database = "bench_steady_" + run;
    String indexPrefix = "bench-steady-" + run;
    createDatabase(store, database);
    try (MariaDbServer source = MariaDbServer.start(PipelineBenchCommand.steadySourceConfig());
        Connection c =
            DriverManager.getConnection(
                PipelineBenchCommand.steadyWriterUrl(source),
                source.adminUser(),
                source.adminPassword());
        OrderStore storeClient =
            OrderStore.open(
                OrderStoreConfig.builder(store.jdbcUrl(database), store.adminUser())
                    .password(store.adminPassword())
                    .poolSize(2)
                    .build());
        OrderIndex indexClient =
            OrderIndex.open(
                OrderIndexConfig.builder(search.httpUri())
                    .indexPrefix(indexPrefix)
                    .refreshInterval(parseRefresh(refreshInterval))
                    .build())) {
      String schema = "bench_topup";
      ProductLines.create(c, ProductLine.TOPUP, schema);
      BinlogPosition start = WorkloadGenerator.binlogPosition(c);
      String namespace = "bench-steady-" + run;
      String prefix = "bench.steady-" + run;
      String template = prefix + ".{line}";
      String deadLetters = prefix + ".dead-letters";
      String topic = template.replace("{line}", "topup");
      List<String> topics = new ArrayList<>();
      for (String line : PipelineBenchCommand.LINES) {
        topics.add(template.replace("{line}", line));
      }
      PipelineBenchCommand.createTopics(
          kafka, List.of(topic, deadLetters), 6, Map.of("message.timestamp.type", "LogAppendTime"));
      out.printf(
          Locale.ROOT,
          "%nsteady    : %,d row changes/s (10 per transaction: 1/4 inserts, 3/4 status updates)"
              + " into %s.tp_order on a fresh %s for %d s after %d s of warm-up -> listener process"
              + " (-Xmx512m, commit-interval 100 ms) -> Kafka -> one hamal processor process with"
              + " the store and the index (-Xmx%s, index refresh-interval %s)%n",
          rate,
          schema,
          source.version(),
          steadySeconds,
          warmupSeconds,
          heap,
          refreshInterval);
      out.printf(
          Locale.ROOT,
          "freshness : every %d-th row change after the warm-up, from the wall-clock time its"
              + " COMMIT returned to the writer until a poller in the benchmark's JVM (findAll every"
              + " 50 ms for the oldest 256 samples pending per store, the time its answer arrived) sees the order at that status or later;"
              + " baseline: when a consumer in the benchmark's JVM received the change from Kafka"
              + " (always polling, fetch.max.wait.ms=5). Same machine, same clock.%n",
          sampleEvery);
      out.flush();
      Path config =
          writeConfig(
              "steady",
              kafka,
              topics,
              prefix + ".processor-dead-letters",
              "bench-steady-" + run + "-",
              storeSection(store, database) + indexSection(search, indexPrefix));
      try (Coordinator coordinator = PipelineBenchCommand.coordinator(zooKeeper, namespace);
          PipelineBenchCommand.LatencyConsumer consumer =
              new PipelineBenchCommand.LatencyConsumer(kafka.bootstrapServers(), topic);
          FreshnessProbe probe = new FreshnessProbe(storeClient, indexClient, clock)) {
        PipelineBenchCommand.addPipe(coordinator, source, start, 41_000);
        PipelineBenchCommand.ListenerProcess listener =
            PipelineBenchCommand.ListenerProcess.start(
                PipelineBenchCommand.listenerCommand(
                    "512m", List.of(), zooKeeper, kafka, namespace, template, deadLetters, 100),
                source.replicationPassword(),
                workDir.resolve("listener-steady.log"));
        PipelineBenchCommand.ListenerProcess processor = null;
        try {
          processor = startProcessor(config, "steady");
          consumer.start();
          probe.start();
          c.setAutoCommit(false);
          SteadyWriter writer =
              new SteadyWriter(
                  c, schema, ProductLine.TOPUP, "topup:", rate, 10, clock, System::nanoTime);
          // one transaction through the whole path first: every process is up and reading
          SteadyWriter.Result first = writer.run(Duration.ofNanos(1));
          for (Map.Entry<String, Long> e : first.commitMicrosByChange().entrySet()) {
            probe.add(e.getKey(), e.getValue(), false);
          }
          if (!probe.awaitDrained(Duration.ofMinutes(3))) {
            throw new IllegalStateException(
                "the first steady transaction was not visible in the store and the index within"
                    + " 3 minutes; logs in "
                    + workDir);
          }
          listener.checkAlive();
          processor.checkAlive();
          long measuredFrom = SteadyWriter.micros(clock.instant()) + warmupSeconds * 1_000_000L;
          long[] n = {0};
          SteadyWriter.Result written =
              writer.run(
                  Duration.ofSeconds(warmupSeconds + steadySeconds),
                  (key, micros) -> {
                    if (micros >= measuredFrom && n[0]++ % sampleEvery == 0) {
                      probe.add(key, micros, true);
                    }
                  });
          boolean drained = probe.awaitDrained(Duration.ofSeconds(60));
          consumer.awaitAll(probe.sampled().keySet(), Duration.ofSeconds(10));
          listener.checkAlive();
          processor.checkAlive();
          return report(written, probe, consumer, listener, processor, drained);
        } finally {
          if (processor != null) {
            processor.terminate(Duration.ofMinutes(1));
          }
          listener.stop(Duration.ofMinutes(1));
        }
      }
    }
  }

  private boolean report(
      SteadyWriter.Result written,
      FreshnessProbe probe,
      PipelineBenchCommand.LatencyConsumer consumer,
      PipelineBenchCommand.ListenerProcess listener,
      PipelineBenchCommand.ListenerProcess processor,
      boolean drained)
      throws InterruptedException {
    processor.terminate(Duration.ofMinutes(1)); // its peak RSS is final
    Map<String, Long> sampled = probe.sampled();
    long[] store = sorted(probe.storeMicros());
    long[] index = sorted(probe.indexMicros());
    List<Long> kafka = new ArrayList<>();
    for (Map.Entry<String, Long> e : sampled.entrySet()) {
      long[] arrival = consumer.arrivals().get(e.getKey());
      if (arrival != null) {
        kafka.add(arrival[0] - e.getValue());
      }
    }
    long[] queue = sorted(kafka);
    double seconds = written.elapsed().toNanos() / 1e9;
    double achieved = written.rows() / seconds;
    out.printf(
        Locale.ROOT,
        "written   : %,d row changes in %.1f s (%,.0f rows/s), writer at most %d ms behind"
            + " schedule; %,d samples: %,d seen in the store, %,d in the index, %,d received from"
            + " Kafka%s; %d probe queries unavailable; peak RSS processor %d MiB, listener %d"
            + " MiB%n",
        written.rows(),
        seconds,
        achieved,
        written.maxBehind().toMillis(),
        sampled.size(),
        store.length,
        index.length,
        queue.length,
        drained ? "" : " (NOT ALL SEEN within 60 s of the end)",
        probe.unavailable(),
        processor.peakRssKiB() / 1024,
        listener.peakRssKiB() / 1024);
    out.printf("%-46s %9s %9s %9s %9s%n", "freshness (ms)", "p50", "p99", "p99.9", "max");
    printFreshness("(a) commit -> received from Kafka (baseline)", queue);
    printFreshness("(b) commit -> visible in the order store", store);
    printFreshness("(c) commit -> visible in search", index);
    if (queue.length > 0 && store.length > 0 && index.length > 0) {
      out.printf(
          Locale.ROOT,
          "ratios    : p99 store / Kafka = %.2f   p99 search / Kafka = %.2f%n",
          (double) PipelineBenchCommand.percentile(store, 0.99)
              / PipelineBenchCommand.percentile(queue, 0.99),
          (double) PipelineBenchCommand.percentile(index, 0.99)
              / PipelineBenchCommand.percentile(queue, 0.99));
    }
    boolean rateHeld = achieved >= 0.95 * rate;
    double p99 =
        index.length == 0 ? Double.NaN : PipelineBenchCommand.percentile(index, 0.99) / 1000.0;
    boolean met =
        rateHeld && drained && index.length == sampled.size() && p99 <= TARGET_SEARCH_P99_MILLIS;
    out.printf(
        Locale.ROOT,
        "target    : p99 commit -> visible in search <= %,.0f ms under %,d rows/s: %s%s%n",
        TARGET_SEARCH_P99_MILLIS,
        rate,
        met ? "MET" : "MISSED",
        rateHeld
            ? ""
            : String.format(
                Locale.ROOT,
                " (and not measured at the target rate: the writer reached %,.0f rows/s)",
                achieved));
    out.flush();
    return met;
  }

  private void printFreshness(String label, long[] sortedMicros) {
    if (sortedMicros.length == 0) {
      out.printf("%-46s %9s%n", label, "-");
      return;
    }
    out.printf(
        Locale.ROOT,
        "%-46s %9.1f %9.1f %9.1f %9.1f%n",
        label,
        PipelineBenchCommand.percentile(sortedMicros, 0.50) / 1000.0,
        PipelineBenchCommand.percentile(sortedMicros, 0.99) / 1000.0,
        PipelineBenchCommand.percentile(sortedMicros, 0.999) / 1000.0,
        sortedMicros[sortedMicros.length - 1] / 1000.0);
  }

  private static long[] sorted(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).sorted().toArray();
  }

  /**
   * Polls the store and the index for sampled row changes: every 50 ms, one {@code findAll} per
   * store for the oldest {@value #MAX_QUERY} samples still pending there (bounded, so that a
   * backlog does not make the probe itself the stores' main load); a sample is seen when the
   * order's status is the sample's or a later one, and its freshness is the time the answer arrived
   * minus the commit time. One thread; {@link #add} may be called from any thread. A failed query
   * ends the thread and is rethrown by {@link #awaitDrained}.
   */
  static final class FreshnessProbe implements AutoCloseable {
    /** Samples asked for per store and round, the oldest first. */
    static final int MAX_QUERY = 256;

    private record Sample(String key, String orderId, int rank, long commitMicros, boolean timed) {}

    private final OrderLookup store;
    private final OrderLookup index;
    private final Clock clock;
    private final ConcurrentLinkedQueue<Sample> incoming = new ConcurrentLinkedQueue<>();
    private final Map<String, Long> sampled = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Long> storeMicros =
        java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Long> indexMicros =
        java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong unavailable = new AtomicLong();
    private final Thread thread;
    private volatile int pending;
    private volatile Throwable failure;

    FreshnessProbe(OrderLookup store, OrderLookup index, Clock clock) {
      this.store = store;
      this.index = index;
      this.clock = clock;
      this.thread = new Thread(this::loop, "bench-freshness-probe");
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    /** A change to look for; {@code timed} ones are reported, the others only awaited. */
    void add(String key, long commitMicros, boolean timed) {
      String orderId = key.substring(0, key.lastIndexOf('|'));
      int rank = STATUS_ORDER.indexOf(key.substring(key.lastIndexOf('|') + 1));
      if (timed) {
        sampled.put(key, commitMicros);
      }
      pending++;
      incoming.add(new Sample(key, orderId, rank, commitMicros, timed));
    }

    Map<String, Long> sampled() {
      return sampled;
    }

    /** Queries that failed as unavailable (the round was skipped for that store). */
    long unavailable() {
      return unavailable.get();
    }

    List<Long> storeMicros() {
      return List.copyOf(storeMicros);
    }

    List<Long> indexMicros() {
      return List.copyOf(indexMicros);
    }

    /** Whether every sample added so far was seen in both stores within {@code timeout}. */
    boolean awaitDrained(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (failure != null) {
          throw new IllegalStateException("the freshness probe failed", failure);
        }
        if (pending == 0 && incoming.isEmpty()) {
          return true;
        }
        Thread.sleep(50);
      }
      return false;
    }

    private void loop() {
      List<Sample> inStore = new ArrayList<>();
      List<Sample> inIndex = new ArrayList<>();
      try {
        while (running.get()) {
          for (Sample s; (s = incoming.poll()) != null; ) {
            inStore.add(s);
            inIndex.add(s);
          }
          check(store, inStore, storeMicros);
          check(index, inIndex, indexMicros);
          Set<String> left = new HashSet<>();
          inStore.forEach(s -> left.add(s.key()));
          inIndex.forEach(s -> left.add(s.key()));
          pending = left.size() + incoming.size();
          Thread.sleep(50);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Throwable e) {
        failure = e;
      }
    }

    private void check(OrderLookup lookup, List<Sample> waiting, List<Long> into) {
      if (waiting.isEmpty()) {
        return;
      }
      // the oldest samples only: a backlog must not turn the probe into the store's main load
      List<Sample> oldest = waiting.subList(0, Math.min(MAX_QUERY, waiting.size()));
      Set<String> ids = new HashSet<>();
      oldest.forEach(s -> ids.add(s.orderId()));
      Map<String, StoredOrder> found;
      try {
        found = lookup.findAll(ids);
      } catch (OrderSinkUnavailableException e) {
        unavailable.incrementAndGet(); // e.g. a new index whose shard is not allocated yet
        return;
      }
      long now = SteadyWriter.micros(clock.instant());
      for (Iterator<Sample> it = oldest.iterator(); it.hasNext(); ) {
        Sample s = it.next();
        StoredOrder order = found.get(s.orderId());
        if (order != null && STATUS_ORDER.indexOf(order.order().status().name()) >= s.rank()) {
          if (s.timed()) {
            into.add(now - s.commitMicros());
          }
          it.remove();
        }
      }
    }

    @Override
    public void close() {
      running.set(false);
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---------------------------------------------------------------- processor processes

  private PipelineBenchCommand.ListenerProcess startProcessor(Path config, String name)
      throws Exception {
    List<String> command =
        List.of(
            PipelineBenchCommand.java(),
            "-Xmx" + heap,
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            PipelineBenchCommand.jar().toString(),
            "dev.hamal.app.Main",
            "processor",
            "--config",
            config.toString());
    return PipelineBenchCommand.ListenerProcess.start(
        command, storePassword, workDir.resolve("processor-" + name + ".log"));
  }

  private String storeSection(MariaDbServer store, String database) {
    storePassword = store.adminPassword();
    return String.format(
        Locale.ROOT,
        "store:%n  shards: '%s'%n  user: '%s'%n  password: env:%s%n  pool-size: 8%n"
            + "  batch-size: 1000%n",
        store.jdbcUrl(database),
        store.adminUser(),
        PipelineBenchCommand.PASSWORD_VARIABLE);
  }

  private String indexSection(OpenSearchNode search, String indexPrefix) {
    return String.format(
        Locale.ROOT,
        "index:%n  hosts: '%s'%n  index-prefix: %s%n  refresh-interval: %s%n  shards: 1%n"
            + "  replicas: 0%n",
        search.httpUri(),
        indexPrefix,
        refreshInterval);
  }

  private Path writeConfig(
      String name,
      KafkaBroker kafka,
      List<String> topics,
      String deadLetterTopic,
      String groupPrefix,
      String sections)
      throws IOException {
    StringBuilder pattern = new StringBuilder();
    for (String topic : topics) {
      pattern.append(pattern.isEmpty() ? "" : "|").append(Pattern.quote(topic));
    }
    String yaml =
        String.format(
                Locale.ROOT,
                "kafka:%n  bootstrap-servers: '%s'%n  topic-pattern: '%s'%n"
                    + "  dead-letter-topic: %s%n  group-prefix: %s%nbusiness-lines: '%s'%n"
                    + "processor:%n  max-batch: %d%n  consumers-per-sink: 1%n"
                    + "  metrics:%n    port: 0%n",
                kafka.bootstrapServers(),
                pattern.toString().replace("'", "''"),
                deadLetterTopic,
                groupPrefix,
                businessLines,
                maxBatch)
            + sections;
    Path file = workDir.resolve("processor-" + name + ".yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  private static Path writeBusinessLines(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String resource : PipelineListener.LINE_RESOURCES) {
      try (InputStream in =
          ProcessingBenchCommand.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IOException("missing class-path resource " + resource);
        }
        Files.copy(in, dir.resolve(Path.of(resource).getFileName()));
      }
    }
    return dir;
  }

  private static void createDatabase(MariaDbServer server, String database) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                server.jdbcUrl(""), server.adminUser(), server.adminPassword());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE `" + database + "`");
    }
  }

  private static Duration parseRefresh(String text) {
    var m = Pattern.compile("(\\d+)(ms|s)").matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "--refresh-interval must be a number followed by ms or s, was '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return m.group(2).equals("ms") ? Duration.ofMillis(n) : Duration.ofSeconds(n);
  }
}
