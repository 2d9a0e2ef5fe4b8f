package dev.hamal.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.embedded.KafkaBroker;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.order.BusinessLine;
import dev.hamal.order.BusinessLines;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChangeCodec;
import dev.hamal.order.OrderLookup;
import dev.hamal.order.OrderVersion;
import dev.hamal.order.StoredOrder;
import dev.hamal.order.UnifiedOrder;
import dev.hamal.testkit.Sql;
import dev.hamal.testkit.TestServers;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reconciler against a real source (MariaDB 11.4, read by a user with SELECT and BINLOG MONITOR
 * only) and a real Kafka broker. The stores are {@link MapLookup}s filled with orders mapped from
 * rows typed by hand as the listener types them, so a clean comparison also proves the reconciler
 * reads every column type as the listener does.
 */
class ReconcilerIT {
  private static final Instant DAY = Instant.parse("2026-03-10T00:00:00Z");
  private static final Instant NEXT_DAY = Instant.parse("2026-03-11T00:00:00Z");
  private static final Instant FIXED_NOW = Instant.parse("2026-03-12T08:00:00Z");

  @TempDir Path dir;

  private final MariaDbServer server = TestServers.mariaDb114();
  private String suffix;
  private String schema;
  private String lineName;
  private BusinessLine line;
  private SourceDatabase source;

  @BeforeEach
  void setUp() throws Exception {
    suffix = UUID.randomUUID().toString().substring(0, 8);
    schema = "reconcile_it_" + suffix;
    lineName = "rc_" + suffix;
    Sql.execute(server, "CREATE DATABASE " + schema);
    for (String table : List.of("orders_00", "orders_01")) {
      Sql.executeIn(
          server,
          schema,
          "CREATE TABLE "
              + table
              + " (id BIGINT UNSIGNED PRIMARY KEY, user_id INT NOT NULL, status TINYINT NOT NULL,"
              + " amount DECIMAL(12,2) NOT NULL, created DATETIME(3) NOT NULL,"
              + " paid TIMESTAMP(3) NULL, note VARCHAR(64), qty SMALLINT UNSIGNED,"
              + " ratio DOUBLE, day DATE, slot TIME, tags SET('a','b','c'), raw VARBINARY(8),"
              + " meta JSON, KEY (created))");
    }
    Sql.executeIn(server, schema, "CREATE TABLE audit (id INT PRIMARY KEY, created DATETIME)");
    Path lines = Files.createDirectories(dir.resolve("lines"));
    Files.writeString(
        lines.resolve("line.yaml"),
        """
        name: %s
        pipe: reconcile-it
        time_zone: Asia/Shanghai
        source:
          schema: %s
          tables: ["orders_##"]
          ignored_tables: [audit]
        order_id: id
        fields:
          user_id: user_id
          status:
            column: status
            codes: {0: CREATED, 1: PAID, 2: SUCCEEDED}
          total_amount: {column: amount, unit: yuan}
          created_at: created
          paid_at: paid
        ext:
          note: note
          qty: qty
          ratio: ratio
          day: day
          slot: slot
          tags: tags
          raw: raw
          carrier: {column: meta, json: $.carrier}
        """
            .formatted(lineName, schema));
    line = BusinessLines.loadDirectory(lines).line(lineName).orElseThrow();
    source =
        SourceDatabase.open(
            SourceDatabaseConfig.of(
                server.jdbcUrl(""), server.replicationUser(), server.replicationPassword()));
  }

  @AfterEach
  void tearDown() {
    if (source != null) {
      source.close();
    }
    Sql.execute(server, "DROP DATABASE IF EXISTS " + schema);
  }

  /** Inserts a row and returns the order the listener would map from it. */
  private UnifiedOrder insert(long id, int status, String created, String note) {
    String table = "orders_0" + (id % 2);
    Sql.executeIn(
        server,
        schema,
        "SET time_zone = '+00:00'",
        "INSERT INTO "
            + table
            + " VALUES ("
            + id
            + ", "
            + (1000 + id)
            + ", "
            + status
            + ", "
            + id
            + ".25, '"
            + created
            + "', '2026-03-10 02:00:00.500', '"
            + note
            + "', 65535, 0.1, '2026-03-10', '08:30:00', 'a,c', x'00ff', '{\"carrier\":\"CMCC\"}')");
    return expected(id, status, created, note);
  }

