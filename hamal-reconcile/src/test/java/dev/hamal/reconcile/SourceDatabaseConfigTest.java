package dev.hamal.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceDatabaseConfigTest {

  @Test
  void shouldMaskThePasswordAlsoInsideTheUrl() {
    var config =
        SourceDatabaseConfig.of(
            "jdbc:mariadb://db:3306/?user=r&password=hunter2&sslMode=trust", "r", "s3cret");

    assertThat(config.toString())
        .doesNotContain("hunter2")
        .doesNotContain("s3cret")
        .contains("password=****&sslMode=trust");
  }

  @Test
  void shouldRejectSettingsOutOfRangeNamingTheKey() {
    assertThatThrownBy(() -> SourceDatabaseConfig.of("mariadb://db", "r", ""))
        .hasMessageContaining("source.jdbc-url");
    assertThatThrownBy(() -> SourceDatabaseConfig.of("jdbc:mariadb://db/", " ", ""))
        .hasMessageContaining("source.user");
    assertThatThrownBy(() -> new SourceDatabaseConfig("jdbc:mariadb://db/", "r", "", 0))
        .hasMessageContaining("source.fetch-size");
  }

  @Test
  void shouldMaskSecretProducerSettingsOfTheRepairer() {
    var config =
        new RepairerConfig(
            "kafka:9092",
            RepairerConfig.DEFAULT_TOPIC_TEMPLATE,
            "reconcile",
            Map.of("sasl.jaas.config", "user=\"a\" password=\"b\"", "compression.type", "zstd"));

    assertThat(config.toString()).doesNotContain("password=\"b\"").contains("zstd");
    assertThat(config.topicOf("topup")).isEqualTo("hamal.orders.topup");
    assertThatThrownBy(() -> new RepairerConfig("kafka:9092", "orders", "c", Map.of()))
        .hasMessageContaining("kafka.topic-template");
  }
}
