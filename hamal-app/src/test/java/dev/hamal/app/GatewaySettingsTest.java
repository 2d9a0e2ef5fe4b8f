package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.gateway.SearchLevel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's part of hamal.yaml: defaults, every section, overrides, messages naming keys. */
class GatewaySettingsTest {
  private static final Map<String, String> SECRET = Map.of("SECRET", "0123456789abcdef".repeat(2));

  @TempDir Path dir;

  private GatewaySettings parse(String yaml, Map<String, String> env) {
    return GatewaySettings.parse(dir.resolve("hamal.yaml"), yaml, env);
  }

  @Test
  void shouldApplyDefaultsWithOnlyTheRequiredKeys() {
    GatewaySettings s =
        parse(
            """
            store: {shards: "jdbc:mariadb://db:3306/orders"}
            gateway:
              cursor-secret: env:SECRET
              database: {jdbc-url: "jdbc:mariadb://db:3306/gw"}
            """,
            SECRET);
    assertThat(s.server().port()).isEqualTo(8080);
    assertThat(s.server().maxConcurrentRequests()).isEqualTo(2048);
    assertThat(s.server().shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.server().console()).isTrue();
    assertThat(s.store().orElseThrow().history()).isTrue();
    assertThat(s.store().orElseThrow().historyRetention()).isEqualTo(Duration.ofDays(30));
    assertThat(s.keyCacheTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.store()).isPresent();
    assertThat(s.store().orElseThrow().searchTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.index()).isEmpty();
    assertThat(s.cache()).isEmpty();
    assertThat(s.productLines()).isEmpty();
    assertThat(s.subscriptions()).isEmpty();
    assertThat(s.operations()).isEmpty();
    assertThat(s.levels().get(SearchLevel.PRODUCT_LINE).ratePerSecond()).isEqualTo(50);
    assertThat(s.levels().get(SearchLevel.CACHE).timeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.businessLines()).isEqualTo(dir.resolve("business-lines"));
  }

  @Test
  void shouldTakeZooKeeperAndKafkaForItsFeaturesFromTheSharedSections() {
    GatewaySettings s =
        parse(
            """
            zookeeper: {connect: "zk1:2181", namespace: blue}
            kafka: {bootstrap-servers: "k1:9092", topic-pattern: 'blue\\.orders\\..+', dead-letter-topic: blue.dead}
            cache: {redis: "redis://c1:6379"}
            gateway:
              cursor-secret: env:SECRET
              database: {jdbc-url: "jdbc:mariadb://db:3306/gw"}
              product-lines: {max-connections: 3}
              subscriptions: {max-attempts: 4}
              operations: {enabled: true}
            """,
            SECRET);
    assertThat(s.productLines().orElseThrow().coordination().namespace()).isEqualTo("blue");
    assertThat(s.productLines().orElseThrow().maxConnections()).isEqualTo(3);
    assertThat(s.subscriptions().orElseThrow().bootstrapServers()).isEqualTo("k1:9092");
    assertThat(s.subscriptions().orElseThrow().topicPattern()).isEqualTo("blue\\.orders\\..+");
    assertThat(s.subscriptions().orElseThrow().maxAttempts()).isEqualTo(4);
    assertThat(s.operations().orElseThrow().coordination().connectString()).isEqualTo("zk1:2181");
    assertThat(s.operations().orElseThrow().deadLetterTopic()).isEqualTo("blue.dead");
  }

  @Test
  void shouldNameTheSharedKeysItsFeaturesNeed() {
    assertThatThrownBy(() ->
            parse(
                """
                cache: {redis: "redis://c1:6379"}
                gateway:
                  cursor-secret: env:SECRET
                  database: {jdbc-url: "jdbc:mariadb://db:3306/gw"}
                  product-lines: {}
                  subscriptions: {}
                  operations: {}
                """,
                SECRET))
        .hasMessageContaining("zookeeper.connect: is required by gateway.product-lines")
        .hasMessageContaining("zookeeper.connect: is required by gateway.operations")
        .hasMessageContaining("kafka.bootstrap-servers: is required by gateway.subscriptions");
  }

