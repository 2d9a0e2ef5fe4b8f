package dev.hamal.processor;

import dev.hamal.order.DmlFilter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * One sink's meters. Every change read is counted once under {@code hamal.processor.changes} with
 * its outcome, so the outcomes add up to what was consumed:
 *
 * <ul>
 *   <li>{@code applied}, {@code stale}: written, or not newer than what the store held;
 *   <li>{@code filtered.ignored_operation}, {@code filtered.ignored_table}, {@code
 *       filtered.unchanged}, {@code filtered.ignored_fields_only}: dropped by the line's DML
 *       filter;
 *   <li>{@code superseded}: a newer change of the same order was in the same batch;
 *   <li>{@code dead_lettered}: refused by the store, or not an order change.
 * </ul>
 *
 * <p>Also {@code hamal.processor.batch} (time to write a batch), {@code hamal.processor.freshness}
 * (source commit to written, per applied change), {@code hamal.processor.unavailable} (failed
 * attempts while the store was unavailable).
 */
final class ProcessorMeters {
  private final Counter applied;
  private final Counter stale;
  private final Counter superseded;
  private final Counter deadLettered;
  private final Counter unavailable;
  private final Map<DmlFilter.Outcome, Counter> filtered = new EnumMap<>(DmlFilter.Outcome.class);
  private final Timer batch;
  private final Timer freshness;

  ProcessorMeters(MeterRegistry registry, String sink) {
    applied = outcome(registry, sink, "applied");
    stale = outcome(registry, sink, "stale");
    superseded = outcome(registry, sink, "superseded");
    deadLettered = outcome(registry, sink, "dead_lettered");
    for (DmlFilter.Outcome outcome : DmlFilter.Outcome.values()) {
      if (outcome != DmlFilter.Outcome.WRITE) {
        filtered.put(
            outcome,
            outcome(
                registry, sink, "filtered." + outcome.name().toLowerCase(java.util.Locale.ROOT)));
      }
    }
    unavailable =
        Counter.builder("hamal.processor.unavailable")
            .description("failed write attempts while the store was unavailable")
            .tag("sink", sink)
            .register(registry);
    batch =
        Timer.builder("hamal.processor.batch")
            .description("time to write one batch to the store")
            .tag("sink", sink)
            .register(registry);
    freshness =
        Timer.builder("hamal.processor.freshness")
            .description("source commit to written in the store, per applied change")
            .tag("sink", sink)
            .publishPercentiles(0.5, 0.99)
            .register(registry);
  }

  private static Counter outcome(MeterRegistry registry, String sink, String outcome) {
    return Counter.builder("hamal.processor.changes")
        .description("order changes read, by what became of them")
        .tag("sink", sink)
        .tag("outcome", outcome)
        .register(registry);
  }

  void filtered(DmlFilter.Outcome outcome) {
    filtered.get(outcome).increment();
  }

  void applied(int count) {
    applied.increment(count);
  }

  void stale(int count) {
    stale.increment(count);
  }

  void superseded(int count) {
    superseded.increment(count);
  }

  void deadLettered(int count) {
    deadLettered.increment(count);
  }

  void unavailable() {
    unavailable.increment();
  }

  void batch(Duration took) {
    batch.record(took);
  }

  void freshness(Duration age) {
    freshness.record(age.isNegative() ? Duration.ZERO : age);
  }
}
