package dev.hamal.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hamal.embedded.RedisServer;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChangeCodec;
import dev.hamal.order.OrderSinkUnavailableException;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.SinkResult;
import dev.hamal.order.StoredOrder;
import dev.hamal.testkit.OrderHistories;
import dev.hamal.testkit.TestServers;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The order cache against a real Redis: versions, batches, invalidation, reads, TTLs, outages. */
class OrderCacheIT {

  private static final Instant START = Instant.parse("2025-06-18T00:00:00Z");

  private static RedisClient rawClient;
  private static StatefulRedisConnection<String, String> rawConnection;
  private static RedisCommands<String, String> raw;

  @BeforeAll
  static void connectRaw() {
    rawClient = RedisClient.create(TestServers.redis().uri());
    rawConnection = rawClient.connect();
    raw = rawConnection.sync();
  }

  @AfterAll
  static void closeRaw() {
    rawConnection.close();
    rawClient.shutdown();
  }

  /** A configuration of its own per test: keys and channel named after the test. */
  private static OrderCacheConfig.Builder config(TestInfo test) {
    String name = test.getTestMethod().orElseThrow().getName();
    return OrderCacheConfig.builder(TestServers.redis().uri())
        .keyPrefix("it:" + name + ":order:")
        .invalidationChannel("it:" + name + ":invalidate");
  }

  private static SinkResult applyInBatches(OrderCache cache, List<OrderWrite> writes, int size) {
    int applied = 0;
    int stale = 0;
    List<SinkResult.Rejection> rejected = new ArrayList<>();
    for (int from = 0; from < writes.size(); from += size) {
      List<OrderWrite> batch = writes.subList(from, Math.min(writes.size(), from + size));
      SinkResult result = cache.apply(batch);
      assertThat(result.total()).isEqualTo(batch.size());
      applied += result.applied();
      stale += result.stale();
      rejected.addAll(result.rejected());
    }
    return new SinkResult(applied, stale, rejected);
  }

  private static Map<String, StoredOrder> expected(OrderHistories histories) {
    Map<String, StoredOrder> expected = new LinkedHashMap<>();
    histories.finalStates().forEach((id, write) -> expected.put(id, write.toStored()));
    return expected;
  }

  private static List<OrderWrite> writesOf(OrderHistories histories, String orderId) {
    return histories.writes().stream().filter(w -> w.orderId().equals(orderId)).toList();
  }

  @Test
  void shouldHoldTheNewestVersionOfEveryOrderWhateverTheOrderAndRepetitionOfWrites(TestInfo test) {
    OrderHistories histories = OrderHistories.generate("topup", 2000, START, 11);
    List<OrderWrite> writes = histories.writes();
    Map<String, StoredOrder> expected = expected(histories);

    try (OrderCache cache = OrderCache.connect(config(test).build())) {
      SinkResult first = applyInBatches(cache, writes, 500);
      assertThat(first.rejected()).isEmpty();
      assertThat(first.applied() + first.stale()).isEqualTo(writes.size());
      assertThat(cache.findAll(expected.keySet())).isEqualTo(expected);

      SinkResult replay = applyInBatches(cache, writes, 500);
      assertThat(replay.applied()).isZero();
      assertThat(replay.stale()).isEqualTo(writes.size());

      SinkResult shuffled = applyInBatches(cache, histories.shuffledWrites(5), 333);
      assertThat(shuffled.applied()).isZero();
      assertThat(shuffled.stale()).isEqualTo(writes.size());
      assertThat(cache.findAll(expected.keySet())).isEqualTo(expected);
    }
    // a fresh instance (empty near cache) reads the same from Redis
    try (OrderCache fresh = OrderCache.connect(config(test).build())) {
      assertThat(fresh.findAll(expected.keySet())).isEqualTo(expected);
      assertThat(fresh.stats().redisHits()).isEqualTo(expected.size());
      assertThat(fresh.find("topup:999999")).isEmpty();
    }
  }

