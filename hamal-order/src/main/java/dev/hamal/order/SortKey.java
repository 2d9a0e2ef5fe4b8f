package dev.hamal.order;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * A position in the order every search level sorts by: {@code createdAt} descending, then {@code
 * orderId} descending. {@link #ORDER} compares in that order (the first result sorts lowest).
 *
 * @param createdAt the order's creation time, at the precision the order carries (nanoseconds)
 * @param orderId the order's id
 */
public record SortKey(Instant createdAt, String orderId) {

  /** Result order: newest first, ties broken by order id, descending. */
  public static final Comparator<SortKey> ORDER =
      Comparator.comparing(SortKey::createdAt).thenComparing(SortKey::orderId).reversed();

  /** Checks the parts are present. */
  public SortKey {
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(orderId, "orderId");
  }

  /** The position of {@code order}. */
  public static SortKey of(UnifiedOrder order) {
    return new SortKey(order.createdAt(), order.orderId());
  }

  /** Whether {@code order} sorts strictly after this position (belongs on a later page). */
  public boolean precedes(UnifiedOrder order) {
    return ORDER.compare(this, of(order)) < 0;
  }
}
