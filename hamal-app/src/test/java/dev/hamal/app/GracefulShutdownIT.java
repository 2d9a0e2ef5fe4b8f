package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hamal.embedded.MariaDbServer;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChangeCodec;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.StoredOrder;
import dev.hamal.store.OrderStore;
import dev.hamal.store.OrderStoreConfig;
import dev.hamal.testkit.OrderHistories;
import dev.hamal.testkit.Sql;
import dev.hamal.testkit.TestServers;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to real child processes ({@code hamal processor}, {@code hamal gateway}) started from one
 * hamal.yaml, mid-work: each stops within its {@code shutdown-grace}, exits with status 0, and
 * nothing it acknowledged is lost — every offset the processor committed is in the store, every
 * write the gateway answered is in its database. (The listener's stop is {@link
 * ListenerCommandIT}'s.)
 */
class GracefulShutdownIT {
  private static final OrderChangeCodec CODEC = new OrderChangeCodec();
  private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");
  private static final int PARTITIONS = 3;

  @TempDir Path dir;

  private final MariaDbServer db = TestServers.mariaDb114();
  private final String bootstrap = TestServers.kafka().bootstrapServers();
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldStopAProcessorMidStreamWithoutLosingAnyChangeItCommitted() throws Exception {
    String line = "sig" + suffix;
    String topic = "hamal.orders." + line;
    String schema = "sig_store_" + suffix;
    String group = "sig-" + suffix + "-store-writer";
    Sql.execute(db, "CREATE DATABASE " + schema);
    OrderHistories histories = OrderHistories.generate(line, 6_000, START, 17);
    publish(topic, histories.changes());
    Map<TopicPartition, Long> ends = endOffsets(topic);

    int port = freePort();
    Path config =
        write(
            """
            business-lines: "%s"
            kafka:
              bootstrap-servers: %s
              topic-pattern: 'hamal\\.orders\\.%s'
              dead-letter-topic: sig-dead-%s
              group-prefix: sig-%s-
            store:
              shards: %s
              user: %s
              password: env:SIG_STORE_PASSWORD
              pool-size: 2
            processor:
              max-batch: 100
              shutdown-grace: 20s
              metrics: {host: 127.0.0.1, port: %d}
            gateway: {server: {port: the-gateways-business}}
            """
                .formatted(
                    Path.of("..", "examples", "business-lines").toAbsolutePath().normalize(),
                    bootstrap,
                    line,
                    suffix,
                    suffix,
                    db.jdbcUrl(schema),
                    db.adminUser(),
                    port));
    Map<String, String> env = Map.of("SIG_STORE_PASSWORD", db.adminPassword());

    Process processor = start("processor-1", "processor", config, env);
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .failFast(() -> assertThat(processor.isAlive()).as(log("processor-1")).isTrue())
          .untilAsserted(() -> {
            HttpResponse<String> ready = get(port, "/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(ready.body()).contains("\"consumers\":\"UP\"", "\"store\":\"UP\"");
          });
      // mid-stream: a tenth of the backlog is committed, the rest is not
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> total(committed(group)) > total(ends) / 10);

      processor.destroy(); // SIGTERM
      assertThat(processor.waitFor(20 + 30, TimeUnit.SECONDS)).as(log("processor-1")).isTrue();
      assertThat(processor.exitValue()).as(log("processor-1")).isZero();
      assertThat(log("processor-1")).contains("processor stopped").doesNotContain(" ERROR ");

