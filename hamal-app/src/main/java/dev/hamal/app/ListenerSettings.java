package dev.hamal.app;

import dev.hamal.binlog.SslMode;
import dev.hamal.coordination.CoordinatorConfig;
import dev.hamal.listener.ListenerConfig;
import dev.hamal.listener.Topics;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the listener role reads of {@code hamal.yaml} ({@code docs/configuration.md}): the shared
 * {@code business-lines}, {@code zookeeper} and {@code kafka} sections (of which {@code
 * zookeeper.connect} and {@code kafka.bootstrap-servers} are required) and its own {@code listener}
 * section. The other roles' sections are accepted without being validated here.
 *
 * <p>Reading is strict ({@link SettingsReader}): every problem is reported at once, naming the file
 * or variable, the key and what is accepted. Ranges are those of {@link CoordinatorConfig} and
 * {@link ListenerConfig}, checked here so that messages use the file's key names; the configs
 * validate again when built (cross-key rules are reported from there, prefixed with the file).
 *
 * <p>Values are immutable. Source passwords are never here (pipes reference them in ZooKeeper as
 * {@code env:VAR} or {@code file:PATH}); Kafka producer credentials ({@code sasl.jaas.config},
 * {@code *.password}) are references too, resolved when the pipes' producers are configured, and
 * only their names are ever shown.
 *
 * @param file the file read (absolute)
 * @param businessLines {@code business-lines}, a directory of business-line files
 * @param coordination the {@code zookeeper} section
 * @param kafkaBootstrapServers {@code kafka.bootstrap-servers}
 * @param kafka the {@code kafka} section (topics, producer settings)
 * @param instanceId {@code listener.instance-id}
 * @param commitInterval {@code listener.commit-interval}
 * @param statusInterval {@code listener.status-interval}
 * @param stopTimeout {@code listener.stop-timeout}
 * @param decodeThreads {@code listener.decode-threads}
 * @param sourceTls {@code listener.source-tls}
 * @param shutdownGrace {@code listener.shutdown-grace}: the longest a stop on SIGTERM takes
 * @param metricsHost {@code listener.metrics.host}, the address the endpoint binds to
 * @param metricsPort {@code listener.metrics.port}, 0 when the endpoint is not served
 */
