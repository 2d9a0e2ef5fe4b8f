package dev.hamal.app;

import dev.hamal.coordination.CoordinatorConfig;
import dev.hamal.processor.ProcessorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the processor role reads of {@code hamal.yaml} ({@code docs/configuration.md}): the shared
 * {@code business-lines} (for the lines' DML filters), {@code kafka} (required: {@code
 * bootstrap-servers}), the stores {@code store}, {@code index} and {@code cache} (at least one
 * enabled; each enabled one gets a consumer group in this instance), {@code zookeeper} when the
 * periodic reconciliation runs, and its own {@code processor} section. The other roles' sections
 * are accepted without being validated here. The stores' password references are read when the
 * settings are loaded (so a missing secret stops the start with the other problems) and again when
 * the stores are opened; they are never printed.
 *
 * @param file the file read (absolute)
 * @param processor the consumer settings
 * @param businessLines the directory of business-line files
 * @param store the order store, if enabled
 * @param index the search index, if enabled
 * @param cache the cache, if enabled
 * @param reconcile the periodic reconciliation, if enabled
 * @param shutdownGrace {@code processor.shutdown-grace}: the longest a stop on SIGTERM takes
 * @param metricsHost {@code processor.metrics.host}
 * @param metricsPort {@code processor.metrics.port}, 0 for none
 */