  /** The order the listener maps from a row with these values (typed as the binlog gives them). */
  private UnifiedOrder expected(long id, int status, String created, String note) {
    Map<String, Object> values = new HashMap<>();
    values.put("id", BigInteger.valueOf(id));
    values.put("user_id", 1000 + id);
    values.put("status", (long) status);
    values.put("amount", new BigDecimal(id + ".25"));
    values.put("created", LocalDateTime.parse(created.replace(' ', 'T')));
    values.put("paid", Instant.parse("2026-03-10T02:00:00.500Z"));
    values.put("note", note);
    values.put("qty", 65535L);
    values.put("ratio", 0.1d);
    values.put("day", LocalDate.parse("2026-03-10"));
    values.put("slot", LocalTime.parse("08:30:00"));
    values.put("tags", "a,c");
    values.put("raw", new byte[] {0, (byte) 0xff});
    values.put("meta", "{\"carrier\": \"CMCC\"}");
    return line.map(new MapRow(schema, "orders_0" + (id % 2), values));
  }

  private String id(long sourceId) {
    return lineName + ":" + sourceId;
  }

  private static StoredOrder live(UnifiedOrder order) {
    return stored(order, StoredOrder.State.LIVE);
  }

  private static StoredOrder stored(UnifiedOrder order, StoredOrder.State state) {
    return new StoredOrder(
        order, OrderVersion.parse("0000000001.000000000100.000000000"), state, DAY);
  }

  /** The data of the main scenario: what the source holds and three targets that differ from it. */
  private final class Scenario {
    final Map<Long, UnifiedOrder> source = new LinkedHashMap<>();
    final MapLookup store = MapLookup.listing();
    final MapLookup index = MapLookup.listing();
    final MapLookup cache = MapLookup.keyed();

    Scenario() {
      // Created in Asia/Shanghai: 2026-03-10 08:00 local is 2026-03-10T00:00Z, the window's start.
      for (long id = 1; id <= 10; id++) {
        source.put(id, insert(id, 1, "2026-03-10 09:%02d:00.000".formatted(id), "n" + id));
      }
      source.put(14L, insert(14, 0, "2026-03-11 07:59:59.999", "last millisecond"));
      insert(11, 0, "2026-03-10 07:59:59.999", "before the window");
      insert(12, 0, "2026-03-11 08:00:00.000", "at the end of the window, excluded");
      Sql.executeIn(
          server,
          schema,
          "INSERT INTO orders_01 (id, user_id, status, amount, created) VALUES"
              + " (13, 1013, 7, 1.00, '2026-03-10 12:00:00')");
      Sql.executeIn(server, schema, "INSERT INTO audit VALUES (1, '2026-03-10 12:00:00')");

      for (UnifiedOrder order : source.values()) {
        store.put(live(order));
        index.put(live(order));
        cache.put(live(order));
      }
      store.remove(id(3));
      store.put(live(expected(5, 2, "2026-03-10 09:05:00.000", "n5")));
      store.put(stored(source.get(7L), StoredOrder.State.DELETED));
      store.put(stored(source.get(4L), StoredOrder.State.ARCHIVED));
      store.put(live(expected(99, 1, "2026-03-10 20:00:00.000", "gone from the source")));
      store.put(
          stored(
              expected(98, 1, "2026-03-10 20:00:00.000", "deleted, archived"),
              StoredOrder.State.ARCHIVED));
      store.put(
          stored(
              expected(97, 1, "2026-03-10 20:00:00.000", "tombstone"), StoredOrder.State.DELETED));
      store.put(live(expected(96, 1, "2026-03-12 20:00:00.000", "outside the window")));
      index.put(live(expected(10, 1, "2026-03-10 09:10:00.000", "an older note")));
      cache.remove(id(2)).remove(id(9));
    }

