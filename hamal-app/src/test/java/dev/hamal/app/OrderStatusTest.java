package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class OrderStatusTest {

  @Test
  void shouldReachEveryStatusFromCreatedAndEndInRefundedOrClosed() {
    var seen = EnumSet.of(OrderStatus.CREATED);
    var todo = new ArrayDeque<OrderStatus>(seen);
    while (!todo.isEmpty()) {
      for (OrderStatus next : todo.poll().successors()) {
        if (seen.add(next)) {
          todo.add(next);
        }
      }
    }
    assertThat(seen).containsExactlyInAnyOrder(OrderStatus.values());
    assertThat(EnumSet.allOf(OrderStatus.class).stream().filter(OrderStatus::isTerminal))
        .containsExactlyInAnyOrder(OrderStatus.REFUNDED, OrderStatus.CLOSED);
  }

  @Test
  void shouldNotMoveBackwardsOrSkipPayment() {
    assertThat(OrderStatus.CREATED.canMoveTo(OrderStatus.FULFILLING)).isFalse();
    assertThat(OrderStatus.PAID.canMoveTo(OrderStatus.CLOSED)).isFalse();
    assertThat(OrderStatus.SUCCEEDED.canMoveTo(OrderStatus.FULFILLING)).isFalse();
    assertThat(OrderStatus.FAILED.canMoveTo(OrderStatus.REFUNDING)).isTrue();
    for (OrderStatus status : OrderStatus.values()) {
      assertThat(status.canMoveTo(OrderStatus.CREATED)).isFalse();
    }
  }
}
