package dev.hamal.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerConfigTest {

  @TempDir Path dir;

  @Test
  void shouldDefaultToFreePortsOnePartitionNoAutoCreationAndHalfAGigabyteHeap() {
    KafkaBrokerConfig config = KafkaBrokerConfig.builder().build();

    assertThat(config.port()).isEmpty();
    assertThat(config.controllerPort()).isEmpty();
    assertThat(config.dataDir()).isEmpty();
    assertThat(config.partitions()).isEqualTo(1);
    assertThat(config.autoCreateTopics()).isFalse();
    assertThat(config.logRetention()).isEqualTo(Duration.ofDays(7));
    assertThat(config.maxHeapMegabytes()).isEqualTo(512);
    assertThat(config.jvmArgs()).isEmpty();
    assertThat(config.brokerProperties()).isEmpty();
    assertThat(config.startTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.stopTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.exitGrace()).isZero();
    assertThat(config.jvmScoped()).isFalse();
  }

  @Test
  void shouldKeepEveryConfiguredValue() {
    KafkaBrokerConfig config =
        KafkaBrokerConfig.builder()
            .port(19_092)
            .controllerPort(19_093)
            .dataDir(dir.resolve("kafka"))
            .partitions(6)
            .autoCreateTopics(true)
            .logRetention(Duration.ofHours(1))
            .maxHeapMegabytes(256)
            .jvmArgs(List.of("-XX:+UseSerialGC"))
            .brokerProperties(Map.of("log.segment.bytes", "1048576"))
            .startTimeout(Duration.ofSeconds(5))
            .stopTimeout(Duration.ofSeconds(6))
            .exitGrace(Duration.ofSeconds(7))
            .jvmScoped(true)
            .build();

    assertThat(config.port()).hasValue(19_092);
    assertThat(config.controllerPort()).hasValue(19_093);
    assertThat(config.dataDir()).contains(dir.resolve("kafka"));
    assertThat(config.partitions()).isEqualTo(6);
    assertThat(config.autoCreateTopics()).isTrue();
    assertThat(config.logRetention()).isEqualTo(Duration.ofHours(1));
    assertThat(config.maxHeapMegabytes()).isEqualTo(256);
    assertThat(config.jvmArgs()).containsExactly("-XX:+UseSerialGC");
    assertThat(config.brokerProperties()).containsEntry("log.segment.bytes", "1048576");
    assertThat(config.startTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.stopTimeout()).isEqualTo(Duration.ofSeconds(6));
    assertThat(config.exitGrace()).isEqualTo(Duration.ofSeconds(7));
    assertThat(config.jvmScoped()).isTrue();
  }

  @Test
  void shouldRejectInvalidValuesNamingTheSetting() {
    KafkaBrokerConfig.Builder builder = KafkaBrokerConfig.builder();

    assertThatThrownBy(() -> builder.port(-1)).hasMessageContaining("port");
    assertThatThrownBy(() -> builder.controllerPort(65_536)).hasMessageContaining("controllerPort");
    assertThatThrownBy(() -> builder.partitions(0)).hasMessageContaining("partitions");
    assertThatThrownBy(() -> builder.logRetention(Duration.ofMillis(10)))
        .hasMessageContaining("logRetention");
    assertThatThrownBy(() -> builder.maxHeapMegabytes(64)).hasMessageContaining("maxHeapMegabytes");
    assertThatThrownBy(() -> builder.jvmArgs(List.of("-cp", "x")))
        .hasMessageContaining("class path");
    assertThatThrownBy(() -> builder.jvmArgs(List.of("Xmx1g"))).hasMessageContaining("jvmArgs");
    assertThatThrownBy(() -> builder.brokerProperties(Map.of("listeners", "PLAINTEXT://:9092")))
        .hasMessageContaining("listeners");
    assertThatThrownBy(() -> builder.startTimeout(Duration.ZERO))
        .hasMessageContaining("startTimeout");
    assertThatThrownBy(() -> builder.exitGrace(Duration.ofSeconds(-1)))
        .hasMessageContaining("exitGrace");
    assertThatThrownBy(() -> KafkaBrokerConfig.builder().port(9092).controllerPort(9092).build())
        .hasMessageContaining("must differ");
  }
}
