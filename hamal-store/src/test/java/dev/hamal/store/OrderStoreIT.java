package dev.hamal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.MariaDbServerConfig;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderSinkUnavailableException;
import dev.hamal.order.OrderStatus;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.SinkResult;
import dev.hamal.order.StoredOrder;
import dev.hamal.order.UnifiedOrder;
import dev.hamal.testkit.OrderHistories;
import dev.hamal.testkit.Sql;
import dev.hamal.testkit.TestServers;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class OrderStoreIT {
  private static final Instant START = Instant.parse("2025-06-18T02:00:00Z");

  @ParameterizedTest
  @MethodSource("dev.hamal.testkit.TestServers#all")
  void shouldHoldExactlyTheFinalStatesAfterApplyingHistoryInBatchesAndIgnoreReplays(
      MariaDbServer server) {
    var history = OrderHistories.generate("topup", 3000, START, 42);
    List<OrderWrite> writes = history.writes();
    Map<String, StoredOrder> expected = expectedRecords(history);
    try (var store = OrderStore.open(StoreDatabases.oneShard(server, "store_history").build())) {
      SinkResult first = applyInBatches(store, writes, 1000);
      assertThat(first.total()).isEqualTo(writes.size());
      assertThat(first.rejected()).isEmpty();

      assertThat(store.findAll(expected.keySet())).isEqualTo(expected);
      assertThat(scanAll(store, "topup")).isEqualTo(expected);

      SinkResult replay = applyInBatches(store, writes, 1000);
      assertThat(replay.applied()).isZero();
      assertThat(replay.stale()).isEqualTo(writes.size());
      SinkResult shuffled = applyInBatches(store, history.shuffledWrites(7), 777);
      assertThat(shuffled.applied()).isZero();
      assertThat(shuffled.total()).isEqualTo(writes.size());
      assertThat(store.findAll(expected.keySet())).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.hamal.testkit.TestServers#all")
  void shouldEndWithTheNewestWriteWhateverTheDeliveryOrder(MariaDbServer server) {
    var history = OrderHistories.generate("fuel", 1000, START, 3);
    Map<String, StoredOrder> expected = expectedRecords(history);
    try (var store = OrderStore.open(StoreDatabases.oneShard(server, "store_shuffled").build())) {
      List<OrderWrite> shuffled = history.shuffledWrites(11);
      SinkResult result = applyInBatches(store, shuffled, 500);
      assertThat(result.total()).isEqualTo(shuffled.size());
      assertThat(result.rejected()).isEmpty();
      assertThat(store.findAll(expected.keySet())).isEqualTo(expected);
      // A batch naming one order several times counts the older ones as stale.
      List<OrderWrite> oneOrder =
          history.writes().stream().filter(w -> w.orderId().equals("fuel:5")).toList();
      SinkResult again = store.apply(oneOrder);
      assertThat(again.applied()).isZero();
      assertThat(again.stale()).isEqualTo(oneOrder.size());
    }
  }

  @ParameterizedTest
  @MethodSource("dev.hamal.testkit.TestServers#all")
  void shouldKeepTheNewestWriteWhenTwoWritersRaceOnTheSameOrders(MariaDbServer server)
      throws Exception {
    var history = OrderHistories.generate("race", 1500, START, 9);
    Map<String, StoredOrder> expected = expectedRecords(history);
    try (var store =
        OrderStore.open(StoreDatabases.oneShard(server, "store_race").poolSize(4).build())) {
      List<java.util.concurrent.Future<SinkResult>> results = new ArrayList<>();
      try (var threads = java.util.concurrent.Executors.newFixedThreadPool(2)) {
        for (long seed : new long[] {1, 2}) {
          List<OrderWrite> writes = history.shuffledWrites(seed);
          results.add(
              threads.submit(() -> {
                int applied = 0;
                int stale = 0;
                for (int from = 0; from < writes.size(); from += 400) {
                  var batch = writes.subList(from, Math.min(writes.size(), from + 400));
                  // a deadlock between the two writers is "unavailable": retry the batch
                  SinkResult r = retryUntilAvailable(() -> store.apply(batch));
                  assertThat(r.total()).isEqualTo(batch.size());
                  applied += r.applied();
                  stale += r.stale();
                }
                return new SinkResult(applied, stale, List.of());
              }));
        }
      }
      for (var result : results) {
        assertThat(result.get().total()).isEqualTo(history.writes().size());
      }
      assertThat(store.findAll(expected.keySet())).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.hamal.testkit.TestServers#all")
  void shouldPlaceEveryOrderOnExactlyOneShardAndReadItBack(MariaDbServer server) {
    var history = OrderHistories.generate("ticket", 2000, START, 5);
    Map<String, StoredOrder> expected = expectedRecords(history);
    OrderStoreConfig config = StoreDatabases.shards(server, "store_sharded", 3).build();
    try (var store = OrderStore.open(config)) {
      SinkResult result = applyInBatches(store, history.writes(), 2500);
      assertThat(result.applied() + result.stale()).isEqualTo(history.writes().size());

      Map<String, Integer> shardOfId = new HashMap<>();
      for (int shard = 0; shard < 3; shard++) {
        String database = database(config.shards().get(shard));
        for (String id :
            Sql.query(
                server, "SELECT order_id FROM " + database + ".orders", r -> r.getString(1))) {
          assertThat(shardOfId.put(id, shard)).as("order %s on two shards", id).isNull();
          assertThat(OrderStore.shardOf(id, 3)).isEqualTo(shard);
        }
      }
      assertThat(shardOfId.keySet()).isEqualTo(expected.keySet());
      assertThat(shardOfId.values().stream().collect(Collectors.toSet()))
          .containsExactlyInAnyOrder(0, 1, 2);
      assertThat(store.findAll(expected.keySet())).isEqualTo(expected);
      assertThat(scanAll(store, "ticket")).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.hamal.testkit.TestServers#all")
  void shouldMigrateOnceAndLeaveAMigratedShardAsItIsOnReopen(MariaDbServer server) {
    OrderStoreConfig config = StoreDatabases.oneShard(server, "store_migrations").build();
    String database = database(config.shards().get(0));
    try (var store = OrderStore.open(config)) {
      store.apply(List.of(OrderHistories.write(insert(order("m:1").build(), 100))));
    }
    try (var store = OrderStore.open(config)) {
      store.migrate();
      assertThat(store.find("m:1")).isPresent();
    }
    assertThat(
            Sql.queryLong(
                server,
                "SELECT COUNT(*) FROM "
                    + database
                    + "."
                    + OrderStore.HISTORY_TABLE
                    + " WHERE success"))
        .as("V1 orders, V2 order_changes")
        .isEqualTo(2);
    List<String> indexes =
        Sql.query(
            server,
            "SELECT index_name, GROUP_CONCAT(column_name ORDER BY seq_in_index) FROM"
                + " information_schema.statistics WHERE table_schema = '"
                + database
                + "' AND table_name = 'orders' GROUP BY index_name",
            r -> r.getString(1) + "(" + r.getString(2) + ")");
    assertThat(indexes)
        .containsExactlyInAnyOrder(
            "PRIMARY(order_id)",
            "ix_orders_user_created(user_id,created_at)",
            "ix_orders_line_status_created(business_line,status,created_at)",
            "ix_orders_line_created(business_line,created_at)",
            "ix_orders_created(created_at)");
    assertThat(
            Sql.queryString(
                server,
                "SELECT table_collation FROM information_schema.tables WHERE table_schema = '"
                    + database
                    + "' AND table_name = 'orders'"))
        .isEqualTo("utf8mb4_bin");
  }

  @ParameterizedTest
  @MethodSource("dev.hamal.testkit.TestServers#all")
  void shouldRejectARowWithAnOverLongValueWithItsReasonAndApplyTheRest(MariaDbServer server) {
    List<OrderWrite> writes = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      writes.add(OrderHistories.write(insert(order("r:" + i).build(), 100 + i)));
    }
    OrderWrite tooLong =
        OrderHistories.write(insert(order("r:bad").productName("名".repeat(256)).build(), 500));
    writes.add(10, tooLong);
    try (var store =
        OrderStore.open(StoreDatabases.oneShard(server, "store_rejects").batchSize(8).build())) {
      SinkResult result = store.apply(writes);
      assertThat(result.applied()).isEqualTo(20);
      assertThat(result.stale()).isZero();
      assertThat(result.rejected()).hasSize(1);
      assertThat(result.rejected().get(0).write()).isEqualTo(tooLong);
      assertThat(result.rejected().get(0).reason()).contains("22001").contains("product_name");
      assertThat(store.find("r:bad")).isEmpty();
      assertThat(store.findAll(writes.stream().map(OrderWrite::orderId).toList())).hasSize(20);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.hamal.testkit.TestServers#all")
  void shouldReadBackNanosecondTimesUnicodeAndExtExactly(MariaDbServer server) {
    var ext = new java.util.LinkedHashMap<String, Object>();
    ext.put("zeta", "最后");
    ext.put("alpha", List.of(1L, new BigDecimal("2.50"), Map.of("k", true)));
    ext.put("big", new java.math.BigInteger("123456789012345678901234567890"));
    UnifiedOrder.Builder builder =
        order("exact:1")
            .productName("王者荣耀点券 🎮 600")
            .createdAt(Instant.parse("2025-06-18T02:03:04.123456789Z"))
            .paidAt(Instant.parse("2025-06-18T02:03:05.000000001Z"));
    ext.forEach(builder::ext);
    UnifiedOrder order = builder.build();
    OrderChange change = insert(order, 900);
    change =
        new OrderChange(
            change.businessLine(),
            change.orderId(),
            change.operation(),
            change.before(),
            change.after(),
            change.source(),
            Instant.parse("2025-06-18T02:03:06.987654321Z"),
            change.version());
    OrderWrite write = OrderHistories.write(change);
    try (var store = OrderStore.open(StoreDatabases.oneShard(server, "store_exact").build())) {
      assertThat(store.apply(List.of(write)).applied()).isEqualTo(1);
      assertThat(store.find("exact:1")).contains(write.toStored());
      List<StoredOrder> scanned = new ArrayList<>();
      store.scan(
          "exact",
          Instant.parse("2025-06-18T02:03:04.123456789Z"),
          Instant.parse("2025-06-18T02:03:04.12345679Z"),
          scanned::add);
      assertThat(scanned).containsExactly(write.toStored());
      scanned.clear();
      store.scan(
          "exact",
          Instant.parse("2025-06-18T02:03:04.12345679Z"),
          Instant.parse("2025-06-19T00:00:00Z"),
          scanned::add);
      assertThat(scanned).isEmpty();
    }
  }

  @Test
  void shouldReportAStoppedServerAsUnavailableAndRecoverWhenItIsBack() {
    try (MariaDbServer server =
        TestServers.dedicated(
            MariaDbServerConfig.builder(MariaDbServer.Distribution.BUNDLED).serverId(7).build())) {
      OrderStoreConfig config =
          StoreDatabases.oneShard(server, "store_stopped")
              .connectionTimeout(Duration.ofSeconds(1))
              .build();
      try (var store = OrderStore.open(config)) {
        store.apply(List.of(OrderHistories.write(insert(order("s:1").build(), 100))));
        server.stop();
        List<OrderWrite> next = List.of(OrderHistories.write(insert(order("s:2").build(), 200)));
        assertThatThrownBy(() -> store.apply(next))
            .isInstanceOf(OrderSinkUnavailableException.class);
        assertThatThrownBy(() -> store.find("s:1"))
            .isInstanceOf(OrderSinkUnavailableException.class);
        server.start();
        // What the processor does: retry the batch with back-off until the store is back.
        assertThat(retryUntilAvailable(() -> store.apply(next)).applied()).isEqualTo(1);
        assertThat(store.findAll(List.of("s:1", "s:2"))).hasSize(2);
      }
    }
  }

  private static <T> T retryUntilAvailable(java.util.function.Supplier<T> call) {
    var result = new java.util.concurrent.atomic.AtomicReference<T>();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .ignoreException(OrderSinkUnavailableException.class)
        .until(() -> {
          result.set(call.get());
          return true;
        });
    return result.get();
  }

  private static SinkResult applyInBatches(OrderStore store, List<OrderWrite> writes, int batch) {
    int applied = 0;
    int stale = 0;
    List<SinkResult.Rejection> rejected = new ArrayList<>();
    for (int from = 0; from < writes.size(); from += batch) {
      List<OrderWrite> part = writes.subList(from, Math.min(writes.size(), from + batch));
      SinkResult result = store.apply(part);
      assertThat(result.total()).isEqualTo(part.size());
      applied += result.applied();
      stale += result.stale();
      rejected.addAll(result.rejected());
    }
    return new SinkResult(applied, stale, rejected);
  }

  private static Map<String, StoredOrder> expectedRecords(OrderHistories history) {
    Map<String, StoredOrder> expected = new HashMap<>();
    history.finalStates().forEach((id, write) -> expected.put(id, write.toStored()));
    return expected;
  }

  private static Map<String, StoredOrder> scanAll(OrderStore store, String line) {
    Map<String, StoredOrder> scanned = new HashMap<>();
    store.scan(
        line,
        Instant.EPOCH,
        Instant.parse("2100-01-01T00:00:00Z"),
        o -> assertThat(scanned.put(o.orderId(), o)).isNull());
    return scanned;
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

  private static OrderChange insert(UnifiedOrder order, long position) {
    return OrderChange.insert(
        order,
        new OrderChange.SourcePosition(
            "test", "mysql-bin.000001", position, 0, Optional.empty(), position),
        START);
  }
}
