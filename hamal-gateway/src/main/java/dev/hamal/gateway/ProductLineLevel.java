package dev.hamal.gateway;

import dev.hamal.order.OrderLookup;
import dev.hamal.order.OrderPage;
import dev.hamal.order.OrderQuery;
import dev.hamal.order.OrderSearch;
import dev.hamal.order.SortKey;
import dev.hamal.order.StoredOrder;
import dev.hamal.reconcile.ProductLineOrders;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The last level: every product-line database the gateway may read, each through its own small
 * read-only pool ({@link ProductLineOrders}), seen as one store. A lookup asks every source (a
 * source answers only ids its lines' formats can read, without a query otherwise); a search asks
 * the sources that serve the query's business lines and merges their pages — a search that names no
 * line is refused ({@link IllegalArgumentException}), so a broad search never reaches the product
 * lines. The level's rate limit and circuit breaker are {@link OrderLevels}'.
 */
public final class ProductLineLevel implements OrderLookup, OrderSearch, AutoCloseable {
  private final List<ProductLineOrders> sources;

  /** The level over {@code sources}, which it closes. */
  public ProductLineLevel(List<ProductLineOrders> sources) {
    this.sources = List.copyOf(Objects.requireNonNull(sources, "sources"));
  }

  @Override
  public Map<String, StoredOrder> findAll(Collection<String> orderIds) {
    Map<String, StoredOrder> found = new HashMap<>();
    for (ProductLineOrders source : sources) {
      found.putAll(source.findAll(orderIds));
    }
    return found;
  }

  @Override
  public OrderPage search(OrderQuery query) {
    if (query.businessLines().isEmpty()) {
      throw new IllegalArgumentException(
          "the product-line level searches only queries that name their business lines");
    }
    // Each source returns its own first page; the first `limit` of their union are the first
    // `limit` overall, and more follow when the union is longer or a source had more.
    List<StoredOrder> merged = new ArrayList<>();
    boolean more = false;
    for (ProductLineOrders source : sources) {
      boolean serves =
          source.lines().stream().anyMatch(l -> query.businessLines().contains(l.name()));
      if (serves) {
        OrderPage page = source.search(query);
        merged.addAll(page.orders());
        more |= page.next().isPresent();
      }
    }
    merged.sort(Comparator.comparing(s -> SortKey.of(s.order()), SortKey.ORDER));
    if (merged.size() > query.limit() || (more && !merged.isEmpty())) {
      List<StoredOrder> page = merged.subList(0, Math.min(query.limit(), merged.size()));
      return new OrderPage(page, Optional.of(SortKey.of(page.get(page.size() - 1).order())));
    }
    return new OrderPage(merged, Optional.empty());
  }

  /**
   * Not supported: the product lines are never scanned by the gateway.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public void scan(String businessLine, Instant from, Instant to, Consumer<StoredOrder> each) {
    throw new UnsupportedOperationException("the product-line level does not scan");
  }

  @Override
  public void close() {
    sources.forEach(ProductLineOrders::close);
  }
}
