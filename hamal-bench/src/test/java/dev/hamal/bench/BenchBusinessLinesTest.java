package dev.hamal.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.app.LineOrder;
import dev.hamal.app.OrderSpec;
import dev.hamal.app.OrderStatus;
import dev.hamal.app.ProductLine;
import dev.hamal.order.BusinessLine;
import dev.hamal.order.BusinessLines;
import dev.hamal.order.SourceRow;
import dev.hamal.order.UnifiedOrder;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The benchmark's business lines map every row the workload writes: each status code a product line
 * stores becomes the unified status of the same name (no row goes to the dead letters), and the
 * total amount arrives in minor units whatever unit the line stores.
 */
class BenchBusinessLinesTest {
  private static final Map<ProductLine, String> TOTAL_COLUMN =
      Map.of(
          ProductLine.TOPUP, "sale_price",
          ProductLine.FUELCARD, "total_cent",
          ProductLine.TICKET, "total_amount",
          ProductLine.GAMECARD, "total_fee");

  private record Row(String schema, String table, Map<String, Object> values) implements SourceRow {
    @Override
    public boolean has(String column) {
      return true;
    }

    @Override
    public Optional<Object> value(String column) {
      return Optional.ofNullable(values.get(column));
    }
  }

  @ParameterizedTest
  @EnumSource(ProductLine.class)
  void shouldMapEveryStatusAndTheTotalOfTheWorkloadsRows(ProductLine productLine) {
    BusinessLines lines = PipelineListener.businessLines();
    assertThat(lines.pipes()).containsExactly(PipelineListener.PIPE);
    SplittableRandom random = new SplittableRandom(3);
    for (int id = 1; id <= 50; id++) {
      LineOrder order =
          productLine.newOrder(
              new OrderSpec(
                  id,
                  1 + random.nextLong(100_000),
                  LocalDateTime.of(2026, 1, 1, 8, 0),
                  id % 2 == 0),
              random);
      String schema = "bench_" + productLine.schema();
      BusinessLine line = lines.forTable(schema, order.table()).orElseThrow();
      for (OrderStatus status : OrderStatus.values()) {
        Map<String, Object> values = new HashMap<>(order.row());
        values.put(productLine.statusColumn(), productLine.statusCode(status));
        UnifiedOrder mapped = line.map(new Row(schema, order.table(), values));
        assertThat(mapped.status().name()).isEqualTo(status.name());
        Object total = values.get(TOTAL_COLUMN.get(productLine));
        long minor =
            total instanceof BigDecimal decimal
                ? decimal.movePointRight(2).longValueExact()
                : ((Number) total).longValue();
        assertThat(mapped.totalAmount()).isEqualTo(minor).isPositive();
      }
    }
  }
}
