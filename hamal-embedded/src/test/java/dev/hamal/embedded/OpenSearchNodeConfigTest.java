package dev.hamal.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenSearchNodeConfigTest {

  @Test
  void shouldDefaultToFreePortsATemporaryDirAndASmallHeap() {
    OpenSearchNodeConfig config = OpenSearchNodeConfig.builder().build();

    assertThat(config.port()).isEmpty();
    assertThat(config.transportPort()).isEmpty();
    assertThat(config.dataDir()).isEmpty();
    assertThat(config.maxHeapMegabytes()).isEqualTo(768);
    assertThat(config.clusterName()).isEqualTo("hamal");
    assertThat(config.jvmScoped()).isFalse();
    assertThat(config.startTimeout()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void shouldRejectSettingsTheEmbeddedNodeOwnsNamingTheKey() {
    assertThatThrownBy(
            () -> OpenSearchNodeConfig.builder().nodeSettings(Map.of("path.data", "/elsewhere")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("path.data");
  }

  @Test
  void shouldRejectOutOfRangeValuesNamingTheSetting() {
    assertThatThrownBy(() -> OpenSearchNodeConfig.builder().port(70_000))
        .hasMessageContaining("port");
    assertThatThrownBy(() -> OpenSearchNodeConfig.builder().maxHeapMegabytes(64))
        .hasMessageContaining("maxHeapMegabytes");
    assertThatThrownBy(() -> OpenSearchNodeConfig.builder().jvmArgs(List.of("-cp", "x")))
        .hasMessageContaining("class path");
    assertThatThrownBy(() -> OpenSearchNodeConfig.builder().port(9200).transportPort(9200).build())
        .hasMessageContaining("must differ");
    assertThatThrownBy(() -> OpenSearchNodeConfig.builder().clusterName("a b"))
        .hasMessageContaining("clusterName");
  }
}
