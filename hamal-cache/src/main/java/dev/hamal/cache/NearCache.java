package dev.hamal.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.hamal.order.OrderVersion;
import dev.hamal.order.StoredOrder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The in-process level of the order cache: recently read orders, and the floor that makes reads
 * monotonic.
 *
 * <p><b>Invariants.</b> (1) For every order id it remembers, the version it would serve is never
 * below the highest version it has served: that version is held by the near entry while the order
 * is cached, and by the floor after the entry left (size eviction, expiry, invalidation). An order
 * Redis returns below that version is refused ({@link #offer} returns empty), so a caller sees it
 * absent rather than older. (2) An entry is cached only when no invalidation of its id arrived
 * while it was being read from Redis (a per-id stripe counter, read before and compared after), so
 * a read racing a write cannot put the pre-write value back after the invalidation removed it.
 *
 * <p><b>Bound.</b> The near cache holds at most {@code maxSize} orders for at most {@code ttl}
 * after they were read (the staleness bound when an invalidation is lost). The floor holds at most
 * {@code floorMaxSize} ids; when full, Caffeine's policy (W-TinyLFU) drops some, and for a dropped
 * id the monotonic guarantee lapses: a later read may serve an older version than was served before
 * it was dropped, if Redis holds an older one by then. With both at 0 the cache keeps nothing and
 * guarantees nothing.
 *
 * <p><b>Threading.</b> Thread-safe: per-id decisions run inside Caffeine's atomic {@code compute}
 * of the near map; the floor is only written inside those, or by the near map's eviction listener,
 * which Caffeine runs under the same entry's lock. Maintenance runs on {@code executor}.
 *
 * <p><b>Failure.</b> Nothing here talks to Redis; nothing fails but out of memory.
 */
final class NearCache {

  private static final int STRIPES = 4096;

  private final boolean nearEnabled;
  private final boolean floorEnabled;
  private final Cache<String, StoredOrder> near;
  private final Cache<String, OrderVersion> floor;
  private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
  private final AtomicLong everything = new AtomicLong();
  private final LongAdder hits = new LongAdder();
  private final LongAdder refused = new LongAdder();

  NearCache(long maxSize, Duration ttl, long floorMaxSize, Ticker ticker, Executor executor) {
    this.nearEnabled = maxSize > 0;
    this.floorEnabled = floorMaxSize > 0;
    this.floor =
        Caffeine.newBuilder()
            .maximumSize(Math.max(floorMaxSize, 1))
            .ticker(ticker)
            .executor(executor)
            .build();
    this.near =
        Caffeine.newBuilder()
            .maximumSize(Math.max(maxSize, 1))
            .expireAfterWrite(ttl)
            .ticker(ticker)
            .executor(executor)
            .<String, StoredOrder>evictionListener((id, order, cause) -> {
              if (id != null && order != null) {
                raiseFloor(id, order.version());
              }
            })
            .build();
  }

  /** The cached order, if the near cache holds it and it has not expired. */
  Optional<StoredOrder> get(String orderId) {
    if (!nearEnabled) {
      return Optional.empty();
    }
    StoredOrder order = near.getIfPresent(orderId);
    if (order != null) {
      hits.increment();
    }
    return Optional.ofNullable(order);
  }

  /** Taken before reading {@code orderId} from Redis; passed back to {@link #offer}. */
  long stamp(String orderId) {
    return everything.get() + stripes.get(stripe(orderId));
  }

  /**
   * What Redis returned for an order read with {@code stamp}: records it and says what to serve.
   *
   * @return the order to serve: {@code fetched}, or a newer version this cache already holds; empty
   *     when {@code fetched} is older than a version already served and nothing newer is cached
   */
  Optional<StoredOrder> offer(StoredOrder fetched, long stamp) {
    String id = fetched.orderId();
    boolean cacheable = nearEnabled && stamp == stamp(id);
    StoredOrder[] served = new StoredOrder[1];
    near.asMap()
        .compute(
            id,
            (k, current) -> {
              OrderVersion high = current == null ? null : current.version();
              OrderVersion floorVersion = floorEnabled ? floor.getIfPresent(k) : null;
              if (floorVersion != null && (high == null || floorVersion.isNewerThan(high))) {
                high = floorVersion;
              }
              if (high != null && high.isNewerThan(fetched.version())) {
                refused.increment();
                served[0] = current;
                return current;
              }
              served[0] = fetched;
              if (cacheable) {
                if (floorEnabled) {
                  floor.invalidate(k);
                }
                return fetched;
              }
              raiseFloor(k, fetched.version());
              return null;
            });
    return Optional.ofNullable(served[0]);
  }

  /**
   * Another writer (or this one) changed {@code orderId} to {@code version}: drops a cached entry
   * older than that, remembering its version in the floor, and makes reads of the id that are in
   * flight uncacheable.
   */
  void invalidate(String orderId, OrderVersion version) {
    stripes.incrementAndGet(stripe(orderId));
    if (!nearEnabled) {
      return;
    }
    near.asMap()
        .computeIfPresent(
            orderId,
            (k, current) -> {
              if (!version.isNewerThan(current.version())) {
                return current;
              }
              raiseFloor(k, current.version());
              return null;
            });
  }

  /** Invalidates every entry (invalidations may have been lost), keeping their floors. */
  void invalidateAll() {
    everything.incrementAndGet();
    if (!nearEnabled) {
      return;
    }
    for (String id : List.copyOf(near.asMap().keySet())) {
      near.asMap()
          .computeIfPresent(
              id,
              (k, current) -> {
                raiseFloor(k, current.version());
                return null;
              });
    }
  }

  /** The highest version served that the floor remembers, for tests and diagnostics. */
  Optional<OrderVersion> floor(String orderId) {
    return Optional.ofNullable(floorEnabled ? floor.getIfPresent(orderId) : null);
  }

  /** Orders held now (after pending maintenance). */
  long size() {
    near.cleanUp();
    return nearEnabled ? near.estimatedSize() : 0;
  }

  /** Reads served from the near cache. */
  long hits() {
    return hits.sum();
  }

  /** Orders Redis returned older than a version already served, and therefore not served. */
  long refused() {
    return refused.sum();
  }

  /** Runs pending maintenance (evictions, expiries) now; for tests. */
  void cleanUp() {
    near.cleanUp();
    floor.cleanUp();
  }

  private void raiseFloor(String id, OrderVersion version) {
    if (floorEnabled) {
      floor.asMap().merge(id, version, (a, b) -> a.isNewerThan(b) ? a : b);
    }
  }

  private static int stripe(String orderId) {
    int h = orderId.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }
}
