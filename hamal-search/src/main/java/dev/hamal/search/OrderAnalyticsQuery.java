package dev.hamal.search;

import dev.hamal.order.OrderStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * An analytics question for {@link OrderIndex#analyze}: how many orders, and how much money, per
 * interval of creation time (and per business line or status), over the orders created in {@code
 * [from, to)}. Deleted orders (tombstones) are never counted; archived ones are.
 *
 * <p>Intervals are calendar hours or days in {@link #zone()}: a day bucket starts at local midnight
 * (so a day is 23 or 25 hours long where daylight saving time changes), an hour bucket at a local
 * full hour (so at {@code :30} UTC in a zone of offset {@code +05:30}).
 *
 * <p><b>Bounded answer.</b> An answer has at most {@link #MAX_BUCKETS} buckets (intervals times
 * groups). A query that may exceed it is rejected here, when the groups are known (no grouping,
 * grouping by status, or grouping by the named business lines); grouping by business line over
 * every line is checked when answered, since only the index knows how many lines have orders.
 *
 * @param businessLines only these lines; empty for every line
 * @param statuses only these statuses; empty for every status
 * @param from created at or after (inclusive)
 * @param to created before (exclusive); after {@code from}
 * @param interval the width of a bucket
 * @param zone where a bucket's calendar hour or day starts
 * @param groupBy what each interval is split by
 */
public record OrderAnalyticsQuery(
    Set<String> businessLines,
    Set<OrderStatus> statuses,
    Instant from,
    Instant to,
    Interval interval,
    ZoneId zone,
    GroupBy groupBy) {

  /** The most buckets (intervals times groups) an answer may have. */
  public static final int MAX_BUCKETS = 10_000;

  /** The earliest creation time the index holds ({@code date_nanos} starts at the epoch). */
  public static final Instant EARLIEST = Instant.EPOCH;

  /** The latest creation time the index holds ({@code 2262-04-11T23:47:16.854775807Z}). */
  public static final Instant LATEST = Instant.ofEpochSecond(0, Long.MAX_VALUE);

  /** The width of a bucket. */
  public enum Interval {
    /** A calendar hour in the query's zone. */
    HOUR,
    /** A calendar day in the query's zone, from local midnight. */
    DAY
  }

  /** What each interval is split by. */
  public enum GroupBy {
    /** One bucket per interval, with the group {@code ""}. */
    NONE,
    /** One bucket per interval and business line. */
    BUSINESS_LINE,
    /** One bucket per interval and {@link OrderStatus} (its name). */
    STATUS
  }

  /**
   * Checks the parts and copies the sets.
   *
   * @throws IllegalArgumentException if {@code to} is not after {@code from}, either lies outside
   *     {@link #EARLIEST} to {@link #LATEST}, or the answer may have more than {@link #MAX_BUCKETS}
   *     buckets
   */
  public OrderAnalyticsQuery {
    businessLines = Set.copyOf(Objects.requireNonNull(businessLines, "businessLines"));
    statuses = Set.copyOf(Objects.requireNonNull(statuses, "statuses"));
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(groupBy, "groupBy");
    if (!to.isAfter(from)) {
      throw new IllegalArgumentException("to must be after from, was from " + from + " to " + to);
    }
    if (from.isBefore(EARLIEST) || to.isAfter(LATEST)) {
      throw new IllegalArgumentException(
          "from and to must lie between "
              + EARLIEST
              + " and "
              + LATEST
              + " (the times the index holds), was from "
              + from
              + " to "
              + to);
    }
    long intervals = intervals(from, to, interval, zone);
    long groups = knownGroups(businessLines, statuses, groupBy).orElse(1);
    if (intervals * groups > MAX_BUCKETS) {
      throw new IllegalArgumentException(
          "the answer may have more than "
              + MAX_BUCKETS
              + " buckets ("
              + (intervals > MAX_BUCKETS ? "over " + MAX_BUCKETS : intervals)
              + " "
              + interval.name().toLowerCase(java.util.Locale.ROOT)
              + " intervals"
              + (groups > 1 ? " times " + groups + " groups" : "")
              + "): shorten the range, widen the interval or narrow the groups");
    }
  }

  /** A query over every line and status, not grouped. */
  public static OrderAnalyticsQuery of(Instant from, Instant to, Interval interval, ZoneId zone) {
    return new OrderAnalyticsQuery(Set.of(), Set.of(), from, to, interval, zone, GroupBy.NONE);
  }

  /** This query restricted to the given lines. */
  public OrderAnalyticsQuery withBusinessLines(Set<String> lines) {
    return new OrderAnalyticsQuery(lines, statuses, from, to, interval, zone, groupBy);
  }

  /** This query restricted to the given statuses. */
  public OrderAnalyticsQuery withStatuses(Set<OrderStatus> values) {
    return new OrderAnalyticsQuery(businessLines, values, from, to, interval, zone, groupBy);
  }

  /** This query grouped by {@code by}. */
  public OrderAnalyticsQuery withGroupBy(GroupBy by) {
    return new OrderAnalyticsQuery(businessLines, statuses, from, to, interval, zone, by);
  }

  /** The number of intervals {@code [from, to)} touches, at most {@link #MAX_BUCKETS} + 1. */
  public int intervals() {
    return intervals(from, to, interval, zone);
  }

  /**
   * The most groups an interval can have when that is known before asking the index: 1 when not
   * grouped, the statuses asked for (or all of them), the lines asked for; empty when grouped by
   * every business line.
   */
  OptionalInt knownGroups() {
    return knownGroups(businessLines, statuses, groupBy);
  }

  private static OptionalInt knownGroups(
      Set<String> lines, Set<OrderStatus> statuses, GroupBy groupBy) {
    return switch (groupBy) {
      case NONE -> OptionalInt.of(1);
      case STATUS ->
          OptionalInt.of(statuses.isEmpty() ? OrderStatus.values().length : statuses.size());
      case BUSINESS_LINE -> lines.isEmpty() ? OptionalInt.empty() : OptionalInt.of(lines.size());
    };
  }

  /** The start of the bucket {@code time} falls in. */
  static Instant bucketStart(Instant time, Interval interval, ZoneId zone) {
    return switch (interval) {
      // truncating keeps the offset where a local hour happens twice (daylight saving time ends)
      case HOUR -> time.atZone(zone).truncatedTo(ChronoUnit.HOURS).toInstant();
      // the first valid time of the local day, should midnight fall into a gap
      case DAY -> time.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
    };
  }

  private static int intervals(Instant from, Instant to, Interval interval, ZoneId zone) {
    Duration unit = interval == Interval.HOUR ? Duration.ofHours(1) : Duration.ofDays(1);
    // a calendar hour or day is never longer than two (time zone changes included): a range this
    // long has more intervals than allowed, without counting them
    if (Duration.between(from, to).compareTo(unit.multipliedBy(2L * (MAX_BUCKETS + 1))) > 0) {
      return MAX_BUCKETS + 1;
    }
    int count = 0;
    Instant start = bucketStart(from, interval, zone);
    while (start.isBefore(to) && count <= MAX_BUCKETS) {
      count++;
      start = next(start, interval, zone);
    }
    return count;
  }

  private static Instant next(Instant start, Interval interval, ZoneId zone) {
    Instant next =
        switch (interval) {
          case HOUR -> bucketStart(start.plus(Duration.ofHours(1)), interval, zone);
          case DAY -> start.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
        };
    // never stand still, whatever a zone's rules do
    return next.isAfter(start) ? next : start.plus(Duration.ofHours(1));
  }
}
