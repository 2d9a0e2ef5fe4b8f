package dev.hamal.order;

import java.time.Instant;
import java.util.Objects;

/**
 * An order as a store holds it: the image, the version of the change that wrote it, and its state.
 *
 * @param order the order
 * @param version the version of the change that wrote it; a store applies only newer changes
 * @param state live, archived (deleted at the source, kept) or deleted (a tombstone)
 * @param commitTime when the change that wrote it committed at the source
 */
public record StoredOrder(
    UnifiedOrder order, OrderVersion version, State state, Instant commitTime) {

  /** Whether the order is visible. */
  public enum State {
    /** The order as the source holds it. */
    LIVE,
    /** Deleted at the source, kept in the store as history. */
    ARCHIVED,
    /** Deleted at the source; the record only remembers the version. */
    DELETED
  }

  /** Checks the parts are present. */
  public StoredOrder {
    Objects.requireNonNull(order, "order");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(commitTime, "commitTime");
  }

  /** The order's id. */
  public String orderId() {
    return order.orderId();
  }
}