      Map<TopicPartition, Long> committed = committed(group);
      assertThat(total(committed))
          .as("stopped mid-stream, so the test means something")
          .isLessThan(total(ends));
      try (OrderStore store = openStore(schema)) {
        List<String> lost = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : read(topic, committed)) {
          OrderChange change = CODEC.decode(r.value());
          var stored = store.find(change.orderId());
          if (stored.isEmpty() || change.version().isNewerThan(stored.get().version())) {
            lost.add(r.partition() + "@" + r.offset() + " " + change.orderId());
          }
        }
        assertThat(lost).as("committed but not in the store").isEmpty();
      }

      // the rest comes with the next owner: in the end the store holds every final state
      Process second = start("processor-2", "processor", config, env);
      try {
        await()
            .atMost(Duration.ofMinutes(3))
            .failFast(() -> assertThat(second.isAlive()).as(log("processor-2")).isTrue())
            .until(() -> total(committed(group)) == total(ends));
        try (OrderStore store = openStore(schema)) {
          Map<String, OrderWrite> expected = histories.finalStates();
          var found = store.findAll(expected.keySet());
          List<String> wrong = new ArrayList<>();
          expected.forEach((id, write) -> {
            StoredOrder stored = found.get(id);
            if (stored == null
                || !stored.version().equals(write.version())
                || stored.state() != write.state()) {
              wrong.add(id + ": " + stored + " instead of " + write.version());
            }
          });
          assertThat(wrong).isEmpty();
        }
        second.destroy();
        assertThat(second.waitFor(50, TimeUnit.SECONDS)).as(log("processor-2")).isTrue();
        assertThat(second.exitValue()).as(log("processor-2")).isZero();
      } finally {
        second.destroyForcibly();
      }
    } finally {
      processor.destroyForcibly();
      Sql.execute(db, "DROP DATABASE IF EXISTS " + schema);
    }
  }

  @Test
  void shouldStopAGatewayAfterTheRequestsInFlightAndKeepEveryWriteItAnswered() throws Exception {
    String gatewayDb = "sig_gw_" + suffix;
    String storeDb = "sig_gw_store_" + suffix;
    Sql.execute(db, "CREATE DATABASE " + gatewayDb, "CREATE DATABASE " + storeDb);
    int port = freePort();
    Path config =
        write(
            """
            business-lines: "%s"
            store: {shards: "%s", user: %s, password: env:SIG_DB_PASSWORD}
            processor: {max-batch: the-processors-business}
            gateway:
              cursor-secret: env:SIG_CURSOR_SECRET
              shutdown-grace: 10s
              server: {host: 127.0.0.1, port: %d}
              database: {jdbc-url: "%s", user: %s, password: env:SIG_DB_PASSWORD}
            """
                .formatted(
                    Path.of("..", "examples", "business-lines").toAbsolutePath().normalize(),
                    db.jdbcUrl(storeDb),
                    db.adminUser(),
                    port,
                    db.jdbcUrl(gatewayDb),
                    db.adminUser()));
    Map<String, String> env =
        Map.of(
            "SIG_DB_PASSWORD",
            db.adminPassword(),
            "SIG_CURSOR_SECRET",
            "0123456789abcdef0123456789abcdef-" + suffix);
    var cli = Main.commandLine(new GatewayCommand(env));
    var out = new java.io.StringWriter();
    cli.setOut(new java.io.PrintWriter(out, true));
    assertThat(
            cli.execute(
                "gateway",
                "keys",
                "create",
                "--admin",
                "--name",
                "ops",
                "--config",
                config.toString()))
        .as(out.toString())
        .isZero();
    String admin = out.toString().strip();

    Process gateway = start("gateway", "gateway", config, env);
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .failFast(() -> assertThat(gateway.isAlive()).as(log("gateway")).isTrue())
          .until(() -> get(port, "/ready").statusCode() == 200);

      Set<String> answered = ConcurrentHashMap.newKeySet();
      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      AtomicBoolean refused = new AtomicBoolean();
      AtomicInteger names = new AtomicInteger();
      List<Future<?>> loops = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        loops.add(
            clients.submit(() -> {
              while (!refused.get()) {
                String name = "sig-" + names.incrementAndGet();
                try {
                  HttpResponse<String> created = createKey(port, admin, name);
                  statuses
                      .computeIfAbsent(created.statusCode(), s -> new AtomicInteger())
                      .incrementAndGet();
                  if (created.statusCode() == 201) {
                    answered.add(name);
                  }
                } catch (IOException e) {
                  refused.set(true); // the server stopped accepting: nothing was answered
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
              }
            }));
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> answered.size() >= 50);

      gateway.destroy(); // SIGTERM while the clients keep writing
      assertThat(gateway.waitFor(10 + 30, TimeUnit.SECONDS)).as(log("gateway")).isTrue();
      assertThat(gateway.exitValue()).as(log("gateway")).isZero();
      refused.set(true);
      for (Future<?> loop : loops) {
        loop.get(30, TimeUnit.SECONDS);
      }
      assertThat(statuses.keySet())
          .as("every request answered before the stop was a success: " + statuses)
          .containsOnly(201);
      assertThat(log("gateway")).contains("gateway stopped").doesNotContain(" ERROR ");

      var list = new java.io.StringWriter();
      var lister = Main.commandLine(new GatewayCommand(env));
      lister.setOut(new java.io.PrintWriter(list, true));
      assertThat(lister.execute("gateway", "keys", "list", "--config", config.toString())).isZero();
      Set<String> stored = new java.util.HashSet<>();
      for (String row : list.toString().split("\n")) {
        String[] columns = row.trim().split("\\s+");
        if (columns.length > 1) {
          stored.add(columns[1]);
        }
      }
      assertThat(stored).as("answered 201 but not stored").containsAll(answered);
    } finally {
      clients.shutdownNow();
      gateway.destroyForcibly();
      Sql.execute(db, "DROP DATABASE IF EXISTS " + gatewayDb, "DROP DATABASE IF EXISTS " + storeDb);
    }
  }

  private HttpResponse<String> createKey(int port, String admin, String name)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/admin/keys"))
            .header("Authorization", "Bearer " + admin)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"name\":\"" + name + "\",\"scopes\":{\"businessLines\":[\"topup\"]}}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("hamal.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  private Process start(String id, String role, Path config, Map<String, String> env)
      throws IOException {
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
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(id + ".log").toFile()));
    pb.environment().putAll(env);
    return pb.start();
  }

  private String log(String id) throws IOException {
    Path file = dir.resolve(id + ".log");
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no log)";
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private OrderStore openStore(String schema) {
    return OrderStore.open(
        OrderStoreConfig.builder(db.jdbcUrl(schema), db.adminUser())
            .password(db.adminPassword())
            .migrate(false)
            .build());
  }

  private void publish(String topic, List<OrderChange> changes) throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
      await() // a first batch sent to a partition without a leader can be lost by the producer
          .atMost(Duration.ofSeconds(60))
          .until(() ->
              admin
                  .describeTopics(List.of(topic))
                  .allTopicNames()
                  .get()
                  .get(topic)
                  .partitions()
                  .stream()
                  .allMatch(p -> p.leader() != null));
    }
    try (var producer =
        new KafkaProducer<byte[], byte[]>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
      List<Future<?>> sent = new ArrayList<>();
      for (OrderChange change : changes) {
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    topic,
                    change.orderId().getBytes(StandardCharsets.UTF_8),
                    CODEC.encode(change))));
      }
      for (Future<?> ack : sent) {
        ack.get();
      }
    }
  }

  private Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  private Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        request.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin.listOffsets(request).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
      return ends;
    }
  }

  private Map<TopicPartition, Long> committed(String group) throws Exception {
    try (Admin admin = admin()) {
      Map<TopicPartition, Long> offsets = new HashMap<>();
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e :
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet()) {
        if (e.getValue() != null) {
          offsets.put(e.getKey(), e.getValue().offset());
        }
      }
      return offsets;
    }
  }

  private static long total(Map<TopicPartition, Long> offsets) {
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Every record of {@code topic} below the given offsets. */
  private List<ConsumerRecord<byte[], byte[]>> read(String topic, Map<TopicPartition, Long> until) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    Map<String, Object> settings = new HashMap<>();
    settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        partitions.add(new TopicPartition(topic, p));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < until.getOrDefault(tp, 0L))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (r.offset() < until.getOrDefault(tp, 0L)) {
            records.add(r);
          }
        }
      }
      long expected = total(until);
      assertThat((long) records.size())
          .as("records below the committed offsets")
          .isEqualTo(expected);
    }
    return records;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
