package dev.hamal.app;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The simulator's timeline: when orders arrive and when each open order's next step is due.
 *
 * <p><b>Invariants.</b> An open order has exactly one pending task: in the timeline, or handed out
 * by {@link #due} and not yet {@link #completed}; so its steps are written one after another, in
 * plan order. At most {@code maxOpenOrders} orders are open; arrivals beyond that are dropped and
 * counted ({@link #shed()}). Tasks come out in due-time order (ties by creation order), and the
 * arrival process is drawn from its own random stream, so with a given clock the sequence of tasks
 * is a function of the configuration alone.
 *
 * <p><b>Threads.</b> Every method is synchronized: the simulator's scheduler thread calls {@link
 * #due}, its writers call {@link #completed}. Time is whatever the caller passes in; nothing here
 * reads a clock or sleeps.
 */
final class SimulationSchedule {
  /**
   * A due write: placing an order ({@code step == -1}) or moving it through step {@code step}.
   * {@code step == steps().size()} is the internal marker for the buyer ordering again.
   */
  record Task(Instant due, long sequence, PlannedOrder order, int step) {
    boolean isPlacement() {
      return step < 0;
    }

    boolean isReorder() {
      return step == order.steps().size();
    }

    /** The status the order has once this task's transaction has committed. */
    OrderStatus reached() {
      return step < 0 ? OrderStatus.CREATED : order.steps().get(step).to();
    }
  }

  private final SimulatorConfig config;
  private final OrderPlanner planner;
  private final Instant start;
  private final SplittableRandom arrivals;
  private final PriorityQueue<Task> timeline =
      new PriorityQueue<>((a, b) -> {
        int byTime = a.due().compareTo(b.due());
        return byTime != 0 ? byTime : Long.compare(a.sequence(), b.sequence());
      });

  private Instant nextArrival;
  private Instant nextBurst;
  private long nextNumber = 1;
  private long nextSequence;
  private int open;
  private long shed;
  private long reorders;

  SimulationSchedule(SimulatorConfig config, Instant start) {
    this.config = config;
    this.planner = new OrderPlanner(config);
    this.start = start;
    this.arrivals = new SplittableRandom(Seeds.mix(config.seed(), Long.MIN_VALUE));
    this.nextArrival = start.plus(gap(start, config.ordersPerSecond(), true));
    this.nextBurst =
        config.burstsPerMinute() > 0
            ? start.plus(gap(start, config.burstsPerMinute() / 60, false))
            : Instant.MAX;
  }

  /**
   * Takes the tasks due at or before {@code now}, earliest first, at most {@code max}: orders
   * arriving by then are planned (or shed) first, buyers ordering again are turned into new orders.
   */
  synchronized List<Task> due(Instant now, int max) {
    var result = new ArrayList<Task>(Math.min(max, 64));
    while (result.size() < max) {
      Task head = timeline.peek();
      Instant earliest = min(head == null ? Instant.MAX : head.due(), min(nextArrival, nextBurst));
      if (earliest.isAfter(now)) {
        break;
      }
      if (nextArrival.equals(earliest)) {
        arrive(planner.plan(nextNumber++, nextArrival, promotionAt(nextArrival)));
        nextArrival = nextArrival.plus(gap(nextArrival, config.ordersPerSecond(), true));
      } else if (nextBurst.equals(earliest)) {
        burst(nextBurst);
        nextBurst = nextBurst.plus(gap(nextBurst, config.burstsPerMinute() / 60, false));
      } else {
        timeline.poll();
        if (head.isReorder()) {
          open--;
          reorders++;
          PlannedOrder previous = head.order();
          arrive(
              planner.plan(
                  nextNumber++,
                  previous.line(),
                  previous.userId(),
                  head.due(),
                  promotionAt(head.due())));
        } else {
          result.add(head);
        }
      }
    }
    return result;
  }

  /** Records that {@code task}'s transaction committed and schedules the order's next step. */
  synchronized void completed(Task task) {
    PlannedOrder order = task.order();
    int next = task.step() + 1;
    if (next < order.steps().size()) {
      add(order.createdAt().plus(order.steps().get(next).offset()), order, next);
    } else if (order.reorderAfter().isPresent()) {
      add(order.createdAt().plus(order.reorderAfter().get()), order, next);
    } else {
      open--;
    }
  }

  /** When the next task falls due, if anything is scheduled at all. */
  synchronized Optional<Instant> nextDue() {
    Task head = timeline.peek();
    Instant earliest = min(head == null ? Instant.MAX : head.due(), min(nextArrival, nextBurst));
    return earliest.equals(Instant.MAX) ? Optional.empty() : Optional.of(earliest);
  }

  /** Orders with steps still ahead of them (pending in the timeline or handed out). */
  synchronized int openOrders() {
    return open;
  }

  /** Arrivals dropped because {@code maxOpenOrders} orders were open. */
  synchronized long shed() {
    return shed;
  }

  /** Orders placed by buyers ordering again after a failed or closed order. */
  synchronized long reorders() {
    return reorders;
  }

  /** Orders planned so far (placed or shed). */
  synchronized long planned() {
    return nextNumber - 1;
  }

  private void burst(Instant at) {
    ProductLine line = planner.drawLine(arrivals);
    int size = 10 + arrivals.nextInt(91);
    for (int i = 0; i < size; i++) {
      double u = arrivals.nextDouble();
      long userId = 1 + (long) (u * config.users());
      arrive(planner.plan(nextNumber++, line, userId, at, promotionAt(at)));
    }
  }

  private void arrive(PlannedOrder order) {
    if (open >= config.maxOpenOrders()) {
      shed++;
      return;
    }
    open++;
    add(order.createdAt(), order, -1);
  }

  private void add(Instant due, PlannedOrder order, int step) {
    timeline.add(new Task(due, nextSequence++, order, step));
  }

  private boolean promotionAt(Instant at) {
    Duration elapsed = Duration.between(start, at);
    return config.spikes().stream().anyMatch(spike -> spike.isActiveAt(elapsed));
  }

  /**
   * The exponential gap to the next event of a Poisson process with {@code perSecond} events per
   * second, sped up by active promotions when {@code promoted}.
   */
  private Duration gap(Instant at, double perSecond, boolean promoted) {
    double rate = perSecond;
    if (promoted) {
      Duration elapsed = Duration.between(start, at);
      for (PromotionSpike spike : config.spikes()) {
        if (spike.isActiveAt(elapsed)) {
          rate *= spike.rateMultiplier();
        }
      }
    }
    double seconds = -Math.log(1 - arrivals.nextDouble()) / rate;
    return Duration.ofNanos(Math.max(1, Math.round(seconds * 1e9)));
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
