package dev.hamal.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.order.OrderLookup;
import dev.hamal.order.OrderStatus;
import dev.hamal.order.OrderVersion;
import dev.hamal.order.StoredOrder;
import dev.hamal.order.UnifiedOrder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class FreshnessProbeTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:10Z");
  private static final long COMMITTED = SteadyWriter.micros(NOW.minusMillis(1_500));

  /** A store whose content the test sets; {@code findAll} answers from it. */
  private static final class FakeLookup implements OrderLookup {
    final Map<String, StoredOrder> orders = new ConcurrentHashMap<>();

    @Override
    public Map<String, StoredOrder> findAll(Collection<String> orderIds) {
      Map<String, StoredOrder> found = new HashMap<>();
      orderIds.forEach(id -> {
        if (orders.containsKey(id)) {
          found.put(id, orders.get(id));
        }
      });
      return found;
    }

    @Override
    public void scan(String businessLine, Instant from, Instant to, Consumer<StoredOrder> each) {
      throw new UnsupportedOperationException();
    }

    void put(String orderId, OrderStatus status, long position) {
      UnifiedOrder order =
          UnifiedOrder.builder()
              .orderId(orderId)
              .businessLine("topup")
              .source("bench_topup", "tp_order")
              .sourceId(orderId.substring(orderId.indexOf(':') + 1))
              .userId("u1")
              .status(status)
              .totalAmount(100)
              .paidAmount(100)
              .discountAmount(0)
              .currency("CNY")
              .createdAt(NOW)
              .updatedAt(NOW)
              .build();
      orders.put(
          orderId,
          new StoredOrder(
              order,
              OrderVersion.of("mysql-bin.000001", position, 0),
              StoredOrder.State.LIVE,
              NOW));
    }
  }

  @Test
  void shouldCountASampleSeenOnlyOnceTheOrderReachedItsStatusOrALaterOne() throws Exception {
    FakeLookup store = new FakeLookup();
    FakeLookup index = new FakeLookup();
    store.put("topup:1", OrderStatus.CREATED, 4);
    try (var probe =
        new ProcessingBenchCommand.FreshnessProbe(store, index, Clock.fixed(NOW, ZoneOffset.UTC))) {
      probe.start();
      probe.add(SteadyWriter.changeKey("topup:1", "PAID"), COMMITTED, true);
      assertThat(probe.awaitDrained(Duration.ofMillis(300))).isFalse();
      store.put("topup:1", OrderStatus.PAID, 8);
      index.put("topup:1", OrderStatus.FULFILLING, 12); // a later status: the change is applied
      assertThat(probe.awaitDrained(Duration.ofSeconds(5))).isTrue();
      assertThat(probe.storeMicros()).containsExactly(1_500_000L);
      assertThat(probe.indexMicros()).containsExactly(1_500_000L);
      assertThat(probe.sampled()).containsOnlyKeys("topup:1|PAID");
    }
  }

  @Test
  void shouldAwaitButNotReportUntimedSamples() throws Exception {
    FakeLookup store = new FakeLookup();
    FakeLookup index = new FakeLookup();
    store.put("topup:2", OrderStatus.CREATED, 4);
    index.put("topup:2", OrderStatus.CREATED, 4);
    try (var probe =
        new ProcessingBenchCommand.FreshnessProbe(store, index, Clock.fixed(NOW, ZoneOffset.UTC))) {
      probe.start();
      probe.add(SteadyWriter.changeKey("topup:2", "CREATED"), COMMITTED, false);
      assertThat(probe.awaitDrained(Duration.ofSeconds(5))).isTrue();
      assertThat(probe.storeMicros()).isEmpty();
      assertThat(probe.sampled()).isEmpty();
    }
  }
}