record ProcessorSettings(
    Path file,
    ProcessorConfig processor,
    Path businessLines,
    Optional<SharedSettings.Store> store,
    Optional<SharedSettings.Index> index,
    Optional<SharedSettings.Cache> cache,
    Optional<Reconcile> reconcile,
    Duration shutdownGrace,
    String metricsHost,
    int metricsPort) {

  /**
   * The periodic reconciliation: every {@code interval}, one processor instance (the one that gets
   * the ZooKeeper lock) reconciles every line for orders created in the window that ended {@code
   * delay} ago.
   *
   * @param coordination ZooKeeper (the shared section), where the pipes are defined
   * @param interval how often
   * @param window how long a window
   * @param delay how far before now the window ends (changes still in flight are not differences)
   * @param repair whether differences are re-published from the source
   * @param sourceSslMode the MariaDB driver's TLS mode towards the sources
   */
  record Reconcile(
      CoordinatorConfig coordination,
      Duration interval,
      Duration window,
      Duration delay,
      boolean repair,
      String sourceSslMode) {}

  /**
   * The {@code processor} section.
   *
   * @param maxBatch changes per poll
   * @param consumersPerSink consumer threads per store
   * @param retryInitial the first back-off while a store is unavailable
   * @param retryMax the longest back-off
   * @param rejectedAttempts attempts of a refused change
   * @param sessionTimeout Kafka's session timeout of the consumers
   * @param shutdownGrace the bound of a stop on SIGTERM
   * @param reconcileEnabled whether the periodic reconciliation runs
   * @param interval how often it runs
   * @param window its window
   * @param delay how far before now the window ends
   * @param repair whether it repairs
   * @param sourceSslMode its TLS mode towards the sources
   * @param metricsHost the endpoint's address
   * @param metricsPort the endpoint's port, 0 for none
   */
  record Section(
      int maxBatch,
      int consumersPerSink,
      Duration retryInitial,
      Duration retryMax,
      int rejectedAttempts,
      Duration sessionTimeout,
      Duration shutdownGrace,
      boolean reconcileEnabled,
      Duration interval,
      Duration window,
      Duration delay,
      boolean repair,
      String sourceSslMode,
      String metricsHost,
      int metricsPort) {}

  /**
   * Reads a file with the environment's overrides.
   *
   * @throws SettingsException naming the file, key and what is accepted for every problem
   */
  static ProcessorSettings load(Path file, Map<String, String> environment) {
    String text = SettingsReader.readFile(file);
    return parse(file, text, environment);
  }

  /**
   * Parses {@code yaml} as if read from {@code file}.
   *
   * @throws SettingsException naming the file, key and what is accepted for every problem
   */
  static ProcessorSettings parse(Path file, String yaml, Map<String, String> environment) {
    SettingsReader r = SettingsReader.of(file, yaml, environment);
    SharedSettings shared = SharedSettings.read(r);
    Section own = readSection(r);
    Role.readSections(r, Optional.of(Role.PROCESSOR));
    Optional<String> bootstrap =
        r.need(
            "kafka.bootstrap-servers",
            shared.kafka().bootstrapServers(),
            "host:port[,host:port...]",
            "the processor");
    if (shared.enabledStores().isEmpty()) {
      r.fileProblem(
          "the processor has no store to write: give at least one of the sections store, index,"
              + " cache");
    }
    Optional<Reconcile> reconcile = Optional.empty();
    if (own.reconcileEnabled()) {
      reconcile =
          r.need(
                  "zookeeper.connect",
                  shared.zookeeper(),
                  "host:port[,host:port...]",
                  "processor.reconcile (the pipes, and so the sources, are defined there)")
              .map(zk ->
                  new Reconcile(
                      zk,
                      own.interval(),
                      own.window(),
                      own.delay(),
                      own.repair(),
                      own.sourceSslMode()));
    }
    shared.storeSecrets().forEach(r::checkReadable);
    r.finish();
    try {
      ProcessorConfig config =
          ProcessorConfig.builder(bootstrap.orElseThrow())
              .topicPattern(shared.kafka().topicPattern())
              .deadLetterTopic(shared.kafka().deadLetterTopic())
              .groupPrefix(shared.kafka().groupPrefix())
              .maxBatch(own.maxBatch())
              .consumersPerSink(own.consumersPerSink())
              .retry(own.retryInitial(), own.retryMax())
              .rejectedAttempts(own.rejectedAttempts())
              .sessionTimeout(own.sessionTimeout())
              .build();
      return new ProcessorSettings(
          file.toAbsolutePath().normalize(),
          config,
          shared.businessLines(),
          shared.store(),
          shared.index(),
          shared.cache(),
          reconcile,
          own.shutdownGrace(),
          own.metricsHost(),
          own.metricsPort());
    } catch (IllegalArgumentException e) {
      // the ranges were checked above with this file's key names; what is left is cross-key
      throw new SettingsException(List.of(file + ": " + e.getMessage()));
    }
  }

  /** Reads the {@code processor} section. */
  static Section readSection(SettingsReader r) {
    int maxBatch = r.integer("processor.max-batch", 2000, 1, 100_000);
    int consumers = r.integer("processor.consumers-per-sink", 1, 1, 64);
    Duration retryInitial =
        r.duration("processor.retry.initial", "200ms", Duration.ofMillis(1), Duration.ofMinutes(1));
    Duration retryMax =
        r.duration("processor.retry.max", "10s", Duration.ofMillis(1), Duration.ofHours(1));
    if (retryMax.compareTo(retryInitial) < 0) {
      r.problem(
          "processor.retry.max",
          "must be at least processor.retry.initial (" + SettingsReader.format(retryInitial) + ")");
    }
    int rejectedAttempts = r.integer("processor.rejected-attempts", 2, 1, 10);
    Duration sessionTimeout =
        r.duration(
            "processor.session-timeout", "45s", Duration.ofSeconds(6), Duration.ofMinutes(30));
    Duration grace =
        r.duration(
            "processor.shutdown-grace", "30s", Duration.ofSeconds(1), Duration.ofMinutes(10));
    boolean reconcile = r.enabled("processor.reconcile");
    Duration interval =
        r.duration(
            "processor.reconcile.interval", "10m", Duration.ofSeconds(1), Duration.ofDays(1));
    Duration window =
        r.duration("processor.reconcile.window", "1h", Duration.ofSeconds(1), Duration.ofDays(31));
    Duration delay =
        r.duration("processor.reconcile.delay", "5m", Duration.ZERO, Duration.ofDays(1));
    boolean repair = r.flag("processor.reconcile.repair", false);
    String sslMode =
        r.text(
            "processor.reconcile.source-ssl-mode",
            "verify-full",
            "one of " + Reconciliation.SSL_MODES,
            Reconciliation.SSL_MODES::contains);
    String metricsHost =
        r.text("processor.metrics.host", "0.0.0.0", "a host name or address", s -> !s.isBlank());
    int metricsPort = r.integer("processor.metrics.port", 9405, 0, 65_535);
    return new Section(
        maxBatch,
        consumers,
        retryInitial,
        retryMax,
        rejectedAttempts,
        sessionTimeout,
        grace,
        reconcile,
        interval,
        window,
        delay,
        repair,
        sslMode,
        metricsHost,
        metricsPort);
  }

  /** Every setting, with password references but never passwords. */
  @Override
  public String toString() {
    return ("ProcessorSettings[file=%s, kafka=%s, groups=%s*, businessLines=%s, store=%s,"
            + " index=%s, cache=%s, reconcile=%s, shutdownGrace=%s, metrics=%s:%d]")
        .formatted(
            file,
            processor.bootstrapServers(),
            processor.groupPrefix(),
            businessLines,
            store,
            index,
            cache,
            reconcile,
            shutdownGrace,
            metricsHost,
            metricsPort);
  }
}
