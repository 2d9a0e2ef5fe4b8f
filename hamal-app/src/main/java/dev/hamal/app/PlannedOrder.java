package dev.hamal.app;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * An order together with its whole future, drawn when it is placed: the transitions it will go
 * through and when, and whether its buyer will order again afterwards.
 *
 * @param number the order's sequence number in the simulation (1, 2, ...)
 * @param seed the order's own seed; every random choice about it derives from this alone
 * @param userId the buyer
 * @param createdAt when it was placed
 * @param order its rows
 * @param steps its transitions, in order, each after the previous one
 * @param reorderAfter when (after {@code createdAt}) the same user places a new order of the same
 *     line, if they do
 */
record PlannedOrder(
    long number,
    long seed,
    long userId,
    Instant createdAt,
    LineOrder order,
    List<PlannedStep> steps,
    Optional<Duration> reorderAfter) {

  PlannedOrder {
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(order, "order");
    steps = List.copyOf(steps);
    Objects.requireNonNull(reorderAfter, "reorderAfter");
    OrderStatus status = OrderStatus.CREATED;
    Duration previous = Duration.ZERO;
    for (PlannedStep step : steps) {
      if (step.from() != status || !status.canMoveTo(step.to())) {
        throw new IllegalArgumentException("illegal step " + step + " after " + status);
      }
      if (step.offset().compareTo(previous) < 0) {
        throw new IllegalArgumentException("step " + step + " is earlier than its predecessor");
      }
      status = step.to();
      previous = step.offset();
    }
  }

  ProductLine line() {
    return order.line();
  }

  /** The status the order ends in if everything planned happens. */
  OrderStatus finalStatus() {
    return steps.isEmpty() ? OrderStatus.CREATED : steps.getLast().to();
  }

  /** The writes of step {@code index} ({@code -1}: placing the order) at local time {@code at}. */
  List<RowWrite> writes(int index, LocalDateTime at) {
    if (index < 0) {
      return order.writes();
    }
    PlannedStep step = steps.get(index);
    return line()
        .transition(
            order, step.from(), step.to(), at, new SplittableRandom(Seeds.mix(seed, index)));
  }

  /** One planned transition. */
  record PlannedStep(Duration offset, OrderStatus from, OrderStatus to) {}
}
