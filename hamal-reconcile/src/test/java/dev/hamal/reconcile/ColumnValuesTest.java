package dev.hamal.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ColumnValuesTest {
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  @Test
  void shouldBoundDatetimeColumnsInTheLineZoneAndTimestampColumnsInUtc() {
    Instant start = Instant.parse("2026-03-10T15:30:00Z");

    assertThat(ColumnValues.bound(ColumnValues.Kind.DATETIME, start, SHANGHAI))
        .isEqualTo("2026-03-10 23:30:00.000000");
    assertThat(ColumnValues.bound(ColumnValues.Kind.DATE, start, SHANGHAI))
        .isEqualTo("2026-03-10 23:30:00.000000");
    assertThat(ColumnValues.bound(ColumnValues.Kind.TIMESTAMP, start, SHANGHAI))
        .isEqualTo("2026-03-10 15:30:00.000000");
  }

  @Test
  void shouldReadUnsignedBigintAsBigIntegerOnlyBeyondTheLongRange() {
    assertThat(ColumnValues.kindOf("bigint", "bigint(20) unsigned"))
        .isEqualTo(ColumnValues.Kind.UNSIGNED_BIGINT);
    assertThat(ColumnValues.kindOf("int", "int(10) unsigned")).isEqualTo(ColumnValues.Kind.INTEGER);
    assertThat(ColumnValues.kindOf("longtext", "longtext")).isEqualTo(ColumnValues.Kind.TEXT);
    assertThat(ColumnValues.kindOf("enum", "enum('a','b')")).isEqualTo(ColumnValues.Kind.TEXT);
  }
}
