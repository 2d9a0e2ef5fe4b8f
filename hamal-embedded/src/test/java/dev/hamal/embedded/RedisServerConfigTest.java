package dev.hamal.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisServerConfigTest {

  @Test
  void shouldDefaultToAppendOnlyWithEverySecondFsync() {
    RedisServerConfig config = RedisServerConfig.builder().build();

    assertThat(config.appendOnly()).isTrue();
    assertThat(config.appendFsync()).isEqualTo(RedisServerConfig.AppendFsync.EVERYSEC);
    assertThat(config.binary()).isEqualTo(RedisServerConfig.Binary.AUTO);
    assertThat(config.port()).isEmpty();
    assertThat(config.dataDir()).isEmpty();
    assertThat(config.maxMemoryBytes()).isEmpty();
    assertThat(config.exitGrace()).isEqualTo(Duration.ZERO);
    assertThat(config.jvmScoped()).isFalse();
  }

  @Test
  void shouldRejectBadValuesNamingTheSetting() {
    RedisServerConfig.Builder builder = RedisServerConfig.builder();

    assertThatThrownBy(() -> builder.port(70_000)).hasMessageContaining("port");
    assertThatThrownBy(() -> builder.maxMemoryBytes(10)).hasMessageContaining("maxMemoryBytes");
    assertThatThrownBy(() -> builder.maxMemoryPolicy("lru")).hasMessageContaining("volatile-lru");
    assertThatThrownBy(() -> builder.serverArgs(List.of("--port", "1")))
        .hasMessageContaining("--port");
    assertThatThrownBy(() -> builder.startTimeout(Duration.ZERO))
        .hasMessageContaining("startTimeout");
    assertThatThrownBy(() -> builder.exitGrace(Duration.ofSeconds(-1)))
        .hasMessageContaining("exitGrace");
  }
}
