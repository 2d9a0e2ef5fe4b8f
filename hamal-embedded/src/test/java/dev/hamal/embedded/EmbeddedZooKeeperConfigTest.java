package dev.hamal.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EmbeddedZooKeeperConfigTest {

  @Test
  void shouldDefaultToAFreePortHalfSecondTicksAndCuratorsDefaultSessionAsMaximum() {
    EmbeddedZooKeeperConfig config = EmbeddedZooKeeperConfig.builder().build();

    assertThat(config.port()).isEmpty();
    assertThat(config.dataDir()).isEmpty();
    assertThat(config.tickTime()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.minSessionTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.maxSessionTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.startTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.jvmScoped()).isFalse();
  }

  @Test
  void shouldRejectInvalidValuesNamingTheSetting() {
    EmbeddedZooKeeperConfig.Builder builder = EmbeddedZooKeeperConfig.builder();

    assertThatThrownBy(() -> builder.port(70_000)).hasMessageContaining("port");
    assertThatThrownBy(() -> builder.tickTime(Duration.ofMillis(1)))
        .hasMessageContaining("tickTime");
    assertThatThrownBy(() -> builder.minSessionTimeout(Duration.ZERO))
        .hasMessageContaining("minSessionTimeout");
    assertThatThrownBy(() ->
            EmbeddedZooKeeperConfig.builder()
                .sessionTimeouts(Duration.ofSeconds(6), Duration.ofSeconds(2))
                .build())
        .hasMessageContaining("maxSessionTimeout");
    assertThatThrownBy(() ->
            EmbeddedZooKeeperConfig.builder()
                .tickTime(Duration.ofSeconds(2))
                .minSessionTimeout(Duration.ofSeconds(1))
                .build())
        .hasMessageContaining("minSessionTimeout must be at least tickTime");
  }
}
