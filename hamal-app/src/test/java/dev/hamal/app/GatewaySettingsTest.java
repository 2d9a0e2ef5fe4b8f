package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.gateway.SearchLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's file: defaults, every section, overrides, and messages that name the key. */
class GatewaySettingsTest {
  @TempDir Path dir;

  private GatewaySettings parse(String yaml, Map<String, String> env) {
    return GatewaySettings.parse(dir.resolve("gateway.yaml"), yaml, env);
  }

  @Test
  void shouldApplyDefaultsWithOnlyTheRequiredKeys() {
    GatewaySettings s =
        parse(
            """
            cursor-secret: env:SECRET
            database: {jdbc-url: "jdbc:mariadb://db:3306/gw"}
            store: {shards: "jdbc:mariadb://db:3306/orders"}
            """,
            Map.of());
    assertThat(s.server().port()).isEqualTo(8080);
    assertThat(s.server().maxConcurrentRequests()).isEqualTo(2048);
    assertThat(s.server().console()).isTrue();
    assertThat(s.keyCacheTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.store()).isPresent();
    assertThat(s.store().orElseThrow().searchTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.index()).isEmpty();
    assertThat(s.cache()).isEmpty();
    assertThat(s.productLines()).isEmpty();
    assertThat(s.subscriptions()).isEmpty();
    assertThat(s.levels().get(SearchLevel.PRODUCT_LINE).ratePerSecond()).isEqualTo(50);
    assertThat(s.levels().get(SearchLevel.CACHE).timeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.businessLines()).isEqualTo(dir.resolve("business-lines"));
  }

  @Test
  void shouldReadTheExampleFileAndLetTheEnvironmentOverride() throws Exception {
    Path example = Path.of("..", "examples", "gateway.yaml");
    String yaml = Files.readString(example);
    GatewaySettings s =
        parse(yaml, Map.of("HAMAL_SERVER_PORT", "9090", "HAMAL_LEVELS_STORE_TIMEOUT", "300ms"));
    assertThat(s.server().port()).isEqualTo(9090);
    assertThat(s.levels().get(SearchLevel.STORE).timeout()).isEqualTo(Duration.ofMillis(300));
    assertThat(s.productLines().orElseThrow().maxConnections()).isEqualTo(2);
    assertThat(s.subscriptions().orElseThrow().allowPrivateTargets()).isFalse();
    assertThat(s.cache()).isPresent();
    assertThat(s.index()).isPresent();
    assertThat(s.masking().common()).isNotEmpty();
  }

  @Test
  void shouldTurnTheConsoleOffFromTheFileOrTheEnvironment() {
    String yaml =
        """
        cursor-secret: env:SECRET
        database: {jdbc-url: "jdbc:mariadb://db:3306/gw"}
        store: {shards: "jdbc:mariadb://db:3306/orders"}
        server: {console: false}
        """;
    assertThat(parse(yaml, Map.of()).server().console()).isFalse();
    assertThat(parse(yaml, Map.of("HAMAL_SERVER_CONSOLE", "true")).server().console()).isTrue();
  }

  @Test
  void shouldNameEveryBadKey() {
    assertThatThrownBy(() ->
            parse(
                """
                cursor-secret: "plain text secret"
                database: {jdbc-url: "jdbc:mariadb://db:3306/gw", pool-size: 0}
                server: {port: 70000, console: maybe}
                levels: {store: {timeout: forever}}
                store: {shards: "jdbc:mariadb://db:3306/orders", search-timeout: 1500ms}
                masking: {rules: "ext.mobile:SHOUT"}
                surprise: 1
                """,
                Map.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("cursor-secret")
        .hasMessageContaining("database.pool-size")
        .hasMessageContaining("server.port")
        .hasMessageContaining("server.console")
        .hasMessageContaining("levels.store.timeout")
        .hasMessageContaining("store.search-timeout")
        .hasMessageContaining("masking.rules")
        .hasMessageContaining("surprise");
  }

  @Test
  void shouldRefuseAGatewayWithoutALevel() {
    assertThatThrownBy(() ->
            parse(
                """
                cursor-secret: env:SECRET
                database: {jdbc-url: "jdbc:mariadb://db:3306/gw"}
                """,
                Map.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("no level is enabled");
  }
}
