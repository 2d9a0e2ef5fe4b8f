package dev.hamal.order;

/**
 * A store that can answer an {@link OrderQuery}: the search index, the order store, and the
 * product-line databases (through the reverse of their mapping). The cache cannot search.
 */
public interface OrderSearch {

  /**
   * One page of the orders matching {@code query}, sorted by {@link SortKey#ORDER} and continuing
   * strictly after {@link OrderQuery#after()}.
   *
   * @throws OrderSinkUnavailableException when the store cannot be reached
   */
  OrderPage search(OrderQuery query);
}
