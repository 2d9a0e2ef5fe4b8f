package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrderPlannerTest {
  private static final Instant T0 = Instant.parse("2025-11-11T00:00:00Z");

  private static OrderPlanner planner(long seed) {
    return new OrderPlanner(SimulatorConfig.builder().seed(seed).build());
  }

  @Test
  void shouldPlanTheSameOrderForTheSameSeedAndNumber() {
    PlannedOrder first = planner(7).plan(123, T0, false);
    PlannedOrder again = planner(7).plan(123, T0, false);

    assertThat(again).usingRecursiveComparison().isEqualTo(first);
    assertThat(planner(8).plan(123, T0, false).order().row()).isNotEqualTo(first.order().row());
  }

  @Test
  void shouldFollowTheLifeCycleWithRealisticTiming() {
    OrderPlanner planner = planner(3);
    for (long number = 1; number <= 20_000; number++) {
      PlannedOrder order = planner.plan(number, T0, false);
      var steps = order.steps();

      assertThat(steps).isNotEmpty();
      switch (steps.getFirst().to()) {
        case CLOSED -> {
          assertThat(steps).hasSize(1);
          assertThat(steps.getFirst().offset()).isEqualTo(Duration.ofSeconds(30));
        }
        case PAID -> {
          assertThat(steps.getFirst().offset())
              .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(25));
          // a paid order goes to the supplier within seconds and is fulfilled soon after
          Duration handedOver = steps.get(1).offset().minus(steps.get(0).offset());
          assertThat(steps.get(1).to()).isEqualTo(OrderStatus.FULFILLING);
          assertThat(handedOver).isBetween(Duration.ofMillis(200), Duration.ofMillis(1500));
          Duration outcome = steps.get(2).offset().minus(steps.get(1).offset());
          assertThat(steps.get(2).to()).isIn(OrderStatus.SUCCEEDED, OrderStatus.FAILED);
          assertThat(outcome).isBetween(Duration.ofMillis(200), Duration.ofSeconds(30));
          assertThat(order.finalStatus()).isIn(OrderStatus.SUCCEEDED, OrderStatus.REFUNDED);
          if (steps.get(2).to() == OrderStatus.FAILED) {
            assertThat(order.finalStatus()).isEqualTo(OrderStatus.REFUNDED);
          }
        }
        default -> throw new AssertionError("first step " + steps.getFirst());
      }
    }
  }

  @Test
  void shouldPayMostOrdersAndFailAFewPerLine() {
    OrderPlanner planner = planner(11);
    var byOutcome = new EnumMap<OrderStatus, Integer>(OrderStatus.class);
    var failedByLine = new EnumMap<ProductLine, Integer>(ProductLine.class);
    var byLine = new EnumMap<ProductLine, Integer>(ProductLine.class);
    int orders = 40_000;
    for (long number = 1; number <= orders; number++) {
      PlannedOrder order = planner.plan(number, T0, false);
      byLine.merge(order.line(), 1, Integer::sum);
      for (var step : order.steps()) {
        byOutcome.merge(step.to(), 1, Integer::sum);
        if (step.to() == OrderStatus.FAILED) {
          failedByLine.merge(order.line(), 1, Integer::sum);
        }
      }
    }

    assertThat(byOutcome.get(OrderStatus.PAID) / (double) orders).isBetween(0.86, 0.90);
    assertThat(byOutcome.get(OrderStatus.CLOSED) / (double) orders).isBetween(0.10, 0.14);
    assertThat(byLine.get(ProductLine.TOPUP) / (double) orders).isBetween(0.38, 0.42);
    Map<ProductLine, Double> expectedFailure =
        Map.of(
            ProductLine.TOPUP,
            0.06,
            ProductLine.FUELCARD,
            0.04,
            ProductLine.TICKET,
            0.08,
            ProductLine.GAMECARD,
            0.03);
    expectedFailure.forEach((line, rate) ->
        assertThat(failedByLine.get(line) / (byLine.get(line) * 0.88))
            .as(line.toString())
            .isCloseTo(rate, org.assertj.core.data.Offset.offset(0.015)));
  }

  @Test
  void shouldPayMoreOftenDuringAPromotion() {
    OrderPlanner planner = planner(5);
    int paid = 0;
    int paidInPromotion = 0;
    for (long number = 1; number <= 20_000; number++) {
      paid += planner.plan(number, T0, false).steps().getFirst().to() == OrderStatus.PAID ? 1 : 0;
      paidInPromotion +=
          planner.plan(number, T0, true).steps().getFirst().to() == OrderStatus.PAID ? 1 : 0;
    }
    assertThat(paidInPromotion).isGreaterThan(paid + 500);
  }

  @Test
  void shouldScaleEveryDelay() {
    var fast = new OrderPlanner(SimulatorConfig.builder().seed(9).timeScale(0.01).build());
    var real = planner(9);
    for (long number = 1; number <= 100; number++) {
      var fastSteps = fast.plan(number, T0, false).steps();
      var realSteps = real.plan(number, T0, false).steps();
      assertThat(fastSteps).hasSameSizeAs(realSteps);
      for (int i = 0; i < fastSteps.size(); i++) {
        long expected = Math.round(realSteps.get(i).offset().toNanos() * 0.01);
        assertThat(fastSteps.get(i).offset().toNanos())
            .isCloseTo(expected, org.assertj.core.data.Offset.offset(1_000_000L));
      }
    }
  }
}
