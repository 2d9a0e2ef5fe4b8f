package dev.hamal.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.embedded.OpenSearchNode;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderPage;
import dev.hamal.order.OrderQuery;
import dev.hamal.order.OrderSinkUnavailableException;
import dev.hamal.order.OrderStatus;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.SinkResult;
import dev.hamal.order.SortKey;
import dev.hamal.order.StoredOrder;
import dev.hamal.order.UnifiedOrder;
import dev.hamal.search.OrderAnalyticsQuery.GroupBy;
import dev.hamal.search.OrderAnalyticsQuery.Interval;
import dev.hamal.testkit.FaultProxy;
import dev.hamal.testkit.TestServers;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Searches and analytics against a real OpenSearch node: random queries paged to the end must
 * return exactly the written orders {@link OrderQuery#matches} accepts, and aggregations must equal
 * sums computed from the written orders. The seed is random per run and named in every failure
 * ({@code -Dhamal.search.seed=N} repeats a run).
 */
class OrderIndexSearchIT {

  private static final long SEED = Long.getLong("hamal.search.seed", System.nanoTime());

  private static final String[] LINES = {"topup", "fuel", "ticket"};
  private static final String[] PRODUCTS = {
    "广东移动话费100元(快充)",
    "中国联通话费50元",
    "中石化加油卡充值500元",
    "故宫博物院门票 成人票",
    "故宫博物院门票 儿童票",
    "王者荣耀点券 600",
    "Steam Wallet 100",
    "Steam 游戏点卡",
    "Apple iTunes 礼品卡"
  };

  /**
   * Product texts whose words are whole tokens (English) or runs of bigrams (Chinese) of the
   * product names, so that a full-text match and {@link OrderQuery#matches}' substring test agree.
   */
  private static final String[] TEXTS = {
    "话费",
    "联通 话费",
    "加油卡",
    "门票",
    "成人票",
    "Steam",
    "wallet",
    "steam 点卡",
    "ITUNES 礼品卡",
    "荣耀",
    "机票",
    "Wallet 话费"
  };

  /** Creation times span a month boundary (two monthly indices) and New York's DST end. */
  private static final Instant START = Instant.parse("2025-10-20T00:00:00Z");

  private static final Duration SPAN = Duration.ofDays(30);
  private static final int ORDERS = 400;

  /** The orders written and how the index holds them. */
  private record Written(OrderIndex index, Map<String, StoredOrder> stored) {

    List<StoredOrder> visible() {
      return stored.values().stream().filter(o -> o.state() != StoredOrder.State.DELETED).toList();
    }

    List<StoredOrder> expected(OrderQuery query) {
      return visible().stream()
          .filter(o -> query.matches(o.order()))
          .sorted(Comparator.comparing(o -> SortKey.of(o.order()), SortKey.ORDER))
          .toList();
    }
  }

  private static OrderIndex open(URI uri, String prefix, Duration timeout) {
    return OrderIndex.open(
        OrderIndexConfig.builder(uri)
            .indexPrefix(prefix)
            .requestTimeout(timeout)
            .connectTimeout(Duration.ofSeconds(1))
            .build());
  }

  /** Writes {@link #ORDERS} generated orders (some updated, archived or deleted) and refreshes. */
  private static Written write(OrderIndex index, long seed) {
    var random = new SplittableRandom(seed);
    List<OrderWrite> writes = new ArrayList<>();
    List<Instant> times = new ArrayList<>();
    long[] position = {4};
    for (int i = 1; i <= ORDERS; i++) {
      String line = LINES[random.nextInt(LINES.length)];
      Instant createdAt;
      if (!times.isEmpty() && random.nextInt(6) == 0) {
        createdAt = times.get(random.nextInt(times.size())); // a tie, broken by order id
      } else {
        createdAt =
            START
                .plusSeconds(random.nextLong(SPAN.toSeconds()))
                .plusNanos(random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000));
      }
      times.add(createdAt);
      UnifiedOrder first = order(random, line, line + ":" + i, createdAt);
      writes.add(insert(first, position, createdAt));
      UnifiedOrder last = first;
      if (random.nextInt(3) == 0) { // changed later: the index must answer with the newest image
        last = order(random, line, first.orderId(), createdAt);
        writes.add(
            new OrderWrite(
                OrderChange.update(first, last, source(position), createdAt.plusSeconds(60)),
                OrderWrite.Action.UPSERT));
      }
      int fate = random.nextInt(7);
      if (fate < 2) {
        writes.add(
            new OrderWrite(
                OrderChange.delete(last, source(position), createdAt.plusSeconds(120)),
                fate == 0 ? OrderWrite.Action.ARCHIVE : OrderWrite.Action.DELETE));
      }
    }
    for (int from = 0; from < writes.size(); from += 300) {
      SinkResult result = index.apply(writes.subList(from, Math.min(writes.size(), from + 300)));
      assertThat(result.rejected()).isEmpty();
    }
    index.refresh();
    Map<String, StoredOrder> stored = new LinkedHashMap<>();
    for (OrderWrite write : writes) {
      stored.merge(
          write.orderId(),
          write.toStored(),
          (a, b) -> b.version().isNewerThan(a.version()) ? b : a);
    }
    assertThat(index.findAll(stored.keySet())).isEqualTo(stored);
    return new Written(index, stored);
  }

  private static UnifiedOrder order(
      SplittableRandom random, String line, String orderId, Instant createdAt) {
    long total = random.nextInt(5) == 0 ? random.nextInt(100) * 1_000L : random.nextInt(200_000);
    UnifiedOrder.Builder order =
        UnifiedOrder.builder()
            .orderId(orderId)
            .businessLine(line)
            .source(line, "orders")
            .sourceId(orderId.substring(orderId.indexOf(':') + 1))
            .status(OrderStatus.values()[random.nextInt(OrderStatus.values().length)])
            .totalAmount(total)
            .currency("CNY")
            .createdAt(createdAt)
            .updatedAt(createdAt);
    if (random.nextInt(10) != 0) {
      order.userId("u" + random.nextInt(8));
    }
    if (random.nextInt(10) < 7) {
      order.paidAmount(random.nextLong(total + 1));
    }
    if (random.nextInt(10) != 0) {
      order.productName(PRODUCTS[random.nextInt(PRODUCTS.length)]);
    }
    return order.build();
  }

  private static OrderWrite insert(UnifiedOrder order, long[] position, Instant commit) {
    return new OrderWrite(
        OrderChange.insert(order, source(position), commit), OrderWrite.Action.UPSERT);
  }

  private static OrderChange.SourcePosition source(long[] position) {
    position[0] += 100;
    return new OrderChange.SourcePosition(
        "test", "mysql-bin.000001", position[0], 0, Optional.empty(), position[0]);
  }

  /** Every page of {@code query}, checked page by page, concatenated. */
  private static List<StoredOrder> pageToTheEnd(OrderIndex index, OrderQuery query, int most) {
    List<StoredOrder> all = new ArrayList<>();
    OrderQuery next = query;
    for (int pages = 0; pages <= most / query.limit() + 1; pages++) {
      OrderPage page = index.search(next);
      assertThat(page.orders())
          .as("seed %d, %s", SEED, next)
          .hasSizeLessThanOrEqualTo(query.limit());
      all.addAll(page.orders());
      if (page.next().isEmpty()) {
        return all;
      }
      assertThat(page.orders()).as("seed %d, %s", SEED, next).hasSize(query.limit());
      assertThat(page.next()).contains(SortKey.of(page.orders().getLast().order()));
      next = next.withAfter(page.next());
    }
    throw new AssertionError("seed " + SEED + ": more pages than orders for " + query);
  }

  private static OrderQuery randomQuery(SplittableRandom random, Written written) {
    int[] limits = {1, 2, 3, 7, 10, 50, OrderQuery.MAX_LIMIT};
    OrderQuery query = OrderQuery.all(limits[random.nextInt(limits.length)]);
    List<StoredOrder> orders = new ArrayList<>(written.stored().values());
    if (random.nextInt(3) == 0) {
      Set<String> lines = new HashSet<>();
      for (int n = 1 + random.nextInt(2); n > 0; n--) {
        lines.add(random.nextInt(8) == 0 ? "nope" : LINES[random.nextInt(LINES.length)]);
      }
      query = query.withBusinessLines(lines);
    }
    if (random.nextInt(5) == 0) {
      query = query.withUserId("u" + random.nextInt(9));
    }
    if (random.nextInt(3) == 0) {
      Set<OrderStatus> statuses = EnumSet.noneOf(OrderStatus.class);
      for (int n = 1 + random.nextInt(3); n > 0; n--) {
        statuses.add(OrderStatus.values()[random.nextInt(OrderStatus.values().length)]);
      }
      query = query.withStatuses(statuses);
    }
    if (random.nextInt(5) < 2) {
      // bounds on existing creation times, to see the lower one included and the upper excluded
      Instant a = orders.get(random.nextInt(orders.size())).order().createdAt();
      Instant b = orders.get(random.nextInt(orders.size())).order().createdAt();
      Instant from = a.isBefore(b) ? a : b;
      Instant to = a.isBefore(b) ? b : a;
      query =
          switch (random.nextInt(4)) {
            case 0 -> query.withCreated(Optional.of(from), Optional.empty());
            case 1 -> query.withCreated(Optional.empty(), Optional.of(to));
            case 2 ->
                query.withCreated(
                    Optional.of(Instant.parse("1960-01-01T00:00:00Z")), Optional.of(to));
            default -> query.withCreated(Optional.of(from), Optional.of(to));
          };
    }
    if (random.nextInt(10) < 3) {
      long a = orders.get(random.nextInt(orders.size())).order().totalAmount();
      long b = orders.get(random.nextInt(orders.size())).order().totalAmount();
      query =
          switch (random.nextInt(3)) {
            case 0 -> query.withTotalAmount(OptionalLong.of(Math.min(a, b)), OptionalLong.empty());
            case 1 -> query.withTotalAmount(OptionalLong.empty(), OptionalLong.of(Math.max(a, b)));
            default ->
                query.withTotalAmount(
                    OptionalLong.of(Math.min(a, b)), OptionalLong.of(Math.max(a, b)));
          };
    }
    if (random.nextInt(10) < 3) {
      query = query.withProductText(TEXTS[random.nextInt(TEXTS.length)]);
    }
    return query;
  }

  @Test
  void shouldPageThroughExactlyTheMatchingOrdersNewestFirstForRandomQueries() {
    try (OrderIndex index =
        open(TestServers.openSearch().httpUri(), "it-search-paging", Duration.ofSeconds(30))) {
      Written written = write(index, SEED);
      var random = new SplittableRandom(SEED + 1);
      int multiPage = 0;
      int hidingTombstones = 0;
      for (int i = 0; i < 150; i++) {
        OrderQuery query = randomQuery(random, written);
        List<StoredOrder> expected = written.expected(query);

        List<StoredOrder> found = pageToTheEnd(index, query, written.stored().size());

        assertThat(found).as("seed %d, %s", SEED, query).containsExactlyElementsOf(expected);
        multiPage += expected.size() > query.limit() ? 1 : 0;
        hidingTombstones +=
            written.stored().values().stream()
                    .anyMatch(
                        o -> o.state() == StoredOrder.State.DELETED && query.matches(o.order()))
                ? 1
                : 0;
      }
      // the queries exercised paging and the tombstone filter, not only empty answers
      assertThat(multiPage).as("seed %d", SEED).isGreaterThan(20);
      assertThat(hidingTombstones).as("seed %d", SEED).isGreaterThan(20);
    }
  }

  @Test
  void shouldReturnEveryOrderButTombstonesOnceInSortOrderWithOrderIdBreakingTies() {
    try (OrderIndex index =
        open(TestServers.openSearch().httpUri(), "it-search-all", Duration.ofSeconds(30))) {
      Written written = write(index, SEED + 2);
      List<StoredOrder> found = pageToTheEnd(index, OrderQuery.all(7), ORDERS);

      assertThat(found)
          .as("seed %d", SEED)
          .containsExactlyElementsOf(written.expected(OrderQuery.all(7)));
      assertThat(found).extracting(StoredOrder::orderId).doesNotHaveDuplicates();
      assertThat(found).extracting(StoredOrder::state).doesNotContain(StoredOrder.State.DELETED);
      assertThat(found).extracting(StoredOrder::state).contains(StoredOrder.State.ARCHIVED);
      assertThat(found.size()).isLessThan(written.stored().size());
      // creation times shared by several orders, and times within one millisecond, were sorted
      Set<Instant> times = new HashSet<>();
      Set<Instant> millis = new HashSet<>();
      long ties = found.stream().filter(o -> !times.add(o.order().createdAt())).count();
      long sameMilli =
          found.stream()
              .filter(o -> !millis.add(o.order().createdAt().truncatedTo(ChronoUnit.MILLIS)))
              .count();
      assertThat(ties).as("seed %d", SEED).isPositive();
      assertThat(sameMilli).as("seed %d", SEED).isGreaterThanOrEqualTo(ties);
    }
  }

  @Test
  void shouldMatchChineseAndEnglishWordsOfTheProductName() {
    try (OrderIndex index =
        open(TestServers.openSearch().httpUri(), "it-search-text", Duration.ofSeconds(30))) {
      Written written = write(index, SEED + 3);
      Map<String, Integer> counts = new LinkedHashMap<>();
      for (String text : TEXTS) {
        OrderQuery query = OrderQuery.all(OrderQuery.MAX_LIMIT).withProductText(text);
        List<StoredOrder> expected = written.expected(query);

        List<StoredOrder> found = pageToTheEnd(index, query, ORDERS);

        assertThat(found).as("seed %d, %s", SEED, text).containsExactlyElementsOf(expected);
        counts.put(text, found.size());
      }
      // 话费 finds both carriers' top-ups, 联通 话费 one of them; a word no name has finds nothing
      assertThat(counts.get("话费")).as("seed %d", SEED).isGreaterThan(counts.get("联通 话费"));
      assertThat(counts.get("联通 话费")).as("seed %d", SEED).isPositive();
      assertThat(counts.get("steam 点卡"))
          .as("seed %d", SEED)
          .isPositive()
          .isLessThan(counts.get("Steam"));
      assertThat(counts.get("机票")).isZero();
      assertThat(counts.get("Wallet 话费")).isZero();
      // a blank text filters nothing, as OrderQuery#matches
      assertThat(pageToTheEnd(index, OrderQuery.all(100).withProductText("  "), ORDERS))
          .hasSameSizeAs(written.visible());
    }
  }

  private record Sums(long orders, long total, long paid) {
    Sums plus(UnifiedOrder order) {
      return new Sums(orders + 1, total + order.totalAmount(), paid + order.paidAmount().orElse(0));
    }
  }

  private record Cell(Instant start, String group) {}

  /** The answer computed from the written orders, from the calendar in the query's zone. */
  private static Map<Cell, Sums> expected(Written written, OrderAnalyticsQuery query) {
    Map<Cell, Sums> sums = new HashMap<>();
    for (StoredOrder stored : written.visible()) {
      UnifiedOrder order = stored.order();
      if ((!query.businessLines().isEmpty()
              && !query.businessLines().contains(order.businessLine()))
          || (!query.statuses().isEmpty() && !query.statuses().contains(order.status()))
          || order.createdAt().isBefore(query.from())
          || !order.createdAt().isBefore(query.to())) {
        continue;
      }
      var local = order.createdAt().atZone(query.zone());
      Instant start =
          query.interval() == Interval.HOUR
              ? local.truncatedTo(ChronoUnit.HOURS).toInstant()
              : local.toLocalDate().atStartOfDay(query.zone()).toInstant();
      String group =
          switch (query.groupBy()) {
            case NONE -> "";
            case BUSINESS_LINE -> order.businessLine();
            case STATUS -> order.status().name();
          };
      sums.merge(
          new Cell(start, group),
          new Sums(0, 0, 0).plus(order),
          (a, b) -> new Sums(a.orders + b.orders, a.total + b.total, a.paid + b.paid));
    }
    return sums;
  }

  private static Map<Cell, Sums> actual(OrderAnalytics analytics) {
    Map<Cell, Sums> sums = new HashMap<>();
    for (OrderAnalytics.Bucket bucket : analytics.buckets()) {
      Sums previous =
          sums.put(
              new Cell(bucket.start(), bucket.group()),
              new Sums(bucket.orders(), bucket.totalAmount(), bucket.paidAmount()));
      assertThat(previous).as("bucket %s twice", bucket).isNull();
    }
    return sums;
  }

  @Test
  void shouldSumOrdersAndAmountsPerCalendarIntervalAndGroupInTheQueryZone() {
    try (OrderIndex index =
        open(TestServers.openSearch().httpUri(), "it-search-analytics", Duration.ofSeconds(30))) {
      Written written = write(index, SEED + 4);
      var random = new SplittableRandom(SEED + 5);
      List<ZoneId> zones =
          List.of(
              ZoneId.of("Asia/Shanghai"), ZoneId.of("Asia/Kolkata"), ZoneId.of("America/New_York"));
      int checked = 0;
      for (ZoneId zone : zones) {
        for (Interval interval : Interval.values()) {
          for (GroupBy groupBy : GroupBy.values()) {
            // a range cut at odd times, so the first and last buckets hold part of an interval
            Instant from = START.plusSeconds(random.nextLong(Duration.ofDays(5).toSeconds()));
            Instant to =
                START.plus(SPAN).minusSeconds(random.nextLong(Duration.ofDays(5).toSeconds()));
            OrderAnalyticsQuery query =
                new OrderAnalyticsQuery(Set.of(), Set.of(), from, to, interval, zone, groupBy);
            if (random.nextBoolean()) {
              query = query.withBusinessLines(Set.of(LINES[random.nextInt(LINES.length)], "nope"));
            }
            if (random.nextBoolean()) {
              query =
                  query.withStatuses(
                      EnumSet.of(OrderStatus.PAID, OrderStatus.SUCCEEDED, OrderStatus.REFUNDED));
            }
            Map<Cell, Sums> expected = expected(written, query);

            OrderAnalytics analytics = index.analyze(query);

            assertThat(expected).as("seed %d, %s", SEED, query).isNotEmpty();
            assertThat(actual(analytics)).as("seed %d, %s", SEED, query).isEqualTo(expected);
            assertThat(analytics.buckets()).isSortedAccordingTo(OrderAnalytics.ORDER);
            assertThat(analytics.orders())
                .isEqualTo(expected.values().stream().mapToLong(Sums::orders).sum());
            assertThat(analytics.totalAmount())
                .isEqualTo(expected.values().stream().mapToLong(Sums::total).sum());
            assertThat(analytics.paidAmount())
                .isEqualTo(expected.values().stream().mapToLong(Sums::paid).sum());
            checked++;
          }
        }
      }
      assertThat(checked).isEqualTo(zones.size() * 6);
      // in New York, the local day of 2025-11-02 (25 hours) is one bucket
      Instant nov2 = Instant.parse("2025-11-02T04:00:00Z");
      OrderAnalytics days =
          index.analyze(
              OrderAnalyticsQuery.of(
                  START, START.plus(SPAN), Interval.DAY, ZoneId.of("America/New_York")));
      assertThat(days.buckets()).extracting(OrderAnalytics.Bucket::start).contains(nov2);
      assertThat(days.buckets())
          .filteredOn(b -> b.start().equals(nov2))
          .extracting(OrderAnalytics.Bucket::orders)
          .containsExactly(
              written.visible().stream()
                  .filter(o -> !o.order().createdAt().isBefore(nov2))
                  .filter(o -> o.order().createdAt().isBefore(nov2.plus(Duration.ofHours(25))))
                  .count());
    }
  }

  @Test
  void shouldRejectGroupingByEveryLineWhenTheLinesWouldExceedTheBucketLimit() {
    try (OrderIndex index =
        open(TestServers.openSearch().httpUri(), "it-search-limit", Duration.ofSeconds(30))) {
      Written written = write(index, SEED + 6);
      ZoneId zone = ZoneId.of("Asia/Shanghai");
      // 4,000 hours leave room for 2 lines; the data has 3
      Instant from = START.minus(Duration.ofHours(3_000));
      OrderAnalyticsQuery tooMany =
          OrderAnalyticsQuery.of(from, from.plus(Duration.ofHours(4_000)), Interval.HOUR, zone)
              .withGroupBy(GroupBy.BUSINESS_LINE);
      OrderAnalyticsQuery fits =
          OrderAnalyticsQuery.of(
                  START.minus(Duration.ofHours(2_000)),
                  START.plus(Duration.ofHours(1_000)),
                  Interval.HOUR,
                  zone)
              .withGroupBy(GroupBy.BUSINESS_LINE);

      assertThatThrownBy(() -> index.analyze(tooMany))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("10000 buckets")
          .hasMessageContaining("more than 2 business lines");
      assertThat(actual(index.analyze(fits))).isEqualTo(expected(written, fits));
      assertThat(index.analyze(fits).buckets())
          .extracting(OrderAnalytics.Bucket::group)
          .containsOnly(LINES);
    }
  }

  @Test
  void shouldThrowUnavailableWhileTheClusterDoesNotAnswerAndSearchAgainAfterwards() {
    OpenSearchNode node = TestServers.openSearch();
    Written written;
    try (OrderIndex direct = open(node.httpUri(), "it-search-outage", Duration.ofSeconds(30))) {
      written = write(direct, SEED + 7);
    }
    try (FaultProxy proxy = FaultProxy.start(node.httpUri().getHost(), node.httpUri().getPort());
        OrderIndex index =
            open(
                URI.create("http://" + proxy.host() + ":" + proxy.port()),
                "it-search-outage",
                Duration.ofSeconds(2))) {
      OrderQuery query = OrderQuery.all(10);
      OrderAnalyticsQuery analytics =
          OrderAnalyticsQuery.of(START, START.plus(SPAN), Interval.DAY, ZoneId.of("Asia/Shanghai"));

      proxy.blackhole();
      assertThatThrownBy(() -> index.search(query))
          .isInstanceOf(OrderSinkUnavailableException.class);
      assertThatThrownBy(() -> index.analyze(analytics))
          .isInstanceOf(OrderSinkUnavailableException.class);

      proxy.resume();
      assertThat(index.search(query).orders())
          .containsExactlyElementsOf(written.expected(query).subList(0, 10));
      assertThat(actual(index.analyze(analytics))).isEqualTo(expected(written, analytics));
    }
  }
}
