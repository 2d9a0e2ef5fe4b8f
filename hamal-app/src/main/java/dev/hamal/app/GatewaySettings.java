package dev.hamal.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamal.gateway.Gateway;
import dev.hamal.gateway.MaskingPolicy;
import dev.hamal.gateway.OrderLevels;
import dev.hamal.gateway.SearchLevel;
import dev.hamal.gateway.Templates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The gateway role's configuration ({@code docs/gateway.md}, {@code examples/gateway.yaml}): the
 * HTTP server, the gateway's own database, the levels it reads (the {@code store}, {@code index}
 * and {@code cache} sections are those of the processor's file), their protection, the product-line
 * level (sources from the pipe definitions in ZooKeeper), and subscriptions (Kafka). Every scalar
 * key can be overridden by {@code HAMAL_<KEY>}; secrets are references ({@code env:} or {@code
 * file:}), never values.
 *
 * @param file the file read (absolute)
 * @param businessLines the directory of business-line files
 * @param server the HTTP server
 * @param database the gateway's own database
 * @param databasePasswordRef where its password is read
 * @param cursorSecretRef where the cursor-signing secret is read (at least 32 bytes)
 * @param keyCacheTtl how long a checked key is trusted before it is read again
 * @param store the order store level
 * @param index the search index level
 * @param cache the cache level
 * @param levels each level's protection
 * @param productLines the product-line level, if enabled
 * @param subscriptions subscriptions, if enabled
 * @param templates the template cache and render budget
 * @param masking which fields of the order document are personal data, masked for keys without the
 *     unmasked scope
 */
