package dev.hamal.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The processing block of a business line: which changes are written, and how deletes are. */
class DmlFilterTest {
  private static final OrderChange.SourcePosition AT =
      new OrderChange.SourcePosition("main", "mysql-bin.000001", 400, 0, Optional.empty(), 1);
  private static final Instant COMMIT = Instant.parse("2025-06-18T02:00:00Z");

  private static BusinessLine line(String processing) {
    String yaml = BusinessLineLoadingTest.VALID + processing;
    return BusinessLines.parse(List.of(new BusinessLines.Source("shop.yaml", yaml)))
        .line("shop")
        .orElseThrow();
  }

  private static UnifiedOrder order(OrderStatus status, Instant updated, String table) {
    return UnifiedOrder.builder()
        .orderId("shop:1")
        .businessLine("shop")
        .source("shop", table)
        .sourceId("1")
        .status(status)
        .totalAmount(100)
        .currency("CNY")
        .createdAt(COMMIT)
        .updatedAt(updated)
        .ext("touched_by", updated.toString())
        .build();
  }

  @Test
  void shouldWriteEverythingAndArchiveDeletesByDefault() {
    DmlFilter filter = line("").filter();
    UnifiedOrder created = order(OrderStatus.CREATED, COMMIT, "orders_01");
    UnifiedOrder paid = order(OrderStatus.PAID, COMMIT.plusSeconds(1), "orders_01");

    assertThat(filter.decide(OrderChange.insert(created, AT, COMMIT)).outcome())
        .isEqualTo(DmlFilter.Outcome.WRITE);
    assertThat(filter.decide(OrderChange.update(created, paid, AT, COMMIT)).write().orElseThrow())
        .extracting(OrderWrite::action)
        .isEqualTo(OrderWrite.Action.UPSERT);
    assertThat(filter.decide(OrderChange.delete(paid, AT, COMMIT)).write().orElseThrow().action())
        .isEqualTo(OrderWrite.Action.ARCHIVE);
    assertThat(filter.decide(OrderChange.update(paid, paid, AT, COMMIT)).outcome())
        .isEqualTo(DmlFilter.Outcome.UNCHANGED);
  }

  @Test
  void shouldDropIgnoredOperationsTablesAndTouchOnlyUpdates() {
    DmlFilter filter =
        line("""
        processing:
          deletes: delete
          ignore_operations: [insert]
          ignore_tables: ["orders_9#"]
          ignore_changes_to: [updated_at, ext.touched_by]
        """)
            .filter();
    UnifiedOrder paid = order(OrderStatus.PAID, COMMIT, "orders_01");
    UnifiedOrder touched = order(OrderStatus.PAID, COMMIT.plusSeconds(9), "orders_01");
    UnifiedOrder done = order(OrderStatus.SUCCEEDED, COMMIT.plusSeconds(9), "orders_01");

    assertThat(filter.decide(OrderChange.insert(paid, AT, COMMIT)).outcome())
        .isEqualTo(DmlFilter.Outcome.IGNORED_OPERATION);
    UnifiedOrder elsewhere = order(OrderStatus.PAID, COMMIT, "orders_93");
    assertThat(filter.decide(OrderChange.delete(elsewhere, AT, COMMIT)).outcome())
        .isEqualTo(DmlFilter.Outcome.IGNORED_TABLE);
    assertThat(filter.decide(OrderChange.update(paid, touched, AT, COMMIT)).outcome())
        .isEqualTo(DmlFilter.Outcome.IGNORED_FIELDS_ONLY);
    assertThat(filter.decide(OrderChange.update(paid, done, AT, COMMIT)).outcome())
        .isEqualTo(DmlFilter.Outcome.WRITE);
    assertThat(filter.decide(OrderChange.delete(paid, AT, COMMIT)).write().orElseThrow().action())
        .isEqualTo(OrderWrite.Action.DELETE);
    assertThat(filter.forComparison(paid)).isEqualTo(filter.forComparison(touched));
    assertThat(filter.forComparison(paid)).isNotEqualTo(filter.forComparison(done));
  }

  @Test
  void shouldNameTheKeyOfEveryBadProcessingSetting() {
    assertThatThrownBy(() ->
            line(
                """
                processing:
                  deletes: purge
                  ignore_operations: [upsert]
                  ignore_changes_to: [modified_at]
                  retry: 3
                """))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("processing.deletes: 'purge' is not archive or delete")
        .hasMessageContaining("processing.ignore_operations: 'upsert' is not an operation")
        .hasMessageContaining("processing.ignore_changes_to: 'modified_at' is not a field")
        .hasMessageContaining("processing.retry");
  }

  @Test
  void shouldReadBackEverySourceValueTypeExactly() {
    Map<String, Optional<Object>> values = new LinkedHashMap<>();
    values.put("id", Optional.of(42L));
    values.put("big", Optional.of(new BigInteger("18446744073709551615")));
    values.put("amount", Optional.of(new BigDecimal("12.50")));
    values.put("rate", Optional.of(0.25d));
    values.put("name", Optional.of("充值 😀"));
    values.put("blob", Optional.of(new byte[] {0, (byte) 0xFF}));
    values.put("day", Optional.of(LocalDate.of(2025, 6, 18)));
    values.put("at", Optional.of(LocalDateTime.of(2025, 6, 18, 10, 0, 0, 125_000_000)));
    values.put("clock", Optional.of(LocalTime.of(10, 0)));
    values.put("ts", Optional.of(Instant.parse("2025-06-18T02:00:00.5Z")));
    values.put("gone", Optional.empty());

    SourceRow row = SourceRowJson.read("shop", "orders_01", SourceRowJson.write(values));

    assertThat(row.schema()).isEqualTo("shop");
    for (var entry : values.entrySet()) {
      assertThat(row.has(entry.getKey())).isTrue();
      if (entry.getValue().orElse(null) instanceof byte[] bytes) {
        assertThat((byte[]) row.value(entry.getKey()).orElseThrow()).isEqualTo(bytes);
      } else {
        assertThat(row.value(entry.getKey())).as(entry.getKey()).isEqualTo(entry.getValue());
      }
    }
    assertThat(row.has("missing")).isFalse();
  }
}
