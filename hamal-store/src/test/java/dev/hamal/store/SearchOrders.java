package dev.hamal.store;

import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderQuery;
import dev.hamal.order.OrderStatus;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.SortKey;
import dev.hamal.order.StoredOrder;
import dev.hamal.order.UnifiedOrder;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Seeded orders and queries for search tests: few creation times shared by many orders (one of them
 * by a quarter of all orders), times that differ only in their microseconds within one millisecond,
 * product names with Chinese text and {@code LIKE} metacharacters, and some orders archived or
 * deleted. The same seed gives the same orders and queries.
 */
final class SearchOrders {
  static final List<String> LINES = List.of("topup", "fuel", "ticket", "game");

  static final List<String> PRODUCTS =
      List.of(
          "广东移动话费100元(快充)",
          "中石化加油卡充值500元",
          "100% 充值卡",
          "1005 点卡",
          "game_coin 礼包",
          "gamecoin pack",
          "Steam Wallet 100",
          "STEAM gift card",
          "王者荣耀点券 600",
          "故宫博物院门票 成人票",
          "Café crème 50%_off",
          "a!b 特价");

  /** Words queries search for: plain, Chinese, mixed case, metacharacters, the escape. */
  static final List<String> WORDS =
      List.of(
          "steam",
          "STEAM wallet",
          "100%",
          "%",
          "_",
          "game_coin",
          "充值",
          "王者 600",
          "café",
          "50%_",
          "!",
          "a!b",
          "100",
          "卡",
          "no-such-product");

  /** Injection attempts, as user ids and product text. */
  static final List<String> HOSTILE =
      List.of(
          "' OR '1'='1", "u1' OR 1=1 -- ", "x'; DROP TABLE orders; --", "\\' OR 1=1 #", "u1\u0000");

  private final List<OrderWrite> writes;
  private final List<Instant> times;
  private final Instant start;

  private SearchOrders(List<OrderWrite> writes, List<Instant> times, Instant start) {
    this.writes = List.copyOf(writes);
    this.times = List.copyOf(times);
    this.start = start;
  }

