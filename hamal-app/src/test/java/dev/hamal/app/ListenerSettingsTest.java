package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.binlog.SslMode;
import dev.hamal.listener.ListenerConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListenerSettingsTest {
  private static final String MINIMAL =
      """
      zookeeper:
        connect: zk1:2181
      kafka:
        bootstrap-servers: k1:9092
      """;

  @TempDir Path dir;

  private ListenerSettings parse(String yaml) {
    return parse(yaml, Map.of());
  }

  private ListenerSettings parse(String yaml, Map<String, String> env) {
    return ListenerSettings.parse(dir.resolve("hamal.yaml"), yaml, env, "host-42");
  }

  private String problemsOf(String yaml, Map<String, String> env) {
    try {
      parse(yaml, env);
    } catch (SettingsException e) {
      return e.getMessage();
    }
    throw new AssertionError("no problem reported for\n" + yaml);
  }

  @Test
  void shouldReadEveryKey() {
    ListenerSettings s =
        parse(
            """
            zookeeper:
              connect: 127.0.0.1:2181,127.0.0.2:2181
              namespace: orders
              session-timeout: 20s
              connection-timeout: 3s
              retry:
                base-sleep: 100ms
                max-sleep: 2s
                max-retries: 5
              resync-interval: 1m
              hand-off-timeout: 45s
            kafka:
              bootstrap-servers: 127.0.0.1:9092
              topic-template: shop.{line}.changes
              dead-letter-topic: shop.dead
              topic-partitions: 12
              producer: { compression.type: lz4, linger: { ms: 5 } }
            business-lines: conf/lines
            listener:
              instance-id: listener-1
              commit-interval: 500ms
              status-interval: 2s
              stop-timeout: 2m
              decode-threads: 3
              source-tls: required
              shutdown-grace: 45s
              metrics:
                host: 127.0.0.1
                port: 9500
            """);
    assertThat(s.instanceId()).isEqualTo("listener-1");
    assertThat(s.coordination().connectString()).isEqualTo("127.0.0.1:2181,127.0.0.2:2181");
    assertThat(s.coordination().namespace()).isEqualTo("orders");
    assertThat(s.coordination().sessionTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(s.coordination().connectionTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.coordination().retryBaseSleep()).isEqualTo(Duration.ofMillis(100));
    assertThat(s.coordination().retryMaxSleep()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.coordination().retryMaxRetries()).isEqualTo(5);
    assertThat(s.coordination().resyncInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.coordination().handOffTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(s.kafkaBootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(s.kafka().topicTemplate()).isEqualTo("shop.{line}.changes");
    assertThat(s.kafka().deadLetterTopic()).isEqualTo("shop.dead");
    assertThat(s.kafka().topicPartitions()).isEqualTo(12);
    assertThat(s.kafka().producer())
        .containsExactlyInAnyOrderEntriesOf(Map.of("compression.type", "lz4", "linger.ms", "5"));
    assertThat(s.businessLines()).isEqualTo(dir.resolve("conf/lines").toAbsolutePath());
    assertThat(s.commitInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.statusInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.stopTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.decodeThreads()).isEqualTo(3);
    assertThat(s.sourceTls()).isEqualTo(SslMode.REQUIRED);
    assertThat(s.metricsHost()).isEqualTo("127.0.0.1");
    assertThat(s.metricsPort()).isEqualTo(9500);
    assertThat(s.shutdownGrace()).isEqualTo(Duration.ofSeconds(45));

    ListenerConfig config =
        s.listenerConfig(Optional.of(URI.create("http://h:9500/metrics")), Map.of());
    assertThat(config.instanceId()).isEqualTo("listener-1");
    assertThat(config.topics().forLine("topup")).isEqualTo("shop.topup.changes");
    assertThat(config.topics().deadLetters()).isEqualTo("shop.dead");
    assertThat(config.producerSettings()).containsEntry("compression.type", "lz4");
    assertThat(config.sslMode()).isEqualTo(SslMode.REQUIRED);
    assertThat(config.metricsUrl()).contains(URI.create("http://h:9500/metrics"));
  }

  @Test
  void shouldUseTheDocumentedDefaultsForEverythingButTheTwoRequiredKeys() {
    ListenerSettings s = parse(MINIMAL);
    assertThat(s.instanceId()).isEqualTo("host-42");
    assertThat(s.coordination().namespace()).isEqualTo("hamal");
    assertThat(s.coordination().sessionTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(s.coordination().connectionTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(s.coordination().retryBaseSleep()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.coordination().retryMaxSleep()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.coordination().retryMaxRetries()).isEqualTo(3);
    assertThat(s.coordination().resyncInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.coordination().handOffTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.kafka().topicTemplate()).isEqualTo("hamal.orders.{line}");
    assertThat(s.kafka().deadLetterTopic()).isEqualTo("hamal.dead-letters");
    assertThat(s.kafka().topicPartitions()).isEqualTo(6);
    assertThat(s.kafka().producerNames()).isEmpty();
    assertThat(s.businessLines()).isEqualTo(dir.resolve("business-lines").toAbsolutePath());
    assertThat(s.commitInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.statusInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.stopTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.decodeThreads())
        .isEqualTo(Math.min(8, Runtime.getRuntime().availableProcessors()));
    assertThat(s.sourceTls()).isEqualTo(SslMode.PREFERRED);
    assertThat(s.metricsHost()).isEqualTo("0.0.0.0");
    assertThat(s.metricsPort()).isEqualTo(9404);
    assertThat(s.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void shouldParseDurationsInMillisecondsSecondsMinutesAndHours() {
    assertThat(SettingsReader.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(SettingsReader.parseDuration("15s")).isEqualTo(Duration.ofSeconds(15));
    assertThat(SettingsReader.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(SettingsReader.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(SettingsReader.parseDuration("30d")).isEqualTo(Duration.ofDays(30));
    for (String bad : new String[] {"15", "1.5s", "-1s", "s", "15 sec", "PT15S", ""}) {
      assertThatThrownBy(() -> SettingsReader.parseDuration(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("500ms, 15s, 2m, 1h or 30d");
    }
  }

  @Test
  void shouldRejectADurationWithoutUnitNamingFileKeyAndAcceptedForm() {
    String problems = problemsOf(MINIMAL + "listener: {commit-interval: 15}\n", Map.of());
    assertThat(problems)
        .contains(dir.resolve("hamal.yaml").toString())
        .contains("listener.commit-interval")
        .contains("'15'")
        .contains("such as 500ms, 15s, 2m, 1h");
  }

  @Test
  void shouldRejectADurationOutOfRangeNamingTheRange() {
    assertThat(
            problemsOf(
                MINIMAL.replace("connect: zk1:2181", "connect: zk1:2181\n  session-timeout: 500ms"),
                Map.of()))
        .contains("zookeeper.session-timeout")
        .contains("from 1s to 10m");
  }

  @Test
  void shouldLetEnvironmentVariablesOverrideTheFile() {
    ListenerSettings s =
        parse(
            MINIMAL,
            Map.of(
                "HAMAL_ZOOKEEPER_CONNECT", "zk9:2181",
                "HAMAL_KAFKA_BOOTSTRAP_SERVERS", "k9:9092",
                "HAMAL_ZOOKEEPER_SESSION_TIMEOUT", "30s",
                "HAMAL_ZOOKEEPER_RETRY_MAX_RETRIES", "7",
                "HAMAL_LISTENER_INSTANCE_ID", "from-env",
                "HAMAL_LISTENER_METRICS_PORT", "0",
                "HAMAL_LISTENER_SOURCE_TLS", "disabled",
                "HAMAL_KAFKA_PRODUCER_COMPRESSION_TYPE", "zstd",
                "HAMAL_LISTENER_DECODE_THREADS", " ",
                "HAMAL_LOG_LEVEL", "DEBUG"));
    assertThat(s.coordination().connectString()).isEqualTo("zk9:2181");
    assertThat(s.kafkaBootstrapServers()).isEqualTo("k9:9092");
    assertThat(s.coordination().sessionTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.coordination().retryMaxRetries()).isEqualTo(7);
    assertThat(s.instanceId()).isEqualTo("from-env");
    assertThat(s.metricsPort()).isZero();
    assertThat(s.sourceTls()).isEqualTo(SslMode.DISABLED);
    assertThat(s.kafka().producer()).containsEntry("compression.type", "zstd");
    assertThat(s.decodeThreads()).as("a blank variable counts as unset").isPositive();
  }

  @Test
  void shouldGiveTheRequiredKeysFromTheEnvironmentAlone() {
    ListenerSettings s =
        parse(
            "",
            Map.of(
                "HAMAL_ZOOKEEPER_CONNECT", "zk:2181", "HAMAL_KAFKA_BOOTSTRAP_SERVERS", "k:9092"));
    assertThat(s.coordination().connectString()).isEqualTo("zk:2181");
  }

  @Test
  void shouldResolveABusinessLinesDirectoryFromTheEnvironmentAgainstTheWorkingDirectory() {
    ListenerSettings s = parse(MINIMAL, Map.of("HAMAL_BUSINESS_LINES", "lines"));
    assertThat(s.businessLines()).isEqualTo(Path.of("lines").toAbsolutePath());
  }

  @Test
  void shouldNameTheVariableWhenAnOverrideIsBad() {
    assertThat(problemsOf(MINIMAL, Map.of("HAMAL_KAFKA_TOPIC_PARTITIONS", "many")))
        .contains("HAMAL_KAFKA_TOPIC_PARTITIONS (overrides kafka.topic-partitions of")
        .contains("a whole number from 1 to 10000");
  }

  @Test
  void shouldRejectAnUnknownKeyNamingFileKeyAndTheAcceptedKeys() {
    String problems = problemsOf(MINIMAL + "comit-interval: 1s\n", Map.of());
    assertThat(problems)
        .contains(dir.resolve("hamal.yaml") + ": comit-interval: unknown key")
        .contains("business-lines")
        .contains("zookeeper")
        .contains("listener")
        .contains("gateway");
  }

  @Test
  void shouldRejectAnUnknownNestedKeyListingTheKeysOfItsSection() {
    String problems =
        problemsOf(
            MINIMAL.replace("connect: zk1:2181", "connect: zk1:2181\n  timeout: 5s"), Map.of());
    assertThat(problems)
        .contains("zookeeper.timeout: unknown key; accepted keys under zookeeper:")
        .contains("session-timeout")
        .contains("retry");
  }

  @Test
  void shouldReportEveryProblemAtOnce() {
    SettingsException e =
        (SettingsException)
            org.assertj.core.api.Assertions.catchThrowable(() ->
                parse(
                    """
                    zookeeper: {}
                    kafka:
                      topic-partitions: 0
                    listener:
                      source-tls: sometimes
                      decode-threads: [1, 2]
                      metrics: 9404
                    """));
    assertThat(e.problems())
        .anyMatch(p ->
            p.contains("zookeeper.connect: is required by the listener")
                && p.contains("HAMAL_ZOOKEEPER_CONNECT"))
        .anyMatch(p -> p.contains("kafka.bootstrap-servers: is required"))
        .anyMatch(p -> p.contains("kafka.topic-partitions") && p.contains("from 1 to 10000"))
        .anyMatch(p ->
            p.contains("listener.source-tls")
                && p.contains("'sometimes'")
                && p.contains("DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY"))
        .anyMatch(p -> p.contains("listener.decode-threads: must be a single value, not a list"))
        .anyMatch(p -> p.contains("listener.metrics: must be a mapping with the keys host, port"));
  }

  @Test
  void shouldRejectBadTopicsAndNamespaceNamingTheKey() {
    assertThat(
            problemsOf(
                MINIMAL + "  topic-template: orders\n  dead-letter-topic: 'dead letters'\n",
                Map.of()))
        .contains("kafka.topic-template: 'orders' is not accepted; expected")
        .contains("{line}")
        .contains("kafka.dead-letter-topic");
    assertThat(problemsOf(MINIMAL.replace("zk1:2181", "zk1:2181\n  namespace: Hamal/x"), Map.of()))
        .contains("zookeeper.namespace: 'Hamal/x' is not accepted");
  }

  @Test
  void shouldReportCrossKeyRulesWithTheFileAndThisFilesKeyNames() {
    assertThat(
            problemsOf(
                MINIMAL.replace(
                    "zk1:2181", "zk1:2181\n  retry: { base-sleep: 10s, max-sleep: 1s }"),
                Map.of()))
        .startsWith(dir.resolve("hamal.yaml").toString())
        .contains("zookeeper.retry.max-sleep")
        .doesNotContain("coordination.");
  }

  @Test
  void shouldNameFileAndLineOfAYamlSyntaxError() {
    assertThat(problemsOf("zookeeper:\n  connect: [oops\n", Map.of()))
        .startsWith(dir.resolve("hamal.yaml") + ":")
        .contains("not valid YAML");
    assertThat(problemsOf(MINIMAL + "kafka: {}\n", Map.of())).contains("Duplicate");
  }

  @Test
  void shouldNameTheFileThatCannotBeRead() {
    assertThatThrownBy(() -> ListenerSettings.load(dir.resolve("missing.yaml"), Map.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("missing.yaml: cannot be read");
  }

  @Test
  void shouldLoadAFileFromDisk() throws Exception {
    Path file = dir.resolve("conf.yaml");
    Files.writeString(file, MINIMAL, StandardCharsets.UTF_8);
    ListenerSettings s = ListenerSettings.load(file, Map.of());
    assertThat(s.file()).isEqualTo(file.toAbsolutePath());
    assertThat(s.instanceId()).endsWith("-" + ProcessHandle.current().pid());
  }

  @Test
  void shouldSanitiseTheDefaultInstanceId() {
    assertThat(ListenerSettings.defaultInstanceId("Web-01.Example.COM", 4711))
        .isEqualTo("web-01-example-com-4711");
    assertThat(ListenerSettings.defaultInstanceId("--", 7)).isEqualTo("listener-7");
    assertThat(ListenerSettings.defaultInstanceId("h".repeat(100), 123456))
        .hasSize(63)
        .endsWith("-123456");
  }

  @Test
  void shouldValidateAnInstanceIdFromTheCommandLine() {
    assertThat(parse(MINIMAL).withInstanceId("other").instanceId()).isEqualTo("other");
    assertThatThrownBy(() -> parse(MINIMAL).withInstanceId("Not Valid"))
        .hasMessageContaining("--instance-id")
        .hasMessageContaining("[a-z0-9][a-z0-9_-]{0,62}");
  }

  @Test
  void shouldReadProducerCredentialsOnlyThroughReferencesAndNeverShowThem() {
    String jaas = "PlainLoginModule required username=\"u\" password=\"secret-jaas\";";
    Map<String, String> env = Map.of("KAFKA_JAAS", jaas);
    ListenerSettings s =
        parse(
            MINIMAL
                + "  producer: { sasl.jaas.config: 'env:KAFKA_JAAS', security.protocol: SASL_SSL }\n",
            env);
    assertThat(s.toString()).contains("sasl.jaas.config").doesNotContain("secret-jaas");
    assertThat(s.kafka().producer()).doesNotContainKey("sasl.jaas.config");
    assertThat(s.listenerConfig(Optional.empty(), env).producerSettings())
        .containsEntry("sasl.jaas.config", jaas)
        .containsEntry("security.protocol", "SASL_SSL");

    String problems =
        problemsOf(MINIMAL + "  producer: { ssl.key.password: 'hunter2' }\n", Map.of());
    assertThat(problems)
        .contains("kafka.producer.ssl.key.password: holds a credential")
        .doesNotContain("hunter2");
    assertThat(problemsOf(MINIMAL + "  producer: { sasl.jaas.config: 'env:NOT_SET' }\n", Map.of()))
        .contains("kafka.producer.sasl.jaas.config (env:NOT_SET)")
        .contains("NOT_SET is not set");
  }

  @Test
  void shouldRefuseProducerSettingsThatHamalFixes() {
    assertThat(parse(MINIMAL + "  producer: { acks: all, enable.idempotence: true }\n").kafka())
        .extracting(SharedSettings.Kafka::producer)
        .isEqualTo(Map.of("acks", "all", "enable.idempotence", "true"));
    assertThat(
            problemsOf(
                MINIMAL + "  producer: { acks: 1, enable.idempotence: false, client.id: x }\n",
                Map.of()))
        .contains(
            "kafka.producer.acks: '1' is not accepted; the listener always produces with acks=all")
        .contains("kafka.producer.enable.idempotence: 'false' is not accepted")
        .contains("kafka.producer.client.id: is set by Hamal");
  }

  @Test
  void shouldNameTheEnvironmentVariableOfAKey() {
    assertThat(SettingsReader.envName("kafka.bootstrap-servers"))
        .isEqualTo("HAMAL_KAFKA_BOOTSTRAP_SERVERS");
    assertThat(SettingsReader.envName("zookeeper.retry.base-sleep"))
        .isEqualTo("HAMAL_ZOOKEEPER_RETRY_BASE_SLEEP");
    assertThat(SettingsReader.envName("gateway.server.port"))
        .isEqualTo("HAMAL_GATEWAY_SERVER_PORT");
  }
}
