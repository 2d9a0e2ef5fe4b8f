package dev.hamal.search;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The answer to an {@link OrderAnalyticsQuery}: one bucket per interval and group that has orders
 * (intervals and groups without orders are absent), sorted by start, then group; and the totals
 * over every bucket.
 *
 * @param buckets the buckets, sorted by start, then group
 * @param orders the orders of every bucket
 * @param totalAmount the sum of their total amounts, in minor units
 * @param paidAmount the sum of their paid amounts (an order without one counts 0), in minor units
 */
public record OrderAnalytics(List<Bucket> buckets, long orders, long totalAmount, long paidAmount) {

  /** Result order: by start, then group. */
  static final Comparator<Bucket> ORDER =
      Comparator.comparing(Bucket::start).thenComparing(Bucket::group);

  /**
   * The orders of one interval and group.
   *
   * @param start where the interval starts (a calendar hour or local midnight in the query's zone)
   * @param group the business line or status name; {@code ""} when not grouped
   * @param orders how many orders were created in the interval
   * @param totalAmount the sum of their total amounts, in minor units
   * @param paidAmount the sum of their paid amounts (an order without one counts 0), in minor units
   */
  public record Bucket(
      Instant start, String group, long orders, long totalAmount, long paidAmount) {

    /** Checks the parts are present and the figures not negative. */
    public Bucket {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(group, "group");
      requireNotNegative("orders", orders);
      requireNotNegative("totalAmount", totalAmount);
      requireNotNegative("paidAmount", paidAmount);
    }
  }

  /** Checks the figures are not negative and copies the list. */
  public OrderAnalytics {
    buckets = List.copyOf(Objects.requireNonNull(buckets, "buckets"));
    requireNotNegative("orders", orders);
    requireNotNegative("totalAmount", totalAmount);
    requireNotNegative("paidAmount", paidAmount);
  }

  /**
   * The answer made of {@code buckets} (sorted here), with the totals summed from them.
   *
   * @throws ArithmeticException if a total exceeds the range of {@code long}
   */
  public static OrderAnalytics of(List<Bucket> buckets) {
    List<Bucket> sorted = buckets.stream().sorted(ORDER).toList();
    long orders = 0;
    long total = 0;
    long paid = 0;
    for (Bucket bucket : sorted) {
      orders = Math.addExact(orders, bucket.orders());
      total = Math.addExact(total, bucket.totalAmount());
      paid = Math.addExact(paid, bucket.paidAmount());
    }
    return new OrderAnalytics(sorted, orders, total, paid);
  }

  private static void requireNotNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
  }
}
