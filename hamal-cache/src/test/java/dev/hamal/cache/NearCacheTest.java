package dev.hamal.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.order.OrderStatus;
import dev.hamal.order.OrderVersion;
import dev.hamal.order.StoredOrder;
import dev.hamal.order.UnifiedOrder;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NearCacheTest {

  private static final Duration TTL = Duration.ofSeconds(30);

  private final FakeTicker ticker = new FakeTicker();

  private NearCache cache(long maxSize, long floorMaxSize) {
    return new NearCache(maxSize, TTL, floorMaxSize, ticker, Runnable::run);
  }

  private static StoredOrder order(String id, long position) {
    UnifiedOrder order =
        UnifiedOrder.builder()
            .orderId(id)
            .businessLine("topup")
            .source("topup", "orders_00")
            .sourceId(id)
            .status(OrderStatus.PAID)
            .totalAmount(position)
            .currency("CNY")
            .createdAt(Instant.parse("2025-06-18T02:03:04Z"))
            .build();
    return new StoredOrder(
        order,
        new OrderVersion(1, position, 0),
        StoredOrder.State.LIVE,
        Instant.parse("2025-06-18T02:03:05Z"));
  }

  @Test
  void shouldServeAnOfferedOrderUntilItsTimeToLiveHasPassed() {
    NearCache cache = cache(10, 10);
    StoredOrder v1 = order("topup:1", 100);

    assertThat(cache.offer(v1, cache.stamp("topup:1"))).contains(v1);
    ticker.advance(TTL.minusSeconds(1));
    assertThat(cache.get("topup:1")).contains(v1);

    ticker.advance(Duration.ofSeconds(1));
    assertThat(cache.get("topup:1")).isEmpty();
    cache.cleanUp();
    assertThat(cache.floor("topup:1")).contains(v1.version());
  }

  @Test
  void shouldRefuseAnOlderVersionThanItServedWhileTheOrderIsCached() {
    NearCache cache = cache(10, 10);
    StoredOrder v2 = order("topup:1", 200);
    cache.offer(v2, cache.stamp("topup:1"));

    assertThat(cache.offer(order("topup:1", 100), cache.stamp("topup:1"))).contains(v2);
    assertThat(cache.refused()).isEqualTo(1);
  }

  @Test
  void shouldRefuseAnOlderVersionAfterTheServedOneExpiredFromTheNearCache() {
    NearCache cache = cache(10, 10);
    cache.offer(order("topup:1", 200), cache.stamp("topup:1"));
    ticker.advance(TTL.plusSeconds(1));
    cache.cleanUp();

    assertThat(cache.get("topup:1")).isEmpty();
    assertThat(cache.offer(order("topup:1", 100), cache.stamp("topup:1"))).isEmpty();
    StoredOrder v3 = order("topup:1", 300);
    assertThat(cache.offer(v3, cache.stamp("topup:1"))).contains(v3);
    assertThat(cache.get("topup:1")).contains(v3);
    assertThat(cache.floor("topup:1")).isEmpty();
  }

  @Test
  void shouldRememberTheFloorOfOrdersEvictedBySize() {
    NearCache cache = cache(1, 100);
    for (int i = 1; i <= 50; i++) {
      cache.offer(order("topup:" + i, 1_000 + i), cache.stamp("topup:" + i));
    }
    cache.cleanUp();

    assertThat(cache.size()).isEqualTo(1);
    int refusedIds = 0;
    for (int i = 1; i <= 50; i++) {
      if (cache.offer(order("topup:" + i, 1), cache.stamp("topup:" + i)).isEmpty()) {
        refusedIds++;
      }
    }
    assertThat(refusedIds).isEqualTo(49); // every id but the one still cached (served from it)
  }

  @Test
  void shouldDropOnlyEntriesOlderThanTheInvalidatedVersion() {
    NearCache cache = cache(10, 10);
    StoredOrder v2 = order("topup:1", 200);
    cache.offer(v2, cache.stamp("topup:1"));

    cache.invalidate("topup:1", new OrderVersion(1, 200, 0));
    assertThat(cache.get("topup:1")).contains(v2);

    cache.invalidate("topup:1", new OrderVersion(1, 300, 0));
    assertThat(cache.get("topup:1")).isEmpty();
    assertThat(cache.floor("topup:1")).contains(v2.version());
  }

  @Test
  void shouldNotCacheAReadThatRacedAnInvalidationButStillServeIt() {
    NearCache cache = cache(10, 10);
    long stamp = cache.stamp("topup:1");
    cache.invalidate("topup:1", new OrderVersion(1, 300, 0)); // arrives while the read is out
    StoredOrder v2 = order("topup:1", 200);

    assertThat(cache.offer(v2, stamp)).contains(v2);
    assertThat(cache.get("topup:1")).isEmpty();
    assertThat(cache.floor("topup:1")).contains(v2.version());
    assertThat(cache.offer(order("topup:1", 100), cache.stamp("topup:1"))).isEmpty();
  }

  @Test
  void shouldKeepFloorsWhenEverythingIsInvalidated() {
    NearCache cache = cache(10, 10);
    long stampBefore = cache.stamp("topup:2");
    cache.offer(order("topup:1", 200), cache.stamp("topup:1"));

    cache.invalidateAll();

    assertThat(cache.get("topup:1")).isEmpty();
    assertThat(cache.floor("topup:1")).contains(new OrderVersion(1, 200, 0));
    StoredOrder other = order("topup:2", 50);
    assertThat(cache.offer(other, stampBefore)).contains(other);
    assertThat(cache.get("topup:2")).isEmpty(); // read started before: not cached
  }

  @Test
  void shouldStillBeMonotonicThroughTheFloorWhenTheNearCacheIsOff() {
    NearCache cache = cache(0, 10);
    StoredOrder v2 = order("topup:1", 200);

    assertThat(cache.offer(v2, cache.stamp("topup:1"))).contains(v2);
    assertThat(cache.get("topup:1")).isEmpty();
    assertThat(cache.offer(order("topup:1", 100), cache.stamp("topup:1"))).isEmpty();
  }
}
