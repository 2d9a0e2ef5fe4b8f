package dev.hamal.app;

import dev.hamal.coordination.CoordinatorConfig;
import dev.hamal.gateway.Gateway;
import dev.hamal.gateway.MaskingPolicy;
import dev.hamal.gateway.OrderLevels;
import dev.hamal.gateway.SearchLevel;
import dev.hamal.gateway.Templates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the gateway role reads of {@code hamal.yaml} ({@code docs/configuration.md}): its own {@code
 * gateway} section (the HTTP server, its database, keys, levels, templates, masking, and the
 * optional product-line level, subscriptions and admin operations), the shared stores it reads as
 * levels ({@code cache}, {@code index}, {@code store}), and the shared {@code zookeeper} (product
 * lines, operations) and {@code kafka} (subscriptions, operations) when those are enabled. The
 * other roles' sections are accepted without being validated here. Secrets ({@code
 * gateway.cursor-secret}, {@code gateway.database.password}, the stores' passwords) are references
 * ({@code env:} or {@code file:}), read when the settings are loaded and again when used, never
 * printed.
 *
 * @param file the file read (absolute)
 * @param businessLines the directory of business-line files
 * @param server the HTTP server ({@code gateway.server.*}; its grace is {@code
 *     gateway.shutdown-grace})
 * @param database the gateway's own database
 * @param databasePassword where its password is read
 * @param cursorSecret where the cursor-signing secret is read (at least 32 bytes)
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
 * @param operations the admin endpoints over ZooKeeper and Kafka, if enabled
 */