record GatewaySettings(
    Path file,
    Path businessLines,
    Gateway.ServerConfig server,
    Database database,
    Optional<String> databasePasswordRef,
    String cursorSecretRef,
    Duration keyCacheTtl,
    Optional<ProcessorSettings.Store> store,
    Optional<ProcessorSettings.Index> index,
    Optional<ProcessorSettings.Cache> cache,
    Map<SearchLevel, OrderLevels.LevelConfig> levels,
    Optional<ProductLines> productLines,
    Optional<Subscriptions> subscriptions,
    Templates.Config templates,
    MaskingPolicy masking,
    Optional<OperationsSettings> operations) {

  private static final Set<String> SECTIONS =
      Set.of(
          "server",
          "database",
          "keys",
          "store",
          "index",
          "cache",
          "levels",
          "levels.cache",
          "levels.index",
          "levels.store",
          "levels.product-line",
          "product-lines",
          "subscriptions",
          "subscriptions.kafka",
          "templates",
          "masking",
          "operations",
          "operations.kafka");

  /**
   * The gateway database section.
   *
   * @param jdbcUrl its JDBC URL
   * @param user the user
   * @param poolSize connections
   * @param connectionTimeout how long a request waits for a connection
   */
  record Database(String jdbcUrl, String user, int poolSize, Duration connectionTimeout) {}

  /**
   * The product-line level: where the pipes (and so the sources) are defined, and how hard the
   * gateway may read each source.
   *
   * @param zookeeper ZooKeeper connect string
   * @param namespace the ZooKeeper namespace
   * @param maxConnections connections per source, the level's own pool
   * @param queryTimeout per statement
   * @param sslMode the MariaDB driver's TLS mode towards the sources
   */
  record ProductLines(
      String zookeeper,
      String namespace,
      int maxConnections,
      Duration queryTimeout,
      String sslMode) {}

  /**
   * Subscriptions: where changes are read.
   *
   * @param bootstrapServers Kafka
   * @param topicPattern the order-change topics
   * @param webhookTimeout how long a receiver may take
   * @param maxAttempts attempts before a delivery is dead-lettered
   * @param initialBackoff the first retry's delay
   * @param maxBackoff the longest retry delay
   * @param allowPrivateTargets whether webhooks may point at private or loopback addresses
   */
  record Subscriptions(
      String bootstrapServers,
      String topicPattern,
      Duration webhookTimeout,
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      boolean allowPrivateTargets) {}

  /**
   * The admin endpoints' sources: pipes and instances in ZooKeeper, dead letters in Kafka.
   *
   * @param zookeeper ZooKeeper connect string
   * @param namespace the ZooKeeper namespace
   * @param bootstrapServers Kafka
   * @param deadLetterTopic the dead-letter topic
   */
  record OperationsSettings(
      String zookeeper, String namespace, String bootstrapServers, String deadLetterTopic) {}

  /**
   * Reads a file with the environment's overrides.
   *
   * @throws SettingsException naming the file, key and what is accepted for every problem
   */
  static GatewaySettings load(Path file, Map<String, String> environment) {
    String text = SettingsReader.readFile(file);
    return parse(file, text, environment);
  }

  /** Parses {@code yaml} as if read from {@code file}. */
  static GatewaySettings parse(Path file, String yaml, Map<String, String> environment) {
    Path absolute = file.toAbsolutePath().normalize();
    JsonNode root = SettingsReader.parseYaml(file, yaml);
    var r = new SettingsReader(file.toString(), root, environment, SECTIONS, Optional.empty());
    String lines = r.text("business-lines", "./business-lines", "a directory", s -> !s.isBlank());
    Path linesDir =
        r.fromEnvironment("business-lines")
            ? Path.of(lines).toAbsolutePath().normalize()
            : absolute.getParent().resolve(lines).normalize();
    var defaults = Gateway.ServerConfig.defaults();
    String host =
        r.text("server.host", defaults.host(), "a host name or address", s -> !s.isBlank());
    int port = r.integer("server.port", defaults.port(), 0, 65_535);
    int concurrent =
        r.integer("server.max-concurrent-requests", defaults.maxConcurrentRequests(), 1, 100_000);
    int rate =
        r.integer("server.default-rate-limit", defaults.defaultRatePerSecond(), 1, 1_000_000);
    Duration grace =
        r.duration("server.shutdown-grace", "10s", Duration.ZERO, Duration.ofMinutes(10));
    boolean console =
        r.text(
                "server.console",
                "true",
                "true or false",
                s -> s.equals("true") || s.equals("false"))
            .equals("true");
    Optional<String> dbUrl =
        r.required("database.jdbc-url", "a JDBC URL (jdbc:mariadb://host:port/db)");
    String dbUser = r.text("database.user", "hamal", "a user name", s -> !s.isBlank());
    Optional<String> dbPassword = ProcessorSettings.passwordRef(r, "database.password");
    int dbPool = r.integer("database.pool-size", 16, 1, 64);
    Duration dbTimeout =
        r.duration(
            "database.connection-timeout", "2s", Duration.ofMillis(250), Duration.ofMinutes(1));
    Optional<String> cursorSecret =
        r.required("cursor-secret", "a reference env:VARIABLE or file:PATH to at least 32 bytes");
    cursorSecret
        .filter(s ->
            !(s.matches("env:[A-Za-z_][A-Za-z0-9_]*") || (s.startsWith("file:") && s.length() > 5)))
        .ifPresent(s ->
            r.problem(
                "cursor-secret",
                "must be a reference env:VARIABLE or file:PATH, never the secret"));
    Duration keyTtl =
        r.duration("keys.cache-ttl", "5s", Duration.ofMillis(1), Duration.ofMinutes(10));

    var store = ProcessorSettings.store(r);
    var index = ProcessorSettings.index(r);
    var cache = ProcessorSettings.cache(r);
    Map<SearchLevel, OrderLevels.LevelConfig> levels = new EnumMap<>(SearchLevel.class);
    for (SearchLevel level : SearchLevel.values()) {
      var d = OrderLevels.LevelConfig.defaults(level);
      String k = "levels." + level.label() + ".";
      Duration timeout =
          r.duration(
              k + "timeout",
              SettingsReader.format(d.timeout()),
              Duration.ofMillis(1),
              Duration.ofMinutes(1));
      int failureRate = r.integer(k + "failure-rate", d.failureRatePercent(), 1, 100);
      int window = r.integer(k + "window", d.window(), 2, 10_000);
      Duration openFor =
          r.duration(
              k + "open-for",
              SettingsReader.format(d.openFor()),
              Duration.ofMillis(1),
              Duration.ofHours(1));
      int inFlight = r.integer(k + "max-in-flight", d.maxInFlight(), 1, 100_000);
      int limit = r.integer(k + "rate-limit", d.ratePerSecond(), 0, 1_000_000);
      levels.put(
          level,
          new OrderLevels.LevelConfig(timeout, failureRate, window, openFor, inFlight, limit));
    }
    Optional<ProductLines> productLines = Optional.empty();
    if (ProcessorSettings.enabled(r, "product-lines")) {
      Optional<String> zookeeper =
          r.required("product-lines.zookeeper", "host:port[,host:port...]");
      String namespace =
          r.text("product-lines.namespace", "hamal", "a ZooKeeper namespace", s -> !s.isBlank());
      int connections = r.integer("product-lines.max-connections", 2, 1, 16);
      Duration queryTimeout =
          r.duration(
              "product-lines.query-timeout", "2s", Duration.ofMillis(100), Duration.ofMinutes(1));
      String sslMode =
          r.text(
              "product-lines.ssl-mode",
              "verify-full",
              "one of " + Reconciliation.SSL_MODES,
              Reconciliation.SSL_MODES::contains);
      productLines =
          zookeeper.map(z -> new ProductLines(z, namespace, connections, queryTimeout, sslMode));
    }
    Optional<Subscriptions> subscriptions = Optional.empty();
    if (ProcessorSettings.enabled(r, "subscriptions")) {
      Optional<String> bootstrap =
          r.required("subscriptions.kafka.bootstrap-servers", "host:port[,host:port...]");
      String pattern =
          r.text(
              "subscriptions.kafka.topic-pattern",
              "hamal\\.orders\\..+",
              "a regular expression",
              s -> !s.isBlank());
      Duration timeout =
          r.duration(
              "subscriptions.webhook-timeout", "5s", Duration.ofMillis(100), Duration.ofMinutes(5));
      int attempts = r.integer("subscriptions.max-attempts", 8, 1, 100);
      Duration initial =
          r.duration(
              "subscriptions.initial-backoff",
              "500ms",
              Duration.ofMillis(1),
              Duration.ofMinutes(10));
      Duration max =
          r.duration("subscriptions.max-backoff", "60s", Duration.ofMillis(1), Duration.ofHours(6));
      boolean privateTargets =
          r.text(
                  "subscriptions.allow-private-targets",
                  "false",
                  "true or false",
                  s -> s.equals("true") || s.equals("false"))
              .equals("true");
      subscriptions =
          bootstrap.map(
              b -> new Subscriptions(b, pattern, timeout, attempts, initial, max, privateTargets));
    }
    var templateDefaults = Templates.Config.defaults();
    int templateCache = r.integer("templates.cache-size", templateDefaults.cacheSize(), 1, 100_000);
    Duration stateTtl =
        r.duration(
            "templates.state-ttl",
            SettingsReader.format(templateDefaults.stateTtl()),
            Duration.ZERO,
            Duration.ofMinutes(10));
    Duration budget =
        r.duration(
            "templates.render-budget",
            SettingsReader.format(templateDefaults.renderBudget()),
            Duration.ofMillis(1),
            Duration.ofSeconds(10));
    MaskingPolicy masking = MaskingPolicy.defaults();
    String rules = r.text("masking.rules", "", "path:KIND pairs separated by commas", s -> true);
    if (!rules.isBlank()) {
      try {
        masking = new MaskingPolicy(MaskingPolicy.parseRules("masking.rules", rules), Map.of());
      } catch (IllegalArgumentException e) {
        r.problem("masking.rules", e.getMessage());
      }
    }
    Optional<OperationsSettings> operations = Optional.empty();
    if (ProcessorSettings.enabled(r, "operations")) {
      Optional<String> zookeeper = r.required("operations.zookeeper", "host:port[,host:port...]");
      String namespace =
          r.text("operations.namespace", "hamal", "a ZooKeeper namespace", s -> !s.isBlank());
      Optional<String> bootstrap =
          r.required("operations.kafka.bootstrap-servers", "host:port[,host:port...]");
      String topic =
          r.text(
              "operations.kafka.dead-letter-topic",
              "hamal.dead-letters",
              "a Kafka topic name",
              s -> s.matches("[A-Za-z0-9._-]{1,249}"));
      if (zookeeper.isPresent() && bootstrap.isPresent()) {
        operations =
            Optional.of(new OperationsSettings(zookeeper.get(), namespace, bootstrap.get(), topic));
      }
    }
    r.rejectUnknownKeys();
    r.throwIfProblems();
    if (store.isEmpty() && index.isEmpty() && cache.isEmpty() && productLines.isEmpty()) {
      throw new SettingsException(
          List.of(
              file
                  + ": no level is enabled; give at least one of cache, index, store, product-lines"));
    }
    try {
      return new GatewaySettings(
          absolute,
          linesDir,
          new Gateway.ServerConfig(host, port, concurrent, rate, grace, console),
          new Database(dbUrl.orElseThrow(), dbUser, dbPool, dbTimeout),
          dbPassword,
          cursorSecret.orElseThrow(),
          keyTtl,
          store,
          index,
          cache,
          Map.copyOf(levels),
          productLines,
          subscriptions,
          new Templates.Config(templateCache, stateTtl, budget),
          masking,
          operations);
    } catch (IllegalArgumentException e) {
      throw new SettingsException(List.of(file + ": " + e.getMessage()));
    }
  }
}
