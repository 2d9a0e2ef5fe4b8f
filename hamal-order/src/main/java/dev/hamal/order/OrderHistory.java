package dev.hamal.order;

import java.util.List;

/**
 * A store that keeps each order's change history: the order store (see {@link OrderChangeRecord}).
 * The gateway's order detail reads it.
 */
public interface OrderHistory {

  /** Most changes one call returns. */
  int MAX_LIMIT = 500;

  /**
   * Up to {@code limit} recorded changes of {@code orderId}, newest version first; empty when the
   * store holds none (an unknown order, one whose history has expired, or a store that records no
   * history).
   *
   * @param limit 1 to {@link #MAX_LIMIT}
   * @throws IllegalArgumentException if {@code limit} is out of range
   * @throws OrderSinkUnavailableException when the store cannot be reached
   */
  List<OrderChangeRecord> history(String orderId, int limit);
}
