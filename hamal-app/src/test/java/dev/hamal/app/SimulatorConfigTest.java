package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimulatorConfigTest {

  @Test
  void shouldDefaultToAllLinesUntilClosed() {
    SimulatorConfig config = SimulatorConfig.builder().build();

    assertThat(config.lines()).containsExactly(ProductLine.values());
    assertThat(config.runsUntilClosed()).isTrue();
    assertThat(config.ordersPerSecond()).isEqualTo(20);
    assertThat(config.writers()).isEqualTo(4);
  }

  @Test
  void shouldNameTheSettingAndItsRangeWhenRejectingAValue() {
    assertThatThrownBy(() -> SimulatorConfig.builder().ordersPerSecond(0).build())
        .hasMessage("ordersPerSecond must be in [0.01, 100000], was 0");
    assertThatThrownBy(() -> SimulatorConfig.builder().writers(65).build())
        .hasMessage("writers must be in [1, 64], was 65");
    assertThatThrownBy(() -> SimulatorConfig.builder().timeScale(Double.NaN).build())
        .hasMessageStartingWith("timeScale must be in [0.001, 100]");
    assertThatThrownBy(() -> SimulatorConfig.builder().lines(Set.of()).build())
        .hasMessage("lines must name at least one product line");
    assertThatThrownBy(() -> SimulatorConfig.builder().duration(Duration.ofSeconds(-1)).build())
        .hasMessageStartingWith("duration must be zero (until closed) or positive");
    assertThatThrownBy(() -> new PromotionSpike(Duration.ZERO, Duration.ofSeconds(10), 0.5))
        .hasMessage("promotion rateMultiplier must be in [1, 1000], was 0.5");
  }

  @Test
  void shouldKeepLinesInDeclarationOrder() {
    SimulatorConfig config =
        SimulatorConfig.builder()
            .lines(List.of(ProductLine.GAMECARD, ProductLine.TOPUP))
            .spikes(List.of(new PromotionSpike(Duration.ofMinutes(1), Duration.ofMinutes(1), 5)))
            .build();

    assertThat(config.lines()).containsExactly(ProductLine.TOPUP, ProductLine.GAMECARD);
    assertThat(SimulatorConfig.builder().schemaPrefix("demo_").build().schema(ProductLine.TICKET))
        .isEqualTo("demo_ticket");
    assertThat(config.spikes()).hasSize(1);
  }
}