  /**
   * {@code count} orders created at one of {@code distinctTimes} instants from {@code start} on,
   * each at a whole microsecond (as a MySQL source gives them); a tenth archived, a tenth deleted.
   */
  static SearchOrders generate(int count, int distinctTimes, Instant start, long seed) {
    var random = new SplittableRandom(seed);
    List<Instant> times = new ArrayList<>();
    for (int i = 0; i < distinctTimes; i++) {
      // Seconds apart in pairs; within a pair, the same millisecond but other microseconds.
      Instant base = start.plusSeconds(i / 2 * 7).plusMillis(i / 2 % 3 * 250);
      times.add(i % 2 == 0 ? base.plus(123, ChronoUnit.MICROS) : base.plus(456, ChronoUnit.MICROS));
    }
    List<OrderWrite> writes = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      String line = LINES.get(random.nextInt(LINES.size()));
      Instant created =
          random.nextInt(4) == 0 ? times.get(0) : times.get(random.nextInt(times.size()));
      UnifiedOrder.Builder order =
          UnifiedOrder.builder()
              .orderId(line + ":" + i)
              .businessLine(line)
              .source(line, "orders")
              .sourceId(Integer.toString(i))
              .status(OrderStatus.values()[random.nextInt(OrderStatus.values().length)])
              .totalAmount(100 + random.nextInt(10_000))
              .currency("CNY")
              .createdAt(created);
      if (random.nextInt(10) != 0) {
        order.userId("u" + random.nextInt(8));
      }
      if (random.nextInt(12) != 0) {
        order.productName(PRODUCTS.get(random.nextInt(PRODUCTS.size())));
      }
      var source =
          new OrderChange.SourcePosition(
              "test", "mysql-bin.000001", 4 + i * 100L, 0, Optional.empty(), i);
      Instant commit = created.plusSeconds(1);
      int fate = random.nextInt(10);
      writes.add(
          switch (fate) {
            case 0 ->
                new OrderWrite(
                    OrderChange.delete(order.build(), source, commit), OrderWrite.Action.ARCHIVE);
            case 1 ->
                new OrderWrite(
                    OrderChange.delete(order.build(), source, commit), OrderWrite.Action.DELETE);
            default ->
                new OrderWrite(
                    OrderChange.insert(order.build(), source, commit), OrderWrite.Action.UPSERT);
          });
    }
    return new SearchOrders(writes, times, start);
  }

  List<OrderWrite> writes() {
    return writes;
  }

  /** The creation times the orders share. */
  List<Instant> times() {
    return times;
  }

  /** What a search must return, all pages together: stored, not deleted, matching, sorted. */
  List<StoredOrder> expected(OrderQuery query) {
    return writes.stream()
        .map(OrderWrite::toStored)
        .filter(o -> o.state() != StoredOrder.State.DELETED)
        .filter(o -> query.matches(o.order()))
        .filter(o -> query.after().map(a -> a.precedes(o.order())).orElse(true))
        .sorted(Comparator.comparing(o -> SortKey.of(o.order()), SortKey.ORDER))
        .toList();
  }

  /** A random query: each filter present or not, sometimes with an arbitrary position. */
  OrderQuery randomQuery(SplittableRandom random) {
    OrderQuery query = OrderQuery.all(1 + random.nextInt(random.nextBoolean() ? 5 : 60));
    if (random.nextInt(3) == 0) {
      Set<String> lines = new HashSet<>();
      int n = 1 + random.nextInt(2);
      for (int i = 0; i < n; i++) {
        lines.add(LINES.get(random.nextInt(LINES.size())));
      }
      query = query.withBusinessLines(lines);
    }
    if (random.nextInt(4) == 0) {
      query = query.withUserId(random.nextInt(10) == 0 ? "u9" : "u" + random.nextInt(8));
    }
    if (random.nextInt(3) == 0) {
      Set<OrderStatus> statuses = new HashSet<>();
      int n = 1 + random.nextInt(3);
      for (int i = 0; i < n; i++) {
        statuses.add(OrderStatus.values()[random.nextInt(OrderStatus.values().length)]);
      }
      query = query.withStatuses(statuses);
    }
    if (random.nextInt(3) == 0) {
      Optional<Instant> from =
          random.nextBoolean() ? Optional.of(randomInstant(random)) : Optional.empty();
      Optional<Instant> to =
          random.nextBoolean() ? Optional.of(randomInstant(random)) : Optional.empty();
      query = query.withCreated(from, to);
    }
    if (random.nextInt(4) == 0) {
      OptionalLong min =
          random.nextBoolean() ? OptionalLong.of(random.nextInt(6_000)) : OptionalLong.empty();
      OptionalLong max =
          random.nextBoolean()
              ? OptionalLong.of(4_000 + random.nextInt(6_500))
              : OptionalLong.empty();
      query = query.withTotalAmount(min, max);
    }
    if (random.nextInt(3) == 0) {
      query = query.withProductText(WORDS.get(random.nextInt(WORDS.size())));
    }
    if (random.nextInt(5) == 0) {
      String id = LINES.get(random.nextInt(LINES.size())) + ":" + random.nextInt(writes.size());
      query = query.withAfter(Optional.of(new SortKey(randomInstant(random), id)));
    }
    return query;
  }

  /**
   * One of the shared times, or one shifted by a nanosecond, a microsecond or a millisecond, or cut
   * to the millisecond, or any instant around them.
   */
  Instant randomInstant(SplittableRandom random) {
    Instant time = times.get(random.nextInt(times.size()));
    return switch (random.nextInt(7)) {
      case 0 -> time.plusNanos(1);
      case 1 -> time.minusNanos(1);
      case 2 -> time.minus(1, ChronoUnit.MICROS);
      case 3 -> time.truncatedTo(ChronoUnit.MILLIS);
      case 4 -> start.plus(Duration.ofMillis(random.nextLong(times.size() * 4_000L)));
      default -> time;
    };
  }
}
