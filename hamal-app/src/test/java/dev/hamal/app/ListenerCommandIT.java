package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hamal.app.InProcessCli.Result;
import dev.hamal.coordination.Coordinator;
import dev.hamal.coordination.CoordinatorConfig;
import dev.hamal.coordination.PipePosition;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.listener.Topics;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChangeCodec;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hamal listener --config FILE} as an operator runs it: a separate process against the
 * shared ZooKeeper, Kafka and MariaDB 11.4. A pipe added with {@code hamal pipe add} starts on it;
 * rows written to the source arrive in Kafka; {@code /metrics}, {@code /health} and {@code /ready}
 * answer; SIGTERM hands the pipe off with its position committed at the source's end, and the
 * process exits with 0 within its shutdown grace. The file is a whole hamal.yaml: a gateway section
 * the listener does not validate is no obstacle.
 */
class ListenerCommandIT {
  private static final String PASSWORD_VARIABLE = "LISTENER_IT_PASSWORD";

  @TempDir Path dir;

  private final MariaDbServer server = TestServers.mariaDb114();
  private final String zk = TestServers.zooKeeper().connectString();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldPublishServeMetricsAndCommitTheSourcesEndOnSigterm() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String namespace = "listener-it-" + suffix;
    String pipe = "shop-" + suffix;
    String line = "shop_" + suffix;
    String schema = "listener_it_" + suffix;
    int port = freePort();
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + schema);
      s.execute(
          "CREATE TABLE "
              + schema
              + ".orders (id BIGINT PRIMARY KEY, status INT NOT NULL,"
              + " amount DECIMAL(10,2) NOT NULL, created DATETIME NOT NULL)");
    }
    Path lines = Files.createDirectory(dir.resolve("lines"));
    Files.writeString(
        lines.resolve("shop.yaml"),
        """
        name: %s
        pipe: %s
        source: {schema: %s, tables: [orders]}
        order_id: id
        fields:
          status: {column: status, codes: {0: CREATED, 1: PAID}}
          total_amount: {column: amount, unit: yuan}
          created_at: created
        """
            .formatted(line, pipe, schema));
    Path config = dir.resolve("listener.yaml");
    Files.writeString(
        config,
        """
        zookeeper:
          connect: %s
          namespace: %s
          session-timeout: 5s
          connection-timeout: 5s
        kafka:
          bootstrap-servers: %s
          producer: { linger.ms: 5 }
        business-lines: ./lines
        listener:
          instance-id: listener-it-%s
          commit-interval: 200ms
          status-interval: 500ms
          decode-threads: 1
          source-tls: disabled
          shutdown-grace: 30s
          metrics:
            host: 127.0.0.1
            port: %d
        gateway: {server: {port: not-the-listeners-business}}
        """
            .formatted(zk, namespace, TestServers.kafka().bootstrapServers(), suffix, port));

    Path output = dir.resolve("listener.out");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "listener",
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    pb.environment().put(PASSWORD_VARIABLE, server.replicationPassword());
    Process listener = pb.start();
    try (Coordinator coordinator =
        Coordinator.connect(CoordinatorConfig.builder(zk).namespace(namespace).build())) {
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions() // connection refused until the endpoint is up
          .failFast(() -> assertThat(listener.isAlive()).as(read(output)).isTrue())
          .untilAsserted(() -> assertThat(get(port, "/health").statusCode()).isEqualTo(200));
      await() // ready: the ZooKeeper session is up and Kafka answers the producer's settings
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> {
            HttpResponse<String> ready = get(port, "/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(ready.body()).contains("\"zookeeper\":\"UP\"").contains("\"kafka\":\"UP\"");
          });

      Result add =
          InProcessCli.pipe(
              zk,
              namespace,
              "add",
              pipe,
              "--source",
              "mysql://127.0.0.1:" + server.port(),
              "--user",
              server.replicationUser(),
              "--password-env",
              PASSWORD_VARIABLE,
              "--server-id",
              Integer.toString(40_000 + (suffix.hashCode() & 0xfff)),
              "--business-line",
              line,
              "--start",
              masterStatus());
      assertThat(add.exit()).as(add.describe()).isZero();

      try (Connection c = admin();
          Statement s = c.createStatement()) {
        for (int id = 1; id <= 5; id++) {
          s.execute(
              "INSERT INTO "
                  + schema
                  + ".orders VALUES ("
                  + id
                  + ", 0, "
                  + id
                  + ".50, '2026-11-24 10:00:00')");
        }
        s.execute("UPDATE " + schema + ".orders SET status = 1 WHERE id = 3");
      }
      String end = masterStatus();

      List<OrderChange> changes = consume(Topics.defaults().forLine(line), 6);
      assertThat(changes).hasSize(6);
      // partitioned by order id: ordered per order, not across orders
      assertThat(changes)
          .filteredOn(c -> c.operation() == OrderChange.Operation.UPDATE)
          .extracting(OrderChange::orderId)
          .containsExactly(line + ":3");
      assertThat(changes)
          .extracting(OrderChange::orderId)
          .containsExactlyInAnyOrder(
              line + ":1", line + ":2", line + ":3", line + ":3", line + ":4", line + ":5");

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> {
            String metrics = get(port, "/metrics").body();
            assertThat(metrics)
                .containsPattern("hamal_pipe_rows_total\\{[^}]*pipe=\"" + pipe + "\"[^}]*} 6")
                .contains("jvm_memory_used_bytes")
                .contains("jvm_gc_")
                .contains("jvm_threads_live_threads");
          });
      assertThat(get(port, "/nothing").statusCode()).isEqualTo(404);

      listener.destroy(); // SIGTERM
      assertThat(listener.waitFor(45, TimeUnit.SECONDS)).as(read(output)).isTrue();
      assertThat(listener.exitValue()).as(read(output)).isZero();

      PipePosition committed = coordinator.positions().read(pipe).orElseThrow();
      assertThat(committed.file() + ":" + committed.position()).isEqualTo(end);
      String log = read(output);
      assertThat(log)
          .contains("listener listener-it-" + suffix + " runs")
          .containsPattern("pipe " + pipe + " \\(epoch \\d+\\) starts at")
          .contains("pipe " + pipe + " stops here: SHUTDOWN")
          .contains("listener listener-it-" + suffix + " stopped")
          .doesNotContain(server.replicationPassword())
          .doesNotContain(" ERROR ");
      assertThat(InProcessCli.pipe(zk, namespace, "list").out())
          .containsPattern(pipe + " +UNASSIGNED +- +\\d+ +" + end.replace(".", "\\."));
    } finally {
      listener.destroyForcibly();
      try (Connection c = admin();
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + schema);
      }
    }
  }

  @Test
  void shouldRefuseABadConfigurationWithExitCodeTwoBeforeConnectingAnywhere() throws Exception {
    Path config = dir.resolve("bad.yaml");
    Files.writeString(
        config,
        """
        zookeeper:
          connect: 127.0.0.1:1
        kafka:
          bootstrap-servers: 127.0.0.1:1
        comit-interval: 1s
        """);
    Result r = InProcessCli.run("listener", "--config", config.toString());
    assertThat(r.exit()).as(r.describe()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("hamal listener: " + config + ": comit-interval: unknown key")
        .doesNotContain("\tat ");

    Path noLines = dir.resolve("no-lines.yaml");
    Files.writeString(
        noLines,
        """
        zookeeper: {connect: 127.0.0.1:1}
        kafka: {bootstrap-servers: 127.0.0.1:1}
        business-lines: missing
        """);
    Result lines = InProcessCli.run("listener", "--config", noLines.toString());
    assertThat(lines.exit()).as(lines.describe()).isEqualTo(2);
    assertThat(lines.err()).contains("missing").contains("cannot be listed");
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private List<OrderChange> consume(String topic, int count) {
    OrderChangeCodec codec = new OrderChangeCodec();
    Map<String, Object> settings = new HashMap<>();
    settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrapServers());
    settings.put(ConsumerConfig.GROUP_ID_CONFIG, "listener-it-" + UUID.randomUUID());
    settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<OrderChange> changes = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (changes.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          changes.add(codec.decode(r.value()));
        }
      }
    }
    return changes;
  }

  private String masterStatus() throws SQLException {
    try (Connection c = admin();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SHOW MASTER STATUS")) {
      r.next();
      return r.getString(1) + ":" + r.getLong(2);
    }
  }

  private Connection admin() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", server.adminUser());
    p.setProperty("password", server.adminPassword());
    return DriverManager.getConnection(server.jdbcUrl(""), p);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String read(Path output) throws IOException {
    return Files.readString(output, StandardCharsets.UTF_8);
  }
}
