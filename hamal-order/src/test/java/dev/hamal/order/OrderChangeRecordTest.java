package dev.hamal.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OrderChangeRecordTest {
  private static final Instant COMMIT = Instant.parse("2026-03-01T08:00:05.123456789Z");
  private static final Instant APPLIED = Instant.parse("2026-03-01T08:00:06Z");
  private static final OrderChange.SourcePosition SOURCE =
      new OrderChange.SourcePosition("pipe", "mysql-bin.000042", 1234, 3, Optional.empty(), 77);

  private static UnifiedOrder order(OrderStatus status, long total) {
    return UnifiedOrder.builder()
        .orderId("topup:42")
        .businessLine("topup")
        .source("topup", "orders")
        .sourceId("42")
        .status(status)
        .totalAmount(total)
        .currency("CNY")
        .createdAt(COMMIT)
        .build();
  }

  @Test
  void shouldKeepTheAfterImageStatusAndAmountOfAnUpdate() {
    UnifiedOrder before = order(OrderStatus.CREATED, 100);
    UnifiedOrder after = order(OrderStatus.PAID, 90);
    var record = OrderChangeRecord.of(OrderChange.update(before, after, SOURCE, COMMIT), APPLIED);

    assertThat(record.version()).isEqualTo(new OrderVersion(42, 1234, 3));
    assertThat(record.binlogFile()).isEqualTo("mysql-bin.000042");
    assertThat(record.operation()).isEqualTo(OrderChange.Operation.UPDATE);
    assertThat(record.status()).isEqualTo(OrderStatus.PAID);
    assertThat(record.totalAmount()).isEqualTo(90);
    assertThat(record.committedAt()).isEqualTo(COMMIT);
    assertThat(record.appliedAt()).isEqualTo(APPLIED);
    assertThat(record.order()).contains(after);
  }

  @Test
  void shouldKeepTheBeforeImageStatusAndNoOrderForADelete() {
    var record =
        OrderChangeRecord.of(
            OrderChange.delete(order(OrderStatus.CLOSED, 100), SOURCE, COMMIT), APPLIED);

    assertThat(record.operation()).isEqualTo(OrderChange.Operation.DELETE);
    assertThat(record.status()).isEqualTo(OrderStatus.CLOSED);
    assertThat(record.order()).isEmpty();
  }

  @Test
  void shouldRefuseAnOrderThatDoesNotFitTheOperationOrTheId() {
    UnifiedOrder paid = order(OrderStatus.PAID, 90);
    OrderVersion version = new OrderVersion(42, 1234, 3);
    assertThatThrownBy(() ->
            new OrderChangeRecord(
                "topup:42",
                "topup",
                version,
                "mysql-bin.000042",
                OrderChange.Operation.DELETE,
                OrderStatus.PAID,
                90,
                "CNY",
                COMMIT,
                APPLIED,
                Optional.of(paid)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DELETE");
    assertThatThrownBy(() ->
            new OrderChangeRecord(
                "topup:42",
                "topup",
                version,
                "mysql-bin.000042",
                OrderChange.Operation.UPDATE,
                OrderStatus.PAID,
                90,
                "CNY",
                COMMIT,
                APPLIED,
                Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("UPDATE");
    assertThatThrownBy(() ->
            new OrderChangeRecord(
                "topup:43",
                "topup",
                version,
                "mysql-bin.000042",
                OrderChange.Operation.UPDATE,
                OrderStatus.PAID,
                90,
                "CNY",
                COMMIT,
                APPLIED,
                Optional.of(paid)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topup:43");
  }
}
