package dev.hamal.app;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Draws an order and its fate. Stateless: the result is a pure function of the simulator's seed,
 * the order's number and the arguments, so a simulation is reproducible whatever the threads do.
 *
 * <p>Fates (before {@code timeScale}): 88% of orders are paid (93% during a promotion) 1-25 s after
 * placing them, the rest are closed after 30 s; a paid order goes to the supplier 0.2-1.5 s later
 * and succeeds or fails a few seconds after that (line-specific rates and times); a failed order is
 * refunded within seconds, a small line-specific share of successful ones much later. Half of the
 * buyers whose order failed, and 15% of those whose order was closed, order again.
 */
final class OrderPlanner {
  /** The product lines run in China. */
  static final ZoneOffset ZONE = ZoneOffset.ofHours(8);

  private static final long ID_EPOCH_MILLIS = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();

  /** Per-line fate parameters. */
  private record Fate(
      double failRate,
      double refundAfterSuccessRate,
      double fulfilMinSeconds,
      double fulfilMaxSeconds) {}

  private final long seed;
  private final double timeScale;
  private final int users;
  private final List<ProductLine> lines;
  private final int[] lineWeights;

  OrderPlanner(SimulatorConfig config) {
    this.seed = config.seed();
    this.timeScale = config.timeScale();
    this.users = config.users();
    this.lines = List.copyOf(config.lines());
    this.lineWeights = lines.stream().mapToInt(OrderPlanner::popularity).toArray();
  }

  private static int popularity(ProductLine line) {
    return switch (line) {
      case TOPUP -> 40;
      case FUELCARD -> 15;
      case TICKET -> 20;
      case GAMECARD -> 25;
    };
  }

  private static Fate fate(ProductLine line) {
    return switch (line) {
      case TOPUP -> new Fate(0.06, 0.01, 2, 20);
      case FUELCARD -> new Fate(0.04, 0.02, 1, 10);
      case TICKET -> new Fate(0.08, 0.12, 3, 30);
      case GAMECARD -> new Fate(0.03, 0.02, 0.2, 3);
    };
  }

  /** A line drawn by popularity, for a new order or a burst. */
  ProductLine drawLine(SplittableRandom random) {
    return lines.get(SampleData.weighted(random, lineWeights));
  }

  /** Order {@code number}, placed at {@code createdAt} by a user and in a line drawn for it. */
  PlannedOrder plan(long number, Instant createdAt, boolean promotion) {
    var random = new SplittableRandom(Seeds.mix(seed, number));
    ProductLine line = drawLine(random);
    // A few heavy buyers: the square skews the draw towards low user ids.
    double u = random.nextDouble();
    long userId = 1 + (long) (u * u * users);
    return plan(number, line, userId, createdAt, promotion);
  }

  /** Order {@code number} of a given line and user (a burst, a buyer ordering again). */
  PlannedOrder plan(
      long number, ProductLine line, long userId, Instant createdAt, boolean promotion) {
    long orderSeed = Seeds.mix(seed, number);
    long id = ((createdAt.toEpochMilli() - ID_EPOCH_MILLIS) << 20) | (number & 0xF_FFFF);
    LocalDateTime local = LocalDateTime.ofInstant(createdAt, ZONE);
    LineOrder order =
        line.newOrder(new OrderSpec(id, userId, local, promotion), new SplittableRandom(orderSeed));

    var random = new SplittableRandom(Seeds.mix(orderSeed, -1));
    Fate fate = fate(line);
    var steps = new ArrayList<PlannedOrder.PlannedStep>(5);
    Optional<Duration> reorder = Optional.empty();
    if (random.nextDouble() >= (promotion ? 0.93 : 0.88)) {
      Duration closed = seconds(30);
      steps.add(new PlannedOrder.PlannedStep(closed, OrderStatus.CREATED, OrderStatus.CLOSED));
      if (random.nextDouble() < 0.15) {
        reorder = Optional.of(closed.plus(seconds(between(random, 5, 120))));
      }
    } else {
      Duration at = seconds(Math.min(25, 1 + exponential(random, 5)));
      steps.add(new PlannedOrder.PlannedStep(at, OrderStatus.CREATED, OrderStatus.PAID));
      at = at.plus(seconds(between(random, 0.2, 1.5)));
      steps.add(new PlannedOrder.PlannedStep(at, OrderStatus.PAID, OrderStatus.FULFILLING));
      at = at.plus(seconds(between(random, fate.fulfilMinSeconds(), fate.fulfilMaxSeconds())));
      if (random.nextDouble() < fate.failRate()) {
        steps.add(new PlannedOrder.PlannedStep(at, OrderStatus.FULFILLING, OrderStatus.FAILED));
        if (random.nextDouble() < 0.5) {
          reorder = Optional.of(at.plus(seconds(between(random, 3, 60))));
        }
        at = at.plus(seconds(between(random, 0.5, 3)));
        steps.add(new PlannedOrder.PlannedStep(at, OrderStatus.FAILED, OrderStatus.REFUNDING));
        at = at.plus(seconds(between(random, 2, 15)));
        steps.add(new PlannedOrder.PlannedStep(at, OrderStatus.REFUNDING, OrderStatus.REFUNDED));
      } else {
        steps.add(new PlannedOrder.PlannedStep(at, OrderStatus.FULFILLING, OrderStatus.SUCCEEDED));
        if (random.nextDouble() < fate.refundAfterSuccessRate()) {
          at = at.plus(seconds(between(random, 10, 120)));
          steps.add(new PlannedOrder.PlannedStep(at, OrderStatus.SUCCEEDED, OrderStatus.REFUNDING));
          at = at.plus(seconds(between(random, 2, 30)));
          steps.add(new PlannedOrder.PlannedStep(at, OrderStatus.REFUNDING, OrderStatus.REFUNDED));
        }
      }
    }
    return new PlannedOrder(number, orderSeed, userId, createdAt, order, steps, reorder);
  }

  private Duration seconds(double seconds) {
    return Duration.ofNanos(Math.round(seconds * timeScale * 1e9));
  }

  private static double between(SplittableRandom random, double min, double max) {
    return min + random.nextDouble() * (max - min);
  }

  private static double exponential(SplittableRandom random, double mean) {
    return -mean * Math.log(1 - random.nextDouble());
  }
}
