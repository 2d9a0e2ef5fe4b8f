package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Drives the schedule with a fake clock: time is a variable advanced in fixed ticks, every due task
 * is "committed" at once (its writes are generated, as a writer would, but not executed).
 */
class SimulationScheduleTest {
  private static final Instant T0 = Instant.parse("2025-06-18T04:00:00Z");

  /** Per order: the statuses it reached, with when. */
  private record Reached(OrderStatus status, Instant at) {}

  private static final class Run {
    final SimulationSchedule schedule;
    final Map<Long, List<Reached>> history = new HashMap<>();
    final List<SimulationSchedule.Task> tasks = new ArrayList<>();
    final Map<ProductLine, Map<OrderStatus, Integer>> counts = new EnumMap<>(ProductLine.class);
    Instant now = T0;

    Run(SimulatorConfig config) {
      schedule = new SimulationSchedule(config, T0);
    }

    /** Advances the fake clock to {@code end} in {@code tick}s, committing every due task. */
    Run advance(Duration length, Duration tick) {
      Instant end = now.plus(length);
      while (now.isBefore(end)) {
        now = now.plus(tick);
        List<SimulationSchedule.Task> due = schedule.due(now, Integer.MAX_VALUE);
        for (SimulationSchedule.Task task : due) {
          assertThat(task.due()).isBeforeOrEqualTo(now);
          var writes =
              task.order()
                  .writes(task.step(), LocalDateTime.ofInstant(task.due(), OrderPlanner.ZONE));
          assertThat(writes).isNotEmpty();
          history
              .computeIfAbsent(task.order().number(), n -> new ArrayList<>())
              .add(new Reached(task.reached(), task.due()));
          counts
              .computeIfAbsent(task.order().line(), l -> new EnumMap<>(OrderStatus.class))
              .merge(task.reached(), 1, Integer::sum);
          tasks.add(task);
          schedule.completed(task);
        }
      }
      return this;
    }

    int count(OrderStatus status) {
      return counts.values().stream().mapToInt(m -> m.getOrDefault(status, 0)).sum();
    }
  }

  private static SimulatorConfig.Builder config() {
    return SimulatorConfig.builder().ordersPerSecond(20).seed(42).burstsPerMinute(0);
  }

  @Test
  void shouldMoveEveryOrderThroughLegalStepsInOrder() {
    Run run = new Run(config().build()).advance(Duration.ofMinutes(10), Duration.ofMillis(100));

    assertThat(run.history).hasSizeGreaterThan(10_000);
    run.history.forEach((number, reached) -> {
      assertThat(reached.getFirst().status()).isEqualTo(OrderStatus.CREATED);
      for (int i = 1; i < reached.size(); i++) {
        assertThat(reached.get(i - 1).status().canMoveTo(reached.get(i).status()))
            .as("order %d: %s", number, reached)
            .isTrue();
        assertThat(reached.get(i).at()).isAfterOrEqualTo(reached.get(i - 1).at());
      }
    });
    for (OrderStatus status : OrderStatus.values()) {
      assertThat(run.count(status)).as(status.toString()).isPositive();
    }
    for (ProductLine line : ProductLine.values()) {
      assertThat(run.counts.get(line).get(OrderStatus.SUCCEEDED)).as(line.toString()).isPositive();
    }
  }

  @Test
  void shouldFulfilPaidOrdersSecondsLaterAndCloseUnpaidOnesAfterThirtySeconds() {
    Run run = new Run(config().build()).advance(Duration.ofMinutes(3), Duration.ofMillis(50));

    run.history.values().stream()
        .filter(reached -> reached.size() >= 3)
        .filter(reached -> reached.get(1).status() == OrderStatus.PAID)
        .forEach(reached -> {
          assertThat(Duration.between(reached.get(1).at(), reached.get(2).at()))
              .isBetween(Duration.ofMillis(200), Duration.ofMillis(1500));
        });
    run.history.values().stream()
        .filter(reached -> reached.size() >= 2 && reached.get(1).status() == OrderStatus.CLOSED)
        .forEach(reached ->
            assertThat(Duration.between(reached.get(0).at(), reached.get(1).at()))
                .isEqualTo(Duration.ofSeconds(30)));
    // every order placed in the first minute has reached a final or successful state two minutes on
    run.history.values().stream()
        .filter(reached -> reached.getFirst().at().isBefore(T0.plusSeconds(60)))
        .forEach(reached ->
            assertThat(reached.getLast().status())
                .isIn(
                    OrderStatus.SUCCEEDED,
                    OrderStatus.REFUNDED,
                    OrderStatus.CLOSED,
                    OrderStatus.REFUNDING));
  }

