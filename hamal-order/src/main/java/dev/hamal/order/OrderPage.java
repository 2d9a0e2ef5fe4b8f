package dev.hamal.order;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a search: orders in {@link SortKey#ORDER}, and where the next page starts.
 *
 * @param orders at most the query's limit, sorted
 * @param next the position after the last order when more may follow; empty at the end
 */
public record OrderPage(List<StoredOrder> orders, Optional<SortKey> next) {

  /** Copies the list. */
  public OrderPage {
    orders = List.copyOf(Objects.requireNonNull(orders, "orders"));
    Objects.requireNonNull(next, "next");
  }

  /**
   * The page of {@code sorted} for a query of page size {@code limit}: a level reads {@code limit +
   * 1} rows so it knows whether another page follows without a count.
   */
  public static OrderPage of(List<StoredOrder> sorted, int limit) {
    if (sorted.size() <= limit) {
      return new OrderPage(sorted, Optional.empty());
    }
    List<StoredOrder> page = sorted.subList(0, limit);
    return new OrderPage(page, Optional.of(SortKey.of(page.get(limit - 1).order())));
  }
}