  @Test
  void shouldNameEveryBadKey() {
    assertThatThrownBy(() ->
            parse(
                """
                store: {shards: "jdbc:mariadb://db:3306/orders", search-timeout: 1500ms}
                gateway:
                  cursor-secret: "plain text secret"
                  database: {jdbc-url: "jdbc:mariadb://db:3306/gw", pool-size: 0}
                  server: {port: 70000}
                  levels: {store: {timeout: forever}}
                  masking: {rules: "ext.mobile:SHOUT"}
                  surprise: 1
                """,
                Map.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("gateway.cursor-secret: must be a reference")
        .hasMessageContaining("gateway.database.pool-size")
        .hasMessageContaining("gateway.server.port")
        .hasMessageContaining("gateway.levels.store.timeout")
        .hasMessageContaining("store.search-timeout")
        .hasMessageContaining("gateway.masking.rules")
        .hasMessageContaining("gateway.surprise: unknown key; accepted keys under gateway:")
        .message()
        .doesNotContain("plain text secret");
  }

  @Test
  void shouldRefuseAGatewayWithoutALevelOrItsRequiredKeys() {
    assertThatThrownBy(() -> parse("gateway: {}\n", Map.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("the gateway has no level to read orders from")
        .hasMessageContaining("gateway.database.jdbc-url: is required by the gateway")
        .hasMessageContaining("gateway.cursor-secret: is required by the gateway");
  }

  @Test
  void shouldRefuseACursorSecretShorterThan32BytesAtStart() {
    assertThatThrownBy(() ->
            parse(
                """
                store: {shards: "jdbc:mariadb://db:3306/orders"}
                gateway:
                  cursor-secret: env:SECRET
                  database: {jdbc-url: "jdbc:mariadb://db:3306/gw"}
                """,
                Map.of("SECRET", "too-short-a-secret")))
        .hasMessageContaining(
            "gateway.cursor-secret (env:SECRET): the secret has 18 bytes; it needs at least 32")
        .message()
        .doesNotContain("too-short-a-secret");
  }

  @Test
  void shouldLetTheEnvironmentOverrideNestedKeys() {
    GatewaySettings s =
        parse(
            """
            store: {shards: "jdbc:mariadb://db:3306/orders"}
            gateway:
              cursor-secret: env:SECRET
              database: {jdbc-url: "jdbc:mariadb://db:3306/gw"}
            """,
            Map.of(
                "SECRET", "0123456789abcdef0123456789abcdef",
                "HAMAL_GATEWAY_SERVER_PORT", "9090",
                "HAMAL_GATEWAY_LEVELS_STORE_TIMEOUT", "300ms",
                "HAMAL_GATEWAY_LEVELS_PRODUCT_LINE_RATE_LIMIT", "7"));
    assertThat(s.server().port()).isEqualTo(9090);
    assertThat(s.levels().get(SearchLevel.STORE).timeout()).isEqualTo(Duration.ofMillis(300));
    assertThat(s.levels().get(SearchLevel.PRODUCT_LINE).ratePerSecond()).isEqualTo(7);
  }

  @Test
  void shouldTurnTheConsoleOffAndLetTheEnvironmentTurnItBackOn() {
    String yaml =
        """
        store: {shards: "jdbc:mariadb://db:3306/orders"}
        gateway:
          cursor-secret: env:SECRET
          database: {jdbc-url: "jdbc:mariadb://db:3306/gw"}
          server: {console: false}
        """;
    assertThat(parse(yaml, SECRET).server().console()).isFalse();
    Map<String, String> on = new java.util.HashMap<>(SECRET);
    on.put("HAMAL_GATEWAY_SERVER_CONSOLE", "true");
    assertThat(parse(yaml, on).server().console()).isTrue();
  }
}