  @Test
  void shouldArriveAtTheConfiguredRate() {
    Run run = new Run(config().build()).advance(Duration.ofMinutes(5), Duration.ofSeconds(1));

    long placed = run.count(OrderStatus.CREATED) - run.schedule.reorders();
    assertThat(placed).isBetween(5_600L, 6_400L); // 20/s for 300 s, Poisson
    assertThat(run.schedule.reorders()).isPositive();
  }

  @Test
  void shouldProduceTheSameTasksForTheSameSeed() {
    Run first =
        new Run(config().burstsPerMinute(6).build())
            .advance(Duration.ofMinutes(2), Duration.ofMillis(250));
    Run second =
        new Run(config().burstsPerMinute(6).build())
            .advance(Duration.ofMinutes(2), Duration.ofMillis(250));
    Run other =
        new Run(config().burstsPerMinute(6).seed(43).build())
            .advance(Duration.ofMinutes(2), Duration.ofMillis(250));

    assertThat(second.tasks).hasSameSizeAs(first.tasks);
    for (int i = 0; i < first.tasks.size(); i++) {
      var a = first.tasks.get(i);
      var b = second.tasks.get(i);
      assertThat(b.due()).isEqualTo(a.due());
      assertThat(b.step()).isEqualTo(a.step());
      assertThat(b.order().order().row()).isEqualTo(a.order().order().row());
    }
    assertThat(other.tasks.getFirst().order().order().row())
        .isNotEqualTo(first.tasks.getFirst().order().order().row());
  }

  @Test
  void shouldMultiplyArrivalsDuringAPromotionSpike() {
    var spike = new PromotionSpike(Duration.ofSeconds(60), Duration.ofSeconds(30), 10);
    Run run =
        new Run(config().spikes(List.of(spike)).build())
            .advance(Duration.ofSeconds(120), Duration.ofMillis(100));

    long before = placedBetween(run, 30, 60);
    long during = placedBetween(run, 60, 90);
    assertThat(before).isBetween(450L, 750L);
    assertThat(during).isGreaterThan(before * 7);
  }

  private static long placedBetween(Run run, int fromSecond, int toSecond) {
    return run.tasks.stream()
        .filter(SimulationSchedule.Task::isPlacement)
        .filter(t -> !t.due().isBefore(T0.plusSeconds(fromSecond)))
        .filter(t -> t.due().isBefore(T0.plusSeconds(toSecond)))
        .count();
  }

  @Test
  void shouldPlaceBurstsOfOneLineAtOneInstant() {
    Run run =
        new Run(config().ordersPerSecond(0.01).burstsPerMinute(30).build())
            .advance(Duration.ofMinutes(2), Duration.ofMillis(100));

    Map<Instant, List<SimulationSchedule.Task>> byInstant = new HashMap<>();
    run.tasks.stream()
        .filter(SimulationSchedule.Task::isPlacement)
        .forEach(t -> byInstant.computeIfAbsent(t.due(), i -> new ArrayList<>()).add(t));
    var bursts = byInstant.values().stream().filter(list -> list.size() >= 10).toList();
    assertThat(bursts).hasSizeGreaterThan(20);
    bursts.forEach(burst -> {
      assertThat(burst).hasSizeBetween(10, 100);
      assertThat(burst.stream().map(t -> t.order().line()).distinct()).hasSize(1);
    });
  }

  @Test
  void shouldShedArrivalsBeyondMaxOpenOrdersAndKeepTheBound() {
    var schedule =
        new SimulationSchedule(config().ordersPerSecond(100).maxOpenOrders(50).build(), T0);

    // nothing is ever completed: every placed order stays open
    List<SimulationSchedule.Task> handedOut = schedule.due(T0.plusSeconds(10), Integer.MAX_VALUE);

    assertThat(handedOut).hasSize(50).allMatch(SimulationSchedule.Task::isPlacement);
    assertThat(schedule.openOrders()).isEqualTo(50);
    assertThat(schedule.shed()).isBetween(850L, 1_150L);
    assertThat(schedule.due(T0.plusSeconds(20), Integer.MAX_VALUE)).isEmpty();

    for (var task : handedOut) {
      schedule.completed(task); // placed: the next step (pay or close) is scheduled, still open
    }
    assertThat(schedule.openOrders()).isEqualTo(50);
  }

  @Test
  void shouldHandOutAtMostMaxTasksAndKeepTheRestForLater() {
    var schedule = new SimulationSchedule(config().ordersPerSecond(100).build(), T0);

    List<SimulationSchedule.Task> first = schedule.due(T0.plusSeconds(5), 10);
    List<SimulationSchedule.Task> rest = schedule.due(T0.plusSeconds(5), Integer.MAX_VALUE);

    assertThat(first).hasSize(10);
    assertThat(rest).hasSizeGreaterThan(300);
    assertThat(rest.getFirst().due()).isAfterOrEqualTo(first.getLast().due());
    assertThat(schedule.nextDue())
        .hasValueSatisfying(next -> assertThat(next).isAfter(T0.plusSeconds(5)));
  }
}
