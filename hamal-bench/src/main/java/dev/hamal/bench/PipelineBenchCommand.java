package dev.hamal.bench;

import dev.hamal.app.ProductLine;
import dev.hamal.app.ProductLines;
import dev.hamal.binlog.BinlogPosition;
import dev.hamal.coordination.Coordinator;
import dev.hamal.coordination.CoordinatorConfig;
import dev.hamal.coordination.PipeDefinition;
import dev.hamal.coordination.PipePosition;
import dev.hamal.coordination.StartPosition;
import dev.hamal.embedded.EmbeddedZooKeeper;
import dev.hamal.embedded.EmbeddedZooKeeperConfig;
import dev.hamal.embedded.KafkaBroker;
import dev.hamal.embedded.KafkaBrokerConfig;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.MariaDbServerConfig;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChangeCodec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hamal bench pipeline}: the whole listener path, binlog to Kafka-acknowledged with the
 * position committed in ZooKeeper, on one machine.
 *
 * <p><b>Catch-up.</b> Embedded ZooKeeper (in this JVM), an embedded Kafka broker (its own JVM) and
 * the cached MariaDB 10.11 holding the workload of {@code bench generate}. Each run adds a pipe
 * starting at the workload's first position under a fresh ZooKeeper namespace, with fresh topics,
 * and starts one {@link PipelineListener} process ({@code -Xmx}{@code --heap}); the run's time is
 * from that process's launch until the position committed in ZooKeeper reaches the workload's end.
 * Then the listener is stopped, the records in the topics are counted (they must be exactly the
 * workload's row changes, no dead letters) and the topics deleted. In the same run, alternating,
 * the decode-only baseline: {@code hamal catchup} over the same range, as its own process with the
 * same heap cap, timed from launch to exit.
 *
 * <p><b>Steady.</b> A second, temporary MariaDB 10.11 with a copy of the topup line's tables; a
 * pipe from its current end, one listener process; a {@link SteadyWriter} writes orders at a fixed
 * rate, recording each change's commit time (when {@code COMMIT} returned), and a consumer in this
 * JVM reads the topic. The latency of a change runs from its commit to its acknowledgement: the
 * topic is created with {@code message.timestamp.type=LogAppendTime}, so each record carries the
 * time the broker appended it, which with one broker and {@code acks=all} is when the broker
 * answers the producer (the producer's callback runs in the listener process and cannot be seen
 * from here without changing the listener). When the consumer received the change is reported too:
 * what a downstream processor sees.
 *
 * <p>Threads: the calling thread runs everything but the steady phase's consumer (one thread) and
 * the RSS samplers. Failures of a child process are thrown with the tail of its log.
 */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description =
        "Catch-up binlog -> Kafka (acknowledged, position committed in ZooKeeper) of the generated"
            + " workload against decode-only, and commit-to-acknowledged latency under steady load.")
