package dev.hamal.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hamal.binlog.SslMode;
import dev.hamal.coordination.Coordinator;
import dev.hamal.coordination.CoordinatorConfig;
import dev.hamal.coordination.PipeDefinition;
import dev.hamal.coordination.PipePosition;
import dev.hamal.coordination.PipeState;
import dev.hamal.coordination.PipeStatus;
import dev.hamal.coordination.StartPosition;
import dev.hamal.embedded.KafkaBroker;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.order.BusinessLines;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChangeCodec;
import dev.hamal.order.OrderStatus;
import dev.hamal.testkit.FaultProxy;
import dev.hamal.testkit.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One listener instance, one pipe, real servers: MariaDB 11.4, ZooKeeper and a Kafka broker. What
 * is written to the source's order tables arrives in the business line's topic, in order per order,
 * as unified order changes; what cannot be mapped arrives in the dead-letter topic; the committed
 * position follows what Kafka acknowledged.
 */
class PipeIT {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final String PASSWORD_VARIABLE = "PIPE_IT_PASSWORD";

  @TempDir Path dir;

  private final MariaDbServer server = TestServers.mariaDb114();
  private final KafkaBroker kafka = TestServers.kafka();
  private final ObjectMapper json = new ObjectMapper();
  private String schema;
  private int sourcePort = server.port();
  private String pipe;
  private Coordinator coordinator;
  private ListenerInstance instance;

