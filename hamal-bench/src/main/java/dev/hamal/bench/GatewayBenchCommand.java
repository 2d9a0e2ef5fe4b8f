package dev.hamal.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.hamal.cache.OrderCache;
import dev.hamal.cache.OrderCacheConfig;
import dev.hamal.cache.OrderCacheStats;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.MariaDbServerConfig;
import dev.hamal.embedded.OpenSearchNode;
import dev.hamal.embedded.OpenSearchNodeConfig;
import dev.hamal.embedded.RedisServer;
import dev.hamal.embedded.RedisServerConfig;
import dev.hamal.gateway.ApiKeys;
import dev.hamal.gateway.Cursors;
import dev.hamal.gateway.Gateway;
import dev.hamal.gateway.GatewayDatabase;
import dev.hamal.gateway.KeyScopes;
import dev.hamal.gateway.MaskingPolicy;
import dev.hamal.gateway.OrderLevels;
import dev.hamal.gateway.OrderService;
import dev.hamal.gateway.SearchLevel;
import dev.hamal.gateway.Templates;
import dev.hamal.order.OrderLookup;
import dev.hamal.order.OrderPage;
import dev.hamal.order.OrderQuery;
import dev.hamal.order.OrderSearch;
import dev.hamal.order.OrderSink;
import dev.hamal.order.OrderSinkUnavailableException;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.SinkResult;
import dev.hamal.order.StoredOrder;
import dev.hamal.search.OrderIndex;
import dev.hamal.search.OrderIndexConfig;
import dev.hamal.store.OrderStore;
import dev.hamal.store.OrderStoreConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hamal bench gateway}: the gateway's read path under load, on one machine with every server
 * embedded and the load generator on the same cores.
 *
 * <p><b>Setup.</b> One MariaDB (the order store's database and the gateway's own), one OpenSearch
 * node, one Redis. {@code --orders} generated orders ({@link GatewayOrders}) are written through
 * each sink's {@code apply} in batches, the three sinks in parallel (one thread each); the cache
 * gets nine orders in ten (the tenth are the fallback scenario's ids). During the load the index's
 * refresh is off and its translog asynchronous (set on the alias through the REST API, restored and
 * refreshed afterwards). Then an API key with a rate limit of 1,000,000/s, the level chain (cache,
 * index, store, product defaults) and a {@link Gateway} on a free loopback port, in this JVM.
 *
 * <p><b>Scenarios.</b> Each runs a warm-up (discarded) and a measured run: (1) an in-process loop
 * of {@link OrderCache#find} on the hot ids (baseline: the cache without HTTP); (2) wrk on {@code
 * /health} (baseline: the server's floor); (3) wrk on {@code /v1/orders/{id}} over the hot ids,
 * pre-warmed into the near cache; (4) open loop at {@code --rate} of the same lookups with the
 * template; (5) open loop at {@code --rate} of searches by user and time range with the template,
 * when a level implements {@link OrderSearch} on this build; (6) the OpenSearch node stopped, wrk
 * on ids the cache does not hold, so each request goes cache miss, index (failing, then circuit
 * open), store.
 *
 * <p>Threads: the calling thread runs everything; the loaders, the gateway and the open-loop
 * generator have their own. Every server is stopped on exit.
 */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description =
        "The gateway's read path over loopback: id lookups (cache hit), searches with a template at"
            + " a fixed rate and lookups with the index down, against /health and an in-process"
            + " cache loop.")
final class GatewayBenchCommand implements Callable<Integer> {
  /** The template the template scenarios name: a projection with formatting, as callers use. */
  static final String TEMPLATE = "bench-summary";

  private static final String TEMPLATE_BODY =
      """
      {"description": "bench: a caller's summary of an order",
       "fields": {
         "id": "orderId",
         "line": "businessLine",
         "user": "userId",
         "status": "$lowercase(status)",
         "amount": "$decimal(amounts.total)",
         "paid": "$exists(times.paidAt)",
         "product": "product.name",
         "created": "$formatTime(times.createdAt, 'Asia/Shanghai', 'yyyy-MM-dd HH:mm:ss')"}}
      """;

  private static final double TARGET_LOOKUPS_PER_SECOND = 20_000;
  private static final double TARGET_LOOKUP_P99_MILLIS = 10;
  private static final double TARGET_SEARCH_P99_MILLIS = 50;
  private static final int TARGET_SEARCH_RATE = 1_000;

  @Option(
      names = "--orders",
      defaultValue = "1000000",
      description = "Orders loaded (default 1000000).")
  long orders;

  @Option(
      names = "--users",
      defaultValue = "100000",
      description = "Distinct users the orders belong to (default 100000).")
  int users;

  @Option(
      names = "--hot-ids",
      defaultValue = "50000",
      description =
          "Ids the lookup scenario draws from, pre-warmed into the near cache (default 50000; the"
              + " near cache holds 100000).")
  int hotIds;

  @Option(
      names = "--duration",
      defaultValue = "20",
      description = "Measured seconds per scenario (default 20).")
  int durationSeconds;

  @Option(
      names = "--warmup",
      defaultValue = "5",
      description = "Warm-up seconds before each scenario, not measured (default 5).")
  int warmupSeconds;

  @Option(
      names = "--connections",
      defaultValue = "64",
      description = "wrk's connections (default 64).")
  int connections;

  @Option(names = "--threads", defaultValue = "2", description = "wrk's threads (default 2).")
  int wrkThreads;

  @Option(
      names = "--rate",
      defaultValue = "1000",
      description = "Requests/s of the open-loop scenarios (default 1000).")
  int rate;

  @Option(
      names = "--batch",
      defaultValue = "5000",
      description = "Orders per apply() call while loading (default 5000).")
  int batch;

  @Option(
      names = "--store-buffer-pool",
      defaultValue = "2G",
      description = "innodb_buffer_pool_size of the MariaDB (default 2G).")
  String storeBufferPool;

  @Option(
      names = "--opensearch-heap",
      defaultValue = "1024",
      description = "-Xmx of the OpenSearch node in MiB (default 1024).")
  int openSearchHeap;

  private final PrintStream out = System.out;
  private Path workDir;
  private long lookupWarmupRequests;
  private final LongAdder indexCalls = new LongAdder();
  private final LongAdder storeCalls = new LongAdder();

  /** A figure of the final table. */
  private record Row(
      String scenario,
      String generator,
      double perSecond,
      double p50Millis,
      double p99Millis,
      long errors,
      String target,
      String verdict) {}

  private final List<Row> rows = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (orders < 100 || users < 1 || hotIds < 1 || durationSeconds < 1 || warmupSeconds < 0) {
      throw new IllegalArgumentException(
          "--orders must be at least 100, --users, --hot-ids and --duration positive, --warmup"
              + " >= 0");
    }
    if (connections < 1 || wrkThreads < 1 || connections < wrkThreads) {
      throw new IllegalArgumentException(
          "--connections and --threads must be positive, connections >= threads");
    }
    if (rate < 1 || rate > 100_000 || batch < 1 || batch > 100_000) {
      throw new IllegalArgumentException("--rate and --batch must be 1 to 100000");
    }
    WrkLoad.requireInstalled();
    workDir = Files.createTempDirectory("hamal-bench-gateway");
    out.println("hamal bench gateway");
    out.println("machine   : " + ListenerBenchCommand.Machine.describe());
    out.println(
        "note      : servers, gateway and load generator share these cores; figures vary with"
            + " other load on the machine");
    out.flush();

    MariaDbServerConfig dbConfig =
        MariaDbServerConfig.builder(MariaDbServer.Distribution.BUNDLED)
            .serverId(71)
            .serverArgs(
                List.of(
                    "--innodb-buffer-pool-size=" + storeBufferPool,
                    "--innodb-log-file-size=1G",
                    "--max-connections=200"))
            .build();
    try (MariaDbServer db = MariaDbServer.start(dbConfig);
        OpenSearchNode search =
            OpenSearchNode.start(
                OpenSearchNodeConfig.builder().maxHeapMegabytes(openSearchHeap).build());
        RedisServer redis =
            RedisServer.start(RedisServerConfig.builder().appendOnly(false).build())) {
      out.printf(
          "servers   : MariaDB %s (order store and gateway database, innodb_buffer_pool_size=%s),"
              + " OpenSearch %s (own JVM, -Xmx%dm, 1 shard, 0 replicas), Redis %s (no"
              + " persistence); work dir %s%n",
          db.version(),
          storeBufferPool,
          search.version(),
          search.config().maxHeapMegabytes(),
          redis.version(),
          workDir);
      out.flush();
      createDatabase(db, "hamal_store");
      createDatabase(db, "hamal_gateway");
      try (OrderStore store =
              OrderStore.open(
                  OrderStoreConfig.builder(db.jdbcUrl("hamal_store"), db.adminUser())
                      .password(db.adminPassword())
                      .poolSize(8)
                      .batchSize(1000)
                      .build());
          OrderIndex index =
              OrderIndex.open(
                  OrderIndexConfig.builder(search.httpUri())
                      .indexPrefix("bench-gateway")
                      .shards(1)
                      .replicas(0)
                      .build());
          OrderCache cache = OrderCache.connect(OrderCacheConfig.builder(redis.uri()).build())) {
        GatewayOrders workload = new GatewayOrders(users);
        load(workload, store, index, cache, search);
        run(workload, db, store, index, cache, search);
      }
    }
    return 0;
  }

  // ---------------------------------------------------------------- load

  private void load(
      GatewayOrders workload,
      OrderStore store,
      OrderIndex index,
      OrderCache cache,
      OpenSearchNode search)
      throws Exception {
    long cachedCount = 0;
    for (long n = 0; n < orders; n++) {
      cachedCount += GatewayOrders.cached(n) ? 1 : 0;
    }
    out.printf(
        Locale.ROOT,
        "workload  : %,d orders (fixed seed) over lines %s, %,d users, created uniformly over"
            + " the %d days before %s; store and index get all, the cache %,d (n %% 10 != 9)%n",
        orders,
        String.join(", ", GatewayOrders.LINES),
        users,
        GatewayOrders.DAYS,
        GatewayOrders.END,
        cachedCount);
    out.printf(
        Locale.ROOT,
        "load      : apply() in batches of %,d, the three sinks in parallel (one thread each);"
            + " index refresh off and translog async during the load, restored after%n",
        batch);
    out.flush();
    AtomicLong storeDone = new AtomicLong();
    AtomicLong indexDone = new AtomicLong();
    AtomicLong cacheDone = new AtomicLong();
    long started = System.nanoTime();
    ExecutorService loaders = Executors.newFixedThreadPool(3);
    try {
      Future<Double> storeTime =
          loaders.submit(() -> loadSink(workload, store, n -> true, storeDone, () -> {}));
      Future<Double> indexTime =
          loaders.submit(() ->
              loadSink(
                  workload,
                  index,
                  n -> true,
                  indexDone,
                  () -> tuneIndex(search, index.alias(), "-1", "async")));
      Future<Double> cacheTime =
          loaders.submit(
              () -> loadSink(workload, cache, GatewayOrders::cached, cacheDone, () -> {}));
      List<Future<Double>> all = List.of(storeTime, indexTime, cacheTime);
      while (!all.stream().allMatch(Future::isDone)) {
        Thread.sleep(200);
        long elapsed = System.nanoTime() - started;
        if (elapsed / 5_000_000_000L != (elapsed - 200_000_000L) / 5_000_000_000L) {
          out.printf(
              Locale.ROOT,
              "  %5.0f s   store %,11d   index %,11d   cache %,11d%n",
              elapsed / 1e9,
              storeDone.get(),
              indexDone.get(),
              cacheDone.get());
          out.flush();
        }
      }
      double storeSeconds = storeTime.get();
      double indexSeconds = indexTime.get();
      double cacheSeconds = cacheTime.get();
      long refreshStart = System.nanoTime();
      tuneIndex(search, index.alias(), "1s", "request");
      index.refresh();
      double refreshSeconds = (System.nanoTime() - refreshStart) / 1e9;
      double total = (System.nanoTime() - started) / 1e9;
      out.printf(
          Locale.ROOT,
          "loaded    : store %,d in %.1f s (%,.0f/s), index %,d in %.1f s (%,.0f/s, + %.1f s"
              + " refresh), cache %,d in %.1f s (%,.0f/s); %.1f s in all, %,.0f orders/s%n",
          storeDone.get(),
          storeSeconds,
          storeDone.get() / storeSeconds,
          indexDone.get(),
          indexSeconds,
          indexDone.get() / indexSeconds,
          refreshSeconds,
          cacheDone.get(),
          cacheSeconds,
          cacheDone.get() / cacheSeconds,
          total,
          orders / total);
      out.flush();
    } finally {
      loaders.shutdownNow();
    }
  }

  /** Writes every order {@code which} accepts to {@code sink}; returns the seconds it took. */
  private double loadSink(
      GatewayOrders workload,
      OrderSink sink,
      LongPredicate which,
      AtomicLong done,
      Runnable afterFirstBatch)
      throws InterruptedException {
    long start = System.nanoTime();
    for (long from = 0; from < orders; from += batch) {
      List<OrderWrite> writes = workload.writes(from, Math.min(orders, from + batch), which);
      SinkResult result = applyWithRetry(sink, writes);
      if (!result.rejected().isEmpty()) {
        throw new WorkloadException(
            sink.name()
                + " rejected "
                + result.rejected().size()
                + " writes, the first: "
                + result.rejected().get(0).reason());
      }
      done.addAndGet(writes.size());
      if (from == 0) {
        afterFirstBatch.run();
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static SinkResult applyWithRetry(OrderSink sink, List<OrderWrite> writes)
      throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return sink.apply(writes);
      } catch (OrderSinkUnavailableException e) {
        if (attempt == 5) {
          throw new WorkloadException(
              sink.name() + " stayed unavailable for 5 attempts: " + e.getMessage());
        }
        Thread.sleep(2_000);
      }
    }
  }

  /** Sets the refresh interval and translog durability of every index behind {@code alias}. */
  private void tuneIndex(OpenSearchNode search, String alias, String refresh, String durability) {
    String body =
        "{\"index\":{\"refresh_interval\":\""
            + refresh
            + "\",\"translog.durability\":\""
            + durability
            + "\"}}";
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(search.httpUri().resolve("/" + alias + "/_settings"))
                  .header("Content-Type", "application/json")
                  .PUT(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        out.println(
            "warning   : could not set index settings "
                + body
                + ": "
                + response.statusCode()
                + " "
                + response.body());
      }
    } catch (IOException e) {
      out.println("warning   : could not set index settings " + body + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- scenarios

  private void run(
      GatewayOrders workload,
      MariaDbServer db,
      OrderStore store,
      OrderIndex index,
      OrderCache cache,
      OpenSearchNode search)
      throws Exception {
    List<String> hot = sampleIds(hotIds, GatewayOrders::cached, 11);
    List<String> cold = sampleIds(hotIds, n -> !GatewayOrders.cached(n), 12);
    Path hotFile = writeIds("hot-ids.txt", hot);
    Path coldFile = writeIds("fallback-ids.txt", cold);
    double warmSeconds = warmNearCache(cache, hot);
    out.printf(
        Locale.ROOT,
        "ids       : %,d hot ids (cached orders, read once through OrderCache.findAll into the"
            + " near cache in %.1f s), %,d fallback ids (not in the cache), random with fixed"
            + " seeds%n",
        hot.size(),
        warmSeconds,
        cold.size());

    // searchOf takes the store itself: Counting does not implement OrderSearch
    Optional<OrderSearch> indexSearch = searchOf(index);
    Optional<OrderSearch> storeSearch = searchOf(store);
    OrderLevels.Builder chain =
        OrderLevels.builder()
            .lookupLevel(
                SearchLevel.CACHE, cache, OrderLevels.LevelConfig.defaults(SearchLevel.CACHE));
    addLevel(chain, SearchLevel.INDEX, new Counting(index, indexCalls), indexSearch);
    addLevel(chain, SearchLevel.STORE, new Counting(store, storeCalls), storeSearch);
    try (GatewayDatabase database =
            GatewayDatabase.open(
                new GatewayDatabase.Config(
                    db.jdbcUrl("hamal_gateway"),
                    db.adminUser(),
                    db.adminPassword(),
                    4,
                    Duration.ofSeconds(5)));
        OrderLevels levels = chain.build()) {
      ApiKeys keys =
          new ApiKeys(database, Clock.systemUTC(), Duration.ofMinutes(10), Ticker.systemTicker());
      String token =
          keys.create(
                  "bench-gateway",
                  new KeyScopes(
                      Set.of(KeyScopes.ALL),
                      Set.of(KeyScopes.ALL),
                      Optional.empty(),
                      true,
                      false,
                      false,
                      1_000_000),
                  Optional.of("bench"))
              .token();
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      Templates templates =
          new Templates(
              database,
              MaskingPolicy.defaults(),
              Clock.systemUTC(),
              Templates.Config.defaults(),
              Ticker.systemTicker());
      try {
        templates.create(
            TEMPLATE, (ObjectNode) new ObjectMapper().readTree(TEMPLATE_BODY), "bench");
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
      OrderService orderService =
          new OrderService(levels, templates, new Cursors(secret), Set.copyOf(GatewayOrders.LINES));
      try (Gateway gateway =
              Gateway.builder(
                      new Gateway.ServerConfig(
                          "127.0.0.1", 0, 2_048, 1_000_000, Duration.ofSeconds(5)),
                      keys)
                  .service("/orders", orderService)
                  .start();
          HttpClient http =
              HttpClient.newBuilder()
                  .version(HttpClient.Version.HTTP_1_1)
                  .connectTimeout(Duration.ofSeconds(5))
                  .executor(Executors.newVirtualThreadPerTaskExecutor())
                  .build()) {
        String base = "http://127.0.0.1:" + gateway.port();
        out.printf(
            Locale.ROOT,
            "gateway   : in this JVM on %s (Helidon SE, virtual threads, max 2,048 concurrent"
                + " requests); levels %s with product default timeouts and breakers; key rate"
                + " limit 1,000,000/s; template %s (JSONata, stored and compiled by Templates)%n",
            base,
            levels.levels(),
            TEMPLATE);
        out.printf(
            Locale.ROOT,
            "generators: %s, %d threads, %d connections, keep-alive, closed loop, latency from"
                + " send; open loop: this JVM, java.net.http on virtual threads at a fixed rate,"
                + " latency from the intended send time (coordinated-omission safe); %d s warm-up"
                + " + %d s measured per scenario%n",
            WrkLoad.version(),
            wrkThreads,
            connections,
            warmupSeconds,
            durationSeconds);
        out.println("sample    : " + sample(http, base, token, hot.get(0)));
        out.flush();
        WrkLoad wrk = new WrkLoad(workDir, wrkThreads, connections);

        // (1) baseline: the cache in-process
        double[] direct = directCacheLoop(cache, hot);
        rows.add(
            new Row(
                "baseline: OrderCache.find in-process",
                "2 threads, no HTTP",
                direct[0],
                direct[1],
                direct[2],
                0,
                "-",
                "-"));

        // (2) baseline: /health
        WrkLoad.Result health = wrkRun(wrk, "health", base, "/health", Optional.empty(), "", token);
        rows.add(row("baseline: GET /health", "wrk", health, "-", "-"));

        // (3) id lookups, cache hits; the near cache keeps entries 30 s after they are read
        warmNearCache(cache, hot);
        OrderCacheStats before = cache.stats();
        WrkLoad.Result lookups =
            wrkRun(wrk, "lookup", base, "/v1/orders/", Optional.of(hotFile), "", token);
        OrderCacheStats after = cache.stats();
        boolean lookupMet =
            lookups.errors() == 0
                && lookups.perSecond() >= TARGET_LOOKUPS_PER_SECOND
                && lookups.p99Micros() / 1000.0 <= TARGET_LOOKUP_P99_MILLIS;
        rows.add(
            row(
                "lookup by id (cache hit)",
                "wrk",
                lookups,
                String.format(
                    Locale.ROOT,
                    ">= %,.0f/s, p99 <= %.0f ms",
                    TARGET_LOOKUPS_PER_SECOND,
                    TARGET_LOOKUP_P99_MILLIS),
                lookupMet ? "MET" : "MISSED"));
        out.printf(
            Locale.ROOT,
            "            the cache level during warm-up and run: near hits %,d, Redis hits %,d,"
                + " misses %,d, of %,d requests; circuits after: %s%n",
            after.nearHits() - before.nearHits(),
            after.redisHits() - before.redisHits(),
            after.misses() - before.misses(),
            lookups.requests() + lookupWarmupRequests,
            levels.circuitStates());

        // (4) id lookups with the template, open loop
        warmNearCache(cache, hot);
        OpenLoopLoad open = new OpenLoopLoad(http, token);
        String suffix = "?template=" + TEMPLATE;
        OpenLoopLoad.Result templated =
            openRun(
                open,
                "lookup + template",
                i -> URI.create(base + "/v1/orders/" + hot.get(index(i, hot.size())) + suffix));
        rows.add(
            row(
                "lookup by id + template @ " + rate + "/s",
                "open loop",
                templated,
                "-",
                templated.failed() == 0 ? "-" : "ERRORS"));

        // (5) search by user + time range with the template
        if (indexSearch.isPresent() || storeSearch.isPresent()) {
          if (indexSearch.isPresent()) {
            // the index alone, in this thread, no HTTP: where a slow search comes from
            long[] micros = new long[300];
            for (int i = 0; i < micros.length; i++) {
              var q =
                  java.net.URLDecoder.decode(
                      searchUri(base, workload, i).getQuery(), StandardCharsets.UTF_8);
              String user = q.replaceAll(".*userId=([^&]*).*", "$1");
              Instant from = Instant.parse(q.replaceAll(".*createdFrom=([^&]*).*", "$1"));
              Instant to = Instant.parse(q.replaceAll(".*createdTo=([^&]*).*", "$1"));
              long start = System.nanoTime();
              indexSearch
                  .get()
                  .search(
                      OrderQuery.all(20)
                          .withUserId(user)
                          .withCreated(Optional.of(from), Optional.of(to)));
              micros[i] = (System.nanoTime() - start) / 1_000;
            }
            java.util.Arrays.sort(micros);
            out.printf(
                Locale.ROOT,
                "index     : direct OrderIndex.search, %d sequential searches: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                micros.length,
                micros[micros.length / 2] / 1000.0,
                micros[micros.length * 99 / 100] / 1000.0,
                micros[micros.length - 1] / 1000.0);
          }
          OpenLoopLoad.Result searches = openRun(open, "search", i -> searchUri(base, workload, i));
          boolean searchMet =
              searches.failed() == 0
                  && rate >= TARGET_SEARCH_RATE
                  && searches.perSecond() >= 0.95 * rate
                  && searches.p99Micros() / 1000.0 <= TARGET_SEARCH_P99_MILLIS;
          rows.add(
              row(
                  "search user + 30 days + template @ " + rate + "/s",
                  "open loop",
                  searches,
                  String.format(
                      Locale.ROOT,
                      "p99 <= %.0f ms @ %,d/s",
                      TARGET_SEARCH_P99_MILLIS,
                      TARGET_SEARCH_RATE),
                  searchMet ? "MET" : "MISSED"));
        } else {
          out.println(
              "search    : not available on this build (neither OrderIndex nor OrderStore"
                  + " implements OrderSearch yet); not measured");
          rows.add(
              new Row(
                  "search user + 30 days + template @ " + rate + "/s",
                  "-",
                  Double.NaN,
                  Double.NaN,
                  Double.NaN,
                  0,
                  String.format(
                      Locale.ROOT,
                      "p99 <= %.0f ms @ %,d/s",
                      TARGET_SEARCH_P99_MILLIS,
                      TARGET_SEARCH_RATE),
                  "NOT AVAILABLE ON THIS BUILD"));
        }

        // (6) fallback: the index down, ids not in the cache
        long stopStart = System.nanoTime();
        search.stop();
        out.printf(
            Locale.ROOT,
            "fallback  : OpenSearch node stopped (%.1f s); lookups of ids not in the cache:"
                + " cache miss -> index (refused, then circuit open) -> store%n",
            (System.nanoTime() - stopStart) / 1e9);
        out.println("            first answers: " + probe(http, base, token, cold, 50));
        WrkLoad.Result fallback =
            wrkRun(wrk, "fallback", base, "/v1/orders/", Optional.of(coldFile), "", token);
        out.println("            circuits after: " + levels.circuitStates());
        rows.add(row("lookup by id, index down (store)", "wrk", fallback, "-", "-"));

        printTable(health, lookups);
      }
    }
  }

  /** Reads the hot ids once through the cache, which keeps them in its near cache; seconds. */
  private static double warmNearCache(OrderCache cache, List<String> hot) {
    long start = System.nanoTime();
    for (int i = 0; i < hot.size(); i += 1_000) {
      List<String> chunk = hot.subList(i, Math.min(hot.size(), i + 1_000));
      Map<String, StoredOrder> found = cache.findAll(chunk);
      if (found.size() != chunk.size()) {
        throw new WorkloadException(
            "the cache holds only " + found.size() + " of " + chunk.size() + " hot ids");
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static int index(long i, int size) {
    return (int) Math.floorMod(i * 0x9E37_79B9L + 7, (long) size);
  }

  private URI searchUri(String base, GatewayOrders workload, long i) {
    SplittableRandom r = new SplittableRandom(0xC0FFEE + i);
    Instant from =
        GatewayOrders.START.plus(
            Duration.ofMinutes(r.nextLong(60L * 24 * (GatewayOrders.DAYS - 30))));
    Instant to = from.plus(Duration.ofDays(30));
    return URI.create(
        base
            + "/v1/orders?userId=u"
            + r.nextInt(workload.users())
            + "&createdFrom="
            + URLEncoder.encode(from.toString(), StandardCharsets.UTF_8)
            + "&createdTo="
            + URLEncoder.encode(to.toString(), StandardCharsets.UTF_8)
            + "&limit=20&template="
            + TEMPLATE);
  }

  private WrkLoad.Result wrkRun(
      WrkLoad wrk,
      String name,
      String base,
      String prefix,
      Optional<Path> ids,
      String suffix,
      String token)
      throws IOException, InterruptedException {
    if (warmupSeconds > 0) {
      wrk.run(
          name + "-warmup", base, prefix, ids, suffix, token, Duration.ofSeconds(warmupSeconds));
    }
    long indexBefore = indexCalls.sum();
    long storeBefore = storeCalls.sum();
    WrkLoad.Result r =
        wrk.run(name, base, prefix, ids, suffix, token, Duration.ofSeconds(durationSeconds));
    out.printf(
        Locale.ROOT,
        "%-10s: %,.0f req/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms, %,d requests, %,d errors;"
            + " lookups that reached the index %,d, the store %,d%n",
        name,
        r.perSecond(),
        r.p50Micros() / 1000.0,
        r.p99Micros() / 1000.0,
        r.maxMicros() / 1000.0,
        r.requests(),
        r.errors(),
        indexCalls.sum() - indexBefore,
        storeCalls.sum() - storeBefore);
    out.flush();
    return r;
  }

  private OpenLoopLoad.Result openRun(
      OpenLoopLoad open, String name, java.util.function.LongFunction<URI> uris)
      throws InterruptedException {
    if (warmupSeconds > 0) {
      open.run(uris, rate, Duration.ofSeconds(warmupSeconds));
    }
    OpenLoopLoad.Result r = open.run(uris, rate, Duration.ofSeconds(durationSeconds));
    out.printf(
        Locale.ROOT,
        "%-10s: %,d requests at %,d/s (achieved %,.0f/s), p50 %.2f ms, p99 %.2f ms, max %.1f ms,"
            + " %,d failed%s, scheduler at most %.1f ms late; answered by %s%n",
        name.length() > 10 ? name.substring(0, 10) : name,
        r.sent(),
        rate,
        r.perSecond(),
        r.p50Micros() / 1000.0,
        r.p99Micros() / 1000.0,
        r.maxMicros() / 1000.0,
        r.failed(),
        r.firstFailure().map(f -> " (first: " + f + ")").orElse(""),
        r.maxBehindMicros() / 1000.0,
        r.levels());
    out.flush();
    return r;
  }

  private static Row row(String scenario, String generator, WrkLoad.Result r, String t, String v) {
    return new Row(
        scenario,
        generator,
        r.perSecond(),
        r.p50Micros() / 1000.0,
        r.p99Micros() / 1000.0,
        r.errors(),
        t,
        v);
  }

  private static Row row(
      String scenario, String generator, OpenLoopLoad.Result r, String t, String v) {
    return new Row(
        scenario,
        generator,
        r.perSecond(),
        r.p50Micros() / 1000.0,
        r.p99Micros() / 1000.0,
        r.failed(),
        t,
        v);
  }

  private void printTable(WrkLoad.Result health, WrkLoad.Result lookups) {
    out.println();
    out.printf(
        "%-42s %-18s %10s %8s %8s %7s  %-28s %s%n",
        "scenario", "generator", "req/s", "p50 ms", "p99 ms", "errors", "target", "verdict");
    for (Row r : rows) {
      out.printf(
          Locale.ROOT,
          "%-42s %-18s %10s %8s %8s %7d  %-28s %s%n",
          r.scenario(),
          r.generator(),
          Double.isNaN(r.perSecond()) ? "-" : String.format(Locale.ROOT, "%,.0f", r.perSecond()),
          Double.isNaN(r.p50Millis()) ? "-" : String.format(Locale.ROOT, "%.2f", r.p50Millis()),
          Double.isNaN(r.p99Millis()) ? "-" : String.format(Locale.ROOT, "%.2f", r.p99Millis()),
          r.errors(),
          r.target(),
          r.verdict());
    }
    out.printf(
        Locale.ROOT,
        "ratios    : id lookups/s = %.2f x the /health floor, %.2f x the 20,000/s target;"
            + " lookup p99 = %.2f x the 10 ms target%n",
        lookups.perSecond() / health.perSecond(),
        lookups.perSecond() / TARGET_LOOKUPS_PER_SECOND,
        lookups.p99Micros() / 1000.0 / TARGET_LOOKUP_P99_MILLIS);
    out.flush();
  }

  /** ops/s, p50 ms and p99 ms of OrderCache.find on the hot ids from two threads. */
  private double[] directCacheLoop(OrderCache cache, List<String> hot) throws Exception {
    Duration measured = Duration.ofSeconds(Math.min(durationSeconds, 10));
    loop(cache, hot, Duration.ofSeconds(Math.min(warmupSeconds, 3)));
    double[] r = loop(cache, hot, measured);
    out.printf(
        Locale.ROOT,
        "direct    : OrderCache.find %,.0f calls/s (2 threads, %d s), p50 %.4f ms, p99 %.4f ms%n",
        r[0],
        measured.toSeconds(),
        r[1],
        r[2]);
    out.flush();
    return r;
  }

  private static double[] loop(OrderCache cache, List<String> hot, Duration duration)
      throws Exception {
    int threads = 2;
    int cap = 2_000_000;
    long[][] samples = new long[threads][cap];
    long[] counts = new long[threads];
    long end = System.nanoTime() + duration.toNanos();
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        futures.add(
            pool.submit(() -> {
              long n = 0;
              int i = id * 7919;
              while (System.nanoTime() < end) {
                long s = System.nanoTime();
                if (cache.find(hot.get(i++ % hot.size())).isEmpty()) {
                  throw new IllegalStateException("a hot id is missing from the cache");
                }
                long took = System.nanoTime() - s;
                if (n < cap) {
                  samples[id][(int) n] = took;
                }
                n++;
              }
              counts[id] = n;
              return null;
            }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long total = 0;
    for (int t = 0; t < threads; t++) {
      total += counts[t];
    }
    int kept = 0;
    for (int t = 0; t < threads; t++) {
      kept += (int) Math.min(cap, counts[t]);
    }
    long[] merged = new long[kept];
    int k = 0;
    for (int t = 0; t < threads; t++) {
      int m = (int) Math.min(cap, counts[t]);
      System.arraycopy(samples[t], 0, merged, k, m);
      k += m;
    }
    Arrays.sort(merged);
    return new double[] {
      total / seconds,
      OpenLoopLoad.percentile(merged, 0.50) / 1e6,
      OpenLoopLoad.percentile(merged, 0.99) / 1e6
    };
  }

  private String sample(HttpClient http, String base, String token, String id)
      throws IOException, InterruptedException {
    String path = "/v1/orders/" + id + "?template=" + TEMPLATE;
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new WorkloadException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return "GET " + path + " -> " + r.statusCode() + " " + r.body();
  }

  /** Sends {@code n} lookups one by one; counts status and Hamal-Level of the answers. */
  private String probe(HttpClient http, String base, String token, List<String> ids, int n)
      throws IOException, InterruptedException {
    Map<String, Integer> seen = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/orders/" + ids.get(i % ids.size())))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      String key =
          r.statusCode()
              + " level="
              + r.headers().firstValue("Hamal-Level").orElse("-")
              + " degraded="
              + r.headers().firstValue("Hamal-Degraded").orElse("-");
      seen.merge(key, 1, Integer::sum);
    }
    return seen.toString();
  }

  private List<String> sampleIds(int count, LongPredicate which, long seed) {
    long eligible = 0;
    for (long n = 0; n < orders; n++) {
      eligible += which.test(n) ? 1 : 0;
    }
    SplittableRandom r = new SplittableRandom(seed);
    Map<Long, Boolean> picked = new LinkedHashMap<>();
    long want = Math.min(count, eligible);
    while (picked.size() < want) {
      long n = r.nextLong(orders);
      if (which.test(n)) {
        picked.put(n, Boolean.TRUE);
      }
    }
    return picked.keySet().stream().map(GatewayOrders::orderId).toList();
  }

  private Path writeIds(String name, Collection<String> ids) throws IOException {
    Path file = workDir.resolve(name);
    Files.write(file, ids, StandardCharsets.UTF_8);
    return file;
  }

  private static void addLevel(
      OrderLevels.Builder chain,
      SearchLevel name,
      OrderLookup lookup,
      Optional<OrderSearch> search) {
    OrderLevels.LevelConfig config = OrderLevels.LevelConfig.defaults(name);
    if (search.isPresent()) {
      chain.searchLevel(name, new Searching(lookup, search.get()), config);
    } else {
      chain.lookupLevel(name, lookup, config);
    }
  }

  /**
   * The store's search, when its class implements {@link OrderSearch} on this build (the index's
   * and the store's searches are being added in parallel; the parameter is an Object so this
   * compiles either way).
   */
  private static Optional<OrderSearch> searchOf(Object store) {
    return store instanceof OrderSearch s ? Optional.of(s) : Optional.empty();
  }

  /** A lookup that counts the lookups the level chain sends it (to show fall-through). */
  private record Counting(OrderLookup lookup, LongAdder calls) implements OrderLookup {
    @Override
    public Map<String, StoredOrder> findAll(Collection<String> orderIds) {
      calls.increment();
      return lookup.findAll(orderIds);
    }

    @Override
    public Optional<StoredOrder> find(String orderId) {
      calls.increment();
      return lookup.find(orderId);
    }

    @Override
    public void scan(String businessLine, Instant from, Instant to, Consumer<StoredOrder> each) {
      lookup.scan(businessLine, from, to, each);
    }
  }

  /** A level's lookup and search as one object, as {@code OrderLevels.searchLevel} wants. */
  private record Searching(OrderLookup lookup, OrderSearch search)
      implements OrderLookup, OrderSearch {
    @Override
    public Map<String, StoredOrder> findAll(Collection<String> orderIds) {
      return lookup.findAll(orderIds);
    }

    @Override
    public Optional<StoredOrder> find(String orderId) {
      return lookup.find(orderId);
    }

    @Override
    public void scan(String businessLine, Instant from, Instant to, Consumer<StoredOrder> each) {
      lookup.scan(businessLine, from, to, each);
    }

    @Override
    public OrderPage search(OrderQuery query) {
      return search.search(query);
    }
  }

  private static void createDatabase(MariaDbServer server, String database) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                server.jdbcUrl(""), server.adminUser(), server.adminPassword());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE `" + database + "`");
    }
  }
}