    Map<String, OrderLookup> targets() {
      Map<String, OrderLookup> targets = new LinkedHashMap<>();
      targets.put("store", store);
      targets.put("index", index);
      targets.put("cache", cache);
      return targets;
    }
  }

  @Test
  void shouldReportMissingStaleAndExtraOrdersOfEachTargetWithTheirIds() {
    Scenario scenario = new Scenario();
    Reconciler reconciler = Reconciler.builder().chunkSize(3).build();

    ReconcileReport report =
        reconciler.reconcile(line, source, DAY, NEXT_DAY, scenario.targets(), Optional.empty());

    assertThat(report.tables()).isEqualTo(2);
    assertThat(report.sourceCount()).isEqualTo(11);
    assertThat(report.unmappableCount()).isEqualTo(1);
    ReconcileReport.Unmappable bad = report.unmappable().get(0);
    assertThat(bad.table()).isEqualTo("orders_01");
    assertThat(bad.sourceId()).isEqualTo("13");
    assertThat(bad.reason()).contains("status").contains("7");

    ReconcileReport.TargetReport store = report.targets().get("store");
    assertThat(store.sourceCount()).isEqualTo(11);
    assertThat(store.targetCount()).isEqualTo(11); // 9 of the source's, 99 live, 98 archived
    assertThat(store.extraChecked()).isTrue();
    assertThat(store.missingIds()).containsExactly(id(3), id(7));
    assertThat(store.staleIds()).containsExactly(id(5));
    assertThat(store.extraIds()).containsExactly(id(98), id(99));
    assertThat(List.of(store.missing(), store.stale(), store.extra())).containsExactly(2L, 1L, 2L);

    ReconcileReport.TargetReport index = report.targets().get("index");
    assertThat(index.targetCount()).isEqualTo(11);
    assertThat(index.missingIds()).isEmpty();
    assertThat(index.staleIds()).containsExactly(id(10));
    assertThat(index.extraIds()).isEmpty();

    ReconcileReport.TargetReport cache = report.targets().get("cache");
    assertThat(cache.extraChecked()).isFalse();
    assertThat(cache.targetCount()).isEqualTo(9);
    assertThat(cache.missingIds()).containsExactly(id(2), id(9));
    assertThat(cache.staleIds()).isEmpty();
    assertThat(cache.extra()).isZero();

    assertThat(report.totals()).isEqualTo(new ReconcileReport.Totals(4, 2, 2));
    assertThat(report.isClean()).isFalse();
    assertThat(report.repair()).isFalse();
    assertThat(report.republished()).isZero();
    assertThat(report.toJson())
        .contains("\"businessLine\":\"" + lineName + "\"")
        .contains("\"totals\":{\"missing\":4,\"stale\":2,\"extra\":2}");
  }

  @Test
  void shouldListOnlyTheFirstIdsOfEachKindButCountThemAll() {
    Scenario scenario = new Scenario();
    Reconciler reconciler = Reconciler.builder().reportLimit(1).build();

    ReconcileReport report =
        reconciler.reconcile(line, source, DAY, NEXT_DAY, scenario.targets(), Optional.empty());

    ReconcileReport.TargetReport store = report.targets().get("store");
    assertThat(store.missing()).isEqualTo(2);
    assertThat(store.missingIds()).containsExactly(id(3));
    assertThat(store.extraIds()).containsExactly(id(98));
  }

  @Test
  void shouldFindNoDifferenceWhenEveryTargetHoldsWhatTheListenerWouldHaveWritten() {
    Scenario scenario = new Scenario();
    Sql.executeIn(server, schema, "DELETE FROM orders_01 WHERE id = 13");
    MapLookup exact = MapLookup.listing();
    scenario.source.values().forEach(order -> exact.put(live(order)));

    ReconcileReport report =
        Reconciler.create()
            .reconcile(line, source, DAY, NEXT_DAY, Map.of("store", exact), Optional.empty());

    assertThat(report.sourceCount()).isEqualTo(11);
    assertThat(report.isClean()).as(report.toString()).isTrue();
  }

