package dev.hamal.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class MonthlyIndicesTest {

  private final MonthlyIndices indices = new MonthlyIndices("hamal-orders");

  @Test
  void shouldNameTheIndexAfterTheUtcMonthOfCreation() {
    assertThat(indices.of(Instant.parse("2025-06-18T02:03:04.5Z")))
        .isEqualTo("hamal-orders-2025.06");
    assertThat(indices.of(Instant.parse("2025-12-31T23:59:59.999999999Z")))
        .isEqualTo("hamal-orders-2025.12");
    assertThat(indices.of(Instant.parse("2026-01-01T00:00:00Z"))).isEqualTo("hamal-orders-2026.01");
  }

  @Test
  void shouldReadThroughTheAliasAndMatchEveryMonthWithThePattern() {
    assertThat(indices.alias()).isEqualTo("hamal-orders");
    assertThat(indices.pattern()).isEqualTo("hamal-orders-*");
  }
}
