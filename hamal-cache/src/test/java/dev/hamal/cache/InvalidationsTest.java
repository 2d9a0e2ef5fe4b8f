package dev.hamal.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.order.OrderVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvalidationsTest {

  @Test
  void shouldReadBackEveryIdIncludingOnesWithSpacesAndNewlines() {
    List<Invalidations> changes =
        List.of(
            new Invalidations("topup:1", new OrderVersion(42, 1234, 3)),
            new Invalidations("fuel: 7\nx", new OrderVersion(1, 2, 0)),
            new Invalidations("", new OrderVersion(0, 0, 0)));

    assertThat(Invalidations.decode(Invalidations.encode(changes))).isEqualTo(changes);
  }

  @Test
  void shouldRefuseAMessageOfAnotherFormatOrCutShort() {
    String message =
        Invalidations.encode(List.of(new Invalidations("topup:1", new OrderVersion(1, 2, 3))));

    assertThatThrownBy(() -> Invalidations.decode("2\n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Invalidations.decode(message.substring(0, message.length() - 3)))
        .isInstanceOf(RuntimeException.class);
  }
}
