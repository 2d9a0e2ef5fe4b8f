package dev.hamal.order;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads orders back from a store: the gateway's levels and reconciliation use it. Results include
 * archived and deleted records (see {@link StoredOrder#state()}); callers decide what to show.
 */
public interface OrderLookup {

  /** The stored records of the given orders; ids the store does not hold are absent. */
  Map<String, StoredOrder> findAll(Collection<String> orderIds);

  /** The stored record of one order. */
  default Optional<StoredOrder> find(String orderId) {
    return Optional.ofNullable(findAll(java.util.List.of(orderId)).get(orderId));
  }

  /**
   * Calls {@code each} for every order of {@code businessLine} created in {@code [from, to)}, in no
   * particular order.
   *
   * @throws UnsupportedOperationException if the store cannot list orders (the cache)
   */
  void scan(String businessLine, Instant from, Instant to, Consumer<StoredOrder> each);
}
