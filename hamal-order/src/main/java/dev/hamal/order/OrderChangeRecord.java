package dev.hamal.order;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One recorded change of one order, as the order store's change history keeps it: what happened,
 * when, at which binlog position, and the order as it was after the change.
 *
 * <p>A history holds every distinct change a store was given, also one older than the version the
 * store held at the time (it happened at the source; it just did not win), so the versions of one
 * order's records need not have been applied in version order.
 *
 * @param orderId the order's id
 * @param businessLine the order's business line
 * @param version the change's version (binlog file sequence, position, row)
 * @param binlogFile the binlog file the change was read from, e.g. {@code mysql-bin.000042}
 * @param operation what happened to the source row
 * @param status the order's status after the change (before it, for a delete)
 * @param totalAmount the order's total amount after the change (before it, for a delete), in minor
 *     units of {@code currency}
 * @param currency ISO 4217 code of {@code totalAmount}
 * @param committedAt when the change committed at the source
 * @param appliedAt when the store first recorded the change (the database server's clock)
 * @param order the order after the change; empty for a delete
 */
public record OrderChangeRecord(
    String orderId,
    String businessLine,
    OrderVersion version,
    String binlogFile,
    OrderChange.Operation operation,
    OrderStatus status,
    long totalAmount,
    String currency,
    Instant committedAt,
    Instant appliedAt,
    Optional<UnifiedOrder> order) {

  /**
   * Checks the parts are present and fit the operation.
   *
   * @throws IllegalArgumentException if a delete carries an order, another operation none, or the
   *     order is of another id or line
   */
  public OrderChangeRecord {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(businessLine, "businessLine");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(binlogFile, "binlogFile");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(committedAt, "committedAt");
    Objects.requireNonNull(appliedAt, "appliedAt");
    Objects.requireNonNull(order, "order");
    if (order.isPresent() == (operation == OrderChange.Operation.DELETE)) {
      throw new IllegalArgumentException(
          "a recorded "
              + operation
              + (order.isPresent() ? " has no order after it" : " needs the order after it"));
    }
    if (order.isPresent()
        && !(order.get().orderId().equals(orderId)
            && order.get().businessLine().equals(businessLine))) {
      throw new IllegalArgumentException(
          "the recorded order is "
              + order.get().orderId()
              + " of "
              + order.get().businessLine()
              + ", not "
              + orderId
              + " of "
              + businessLine);
    }
  }

  /**
   * The record of {@code change} as a history keeps it, applied at {@code appliedAt}: the status
   * and amount of the after image (of the before image, for a delete).
   */
  public static OrderChangeRecord of(OrderChange change, Instant appliedAt) {
    UnifiedOrder image = change.after().orElseGet(() -> change.before().orElseThrow());
    return new OrderChangeRecord(
        change.orderId(),
        change.businessLine(),
        change.version(),
        change.source().binlogFile(),
        change.operation(),
        image.status(),
        image.totalAmount(),
        image.currency(),
        change.commitTime(),
        appliedAt,
        change.after());
  }
}
