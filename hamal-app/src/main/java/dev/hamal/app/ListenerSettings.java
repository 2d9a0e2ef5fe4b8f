package dev.hamal.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamal.binlog.SslMode;
import dev.hamal.coordination.CoordinatorConfig;
import dev.hamal.listener.ListenerConfig;
import dev.hamal.listener.Topics;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The listener role's configuration: one YAML file (see {@code docs/listener.md} and {@code
 * examples/listener.yaml}), each scalar key overridable by an environment variable {@code
 * HAMAL_<KEY>} (the key path upper-cased, {@code .} and {@code -} turned into {@code _}, e.g.
 * {@code HAMAL_KAFKA_BOOTSTRAP_SERVERS}); Kafka producer settings by {@code
 * HAMAL_KAFKA_PRODUCER_<SETTING>} ({@code _} becomes {@code .}, lower case). A blank variable
 * counts as unset.
 *
 * <p>Reading is strict: an unknown key, a list where a value belongs, a value of the wrong shape or
 * out of range are all collected and reported together in one {@link SettingsException}, each
 * naming the file (or the variable), the key and what is accepted. Ranges are those of {@link
 * CoordinatorConfig} and {@link ListenerConfig}, checked here so that messages use this file's key
 * names; the two configs validate again when built (cross-key rules such as {@code
 * zookeeper.retry.max-sleep >= base-sleep} are reported from there, prefixed with the file).
 *
 * <p>Values are immutable. Source passwords are never here (pipes reference them in ZooKeeper as
 * {@code env:VAR} or {@code file:PATH}); producer settings may hold credentials ({@code
 * sasl.jaas.config}, {@code ssl.*.password}), so only their names are ever logged.
 *
 * @param file the file read (absolute)
 * @param instanceId {@code instance-id}
 * @param coordination the {@code zookeeper} section
 * @param kafkaBootstrapServers {@code kafka.bootstrap-servers}
 * @param topicTemplate {@code kafka.topic-template}
 * @param deadLetterTopic {@code kafka.dead-letter-topic}
 * @param topicPartitions {@code kafka.topic-partitions}
 * @param producer {@code kafka.producer.*}, by Kafka setting name
 * @param businessLines {@code business-lines}, a directory of business-line files
 * @param commitInterval {@code commit-interval}
 * @param statusInterval {@code status-interval}
 * @param stopTimeout {@code stop-timeout}
 * @param decodeThreads {@code decode-threads}
 * @param sourceTls {@code source-tls}
 * @param metricsHost {@code metrics.host}, the address the metrics endpoint binds to
 * @param metricsPort {@code metrics.port}, 0 when metrics are not served
 */
