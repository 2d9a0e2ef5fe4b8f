package dev.hamal.app;

import dev.hamal.cache.OrderCache;
import dev.hamal.cache.OrderCacheConfig;
import dev.hamal.order.BusinessLines;
import dev.hamal.order.OrderLookup;
import dev.hamal.order.OrderSink;
import dev.hamal.processor.Processor;
import dev.hamal.search.OrderIndex;
import dev.hamal.search.OrderIndexConfig;
import dev.hamal.store.OrderStore;
import dev.hamal.store.OrderStoreConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hamal processor --config FILE}: one processor instance. It opens the enabled stores
 * (creating the order store's schema and the index template if needed), joins one consumer group
 * per store and applies order changes until SIGTERM or SIGINT. Any number of instances may run;
 * Kafka shares the partitions among them.
 *
 * <p><b>Health.</b> {@code /health} is down once a consumer thread has died (only a restart brings
 * it back); {@code /ready} is up while every consumer runs and every store answers a lookup (each
 * shard of the order store).
 *
 * <p><b>Stopping</b> ({@link GracefulShutdown}, bounded by {@code processor.shutdown-grace}): the
 * periodic reconciliation stops, then each consumer stops polling and finishes the batch in hand —
 * written and committed, or, when its store is down, left uncommitted for the next owner — then the
 * stores, the endpoint and the meters close. Offsets are committed only for written batches, so a
 * stop cut short by the grace loses nothing: the batch comes again.
 *
 * <p>Fails fast, before consuming anything, on a bad file or an unreadable secret (exit code 2) or
 * a store that cannot be opened (1).
 */
@Command(
    name = "processor",
    mixinStandardHelpOptions = true,
    description = {
      "Run a processor instance: apply order changes from Kafka to the order store, the search"
          + " index and the cache (one consumer group each). SIGTERM or Ctrl-C stops after the"
          + " batch in hand.",
      "Settings: the shared sections and processor.* of hamal.yaml (docs/configuration.md);"
          + " every key can be overridden by HAMAL_<KEY>."
    })
final class ProcessorCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ProcessorCommand.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(2);

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The configuration file, hamal.yaml (see examples/hamal.yaml).")
  Path config;

  private final Map<String, String> environment;

  ProcessorCommand() {
    this(System.getenv());
  }

  ProcessorCommand(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  @Override
  public Integer call() throws Exception {
    ProcessorSettings settings = ProcessorSettings.load(config, environment);
    BusinessLines lines = BusinessLines.loadDirectory(settings.businessLines());
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    try {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      resources.push(registry::close);
      new JvmMemoryMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      JvmGcMetrics gc = new JvmGcMetrics();
      gc.bindTo(registry);
      resources.push(gc);
      List<OrderSink> sinks = openSinks(settings, environment, Optional.of(registry), resources);
      AtomicReference<Processor> running = new AtomicReference<>();
      if (settings.metricsPort() != 0) {
        List<Readiness.Check> checks = new ArrayList<>();
        checks.add(
            new Readiness.Check(
                "consumers", () -> running.get() != null && running.get().isRunning()));
        for (OrderSink sink : sinks) {
          checks.add(new Readiness.Check(sink.name(), lookupProbe(sink)));
        }
        Readiness readiness = new Readiness(checks, READY_TIMEOUT);
        try {
          resources.push(
              MetricsEndpoint.start(
                  settings.metricsHost(),
                  settings.metricsPort(),
                  registry,
                  () -> running.get() == null || running.get().isRunning(),
                  readiness));
        } catch (IOException e) {
          readiness.close();
          throw new UncheckedIOException(
              "processor.metrics.port: cannot serve metrics on "
                  + settings.metricsHost()
                  + ":"
                  + settings.metricsPort()
                  + " ("
                  + e.getMessage()
                  + "); choose another port, or 0 for none",
              e);
        }
      }
      List<OrderSink> consumers = new ArrayList<>();
      for (OrderSink sink : sinks) {
        for (int i = 0; i < settings.processor().consumersPerSink(); i++) {
          consumers.add(sink);
        }
      }
      Processor processor =
          Processor.start(settings.processor(), lines, consumers, registry, Clock.systemUTC());
      resources.push(processor); // stopped before the sinks close
      running.set(processor);
      if (settings.reconcile().isPresent()) {
        resources.push(
            PeriodicReconciliation.start(
                settings.reconcile().get(), lines, sinks, environment, registry, settings));
      }
      log.info(
          "processor runs: Kafka {}, stores {}, business lines {} from {}",
          settings.processor().bootstrapServers(),
          sinks.stream().map(OrderSink::name).toList(),
          lines.lines().size(),
          settings.businessLines());
    } catch (Exception | Error e) {
      closeAll(resources);
      throw e;
    }
    GracefulShutdown.awaitSignal("processor", settings.shutdownGrace(), () -> closeAll(resources));
    return 0;
  }

  /**
   * A readiness probe of a store: a lookup of ids no order has, one on each shard of the order
   * store; it answers (empty) when the store is reachable and throws when it is not.
   */
  static Callable<Boolean> lookupProbe(OrderSink sink) {
    if (!(sink instanceof OrderLookup lookup)) {
      return () -> true;
    }
    List<String> ids = new ArrayList<>();
    if (sink instanceof OrderStore store) {
      java.util.Set<Integer> shards = new java.util.HashSet<>();
      for (int i = 0; shards.size() < store.shardCount() && i < 1000 * store.shardCount(); i++) {
        String id = "hamal-readiness:" + i;
        if (shards.add(store.shardOf(id))) {
          ids.add(id);
        }
      }
    } else {
      ids.add("hamal-readiness:0");
    }
    List<String> probe = List.copyOf(ids);
    return () -> {
      lookup.findAll(probe);
      return true;
    };
  }

  /** Opens the enabled stores, each pushed on {@code resources} to be closed by the caller. */
  static List<OrderSink> openSinks(
      ProcessorSettings settings,
      Map<String, String> environment,
      Optional<MeterRegistry> registry,
      Deque<AutoCloseable> resources) {
    return openSinks(
        settings.store(), settings.index(), settings.cache(), environment, registry, resources);
  }

  /** Opens the given stores, each pushed on {@code resources} to be closed by the caller. */
  static List<OrderSink> openSinks(
      Optional<SharedSettings.Store> storeSettings,
      Optional<SharedSettings.Index> indexSettings,
      Optional<SharedSettings.Cache> cacheSettings,
      Map<String, String> environment,
      Optional<MeterRegistry> registry,
      Deque<AutoCloseable> resources) {
    List<OrderSink> sinks = new ArrayList<>();
    storeSettings.ifPresent(s -> {
      OrderStoreConfig.Builder b =
          OrderStoreConfig.builder(s.shards(), s.user())
              .poolSize(s.poolSize())
              .batchSize(s.batchSize())
              .searchTimeout(s.searchTimeout())
              .history(s.history())
              .historyRetention(s.historyRetention());
      s.password().ifPresent(ref -> b.password(ref.resolve(environment)));
      OrderStore store = OrderStore.open(b.build());
      resources.push(store);
      sinks.add(store);
    });
    indexSettings.ifPresent(s -> {
      OrderIndexConfig.Builder b =
          OrderIndexConfig.builder(s.hosts())
              .indexPrefix(s.indexPrefix())
              .shards(s.shards())
              .replicas(s.replicas())
              .refreshInterval(s.refreshInterval());
      if (s.username().isPresent()) {
        b.credentials(
            s.username().get(), s.password().map(ref -> ref.resolve(environment)).orElse(""));
      }
      OrderIndex index = OrderIndex.open(b.build());
      resources.push(index);
      sinks.add(index);
    });
    cacheSettings.ifPresent(s -> {
      String uri = s.redis();
      if (s.password().isPresent()) {
        String password = s.password().get().resolve(environment);
        int scheme = uri.indexOf("://") + 3; // redis:// or rediss://, checked when read
        uri =
            uri.substring(0, scheme)
                + java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8)
                + "@"
                + uri.substring(scheme);
      }
      OrderCacheConfig cacheConfig =
          OrderCacheConfig.builder(uri)
              .keyPrefix(s.keyPrefix())
              .invalidationChannel(s.keyPrefix() + "invalidate")
              .liveTtl(s.liveTtl())
              .tombstoneTtl(s.tombstoneTtl())
              .nearCacheMaxSize(s.nearCacheSize())
              .nearCacheTtl(s.nearCacheTtl())
              .build();
      OrderCache cache =
          registry.isPresent()
              ? OrderCache.connect(cacheConfig, registry.get())
              : OrderCache.connect(cacheConfig);
      resources.push(cache);
      sinks.add(cache);
    });
    return sinks;
  }

  static int closeAll(Deque<AutoCloseable> resources) {
    int status = 0;
    while (!resources.isEmpty()) {
      AutoCloseable resource = resources.pop();
      try {
        resource.close();
      } catch (Exception e) {
        status = 1;
        log.error("closing {} failed", resource.getClass().getSimpleName(), e);
      }
    }
    return status;
  }
}