final class PipelineBenchCommand implements Callable<Integer> {
  private static final double TARGET_ROWS_PER_SECOND = 250_000;
  private static final double TARGET_P99_MILLIS = 250;
  static final String PASSWORD_VARIABLE = "HAMAL_BENCH_PASSWORD";
  static final List<String> LINES = List.of("topup", "fuelcard", "ticket", "gamecard");

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Embedded MariaDB's data and the workload manifest, kept between runs (default"
              + " ~/.cache/hamal/bench, shared with 'bench listener').")
  Path dataDir;

  @Option(
      names = "--rows",
      defaultValue = "2000000",
      description = "Row changes of the generated workload (default 2000000).")
  long rows;

  @Option(names = "--runs", defaultValue = "3", description = "Catch-up runs each (default 3).")
  int runs;

  @Option(
      names = "--heap",
      defaultValue = "512m",
      description = "-Xmx of the listener and of hamal catchup (default 512m).")
  String heap;

  @Option(
      names = "--broker-heap",
      defaultValue = "1024",
      description = "-Xmx of the Kafka broker in MiB (default 1024).")
  int brokerHeapMegabytes;

  @Option(
      names = "--commit-interval",
      defaultValue = "100",
      description =
          "Listener's commit-interval in ms (default 100; the product's default is 1000).")
  long commitIntervalMillis;

  @Option(
      names = "--phases",
      defaultValue = "catchup,steady",
      split = ",",
      description = "Which phases to run: catchup, steady (default both).")
  List<String> phases;

  @Option(
      names = "--steady-rate",
      defaultValue = "5000",
      description = "Row changes per second of the steady phase (default 5000).")
  int steadyRate;

  @Option(
      names = "--steady-seconds",
      defaultValue = "30",
      description = "Measured seconds of the steady phase (default 30).")
  int steadySeconds;

  @Option(
      names = "--warmup-seconds",
      defaultValue = "5",
      description = "Seconds written before the steady measurement starts (default 5).")
  int warmupSeconds;

  @Option(
      names = "--rows-per-transaction",
      defaultValue = "10",
      description = "Row changes per transaction of the steady phase (default 10).")
  int rowsPerTransaction;

  @Option(
      names = "--listener-jvm-option",
      paramLabel = "OPTION",
      description =
          "Extra JVM option of the listener processes (repeatable), e.g."
              + " -XX:StartFlightRecording=filename=listener.jfr.")
  List<String> listenerJvmOptions = new ArrayList<>();

  private final PrintStream out = System.out;
  private final Clock clock = Clock.systemUTC();
  private Path workDir;
  private int sequence;

  @Override
  public Integer call() throws Exception {
    for (String phase : phases) {
      if (!phase.equals("catchup") && !phase.equals("steady")) {
        throw new IllegalArgumentException("--phases: unknown phase '" + phase + "'");
      }
    }
    if (runs < 1 || runs > 100) {
      throw new IllegalArgumentException("--runs must be 1..100, was " + runs);
    }
    Path dir = dataDir != null ? dataDir : ListenerBenchCommand.defaultDataDir();
    workDir = Files.createTempDirectory("hamal-bench-pipeline");
    out.println("hamal bench pipeline");
    out.println("machine   : " + ListenerBenchCommand.Machine.describe());
    boolean passed = true;
    try (EmbeddedZooKeeper zooKeeper =
            EmbeddedZooKeeper.start(EmbeddedZooKeeperConfig.builder().build());
        KafkaBroker kafka =
            KafkaBroker.start(
                KafkaBrokerConfig.builder()
                    .maxHeapMegabytes(brokerHeapMegabytes)
                    .partitions(6)
                    .build())) {
      out.printf(
          "servers   : ZooKeeper %s (in the benchmark's JVM), Kafka %s (own JVM, -Xmx%dm,"
              + " 1 broker, acks=all), listener logs in %s%n",
          zooKeeper.connectString(), kafka.version(), brokerHeapMegabytes, workDir);
      if (phases.contains("catchup")) {
        passed &= catchUp(dir, zooKeeper, kafka);
      }
      if (phases.contains("steady")) {
        passed &= steady(zooKeeper, kafka);
      }
    }
    out.println();
    out.println(passed ? "all targets met" : "TARGETS MISSED (see above)");
    return 0;
  }

  // ---------------------------------------------------------------- catch-up

  private boolean catchUp(Path dir, EmbeddedZooKeeper zooKeeper, KafkaBroker kafka)
      throws Exception {
    try (MariaDbServer server = MariaDbServer.start(ListenerBenchCommand.cachedServerConfig(dir))) {
      WorkloadResult workload = ListenerBenchCommand.cachedWorkload(server, dir, rows, out);
      long expectedRecords = workload.inserts() + workload.updates() + workload.deletes();
      String serverVersion;
      long rangeBytes;
      List<String> files = new ArrayList<>();
      try (Connection c =
              DriverManager.getConnection(
                  server.jdbcUrl(""), server.adminUser(), server.adminPassword());
          Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT VERSION()")) {
          rs.next();
          serverVersion = rs.getString(1);
        }
        rangeBytes = ListenerBenchCommand.rangeBytes(s, workload.from(), workload.to(), files);
      }
      var counts = new java.util.Properties();
      ListenerBenchCommand.describe(workload, counts);
      out.println("source    : " + server.host() + ":" + server.port() + " " + serverVersion);
      out.printf(
          "workload  : %s .. %s, %,d binlog bytes in %d file(s)%s%n",
          workload.from(),
          workload.to(),
          rangeBytes,
          files.size(),
          ListenerBenchCommand.describeCounts(counts));
      out.printf(
          "mapping   : business lines topup, fuelcard, ticket, gamecard (hamal-bench"
              + " bench/business-lines/*.yaml), every row change -> one record%n");
      out.printf(
          "runs      : %d each, alternating, median reported; Java processes with -Xmx%s;"
              + " listener commit-interval %d ms; pipeline time = launch of the listener process"
              + " until ZooKeeper holds a position >= the workload's end%n%n",
          runs, heap, commitIntervalMillis);
      out.flush();

      Path jar = jar();
      List<String> baseline =
          List.of(
              java(),
              "-Xmx" + heap,
              "-cp",
              jar.toString(),
              "dev.hamal.app.Main",
              "catchup",
              "--source",
              "mysql://" + server.host() + ":" + server.port(),
              "--user",
              server.adminUser(),
              "--password-env",
              PASSWORD_VARIABLE,
              "--from",
              workload.from().toString(),
              "--to",
              workload.to().toString());
      List<Double> pipelineSeconds = new ArrayList<>();
      List<Double> baselineSeconds = new ArrayList<>();
      long pipelineRss = 0;
      long baselineRss = 0;
      for (int run = 1; run <= runs; run++) {
        boolean baselineFirst = run % 2 == 1;
        for (int turn = 0; turn < 2; turn++) {
          if ((turn == 0) == baselineFirst) {
            ListenerBenchCommand.Measurement m =
                ListenerBenchCommand.runOnce(baseline, server.adminPassword());
            baselineSeconds.add(m.wallSeconds());
            baselineRss = Math.max(baselineRss, m.peakRssKiB());
            out.printf(
                Locale.ROOT,
                "run %d %-34s %8.3f s  %10s rows/s  peak RSS %4d MiB  %s%n",
                run,
                "(a) hamal catchup (decode only)",
                m.wallSeconds(),
                String.format(Locale.ROOT, "%,.0f", m.rows() / m.wallSeconds()),
                m.peakRssKiB() / 1024,
                m.result());
          } else {
            PipelineRun p = pipelineOnce(run, server, workload, zooKeeper, kafka, expectedRecords);
            pipelineSeconds.add(p.seconds());
            pipelineRss = Math.max(pipelineRss, p.peakRssKiB());
            out.printf(
                Locale.ROOT,
                "run %d %-34s %8.3f s  %10s rows/s  peak RSS %4d MiB  records=%d dead-letters=%d%n",
                run,
                "(b) hamal pipeline to Kafka + ZK",
                p.seconds(),
                String.format(Locale.ROOT, "%,.0f", expectedRecords / p.seconds()),
                p.peakRssKiB() / 1024,
                p.records(),
                p.deadLetters());
          }
          out.flush();
        }
      }
      double pipeline = median(pipelineSeconds);
      double base = median(baselineSeconds);
      double rowsPerSecond = expectedRecords / pipeline;
      out.println();
      out.printf(
          "%-38s %9s %8s %8s %12s %14s %9s%n",
          "contender", "median s", "min s", "max s", "rows/s", "binlog MB/s", "peak RSS");
      printRow(
          "(a) hamal catchup (decode only)",
          baselineSeconds,
          expectedRecords,
          rangeBytes,
          baselineRss);
      printRow(
          "(b) hamal pipeline (Kafka acked, ZK)",
          pipelineSeconds,
          expectedRecords,
          rangeBytes,
          pipelineRss);
      boolean met = rowsPerSecond >= TARGET_ROWS_PER_SECOND;
      out.printf(
          Locale.ROOT,
          "%ncatch-up  : %,.0f rows/s, %,.1f MB/s of binlog; pipeline / decode-only time = %.2f"
              + " (decode-only is %.2fx as fast)%n",
          rowsPerSecond,
          rangeBytes / pipeline / 1e6,
          pipeline / base,
          pipeline / base);
      out.printf(
          Locale.ROOT,
          "target    : >= %,.0f rows/s catch-up: %s%n",
          TARGET_ROWS_PER_SECOND,
          met ? "MET" : "MISSED");
      out.flush();
      return met;
    }
  }

  private void printRow(
      String label, List<Double> seconds, long records, long bytes, long peakRssKiB) {
    double median = median(seconds);
    out.printf(
        Locale.ROOT,
        "%-38s %9.3f %8.3f %8.3f %12s %14.1f %5d MiB%n",
        label,
        median,
        seconds.stream().mapToDouble(Double::doubleValue).min().orElse(0),
        seconds.stream().mapToDouble(Double::doubleValue).max().orElse(0),
        String.format(Locale.ROOT, "%,.0f", records / median),
        bytes / median / 1e6,
        peakRssKiB / 1024);
  }

  private record PipelineRun(double seconds, long peakRssKiB, long records, long deadLetters) {}

  private PipelineRun pipelineOnce(
      int run,
      MariaDbServer server,
      WorkloadResult workload,
      EmbeddedZooKeeper zooKeeper,
      KafkaBroker kafka,
      long expectedRecords)
      throws Exception {
    String prefix = "bench.r" + run + "-" + UUID.randomUUID().toString().substring(0, 6);
    Published p =
        publish(
            prefix,
            30_000 + run,
            server,
            workload,
            zooKeeper,
            kafka,
            expectedRecords,
            (namespace, template, deadLetters) ->
                command(zooKeeper, kafka, namespace, template, deadLetters),
            workDir);
    List<String> topics = new ArrayList<>(p.orderTopics());
    topics.add(p.deadLetterTopic());
    deleteTopics(kafka, topics);
    return new PipelineRun(p.seconds(), p.peakRssKiB(), p.records(), 0);
  }

  /** Builds a listener process's command line for a namespace, topic template and DLQ topic. */
  @FunctionalInterface
  interface ListenerCommand {
    List<String> build(String namespace, String template, String deadLetters) throws Exception;
  }

  /**
   * The workload published by one listener process into fresh topics {@code <prefix>.<line>}.
   *
   * @param seconds from the listener's launch until ZooKeeper held the workload's end
   * @param orderTopics the business lines' topics, holding exactly the workload's row changes
   * @param deadLetterTopic the listener's dead-letter topic (empty)
   */
  record Published(
      double seconds,
      long peakRssKiB,
      long records,
      List<String> orderTopics,
      String deadLetterTopic) {}

  /**
   * Publishes the workload with one listener process into fresh topics named after {@code prefix}
   * under a fresh ZooKeeper namespace, stops the listener and checks that the topics hold exactly
   * {@code expectedRecords} order records and no dead letters. The topics are left to the caller.
   */
  static Published publish(
      String prefix,
      long serverId,
      MariaDbServer server,
      WorkloadResult workload,
      EmbeddedZooKeeper zooKeeper,
      KafkaBroker kafka,
      long expectedRecords,
      ListenerCommand command,
      Path logDir)
      throws Exception {
    String namespace = prefix.replace('.', '-');
    String template = prefix + ".{line}";
    String deadLetters = prefix + ".dead-letters";
    List<String> orderTopics = new ArrayList<>();
    for (String line : LINES) {
      orderTopics.add(template.replace("{line}", line));
    }
    List<String> topics = new ArrayList<>(orderTopics);
    topics.add(deadLetters);
    try (Coordinator coordinator = coordinator(zooKeeper, namespace)) {
      addPipe(coordinator, server, workload.from(), serverId);
      ListenerProcess listener =
          ListenerProcess.start(
              command.build(namespace, template, deadLetters),
              server.replicationPassword(),
              logDir.resolve("listener-" + prefix + ".log"));
      double seconds;
      try {
        seconds = awaitPosition(coordinator, workload.to(), listener, Duration.ofMinutes(30));
      } finally {
        listener.stop(Duration.ofMinutes(2));
      }
      Map<String, Long> records = recordCounts(kafka, topics);
      long published = 0;
      for (String topic : orderTopics) {
        published += records.get(topic);
      }
      long dead = records.get(deadLetters);
      if (published != expectedRecords || dead != 0) {
        throw new IllegalStateException(
            "the pipeline published "
                + published
                + " order records and "
                + dead
                + " dead letters; the workload has "
                + expectedRecords
                + " row changes (listener log: "
                + listener.log()
                + ")");
      }
      return new Published(
          seconds, listener.peakRssKiB(), published, List.copyOf(orderTopics), deadLetters);
    }
  }

  /** Seconds from the listener's launch until the committed position reaches {@code end}. */
  private static double awaitPosition(
      Coordinator coordinator, BinlogPosition end, ListenerProcess listener, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<PipePosition> committed = coordinator.positions().read(PipelineListener.PIPE);
      if (committed.isPresent()
          && new BinlogPosition(committed.get().file(), committed.get().position()).compareTo(end)
              >= 0) {
        return (System.nanoTime() - listener.startedNanos()) / 1e9;
      }
      listener.checkAlive();
      Thread.sleep(10);
    }
    throw new IllegalStateException(
        "the pipe did not commit " + end + " within " + timeout + "; log " + listener.log());
  }

  // ---------------------------------------------------------------- steady

  private boolean steady(EmbeddedZooKeeper zooKeeper, KafkaBroker kafka) throws Exception {
    try (MariaDbServer server = MariaDbServer.start(steadySourceConfig())) {
      String schema = "bench_topup";
      try (Connection c =
          DriverManager.getConnection(
              steadyWriterUrl(server), server.adminUser(), server.adminPassword())) {
        ProductLines.create(c, ProductLine.TOPUP, schema);
        BinlogPosition start = WorkloadGenerator.binlogPosition(c);
        String namespace = "bench-steady-" + UUID.randomUUID().toString().substring(0, 6);
        String template = namespace.replace('-', '.') + ".{line}";
        String deadLetters = namespace.replace('-', '.') + ".dead-letters";
        String topic = template.replace("{line}", "topup");
        // the broker stamps each record with the time it appended it: with one broker and
        // acks=all that is when it acknowledges the record to the producer
        createTopics(
            kafka,
            List.of(topic, deadLetters),
            6,
            Map.of("message.timestamp.type", "LogAppendTime"));
        out.printf(
            Locale.ROOT,
            "%nsteady    : %,d row changes/s (%d per transaction: 1/4 inserts, 3/4 status"
                + " updates) into %s.tp_order on a fresh %s for %d s after %d s of warm-up;"
                + " listener -Xmx%s, commit-interval %d ms%n",
            steadyRate,
            rowsPerTransaction,
            schema,
            server.version(),
            steadySeconds,
            warmupSeconds,
            heap,
            commitIntervalMillis);
        out.println(
            "latency   : per row change, from the wall-clock time its COMMIT returned to the"
                + " writer, to (1) the record's LogAppendTime: when the broker appended it, which"
                + " with one broker and acks=all is when it acknowledges it to the listener's"
                + " producer (ms resolution) and (2) when a consumer in the benchmark's JVM"
                + " received it (always polling, fetch.max.wait.ms=5). Same machine, same clock.");
        out.flush();
        try (Coordinator coordinator = coordinator(zooKeeper, namespace);
            LatencyConsumer consumer = new LatencyConsumer(kafka.bootstrapServers(), topic)) {
          addPipe(coordinator, server, start, 40_000);
          ListenerProcess listener =
              ListenerProcess.start(
                  command(zooKeeper, kafka, namespace, template, deadLetters),
                  server.replicationPassword(),
                  workDir.resolve("listener-" + namespace + ".log"));
          consumer.start();
          SteadyWriter.Result written;
          long measuredFrom;
          try {
            c.setAutoCommit(false);
            SteadyWriter writer =
                new SteadyWriter(
                    c,
                    schema,
                    ProductLine.TOPUP,
                    "topup:",
                    steadyRate,
                    rowsPerTransaction,
                    clock,
                    System::nanoTime);
            // one transaction through the pipe first: the listener has started, the topic is read
            SteadyWriter.Result probe = writer.run(Duration.ofNanos(1));
            if (!consumer.awaitAll(probe.commitMicrosByChange().keySet(), Duration.ofMinutes(2))) {
              throw new IllegalStateException(
                  "the first steady transaction did not arrive in Kafka within 2 minutes; log "
                      + listener.log());
            }
            listener.checkAlive();
            measuredFrom = SteadyWriter.micros(clock.instant()) + warmupSeconds * 1_000_000L;
            written = writer.run(Duration.ofSeconds(warmupSeconds + steadySeconds));
            consumer.awaitAll(written.commitMicrosByChange().keySet(), Duration.ofSeconds(60));
            listener.checkAlive();
          } finally {
            listener.stop(Duration.ofMinutes(1));
          }
          return report(written, measuredFrom, consumer, listener);
        }
      }
    }
  }

  /** The steady phase's source: a fresh, temporary MariaDB 10.11. */
  static MariaDbServerConfig steadySourceConfig() {
    return MariaDbServerConfig.builder(MariaDbServer.Distribution.SYSTEM)
        .serverId(43)
        .serverArgs(List.of("--innodb-buffer-pool-size=256M"))
        .build();
  }

  /** The JDBC URL of the {@link SteadyWriter}'s connection to the steady source. */
  static String steadyWriterUrl(MariaDbServer server) {
    return server.jdbcUrl("")
        + (server.jdbcUrl("").contains("?") ? "&" : "?")
        + "useServerPrepStmts=false&cachePrepStmts=false&useAffectedRows=true";
  }

  private boolean report(
      SteadyWriter.Result written,
      long measuredFrom,
      LatencyConsumer consumer,
      ListenerProcess listener) {
    List<Long> received = new ArrayList<>();
    List<Long> created = new ArrayList<>();
    long missing = 0;
    for (Map.Entry<String, Long> e : written.commitMicrosByChange().entrySet()) {
      long committed = e.getValue();
      if (committed < measuredFrom) {
        continue;
      }
      long[] arrival = consumer.arrivals().get(e.getKey());
      if (arrival == null) {
        missing++;
        continue;
      }
      received.add(arrival[0] - committed);
      created.add(arrival[1] * 1000 - committed);
    }
    long[] r = received.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] k = created.stream().mapToLong(Long::longValue).sorted().toArray();
    double seconds = written.elapsed().toNanos() / 1e9;
    out.printf(
        Locale.ROOT,
        "written   : %,d row changes in %,d transactions in %.1f s (%,.0f rows/s), writer at most"
            + " %d ms behind schedule; %,d measured (after warm-up), %d not received; listener"
            + " peak RSS %d MiB, %d duplicate records%n",
        written.rows(),
        written.transactions(),
        seconds,
        written.rows() / seconds,
        written.maxBehind().toMillis(),
        r.length,
        missing,
        listener.peakRssKiB() / 1024,
        consumer.duplicates());
    out.printf("%-44s %9s %9s %9s %9s%n", "latency (ms)", "p50", "p99", "p99.9", "max");
    printLatency("(1) commit -> acknowledged (LogAppendTime)", k);
    printLatency("(2) commit -> received by a consumer", r);
    double p99 = k.length == 0 ? Double.NaN : percentile(k, 0.99) / 1000.0;
    boolean rateHeld = written.rows() / seconds >= 0.95 * steadyRate;
    boolean met = rateHeld && missing == 0 && k.length > 0 && p99 <= TARGET_P99_MILLIS;
    out.printf(
        Locale.ROOT,
        "target    : p99 commit -> acknowledged <= %.0f ms under %,d rows/s: %s%s%n",
        TARGET_P99_MILLIS,
        steadyRate,
        met ? "MET" : "MISSED",
        rateHeld
            ? ""
            : String.format(
                Locale.ROOT,
                " (and not measured at the target rate: the writer reached %,.0f rows/s)",
                written.rows() / seconds));
    return met;
  }

  private void printLatency(String label, long[] sortedMicros) {
    if (sortedMicros.length == 0) {
      out.printf("%-44s %9s%n", label, "-");
      return;
    }
    out.printf(
        Locale.ROOT,
        "%-44s %9.1f %9.1f %9.1f %9.1f%n",
        label,
        percentile(sortedMicros, 0.50) / 1000.0,
        percentile(sortedMicros, 0.99) / 1000.0,
        percentile(sortedMicros, 0.999) / 1000.0,
        sortedMicros[sortedMicros.length - 1] / 1000.0);
  }

  /** Nearest-rank percentile of sorted values. */
  static long percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /**
   * Reads one topic from its beginning, always polling, and records for every order change the time
   * it arrived and the broker's append time, keyed by {@link SteadyWriter#changeKey}. One thread.
   */
  static final class LatencyConsumer implements AutoCloseable {
    private final String bootstrapServers;
    private final String topic;
    private final Map<String, long[]> arrivals = new ConcurrentHashMap<>();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Clock clock = Clock.systemUTC();
    private final Thread thread;
    private volatile Throwable failure;

    LatencyConsumer(String bootstrapServers, String topic) {
      this.bootstrapServers = bootstrapServers;
      this.topic = topic;
      this.thread = new Thread(this::loop, "bench-latency-consumer");
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    Map<String, long[]> arrivals() {
      return arrivals;
    }

    long duplicates() {
      return duplicates.get();
    }

    /** Whether every change of {@code keys} arrived within {@code timeout}. */
    boolean awaitAll(java.util.Set<String> keys, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (failure != null) {
          throw new IllegalStateException("the latency consumer failed", failure);
        }
        if (arrivals.keySet().containsAll(keys)) {
          return true;
        }
        Thread.sleep(50);
      }
      return false;
    }

    private void loop() {
      Map<String, Object> settings = new HashMap<>();
      settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      settings.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
      settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      OrderChangeCodec codec = new OrderChangeCodec();
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        List<TopicPartition> partitions = new ArrayList<>();
        consumer
            .partitionsFor(topic)
            .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        while (running.get()) {
          var records = consumer.poll(Duration.ofMillis(100));
          long now = SteadyWriter.micros(clock.instant());
          for (ConsumerRecord<byte[], byte[]> r : records) {
            OrderChange change = codec.decode(r.value());
            String status =
                change.after().map(a -> a.status().name()).orElse(change.operation().name());
            String key = SteadyWriter.changeKey(change.orderId(), status);
            if (arrivals.putIfAbsent(key, new long[] {now, r.timestamp()}) != null) {
              duplicates.incrementAndGet();
            }
          }
        }
      } catch (Throwable e) {
        failure = e;
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

  // ---------------------------------------------------------------- helpers

  private List<String> command(
      EmbeddedZooKeeper zooKeeper,
      KafkaBroker kafka,
      String namespace,
      String template,
      String deadLetters)
      throws Exception {
    List<String> options = new ArrayList<>();
    for (String option : listenerJvmOptions) {
      options.add(option.replace("{n}", Integer.toString(++sequence)));
    }
    return listenerCommand(
        heap, options, zooKeeper, kafka, namespace, template, deadLetters, commitIntervalMillis);
  }

  /** The command line of one {@link PipelineListener} process. */
  static List<String> listenerCommand(
      String heap,
      List<String> jvmOptions,
      EmbeddedZooKeeper zooKeeper,
      KafkaBroker kafka,
      String namespace,
      String template,
      String deadLetters,
      long commitIntervalMillis)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.add("-Xmx" + heap);
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-cp",
            jar().toString(),
            PipelineListener.class.getName(),
            zooKeeper.connectString(),
            namespace,
            kafka.bootstrapServers(),
            template,
            deadLetters,
            Long.toString(commitIntervalMillis)));
    return command;
  }

  static Coordinator coordinator(EmbeddedZooKeeper zooKeeper, String namespace) {
    return Coordinator.connect(
        CoordinatorConfig.builder(zooKeeper.connectString()).namespace(namespace).build());
  }

  static void addPipe(
      Coordinator coordinator, MariaDbServer server, BinlogPosition start, long serverId) {
    coordinator
        .pipes()
        .add(
            PipeDefinition.builder(PipelineListener.PIPE)
                .sourceUrl("mysql://" + server.host() + ":" + server.port())
                .user(server.replicationUser())
                .passwordRef("env:" + PASSWORD_VARIABLE)
                .serverId(serverId)
                .businessLines(LINES)
                .start(StartPosition.at(start.file(), start.position()))
                .build());
  }

  static Admin admin(KafkaBroker kafka) {
    return Admin.create(
        Map.<String, Object>of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  static void createTopics(
      KafkaBroker kafka, List<String> topics, int partitions, Map<String, String> configs)
      throws Exception {
    try (Admin admin = admin(kafka)) {
      admin
          .createTopics(
              topics.stream()
                  .map(t ->
                      new NewTopic(t, Optional.of(partitions), Optional.empty()).configs(configs))
                  .toList())
          .all()
          .get(60, TimeUnit.SECONDS);
    }
  }

  /** Records per topic: the sum over its partitions of end offset minus start offset. */
  static Map<String, Long> recordCounts(KafkaBroker kafka, List<String> topics) throws Exception {
    try (Admin admin = admin(kafka)) {
      Map<String, TopicDescription> described =
          admin.describeTopics(topics).allTopicNames().get(60, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (TopicDescription d : described.values()) {
        d.partitions()
            .forEach(p -> {
              earliest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.earliest());
              latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
            });
      }
      var first = admin.listOffsets(earliest).all().get(60, TimeUnit.SECONDS);
      var last = admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS);
      Map<String, Long> counts = new HashMap<>();
      topics.forEach(t -> counts.put(t, 0L));
      last.forEach((tp, info) ->
          counts.merge(tp.topic(), info.offset() - first.get(tp).offset(), Long::sum));
      return counts;
    }
  }

  static void deleteTopics(KafkaBroker kafka, List<String> topics) throws Exception {
    try (Admin admin = admin(kafka)) {
      admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
    }
  }

  static Path jar() throws Exception {
    return Path.of(
        PipelineBenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * One child process (a listener, or a processor in {@code bench processing}): its log file, its
   * peak RSS, and a clean stop by closing its input (listener) or by SIGTERM (processor).
   */
  static final class ListenerProcess {
    private final Process process;
    private final Path log;
    private final long startedNanos;
    private final ListenerBenchCommand.RssSampler rss;

    private ListenerProcess(Process process, Path log, long startedNanos) {
      this.process = process;
      this.log = log;
      this.startedNanos = startedNanos;
      this.rss = new ListenerBenchCommand.RssSampler(process.pid());
      rss.start();
    }

    static ListenerProcess start(List<String> command, String password, Path log)
        throws IOException {
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
      pb.environment().put(PASSWORD_VARIABLE, password);
      long started = System.nanoTime();
      return new ListenerProcess(pb.start(), log, started);
    }

    long startedNanos() {
      return startedNanos;
    }

    Path log() {
      return log;
    }

    long peakRssKiB() {
      return rss.peakKiB();
    }

    void checkAlive() {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the child process exited with "
                + process.exitValue()
                + "; its log "
                + log
                + " ends with:\n"
                + tail());
      }
    }

    /** Closes its input (it hands the pipe off and exits); kills it after {@code timeout}. */
    void stop(Duration timeout) throws InterruptedException {
      try {
        process.getOutputStream().close();
      } catch (IOException e) {
        // it has exited already
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
      rss.stop();
    }

    /** Sends SIGTERM and waits for the exit; kills it after {@code timeout}. */
    void terminate(Duration timeout) throws InterruptedException {
      process.destroy();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
      rss.stop();
    }

    private String tail() {
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
      } catch (IOException e) {
        return "(unreadable: " + e + ")";
      }
    }
  }
}
