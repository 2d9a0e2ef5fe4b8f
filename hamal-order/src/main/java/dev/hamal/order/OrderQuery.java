package dev.hamal.order;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A search over orders, answered by every level that can search ({@link OrderSearch}): the search
 * index, the order store and a product line's own database.
 *
 * <p>Every filter is optional and they combine with AND; an empty set means "any". Results are
 * always sorted by {@code createdAt} descending, then {@code orderId} descending, a total order
 * that is stable under concurrent inserts, so a page continues strictly after {@link #after()}
 * (keyset paging; there is no offset). Orders in state {@link StoredOrder.State#DELETED} are never
 * returned; {@link StoredOrder.State#ARCHIVED} ones are.
 *
 * @param businessLines the lines to search; empty for all lines
 * @param userId only this user's orders
 * @param statuses only these statuses
 * @param createdFrom created at or after (inclusive)
 * @param createdTo created before (exclusive)
 * @param minTotalAmount total amount at least (minor units, inclusive)
 * @param maxTotalAmount total amount at most (minor units, inclusive)
 * @param productText words that must appear in the product name (full-text where the level can, a
 *     case-insensitive substring match elsewhere)
 * @param after continue after this sort position; empty for the first page
 * @param limit the page size, 1 to {@link #MAX_LIMIT}
 */
public record OrderQuery(
    Set<String> businessLines,
    Optional<String> userId,
    Set<OrderStatus> statuses,
    Optional<Instant> createdFrom,
    Optional<Instant> createdTo,
    OptionalLong minTotalAmount,
    OptionalLong maxTotalAmount,
    Optional<String> productText,
    Optional<SortKey> after,
    int limit) {

  /** The largest page any level returns. */
  public static final int MAX_LIMIT = 500;

  /** Checks the parts and copies the sets. */
  public OrderQuery {
    businessLines = Set.copyOf(Objects.requireNonNull(businessLines, "businessLines"));
    Objects.requireNonNull(userId, "userId");
    statuses = Set.copyOf(Objects.requireNonNull(statuses, "statuses"));
    Objects.requireNonNull(createdFrom, "createdFrom");
    Objects.requireNonNull(createdTo, "createdTo");
    Objects.requireNonNull(minTotalAmount, "minTotalAmount");
    Objects.requireNonNull(maxTotalAmount, "maxTotalAmount");
    Objects.requireNonNull(productText, "productText");
    Objects.requireNonNull(after, "after");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", was " + limit);
    }
  }

  /** A query with no filters and the given page size; add filters with the {@code with*} copies. */
  public static OrderQuery all(int limit) {
    return new OrderQuery(
        Set.of(),
        Optional.empty(),
        Set.of(),
        Optional.empty(),
        Optional.empty(),
        OptionalLong.empty(),
        OptionalLong.empty(),
        Optional.empty(),
        Optional.empty(),
        limit);
  }

  /** This query restricted to the given lines. */
  public OrderQuery withBusinessLines(Set<String> lines) {
    return new OrderQuery(
        lines,
        userId,
        statuses,
        createdFrom,
        createdTo,
        minTotalAmount,
        maxTotalAmount,
        productText,
        after,
        limit);
  }

  /** This query restricted to one user. */
  public OrderQuery withUserId(String user) {
    return new OrderQuery(
        businessLines,
        Optional.of(user),
        statuses,
        createdFrom,
        createdTo,
        minTotalAmount,
        maxTotalAmount,
        productText,
        after,
        limit);
  }

  /** This query restricted to the given statuses. */
  public OrderQuery withStatuses(Set<OrderStatus> values) {
    return new OrderQuery(
        businessLines,
        userId,
        values,
        createdFrom,
        createdTo,
        minTotalAmount,
        maxTotalAmount,
        productText,
        after,
        limit);
  }

  /** This query restricted to orders created in {@code [from, to)}. */
  public OrderQuery withCreated(Optional<Instant> from, Optional<Instant> to) {
    return new OrderQuery(
        businessLines,
        userId,
        statuses,
        from,
        to,
        minTotalAmount,
        maxTotalAmount,
        productText,
        after,
        limit);
  }

  /** This query restricted to total amounts in {@code [min, max]}. */
  public OrderQuery withTotalAmount(OptionalLong min, OptionalLong max) {
    return new OrderQuery(
        businessLines,
        userId,
        statuses,
        createdFrom,
        createdTo,
        min,
        max,
        productText,
        after,
        limit);
  }

  /** This query restricted to product names containing {@code text}. */
  public OrderQuery withProductText(String text) {
    return new OrderQuery(
        businessLines,
        userId,
        statuses,
        createdFrom,
        createdTo,
        minTotalAmount,
        maxTotalAmount,
        Optional.of(text),
        after,
        limit);
  }

  /** This query continuing after {@code position}. */
  public OrderQuery withAfter(Optional<SortKey> position) {
    return new OrderQuery(
        businessLines,
        userId,
        statuses,
        createdFrom,
        createdTo,
        minTotalAmount,
        maxTotalAmount,
        productText,
        position,
        limit);
  }

  /** This query with another page size. */
  public OrderQuery withLimit(int size) {
    return new OrderQuery(
        businessLines,
        userId,
        statuses,
        createdFrom,
        createdTo,
        minTotalAmount,
        maxTotalAmount,
        productText,
        after,
        size);
  }

  /**
   * Whether {@code order} passes every filter of this query (not {@link #after()}): what a level
   * that cannot filter natively applies after reading, and what tests compare levels with.
   */
  public boolean matches(UnifiedOrder order) {
    if (!businessLines.isEmpty() && !businessLines.contains(order.businessLine())) {
      return false;
    }
    if (userId.isPresent() && !userId.equals(order.userId())) {
      return false;
    }
    if (!statuses.isEmpty() && !statuses.contains(order.status())) {
      return false;
    }
    if (createdFrom.isPresent() && order.createdAt().isBefore(createdFrom.get())) {
      return false;
    }
    if (createdTo.isPresent() && !order.createdAt().isBefore(createdTo.get())) {
      return false;
    }
    if (minTotalAmount.isPresent() && order.totalAmount() < minTotalAmount.getAsLong()) {
      return false;
    }
    if (maxTotalAmount.isPresent() && order.totalAmount() > maxTotalAmount.getAsLong()) {
      return false;
    }
    if (productText.isPresent()) {
      String name = order.product().name().orElse("").toLowerCase(java.util.Locale.ROOT);
      for (String word : productText.get().toLowerCase(java.util.Locale.ROOT).split("\\s+")) {
        if (!word.isEmpty() && !name.contains(word)) {
          return false;
        }
      }
    }
    return true;
  }
}
