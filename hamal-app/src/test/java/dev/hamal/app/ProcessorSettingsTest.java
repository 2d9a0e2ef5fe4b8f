package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processor's file: defaults, every section, overrides, and messages that name the key. */
class ProcessorSettingsTest {
  @TempDir Path dir;

  private ProcessorSettings parse(String yaml, Map<String, String> env) {
    return ProcessorSettings.parse(dir.resolve("processor.yaml"), yaml, env);
  }

  @Test
  void shouldApplyDefaultsAndEnableOnlyTheStoresGiven() {
    ProcessorSettings s =
        parse(
            """
            kafka: {bootstrap-servers: k1:9092}
            store: {shards: "jdbc:mariadb://db1:3306/orders, jdbc:mariadb://db2:3306/orders"}
            """,
            Map.of());

    assertThat(s.processor().groupOf("store")).isEqualTo("hamal-store-writer");
    assertThat(s.processor().maxBatch()).isEqualTo(2000);
    assertThat(s.processor().deadLetterTopic()).isEqualTo("hamal.dead-letters");
    assertThat(s.processor().topicPattern().matcher("hamal.orders.topup").matches()).isTrue();
    assertThat(s.businessLines()).isEqualTo(dir.resolve("business-lines"));
    assertThat(s.store().orElseThrow().shards())
        .containsExactly("jdbc:mariadb://db1:3306/orders", "jdbc:mariadb://db2:3306/orders");
    assertThat(s.store().orElseThrow().poolSize()).isEqualTo(8);
    assertThat(s.index()).isEmpty();
    assertThat(s.cache()).isEmpty();
    assertThat(s.reconcile()).isEmpty();
    assertThat(s.metricsPort()).isEqualTo(9405);
  }

  @Test
  void shouldReadEverySectionAndLetTheEnvironmentOverride() {
    ProcessorSettings s =
        parse(
            """
            kafka: {bootstrap-servers: k1:9092, group-prefix: blue-}
            max-batch: 500
            consumers-per-sink: 3
            retry: {initial: 50ms, max: 2s}
            store: {shards: "jdbc:mariadb://db1/o", user: w, password: "env:STORE_PW"}
            index: {hosts: "http://s1:9200,http://s2:9200", refresh-interval: 5s, replicas: 1}
            cache: {redis: "redis://c1:6379/2", key-prefix: "o:", near-cache-size: 10}
            reconcile: {zookeeper: "zk1:2181", interval: 1m, window: 2h, delay: 0s, repair: true}
            """,
            Map.of("HAMAL_MAX_BATCH", "700", "HAMAL_INDEX_SHARDS", "4"));

    assertThat(s.processor().maxBatch()).isEqualTo(700);
    assertThat(s.processor().consumersPerSink()).isEqualTo(3);
    assertThat(s.processor().retryMax()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.processor().groupOf("index")).isEqualTo("blue-index-writer");
    assertThat(s.store().orElseThrow().passwordRef()).contains("env:STORE_PW");
    assertThat(s.index().orElseThrow().hosts()).hasSize(2);
    assertThat(s.index().orElseThrow().shards()).isEqualTo(4);
    assertThat(s.index().orElseThrow().refreshInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.cache().orElseThrow().keyPrefix()).isEqualTo("o:");
    assertThat(s.cache().orElseThrow().nearCacheSize()).isEqualTo(10);
    var reconcile = s.reconcile().orElseThrow();
    assertThat(reconcile.window()).isEqualTo(Duration.ofHours(2));
    assertThat(reconcile.delay()).isEqualTo(Duration.ZERO);
    assertThat(reconcile.repair()).isTrue();
    assertThat(reconcile.sourceSslMode()).isEqualTo("verify-full");
    assertThat(s.toString()).doesNotContain("STORE_PW=");
  }

  @Test
  void shouldReportEveryProblemWithItsKey() {
    assertThatThrownBy(() ->
            parse(
                """
                kafka: {group-prefix: "a b"}
                max-batch: 0
                store: {pool-size: 9999, password: hunter2}
                index: {hosts: "ftp://x"}
                cache: {redis: "redis://c1"}
                colour: blue
                """,
                Map.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("kafka.bootstrap-servers: is required")
        .hasMessageContaining("kafka.group-prefix")
        .hasMessageContaining("max-batch: '0' is not accepted")
        .hasMessageContaining("store.shards: is required")
        .hasMessageContaining("store.pool-size: '9999' is not accepted")
        .hasMessageContaining("store.password: 'hunter2' is not accepted")
        .hasMessageContaining("index.hosts: 'ftp://x' is not http(s)://host:port")
        .hasMessageContaining("colour: unknown key");
  }

  @Test
  void shouldRefuseAFileWithoutAnyStore() {
    assertThatThrownBy(() -> parse("kafka: {bootstrap-servers: k1:9092}\n", Map.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("no store is enabled");
  }

  @Test
  void shouldReadPasswordReferencesFromTheEnvironmentOrAFile() throws Exception {
    Path secret = dir.resolve("secret");
    Files.writeString(secret, "s3cret\nignored\n");
    assertThat(ProcessorSettings.resolve("env:PW", Map.of("PW", "x"))).isEqualTo("x");
    assertThat(ProcessorSettings.resolve("file:" + secret, Map.of())).isEqualTo("s3cret");
    assertThatThrownBy(() -> ProcessorSettings.resolve("env:MISSING", Map.of()))
        .hasMessageContaining("MISSING");
  }

  @Test
  void shouldReadTheStoreHistorySettingsWithTheirDefaultsOverridesAndRanges() {
    String file =
        """
        kafka: {bootstrap-servers: k1:9092}
        store: {shards: "jdbc:mariadb://db1/o"}
        """;
    var defaults = parse(file, Map.of()).store().orElseThrow();
    assertThat(defaults.history()).isTrue();
    assertThat(defaults.historyRetention()).isEqualTo(Duration.ofDays(30));

    var overridden =
        parse(file, Map.of("HAMAL_STORE_HISTORY", "false", "HAMAL_STORE_HISTORY_RETENTION", "7d"))
            .store()
            .orElseThrow();
    assertThat(overridden.history()).isFalse();
    assertThat(overridden.historyRetention()).isEqualTo(Duration.ofDays(7));
    assertThat(
            parse(file, Map.of("HAMAL_STORE_HISTORY_RETENTION", "36h"))
                .store()
                .orElseThrow()
                .historyRetention())
        .isEqualTo(Duration.ofHours(36));

    assertThatThrownBy(() ->
            parse(
                """
                kafka: {bootstrap-servers: k1:9092}
                store: {shards: "jdbc:mariadb://db1/o", history: maybe, history-retention: 30m}
                """,
                Map.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("store.history: 'maybe' is not accepted; expected true or false")
        .hasMessageContaining("store.history-retention: '30m' is not accepted")
        .hasMessageContaining("1h to 3650d");
    assertThatThrownBy(() -> parse(file, Map.of("HAMAL_STORE_HISTORY_RETENTION", "3651d")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HAMAL_STORE_HISTORY_RETENTION");
  }
}
