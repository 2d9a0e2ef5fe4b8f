package dev.hamal.gateway;

import dev.hamal.gateway.LevelAnswer.Attempt;
import dev.hamal.gateway.LevelAnswer.Outcome;
import dev.hamal.order.OrderLookup;
import dev.hamal.order.OrderPage;
import dev.hamal.order.OrderQuery;
import dev.hamal.order.OrderSearch;
import dev.hamal.order.StoredOrder;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The multi-level search: an order is looked for in the cache, then the search index, then the
 * order store, then the product line's own database; a search runs on the first level that can
 * search and is available (index, store, product line).
 *
 * <p>Falling through: a lookup by id moves to the next level when a level misses (e.g. an order not
 * indexed yet), fails, times out, has its circuit open, is rate-limited or busy; a search moves on
 * only when the level is unavailable — an empty page from an available level is the answer, or
 * every empty search would reach the product lines. The answer says which level answered and
 * whether it is degraded (a level ahead of it was unavailable).
 *
 * <p>Each level has a timeout, a circuit breaker (resilience4j, count-based window; timeouts count
 * as failures, misses as successes) so a dead store is not asked on every request, and a bulkhead
 * (a cap on calls in flight, so calls that outlive their timeout cannot pile up). A level may also
 * have a rate limiter: the product-line level has one, so the gateway can never put more than the
 * configured load on a product line, and it reads through its own small connection pool.
 *
 * <p>Threading: every call runs on a virtual thread of this class's executor while the request's
 * thread waits up to the level's timeout; a call that times out is interrupted and its result
 * ignored. Thread-safe.
 */