  @Test
  void shouldEndWithTheFinalStatesWhenWritesArriveShuffled(TestInfo test) {
    OrderHistories histories = OrderHistories.generate("fuel", 2000, START, 12);
    try (OrderCache cache = OrderCache.connect(config(test).build())) {
      SinkResult result = applyInBatches(cache, histories.shuffledWrites(99), 1000);

      assertThat(result.total()).isEqualTo(histories.writes().size());
      assertThat(result.applied()).isBetween(expected(histories).size(), result.total());
      assertThat(cache.findAll(expected(histories).keySet())).isEqualTo(expected(histories));
    }
  }

  @Test
  void shouldShowAnotherInstancesWriteOnceItsInvalidationArrives(TestInfo test) {
    OrderHistories histories = OrderHistories.generate("topup", 3, START, 13);
    List<OrderWrite> life = writesOf(histories, "topup:1");
    try (OrderCache a = OrderCache.connect(config(test).build());
        OrderCache b = OrderCache.connect(config(test).build())) {
      a.apply(List.of(life.get(0)));
      // a read racing the announcement of the write is served but not cached: let it arrive
      await().until(() -> b.stats().invalidationsReceived() == 1);
      assertThat(b.find("topup:1")).contains(life.get(0).toStored());
      assertThat(b.find("topup:1")).contains(life.get(0).toStored());
      assertThat(b.stats().nearHits()).isEqualTo(1);

      a.apply(List.of(life.get(1)));

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(b.find("topup:1")).contains(life.get(1).toStored()));
      assertThat(b.stats().invalidationsReceived()).isEqualTo(2);
      // the writer sees its own write at once, without waiting for the message
      assertThat(a.find("topup:1")).contains(life.get(1).toStored());
    }
  }

  @Test
  void shouldNeverServeAnOlderVersionThanItServedEvenWhenRedisGoesBack(TestInfo test) {
    OrderHistories histories = OrderHistories.generate("topup", 3, START, 14);
    List<OrderWrite> life = writesOf(histories, "topup:2");
    OrderWrite older = life.get(0);
    OrderWrite newer = life.get(1);
    FakeTicker ticker = new FakeTicker();
    OrderCacheConfig readerConfig = config(test).ticker(ticker).build();
    try (OrderCache writer = OrderCache.connect(config(test).build());
        OrderCache reader = OrderCache.connect(readerConfig)) {
      writer.apply(List.of(newer));
      assertThat(reader.find("topup:2")).contains(newer.toStored());

      // Redis goes back in time (a lagging replica, a restart without persistence)
      writeRaw(writer.key("topup:2"), older.toStored());
      ticker.advance(readerConfig.nearCacheTtl().plusSeconds(1)); // the near entry expires

      assertThat(reader.find("topup:2")).isEmpty();
      assertThat(reader.stats().refusedOlder()).isEqualTo(1);
      try (OrderCache stranger = OrderCache.connect(config(test).build())) {
        assertThat(stranger.find("topup:2")).contains(older.toStored()); // never served newer
      }

      writer.apply(List.of(newer));
      assertThat(writer.stats().applied()).isEqualTo(2);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(reader.find("topup:2")).contains(newer.toStored()));
    }
  }

  private static void writeRaw(String key, StoredOrder stored) {
    raw.del(key);
    raw.hset(
        key,
        Map.of(
            "v", stored.version().toString(),
            "s", stored.state().name(),
            "t", stored.commitTime().toString(),
            "o",
                new String(
                    new OrderChangeCodec().encodeOrder(stored.order()), StandardCharsets.UTF_8)));
  }

  @Test
  void shouldKeepLiveAndArchivedOrdersForTheLiveTtlAndTombstonesForTheTombstoneTtl(TestInfo test) {
    OrderHistories histories = OrderHistories.generate("topup", 20, START, 15);
    OrderChange deleted =
        histories.changes().stream()
            .filter(c -> c.operation() == OrderChange.Operation.DELETE)
            .findFirst()
            .orElseThrow();
    List<OrderWrite> writes = new ArrayList<>(histories.writes());
    writes.removeIf(
        w -> w.orderId().equals(deleted.orderId()) && w.version().equals(deleted.version()));
    writes.add(new OrderWrite(deleted, OrderWrite.Action.DELETE));
    OrderCacheConfig config =
        config(test).liveTtl(Duration.ofHours(5)).tombstoneTtl(Duration.ofMinutes(10)).build();
    try (OrderCache cache = OrderCache.connect(config)) {
      cache.apply(writes);

      Map<String, StoredOrder> found = cache.findAll(histories.finalStates().keySet());
      for (StoredOrder stored : found.values()) {
        long pttl = raw.pttl(cache.key(stored.orderId()));
        Duration ttl =
            stored.state() == StoredOrder.State.DELETED ? config.tombstoneTtl() : config.liveTtl();
        assertThat(pttl)
            .as("PTTL of %s (%s)", stored.orderId(), stored.state())
            .isBetween(ttl.minusMinutes(1).toMillis(), ttl.toMillis());
      }
      assertThat(found.get(deleted.orderId()).state()).isEqualTo(StoredOrder.State.DELETED);
      assertThat(found.values().stream().map(StoredOrder::state).collect(Collectors.toSet()))
          .contains(StoredOrder.State.LIVE, StoredOrder.State.ARCHIVED);
    }
  }

  @Test
  void shouldRejectAWriteWhoseKeyHoldsSomethingElseAndReloadALostScript(TestInfo test) {
    OrderHistories histories = OrderHistories.generate("topup", 10, START, 16);
    try (OrderCache cache = OrderCache.connect(config(test).build())) {
      raw.set(cache.key("topup:3"), "not an order");
      List<OrderWrite> writes = histories.writes();

      SinkResult result = cache.apply(writes);

      assertThat(result.total()).isEqualTo(writes.size());
      assertThat(result.rejected())
          .isNotEmpty()
          .allSatisfy(r -> {
            assertThat(r.write().orderId()).isEqualTo("topup:3");
            assertThat(r.reason()).contains("not a Hamal order");
          });
      assertThat(raw.get(cache.key("topup:3"))).isEqualTo("not an order");

      raw.scriptFlush();
      raw.del(cache.key("topup:3"));
      SinkResult afterFlush = cache.apply(writesOf(histories, "topup:3"));
      assertThat(afterFlush.applied()).isEqualTo(1);
      assertThat(cache.find("topup:3")).contains(histories.finalStates().get("topup:3").toStored());
    }
  }

  @Test
  void shouldFailClearlyWhileRedisIsDownAndRecoverWhenItIsBack(TestInfo test) {
    OrderHistories histories = OrderHistories.generate("topup", 50, START, 17);
    Map<String, StoredOrder> expected = expected(histories);
    try (RedisServer redis = TestServers.dedicatedRedis();
        OrderCache cache =
            OrderCache.connect(
                OrderCacheConfig.builder(redis.uri())
                    .commandTimeout(Duration.ofSeconds(1))
                    .build())) {
      cache.apply(histories.writes());
      assertThat(cache.find("topup:1")).contains(expected.get("topup:1"));

      redis.stop();

      assertThatThrownBy(() -> cache.apply(histories.writes()))
          .isInstanceOf(OrderSinkUnavailableException.class)
          .isInstanceOf(OrderCacheUnavailableException.class)
          .hasMessageContaining(redis.uri());
      // the near cache is dropped with the invalidation feed: reads fail rather than go stale
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() ->
              assertThatThrownBy(() -> cache.find("topup:1"))
                  .isInstanceOf(OrderCacheUnavailableException.class));
      assertThatThrownBy(() -> cache.findAll(expected.keySet()))
          .isInstanceOf(OrderCacheUnavailableException.class);

      redis.start(); // same port, data kept by the append-only file

      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreException(OrderCacheUnavailableException.class)
          .untilAsserted(() -> assertThat(cache.findAll(expected.keySet())).isEqualTo(expected));
      assertThat(cache.apply(histories.writes()).applied()).isZero();
    }
  }

  @Test
  void shouldRefuseToScan(TestInfo test) {
    try (OrderCache cache = OrderCache.connect(config(test).build())) {
      assertThatThrownBy(() -> cache.scan("topup", START, START.plusSeconds(1), o -> {}))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThat(cache.name()).isEqualTo("cache");
      assertThat(cache.findAll(List.of())).isEmpty();
      assertThat(cache.apply(List.of()).total()).isZero();
    }
  }
}
