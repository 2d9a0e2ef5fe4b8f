package dev.hamal.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.order.OrderStatus;
import dev.hamal.search.OrderAnalyticsQuery.GroupBy;
import dev.hamal.search.OrderAnalyticsQuery.Interval;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OrderAnalyticsQueryTest {

  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");

  @Test
  void shouldRejectARangeThatDoesNotEndAfterItStarts() {
    Instant at = Instant.parse("2025-06-01T00:00:00Z");
    assertThatThrownBy(() -> OrderAnalyticsQuery.of(at, at, Interval.DAY, ZoneOffset.UTC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("to must be after from");
  }

  @Test
  void shouldRejectARangeOutsideTheTimesTheIndexHolds() {
    assertThatThrownBy(() ->
            OrderAnalyticsQuery.of(
                Instant.parse("1969-12-31T00:00:00Z"),
                Instant.parse("1970-01-02T00:00:00Z"),
                Interval.DAY,
                ZoneOffset.UTC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1970-01-01T00:00:00Z");
  }

  @Test
  void shouldCountLocalDaysOfTwentyFiveHoursAsOneInterval() {
    // daylight saving time ends in New York on 2025-11-02: that day lasts 25 hours
    Instant from = LocalDate.of(2025, 11, 1).atStartOfDay(NEW_YORK).toInstant();
    Instant to = LocalDate.of(2025, 11, 4).atStartOfDay(NEW_YORK).toInstant();
    OrderAnalyticsQuery days = OrderAnalyticsQuery.of(from, to, Interval.DAY, NEW_YORK);
    OrderAnalyticsQuery hours = OrderAnalyticsQuery.of(from, to, Interval.HOUR, NEW_YORK);

    assertThat(days.intervals()).isEqualTo(3);
    assertThat(hours.intervals()).isEqualTo(Duration.between(from, to).toHours());
    assertThat(
            OrderAnalyticsQuery.bucketStart(
                from.plus(Duration.ofHours(49)), Interval.DAY, NEW_YORK))
        .isEqualTo(LocalDate.of(2025, 11, 3).atStartOfDay(NEW_YORK).toInstant());
  }

  @Test
  void shouldStartHourBucketsAtLocalFullHoursOfAHalfHourZone() {
    Instant at = Instant.parse("2025-06-01T10:10:00Z"); // 15:40 in Kolkata
    assertThat(OrderAnalyticsQuery.bucketStart(at, Interval.HOUR, KOLKATA))
        .isEqualTo(Instant.parse("2025-06-01T09:30:00Z"));
    // a range of one UTC hour touches two Kolkata hours
    OrderAnalyticsQuery query =
        OrderAnalyticsQuery.of(
            Instant.parse("2025-06-01T10:00:00Z"),
            Instant.parse("2025-06-01T11:00:00Z"),
            Interval.HOUR,
            KOLKATA);
    assertThat(query.intervals()).isEqualTo(2);
  }

  @Test
  void shouldTellTheTwoHoursThatShareALocalTimeWhenDaylightSavingTimeEnds() {
    // 01:30 happens twice in New York on 2025-11-02
    ZonedDateTime first = ZonedDateTime.of(2025, 11, 2, 1, 30, 0, 0, NEW_YORK);
    Instant second = first.toInstant().plus(Duration.ofHours(1));
    assertThat(OrderAnalyticsQuery.bucketStart(first.toInstant(), Interval.HOUR, NEW_YORK))
        .isEqualTo(first.toInstant().minus(Duration.ofMinutes(30)));
    assertThat(OrderAnalyticsQuery.bucketStart(second, Interval.HOUR, NEW_YORK))
        .isEqualTo(second.minus(Duration.ofMinutes(30)));
  }

  @Test
  void shouldRejectARangeOfMoreIntervalsThanTheBucketLimitNamingTheLimit() {
    Instant from = Instant.parse("2024-01-01T00:00:00Z");
    assertThatThrownBy(() ->
            OrderAnalyticsQuery.of(
                from, from.plus(Duration.ofHours(10_001)), Interval.HOUR, ZoneOffset.UTC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10000 buckets");
    assertThat(
            OrderAnalyticsQuery.of(
                    from, from.plus(Duration.ofHours(10_000)), Interval.HOUR, ZoneOffset.UTC)
                .intervals())
        .isEqualTo(10_000);
    assertThatThrownBy(() ->
            OrderAnalyticsQuery.of(
                Instant.EPOCH, OrderAnalyticsQuery.LATEST, Interval.DAY, ZoneOffset.UTC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10000 buckets");
  }

  @Test
  void shouldCountGroupsTowardsTheBucketLimitWhenTheyAreKnown() {
    Instant from = Instant.parse("2024-01-01T00:00:00Z");
    OrderAnalyticsQuery hours =
        OrderAnalyticsQuery.of(
            from, from.plus(Duration.ofHours(2_000)), Interval.HOUR, ZoneOffset.UTC);
    int statuses = OrderStatus.values().length;

    assertThatThrownBy(() -> hours.withGroupBy(GroupBy.STATUS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10000 buckets")
        .hasMessageContaining("2000 hour intervals times " + statuses + " groups");
    assertThat(
            hours
                .withStatuses(Set.of(OrderStatus.PAID, OrderStatus.REFUNDED))
                .withGroupBy(GroupBy.STATUS)
                .knownGroups())
        .hasValue(2);
    assertThatThrownBy(() ->
            hours
                .withBusinessLines(Set.of("a", "b", "c", "d", "e", "f"))
                .withGroupBy(GroupBy.BUSINESS_LINE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("times 6 groups");
    // every line: unknown until the index answers
    assertThat(hours.withGroupBy(GroupBy.BUSINESS_LINE).knownGroups()).isEmpty();
  }
}
