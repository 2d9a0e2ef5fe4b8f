package dev.hamal.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A line reads its own order ids back, and only ids it could have composed. */
class BusinessLineOrderIdTest {

  private static BusinessLine line(String orderId) {
    String yaml =
        """
        name: shop
        pipe: main
        source:
          schema: "shop_#"
          tables: ["orders_##", tp_order]
        order_id: %s
        fields:
          status:
            column: state
            codes: {0: CREATED, 1: PAID, WP: PAID, 9: CLOSED}
          total_amount: {column: total, unit: cents}
          created_at: created
        """
            .formatted(orderId);
    return BusinessLines.parse(List.of(new BusinessLines.Source("shop.yaml", yaml)))
        .line("shop")
        .orElseThrow();
  }

  private static OrderIdParts parts(String schema, String table, String id) {
    return new OrderIdParts(Optional.ofNullable(schema), Optional.ofNullable(table), id);
  }

  @Test
  void shouldReadBackTheIdsItsMappingComposes() {
    BusinessLine line = line("{column: order_no, format: \"{line}-{schema}.{table}-{id}\"}");
    UnifiedOrder order =
        line.map(
            MapRow.of(
                "shop_3",
                "orders_07",
                "order_no",
                "A-1",
                "state",
                1,
                "total",
                5L,
                "created",
                java.time.Instant.parse("2026-03-10T00:00:00Z")));

    assertThat(order.orderId()).isEqualTo("shop-shop_3.orders_07-A-1");
    assertThat(line.parseOrderId(order.orderId()))
        .containsExactly(parts("shop_3", "orders_07", "A-1"));
  }

  @Test
  void shouldReadNothingFromIdsOfOtherLinesTablesOrShapes() {
    BusinessLine line = line("{column: order_no, format: \"{line}/{table}/{id}\"}");

    assertThat(line.parseOrderId("shop/tp_order/9")).containsExactly(parts(null, "tp_order", "9"));
    assertThat(line.parseOrderId("fuel/tp_order/9")).isEmpty();
    assertThat(line.parseOrderId("shop/orders_7/9")).as("not orders_##").isEmpty();
    assertThat(line.parseOrderId("shop/refunds/9")).as("not a table of the line").isEmpty();
    assertThat(line.parseOrderId("shop/orders_07` WHERE 1=1 -- /9")).isEmpty();
    assertThat(line.parseOrderId("shop/orders_07/")).isEmpty();
  }

  @Test
  void shouldKeepTheDefaultFormatUnambiguous() {
    BusinessLine line = line("order_no");

    assertThat(line.parseOrderId("shop:42")).containsExactly(parts(null, null, "42"));
    assertThat(line.parseOrderId("shop:x' OR '1'='1"))
        .containsExactly(parts(null, null, "x' OR '1'='1"));
    assertThat(line.parseOrderId("shopx:42")).isEmpty();
  }

  @Test
  void shouldNarrowAdjacentPlaceholdersByTheTablePatterns() {
    BusinessLine line = line("{column: order_no, format: \"{table}{id}\"}");

    assertThat(line.parseOrderId("orders_0712")).containsExactly(parts(null, "orders_07", "12"));
    assertThat(line.parseOrderId("tp_order5")).containsExactly(parts(null, "tp_order", "5"));
    assertThat(line.parseOrderId("orders_7")).isEmpty();
  }

  @Test
  void shouldExposeTheStatusCodesAsTheFileListsThem() {
    assertThat(line("order_no").statusCodes())
        .isEqualTo(
            Map.of(
                "0", OrderStatus.CREATED,
                "1", OrderStatus.PAID,
                "WP", OrderStatus.PAID,
                "9", OrderStatus.CLOSED));
  }
}
