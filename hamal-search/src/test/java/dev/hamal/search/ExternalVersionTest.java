package dev.hamal.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.order.OrderVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExternalVersionTest {

  @Test
  void shouldPreserveTheOrderOfVersionsThatFit() {
    Random random = new Random(7);
    List<OrderVersion> versions = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      versions.add(
          new OrderVersion(
              random.nextInt(4) == 0 ? ExternalVersion.MAX_FILE_SEQUENCE : random.nextInt(300),
              random.nextInt(3) == 0
                  ? ExternalVersion.MAX_POSITION
                  : (long) (random.nextDouble() * ExternalVersion.MAX_POSITION),
              random.nextInt(3) == 0 ? ExternalVersion.MAX_ROW_INDEX : random.nextInt(10)));
    }
    for (int i = 1; i < versions.size(); i++) {
      OrderVersion a = versions.get(i - 1);
      OrderVersion b = versions.get(i);
      long ea = ExternalVersion.of(a).orElseThrow();
      long eb = ExternalVersion.of(b).orElseThrow();
      assertThat(ea).isNotNegative();
      assertThat(Long.signum(Long.compare(ea, eb))).isEqualTo(Integer.signum(a.compareTo(b)));
    }
  }

  @Test
  void shouldMapTheLargestVersionThatFitsToLongMaxValue() {
    OrderVersion largest =
        new OrderVersion(
            ExternalVersion.MAX_FILE_SEQUENCE,
            ExternalVersion.MAX_POSITION,
            ExternalVersion.MAX_ROW_INDEX);

    assertThat(ExternalVersion.of(largest)).hasValue(Long.MAX_VALUE);
    assertThat(ExternalVersion.of(new OrderVersion(0, 0, 0))).hasValue(0);
  }

  @Test
  void shouldHaveNoEncodingForAPartBeyondItsFieldAndSayWhich() {
    OrderVersion rows = new OrderVersion(1, 4, ExternalVersion.MAX_ROW_INDEX + 1);
    OrderVersion position = new OrderVersion(1, ExternalVersion.MAX_POSITION + 1, 0);
    OrderVersion file = new OrderVersion(ExternalVersion.MAX_FILE_SEQUENCE + 1, 4, 0);

    assertThat(ExternalVersion.of(rows)).isEmpty();
    assertThat(ExternalVersion.of(position)).isEmpty();
    assertThat(ExternalVersion.of(file)).isEmpty();
    assertThat(ExternalVersion.whyNot(rows)).contains("rowIndex 8192 exceeds 8191");
    assertThat(ExternalVersion.whyNot(position)).contains("position");
    assertThat(ExternalVersion.whyNot(file)).contains("fileSequence");
  }
}