  @BeforeEach
  void setUp() throws Exception {
    int n = SEQUENCE.incrementAndGet();
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    schema = "pipe_it_" + suffix;
    pipe = "pipe-it-" + suffix;
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + schema);
      for (String table : List.of("orders_00", "orders_01")) {
        s.execute(
            "CREATE TABLE "
                + schema
                + "."
                + table
                + " (id BIGINT PRIMARY KEY, user_id INT NOT NULL, status TINYINT NOT NULL,"
                + " amount DECIMAL(12,2) NOT NULL, created DATETIME(3) NOT NULL,"
                + " note VARCHAR(64))");
      }
      s.execute("CREATE TABLE " + schema + ".audit (id INT PRIMARY KEY, what TEXT)");
    }
    coordinator =
        Coordinator.connect(
            CoordinatorConfig.builder(TestServers.zooKeeper().connectString())
                .namespace("pipe-it-" + n + "-" + suffix)
                .build());
    Files.writeString(
        dir.resolve("shop.yaml"),
        """
        name: shop_%s
        pipe: %s
        source:
          schema: %s
          tables: ["orders_##"]
        order_id: id
        fields:
          user_id: user_id
          status:
            column: status
            codes: {0: CREATED, 1: PAID, 2: SUCCEEDED, 9: REFUNDED}
          total_amount: {column: amount, unit: yuan}
          created_at: created
        ext:
          note: note
        """
            .formatted(suffix.replace('-', '_'), pipe, schema));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (instance != null) {
      instance.close();
    }
    if (coordinator != null) {
      coordinator.close();
    }
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + schema);
    }
  }

  @Test
  void shouldPublishEveryChangeOfAClaimedTableInOrderAndCommitWhatKafkaAcknowledged()
      throws Exception {
    String start = masterStatus();
    addPipe(start);
    startInstance();

    try (Connection c = admin();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      for (int id = 1; id <= 40; id++) {
        String table = schema + ".orders_0" + (id % 2);
        s.execute(
            "INSERT INTO "
                + table
                + " VALUES ("
                + id
                + ", "
                + (100 + id)
                + ", 0, "
                + id
                + ".25, '2026-11-24 10:00:00.000', 'n"
                + id
                + "')");
        s.execute("INSERT INTO " + schema + ".audit VALUES (" + id + ", 'not an order')");
        if (id % 5 == 0) {
          c.commit();
        }
      }
      c.commit();
      for (int id = 1; id <= 40; id += 3) {
        String table = schema + ".orders_0" + (id % 2);
        s.execute("UPDATE " + table + " SET status = 1 WHERE id = " + id);
        s.execute("UPDATE " + table + " SET status = 2 WHERE id = " + id);
        c.commit();
      }
      s.execute("DELETE FROM " + schema + ".orders_01 WHERE id = 39");
      c.commit();
    }
    int expected = 40 + 2 * 14 + 1;

    List<OrderChange> changes = consume(topicOfLine(), expected);
    assertThat(changes).hasSize(expected);
    Map<String, List<OrderChange>> byOrder = new LinkedHashMap<>();
    for (OrderChange change : changes) {
      byOrder.computeIfAbsent(change.orderId(), k -> new ArrayList<>()).add(change);
    }
    assertThat(byOrder).hasSize(40);
    for (int id = 1; id <= 40; id++) {
      String orderId = "shop_" + lineSuffix() + ":" + id;
      List<OrderChange> history = byOrder.get(orderId);
      assertThat(history).as(orderId).isNotNull();
      OrderChange insert = history.get(0);
      assertThat(insert.operation()).isEqualTo(OrderChange.Operation.INSERT);
      assertThat(insert.after().orElseThrow().totalAmount()).isEqualTo(id * 100L + 25);
      assertThat(insert.after().orElseThrow().userId()).contains(String.valueOf(100 + id));
      assertThat(insert.after().orElseThrow().ext()).containsEntry("note", "n" + id);
      List<OrderStatus> statuses = new ArrayList<>();
      for (OrderChange change : history) {
        change.after().ifPresent(after -> statuses.add(after.status()));
      }
      List<OrderStatus> expectedStatuses = new ArrayList<>(List.of(OrderStatus.CREATED));
      if ((id - 1) % 3 == 0) {
        expectedStatuses.addAll(List.of(OrderStatus.PAID, OrderStatus.SUCCEEDED));
      }
      assertThat(statuses).as(orderId).isEqualTo(expectedStatuses);
      for (int i = 1; i < history.size(); i++) {
        assertThat(history.get(i).version()).isGreaterThan(history.get(i - 1).version());
      }
    }
    assertThat(byOrder.get("shop_" + lineSuffix() + ":39"))
        .last()
        .extracting(OrderChange::operation)
        .isEqualTo(OrderChange.Operation.DELETE);

    String end = masterStatus();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> {
          PipePosition committed = coordinator.positions().read(pipe).orElseThrow();
          assertThat(committed.file() + ":" + committed.position()).isEqualTo(end);
        });
  }

  @Test
  void shouldSendARowItCannotMapToTheDeadLetterTopicAndGoOn() throws Exception {
    addPipe(masterStatus());
    startInstance();

    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO "
              + schema
              + ".orders_00 VALUES (1, 7, 5, 1.00, '2026-11-24 10:00:00', NULL)"); // status 5?
      s.execute(
          "INSERT INTO "
              + schema
              + ".orders_00 VALUES (2, 7, 0, 2.00, '2026-11-24 10:00:00', NULL)");
    }

    List<OrderChange> changes = consume(topicOfLine(), 1);
    assertThat(changes)
        .extracting(OrderChange::orderId)
        .containsExactly("shop_" + lineSuffix() + ":2");
    List<JsonNode> letters = consumeJson(Topics.DEFAULT_DEAD_LETTERS, schema);
    assertThat(letters).hasSize(1);
    JsonNode letter = letters.get(0);
    assertThat(letter.get("format").asText()).isEqualTo(OrderRowMapper.DEAD_LETTER_FORMAT);
    assertThat(letter.get("reason").asText()).contains("status").contains("5");
    assertThat(letter.get("table").asText()).isEqualTo("orders_00");
    assertThat(letter.get("after").get("id").asText()).isEqualTo("1");
  }

  @Test
  void shouldFailThePipeNamingTheColumnWhenTheMappingDoesNotFitTheTable() throws Exception {
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("ALTER TABLE " + schema + ".orders_01 CHANGE amount amount_yuan DECIMAL(12,2)");
    }
    addPipe(masterStatus());
    startInstance();
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO "
              + schema
              + ".orders_01 VALUES (1, 7, 0, 1.00, '2026-11-24 10:00:00', NULL)");
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> {
          PipeStatus status = coordinator.pipes().status(pipe);
          assertThat(status.state()).isEqualTo(PipeState.FAILED);
          assertThat(status.reason()).get().asString().contains("amount").contains("orders_01");
        });
    assertThat(instance.runningPipes()).doesNotContain(pipe);
  }

  @Test
  void shouldStartAfterAGtidSetAndCommitPositionsFromItsFirstTransaction() throws Exception {
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO "
              + schema
              + ".orders_00 VALUES (1, 7, 0, 1.00, '2026-11-24 10:00:00', NULL)");
    }
    String executed;
    try (Connection c = admin();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT @@gtid_binlog_pos")) {
      r.next();
      executed = r.getString(1);
    }
    addPipe(StartPosition.gtid(executed));
    startInstance();
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("UPDATE " + schema + ".orders_00 SET status = 1 WHERE id = 1");
    }

    List<OrderChange> changes = consume(topicOfLine(), 1);
    assertThat(changes)
        .as("only what came after the GTID set")
        .extracting(OrderChange::operation)
        .containsExactly(OrderChange.Operation.UPDATE);
    String end = masterStatus();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> {
          PipePosition committed = coordinator.positions().read(pipe).orElseThrow();
          assertThat(committed.file() + ":" + committed.position()).isEqualTo(end);
        });
  }

  @Test
  void shouldStartAtTheBinlogFileThatHoldsATimestamp() throws Exception {
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO "
              + schema
              + ".orders_00 VALUES (1, 7, 0, 1.00, '2026-11-24 10:00:00', NULL)");
      s.execute("FLUSH BINARY LOGS");
      s.execute(
          "INSERT INTO "
              + schema
              + ".orders_00 VALUES (2, 7, 0, 2.00, '2026-11-24 10:00:00', NULL)");
    }
    // binlog commit times have whole seconds: a time one second on is after the second insert
    addPipe(StartPosition.timestamp(java.time.Instant.now().plusSeconds(1)));
    startInstance();
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO "
              + schema
              + ".orders_00 VALUES (3, 7, 0, 3.00, '2026-11-24 10:00:00', NULL)");
    }

    List<OrderChange> changes = consume(topicOfLine(), 2);
    assertThat(changes)
        .as("the newest file begins before the time: it is read from its start, the older is not")
        .extracting(OrderChange::orderId) // two orders: two partitions, read in any order
        .containsExactlyInAnyOrder("shop_" + lineSuffix() + ":2", "shop_" + lineSuffix() + ":3");
  }

  @Test
  void shouldSayInItsStatusThatARunningPipeIsRetryingAnUnreachableSource() throws Exception {
    String start = masterStatus();
    try (FaultProxy proxy = FaultProxy.start(server)) {
      sourcePort = proxy.port();
      addPipe(start);
      startInstance();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> coordinator.pipes().status(pipe).state() == PipeState.RUNNING);
    } // the proxy closes: connections are reset, new ones refused

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> {
          PipeStatus status = coordinator.pipes().status(pipe);
          assertThat(status.state()).isEqualTo(PipeState.RUNNING);
          assertThat(status.reason()).get().asString().startsWith("retrying the source");
        });
  }

  private void addPipe(String start) {
    int colon = start.lastIndexOf(':');
    addPipe(
        StartPosition.at(start.substring(0, colon), Long.parseLong(start.substring(colon + 1))));
  }

  private void addPipe(StartPosition start) {
    coordinator
        .pipes()
        .add(
            PipeDefinition.builder(pipe)
                .sourceUrl("mysql://127.0.0.1:" + sourcePort)
                .user(server.replicationUser())
                .passwordRef("env:" + PASSWORD_VARIABLE)
                .serverId(20_000 + SEQUENCE.get())
                .businessLines(List.of("shop_" + lineSuffix()))
                .start(start)
                .build());
  }

  private void startInstance() throws Exception {
    BusinessLines lines = BusinessLines.loadDirectory(dir);
    ListenerConfig config =
        ListenerConfig.builder("it-" + SEQUENCE.get(), kafka.bootstrapServers())
            .commitInterval(Duration.ofMillis(200))
            .statusInterval(Duration.ofSeconds(1))
            .sslMode(SslMode.DISABLED)
            .build();
    instance =
        new ListenerInstance(
            config,
            lines,
            coordinator,
            new SimpleMeterRegistry(),
            Clock.systemUTC(),
            Map.of(PASSWORD_VARIABLE, server.replicationPassword()));
    instance.start();
  }

  private String lineSuffix() {
    return schema.substring("pipe_it_".length()).replace('-', '_');
  }

  private String topicOfLine() {
    return Topics.defaults().forLine("shop_" + lineSuffix());
  }

  private List<OrderChange> consume(String topic, int count) {
    OrderChangeCodec codec = new OrderChangeCodec();
    List<OrderChange> changes = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (changes.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          OrderChange change = codec.decode(r.value());
          assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(change.orderId());
          changes.add(change);
        }
      }
      // anything more would be a duplicate within one run of one instance
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
        changes.add(codec.decode(r.value()));
      }
    }
    return changes;
  }

  private List<JsonNode> consumeJson(String topic, String schemaName) throws Exception {
    List<JsonNode> letters = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (letters.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          JsonNode letter = json.readTree(r.value());
          if (letter.path("schema").asText().equals(schemaName)) {
            letters.add(letter);
          }
        }
      }
    }
    return letters;
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Map<String, Object> settings = new HashMap<>();
    settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    settings.put(ConsumerConfig.GROUP_ID_CONFIG, "pipe-it-" + UUID.randomUUID());
    settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
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
}
