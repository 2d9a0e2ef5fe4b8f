package dev.hamal.order;

import java.util.List;

/**
 * A store that order changes are written to: the order store, the search index, the cache.
 *
 * <p>Writes are idempotent by version: a write is applied only if its version is newer than the
 * version the store holds for that order (or the store holds none), so duplicates, replays and
 * out-of-order deliveries leave the store as it was. A batch may name one order several times; the
 * store ends with the newest of them.
 *
 * <p>{@link #apply} returns only when every applied write is durable in the store's own sense (a
 * committed transaction, an acknowledged bulk request, a Redis reply); the caller then commits its
 * queue offsets. Implementations are safe for use by one thread at a time per instance unless they
 * say otherwise.
 */
public interface OrderSink extends AutoCloseable {

  /** A short name for logs and metrics: {@code store}, {@code index}, {@code cache}. */
  String name();

  /**
   * Applies the writes.
   *
   * @return how many were applied and which were stale or refused
   * @throws OrderSinkUnavailableException if the store could not be reached or failed as a whole;
   *     some writes may have been applied (harmless: the caller retries the whole batch)
   */
  SinkResult apply(List<OrderWrite> writes);

  /** Releases connections and threads. */
  @Override
  void close();
}