  @Test
  void shouldRepublishMissingAndStaleOrdersBetweenTheSnapshotAndLaterChanges() throws Exception {
    Scenario scenario = new Scenario();
    KafkaBroker kafka = TestServers.kafka();
    String topic = "hamal.orders." + lineName;
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
    }
    Sql.MasterStatus before = Sql.masterStatus(server);

    ReconcileReport report;
    try (Repairer repairer = Repairer.connect(RepairerConfig.of(kafka.bootstrapServers()))) {
      report =
          Reconciler.builder()
              .clock(Clock.fixed(FIXED_NOW, ZoneOffset.UTC))
              .build()
              .reconcile(line, source, DAY, NEXT_DAY, scenario.targets(), Optional.of(repairer));
    }
    Sql.MasterStatus after = Sql.masterStatus(server);
    Sql.executeIn(server, schema, "UPDATE orders_01 SET status = 2 WHERE id = 5");

    assertThat(report.repair()).isTrue();
    assertThat(report.republished()).isEqualTo(6); // 3, 7, 5 (store), 10 (index), 2, 9 (cache)
    List<ConsumerRecord<byte[], byte[]>> records = consume(kafka, topic, 6);
    OrderChangeCodec codec = new OrderChangeCodec();
    Map<String, OrderChange> byKey = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      OrderChange change = codec.decode(r.value());
      byKey.put(new String(r.key(), StandardCharsets.UTF_8), change);
    }
    assertThat(byKey).containsOnlyKeys(id(2), id(3), id(5), id(7), id(9), id(10));
    OrderVersion lastCommitted = OrderVersion.of(before.file(), before.position() - 1, 0);
    OrderVersion firstLater = OrderVersion.of(after.file(), after.position(), 0);
    for (Map.Entry<String, OrderChange> entry : byKey.entrySet()) {
      OrderChange change = entry.getValue();
      long sourceId = Long.parseLong(entry.getKey().substring(entry.getKey().indexOf(':') + 1));
      assertThat(change.orderId()).isEqualTo(entry.getKey());
      assertThat(change.operation()).isEqualTo(OrderChange.Operation.INSERT);
      assertThat(change.after()).contains(scenario.source.get(sourceId));
      assertThat(change.commitTime()).isEqualTo(FIXED_NOW);
      assertThat(change.source().pipe()).isEqualTo("reconcile-it");
      assertThat(change.source().rowIndex()).isEqualTo(999_999_999L);
      assertThat(change.version()).isEqualTo(change.source().version());
      assertThat(change.version().isNewerThan(lastCommitted))
          .as("%s after every change committed before the reconciliation", change.version())
          .isTrue();
      assertThat(change.version().compareTo(firstLater))
          .as("%s before every change committed after it", change.version())
          .isNegative();
    }
  }

  @Test
  void shouldSelectDatetimeRowsByTheInstantTheyMeanInTheLineTimeZone() {
    // 23:30 in Shanghai on 10 March is 15:30 UTC the same day; 00:30 on 11 March is 16:30 UTC on 10
    // March, so by UTC both belong to 10 March, and a naive comparison of local times would not
    // put the second in that day.
    UnifiedOrder late = insert(1, 1, "2026-03-10 23:30:00.000", "late evening");
    UnifiedOrder afterMidnight = insert(2, 1, "2026-03-11 00:30:00.000", "after midnight");
    MapLookup store = MapLookup.listing().put(live(late)).put(live(afterMidnight));
    Reconciler reconciler = Reconciler.create();

    ReconcileReport hour =
        reconciler.reconcile(
            line,
            source,
            Instant.parse("2026-03-10T15:30:00Z"),
            Instant.parse("2026-03-10T16:00:00Z"),
            Map.of("store", store),
            Optional.empty());
    ReconcileReport utcDay =
        reconciler.reconcile(line, source, DAY, NEXT_DAY, Map.of("store", store), Optional.empty());
    ReconcileReport shanghaiDay =
        reconciler.reconcile(
            line,
            source,
            Instant.parse("2026-03-10T16:00:00Z"),
            Instant.parse("2026-03-11T16:00:00Z"),
            Map.of("store", store),
            Optional.empty());

    assertThat(late.createdAt()).isEqualTo(Instant.parse("2026-03-10T15:30:00Z"));
    assertThat(hour.sourceCount()).isEqualTo(1);
    assertThat(hour.isClean()).as(hour.toString()).isTrue();
    assertThat(utcDay.sourceCount()).isEqualTo(2);
    assertThat(utcDay.isClean()).as(utcDay.toString()).isTrue();
    assertThat(shanghaiDay.sourceCount()).isEqualTo(1);
    assertThat(shanghaiDay.isClean()).as(shanghaiDay.toString()).isTrue();
  }

  @Test
  void shouldCompareTimestampCreatedColumnsInUtcWhateverTheWritersZone() throws Exception {
    Sql.executeIn(
        server,
        schema,
        "CREATE TABLE payments_00 (id BIGINT PRIMARY KEY, status TINYINT NOT NULL,"
            + " amount BIGINT NOT NULL, created TIMESTAMP(3) NOT NULL)",
        "SET time_zone = '+08:00'",
        "INSERT INTO payments_00 VALUES (1, 0, 100, '2026-03-10 23:30:00.000')",
        "INSERT INTO payments_00 VALUES (2, 0, 100, '2026-03-11 00:30:00.000')");
    Path lines = Files.createDirectories(dir.resolve("ts-lines"));
    Files.writeString(
        lines.resolve("pay.yaml"),
        """
        name: pay_%s
        pipe: reconcile-it
        source: {schema: %s, tables: ["payments_##"]}
        order_id: id
        fields:
          status: {column: status, codes: {0: CREATED}}
          total_amount: {column: amount, unit: fen}
          created_at: created
        """
            .formatted(suffix, schema));
    BusinessLine payments = BusinessLines.loadDirectory(lines).lines().get(0);

    ReconcileReport hour =
        Reconciler.create()
            .reconcile(
                payments,
                source,
                Instant.parse("2026-03-10T15:30:00Z"),
                Instant.parse("2026-03-10T16:00:00Z"),
                Map.of("cache", MapLookup.keyed()),
                Optional.empty());

    assertThat(hour.sourceCount()).isEqualTo(1);
    assertThat(hour.targets().get("cache").missingIds()).containsExactly("pay_" + suffix + ":1");
  }

  @Test
  void shouldRefuseAnEmptyOrReversedWindow() {
    Reconciler reconciler = Reconciler.create();

    assertThatThrownBy(
            () -> reconciler.reconcile(line, source, DAY, DAY, Map.of(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be empty");
    assertThatThrownBy(
            () -> reconciler.reconcile(line, source, NEXT_DAY, DAY, Map.of(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not before");
  }

  @Test
  void shouldRefuseATableThatDoesNotFitTheMapping() {
    Sql.executeIn(server, schema, "ALTER TABLE orders_01 DROP COLUMN note");

    assertThatThrownBy(() ->
            Reconciler.create().reconcile(line, source, DAY, NEXT_DAY, Map.of(), Optional.empty()))
        .isInstanceOf(ReconcileException.class)
        .hasMessageContaining("orders_01")
        .hasMessageContaining("note");
  }

  private static List<ConsumerRecord<byte[], byte[]>> consume(
      KafkaBroker kafka, String topic, int expected) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    settings.put(ConsumerConfig.GROUP_ID_CONFIG, "reconcile-it-" + UUID.randomUUID());
    settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        if (records.size() >= expected) {
          // one more short poll: nothing beyond the expected records may be there
          consumer.poll(Duration.ofMillis(500)).forEach(records::add);
          break;
        }
      }
    }
    assertThat(records).hasSize(expected);
    return records;
  }
}