record GatewaySettings(
    Path file,
    Path businessLines,
    Gateway.ServerConfig server,
    Database database,
    Optional<SecretRef> databasePassword,
    SecretRef cursorSecret,
    Duration keyCacheTtl,
    Optional<SharedSettings.Store> store,
    Optional<SharedSettings.Index> index,
    Optional<SharedSettings.Cache> cache,
    Map<SearchLevel, OrderLevels.LevelConfig> levels,
    Optional<ProductLines> productLines,
    Optional<Subscriptions> subscriptions,
    Templates.Config templates,
    MaskingPolicy masking,
    Optional<OperationsSettings> operations) {

  private static final String HOSTS = "host:port[,host:port...]";

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
   * @param coordination ZooKeeper (the shared section)
   * @param maxConnections connections per source, the level's own pool
   * @param queryTimeout per statement
   * @param sslMode the MariaDB driver's TLS mode towards the sources
   */
  record ProductLines(
      CoordinatorConfig coordination, int maxConnections, Duration queryTimeout, String sslMode) {}

  /**
   * Subscriptions: where changes are read (the shared {@code kafka} section) and how they are
   * delivered.
   *
   * @param bootstrapServers {@code kafka.bootstrap-servers}
   * @param topicPattern {@code kafka.topic-pattern}, the order-change topics
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
   * The admin endpoints' sources: pipes and instances in ZooKeeper, dead letters in Kafka (the
   * shared sections).
   *
   * @param coordination ZooKeeper
   * @param bootstrapServers Kafka
   * @param deadLetterTopic the dead-letter topic
   */
  record OperationsSettings(
      CoordinatorConfig coordination, String bootstrapServers, String deadLetterTopic) {}

  /**
   * The {@code gateway} section as read, before the shared sections complete it.
   *
   * @param cursorSecret {@code gateway.cursor-secret}
   * @param server {@code gateway.server.*} and {@code gateway.shutdown-grace}
   * @param jdbcUrl {@code gateway.database.jdbc-url}
   * @param database the rest of {@code gateway.database}
   * @param databasePassword {@code gateway.database.password}
   * @param keyCacheTtl {@code gateway.keys.cache-ttl}
   * @param levels {@code gateway.levels.*}
   * @param templates {@code gateway.templates.*}
   * @param masking {@code gateway.masking.rules}
   * @param productLines whether {@code gateway.product-lines} is enabled
   * @param maxConnections {@code gateway.product-lines.max-connections}
   * @param queryTimeout {@code gateway.product-lines.query-timeout}
   * @param sslMode {@code gateway.product-lines.ssl-mode}
   * @param subscriptions whether {@code gateway.subscriptions} is enabled
   * @param webhookTimeout {@code gateway.subscriptions.webhook-timeout}
   * @param maxAttempts {@code gateway.subscriptions.max-attempts}
   * @param initialBackoff {@code gateway.subscriptions.initial-backoff}
   * @param maxBackoff {@code gateway.subscriptions.max-backoff}
   * @param allowPrivateTargets {@code gateway.subscriptions.allow-private-targets}
   * @param operations whether {@code gateway.operations} is enabled
   */
  record Section(
      Optional<SecretRef> cursorSecret,
      Gateway.ServerConfig server,
      Optional<String> jdbcUrl,
      Database database,
      Optional<SecretRef> databasePassword,
      Duration keyCacheTtl,
      Map<SearchLevel, OrderLevels.LevelConfig> levels,
      Templates.Config templates,
      MaskingPolicy masking,
      boolean productLines,
      int maxConnections,
      Duration queryTimeout,
      String sslMode,
      boolean subscriptions,
      Duration webhookTimeout,
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      boolean allowPrivateTargets,
      boolean operations) {}

  /**
   * Reads a file with the environment's overrides.
   *
   * @throws SettingsException naming the file, key and what is accepted for every problem
   */
  static GatewaySettings load(Path file, Map<String, String> environment) {
    String text = SettingsReader.readFile(file);
    return parse(file, text, environment);
  }

  /**
   * Parses {@code yaml} as if read from {@code file}.
   *
   * @throws SettingsException naming the file, key and what is accepted for every problem
   */
  static GatewaySettings parse(Path file, String yaml, Map<String, String> environment) {
    SettingsReader r = SettingsReader.of(file, yaml, environment);
    SharedSettings shared = SharedSettings.read(r);
    Section own = readSection(r);
    Role.readSections(r, Optional.of(Role.GATEWAY));
    r.need(
        "gateway.database.jdbc-url",
        own.jdbcUrl(),
        "a JDBC URL (jdbc:mariadb://host:port/db)",
        "the gateway");
    r.need(
        "gateway.cursor-secret",
        own.cursorSecret(),
        "a reference env:VARIABLE or file:PATH to at least 32 bytes",
        "the gateway");
    Optional<ProductLines> productLines = Optional.empty();
    if (own.productLines()) {
      productLines =
          r.need("zookeeper.connect", shared.zookeeper(), HOSTS, "gateway.product-lines")
              .map(zk ->
                  new ProductLines(zk, own.maxConnections(), own.queryTimeout(), own.sslMode()));
    }
    Optional<Subscriptions> subscriptions = Optional.empty();
    if (own.subscriptions()) {
      subscriptions =
          r.need(
                  "kafka.bootstrap-servers",
                  shared.kafka().bootstrapServers(),
                  HOSTS,
                  "gateway.subscriptions")
              .map(b ->
                  new Subscriptions(
                      b,
                      shared.kafka().topicPattern(),
                      own.webhookTimeout(),
                      own.maxAttempts(),
                      own.initialBackoff(),
                      own.maxBackoff(),
                      own.allowPrivateTargets()));
    }
    Optional<OperationsSettings> operations = Optional.empty();
    if (own.operations()) {
      var zookeeper = r.need("zookeeper.connect", shared.zookeeper(), HOSTS, "gateway.operations");
      var bootstrap =
          own.subscriptions()
              ? shared.kafka().bootstrapServers() // reported once, for subscriptions
              : r.need(
                  "kafka.bootstrap-servers",
                  shared.kafka().bootstrapServers(),
                  HOSTS,
                  "gateway.operations");
      if (zookeeper.isPresent() && bootstrap.isPresent()) {
        operations =
            Optional.of(
                new OperationsSettings(
                    zookeeper.get(), bootstrap.get(), shared.kafka().deadLetterTopic()));
      }
    }
    if (shared.enabledStores().isEmpty() && !own.productLines()) {
      r.fileProblem(
          "the gateway has no level to read orders from: give at least one of the sections"
              + " cache, index, store, gateway.product-lines");
    }
    r.checkReadable(own.cursorSecret(), 32); // HMAC-SHA256 keys shorter than the hash are weak
    r.checkReadable(own.databasePassword());
    shared.storeSecrets().forEach(r::checkReadable);
    r.finish();
    return new GatewaySettings(
        file.toAbsolutePath().normalize(),
        shared.businessLines(),
        own.server(),
        new Database(
            own.jdbcUrl().orElseThrow(),
            own.database().user(),
            own.database().poolSize(),
            own.database().connectionTimeout()),
        own.databasePassword(),
        own.cursorSecret().orElseThrow(),
        own.keyCacheTtl(),
        shared.store(),
        shared.index(),
        shared.cache(),
        own.levels(),
        productLines,
        subscriptions,
        own.templates(),
        own.masking(),
        operations);
  }

  /** Reads the {@code gateway} section. */
  static Section readSection(SettingsReader r) {
    Optional<SecretRef> cursorSecret = r.secret("gateway.cursor-secret");
    Duration grace =
        r.duration("gateway.shutdown-grace", "10s", Duration.ofSeconds(1), Duration.ofMinutes(10));
    var defaults = Gateway.ServerConfig.defaults();
    String host =
        r.text("gateway.server.host", defaults.host(), "a host name or address", s -> !s.isBlank());
    int port = r.integer("gateway.server.port", defaults.port(), 0, 65_535);
    int concurrent =
        r.integer(
            "gateway.server.max-concurrent-requests", defaults.maxConcurrentRequests(), 1, 100_000);
    int rate =
        r.integer(
            "gateway.server.default-rate-limit", defaults.defaultRatePerSecond(), 1, 1_000_000);
    Optional<String> dbUrl =
        r.optional(
            "gateway.database.jdbc-url",
            "a JDBC URL (jdbc:mariadb://host:port/db)",
            s -> s.startsWith("jdbc:"));
    String dbUser = r.text("gateway.database.user", "hamal", "a user name", s -> !s.isBlank());
    Optional<SecretRef> dbPassword = r.secret("gateway.database.password");
    int dbPool = r.integer("gateway.database.pool-size", 16, 1, 64);
    Duration dbTimeout =
        r.duration(
            "gateway.database.connection-timeout",
            "2s",
            Duration.ofMillis(250),
            Duration.ofMinutes(1));
    Duration keyTtl =
        r.duration("gateway.keys.cache-ttl", "5s", Duration.ofMillis(1), Duration.ofMinutes(10));
    Map<SearchLevel, OrderLevels.LevelConfig> levels = new EnumMap<>(SearchLevel.class);
    for (SearchLevel level : SearchLevel.values()) {
      var d = OrderLevels.LevelConfig.defaults(level);
      String k = "gateway.levels." + level.label() + ".";
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
    var templateDefaults = Templates.Config.defaults();
    int templateCache =
        r.integer("gateway.templates.cache-size", templateDefaults.cacheSize(), 1, 100_000);
    Duration stateTtl =
        r.duration(
            "gateway.templates.state-ttl",
            SettingsReader.format(templateDefaults.stateTtl()),
            Duration.ZERO,
            Duration.ofMinutes(10));
    Duration budget =
        r.duration(
            "gateway.templates.render-budget",
            SettingsReader.format(templateDefaults.renderBudget()),
            Duration.ofMillis(1),
            Duration.ofSeconds(10));
    MaskingPolicy masking = MaskingPolicy.defaults();
    String rules =
        r.text("gateway.masking.rules", "", "path:KIND pairs separated by commas", s -> true);
    if (!rules.isBlank()) {
      try {
        masking =
            new MaskingPolicy(MaskingPolicy.parseRules("gateway.masking.rules", rules), Map.of());
      } catch (IllegalArgumentException e) {
        r.problem("gateway.masking.rules", e.getMessage());
      }
    }
    boolean productLines = r.enabled("gateway.product-lines");
    int connections = r.integer("gateway.product-lines.max-connections", 2, 1, 16);
    Duration queryTimeout =
        r.duration(
            "gateway.product-lines.query-timeout",
            "2s",
            Duration.ofMillis(100),
            Duration.ofMinutes(1));
    String sslMode =
        r.text(
            "gateway.product-lines.ssl-mode",
            "verify-full",
            "one of " + Reconciliation.SSL_MODES,
            Reconciliation.SSL_MODES::contains);
    boolean subscriptions = r.enabled("gateway.subscriptions");
    Duration webhookTimeout =
        r.duration(
            "gateway.subscriptions.webhook-timeout",
            "5s",
            Duration.ofMillis(100),
            Duration.ofMinutes(5));
    int attempts = r.integer("gateway.subscriptions.max-attempts", 8, 1, 100);
    Duration initial =
        r.duration(
            "gateway.subscriptions.initial-backoff",
            "500ms",
            Duration.ofMillis(1),
            Duration.ofMinutes(10));
    Duration max =
        r.duration(
            "gateway.subscriptions.max-backoff", "60s", Duration.ofMillis(1), Duration.ofHours(6));
    if (max.compareTo(initial) < 0) {
      r.problem(
          "gateway.subscriptions.max-backoff",
          "must be at least gateway.subscriptions.initial-backoff ("
              + SettingsReader.format(initial)
              + ")");
    }
    boolean privateTargets = r.flag("gateway.subscriptions.allow-private-targets", false);
    boolean operations = r.enabled("gateway.operations");
    boolean console = r.flag("gateway.server.console", true);
    Gateway.ServerConfig server = defaults;
    try {
      server = new Gateway.ServerConfig(host, port, concurrent, rate, grace, console);
    } catch (IllegalArgumentException e) {
      r.problem("gateway.server", e.getMessage()); // the ranges above make this a cross-key rule
    }
    return new Section(
        cursorSecret,
        server,
        dbUrl,
        new Database("", dbUser, dbPool, dbTimeout),
        dbPassword,
        keyTtl,
        Map.copyOf(levels),
        new Templates.Config(templateCache, stateTtl, budget),
        masking,
        productLines,
        connections,
        queryTimeout,
        sslMode,
        subscriptions,
        webhookTimeout,
        attempts,
        initial,
        max,
        privateTargets,
        operations);
  }
}
