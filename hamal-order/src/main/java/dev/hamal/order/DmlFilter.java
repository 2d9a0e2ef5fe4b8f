package dev.hamal.order;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A business line's DML filter: which changes the processors write to the stores, and how a source
 * delete is written. Configured by the {@code processing} block of the line's file (see {@code
 * docs/business-lines.md}); immutable and thread-safe.
 *
 * <p>In order, a change is dropped when its operation is ignored, when its source table is ignored,
 * or when it is an update whose images differ in no field, or only in ignored fields (a {@code
 * modified_at} touch). Everything else becomes an {@link OrderWrite}: an upsert, or for a delete an
 * archive or a delete as configured. Every decision has an {@link Outcome}, so the processors count
 * every change they read.
 *
 * <p>Because an update that only touches ignored fields is not written, a store may hold an older
 * value of those fields than the source; {@link #forComparison} blanks them, and reconciliation
 * compares through it.
 */
public final class DmlFilter {

  /** What the filter decided about one change. */
  public enum Outcome {
    /** Written. */
    WRITE,
    /** Dropped: the line ignores the operation. */
    IGNORED_OPERATION,
    /** Dropped: the line ignores the source table. */
    IGNORED_TABLE,
    /** Dropped: an update that changed no unified field. */
    UNCHANGED,
    /** Dropped: an update that changed ignored fields only. */
    IGNORED_FIELDS_ONLY
  }

  /**
   * A decision.
   *
   * @param outcome what was decided
   * @param write the write, present exactly when {@code outcome} is {@link Outcome#WRITE}
   */
  public record Decision(Outcome outcome, Optional<OrderWrite> write) {
    /** Checks the write is present exactly for {@link Outcome#WRITE}. */
    public Decision {
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(write, "write");
      if (write.isPresent() != (outcome == Outcome.WRITE)) {
        throw new IllegalArgumentException(outcome + " with write " + write);
      }
    }
  }

  /** The filter of a line without a {@code processing} block: write everything, archive deletes. */
  public static final DmlFilter DEFAULT =
      new DmlFilter(OrderWrite.Action.ARCHIVE, Set.of(), List.of(), Set.of(), Set.of());

  /** Unified fields an update may be ignored for, by their business-line file keys. */
  static final Set<String> FIELDS =
      Set.of(
          "user_id",
          "status",
          "total_amount",
          "paid_amount",
          "discount_amount",
          "refunded_amount",
          "currency",
          "payment_channel",
          "settlement_state",
          "product_sku",
          "product_name",
          "face_value",
          "paid_at",
          "finished_at",
          "updated_at");

  private final OrderWrite.Action deletes;
  private final Set<OrderChange.Operation> ignoredOperations;
  private final List<NamePattern> ignoredTables;
  private final Set<String> ignoredFields;
  private final Set<String> ignoredExt;

  DmlFilter(
      OrderWrite.Action deletes,
      Set<OrderChange.Operation> ignoredOperations,
      List<NamePattern> ignoredTables,
      Set<String> ignoredFields,
      Set<String> ignoredExt) {
    if (deletes == OrderWrite.Action.UPSERT) {
      throw new IllegalArgumentException("a delete is archived or deleted");
    }
    this.deletes = deletes;
    this.ignoredOperations =
        ignoredOperations.isEmpty()
            ? EnumSet.noneOf(OrderChange.Operation.class)
            : EnumSet.copyOf(ignoredOperations);
    this.ignoredTables = List.copyOf(ignoredTables);
    this.ignoredFields = Set.copyOf(ignoredFields);
    this.ignoredExt = Set.copyOf(ignoredExt);
  }

  /** What a source delete becomes: {@link OrderWrite.Action#ARCHIVE} (default) or DELETE. */
  public OrderWrite.Action deletes() {
    return deletes;
  }

  /** Decides about one change. */
  public Decision decide(OrderChange change) {
    if (ignoredOperations.contains(change.operation())) {
      return new Decision(Outcome.IGNORED_OPERATION, Optional.empty());
    }
    UnifiedOrder image = change.after().orElseGet(() -> change.before().orElseThrow());
    for (NamePattern table : ignoredTables) {
      if (table.matches(image.sourceTable())) {
        return new Decision(Outcome.IGNORED_TABLE, Optional.empty());
      }
    }
    if (change.operation() == OrderChange.Operation.UPDATE) {
      UnifiedOrder before = change.before().orElseThrow();
      UnifiedOrder after = change.after().orElseThrow();
      if (before.equals(after)) {
        return new Decision(Outcome.UNCHANGED, Optional.empty());
      }
      if (hasIgnoredFields() && forComparison(before).equals(forComparison(after))) {
        return new Decision(Outcome.IGNORED_FIELDS_ONLY, Optional.empty());
      }
    }
    OrderWrite.Action action =
        change.operation() == OrderChange.Operation.DELETE ? deletes : OrderWrite.Action.UPSERT;
    return new Decision(Outcome.WRITE, Optional.of(new OrderWrite(change, action)));
  }

  private boolean hasIgnoredFields() {
    return !ignoredFields.isEmpty() || !ignoredExt.isEmpty();
  }

  /**
   * The order with its ignored fields blanked (optional fields emptied, ignored ext keys removed):
   * two orders that differ only in ignored fields are equal after this.
   */
  public UnifiedOrder forComparison(UnifiedOrder order) {
    if (!hasIgnoredFields()) {
      return order;
    }
    Map<String, Object> ext = order.ext();
    if (!ignoredExt.isEmpty()) {
      ext = new LinkedHashMap<>(ext);
      ext.keySet().removeAll(ignoredExt);
    }
    UnifiedOrder.Product product = order.product();
    return new UnifiedOrder(
        order.orderId(),
        order.businessLine(),
        order.sourceSchema(),
        order.sourceTable(),
        order.sourceId(),
        blank("user_id", order.userId()),
        ignoredFields.contains("status") ? OrderStatus.CREATED : order.status(),
        ignoredFields.contains("total_amount") ? 0 : order.totalAmount(),
        blank("paid_amount", order.paidAmount()),
        blank("discount_amount", order.discountAmount()),
        blank("refunded_amount", order.refundedAmount()),
        ignoredFields.contains("currency") ? "XXX" : order.currency(),
        blank("payment_channel", order.paymentChannel()),
        blank("settlement_state", order.settlementState()),
        new UnifiedOrder.Product(
            blank("product_sku", product.sku()),
            blank("product_name", product.name()),
            blank("face_value", product.faceValue())),
        order.createdAt(),
        blank("paid_at", order.paidAt()),
        blank("finished_at", order.finishedAt()),
        blank("updated_at", order.updatedAt()),
        ext);
  }

  private <T> Optional<T> blank(String field, Optional<T> value) {
    return ignoredFields.contains(field) ? Optional.empty() : value;
  }

  private OptionalLong blank(String field, OptionalLong value) {
    return ignoredFields.contains(field) ? OptionalLong.empty() : value;
  }

  @Override
  public String toString() {
    return "DmlFilter[deletes="
        + deletes
        + ", ignoredOperations="
        + ignoredOperations
        + ", ignoredTables="
        + ignoredTables
        + ", ignoredFields="
        + ignoredFields
        + ", ignoredExt="
        + ignoredExt
        + "]";
  }
}
