package dev.hamal.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamal.gateway.ApiProblem;
import dev.hamal.gateway.Caller;
import dev.hamal.gateway.KeyScopes;
import dev.hamal.gateway.OrderDocuments;
import dev.hamal.order.UnifiedOrder;
import java.util.Optional;
import java.util.Set;
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

  @Test
  void shouldRenderTheBenchTemplateFromTheOrderDocument() {
    UnifiedOrder order = orders.order(42);
    var plan =
        new BenchRenderPlans().plan(caller(Set.of(KeyScopes.ALL)), Optional.of("bench-summary"));
    JsonNode rendered = plan.render(OrderDocuments.of(order));
    assertThat(rendered.get("id").asText()).isEqualTo(order.orderId());
    assertThat(rendered.get("amount").asDouble()).isEqualTo(order.totalAmount() / 100.0);
    assertThat(plan.template()).contains("bench-summary@1");
  }

  @Test
  void shouldRefuseUnknownTemplatesAndKeysWithoutTheTemplate() {
    BenchRenderPlans plans = new BenchRenderPlans();
    assertThatThrownBy(() -> plans.plan(caller(Set.of(KeyScopes.ALL)), Optional.of("other")))
        .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.status()).isEqualTo(404));
    assertThatThrownBy(() -> plans.plan(caller(Set.of("x")), Optional.of("bench-summary")))
        .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.status()).isEqualTo(403));
  }

  private static Caller caller(Set<String> templates) {
    return new Caller(
        "0123456789abcdef",
        "test",
        new KeyScopes(Set.of(KeyScopes.ALL), templates, Optional.empty(), true, false, false, 0));
  }
}