public final class OrderLevels implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OrderLevels.class);

  /**
   * One level's protection.
   *
   * @param timeout how long a request waits for the level
   * @param failureRatePercent the failure rate (over the last {@code window} calls) that opens the
   *     circuit, 1 to 100
   * @param window calls the failure rate is computed over (at least 2); the circuit can open only
   *     after {@code window / 2} calls
   * @param openFor how long an open circuit stays open before letting probes through
   * @param maxInFlight calls to this level running at once (the bulkhead)
   * @param ratePerSecond calls per second allowed; 0 for no limit (the product-line level has one)
   */
  public record LevelConfig(
      Duration timeout,
      int failureRatePercent,
      int window,
      Duration openFor,
      int maxInFlight,
      int ratePerSecond) {
    /** Checks the values; messages name the setting. */
    public LevelConfig {
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(openFor, "openFor");
      if (timeout.isNegative()
          || timeout.isZero()
          || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("levels.*.timeout must be in (0, 1m], was " + timeout);
      }
      if (failureRatePercent < 1 || failureRatePercent > 100) {
        throw new IllegalArgumentException(
            "levels.*.failure-rate must be 1 to 100 (percent), was " + failureRatePercent);
      }
      if (window < 2 || window > 10_000) {
        throw new IllegalArgumentException("levels.*.window must be 2 to 10000, was " + window);
      }
      if (openFor.isNegative() || openFor.isZero()) {
        throw new IllegalArgumentException("levels.*.open-for must be positive, was " + openFor);
      }
      if (maxInFlight < 1 || maxInFlight > 100_000) {
        throw new IllegalArgumentException(
            "levels.*.max-in-flight must be 1 to 100000, was " + maxInFlight);
      }
      if (ratePerSecond < 0 || ratePerSecond > 1_000_000) {
        throw new IllegalArgumentException(
            "levels.*.rate-limit must be 0 to 1000000, was " + ratePerSecond);
      }
    }

    /**
     * The default protection of {@code level}. The timeouts are well above each level's normal
     * latency (a cache hit takes well under a millisecond): they exist to cut a level that hangs,
     * and a timeout counts as a failure, so a timeout near the normal latency would open circuits
     * on every garbage-collection pause (measured with {@code hamal bench gateway}: 50 ms on the
     * cache opened all circuits at once on a loaded machine).
     */
    public static LevelConfig defaults(SearchLevel level) {
      return switch (level) {
        case CACHE ->
            new LevelConfig(Duration.ofMillis(250), 50, 20, Duration.ofSeconds(5), 4_096, 0);
        case INDEX -> new LevelConfig(Duration.ofSeconds(1), 50, 20, Duration.ofSeconds(5), 16, 0);
        case STORE -> new LevelConfig(Duration.ofSeconds(2), 50, 20, Duration.ofSeconds(5), 512, 0);
        case PRODUCT_LINE ->
            new LevelConfig(Duration.ofSeconds(3), 50, 10, Duration.ofSeconds(10), 16, 50);
      };
    }
  }

  private static final class Level {
    final SearchLevel name;
    final OrderLookup lookup;
    final Optional<OrderSearch> search;
    final LevelConfig config;
    final CircuitBreaker breaker;
    final Semaphore inFlight;
    final Optional<RateLimiter> limiter;

    Level(SearchLevel name, OrderLookup lookup, Optional<OrderSearch> search, LevelConfig config) {
      this.name = name;
      this.lookup = lookup;
      this.search = search;
      this.config = config;
      this.breaker =
          CircuitBreaker.of(
              "hamal-level-" + name.label(),
              CircuitBreakerConfig.custom()
                  .failureRateThreshold(config.failureRatePercent())
                  .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                  .slidingWindowSize(config.window())
                  .minimumNumberOfCalls(Math.max(2, config.window() / 2))
                  .waitDurationInOpenState(config.openFor())
                  .permittedNumberOfCallsInHalfOpenState(2)
                  .automaticTransitionFromOpenToHalfOpenEnabled(false)
                  .build());
      this.inFlight = new Semaphore(config.maxInFlight());
      this.limiter =
          config.ratePerSecond() == 0
              ? Optional.empty()
              : Optional.of(
                  RateLimiter.of(
                      "hamal-level-" + name.label(),
                      RateLimiterConfig.custom()
                          .limitForPeriod(config.ratePerSecond())
                          .limitRefreshPeriod(Duration.ofSeconds(1))
                          .timeoutDuration(Duration.ZERO)
                          .build()));
    }
  }

  /** Assembles the chain; levels are tried in {@link SearchLevel} order whatever the call order. */
  public static final class Builder {
    private final Map<SearchLevel, Level> levels = new EnumMap<>(SearchLevel.class);

    private Builder() {}

    /** A level that answers lookups by id only (the cache). */
    public Builder lookupLevel(SearchLevel name, OrderLookup lookup, LevelConfig config) {
      levels.put(name, new Level(name, lookup, Optional.empty(), config));
      return this;
    }

    /** A level that answers lookups by id and searches. */
    public <T extends OrderLookup & OrderSearch> Builder searchLevel(
        SearchLevel name, T store, LevelConfig config) {
      levels.put(name, new Level(name, store, Optional.of(store), config));
      return this;
    }

    /** The chain. */
    public OrderLevels build() {
      if (levels.isEmpty()) {
        throw new IllegalStateException("the gateway needs at least one level");
      }
      return new OrderLevels(List.copyOf(levels.values()));
    }
  }

  private final List<Level> levels;
  private final ExecutorService executor;

  private OrderLevels(List<Level> levels) {
    this.levels = levels;
    this.executor =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("hamal-level-", 0).factory());
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The levels configured, in the order they are tried. */
  public List<SearchLevel> levels() {
    return levels.stream().map(l -> l.name).toList();
  }

  /** The circuit state of each level ({@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}, ...). */
  public Map<SearchLevel, String> circuitStates() {
    Map<SearchLevel, String> states = new EnumMap<>(SearchLevel.class);
    levels.forEach(l -> states.put(l.name, l.breaker.getState().name()));
    return states;
  }

  /**
   * Looks for one order, level by level, starting at {@code from} (levels before it are skipped),
   * until a level holds it. A tombstone (state DELETED) is an answer: the order was deleted.
   */
  public LevelAnswer<StoredOrder> find(String orderId, SearchLevel from) {
    List<Attempt> attempts = new ArrayList<>(levels.size());
    boolean unavailableAhead = false;
    for (Level level : levels) {
      if (level.name.compareTo(from) < 0) {
        continue;
      }
      Result<Optional<StoredOrder>> result = call(level, () -> level.lookup.find(orderId));
      attempts.add(
          new Attempt(
              level.name, result.outcome(result.value.map(Optional::isPresent)), result.micros));
      if (result.value.isPresent() && result.value.get().isPresent()) {
        return new LevelAnswer<>(
            result.value.get(), Optional.of(level.name), unavailableAhead, attempts);
      }
      unavailableAhead |= result.outcome.unavailable();
    }
    return new LevelAnswer<>(Optional.empty(), Optional.empty(), unavailableAhead, attempts);
  }

  /**
   * Runs a search on the first level that can search and answers, starting at {@code from}; an
   * empty page from an available level is an answer.
   */
  public LevelAnswer<OrderPage> search(OrderQuery query, SearchLevel from) {
    List<Attempt> attempts = new ArrayList<>(levels.size());
    boolean unavailableAhead = false;
    for (Level level : levels) {
      if (level.name.compareTo(from) < 0) {
        continue;
      }
      if (level.search.isEmpty()) {
        attempts.add(new Attempt(level.name, Outcome.UNSUPPORTED, 0));
        continue;
      }
      OrderSearch search = level.search.get();
      Result<OrderPage> result = call(level, () -> search.search(query));
      attempts.add(
          new Attempt(level.name, result.outcome(result.value.map(p -> true)), result.micros));
      if (result.value.isPresent()) {
        return new LevelAnswer<>(result.value, Optional.of(level.name), unavailableAhead, attempts);
      }
      unavailableAhead |= result.outcome.unavailable();
    }
    return new LevelAnswer<>(Optional.empty(), Optional.empty(), unavailableAhead, attempts);
  }

  /** A level's reply: the value when it answered, else why not. */
  private record Result<T>(Optional<T> value, Outcome outcome, long micros) {
    Outcome outcome(Optional<Boolean> hit) {
      if (outcome != Outcome.HIT) {
        return outcome;
      }
      return hit.orElse(false) ? Outcome.HIT : Outcome.MISS;
    }
  }

  private <T> Result<T> call(Level level, Callable<T> work) {
    if (level.limiter.isPresent() && !level.limiter.get().acquirePermission()) {
      return new Result<>(Optional.empty(), Outcome.RATE_LIMITED, 0);
    }
    if (!level.breaker.tryAcquirePermission()) {
      return new Result<>(Optional.empty(), Outcome.CIRCUIT_OPEN, 0);
    }
    if (!level.inFlight.tryAcquire()) {
      level.breaker.releasePermission();
      return new Result<>(Optional.empty(), Outcome.BUSY, 0);
    }
    long start = System.nanoTime();
    Future<T> future;
    try {
      future =
          executor.submit(() -> {
            try {
              return work.call();
            } finally {
              level.inFlight.release();
            }
          });
    } catch (RuntimeException e) {
      level.inFlight.release();
      level.breaker.releasePermission();
      throw e;
    }
    try {
      T value = future.get(level.config.timeout().toNanos(), TimeUnit.NANOSECONDS);
      long nanos = System.nanoTime() - start;
      level.breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
      return new Result<>(Optional.of(value), Outcome.HIT, nanos / 1_000);
    } catch (TimeoutException e) {
      future.cancel(true);
      long nanos = System.nanoTime() - start;
      level.breaker.onError(nanos, TimeUnit.NANOSECONDS, e);
      log.debug("level {} timed out after {}", level.name.label(), level.config.timeout());
      return new Result<>(Optional.empty(), Outcome.TIMEOUT, nanos / 1_000);
    } catch (ExecutionException e) {
      long nanos = System.nanoTime() - start;
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof IllegalArgumentException
          || cause instanceof UnsupportedOperationException) {
        // a query this level cannot run is not the level's failure
        level.breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
        return new Result<>(Optional.empty(), Outcome.UNSUPPORTED, nanos / 1_000);
      }
      level.breaker.onError(nanos, TimeUnit.NANOSECONDS, cause);
      log.debug("level {} failed: {}", level.name.label(), cause.toString());
      return new Result<>(Optional.empty(), Outcome.ERROR, nanos / 1_000);
    } catch (InterruptedException e) {
      future.cancel(true);
      level.breaker.releasePermission();
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while waiting for level " + level.name.label(), e);
    }
  }

  /** Stops the executor; calls in flight are interrupted. */
  @Override
  public void close() {
    executor.shutdownNow();
  }
}
