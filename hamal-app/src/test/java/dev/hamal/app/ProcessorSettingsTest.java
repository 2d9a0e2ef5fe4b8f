package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processor's part of hamal.yaml: defaults, every section, overrides, messages naming keys. */
class ProcessorSettingsTest {
  @TempDir Path dir;

  private ProcessorSettings parse(String yaml, Map<String, String> env) {
    return ProcessorSettings.parse(dir.resolve("hamal.yaml"), yaml, env);
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
    assertThat(s.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.processor().sessionTimeout()).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void shouldReadTheConsumersSessionTimeoutWithinTheBrokersUsualBounds() {
    String yaml =
        """
        kafka: {bootstrap-servers: k1:9092}
        store: {shards: "jdbc:mariadb://db1:3306/orders"}
        processor: {session-timeout: 10s}
        """;
    assertThat(parse(yaml, Map.of()).processor().sessionTimeout())
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(
            parse(yaml, Map.of("HAMAL_PROCESSOR_SESSION_TIMEOUT", "2m"))
                .processor()
                .sessionTimeout())
        .isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> parse(yaml.replace("10s", "2s"), Map.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("processor.session-timeout");
  }

  @Test
  void shouldReadEverySectionAndLetTheEnvironmentOverride() {
    ProcessorSettings s =
        parse(
            """
            zookeeper: {connect: "zk1:2181", namespace: blue, session-timeout: 20s}
            kafka: {bootstrap-servers: k1:9092, group-prefix: blue-}
            store: {shards: "jdbc:mariadb://db1/o", user: w, password: "env:STORE_PW"}
            index: {hosts: "http://s1:9200,http://s2:9200", refresh-interval: 5s, replicas: 1}
            cache: {redis: "redis://c1:6379/2", key-prefix: "o:", near-cache-size: 10}
            processor:
              max-batch: 500
              consumers-per-sink: 3
              retry: {initial: 50ms, max: 2s}
              shutdown-grace: 15s
              reconcile: {interval: 1m, window: 2h, delay: 0s, repair: true}
            """,
            Map.of(
                "HAMAL_PROCESSOR_MAX_BATCH", "700",
                "HAMAL_INDEX_SHARDS", "4",
                "HAMAL_PROCESSOR_RECONCILE_SOURCE_SSL_MODE", "trust",
                "STORE_PW", "pw"));

    assertThat(s.processor().maxBatch()).isEqualTo(700);
    assertThat(s.processor().consumersPerSink()).isEqualTo(3);
    assertThat(s.processor().retryMax()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.processor().groupOf("index")).isEqualTo("blue-index-writer");
    assertThat(s.store().orElseThrow().password().orElseThrow()).hasToString("env:STORE_PW");
    assertThat(s.index().orElseThrow().hosts()).hasSize(2);
    assertThat(s.index().orElseThrow().shards()).isEqualTo(4);
    assertThat(s.index().orElseThrow().refreshInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.cache().orElseThrow().keyPrefix()).isEqualTo("o:");
    assertThat(s.cache().orElseThrow().nearCacheSize()).isEqualTo(10);
    assertThat(s.shutdownGrace()).isEqualTo(Duration.ofSeconds(15));
    var reconcile = s.reconcile().orElseThrow();
    assertThat(reconcile.coordination().connectString()).isEqualTo("zk1:2181");
    assertThat(reconcile.coordination().namespace()).isEqualTo("blue");
    assertThat(reconcile.coordination().sessionTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(reconcile.window()).isEqualTo(Duration.ofHours(2));
    assertThat(reconcile.delay()).isEqualTo(Duration.ZERO);
    assertThat(reconcile.repair()).isTrue();
    assertThat(reconcile.sourceSslMode()).isEqualTo("trust");
    assertThat(s.toString()).contains("env:STORE_PW").doesNotContain("=pw");
  }

  @Test
  void shouldReportEveryProblemWithItsKeyAndNeverRepeatASecret() {
    assertThatThrownBy(() ->
            parse(
                """
                kafka: {group-prefix: "a b"}
                store: {pool-size: 9999, password: hunter2}
                index: {hosts: "ftp://x"}
                cache: {redis: "redis://c1"}
                processor: {max-batch: 0, reconcile: {}}
                colour: blue
                """,
                Map.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("kafka.bootstrap-servers: is required by the processor")
        .hasMessageContaining("kafka.group-prefix")
        .hasMessageContaining("processor.max-batch: '0' is not accepted")
        .hasMessageContaining("store.shards: is required by an enabled store")
        .hasMessageContaining("store.pool-size: '9999' is not accepted")
        .hasMessageContaining("store.password: must be a reference env:VARIABLE or file:PATH")
        .hasMessageContaining("index.hosts: 'ftp://x' is not http(s)://host:port")
        .hasMessageContaining("zookeeper.connect: is required by processor.reconcile")
        .hasMessageContaining("colour: unknown key")
        .message()
        .doesNotContain("hunter2");
  }

  @Test
  void shouldRefuseAFileWithoutAnyStore() {
    assertThatThrownBy(() -> parse("kafka: {bootstrap-servers: k1:9092}\n", Map.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("the processor has no store to write");
    assertThatThrownBy(() ->
            parse(
                "kafka: {bootstrap-servers: k1:9092}\nstore: {enabled: false, shards: jdbc:x}\n",
                Map.of()))
        .hasMessageContaining("the processor has no store to write");
  }

  @Test
  void shouldEnableAStoreGivenOnlyByTheEnvironment() {
    ProcessorSettings s =
        parse(
            "kafka: {bootstrap-servers: k1:9092}\n",
            Map.of("HAMAL_CACHE_REDIS", "redis://c9:6379"));
    assertThat(s.cache().orElseThrow().redis()).isEqualTo("redis://c9:6379");
  }

  @Test
  void shouldReadTheStoresSecretsAtStartAndReportAMissingOneWithTheOtherProblems()
      throws Exception {
    Path secret = dir.resolve("index-password");
    Files.writeString(secret, "s3cret\n");
    String yaml =
        """
        kafka: {bootstrap-servers: k1:9092}
        store: {shards: "jdbc:mariadb://db1/o", password: env:STORE_PW}
        index: {hosts: "http://s1:9200", username: hamal, password: file:index-password}
        cache: {redis: "redis://c1:6379", password: file:missing-password}
        processor: {max-batch: 0}
        """;
    assertThatThrownBy(() -> parse(yaml, Map.of()))
        .hasMessageContaining("store.password (env:STORE_PW): the environment variable STORE_PW")
        .hasMessageContaining(
            "cache.password (file:" + dir.resolve("missing-password") + "): cannot be read")
        .hasMessageContaining("processor.max-batch")
        .message()
        .doesNotContain("s3cret");
    ProcessorSettings s =
        parse(
            yaml.replace("missing-password", "index-password")
                .replace("max-batch: 0", "max-batch: 9"),
            Map.of("STORE_PW", "x"));
    assertThat(s.index().orElseThrow().password().orElseThrow().resolve(Map.of()))
        .isEqualTo("s3cret");
  }

  @Test
  void shouldReadPipePasswordReferencesFromTheEnvironmentOrAFile() throws Exception {
    Path secret = dir.resolve("secret");
    Files.writeString(secret, "s3cret\nignored\n");
    assertThat(Passwords.resolve("env:PW", Map.of("PW", "x"))).isEqualTo("x");
    assertThat(Passwords.resolve("file:" + secret, Map.of())).isEqualTo("s3cret");
    assertThatThrownBy(() -> Passwords.resolve("env:MISSING", Map.of()))
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
