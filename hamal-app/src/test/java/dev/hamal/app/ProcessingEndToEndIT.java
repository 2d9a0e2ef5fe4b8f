package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hamal.cache.OrderCache;
import dev.hamal.cache.OrderCacheConfig;
import dev.hamal.coordination.Coordinator;
import dev.hamal.coordination.CoordinatorConfig;
import dev.hamal.coordination.PipePosition;
import dev.hamal.coordination.PipeState;
import dev.hamal.embedded.KafkaBroker;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.MariaDbServerConfig;
import dev.hamal.embedded.OpenSearchNode;
import dev.hamal.embedded.RedisServer;
import dev.hamal.order.BusinessLine;
import dev.hamal.order.BusinessLines;
import dev.hamal.order.OrderLookup;
import dev.hamal.reconcile.ReconcileReport;
import dev.hamal.reconcile.Reconciler;
import dev.hamal.reconcile.SourceDatabase;
import dev.hamal.reconcile.SourceDatabaseConfig;
import dev.hamal.search.OrderIndex;
import dev.hamal.search.OrderIndexConfig;
import dev.hamal.store.OrderStore;
import dev.hamal.store.OrderStoreConfig;
import dev.hamal.testkit.TestServers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * The whole processing path, every part real and embedded: the order simulator writes four business
 * lines into MariaDB; two listener processes ({@code hamal listener}) publish the changes to Kafka;
 * two processor processes ({@code hamal processor}) write the order store (MariaDB), the search
 * index (OpenSearch) and the cache (Redis). While traffic flows, a processor and the pipe's owning
 * listener are killed with SIGKILL (and started again) and the Kafka broker is restarted. At the
 * end every store must equal the mapped source tables order by order, field by field:
 * reconciliation reports zero differences for each line and each store. Every process reads the
 * same hamal.yaml; what differs between them (instance ids, the reconciling processor) comes from
 * HAMAL_* variables.
 */
class ProcessingEndToEndIT {
  private static final String PASSWORD_VARIABLE = "HAMAL_E2E_SOURCE_PASSWORD";
  private static final String PIPE = "demo";

  @TempDir Path dir;

  private final String suffix = UUID.randomUUID().toString().substring(0, 6);
  private final String namespace = "e2e-" + suffix;
  private final List<Process> processes = new ArrayList<>();
  private final Map<String, String> environment = new HashMap<>();

