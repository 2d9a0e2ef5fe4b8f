package dev.hamal.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OrderCacheConfigTest {

  @Test
  void shouldDefaultAsDocumented() {
    OrderCacheConfig config = OrderCacheConfig.builder("redis://127.0.0.1:6379").build();

    assertThat(config.keyPrefix()).isEqualTo("hamal:order:");
    assertThat(config.invalidationChannel()).isEqualTo("hamal:order:invalidate");
    assertThat(config.liveTtl()).isEqualTo(Duration.ofDays(7));
    assertThat(config.tombstoneTtl()).isEqualTo(Duration.ofDays(1));
    assertThat(config.nearCacheMaxSize()).isEqualTo(100_000);
    assertThat(config.nearCacheTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.floorMaxSize()).isEqualTo(100_000);
    assertThat(config.commandTimeout()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void shouldMaskThePasswordWhenTheConfigurationIsLogged() {
    OrderCacheConfig config =
        OrderCacheConfig.builder("redis://app:s3cret@cache.internal:6380/2").build();

    assertThat(config.toString())
        .contains("redis://app:***@cache.internal:6380/2")
        .doesNotContain("s3cret");
    assertThat(OrderCacheConfig.builder("redis://:s3cret@h:1").build().maskedRedisUri())
        .isEqualTo("redis://:***@h:1");
  }

  @Test
  void shouldRejectBadValuesNamingTheSettingWithoutTheSecret() {
    assertThatThrownBy(() -> OrderCacheConfig.builder("http://u:s3cret@h:1"))
        .hasMessageContaining("redisUri")
        .hasMessageNotContaining("s3cret");
    OrderCacheConfig.Builder builder = OrderCacheConfig.builder("redis://h:1");
    assertThatThrownBy(() -> builder.liveTtl(Duration.ofMillis(10)))
        .hasMessageContaining("liveTtl");
    assertThatThrownBy(() -> builder.nearCacheMaxSize(-1)).hasMessageContaining("nearCacheMaxSize");
    assertThatThrownBy(() -> builder.keyPrefix(" ")).hasMessageContaining("keyPrefix");
    assertThatThrownBy(() -> builder.commandTimeout(Duration.ZERO))
        .hasMessageContaining("commandTimeout");
  }
}
