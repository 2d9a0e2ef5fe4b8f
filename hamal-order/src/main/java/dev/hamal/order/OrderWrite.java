package dev.hamal.order;

import java.util.Objects;

/**
 * What a store does with one change once the processor's DML filter has let it through.
 *
 * <p>Every action keeps a record of the order at {@link #version()}, so a replayed older change is
 * recognised as stale whatever the action: {@link Action#UPSERT} stores the after image, {@link
 * Action#ARCHIVE} and {@link Action#DELETE} store the before image marked {@link
 * StoredOrder.State#ARCHIVED} or {@link StoredOrder.State#DELETED} (a tombstone that readers treat
 * as absent).
 *
 * @param change the change, as read from the queue
 * @param action what the store does with it
 */
public record OrderWrite(OrderChange change, Action action) {

  /** What a store does. */
  public enum Action {
    /** Store the after image as the live order. */
    UPSERT,
    /** A source delete kept as history: the before image, marked archived. */
    ARCHIVE,
    /** A source delete: the before image as a tombstone, marked deleted. */
    DELETE
  }

  /**
   * Checks the action fits the operation: a delete is archived or deleted, anything else upserted.
   *
   * @throws IllegalArgumentException if it does not
   */
  public OrderWrite {
    Objects.requireNonNull(change, "change");
    Objects.requireNonNull(action, "action");
    boolean isDelete = change.operation() == OrderChange.Operation.DELETE;
    if (isDelete == (action == Action.UPSERT)) {
      throw new IllegalArgumentException(
          "a " + change.operation() + " cannot be written as " + action);
    }
  }

  /** The order's id. */
  public String orderId() {
    return change.orderId();
  }

  /** The change's version. */
  public OrderVersion version() {
    return change.version();
  }

  /** The image to store: the after image of an upsert, the before image of a delete. */
  public UnifiedOrder image() {
    return change.after().orElseGet(() -> change.before().orElseThrow());
  }

  /** The state the stored order has after this write. */
  public StoredOrder.State state() {
    return switch (action) {
      case UPSERT -> StoredOrder.State.LIVE;
      case ARCHIVE -> StoredOrder.State.ARCHIVED;
      case DELETE -> StoredOrder.State.DELETED;
    };
  }

  /** The order as a store holds it after this write. */
  public StoredOrder toStored() {
    return new StoredOrder(image(), version(), state(), change.commitTime());
  }
}