  @Test
  void shouldLeaveEveryStoreEqualToTheSourceAfterKilledProcessesAndAKafkaRestart()
      throws Exception {
    MariaDbServer db =
        TestServers.dedicated(
            MariaDbServerConfig.builder(MariaDbServer.Distribution.BUNDLED).serverId(4242).build());
    KafkaBroker kafka = TestServers.dedicatedKafka();
    String zk = TestServers.zooKeeper().connectString();
    OpenSearchNode search = TestServers.openSearch();
    RedisServer redis = TestServers.redis();
    String indexPrefix = "e2e-" + suffix;
    String cachePrefix = "e2e:" + suffix + ":";
    environment.put(PASSWORD_VARIABLE, db.replicationPassword());
    environment.put("E2E_STORE_PASSWORD", db.adminPassword());
    try (db;
        kafka;
        Coordinator coordinator =
            Coordinator.connect(CoordinatorConfig.builder(zk).namespace(namespace).build())) {
      MariaDbDataSource source = new MariaDbDataSource(db.jdbcUrl("mysql"));
      source.setUser(db.adminUser());
      source.setPassword(db.adminPassword());
      try (Connection c = source.getConnection();
          Statement s = c.createStatement()) {
        ProductLines.create(c, EnumSet.allOf(ProductLine.class));
        s.execute("CREATE DATABASE hamal_store");
      }
      Path lines = dir.resolve("lines");
      Files.createDirectories(lines);
      for (String resource : DemoSystem.LINE_FILES) {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
          Files.write(lines.resolve(Path.of(resource).getFileName()), in.readAllBytes());
        }
      }
      BusinessLines businessLines = BusinessLines.loadDirectory(lines);

      Path config =
          config(
              zk,
              kafka.bootstrapServers(),
              db.jdbcUrl("hamal_store"),
              db,
              search,
              redis,
              indexPrefix,
              cachePrefix);
      for (String id : List.of("listener-1", "listener-2")) {
        processes.add(start(id, "listener", config, Map.of("HAMAL_LISTENER_INSTANCE_ID", id)));
      }
      Process processor1 = start("processor-1", "processor", config, Map.of());
      processes.add(processor1);
      // processor-2 also reconciles periodically; its metrics tell how the runs went
      int metricsPort;
      try (var socket = new java.net.ServerSocket(0)) {
        metricsPort = socket.getLocalPort();
      }
      Process processor2 =
          start(
              "processor-2",
              "processor",
              config,
              Map.of(
                  "HAMAL_PROCESSOR_RECONCILE_ENABLED", "true",
                  "HAMAL_PROCESSOR_METRICS_HOST", "127.0.0.1",
                  "HAMAL_PROCESSOR_METRICS_PORT", Integer.toString(metricsPort)));
      processes.add(processor2);

      var add =
          InProcessCli.pipe(
              zk,
              namespace,
              "add",
              PIPE,
              "--source",
              "mysql://127.0.0.1:" + db.port(),
              "--user",
              db.replicationUser(),
              "--password-env",
              PASSWORD_VARIABLE,
              "--server-id",
              "31337",
              "--business-line",
              "topup",
              "--business-line",
              "fuelcard",
              "--business-line",
              "ticket",
              "--business-line",
              "gamecard",
              "--start",
              masterStatus(source));
      assertThat(add.exit()).as(add.describe()).isZero();

      Instant started = Instant.now();
      OrderSimulator simulator =
          OrderSimulator.start(
              source,
              SimulatorConfig.builder()
                  .ordersPerSecond(40)
                  .lines(EnumSet.allOf(ProductLine.class))
                  .seed(4242)
                  .timeScale(0.2)
                  .duration(Duration.ofMinutes(10)) // a bound: closed once the chaos is over
                  .build());
      try (simulator) {
        // chaos while traffic flows
        await().atMost(Duration.ofSeconds(60)).until(() -> committed(coordinator).isPresent());
        afterMoreOrders(simulator, 200);
        processor1.destroyForcibly(); // SIGKILL: its uncommitted batches go to the other member
        processor1.waitFor(10, TimeUnit.SECONDS);
        processes.add(start("processor-3", "processor", config, Map.of()));

        afterMoreOrders(simulator, 200);
        String owner = coordinator.pipes().status(PIPE).owner().orElseThrow();
        Process ownerProcess = processes.get(owner.equals("listener-1") ? 0 : 1);
        ownerProcess.destroyForcibly(); // SIGKILL of the pipe's owner: the other one takes over
        ownerProcess.waitFor(10, TimeUnit.SECONDS);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> {
              var status = coordinator.pipes().status(PIPE);
              return status.state() == PipeState.RUNNING
                  && status.owner().filter(o -> !o.equals(owner)).isPresent();
            });
        processes.add(
            start(
                owner + "b",
                "listener",
                config,
                Map.of("HAMAL_LISTENER_INSTANCE_ID", owner + "b")));

        afterMoreOrders(simulator, 150);
        kafka.restart();
        afterMoreOrders(simulator, 150);

        simulator.close(); // traffic flowed through every chaos step, however long they took
        assertThat(simulator.failure()).isEmpty();
      }
      // the order store lives on the same server, so its own writes move the binlog on: wait
      // until the committed position is at or past the simulator's last write
      String[] end = masterStatus(source).split(":");
      await()
          .atMost(Duration.ofMinutes(3))
          .until(() ->
              committed(coordinator)
                  .filter(p ->
                      p.file().compareTo(end[0]) > 0
                          || (p.file().equals(end[0]) && p.position() >= Long.parseLong(end[1])))
                  .isPresent());
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> lag(kafka.bootstrapServers()) == 0);

      Instant from = started.minus(Duration.ofDays(30)); // the simulator's clock runs ahead
      Instant to = Instant.now().plus(Duration.ofDays(30));
      try (OrderStore store =
              OrderStore.open(
                  OrderStoreConfig.builder(db.jdbcUrl("hamal_store"), db.adminUser())
                      .password(db.adminPassword())
                      .migrate(false)
                      .build());
          OrderIndex index =
              OrderIndex.open(
                  OrderIndexConfig.builder(search.httpUri()).indexPrefix(indexPrefix).build());
          OrderCache cache =
              OrderCache.connect(
                  OrderCacheConfig.builder(redis.uri())
                      .keyPrefix(cachePrefix)
                      .invalidationChannel(cachePrefix + "invalidate")
                      .build());
          SourceDatabase reader =
              SourceDatabase.open(
                  SourceDatabaseConfig.of(
                      db.jdbcUrl("mysql"), db.adminUser(), db.adminPassword()))) {
        index.refresh();
        Map<String, OrderLookup> targets = new LinkedHashMap<>();
        targets.put("store", store);
        targets.put("index", index);
        targets.put("cache", cache);
        long orders = 0;
        for (BusinessLine line : businessLines.lines()) {
          ReconcileReport report =
              Reconciler.create().reconcile(line, reader, from, to, targets, Optional.empty());
          assertThat(report.isClean())
              .as(line.name() + ": " + report.toJson() + describeStale(report, line, store, source))
              .isTrue();
          assertThat(report.sourceCount()).as(line.name()).isPositive();
          orders += report.sourceCount();
        }
        assertThat(orders).isGreaterThan(500);
        assertThat(countRows(source, "hamal_store.orders")).isEqualTo(orders);
      }
      // the processors' periodic reconciliation comes to the same result once all is written
      var http = java.net.http.HttpClient.newHttpClient();
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .failFast("processor-2 exited", () -> !processor2.isAlive())
          .until(() ->
              http.send(
                      java.net.http.HttpRequest.newBuilder(
                              java.net.URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                          .build(),
                      java.net.http.HttpResponse.BodyHandlers.ofString())
                  .body()
                  .lines()
                  .anyMatch(l ->
                      l.startsWith("hamal_reconcile_runs_total{outcome=\"clean\"}")
                          && !l.endsWith(" 0.0")));
      // the operator's command says the same
      var out = new java.io.StringWriter();
      var cli = Main.commandLine(new ReconcileCommand(environment));
      cli.setOut(new java.io.PrintWriter(out));
      cli.setErr(new java.io.PrintWriter(out));
      int exit =
          cli.execute(
              "reconcile",
              "--config",
              config.toString(), // its zookeeper section names the cluster
              "--from",
              from.toString(),
              "--to",
              to.toString(),
              "--json",
              "--source-ssl-mode",
              "disable");
      assertThat(exit).as(out.toString()).isZero();
      assertThat(out.toString().lines().filter(l -> l.contains("\"clean\":true")).count())
          .as(out.toString())
          .isEqualTo(4);
      for (Process p : processes) {
        p.destroy();
      }
      for (Process p : processes) {
        p.waitFor(60, TimeUnit.SECONDS);
      }
    } finally {
      processes.forEach(Process::destroyForcibly);
      keepLogs();
    }
  }

  /** The stored and the source row of a few stale orders, to say what differs. */
  private static String describeStale(
      ReconcileReport report, BusinessLine line, OrderStore store, MariaDbDataSource source) {
    var text = new StringBuilder();
    for (var target : report.targets().values()) {
      for (String id : target.staleIds().stream().limit(3).toList()) {
        var stored = store.find(id);
        text.append("\nstored ").append(stored);
        stored.ifPresent(o -> {
          String sql =
              "SELECT * FROM "
                  + o.order().sourceSchema()
                  + "."
                  + o.order().sourceTable()
                  + " WHERE "
                  + line.idColumn()
                  + " = '"
                  + o.order().sourceId()
                  + "'";
          try (Connection c = source.getConnection();
              Statement s = c.createStatement();
              ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
              text.append("\nsource ");
              for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                text.append(r.getMetaData().getColumnName(i))
                    .append('=')
                    .append(r.getString(i))
                    .append(' ');
              }
            }
          } catch (Exception e) {
            text.append("\nsource unreadable: ").append(e);
          }
        });
      }
      break;
    }
    return text.toString();
  }

  /** Copies the processes' logs to target/e2e-logs, where a failed run can be read. */
  private void keepLogs() throws IOException {
    Path kept = Path.of("target", "e2e-logs");
    Files.createDirectories(kept);
    try (var logs = Files.list(dir)) {
      for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
        Files.copy(
            log,
            kept.resolve(log.getFileName()),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** Waits until the simulator has placed {@code orders} more orders: chaos steps mid-stream. */
  private static void afterMoreOrders(OrderSimulator simulator, long orders) {
    long target = simulator.counts().total().created() + orders;
    await()
        .atMost(Duration.ofMinutes(2))
        .failFast(() -> simulator.failure().isPresent())
        .until(() -> simulator.counts().total().created() >= target);
  }

  private Optional<PipePosition> committed(Coordinator coordinator) {
    return coordinator.positions().read(PIPE);
  }

  private long lag(String bootstrap) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      var topics =
          admin.listTopics().names().get().stream()
              .filter(t -> t.startsWith("hamal.orders."))
              .toList();
      var request = new HashMap<TopicPartition, OffsetSpec>();
      for (var description : admin.describeTopics(topics).allTopicNames().get().values()) {
        description
            .partitions()
            .forEach(p ->
                request.put(
                    new TopicPartition(description.name(), p.partition()), OffsetSpec.latest()));
      }
      var ends = admin.listOffsets(request).all().get();
      long lag = 0;
      for (String sink : List.of("store", "index", "cache")) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets("e2e-" + suffix + "-" + sink + "-writer")
                .partitionsToOffsetAndMetadata()
                .get();
        for (var end : ends.entrySet()) {
          OffsetAndMetadata c = committed.get(end.getKey());
          lag += end.getValue().offset() - (c == null ? 0 : c.offset());
        }
      }
      return lag;
    }
  }

  private static long countRows(MariaDbDataSource source, String table) throws Exception {
    try (Connection c = source.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE state = 'LIVE'")) {
      r.next();
      return r.getLong(1);
    }
  }

  private static String masterStatus(MariaDbDataSource source) throws Exception {
    try (Connection c = source.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SHOW MASTER STATUS")) {
      r.next();
      return r.getString(1) + ":" + r.getLong(2);
    }
  }

  /** One hamal.yaml for every process: listeners, processors and the reconcile command. */
  private Path config(
      String zk,
      String bootstrap,
      String storeUrl,
      MariaDbServer db,
      OpenSearchNode search,
      RedisServer redis,
      String indexPrefix,
      String cachePrefix)
      throws IOException {
    Path file = dir.resolve("hamal.yaml");
    Files.writeString(
        file,
        """
        business-lines: ./lines
        zookeeper:
          connect: %s
          namespace: %s
          session-timeout: 4s
          connection-timeout: 5s
        kafka:
          bootstrap-servers: %s
          topic-partitions: 3
          group-prefix: e2e-%s-
        store:
          shards: %s
          user: %s
          password: env:E2E_STORE_PASSWORD
          pool-size: 2
        index:
          hosts: %s
          index-prefix: %s
        cache:
          redis: %s
          key-prefix: "%s"
        listener:
          commit-interval: 200ms
          status-interval: 500ms
          decode-threads: 1
          source-tls: disabled
          metrics: {port: 0}
        processor:
          max-batch: 1000
          retry: { initial: 100ms, max: 2s }
          metrics: {port: 0}
          reconcile:
            enabled: false
            interval: 5s
            window: 720h
            delay: 0s
            source-ssl-mode: disable
        """
            .formatted(
                zk,
                namespace,
                bootstrap,
                suffix,
                storeUrl,
                db.adminUser(),
                search.httpUri(),
                indexPrefix,
                redis.uri(),
                cachePrefix));
    return file;
  }

  private Process start(String id, String role, Path config, Map<String, String> settings)
      throws IOException {
    Path log = dir.resolve(id + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                role,
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(environment);
    pb.environment().putAll(settings);
    return pb.start();
  }
}
