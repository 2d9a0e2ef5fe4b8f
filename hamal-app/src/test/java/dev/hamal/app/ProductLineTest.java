package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ProductLineTest {
  private static final LocalDateTime NOON = LocalDateTime.of(2025, 6, 18, 12, 0, 0, 123_000_000);

  private static LineOrder order(ProductLine line, long id, long seed) {
    return line.newOrder(
        new OrderSpec(id, 1000 + id, NOON, id % 2 == 0), new SplittableRandom(seed));
  }

  @ParameterizedTest
  @EnumSource(ProductLine.class)
  void shouldDrawTheSameOrderFromTheSameSeed(ProductLine line) {
    LineOrder first = order(line, 7, 99);
    LineOrder second = order(line, 7, 99);

    assertThat(second.writes()).usingRecursiveComparison().isEqualTo(first.writes());
    assertThat(order(line, 7, 100).row()).isNotEqualTo(first.row());
  }

  @ParameterizedTest
  @EnumSource(ProductLine.class)
  void shouldOnlySetDeclaredInsertColumnsInTableOrder(ProductLine line) {
    for (long id = 1; id <= 500; id++) {
      LineOrder order = order(line, id, id);
      List<String> columns = List.copyOf(order.row().keySet());

      assertThat(line.insertColumns()).containsAll(columns);
      assertThat(columns)
          .isSortedAccordingTo(
              (a, b) -> line.insertColumns().indexOf(a) - line.insertColumns().indexOf(b));
      assertThat(order.row())
          .containsKeys(
              line.idColumn(), line.statusColumn(), line.extColumn(), line.modifiedColumn());
      assertThat(order.row().get(line.statusColumn()))
          .isEqualTo(line.statusCode(OrderStatus.CREATED));
      assertThat(order.table()).isEqualTo(line.orderTable(1000 + id));
    }
  }

  @ParameterizedTest
  @EnumSource(ProductLine.class)
  void shouldWriteExtAttributesOf100To400Bytes(ProductLine line) {
    for (long id = 1; id <= 2000; id++) {
      String ext = (String) order(line, id, id * 31).row().get(line.extColumn());

      assertThat(ext.getBytes(StandardCharsets.UTF_8).length).isBetween(100, 400);
    }
  }

  @ParameterizedTest
  @EnumSource(ProductLine.class)
  void shouldStoreEveryStatusUnderItsOwnCode(ProductLine line) {
    var codes = new HashSet<Object>();
    for (OrderStatus status : OrderStatus.values()) {
      codes.add(line.statusCode(status));
    }
    assertThat(codes).hasSize(OrderStatus.values().length);
  }

  @Test
  void shouldDisagreeOnStatusCodeTypesAcrossLines() {
    assertThat(ProductLine.TOPUP.statusCode(OrderStatus.SUCCEEDED)).isEqualTo(30);
    assertThat(ProductLine.FUELCARD.statusCode(OrderStatus.SUCCEEDED)).isEqualTo("CG");
    assertThat(ProductLine.TICKET.statusCode(OrderStatus.SUCCEEDED)).isEqualTo("ISSUED");
    assertThat(ProductLine.GAMECARD.statusCode(OrderStatus.SUCCEEDED)).isEqualTo("delivered");
  }

  @Test
  void shouldShardTicketsIntoSixteenTablesByUserId() {
    assertThat(ProductLine.TICKET.orderTables())
        .hasSize(16)
        .startsWith("orders_00", "orders_01")
        .endsWith("orders_15");
    assertThat(ProductLine.TICKET.orderTable(16 * 5 + 3)).isEqualTo("orders_03");
    assertThat(ProductLine.TICKET.tables()).contains("passengers_00", "passengers_15");
    assertThat(ProductLine.TOPUP.orderTables()).containsExactly("tp_order");
  }

  @Test
  void shouldInsertTicketPassengersInTheOrdersShard() {
    LineOrder order =
        ProductLine.TICKET.newOrder(
            new OrderSpec(42, 16 * 9 + 11, NOON, false), new SplittableRandom(5));

    assertThat(order.table()).isEqualTo("orders_11");
    Object passengers = order.row().get("passenger_count");
    assertThat(order.writes()).hasSize(1 + (Integer) passengers);
    assertThat(order.writes().subList(1, order.writes().size()))
        .allSatisfy(write -> assertThat(write.table()).isEqualTo("passengers_11"));
  }

  @ParameterizedTest
  @EnumSource(ProductLine.class)
  void shouldUpdateTheOrderRowFirstOnEveryTransition(ProductLine line) {
    LineOrder order = order(line, 11, 3);
    var random = new SplittableRandom(1);
    for (OrderStatus from : OrderStatus.values()) {
      for (OrderStatus to : from.successors()) {
        List<RowWrite> writes = line.transition(order, from, to, NOON.plusSeconds(5), random);

        assertThat(writes.getFirst())
            .isInstanceOfSatisfying(
                RowWrite.Update.class,
                update -> {
                  assertThat(update.table()).isEqualTo(order.table());
                  assertThat(update.keyColumn()).isEqualTo(line.idColumn());
                  assertThat(update.key()).isEqualTo(order.id());
                  assertThat(update.set())
                      .containsEntry(line.statusColumn(), line.statusCode(to))
                      .containsKey(line.modifiedColumn());
                });
      }
    }
  }

  @Test
  void shouldRejectATransitionTheLifeCycleDoesNotAllow() {
    LineOrder order = order(ProductLine.TOPUP, 1, 1);

    assertThatThrownBy(() ->
            ProductLine.TOPUP.transition(
                order, OrderStatus.CREATED, OrderStatus.SUCCEEDED, NOON, new SplittableRandom(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CREATED to SUCCEEDED");
    assertThatThrownBy(() ->
            ProductLine.FUELCARD.transition(
                order, OrderStatus.CREATED, OrderStatus.PAID, NOON, new SplittableRandom(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TOPUP order is not a FUELCARD order");
  }

  @Test
  void shouldCreateStatementsForEveryTableIdempotently() {
    for (ProductLine line : EnumSet.allOf(ProductLine.class)) {
      List<String> statements = line.createStatements("copy_1");

      assertThat(statements).hasSameSizeAs(line.tables());
      assertThat(statements)
          .allSatisfy(ddl -> assertThat(ddl).startsWith("CREATE TABLE IF NOT EXISTS `copy_1`."));
    }
    assertThatThrownBy(() -> ProductLine.TOPUP.createStatements("x`; DROP"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