record ListenerSettings(
    Path file,
    Path businessLines,
    CoordinatorConfig coordination,
    String kafkaBootstrapServers,
    SharedSettings.Kafka kafka,
    String instanceId,
    Duration commitInterval,
    Duration statusInterval,
    Duration stopTimeout,
    int decodeThreads,
    SslMode sourceTls,
    Duration shutdownGrace,
    String metricsHost,
    int metricsPort) {

  private static final Pattern INSTANCE_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  /**
   * The {@code listener} section.
   *
   * @param instanceId the instance id
   * @param commitInterval how often positions are committed
   * @param statusInterval how often status is reported
   * @param stopTimeout how long a stopping pipe may take
   * @param decodeThreads decoding threads per pipe
   * @param sourceTls TLS towards the sources
   * @param shutdownGrace the bound of a stop on SIGTERM
   * @param metricsHost the endpoint's address
   * @param metricsPort the endpoint's port, 0 for none
   */
  record Section(
      String instanceId,
      Duration commitInterval,
      Duration statusInterval,
      Duration stopTimeout,
      int decodeThreads,
      SslMode sourceTls,
      Duration shutdownGrace,
      String metricsHost,
      int metricsPort) {}

  /**
   * Reads the file with the environment's overrides; the default instance id is this host's name
   * and this process's id.
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
    SettingsReader r = SettingsReader.of(file, yaml, environment);
    SharedSettings shared = SharedSettings.read(r);
    Section own = readSection(r, defaultInstanceId);
    Role.readSections(r, Optional.of(Role.LISTENER));
    Optional<CoordinatorConfig> coordination =
        r.need("zookeeper.connect", shared.zookeeper(), "host:port[,host:port...]", "the listener");
    Optional<String> bootstrap =
        r.need(
            "kafka.bootstrap-servers",
            shared.kafka().bootstrapServers(),
            "host:port[,host:port...]",
            "the listener");
    shared.kafka().producerSecrets().values().forEach(s -> r.checkReadable(Optional.of(s)));
    r.finish();
    ListenerSettings settings =
        new ListenerSettings(
            file.toAbsolutePath().normalize(),
            shared.businessLines(),
            coordination.orElseThrow(),
            bootstrap.orElseThrow(),
            shared.kafka(),
            own.instanceId(),
            own.commitInterval(),
            own.statusInterval(),
            own.stopTimeout(),
            own.decodeThreads(),
            own.sourceTls(),
            own.shutdownGrace(),
            own.metricsHost(),
            own.metricsPort());
    try {
      settings.config(shared.kafka().producer(), Optional.empty()); // the listener's own checks
    } catch (IllegalArgumentException e) {
      throw new SettingsException(List.of(file + ": " + e.getMessage()));
    }
    return settings;
  }

  /** Reads the {@code listener} section. */
  static Section readSection(SettingsReader r, String defaultInstanceId) {
    String instanceId =
        r.text(
            "listener.instance-id",
            defaultInstanceId,
            INSTANCE_ID.pattern(),
            INSTANCE_ID.asMatchPredicate());
    Duration commit =
        r.duration("listener.commit-interval", "1s", Duration.ofMillis(1), Duration.ofHours(1));
    Duration status =
        r.duration("listener.status-interval", "5s", Duration.ofMillis(1), Duration.ofHours(1));
    Duration stop =
        r.duration("listener.stop-timeout", "60s", Duration.ofMillis(1), Duration.ofHours(1));
    int decodeThreads =
        r.integer(
            "listener.decode-threads",
            Math.min(8, Runtime.getRuntime().availableProcessors()),
            1,
            64);
    SslMode tls = r.choice("listener.source-tls", SslMode.class, SslMode.PREFERRED);
    Duration grace =
        r.duration("listener.shutdown-grace", "30s", Duration.ofSeconds(1), Duration.ofMinutes(10));
    String metricsHost =
        r.text("listener.metrics.host", "0.0.0.0", "a host name or address", s -> !s.isBlank());
    int metricsPort = r.integer("listener.metrics.port", 9404, 0, 65_535);
    return new Section(
        instanceId, commit, status, stop, decodeThreads, tls, grace, metricsHost, metricsPort);
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
        businessLines,
        coordination,
        kafkaBootstrapServers,
        kafka,
        id,
        commitInterval,
        statusInterval,
        stopTimeout,
        decodeThreads,
        sourceTls,
        shutdownGrace,
        metricsHost,
        metricsPort);
  }

  /** Every setting but the producer settings' values, which may be credentials. */
  @Override
  public String toString() {
    return ("ListenerSettings[file=%s, instanceId=%s, zookeeper=%s/%s, kafka=%s, producer=%s,"
            + " topics=%s|%s, partitions=%d, businessLines=%s, commit=%s, status=%s, stop=%s,"
            + " decodeThreads=%d, sourceTls=%s, shutdownGrace=%s, metrics=%s:%d]")
        .formatted(
            file,
            instanceId,
            coordination.connectString(),
            coordination.namespace(),
            kafkaBootstrapServers,
            kafka.producerNames(),
            kafka.topicTemplate(),
            kafka.deadLetterTopic(),
            kafka.topicPartitions(),
            businessLines,
            commitInterval,
            statusInterval,
            stopTimeout,
            decodeThreads,
            sourceTls,
            shutdownGrace,
            metricsHost,
            metricsPort);
  }

  /**
   * The listener instance's settings, with the producer's credentials read from {@code
   * environment}; {@code metricsUrl} is what the instance registers.
   *
   * @throws SettingsException when a credential cannot be read
   */
  ListenerConfig listenerConfig(Optional<URI> metricsUrl, Map<String, String> environment) {
    return config(kafka.producerResolved(environment), metricsUrl);
  }

  private ListenerConfig config(Map<String, String> producer, Optional<URI> metricsUrl) {
    ListenerConfig.Builder b =
        ListenerConfig.builder(instanceId, kafkaBootstrapServers)
            .topics(new Topics(kafka.topicTemplate(), kafka.deadLetterTopic()))
            .producerSettings(new HashMap<String, Object>(producer))
            .commitInterval(commitInterval)
            .statusInterval(statusInterval)
            .stopTimeout(stopTimeout)
            .decodeThreads(decodeThreads)
            .sslMode(sourceTls)
            .topicPartitions(kafka.topicPartitions());
    metricsUrl.ifPresent(b::metricsUrl);
    return b.build();
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

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
