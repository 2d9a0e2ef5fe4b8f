package dev.hamal.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamal.processor.ProcessorConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The processor role's configuration ({@code docs/processor.md}, {@code examples/processor.yaml}):
 * the Kafka side, the business lines (for their DML filters), and one section per store; a store
 * whose section is absent or has {@code enabled: false} gets no consumer group in this instance.
 * Every scalar key can be overridden by {@code HAMAL_<KEY>}. Passwords are references ({@code
 * env:VARIABLE} or {@code file:PATH}), resolved when the stores are opened and never printed.
 *
 * @param file the file read (absolute)
 * @param processor the consumer settings
 * @param businessLines the directory of business-line files
 * @param store the order store, if enabled
 * @param index the search index, if enabled
 * @param cache the cache, if enabled
 * @param reconcile the periodic reconciliation, if enabled
 * @param metricsHost {@code metrics.host}
 * @param metricsPort {@code metrics.port}, 0 for none
 */
record ProcessorSettings(
    Path file,
    ProcessorConfig processor,
    Path businessLines,
    Optional<Store> store,
    Optional<Index> index,
    Optional<Cache> cache,
    Optional<Reconcile> reconcile,
    String metricsHost,
    int metricsPort) {

  private static final Set<String> SECTIONS =
      Set.of("kafka", "retry", "store", "index", "cache", "reconcile", "metrics");

  /**
   * The order store section.
   *
   * @param shards JDBC URLs, one per shard
   * @param user the user
   * @param passwordRef where the password is read
   * @param poolSize connections per shard
   * @param batchSize rows per multi-row statement
   * @param searchTimeout how long one search statement may run (the gateway's store level)
   * @param history whether every change is recorded in the order's change history
   * @param historyRetention how long recorded changes are kept
   */
  record Store(
      List<String> shards,
      String user,
      Optional<String> passwordRef,
      int poolSize,
      int batchSize,
      Duration searchTimeout,
      boolean history,
      Duration historyRetention) {}

  /**
   * The search index section.
   *
   * @param hosts the nodes' HTTP addresses
   * @param indexPrefix the alias, and the prefix of the monthly indices
   * @param shards primary shards per monthly index
   * @param replicas replicas per shard
   * @param refreshInterval how soon a write is visible to search
   * @param username the user, if the cluster needs one
   * @param passwordRef where the password is read
   */
  record Index(
      List<URI> hosts,
      String indexPrefix,
      int shards,
      int replicas,
      Duration refreshInterval,
      Optional<String> username,
      Optional<String> passwordRef) {}

  /**
   * The cache section.
   *
   * @param redis {@code redis://host:port[/db]}
   * @param keyPrefix the prefix of the cache's keys (and of its invalidation channel)
   * @param passwordRef where the Redis password is read, if it needs one
   * @param liveTtl how long a live order is cached
   * @param tombstoneTtl how long a deleted order's version is remembered
   * @param nearCacheSize orders each instance keeps in memory
   * @param nearCacheTtl how long an in-memory entry is served
   */
  record Cache(
      String redis,
      String keyPrefix,
      Optional<String> passwordRef,
      Duration liveTtl,
      Duration tombstoneTtl,
      int nearCacheSize,
      Duration nearCacheTtl) {}

  /**
   * The periodic reconciliation: every {@code interval}, one processor instance (the one that gets
   * the ZooKeeper lock) reconciles every line for orders created in the window that ended {@code
   * delay} ago.
   *
   * @param zookeeper ZooKeeper, where the pipes are defined
   * @param namespace the ZooKeeper namespace
   * @param interval how often
   * @param window how long a window
   * @param delay how far before now the window ends (changes still in flight are not differences)
   * @param repair whether differences are re-published from the source
   * @param sourceSslMode the MariaDB driver's TLS mode towards the sources
   */
  record Reconcile(
      String zookeeper,
      String namespace,
      Duration interval,
      Duration window,
      Duration delay,
      boolean repair,
      String sourceSslMode) {}

  /**
   * Reads a file with the environment's overrides.
   *
   * @throws SettingsException naming the file, key and what is accepted for every problem
   */
  static ProcessorSettings load(Path file, Map<String, String> environment) {
    String text = SettingsReader.readFile(file);
    return parse(file, text, environment);
  }

  /** Parses {@code yaml} as if read from {@code file}. */
  static ProcessorSettings parse(Path file, String yaml, Map<String, String> environment) {
    Path absolute = file.toAbsolutePath().normalize();
    JsonNode root = SettingsReader.parseYaml(file, yaml);
    var r = new SettingsReader(file.toString(), root, environment, SECTIONS, Optional.empty());
    Optional<String> bootstrap = r.required("kafka.bootstrap-servers", "host:port[,host:port...]");
    String pattern =
        r.text(
            "kafka.topic-pattern",
            ProcessorConfig.DEFAULT_TOPIC_PATTERN,
            "a regular expression",
            s -> !s.isBlank());
    String deadLetters =
        r.text(
            "kafka.dead-letter-topic",
            ProcessorConfig.DEFAULT_DEAD_LETTER_TOPIC,
            "a Kafka topic name",
            s -> s.matches("[A-Za-z0-9._-]{1,249}"));
    String groupPrefix =
        r.text(
            "kafka.group-prefix", "hamal-", "[A-Za-z0-9._-]*", s -> s.matches("[A-Za-z0-9._-]*"));
    String lines = r.text("business-lines", "./business-lines", "a directory", s -> !s.isBlank());
    Path linesDir =
        r.fromEnvironment("business-lines")
            ? Path.of(lines).toAbsolutePath().normalize()
            : absolute.getParent().resolve(lines).normalize();
    int maxBatch = r.integer("max-batch", 2000, 1, 100_000);
    int consumers = r.integer("consumers-per-sink", 1, 1, 64);
    Duration retryInitial =
        r.duration("retry.initial", "200ms", Duration.ofMillis(1), Duration.ofMinutes(1));
    Duration retryMax = r.duration("retry.max", "10s", Duration.ofMillis(1), Duration.ofHours(1));
    int rejectedAttempts = r.integer("rejected-attempts", 2, 1, 10);

    Optional<Store> store = store(r);
    Optional<Index> index = index(r);
    Optional<Cache> cache = cache(r);
    Optional<Reconcile> reconcile = Optional.empty();
    if (enabled(r, "reconcile")) {
      Optional<String> zookeeper = r.required("reconcile.zookeeper", "host:port[,host:port...]");
      String namespace =
          r.text("reconcile.namespace", "hamal", "a ZooKeeper namespace", s -> !s.isBlank());
      Duration interval =
          r.duration("reconcile.interval", "10m", Duration.ofSeconds(1), Duration.ofDays(1));
      Duration window =
          r.duration("reconcile.window", "1h", Duration.ofSeconds(1), Duration.ofDays(31));
      Duration delay = r.duration("reconcile.delay", "5m", Duration.ZERO, Duration.ofDays(1));
      boolean repair =
          r.text(
                  "reconcile.repair",
                  "false",
                  "true or false",
                  s -> s.equals("true") || s.equals("false"))
              .equals("true");
      String sslMode =
          r.text(
              "reconcile.source-ssl-mode",
              "verify-full",
              "one of " + Reconciliation.SSL_MODES,
              Reconciliation.SSL_MODES::contains);
      reconcile =
          zookeeper.map(z -> new Reconcile(z, namespace, interval, window, delay, repair, sslMode));
    }
    String metricsHost =
        r.text("metrics.host", "0.0.0.0", "a host name or address", s -> !s.isBlank());
    int metricsPort = r.integer("metrics.port", 9405, 0, 65_535);
    r.rejectUnknownKeys();
    r.throwIfProblems();
    if (store.isEmpty() && index.isEmpty() && cache.isEmpty()) {
      throw new SettingsException(
          List.of(file + ": no store is enabled; give at least one of store, index, cache"));
    }
    try {
      ProcessorConfig config =
          ProcessorConfig.builder(bootstrap.orElseThrow())
              .topicPattern(pattern)
              .deadLetterTopic(deadLetters)
              .groupPrefix(groupPrefix)
              .maxBatch(maxBatch)
              .consumersPerSink(consumers)
              .retry(retryInitial, retryMax)
              .rejectedAttempts(rejectedAttempts)
              .build();
      return new ProcessorSettings(
          absolute, config, linesDir, store, index, cache, reconcile, metricsHost, metricsPort);
    } catch (IllegalArgumentException e) {
      throw new SettingsException(List.of(file + ": " + e.getMessage()));
    }
  }

  /** The {@code store} section, when enabled. */
  static Optional<Store> store(SettingsReader r) {
    Optional<Store> store = Optional.empty();
    if (enabled(r, "store")) {
      Optional<String> shards =
          r.required("store.shards", "JDBC URLs separated by commas, one per shard");
      String user = r.text("store.user", "hamal", "a user name", s -> !s.isBlank());
      Optional<String> password = passwordRef(r, "store.password");
      int pool = r.integer("store.pool-size", 8, 1, 256);
      int batch = r.integer("store.batch-size", 1000, 1, 10_000);
      Duration searchTimeout =
          r.duration("store.search-timeout", "5s", Duration.ofSeconds(1), Duration.ofMinutes(10));
      if (searchTimeout.toNanos() % 1_000_000_000L != 0) {
        r.problem("store.search-timeout", "must be whole seconds, was " + searchTimeout);
      }
      boolean history =
          r.text(
                  "store.history",
                  "true",
                  "true or false",
                  s -> s.equals("true") || s.equals("false"))
              .equals("true");
      Duration retention =
          retention(
              r.text(
                  "store.history-retention",
                  "30d",
                  "a duration from 1h to 3650d (such as 30d, 720h)",
                  ProcessorSettings::isRetention));
      store =
          shards.map(s ->
              new Store(split(s), user, password, pool, batch, searchTimeout, history, retention));
    }
    return store;
  }

  /** Whether {@code text} is a history retention: days ({@code 30d}) or a duration, 1h to 3650d. */
  private static boolean isRetention(String text) {
    try {
      Duration d = retention(text);
      return d.compareTo(Duration.ofHours(1)) >= 0 && d.compareTo(Duration.ofDays(3650)) <= 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A history retention: {@code <n>d} for days, else any duration of the settings files. */
  private static Duration retention(String text) {
    if (text.matches("\\d{1,5}d")) {
      return Duration.ofDays(Long.parseLong(text.substring(0, text.length() - 1)));
    }
    return SettingsReader.parseDuration(text);
  }

  /** The {@code index} section, when enabled. */
  static Optional<Index> index(SettingsReader r) {
    Optional<Index> index = Optional.empty();
    if (enabled(r, "index")) {
      Optional<String> hosts =
          r.required("index.hosts", "http(s)://host:port, separated by commas");
      String prefix =
          r.text(
              "index.index-prefix",
              "hamal-orders",
              "a lower-case index name",
              s -> s.matches("[a-z0-9][a-z0-9_.-]{0,200}"));
      int shards = r.integer("index.shards", 1, 1, 1024);
      int replicas = r.integer("index.replicas", 0, 0, 16);
      Duration refresh =
          r.duration(
              "index.refresh-interval", "1s", Duration.ofMillis(100), Duration.ofMinutes(10));
      Optional<String> username =
          Optional.of(r.text("index.username", "", "a user name", s -> true))
              .filter(s -> !s.isEmpty());
      Optional<String> password = passwordRef(r, "index.password");
      List<URI> uris = new ArrayList<>();
      for (String host : hosts.map(ProcessorSettings::split).orElse(List.of())) {
        try {
          URI uri = URI.create(host);
          if (uri.getHost() == null
              || !(host.startsWith("http://") || host.startsWith("https://"))) {
            throw new IllegalArgumentException("no http(s) host");
          }
          uris.add(uri);
        } catch (IllegalArgumentException e) {
          r.problem("index.hosts", "'" + host + "' is not http(s)://host:port");
        }
      }
      if (hosts.isPresent()) {
        index = Optional.of(new Index(uris, prefix, shards, replicas, refresh, username, password));
      }
    }
    return index;
  }

  /** The {@code cache} section, when enabled. */
  static Optional<Cache> cache(SettingsReader r) {
    Optional<Cache> cache = Optional.empty();
    if (enabled(r, "cache")) {
      Optional<String> redis = r.required("cache.redis", "redis://host:port[/db]");
      String keyPrefix =
          r.text("cache.key-prefix", "hamal:order:", "a key prefix", s -> !s.isBlank());
      Optional<String> password = passwordRef(r, "cache.password");
      Duration live =
          r.duration("cache.live-ttl", "168h", Duration.ofSeconds(1), Duration.ofDays(365));
      Duration tombstone =
          r.duration("cache.tombstone-ttl", "24h", Duration.ofSeconds(1), Duration.ofDays(365));
      int nearSize = r.integer("cache.near-cache-size", 100_000, 0, 10_000_000);
      Duration nearTtl =
          r.duration("cache.near-cache-ttl", "30s", Duration.ofMillis(1), Duration.ofHours(24));
      cache = redis.map(u -> new Cache(u, keyPrefix, password, live, tombstone, nearSize, nearTtl));
    }
    return cache;
  }

  static boolean enabled(SettingsReader r, String section) {
    boolean present = r.hasSection(section);
    String value =
        r.text(
            section + ".enabled",
            present ? "true" : "false",
            "true or false",
            s -> s.equals("true") || s.equals("false"));
    return value.equals("true");
  }

  static Optional<String> passwordRef(SettingsReader r, String key) {
    String ref =
        r.text(
            key,
            "",
            "a reference env:VARIABLE or file:PATH (never the password itself)",
            s ->
                s.matches("env:[A-Za-z_][A-Za-z0-9_]*")
                    || (s.startsWith("file:") && s.length() > 5));
    return ref.isEmpty() ? Optional.empty() : Optional.of(ref);
  }

  private static List<String> split(String list) {
    return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /**
   * Reads a password reference.
   *
   * @throws IllegalArgumentException naming the reference if it cannot be read
   */
  static String resolve(String reference, Map<String, String> environment) {
    if (reference.startsWith("env:")) {
      String value = environment.get(reference.substring(4));
      if (value == null) {
        throw new IllegalArgumentException(
            "environment variable " + reference.substring(4) + " is not set");
      }
      return value;
    }
    return Passwords.read(null, Path.of(reference.substring(5)), environment);
  }

  /** Every setting, with password references but never passwords. */
  @Override
  public String toString() {
    return "ProcessorSettings[file=%s, kafka=%s, groups=%s*, businessLines=%s, store=%s, index=%s, cache=%s, reconcile=%s, metrics=%s:%d]"
        .formatted(
            file,
            processor.bootstrapServers(),
            processor.groupPrefix(),
            businessLines,
            store,
            index,
            cache,
            reconcile,
            metricsHost,
            metricsPort);
  }
}
