package dev.hamal.testkit;

import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderStatus;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.UnifiedOrder;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Seeded, realistic order histories for tests of the stores and the processor: each order is
 * inserted, updated through a life cycle (paid, fulfilling, succeeded or failed, sometimes
 * refunded) and sometimes deleted, with versions that grow in binlog order. The same seed gives the
 * same histories.
 *
 * <p>{@link #changes()} is the whole history in binlog (version) order; {@link #finalStates()} what
 * a store must hold once every change was applied, whatever the order of delivery.
 */
public final class OrderHistories {
  private static final String[] CHANNELS = {"alipay", "wxpay", "unionpay", "points", "game_coin"};
  private static final String[] PRODUCTS = {
    "广东移动话费100元(快充)", "中石化加油卡充值500元", "故宫博物院门票 成人票", "王者荣耀点券 600", "Steam Wallet 100"
  };

  private final List<OrderChange> changes;

  private OrderHistories(List<OrderChange> changes) {
    this.changes = List.copyOf(changes);
  }

  /**
   * Histories of {@code orders} orders of business line {@code line} (ids {@code line:1..}),
   * created from {@code start} on, interleaved as transactions of a busy source would be.
   */
  public static OrderHistories generate(String line, int orders, Instant start, long seed) {
    var random = new SplittableRandom(seed);
    List<List<UnifiedOrder>> lives = new ArrayList<>();
    for (int i = 1; i <= orders; i++) {
      lives.add(life(line, i, start.plusSeconds(i), random));
    }
    // Interleave: repeatedly take the next step of a random order still having steps.
    List<OrderChange> changes = new ArrayList<>();
    int[] next = new int[orders];
    List<Integer> open = new ArrayList<>();
    for (int i = 0; i < orders; i++) {
      open.add(i);
    }
    long position = 4;
    Instant commit = start;
    while (!open.isEmpty()) {
      int pick = random.nextInt(open.size());
      int order = open.get(pick);
      List<UnifiedOrder> life = lives.get(order);
      int step = next[order]++;
      position += 200 + random.nextInt(400);
      commit = commit.plusMillis(random.nextInt(50));
      var source =
          new OrderChange.SourcePosition(
              "test", "mysql-bin.000001", position, 0, Optional.empty(), position);
      UnifiedOrder current = life.get(Math.min(step, life.size() - 1));
      if (step == 0) {
        changes.add(OrderChange.insert(current, source, commit));
      } else if (step < life.size()) {
        changes.add(OrderChange.update(life.get(step - 1), current, source, commit));
      } else {
        changes.add(OrderChange.delete(current, source, commit));
      }
      boolean deletes = (order % 10) == 9;
      if (next[order] >= life.size() + (deletes ? 1 : 0)) {
        open.remove(pick);
      }
    }
    return new OrderHistories(changes);
  }

  private static List<UnifiedOrder> life(
      String line, int id, Instant created, SplittableRandom random) {
    var ext = new LinkedHashMap<String, Object>();
    ext.put("mobile", "138" + String.format("%08d", random.nextInt(100_000_000)));
    ext.put("fast", random.nextBoolean());
    ext.put("rate", new BigDecimal("0." + (10 + random.nextInt(89))));
    long total = 1_000 + random.nextInt(100_000);
    long discount = random.nextInt(500);
    UnifiedOrder.Builder base =
        UnifiedOrder.builder()
            .orderId(line + ":" + id)
            .businessLine(line)
            .source(line, "orders_" + String.format("%02d", id % 4))
            .sourceId(Integer.toString(id))
            .userId("u" + random.nextInt(1_000))
            .status(OrderStatus.CREATED)
            .totalAmount(total)
            .paidAmount(total - discount)
            .discountAmount(discount)
            .currency("CNY")
            .paymentChannel(CHANNELS[random.nextInt(CHANNELS.length)])
            .productSku("SKU" + random.nextInt(50))
            .productName(PRODUCTS[random.nextInt(PRODUCTS.length)])
            .faceValue(total)
            .createdAt(created)
            .updatedAt(created);
    ext.forEach(base::ext);
    List<UnifiedOrder> life = new ArrayList<>();
    life.add(base.build());
    Instant paid = created.plusSeconds(5);
    life.add(
        base.status(OrderStatus.PAID)
            .paidAt(paid)
            .updatedAt(paid)
            .settlementState("PENDING")
            .build());
    if (random.nextInt(5) == 0) {
      return life; // still paid, nothing more yet
    }
    Instant done = paid.plus(Duration.ofSeconds(30));
    boolean fails = random.nextInt(6) == 0;
    life.add(base.status(OrderStatus.FULFILLING).updatedAt(paid.plusSeconds(1)).build());
    life.add(
        base.status(fails ? OrderStatus.FAILED : OrderStatus.SUCCEEDED)
            .finishedAt(done)
            .updatedAt(done)
            .settlementState("SETTLED")
            .build());
    if (fails || random.nextInt(8) == 0) {
      life.add(
          base.status(OrderStatus.REFUNDED)
              .refundedAmount(total - discount)
              .updatedAt(done.plusSeconds(60))
              .build());
    }
    return life;
  }

  /** Every change, in version order. */
  public List<OrderChange> changes() {
    return changes;
  }

  /** Every change as the write the default DML filter makes of it (deletes archived). */
  public List<OrderWrite> writes() {
    return changes.stream().map(OrderHistories::write).toList();
  }

  /** The write the default filter makes of {@code change}: a delete is archived. */
  public static OrderWrite write(OrderChange change) {
    return new OrderWrite(
        change,
        change.operation() == OrderChange.Operation.DELETE
            ? OrderWrite.Action.ARCHIVE
            : OrderWrite.Action.UPSERT);
  }

  /** The same writes in a seeded random order (what a replay after reordering looks like). */
  public List<OrderWrite> shuffledWrites(long seed) {
    List<OrderWrite> writes = new ArrayList<>(writes());
    Collections.shuffle(writes, new Random(seed));
    return writes;
  }

  /** The newest write of every order: what a store holds once everything was applied. */
  public Map<String, OrderWrite> finalStates() {
    Map<String, OrderWrite> last = new LinkedHashMap<>();
    for (OrderWrite write : writes()) {
      last.merge(write.orderId(), write, (a, b) -> b.version().isNewerThan(a.version()) ? b : a);
    }
    return last;
  }
}