record ListenerSettings(
    Path file,
    String instanceId,
    CoordinatorConfig coordination,
    String kafkaBootstrapServers,
    String topicTemplate,
    String deadLetterTopic,
    int topicPartitions,
    Map<String, String> producer,
    Path businessLines,
    Duration commitInterval,
    Duration statusInterval,
    Duration stopTimeout,
    int decodeThreads,
    SslMode sourceTls,
    String metricsHost,
    int metricsPort) {

  /** Prefix of every environment variable that overrides a key. */
  static final String ENV_PREFIX = "HAMAL_";

  private static final String PRODUCER = "kafka.producer";
  private static final String PRODUCER_ENV = envName(PRODUCER) + "_";
  private static final Set<String> SECTIONS =
      Set.of("zookeeper", "zookeeper.retry", "kafka", "metrics");
  private static final Pattern INSTANCE_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h)");
  private static final String DURATION_FORM = "a duration such as 500ms, 15s, 2m or 1h";

  /** Copies the producer settings. */
  ListenerSettings {
    producer = Map.copyOf(producer);
  }

  /**
   * Reads a configuration file with the environment's overrides; the default instance id is this
   * host's name and this process's id.
   *
   * @throws SettingsException naming the file, the key and what is accepted for every problem
   */
  static ListenerSettings load(Path file, Map<String, String> environment) {
    String text = SettingsReader.readFile(file);
    return parse(
        file, text, environment, defaultInstanceId(hostName(), ProcessHandle.current().pid()));
  }

  /**
   * Parses {@code yaml} as if read from {@code file} (relative paths in it are resolved against the
   * file's directory).
   *
   * @param defaultInstanceId the instance id when neither the file nor the environment gives one
   * @throws SettingsException naming the file, the key and what is accepted for every problem
   */
  static ListenerSettings parse(
      Path file, String yaml, Map<String, String> environment, String defaultInstanceId) {
    Path absolute = file.toAbsolutePath().normalize();
    JsonNode root = SettingsReader.parseYaml(file, yaml);
    SettingsReader r =
        new SettingsReader(file.toString(), root, environment, SECTIONS, Optional.of(PRODUCER));
    String instanceId =
        r.text(
            "instance-id",
            defaultInstanceId,
            INSTANCE_ID.pattern(),
            INSTANCE_ID.asMatchPredicate());
    Optional<String> connect = r.required("zookeeper.connect", "host:port[,host:port...]");
    String namespace =
        r.text("zookeeper.namespace", "hamal", NAMESPACE.pattern(), NAMESPACE.asMatchPredicate());
    Duration sessionTimeout =
        r.duration(
            "zookeeper.session-timeout", "15s", Duration.ofSeconds(1), Duration.ofMinutes(10));
    Duration connectionTimeout =
        r.duration(
            "zookeeper.connection-timeout", "15s", Duration.ofMillis(100), Duration.ofMinutes(10));
    Duration baseSleep =
        r.duration(
            "zookeeper.retry.base-sleep", "500ms", Duration.ofMillis(1), Duration.ofMinutes(1));
    Duration maxSleep =
        r.duration("zookeeper.retry.max-sleep", "5s", Duration.ofMillis(1), Duration.ofMinutes(10));
    int maxRetries = r.integer("zookeeper.retry.max-retries", 3, 0, 29);
    Duration resync =
        r.duration("zookeeper.resync-interval", "30s", Duration.ofMillis(100), Duration.ofHours(1));
    Duration handOff =
        r.duration(
            "zookeeper.hand-off-timeout", "30s", Duration.ofMillis(100), Duration.ofHours(1));

    Optional<String> bootstrap = r.required("kafka.bootstrap-servers", "host:port[,host:port...]");
    String template =
        r.text(
            "kafka.topic-template",
            Topics.DEFAULT_TEMPLATE,
            "a Kafka topic name ([a-zA-Z0-9._-]) containing {line}",
            t -> t.contains("{line}") && TOPIC.matcher(t.replace("{line}", "x")).matches());
    String deadLetters =
        r.text(
            "kafka.dead-letter-topic",
            Topics.DEFAULT_DEAD_LETTERS,
            "a Kafka topic name ([a-zA-Z0-9._-], 1-249 characters)",
            t -> TOPIC.matcher(t).matches());
    int partitions = r.integer("kafka.topic-partitions", 6, 1, 10_000);
    Map<String, String> producer = r.producer();

    String lines = r.text("business-lines", "./business-lines", "a directory", s -> !s.isBlank());
    Path linesDir =
        r.fromEnvironment("business-lines")
            ? Path.of(lines).toAbsolutePath().normalize()
            : absolute.getParent().resolve(lines).normalize();
    Duration commit =
        r.duration("commit-interval", "1s", Duration.ofMillis(1), Duration.ofHours(1));
    Duration status =
        r.duration("status-interval", "5s", Duration.ofMillis(1), Duration.ofHours(1));
    Duration stop = r.duration("stop-timeout", "60s", Duration.ofMillis(1), Duration.ofHours(1));
    int decodeThreads =
        r.integer("decode-threads", Math.min(8, Runtime.getRuntime().availableProcessors()), 1, 64);
    SslMode tls = r.choice("source-tls", SslMode.class, SslMode.PREFERRED);
    String metricsHost =
        r.text("metrics.host", "0.0.0.0", "a host name or address", s -> !s.isBlank());
    int metricsPort = r.integer("metrics.port", 9404, 0, 65_535);
    r.rejectUnknownKeys();
    r.throwIfProblems();

    try {
      CoordinatorConfig coordination =
          CoordinatorConfig.builder(connect.orElseThrow())
              .namespace(namespace)
              .sessionTimeout(sessionTimeout)
              .connectionTimeout(connectionTimeout)
              .retry(baseSleep, maxSleep, maxRetries)
              .resyncInterval(resync)
              .handOffTimeout(handOff)
              .build();
      ListenerSettings settings =
          new ListenerSettings(
              absolute,
              instanceId,
              coordination,
              bootstrap.orElseThrow(),
              template,
              deadLetters,
              partitions,
              producer,
              linesDir,
              commit,
              status,
              stop,
              decodeThreads,
              tls,
              metricsHost,
              metricsPort);
      settings.listenerConfig(
          Optional.empty()); // the listener's own checks, before anything starts
      return settings;
    } catch (IllegalArgumentException e) {
      throw new SettingsException(
          List.of(file + ": " + e.getMessage().replace("coordination.", "zookeeper.")));
    }
  }

  /**
   * A copy with another instance id (the {@code --instance-id} option).
   *
   * @throws IllegalArgumentException when the id is not accepted
   */
  ListenerSettings withInstanceId(String id) {
    if (!INSTANCE_ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "--instance-id: '" + id + "' is not accepted; it must match " + INSTANCE_ID.pattern());
    }
    return new ListenerSettings(
        file,
        id,
        coordination,
        kafkaBootstrapServers,
        topicTemplate,
        deadLetterTopic,
        topicPartitions,
        producer,
        businessLines,
        commitInterval,
        statusInterval,
        stopTimeout,
        decodeThreads,
        sourceTls,
        metricsHost,
        metricsPort);
  }

  /** Every setting but the producer settings' values, which may be credentials. */
  @Override
  public String toString() {
    return "ListenerSettings[file=%s, instanceId=%s, zookeeper=%s/%s, kafka=%s, producer=%s, topics=%s|%s, partitions=%d, businessLines=%s, commit=%s, status=%s, stop=%s, decodeThreads=%d, sourceTls=%s, metrics=%s:%d]"
        .formatted(
            file,
            instanceId,
            coordination.connectString(),
            coordination.namespace(),
            kafkaBootstrapServers,
            producer.keySet(),
            topicTemplate,
            deadLetterTopic,
            topicPartitions,
            businessLines,
            commitInterval,
            statusInterval,
            stopTimeout,
            decodeThreads,
            sourceTls,
            metricsHost,
            metricsPort);
  }

  /** The listener instance's settings; {@code metricsUrl} is what the instance registers. */
  ListenerConfig listenerConfig(Optional<URI> metricsUrl) {
    ListenerConfig.Builder b =
        ListenerConfig.builder(instanceId, kafkaBootstrapServers)
            .topics(new Topics(topicTemplate, deadLetterTopic))
            .producerSettings(Map.copyOf(producer))
            .commitInterval(commitInterval)
            .statusInterval(statusInterval)
            .stopTimeout(stopTimeout)
            .decodeThreads(decodeThreads)
            .sslMode(sourceTls)
            .topicPartitions(topicPartitions);
    metricsUrl.ifPresent(b::metricsUrl);
    return b.build();
  }

  /** The environment variable that overrides {@code key}: {@code HAMAL_} + key, upper case, _. */
  static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * The default instance id: {@code host-pid}, lower case, characters an id may not hold turned
   * into {@code -}, at most 63 characters.
   */
  static String defaultInstanceId(String host, long pid) {
    String suffix = "-" + pid;
    String h =
        host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-").replaceAll("^[^a-z0-9]+", "");
    if (h.isEmpty()) {
      h = "listener";
    }
    if (h.length() + suffix.length() > 63) {
      h = h.substring(0, 63 - suffix.length());
    }
    return h + suffix;
  }

  /**
   * Parses a duration such as {@code 500ms}, {@code 15s}, {@code 2m} or {@code 1h}.
   *
   * @throws IllegalArgumentException when the text has another form
   */
  static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not " + DURATION_FORM);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /** How durations are printed in messages and docs: the largest exact unit. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1_000 == 0 && ms > 0) {
      return ms / 1_000 + "s";
    }
    return ms + "ms";
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
