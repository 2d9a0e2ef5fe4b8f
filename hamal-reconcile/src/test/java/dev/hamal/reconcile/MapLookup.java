package dev.hamal.reconcile;

import dev.hamal.order.OrderLookup;
import dev.hamal.order.StoredOrder;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A store of our own interface held in a map, standing for the order store, the search index or the
 * cache in these tests (the real adapters are compared end to end elsewhere). Its scan lists the
 * records whose order was created in the window, tombstones included, as a store's would.
 */
final class MapLookup implements OrderLookup {
  private final Map<String, StoredOrder> records = new LinkedHashMap<>();
  private final boolean canScan;

  private MapLookup(boolean canScan) {
    this.canScan = canScan;
  }

  /** A store that can list orders (the order store, the index). */
  static MapLookup listing() {
    return new MapLookup(true);
  }

  /** A store that cannot list orders (the cache). */
  static MapLookup keyed() {
    return new MapLookup(false);
  }

  MapLookup put(StoredOrder record) {
    records.put(record.orderId(), record);
    return this;
  }

  MapLookup remove(String orderId) {
    records.remove(orderId);
    return this;
  }

  @Override
  public Map<String, StoredOrder> findAll(Collection<String> orderIds) {
    Map<String, StoredOrder> found = new HashMap<>();
    for (String id : orderIds) {
      StoredOrder record = records.get(id);
      if (record != null) {
        found.put(id, record);
      }
    }
    return found;
  }

  @Override
  public void scan(String businessLine, Instant from, Instant to, Consumer<StoredOrder> each) {
    if (!canScan) {
      throw new UnsupportedOperationException("a cache cannot list orders");
    }
    for (StoredOrder record : records.values()) {
      Instant created = record.order().createdAt();
      if (record.order().businessLine().equals(businessLine)
          && !created.isBefore(from)
          && created.isBefore(to)) {
        each.accept(record);
      }
    }
  }
}
