package dev.hamal.app;

import dev.hamal.coordination.CoordinatorConfig;
import dev.hamal.listener.Topics;
import dev.hamal.processor.ProcessorConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The sections of {@code hamal.yaml} that several roles share, given once at the top level: {@code
 * business-lines}, {@code zookeeper}, {@code kafka}, and the stores {@code store}, {@code index}
 * and {@code cache}. Every role reads and validates all of them strictly (a bad value here is bad
 * for the whole deployment); which keys a role <em>needs</em> is the role's business ({@code
 * zookeeper.connect} for the listener, a store for the processor, ...). Secrets are only checked
 * for their form here; the roles that use them resolve them.
 *
 * @param businessLines the directory of business-line files
 * @param zookeeper the ensemble and session settings, when {@code zookeeper.connect} is given
 * @param kafka the Kafka cluster and topics
 * @param store the order store, when enabled
 * @param index the search index, when enabled
 * @param cache the cache, when enabled
 * @param enabledStores which of {@code store}, {@code index} and {@code cache} are enabled (an
 *     enabled one is absent above only when its section has problems, already reported)
 */
record SharedSettings(
    Path businessLines,
    Optional<CoordinatorConfig> zookeeper,
    Kafka kafka,
    Optional<Store> store,
    Optional<Index> index,
    Optional<Cache> cache,
    Set<String> enabledStores) {

  /** Copies the set. */
  SharedSettings {
    enabledStores = Set.copyOf(enabledStores);
  }

  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  private static final String HOSTS = "host:port[,host:port...]";

  /**
   * Producer settings the listener sets itself: the value Hamal relies on, or none when the setting
   * is not the user's to give at all.
   */
  private static final Map<String, Optional<Set<String>>> FIXED_PRODUCER_SETTINGS =
      Map.of(
          "acks", Optional.of(Set.of("all", "-1")),
          "enable.idempotence", Optional.of(Set.of("true")),
          "bootstrap.servers", Optional.empty(),
          "client.id", Optional.empty(),
          "key.serializer", Optional.empty(),
          "value.serializer", Optional.empty(),
          "retries", Optional.empty(),
          "max.in.flight.requests.per.connection", Optional.empty(),
          "transactional.id", Optional.empty());

  /**
   * The {@code kafka} section.
   *
   * @param bootstrapServers {@code kafka.bootstrap-servers}, if given
   * @param topicTemplate {@code kafka.topic-template}: a business line's topic (listener)
   * @param topicPattern {@code kafka.topic-pattern}: the order-change topics read (processor,
   *     gateway subscriptions)
   * @param deadLetterTopic {@code kafka.dead-letter-topic}
   * @param topicPartitions {@code kafka.topic-partitions}: of the topics the listener creates
   * @param groupPrefix {@code kafka.group-prefix}: of the processors' consumer groups
   * @param producer {@code kafka.producer.*} but the secrets, by Kafka setting name
   * @param producerSecrets the producer settings that are credentials, by Kafka setting name
   */
  record Kafka(
      Optional<String> bootstrapServers,
      String topicTemplate,
      String topicPattern,
      String deadLetterTopic,
      int topicPartitions,
      String groupPrefix,
      Map<String, String> producer,
      Map<String, SecretRef> producerSecrets) {
    /** Copies the maps. */
    Kafka {
      producer = Map.copyOf(producer);
      producerSecrets = Map.copyOf(producerSecrets);
    }

    /** The producer settings with the credentials read. */
    Map<String, String> producerResolved(Map<String, String> environment) {
      Map<String, String> all = new TreeMap<>(producer);
      producerSecrets.forEach((name, ref) -> all.put(name, ref.resolve(environment)));
      return all;
    }

    /** The names of every producer setting (values may be credentials, so only names are shown). */
    Set<String> producerNames() {
      Set<String> names = new java.util.TreeSet<>(producer.keySet());
      names.addAll(producerSecrets.keySet());
      return names;
    }
  }

  /**
   * The order store section.
   *
   * @param shards JDBC URLs, one per shard
   * @param user the user
   * @param password where the password is read, if it needs one
   * @param poolSize connections per shard
   * @param batchSize rows per multi-row statement
   * @param searchTimeout how long one search statement may run (the gateway's store level)
   */
  record Store(
      List<String> shards,
      String user,
      Optional<SecretRef> password,
      int poolSize,
      int batchSize,
      Duration searchTimeout,
      boolean history,
      Duration historyRetention) {
    /** Copies the shards. */
    Store {
      shards = List.copyOf(shards);
    }
  }

  /**
   * The search index section.
   *
   * @param hosts the nodes' HTTP addresses
   * @param indexPrefix the alias, and the prefix of the monthly indices
   * @param shards primary shards per monthly index
   * @param replicas replicas per shard
   * @param refreshInterval how soon a write is visible to search
   * @param username the user, if the cluster needs one
   * @param password where the password is read
   */
  record Index(
      List<URI> hosts,
      String indexPrefix,
      int shards,
      int replicas,
      Duration refreshInterval,
      Optional<String> username,
      Optional<SecretRef> password) {
    /** Copies the hosts. */
    Index {
      hosts = List.copyOf(hosts);
    }
  }

  /**
   * The cache section.
   *
   * @param redis {@code redis://host:port[/db]}
   * @param keyPrefix the prefix of the cache's keys (and of its invalidation channel)
   * @param password where the Redis password is read, if it needs one
   * @param liveTtl how long a live order is cached
   * @param tombstoneTtl how long a deleted order's version is remembered
   * @param nearCacheSize orders each instance keeps in memory
   * @param nearCacheTtl how long an in-memory entry is served
   */
  record Cache(
      String redis,
      String keyPrefix,
      Optional<SecretRef> password,
      Duration liveTtl,
      Duration tombstoneTtl,
      int nearCacheSize,
      Duration nearCacheTtl) {}

  /**
   * Reads only the shared sections of a file, accepting every role's section without validating it:
   * what the operator commands ({@code hamal pipe --config}) need.
   *
   * @throws SettingsException naming the file, key and what is accepted for every problem
   */
  static SharedSettings load(Path file, Map<String, String> environment) {
    SettingsReader r = SettingsReader.of(file, SettingsReader.readFile(file), environment);
    SharedSettings shared = read(r);
    Role.readSections(r, Optional.empty());
    r.finish();
    return shared;
  }

  /** Reads and validates the shared sections. */
  static SharedSettings read(SettingsReader r) {
    Path lines = r.path("business-lines", "./business-lines", "a directory");
    Optional<CoordinatorConfig> zookeeper = zookeeper(r);
    Kafka kafka = kafka(r);
    Set<String> enabled = new java.util.LinkedHashSet<>();
    Optional<Store> store = store(r, enabled);
    Optional<Index> index = index(r, enabled);
    Optional<Cache> cache = cache(r, enabled);
    return new SharedSettings(lines, zookeeper, kafka, store, index, cache, enabled);
  }

  /** The secrets of the enabled stores, for the roles that open them. */
  List<Optional<SecretRef>> storeSecrets() {
    return List.of(
        store.flatMap(Store::password),
        index.flatMap(Index::password),
        cache.flatMap(Cache::password));
  }

  private static Optional<CoordinatorConfig> zookeeper(SettingsReader r) {
    Optional<String> connect = r.optional("zookeeper.connect", HOSTS, s -> true);
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
    try {
      // built even without connect, so cross-key rules are checked for every role
      CoordinatorConfig config =
          CoordinatorConfig.builder(connect.orElse("unset:2181"))
              .namespace(namespace)
              .sessionTimeout(sessionTimeout)
              .connectionTimeout(connectionTimeout)
              .retry(baseSleep, maxSleep, maxRetries)
              .resyncInterval(resync)
              .handOffTimeout(handOff)
              .build();
      return connect.map(c -> config);
    } catch (IllegalArgumentException e) {
      r.fileProblem(e.getMessage().replace("coordination.", "zookeeper."));
      // the problem fails the read; the ensemble stays known so no role also calls it missing
      return connect.map(c -> CoordinatorConfig.builder(c).build());
    }
  }

  private static Kafka kafka(SettingsReader r) {
    Optional<String> bootstrap = r.optional("kafka.bootstrap-servers", HOSTS, s -> true);
    String template =
        r.text(
            "kafka.topic-template",
            Topics.DEFAULT_TEMPLATE,
            "a Kafka topic name ([a-zA-Z0-9._-]) containing {line}",
            t -> t.contains("{line}") && TOPIC.matcher(t.replace("{line}", "x")).matches());
    String pattern =
        r.text(
            "kafka.topic-pattern",
            ProcessorConfig.DEFAULT_TOPIC_PATTERN,
            "a regular expression",
            s -> !s.isBlank());
    String deadLetters =
        r.text(
            "kafka.dead-letter-topic",
            Topics.DEFAULT_DEAD_LETTERS,
            "a Kafka topic name ([a-zA-Z0-9._-], 1-249 characters)",
            t -> TOPIC.matcher(t).matches());
    try {
      if (Pattern.compile(pattern).matcher(deadLetters).matches()) {
        r.problem(
            "kafka.topic-pattern",
            "'" + pattern + "' must not match the dead-letter topic " + deadLetters);
      }
    } catch (PatternSyntaxException e) {
      r.problem(
          "kafka.topic-pattern",
          "'" + pattern + "' is not a regular expression: " + e.getDescription());
    }
    int partitions = r.integer("kafka.topic-partitions", 6, 1, 10_000);
    String groupPrefix =
        r.text(
            "kafka.group-prefix",
            "hamal-",
            "letters, digits, '.', '_', '-' (at most 200)",
            s -> s.matches("[A-Za-z0-9._-]{0,200}"));
    Map<String, String> producer = new LinkedHashMap<>();
    Map<String, SecretRef> secrets = new LinkedHashMap<>();
    r.freeForm("kafka.producer")
        .forEach((name, value) -> {
          String key = "kafka.producer." + name;
          Optional<Set<String>> fixed = FIXED_PRODUCER_SETTINGS.get(name);
          if (fixed != null
              && fixed.map(v -> !v.contains(value.toLowerCase(Locale.ROOT))).orElse(true)) {
            r.problem(
                key,
                fixed.isPresent()
                    ? "'"
                        + value
                        + "' is not accepted; the listener always produces with acks=all"
                        + " and enable.idempotence=true (no record is acknowledged before every"
                        + " in-sync replica has it, and retries neither duplicate nor reorder)"
                    : "is set by Hamal and cannot be given"
                        + (name.equals("bootstrap.servers")
                            ? "; use kafka.bootstrap-servers"
                            : ""));
          } else if (isCredential(name)) {
            r.reference(key, value, false)
                .ifPresentOrElse(
                    ref -> secrets.put(name, ref),
                    () ->
                        r.problem(
                            key,
                            "holds a credential, so it must be a reference env:VARIABLE or file:PATH"
                                + " (the value given is not shown)"));
          } else {
            producer.put(name, value);
          }
        });
    return new Kafka(
        bootstrap, template, pattern, deadLetters, partitions, groupPrefix, producer, secrets);
  }

  /** Kafka client settings that hold credentials. */
  static boolean isCredential(String name) {
    return name.equals("sasl.jaas.config") || name.endsWith(".password");
  }

  /** The {@code store} section; its keys are read (and checked) even when it is off. */
  private static Optional<Store> store(SettingsReader r, Set<String> enabledStores) {
    boolean enabled = r.enabled("store");
    Optional<String> shards =
        r.optional("store.shards", "JDBC URLs separated by commas, one per shard", s -> true);
    String user = r.text("store.user", "hamal", "a user name", s -> !s.isBlank());
    Optional<SecretRef> password = r.secret("store.password");
    int pool = r.integer("store.pool-size", 8, 1, 256);
    int batch = r.integer("store.batch-size", 1000, 1, 10_000);
    Duration searchTimeout =
        r.duration("store.search-timeout", "5s", Duration.ofSeconds(1), Duration.ofMinutes(10));
    if (searchTimeout.toNanos() % 1_000_000_000L != 0) {
      r.problem("store.search-timeout", "must be whole seconds, was " + searchTimeout);
    }
    boolean history = r.flag("store.history", true);
    Duration historyRetention =
        r.duration("store.history-retention", "30d", Duration.ofHours(1), Duration.ofDays(3650));
    if (!enabled) {
      return Optional.empty();
    }
    enabledStores.add("store");
    r.need("store.shards", shards, "JDBC URLs separated by commas", "an enabled store");
    for (String shard : shards.map(SharedSettings::split).orElse(List.of())) {
      if (!shard.startsWith("jdbc:")) {
        r.problem(
            "store.shards", "'" + shard + "' is not a JDBC URL (jdbc:mariadb://host:port/db)");
      }
    }
    return shards.map(s ->
        new Store(split(s), user, password, pool, batch, searchTimeout, history, historyRetention));
  }

  /** The {@code index} section; its keys are read (and checked) even when it is off. */
  private static Optional<Index> index(SettingsReader r, Set<String> enabledStores) {
    boolean enabled = r.enabled("index");
    Optional<String> hosts =
        r.optional("index.hosts", "http(s)://host:port, separated by commas", s -> true);
    String prefix =
        r.text(
            "index.index-prefix",
            "hamal-orders",
            "a lower-case index name",
            s -> s.matches("[a-z0-9][a-z0-9_.-]{0,200}"));
    int shards = r.integer("index.shards", 1, 1, 1024);
    int replicas = r.integer("index.replicas", 0, 0, 16);
    Duration refresh =
        r.duration("index.refresh-interval", "1s", Duration.ofMillis(100), Duration.ofMinutes(10));
    Optional<String> username = r.optional("index.username", "a user name", s -> true);
    Optional<SecretRef> password = r.secret("index.password");
    if (password.isPresent() && username.isEmpty()) {
      r.problem("index.password", "is given without index.username");
    }
    List<URI> uris = new ArrayList<>();
    for (String host : hosts.map(SharedSettings::split).orElse(List.of())) {
      try {
        URI uri = URI.create(host);
        if (uri.getHost() == null || !(host.startsWith("http://") || host.startsWith("https://"))) {
          throw new IllegalArgumentException("no http(s) host");
        }
        uris.add(uri);
      } catch (IllegalArgumentException e) {
        r.problem("index.hosts", "'" + host + "' is not http(s)://host:port");
      }
    }
    if (!enabled) {
      return Optional.empty();
    }
    enabledStores.add("index");
    r.need("index.hosts", hosts, "http(s)://host:port, separated by commas", "an enabled index");
    return hosts.map(h -> new Index(uris, prefix, shards, replicas, refresh, username, password));
  }

  /** The {@code cache} section; its keys are read (and checked) even when it is off. */
  private static Optional<Cache> cache(SettingsReader r, Set<String> enabledStores) {
    boolean enabled = r.enabled("cache");
    Optional<String> redis =
        r.optional(
            "cache.redis",
            "redis://host:port[/db] (the password in cache.password)",
            s -> s.matches("rediss?://[^@/\\s]+(/\\d+)?"));
    String keyPrefix =
        r.text("cache.key-prefix", "hamal:order:", "a key prefix", s -> !s.isBlank());
    Optional<SecretRef> password = r.secret("cache.password");
    Duration live =
        r.duration("cache.live-ttl", "168h", Duration.ofSeconds(1), Duration.ofDays(365));
    Duration tombstone =
        r.duration("cache.tombstone-ttl", "24h", Duration.ofSeconds(1), Duration.ofDays(365));
    int nearSize = r.integer("cache.near-cache-size", 100_000, 0, 10_000_000);
    Duration nearTtl =
        r.duration("cache.near-cache-ttl", "30s", Duration.ofMillis(1), Duration.ofHours(24));
    if (!enabled) {
      return Optional.empty();
    }
    enabledStores.add("cache");
    r.need("cache.redis", redis, "redis://host:port[/db]", "an enabled cache");
    return redis.map(u -> new Cache(u, keyPrefix, password, live, tombstone, nearSize, nearTtl));
  }

  static List<String> split(String list) {
    return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
