package dev.hamal.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.order.UnifiedOrder;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The parts of {@code bench gateway} that decide what is loaded and how it is rendered. */
class GatewayBenchPartsTest {
  private final GatewayOrders orders = new GatewayOrders(1_000);

  @Test
  void shouldGenerateTheSameOrderForTheSameNumberInEveryThread() {
    assertThat(orders.order(12_345)).isEqualTo(new GatewayOrders(1_000).order(12_345));
    assertThat(orders.order(12_345)).isNotEqualTo(orders.order(12_346));
  }

  @Test
  void shouldNameEachOrderByItsNumberAndLine() {
    UnifiedOrder order = orders.order(6);
    assertThat(order.orderId()).isEqualTo(GatewayOrders.orderId(6));
    assertThat(order.businessLine()).isEqualTo(GatewayOrders.LINES.get(6 % 4));
    assertThat(order.createdAt()).isAfterOrEqualTo(GatewayOrders.START).isBefore(GatewayOrders.END);
  }

  @Test
  void shouldKeepOneOrderInTenOutOfTheCache() {
    long cached = LongStream.range(0, 1_000).filter(GatewayOrders::cached).count();
    assertThat(cached).isEqualTo(900);
    assertThat(orders.writes(0, 1_000, n -> !GatewayOrders.cached(n)))
        .hasSize(100)
        .allSatisfy(w -> assertThat(w.orderId()).endsWith("9"));
  }
}
