package dev.hamal.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderIndexConfigTest {

  private static final URI HOST = URI.create("http://127.0.0.1:9200");

  @Test
  void shouldDefaultToOneShardNoReplicaAndASecondOfRefresh() {
    OrderIndexConfig config = OrderIndexConfig.builder(HOST).build();

    assertThat(config.indexPrefix()).isEqualTo("hamal-orders");
    assertThat(config.shards()).isEqualTo(1);
    assertThat(config.replicas()).isZero();
    assertThat(config.refreshInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.username()).isEmpty();
  }

  @Test
  void shouldMaskThePassword() {
    OrderIndexConfig config = OrderIndexConfig.builder(HOST).credentials("hamal", "s3cret").build();

    assertThat(config.toString()).contains("hamal").doesNotContain("s3cret");
  }

  @Test
  void shouldRejectBadValuesNamingTheSetting() {
    assertThatThrownBy(() -> OrderIndexConfig.builder(List.of())).hasMessageContaining("hosts");
    assertThatThrownBy(() -> OrderIndexConfig.builder(URI.create("localhost:9200")))
        .hasMessageContaining("hosts");
    assertThatThrownBy(() -> OrderIndexConfig.builder(URI.create("http://h:9200/prefix")))
        .hasMessageContaining("hosts");
    assertThatThrownBy(() -> OrderIndexConfig.builder(HOST).indexPrefix("Orders"))
        .hasMessageContaining("indexPrefix");
    assertThatThrownBy(() -> OrderIndexConfig.builder(HOST).shards(0))
        .hasMessageContaining("shards");
    assertThatThrownBy(() -> OrderIndexConfig.builder(HOST).refreshInterval(Duration.ZERO))
        .hasMessageContaining("refreshInterval");
  }
}
