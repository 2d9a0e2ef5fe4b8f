package dev.hamal.bench;

import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderStatus;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.UnifiedOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The orders of {@code bench gateway}: order {@code n} (0-based) is a pure function of {@code n}
 * and a fixed seed, so every loader thread generates the same orders independently and any order's
 * id is known without storing it.
 *
 * <p>Order {@code n} belongs to line {@code LINES[n % 4]}, has id {@code <line>:<n + 1000000>}, a
 * user among {@link #users} ({@code u<k>}), a creation time uniform over the {@link #DAYS} days
 * before {@link #END}, and is inserted (one change, version {@code n}). Orders with {@code n % 10
 * == 9} are not written to the cache: they are the fallback scenario's ids.
 */
final class GatewayOrders {
  static final List<String> LINES = List.of("topup", "fuelcard", "ticket", "gamecard");
  static final Instant END = Instant.parse("2025-06-30T00:00:00Z");
  static final int DAYS = 90;
  static final Instant START = END.minus(Duration.ofDays(DAYS));
  private static final long SEED = 0x5EED_6A7E_3A11L;
  private static final long ID_BASE = 1_000_000;
  private static final List<OrderStatus> STATUSES =
      List.of(
          OrderStatus.SUCCEEDED,
          OrderStatus.SUCCEEDED,
          OrderStatus.SUCCEEDED,
          OrderStatus.SUCCEEDED,
          OrderStatus.PAID,
          OrderStatus.FULFILLING,
          OrderStatus.CREATED,
          OrderStatus.FAILED,
          OrderStatus.CANCELLED,
          OrderStatus.SUCCEEDED);
  private static final List<String> CHANNELS = List.of("alipay", "wechat", "card", "balance");

  private final int users;

  GatewayOrders(int users) {
    if (users < 1) {
      throw new IllegalArgumentException("--users must be positive, was " + users);
    }
    this.users = users;
  }

  int users() {
    return users;
  }

  static String orderId(long n) {
    return LINES.get((int) (n % LINES.size())) + ":" + (ID_BASE + n);
  }

  /** Whether order {@code n} is written to the cache. */
  static boolean cached(long n) {
    return n % 10 != 9;
  }

  UnifiedOrder order(long n) {
    SplittableRandom r = new SplittableRandom(SEED + n * 0x9E37_79B9_7F4A_7C15L);
    String line = LINES.get((int) (n % LINES.size()));
    Instant created = START.plusMillis(r.nextLong(Duration.ofDays(DAYS).toMillis()));
    OrderStatus status = STATUSES.get(r.nextInt(STATUSES.size()));
    long total = 1_000 + r.nextLong(200_000);
    long discount = r.nextInt(4) == 0 ? r.nextLong(total / 10) : 0;
    UnifiedOrder.Builder b =
        UnifiedOrder.builder()
            .orderId(orderId(n))
            .businessLine(line)
            .source("bench_" + line, line + "_order")
            .sourceId(Long.toString(ID_BASE + n))
            .userId("u" + r.nextInt(users))
            .status(status)
            .totalAmount(total)
            .discountAmount(discount)
            .currency("CNY")
            .paymentChannel(CHANNELS.get(r.nextInt(CHANNELS.size())))
            .productSku(line.toUpperCase(java.util.Locale.ROOT) + "-" + r.nextInt(500))
            .productName(line + " product " + r.nextInt(500))
            .faceValue((total / 1_000) * 1_000)
            .createdAt(created)
            .updatedAt(created.plusSeconds(r.nextInt(3_600)))
            .ext("channelOrderNo", "C" + Long.toHexString(r.nextLong() & Long.MAX_VALUE));
    if (status != OrderStatus.CREATED && status != OrderStatus.CANCELLED) {
      b.paidAmount(total - discount).paidAt(created.plusSeconds(1 + r.nextInt(300)));
    }
    if (status == OrderStatus.SUCCEEDED || status == OrderStatus.FAILED) {
      b.finishedAt(created.plusSeconds(301 + r.nextInt(3_000)));
    }
    return b.build();
  }

  OrderWrite write(long n) {
    UnifiedOrder order = order(n);
    var source =
        new OrderChange.SourcePosition(
            "bench-gateway", "mysql-bin.000001", 4 + n, 0, Optional.empty(), n + 1);
    return new OrderWrite(
        OrderChange.insert(order, source, order.updatedAt().orElse(order.createdAt())),
        OrderWrite.Action.UPSERT);
  }

  /** The writes of orders {@code from} (inclusive) to {@code to} (exclusive) that pass. */
  List<OrderWrite> writes(long from, long to, java.util.function.LongPredicate which) {
    List<OrderWrite> writes = new ArrayList<>((int) (to - from));
    for (long n = from; n < to; n++) {
      if (which.test(n)) {
        writes.add(write(n));
      }
    }
    return writes;
  }
}
