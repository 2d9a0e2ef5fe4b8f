package dev.hamal.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
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

  @Test
  void shouldMoveAnUpperBoundInARepeatedHourToTheHoursEnd() {
    ZoneId newYork = ZoneId.of("America/New_York");
    // 2025-11-02: 01:00-02:00 local happens twice; 06:30Z is 01:30 local in its second pass.
    Instant secondPass = Instant.parse("2025-11-02T06:30:00Z");
    Instant firstPass = Instant.parse("2025-11-02T05:30:00Z");

    assertThat(ColumnValues.upperBound(ColumnValues.Kind.DATETIME, secondPass, newYork))
        .isEqualTo("2025-11-02 02:00:00.000000");
    assertThat(ColumnValues.upperBound(ColumnValues.Kind.DATETIME, firstPass, newYork))
        .isEqualTo("2025-11-02 02:00:00.000000");
    assertThat(ColumnValues.bound(ColumnValues.Kind.DATETIME, secondPass, newYork))
        .isEqualTo("2025-11-02 01:30:00.000000");
    assertThat(
            ColumnValues.upperBound(
                ColumnValues.Kind.DATETIME, Instant.parse("2026-03-10T15:30:00Z"), SHANGHAI))
        .isEqualTo("2026-03-10 23:30:00.000000");
    assertThat(ColumnValues.upperBound(ColumnValues.Kind.TIMESTAMP, secondPass, newYork))
        .isEqualTo("2025-11-02 06:30:00.000000");
  }

  @Test
  void shouldBindOnlyTextsAColumnOfTheKindCanProduce() {
    assertThat(ColumnValues.parameterFor(ColumnValues.Kind.INTEGER, "42")).contains(42L);
    assertThat(ColumnValues.parameterFor(ColumnValues.Kind.INTEGER, "-7")).contains(-7L);
    assertThat(ColumnValues.parameterFor(ColumnValues.Kind.INTEGER, "042")).isEmpty();
    assertThat(ColumnValues.parameterFor(ColumnValues.Kind.INTEGER, "1 OR 1=1")).isEmpty();
    assertThat(ColumnValues.parameterFor(ColumnValues.Kind.INTEGER, "99999999999999999999"))
        .isEmpty();
    assertThat(ColumnValues.parameterFor(ColumnValues.Kind.UNSIGNED_BIGINT, "18446744073709551615"))
        .contains(new BigDecimal("18446744073709551615"));
    assertThat(ColumnValues.parameterFor(ColumnValues.Kind.UNSIGNED_BIGINT, "-1")).isEmpty();
    assertThat(ColumnValues.parameterFor(ColumnValues.Kind.DECIMAL, "5.00"))
        .contains(new BigDecimal("5.00"));
    assertThat(ColumnValues.parameterFor(ColumnValues.Kind.DECIMAL, "5e2")).isEmpty();
    assertThat(ColumnValues.parameterFor(ColumnValues.Kind.TEXT, "x' OR '1'='1"))
        .contains("x' OR '1'='1");
    assertThat(ColumnValues.parameterFor(ColumnValues.Kind.BINARY, "ab").map(b -> (byte[]) b))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo("ab".getBytes(StandardCharsets.UTF_8)));
    assertThat(ColumnValues.parameterFor(ColumnValues.Kind.INTEGER, ""))
        .isEqualTo(Optional.empty());
  }
}
