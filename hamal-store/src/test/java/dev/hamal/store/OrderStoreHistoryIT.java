package dev.hamal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hamal.embedded.MariaDbServer;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChangeRecord;
import dev.hamal.order.OrderSinkUnavailableException;
import dev.hamal.order.OrderStatus;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.SinkResult;
import dev.hamal.order.UnifiedOrder;
import dev.hamal.testkit.OrderHistories;
import dev.hamal.testkit.Sql;
import dev.hamal.testkit.TestServers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The order store's change history ({@code order_changes}) against real servers: every distinct
 * change recorded once and read back newest first, older changes recorded too, the history and the
 * order row committed or rolled back together, the purge by retention, and each order's history on
 * its order's shard.
 */
class OrderStoreHistoryIT {
  private static final Instant START = Instant.parse("2025-06-18T02:00:00Z");

  @ParameterizedTest
  @MethodSource("dev.hamal.testkit.TestServers#all")
  void shouldRecordEveryChangeOfEveryOrderAndReadThemBackNewestFirst(MariaDbServer server) {
    var history = OrderHistories.generate("topup", 400, START, 21);
    try (var store =
        OrderStore.open(StoreDatabases.oneShard(server, "history_order").batchSize(64).build())) {
      Instant before = serverNow(server);
      applyInBatches(store, history.writes(), 250);
      Instant after = serverNow(server);

      Map<String, List<OrderChange>> byOrder = byOrder(history.changes());
      for (var entry : byOrder.entrySet()) {
        List<OrderChangeRecord> recorded = store.history(entry.getKey(), 500);
        assertThat(withoutAppliedAt(recorded))
            .as(entry.getKey())
            .isEqualTo(withoutAppliedAt(expected(entry.getValue())));
        assertThat(recorded).allSatisfy(r -> assertThat(r.appliedAt()).isBetween(before, after));
      }
      // the limit keeps the newest
      String busy =
          byOrder.entrySet().stream()
              .max(Comparator.comparingInt(e -> e.getValue().size()))
              .orElseThrow()
              .getKey();
      assertThat(byOrder.get(busy)).hasSizeGreaterThan(3);
      assertThat(withoutAppliedAt(store.history(busy, 2)))
          .isEqualTo(withoutAppliedAt(expected(byOrder.get(busy)).subList(0, 2)));
      assertThat(store.history("topup:none", 50)).isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.hamal.testkit.TestServers#all")
  void shouldRecordAChangeOnceWhenItIsRedeliveredOrReplayed(MariaDbServer server) {
    var history = OrderHistories.generate("fuel", 300, START, 22);
    OrderStoreConfig config = StoreDatabases.oneShard(server, "history_replay").build();
    String table = database(config.shards().get(0)) + ".order_changes";
    try (var store = OrderStore.open(config)) {
      applyInBatches(store, history.writes(), 200);
      assertThat(count(server, table)).isEqualTo(history.changes().size());
      Map<String, List<OrderChangeRecord>> first = readAll(store, history);

      // a replay, redeliveries inside one batch, and a reordered replay in other batch sizes
      applyInBatches(store, history.writes(), 200);
      List<OrderWrite> doubled = new ArrayList<>(history.writes().subList(0, 300));
      doubled.addAll(history.writes().subList(0, 300));
      SinkResult twice = store.apply(doubled);
      assertThat(twice.applied()).isZero();
      assertThat(twice.stale()).isEqualTo(600);
      applyInBatches(store, history.shuffledWrites(3), 333);

      assertThat(count(server, table)).isEqualTo(history.changes().size());
      assertThat(readAll(store, history)).as("applied times unchanged too").isEqualTo(first);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.hamal.testkit.TestServers#all")
  void shouldRecordEachChangeOnceWhenTwoWritersRaceOnTheSameOrders(MariaDbServer server)
      throws Exception {
    var history = OrderHistories.generate("race", 800, START, 25);
    OrderStoreConfig config = StoreDatabases.oneShard(server, "history_race").poolSize(4).build();
    try (var store = OrderStore.open(config)) {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      try (var threads = java.util.concurrent.Executors.newFixedThreadPool(2)) {
        for (long seed : new long[] {1, 2}) {
          List<OrderWrite> writes = history.shuffledWrites(seed);
          done.add(
              threads.submit(() -> {
                for (int from = 0; from < writes.size(); from += 300) {
                  var batch = writes.subList(from, Math.min(writes.size(), from + 300));
                  // a deadlock between the two writers is "unavailable": the batch is retried
                  await()
                      .atMost(Duration.ofSeconds(60))
                      .ignoreException(OrderSinkUnavailableException.class)
                      .until(() -> store.apply(batch).total() == batch.size());
                }
              }));
        }
      }
      for (var result : done) {
        result.get();
      }
      assertThat(count(server, database(config.shards().get(0)) + ".order_changes"))
          .isEqualTo(history.changes().size());
      byOrder(history.changes())
          .forEach((id, changes) ->
              assertThat(withoutAppliedAt(store.history(id, 500)))
                  .isEqualTo(withoutAppliedAt(expected(changes))));
    }
  }

  @ParameterizedTest
  @MethodSource("dev.hamal.testkit.TestServers#all")
  void shouldRecordAChangeOlderThanTheStoredVersion(MariaDbServer server) {
    UnifiedOrder created = order("late:1").build();
    UnifiedOrder paid = order("late:1").status(OrderStatus.PAID).paidAmount(900).build();
    UnifiedOrder done = order("late:1").status(OrderStatus.SUCCEEDED).paidAmount(900).build();
    OrderChange insert = OrderChange.insert(created, source(100), START);
    OrderChange pay = OrderChange.update(created, paid, source(200), START.plusSeconds(1));
    OrderChange finish = OrderChange.update(paid, done, source(300), START.plusSeconds(2));
    try (var store = OrderStore.open(StoreDatabases.oneShard(server, "history_older").build())) {
      // the newest arrives first; then an older one alone; then an older one with a newer in one
      assertThat(store.apply(List.of(OrderHistories.write(finish))).applied()).isEqualTo(1);
      SinkResult older = store.apply(List.of(OrderHistories.write(insert)));
      assertThat(older.stale()).isEqualTo(1);
      SinkResult both =
          store.apply(List.of(OrderHistories.write(pay), OrderHistories.write(finish)));
      assertThat(both.stale()).isEqualTo(2);

      assertThat(withoutAppliedAt(store.history("late:1", 10)))
          .isEqualTo(withoutAppliedAt(expected(List.of(insert, pay, finish))));
      assertThat(store.find("late:1").orElseThrow().order()).isEqualTo(done);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.hamal.testkit.TestServers#all")
  void shouldLeaveNeitherTheOrdersNorTheirHistoryWhenABatchFails(MariaDbServer server) {
    OrderStoreConfig config = StoreDatabases.oneShard(server, "history_atomic").build();
    String database = database(config.shards().get(0));
    List<OrderWrite> batch = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      UnifiedOrder created = order("atom:" + i).build();
      OrderChange insert = OrderChange.insert(created, source(1_000 + 10L * i), START);
      batch.add(OrderHistories.write(insert));
      batch.add(
          OrderHistories.write(
              OrderChange.update(
                  created,
                  order("atom:" + i).status(OrderStatus.PAID).build(),
                  source(1_005 + 10L * i),
                  START.plusSeconds(1))));
    }
    try (var store = OrderStore.open(config)) {
      // the history insert fails after the orders were upserted in the same transaction
      Sql.executeIn(
          server,
          database,
          "CREATE TRIGGER refuse_atom_17 BEFORE INSERT ON order_changes FOR EACH ROW"
              + " IF NEW.order_id = 'atom:17' THEN"
              + " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test';"
              + " END IF");
      assertThatThrownBy(() -> store.apply(batch))
          .isInstanceOf(OrderSinkUnavailableException.class)
          .hasMessageContaining("refused by the test");
      assertThat(count(server, database + ".orders")).isZero();
      assertThat(count(server, database + ".order_changes")).isZero();

      Sql.executeIn(server, database, "DROP TRIGGER refuse_atom_17");
      SinkResult retried = store.apply(batch);
      assertThat(retried.applied()).isEqualTo(30);
      assertThat(retried.stale()).isEqualTo(30);
      assertThat(count(server, database + ".orders")).isEqualTo(30);
      assertThat(count(server, database + ".order_changes")).isEqualTo(60);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.hamal.testkit.TestServers#all")
  void shouldNotRecordAChangeTheOrdersTableRefused(MariaDbServer server) {
    OrderWrite good =
        OrderHistories.write(OrderChange.insert(order("ref:1").build(), source(10), START));
    OrderWrite tooLong =
        OrderHistories.write(
            OrderChange.insert(
                order("ref:2").productName("名".repeat(256)).build(), source(20), START));
    try (var store = OrderStore.open(StoreDatabases.oneShard(server, "history_refused").build())) {
      SinkResult result = store.apply(List.of(good, tooLong));
      assertThat(result.applied()).isEqualTo(1);
      assertThat(result.rejected())
          .extracting(SinkResult.Rejection::write)
          .containsExactly(tooLong);
      assertThat(store.history("ref:1", 10)).hasSize(1);
      assertThat(store.history("ref:2", 10)).isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.hamal.testkit.TestServers#all")
  void shouldRejectAnOlderChangeTheHistoryCannotHoldAndApplyTheRest(MariaDbServer server) {
    UnifiedOrder created = order("odd:1").build();
    // an older change read from a binlog file whose name does not fit binlog_file (255)
    OrderChange odd =
        OrderChange.insert(
            created,
            new OrderChange.SourcePosition(
                "test", "x".repeat(300) + ".000001", 10, 0, Optional.empty(), 10),
            START);
    OrderChange paid =
        OrderChange.update(
            created, order("odd:1").status(OrderStatus.PAID).build(), source(20), START);
    try (var store = OrderStore.open(StoreDatabases.oneShard(server, "history_odd").build())) {
      SinkResult result =
          store.apply(List.of(OrderHistories.write(odd), OrderHistories.write(paid)));
      assertThat(result.applied()).isEqualTo(1);
      assertThat(result.stale()).isZero();
      assertThat(result.rejected()).hasSize(1);
      assertThat(result.rejected().get(0).write().change()).isEqualTo(odd);
      assertThat(result.rejected().get(0).reason()).contains("change history", "binlog_file");
      assertThat(store.history("odd:1", 10))
          .extracting(OrderChangeRecord::version)
          .containsExactly(paid.version());
    }
  }

  @Test
  void shouldPurgeChangesOlderThanTheRetentionInBoundedStatements() {
    MariaDbServer server = TestServers.mariaDb114();
    Instant now = START.plus(Duration.ofDays(40));
    List<OrderWrite> writes = new ArrayList<>();
    for (int i = 1; i <= 25; i++) {
      // 25 orders: changes 31 days old (expired), and 29 days old (kept)
      UnifiedOrder created = order("old:" + i).build();
      OrderChange insert =
          OrderChange.insert(created, source(100L * i), now.minus(Duration.ofDays(31)));
      OrderChange paid =
          OrderChange.update(
              created,
              order("old:" + i).status(OrderStatus.PAID).build(),
              source(100L * i + 50),
              now.minus(Duration.ofDays(29)));
      writes.add(OrderHistories.write(insert));
      writes.add(OrderHistories.write(paid));
    }
    OrderStoreConfig config =
        StoreDatabases.shards(server, "history_purge", 2)
            .historyRetention(Duration.ofDays(30))
            .historyPurgeInterval(Duration.ZERO)
            .build();
    try (var store = OrderStore.open(config, Clock.fixed(now, ZoneOffset.UTC))) {
      store.apply(writes);
      assertThat(countAll(server, config)).isEqualTo(50);

      assertThat(store.purgeHistory(4)).isEqualTo(25);
      assertThat(countAll(server, config)).isEqualTo(25);
      for (int i = 1; i <= 25; i++) {
        assertThat(store.history("old:" + i, 10))
            .extracting(OrderChangeRecord::status)
            .containsExactly(OrderStatus.PAID);
      }
      assertThat(store.purgeHistory()).isZero();
    }
  }

  @Test
  void shouldPurgeOnItsOwnEveryPurgeInterval() {
    MariaDbServer server = TestServers.mariaDb114();
    OrderStoreConfig config =
        StoreDatabases.oneShard(server, "history_purge_scheduled")
            .historyRetention(Duration.ofHours(1))
            .historyPurgeInterval(Duration.ofMillis(200))
            .build();
    Instant now = START.plus(Duration.ofDays(2));
    try (var store = OrderStore.open(config, Clock.fixed(now, ZoneOffset.UTC))) {
      store.apply(
          List.of(
              OrderHistories.write(OrderChange.insert(order("sched:1").build(), source(10), START)),
              OrderHistories.write(
                  OrderChange.insert(
                      order("sched:2").build(), source(20), now.minus(Duration.ofMinutes(5))))));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(store.history("sched:1", 10)).isEmpty());
      assertThat(store.history("sched:2", 10)).hasSize(1);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.hamal.testkit.TestServers#all")
  void shouldKeepEachOrdersHistoryOnTheShardOfTheOrder(MariaDbServer server) {
    var history = OrderHistories.generate("ticket", 600, START, 23);
    OrderStoreConfig config = StoreDatabases.shards(server, "history_sharded", 3).build();
    try (var store = OrderStore.open(config)) {
      applyInBatches(store, history.writes(), 700);
      Map<Integer, Long> perShard = new HashMap<>();
      for (int shard = 0; shard < 3; shard++) {
        String database = database(config.shards().get(shard));
        for (String id :
            Sql.query(
                server,
                "SELECT order_id FROM " + database + ".order_changes",
                r -> r.getString(1))) {
          assertThat(OrderStore.shardOf(id, 3)).as(id).isEqualTo(shard);
          perShard.merge(shard, 1L, Long::sum);
        }
      }
      assertThat(perShard.keySet()).containsExactlyInAnyOrder(0, 1, 2);
      assertThat(perShard.values().stream().mapToLong(Long::longValue).sum())
          .isEqualTo(history.changes().size());
      byOrder(history.changes())
          .forEach((id, changes) ->
              assertThat(withoutAppliedAt(store.history(id, 500)))
                  .isEqualTo(withoutAppliedAt(expected(changes))));
    }
  }

  @Test
  void shouldRecordNothingWhenTheHistoryIsOff() {
    MariaDbServer server = TestServers.mariaDb114();
    var history = OrderHistories.generate("quiet", 50, START, 24);
    OrderStoreConfig config = StoreDatabases.oneShard(server, "history_off").history(false).build();
    try (var store = OrderStore.open(config)) {
      SinkResult result = store.apply(history.writes());
      assertThat(result.applied()).isEqualTo(50);
      assertThat(count(server, database(config.shards().get(0)) + ".order_changes")).isZero();
      assertThat(store.history("quiet:1", 10)).isEmpty();
      assertThat(store.find("quiet:1")).isPresent();
    }
  }

  @Test
  void shouldRefuseALimitOutOfRangeNamingTheRange() {
    MariaDbServer server = TestServers.mariaDb114();
    try (var store = OrderStore.open(StoreDatabases.oneShard(server, "history_limit").build())) {
      assertThatThrownBy(() -> store.history("x:1", 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("1 to 500");
      assertThatThrownBy(() -> store.history("x:1", 501))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("1 to 500");
      assertThat(store.history("x:1", 500)).isEmpty();
    }
  }

  // ---------------------------------------------------------------- helpers

  /** The records with the server-assigned applied time set to the epoch, to compare the rest. */
  private static List<OrderChangeRecord> withoutAppliedAt(List<OrderChangeRecord> records) {
    return records.stream()
        .map(r ->
            new OrderChangeRecord(
                r.orderId(),
                r.businessLine(),
                r.version(),
                r.binlogFile(),
                r.operation(),
                r.status(),
                r.totalAmount(),
                r.currency(),
                r.committedAt(),
                Instant.EPOCH,
                r.order()))
        .toList();
  }

  /** What the history should hold of {@code changes}: each once, newest version first. */
  private static List<OrderChangeRecord> expected(List<OrderChange> changes) {
    return changes.stream()
        .sorted(Comparator.comparing(OrderChange::version).reversed())
        .map(c -> OrderChangeRecord.of(c, Instant.EPOCH))
        .toList();
  }

  private static Map<String, List<OrderChange>> byOrder(List<OrderChange> changes) {
    return changes.stream().collect(Collectors.groupingBy(OrderChange::orderId));
  }

  private static Map<String, List<OrderChangeRecord>> readAll(
      OrderStore store, OrderHistories history) {
    Map<String, List<OrderChangeRecord>> all = new HashMap<>();
    for (String id : history.finalStates().keySet()) {
      all.put(id, store.history(id, 500));
    }
    return all;
  }

  private static void applyInBatches(OrderStore store, List<OrderWrite> writes, int batch) {
    for (int from = 0; from < writes.size(); from += batch) {
      List<OrderWrite> part = writes.subList(from, Math.min(writes.size(), from + batch));
      SinkResult result = store.apply(part);
      assertThat(result.total()).isEqualTo(part.size());
      assertThat(result.rejected()).isEmpty();
    }
  }

  private static long count(MariaDbServer server, String table) {
    return Sql.queryLong(server, "SELECT COUNT(*) FROM " + table);
  }

  private static long countAll(MariaDbServer server, OrderStoreConfig config) {
    long n = 0;
    for (String url : config.shards()) {
      n += count(server, database(url) + ".order_changes");
    }
    return n;
  }

  private static Instant serverNow(MariaDbServer server) {
    return Sql.query(
            server,
            "SELECT UTC_TIMESTAMP(6)",
            r -> r.getObject(1, java.time.LocalDateTime.class).toInstant(ZoneOffset.UTC))
        .get(0);
  }

  private static String database(String url) {
    String path = url.substring(url.indexOf('/', "jdbc:mariadb://".length()) + 1);
    return path.substring(0, path.indexOf('?'));
  }

  private static UnifiedOrder.Builder order(String id) {
    String line = id.substring(0, id.indexOf(':'));
    return UnifiedOrder.builder()
        .orderId(id)
        .businessLine(line)
        .source(line, "orders")
        .sourceId(id.substring(id.indexOf(':') + 1))
        .userId("u1")
        .status(OrderStatus.CREATED)
        .totalAmount(1000)
        .currency("CNY")
        .createdAt(START);
  }

  private static OrderChange.SourcePosition source(long position) {
    return new OrderChange.SourcePosition(
        "test", "mysql-bin.000001", position, 0, Optional.empty(), position);
  }
}
