package dev.hamal.cache;

import dev.hamal.order.OrderChangeCodec;
import dev.hamal.order.OrderCodecException;
import dev.hamal.order.OrderLookup;
import dev.hamal.order.OrderSink;
import dev.hamal.order.OrderVersion;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.SinkResult;
import dev.hamal.order.StoredOrder;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order cache: orders in Redis, one hash per order, written only forward by version, read
 * through an in-process near cache that pub/sub invalidation keeps fresh and that never serves an
 * order older than one it has served.
 *
 * <p><b>Writes.</b> {@link #apply} reduces the batch to the newest write of each order (the older
 * ones count as stale), then pipelines one {@code EVALSHA} of the {@linkplain CasScript
 * compare-and-set script} per order and waits for every reply within the command timeout. The
 * script is loaded once at start and again when Redis answers {@code NOSCRIPT} (a restart or {@code
 * SCRIPT FLUSH}); only the writes that got {@code NOSCRIPT} are sent again. After the replies, one
 * message on the invalidation channel names every order of the batch with its newest version (stale
 * ones too: a replay after a failed publish announces them again), and this instance's own near
 * cache drops older entries before {@code apply} returns. Upserts and archives live for {@code
 * liveTtl}; a delete leaves a tombstone (state {@code DELETED}) for {@code tombstoneTtl}.
 *
 * <p><b>Reads.</b> {@link #findAll} serves what the near cache holds and reads the rest from Redis
 * ({@code HMGET}, pipelined), then offers each to the near cache, which serves it only when it is
 * not older than a version already served ({@link NearCache}). Results include archived orders and
 * tombstones, as {@link OrderLookup} says. A value that cannot be decoded is logged and treated as
 * absent. {@link #scan} is not supported: a cache cannot list what it does not hold.
 *
 * <p><b>Invalidation.</b> Every instance subscribes to the invalidation channel and drops near
 * entries older than the announced versions. When the subscription's connection drops, messages may
 * be lost: the whole near cache is invalidated (keeping the floor), and again when it reconnects;
 * until then reads that miss go to Redis like any other.
 *
 * <p><b>Threading.</b> {@link #apply} is serialised by a lock (the SPI allows one caller at a time;
 * the lock makes concurrent callers safe, not parallel); it has its own connection with manual
 * flushing, so its pipeline does not delay readers. {@link #findAll} and {@link #find} are
 * thread-safe and share one auto-flushing connection. Invalidations arrive on Lettuce's event-loop
 * thread.
 *
 * <p><b>Failure.</b> A connection error, a Redis error reply (other than {@code NOSCRIPT}) or a
 * timeout fails {@code apply} as a whole with {@link OrderCacheUnavailableException} (a {@link
 * dev.hamal.order.OrderSinkUnavailableException}); some writes may have been applied, which a retry
 * of the batch finds stale. A write the script refuses (the key holds something else) or whose
 * order cannot be encoded is rejected with the reason, and does not fail the batch. Reads that the
 * near cache cannot answer throw {@link OrderCacheUnavailableException} when Redis cannot; the
 * cache does not serve partial results. Commands sent while the client is disconnected fail at once
 * rather than queueing.
 */
public final class OrderCache implements OrderSink, OrderLookup {

  private static final Logger log = LoggerFactory.getLogger(OrderCache.class);
  private static final String[] FIELDS = {"v", "s", "t", "o"};

  private final OrderCacheConfig config;
  private final OrderChangeCodec codec = new OrderChangeCodec();
  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, byte[]> writer;
  private final StatefulRedisConnection<String, byte[]> reader;
  private final StatefulRedisPubSubConnection<String, String> subscriber;
  private final NearCache near;
  private final ReentrantLock applyLock = new ReentrantLock();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final LongAdder redisHits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder applied = new LongAdder();
  private final LongAdder stale = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder invalidationsReceived = new LongAdder();
  private final byte[] liveTtlMillis;
  private final byte[] tombstoneTtlMillis;

  private OrderCache(OrderCacheConfig config) {
    this.config = config;
    this.near =
        new NearCache(
            config.nearCacheMaxSize(),
            config.nearCacheTtl(),
            config.floorMaxSize(),
            config.ticker(),
            ForkJoinPool.commonPool());
    this.liveTtlMillis = ascii(Long.toString(config.liveTtl().toMillis()));
    this.tombstoneTtlMillis = ascii(Long.toString(config.tombstoneTtl().toMillis()));
    this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).build();
    this.client = RedisClient.create(resources, config.redisUri());
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout()))
            .build());
    RedisCodec<String, byte[]> bytes = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    StatefulRedisConnection<String, byte[]> w = null;
    StatefulRedisConnection<String, byte[]> r = null;
    StatefulRedisPubSubConnection<String, String> s = null;
    try {
      w = client.connect(bytes);
      w.setAutoFlushCommands(false);
      r = client.connect(bytes);
      s = client.connectPubSub(StringCodec.UTF8);
      s.addListener(
          new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
              onInvalidation(message);
            }
          });
      StatefulRedisPubSubConnection<String, String> subscription = s;
      client.addListener(
          new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
              if (connection == subscription && !closed.get()) {
                log.warn(
                    "Lost the invalidation subscription to {}; near cache invalidated",
                    config.maskedRedisUri());
                near.invalidateAll();
              }
            }

            @Override
            public void onRedisConnected(
                RedisChannelHandler<?, ?> connection, SocketAddress address) {
              if (connection == subscription) {
                near.invalidateAll();
              }
            }
          });
      s.sync().subscribe(config.invalidationChannel());
      String sha = r.sync().scriptLoad(ascii(CasScript.SOURCE));
      if (!CasScript.SHA.equals(sha)) {
        throw new IllegalStateException("Redis named the script " + sha + ", not " + CasScript.SHA);
      }
    } catch (RedisException e) {
      closeQuietly(s, r, w);
      shutDownClient();
      throw new OrderCacheUnavailableException(
          "cannot connect the order cache to " + config.maskedRedisUri() + ": " + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      closeQuietly(s, r, w);
      shutDownClient();
      throw e;
    }
    this.writer = w;
    this.reader = r;
    this.subscriber = s;
  }

  /**
   * Connects to Redis, loads the script and subscribes to invalidations.
   *
   * @throws OrderCacheUnavailableException if Redis cannot be reached
   */
  public static OrderCache connect(OrderCacheConfig config) {
    OrderCache cache = new OrderCache(Objects.requireNonNull(config, "config"));
    log.info("Order cache connected: {}", config);
    return cache;
  }

  /**
   * {@link #connect(OrderCacheConfig)}, with counters registered in {@code registry}: {@code
   * hamal.cache.reads} (tag {@code result}: {@code near_hit}, {@code redis_hit}, {@code miss},
   * {@code refused_older}), {@code hamal.cache.writes} (tag {@code result}: {@code applied}, {@code
   * stale}, {@code rejected}) and {@code hamal.cache.invalidations}.
   */
  public static OrderCache connect(OrderCacheConfig config, MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    OrderCache cache = connect(config);
    cache.register(registry);
    return cache;
  }

  private void register(MeterRegistry registry) {
    counter(registry, "hamal.cache.reads", "near_hit", c -> c.near.hits());
    counter(registry, "hamal.cache.reads", "redis_hit", c -> c.redisHits.sum());
    counter(registry, "hamal.cache.reads", "miss", c -> c.misses.sum());
    counter(registry, "hamal.cache.reads", "refused_older", c -> c.near.refused());
    counter(registry, "hamal.cache.writes", "applied", c -> c.applied.sum());
    counter(registry, "hamal.cache.writes", "stale", c -> c.stale.sum());
    counter(registry, "hamal.cache.writes", "rejected", c -> c.rejected.sum());
    FunctionCounter.builder(
            "hamal.cache.invalidations", this, c -> (double) c.invalidationsReceived.sum())
        .description("order ids announced on the invalidation channel")
        .register(registry);
  }

  private void counter(
      MeterRegistry registry, String name, String result, ToDoubleFunction<OrderCache> value) {
    FunctionCounter.builder(name, this, value).tag("result", result).register(registry);
  }

  @Override
  public String name() {
    return "cache";
  }

  /** The configuration, password masked in its {@code toString()}. */
  public OrderCacheConfig config() {
    return config;
  }

  /** Counters since the cache was opened. */
  public OrderCacheStats stats() {
    return new OrderCacheStats(
        near.hits(),
        redisHits.sum(),
        misses.sum(),
        near.refused(),
        applied.sum(),
        stale.sum(),
        rejected.sum(),
        invalidationsReceived.sum());
  }

  /** The Redis key of an order. */
  public String key(String orderId) {
    return config.keyPrefix() + orderId;
  }

  // ---- writes ------------------------------------------------------------------------------

  /** One order's newest write, encoded, with the older writes it supersedes. */
  private record Pending(OrderWrite write, byte[][] args, List<OrderWrite> superseded) {}

  @Override
  public SinkResult apply(List<OrderWrite> writes) {
    Objects.requireNonNull(writes, "writes");
    if (writes.isEmpty()) {
      return new SinkResult(0, 0, List.of());
    }
    applyLock.lock();
    try {
      return applyLocked(writes);
    } finally {
      applyLock.unlock();
    }
  }

  private SinkResult applyLocked(List<OrderWrite> writes) {
    Map<String, List<OrderWrite>> byOrder = new LinkedHashMap<>();
    for (OrderWrite write : writes) {
      byOrder.computeIfAbsent(write.orderId(), id -> new ArrayList<>(1)).add(write);
    }
    int staleCount = 0;
    List<SinkResult.Rejection> rejections = new ArrayList<>();
    List<Pending> pending = new ArrayList<>(byOrder.size());
    List<Invalidations> announced = new ArrayList<>(byOrder.size());
    for (List<OrderWrite> ofOrder : byOrder.values()) {
      if (ofOrder.size() > 1) {
        ofOrder.sort(Comparator.comparing(OrderWrite::version).reversed());
      }
      announced.add(new Invalidations(ofOrder.get(0).orderId(), ofOrder.get(0).version()));
      Pending chosen = null;
      for (int i = 0; i < ofOrder.size() && chosen == null; i++) {
        OrderWrite write = ofOrder.get(i);
        try {
          chosen = new Pending(write, args(write), ofOrder.subList(i + 1, ofOrder.size()));
        } catch (OrderCodecException | IllegalStateException | IllegalArgumentException e) {
          rejections.add(
              new SinkResult.Rejection(write, "the order cannot be encoded: " + e.getMessage()));
        }
      }
      if (chosen != null) {
        pending.add(chosen);
      }
    }
    long[] replies = evaluate(pending);
    int appliedCount = 0;
    for (int i = 0; i < pending.size(); i++) {
      Pending p = pending.get(i);
      long reply = replies[i];
      if (reply == CasScript.APPLIED) {
        appliedCount++;
        staleCount += p.superseded().size();
      } else if (reply == CasScript.STALE) {
        staleCount += 1 + p.superseded().size();
      } else {
        String reason = CasScript.reason(reply);
        rejections.add(new SinkResult.Rejection(p.write(), reason));
        p.superseded().forEach(w -> rejections.add(new SinkResult.Rejection(w, reason)));
      }
    }
    publish(announced);
    for (Invalidations change : announced) {
      near.invalidate(change.orderId(), change.version());
    }
    applied.add(appliedCount);
    stale.add(staleCount);
    rejected.add(rejections.size());
    return new SinkResult(appliedCount, staleCount, rejections);
  }

  private byte[][] args(OrderWrite write) {
    return new byte[][] {
      ascii(write.version().toString()),
      ascii(write.state().name()),
      ascii(write.change().commitTime().toString()),
      codec.encodeOrder(write.image()),
      write.action() == OrderWrite.Action.DELETE ? tombstoneTtlMillis : liveTtlMillis
    };
  }

  /** Pipelines the script for every pending write; sends again those that met NOSCRIPT. */
  private long[] evaluate(List<Pending> pending) {
    long[] replies = new long[pending.size()];
    List<Integer> todo = new ArrayList<>(pending.size());
    for (int i = 0; i < pending.size(); i++) {
      todo.add(i);
    }
    for (int attempt = 1; !todo.isEmpty(); attempt++) {
      List<RedisFuture<Long>> futures = new ArrayList<>(todo.size());
      for (int i : todo) {
        Pending p = pending.get(i);
        futures.add(
            writer
                .async()
                .evalsha(
                    CasScript.SHA,
                    ScriptOutputType.INTEGER,
                    new String[] {key(p.write().orderId())},
                    p.args()));
      }
      writer.flushCommands();
      long deadline = System.nanoTime() + config.commandTimeout().toNanos();
      List<Integer> noScript = new ArrayList<>();
      for (int j = 0; j < futures.size(); j++) {
        try {
          replies[todo.get(j)] = await(futures.get(j), deadline, "applying a batch");
        } catch (NoScript e) {
          noScript.add(todo.get(j));
        }
      }
      if (!noScript.isEmpty()) {
        if (attempt > 1) {
          throw new OrderCacheUnavailableException(
              "Redis at " + config.maskedRedisUri() + " lost the script again right after loading",
              null);
        }
        log.info(
            "Redis at {} lost the script (NOSCRIPT); loading it again", config.maskedRedisUri());
        RedisFuture<String> load = writer.async().scriptLoad(ascii(CasScript.SOURCE));
        writer.flushCommands();
        await(load, System.nanoTime() + config.commandTimeout().toNanos(), "loading the script");
      }
      todo = noScript;
    }
    return replies;
  }

  private void publish(List<Invalidations> announced) {
    RedisFuture<Long> sent =
        writer
            .async()
            .publish(
                config.invalidationChannel(),
                Invalidations.encode(announced).getBytes(StandardCharsets.UTF_8));
    writer.flushCommands();
    await(sent, System.nanoTime() + config.commandTimeout().toNanos(), "publishing invalidations");
  }

  /** Thrown by {@link #await} for a NOSCRIPT reply, which {@link #evaluate} handles. */
  private static final class NoScript extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoScript() {
      super(null, null, false, false);
    }
  }

  private <T> T await(RedisFuture<T> future, long deadlineNanos, String what) {
    try {
      return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RedisNoScriptException) {
        throw new NoScript();
      }
      throw unavailable(what, e.getCause());
    } catch (TimeoutException e) {
      future.cancel(false);
      throw new OrderCacheUnavailableException(
          "Redis at "
              + config.maskedRedisUri()
              + " did not answer within "
              + config.commandTimeout()
              + " while "
              + what,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OrderCacheUnavailableException("interrupted while " + what, e);
    }
  }

  private OrderCacheUnavailableException unavailable(String what, Throwable cause) {
    return new OrderCacheUnavailableException(
        "Redis at "
            + config.maskedRedisUri()
            + " failed while "
            + what
            + ": "
            + (cause == null ? "unknown" : cause.getMessage()),
        cause);
  }

  // ---- reads -------------------------------------------------------------------------------

  @Override
  public Map<String, StoredOrder> findAll(Collection<String> orderIds) {
    Objects.requireNonNull(orderIds, "orderIds");
    Map<String, StoredOrder> found = new HashMap<>(Math.max(4, orderIds.size() * 2));
    List<String> missing = new ArrayList<>();
    for (String id : new LinkedHashSet<>(orderIds)) {
      Optional<StoredOrder> cached = near.get(Objects.requireNonNull(id, "order id"));
      if (cached.isPresent()) {
        found.put(id, cached.get());
      } else {
        missing.add(id);
      }
    }
    if (missing.isEmpty()) {
      return found;
    }
    long[] stamps = new long[missing.size()];
    List<RedisFuture<List<KeyValue<String, byte[]>>>> futures = new ArrayList<>(missing.size());
    try {
      for (int i = 0; i < missing.size(); i++) {
        stamps[i] = near.stamp(missing.get(i));
        futures.add(reader.async().hmget(key(missing.get(i)), FIELDS));
      }
    } catch (RedisException e) {
      throw unavailable("reading orders", e);
    }
    long deadline = System.nanoTime() + config.commandTimeout().toNanos();
    for (int i = 0; i < missing.size(); i++) {
      String id = missing.get(i);
      List<KeyValue<String, byte[]>> values = await(futures.get(i), deadline, "reading orders");
      Optional<StoredOrder> stored = decode(id, values);
      if (stored.isEmpty()) {
        misses.increment();
        continue;
      }
      Optional<StoredOrder> served = near.offer(stored.get(), stamps[i]);
      if (served.isPresent()) {
        redisHits.increment();
        found.put(id, served.get());
      }
    }
    return found;
  }

  private Optional<StoredOrder> decode(String id, List<KeyValue<String, byte[]>> values) {
    if (values.stream().noneMatch(KeyValue::hasValue)) {
      return Optional.empty();
    }
    try {
      byte[] order = values.get(3).getValueOrElse(null);
      if (order == null) {
        throw new IllegalArgumentException("no order field");
      }
      StoredOrder stored =
          new StoredOrder(
              codec.decodeOrder(order),
              OrderVersion.parse(text(values.get(0))),
              StoredOrder.State.valueOf(text(values.get(1))),
              Instant.parse(text(values.get(2))));
      if (!stored.orderId().equals(id)) {
        throw new IllegalArgumentException("it holds order " + stored.orderId());
      }
      return Optional.of(stored);
    } catch (RuntimeException e) {
      log.warn(
          "Key {} does not hold a readable order ({}); treated as absent", key(id), e.toString());
      return Optional.empty();
    }
  }

  private static String text(KeyValue<String, byte[]> value) {
    if (!value.hasValue()) {
      throw new IllegalArgumentException("no " + value.getKey() + " field");
    }
    return new String(value.getValue(), StandardCharsets.UTF_8);
  }

  /**
   * Not supported: the cache holds only recent orders and cannot list a business line.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public void scan(
      String businessLine,
      Instant from,
      Instant to,
      java.util.function.Consumer<StoredOrder> each) {
    throw new UnsupportedOperationException(
        "the order cache cannot list orders; scan the order store or the search index");
  }

  // ---- invalidation ------------------------------------------------------------------------

  private void onInvalidation(String message) {
    List<Invalidations> changes;
    try {
      changes = Invalidations.decode(message);
    } catch (RuntimeException e) {
      log.warn("Ignored an invalidation message that does not parse: {}", e.toString());
      return;
    }
    for (Invalidations change : changes) {
      near.invalidate(change.orderId(), change.version());
    }
    invalidationsReceived.add(changes.size());
  }

  // ---- closing -----------------------------------------------------------------------------

  /** Closes the connections and the client's threads. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly(subscriber, reader, writer);
    shutDownClient();
  }

  private static void closeQuietly(AutoCloseable... connections) {
    for (AutoCloseable c : connections) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          log.debug("Closing a Redis connection failed", e);
        }
      }
    }
  }

  private void shutDownClient() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  /** The near cache, for tests in this package. */
  NearCache near() {
    return near;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
