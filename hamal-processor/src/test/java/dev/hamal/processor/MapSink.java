package dev.hamal.processor;

import dev.hamal.order.OrderSink;
import dev.hamal.order.OrderSinkUnavailableException;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.SinkResult;
import dev.hamal.order.StoredOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory store with the version rule of the real ones, for testing the consumer loop (the
 * real stores are tested on their own and end to end). It can be told to be unavailable for a
 * number of calls and to refuse given orders.
 */
final class MapSink implements OrderSink {
  final Map<String, StoredOrder> orders = new ConcurrentHashMap<>();
  final AtomicInteger unavailableCalls = new AtomicInteger();
  final AtomicInteger calls = new AtomicInteger();
  final Set<String> refused = ConcurrentHashMap.newKeySet();
  private final String name;

  MapSink(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized SinkResult apply(List<OrderWrite> writes) {
    calls.incrementAndGet();
    if (unavailableCalls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new OrderSinkUnavailableException("test store " + name + " is down");
    }
    int applied = 0;
    int stale = 0;
    List<SinkResult.Rejection> rejected = new ArrayList<>();
    for (OrderWrite write : writes) {
      if (refused.contains(write.orderId())) {
        rejected.add(new SinkResult.Rejection(write, "value too long for column product_name"));
        continue;
      }
      StoredOrder held = orders.get(write.orderId());
      if (held == null || write.version().isNewerThan(held.version())) {
        orders.put(write.orderId(), write.toStored());
        applied++;
      } else {
        stale++;
      }
    }
    return new SinkResult(applied, stale, rejected);
  }

  @Override
  public void close() {}
}
