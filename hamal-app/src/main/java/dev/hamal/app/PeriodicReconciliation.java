package dev.hamal.app;

import dev.hamal.coordination.Coordinator;
import dev.hamal.order.BusinessLines;
import dev.hamal.order.OrderLookup;
import dev.hamal.order.OrderSink;
import dev.hamal.reconcile.ReconcileReport;
import dev.hamal.reconcile.Repairer;
import dev.hamal.reconcile.RepairerConfig;
import dev.hamal.search.OrderIndex;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processors' periodic reconciliation ({@code processor.reconcile} section of hamal.yaml):
 * every interval, on one scheduler thread, the instance that takes the cluster lock {@code
 * reconcile} reconciles every business line for orders created in {@code [now - delay - window, now
 * - delay)} against this instance's stores, logs a summary (a warning per line with differences),
 * and publishes {@code hamal.reconcile.differences{line,store}} (the last run's count) and {@code
 * hamal.reconcile.runs{outcome}}. With {@code repair}, differences are re-published from the
 * source. A failed run is logged and counted; the next interval tries again.
 */
final class PeriodicReconciliation implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PeriodicReconciliation.class);

  private final ScheduledExecutorService scheduler;
  private final Coordinator coordinator;
  private final Optional<Repairer> repairer;

  private PeriodicReconciliation(
      ScheduledExecutorService scheduler, Coordinator coordinator, Optional<Repairer> repairer) {
    this.scheduler = scheduler;
    this.coordinator = coordinator;
    this.repairer = repairer;
  }

  static PeriodicReconciliation start(
      ProcessorSettings.Reconcile settings,
      BusinessLines lines,
      List<OrderSink> sinks,
      Map<String, String> environment,
      MeterRegistry registry,
      ProcessorSettings processor) {
    Coordinator coordinator = Coordinator.connect(settings.coordination());
    Optional<Repairer> repairer =
        settings.repair()
            ? Optional.of(
                Repairer.connect(RepairerConfig.of(processor.processor().bootstrapServers())))
            : Optional.empty();
    Map<String, OrderLookup> targets = new LinkedHashMap<>();
    for (OrderSink sink : sinks) {
      if (sink instanceof OrderLookup lookup) {
        targets.put(sink.name(), lookup);
      }
    }
    Map<String, AtomicLong> differences = new ConcurrentHashMap<>();
    Counter clean = runs(registry, "clean");
    Counter different = runs(registry, "differences");
    Counter failed = runs(registry, "failed");
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("hamal-reconcile").daemon().unstarted(r));
    Runnable run =
        () -> {
          Optional<AutoCloseable> lock;
          try {
            lock = coordinator.tryLock("reconcile");
          } catch (RuntimeException e) {
            failed.increment();
            log.warn("reconciliation skipped: {}", e.getMessage());
            return;
          }
          if (lock.isEmpty()) {
            return; // another processor instance runs it this time
          }
          try {
            Instant to = Instant.now().minus(settings.delay());
            Instant from = to.minus(settings.window());
            for (OrderLookup target : targets.values()) {
              if (target instanceof OrderIndex index) {
                index.refresh();
              }
            }
            List<ReconcileReport> reports =
                Reconciliation.run(
                    lines,
                    List.of(),
                    coordinator,
                    environment,
                    targets,
                    from,
                    to,
                    repairer,
                    settings.sourceSslMode());
            boolean allClean = true;
            for (ReconcileReport report : reports) {
              report
                  .targets()
                  .forEach((store, t) ->
                      differences
                          .computeIfAbsent(
                              report.businessLine() + "/" + store,
                              key -> {
                                var gauge = new AtomicLong();
                                registry.gauge(
                                    "hamal.reconcile.differences",
                                    io.micrometer.core.instrument.Tags.of(
                                        "line", report.businessLine(), "store", store),
                                    gauge);
                                return gauge;
                              })
                          .set(t.missing() + t.stale() + t.extra()));
              if (report.isClean()) {
                log.info(
                    "reconciled {}: {} orders, no differences",
                    report.businessLine(),
                    report.sourceCount());
              } else {
                allClean = false;
                log.warn("reconciled {}: differences {}", report.businessLine(), report);
              }
            }
            (allClean ? clean : different).increment();
          } catch (RuntimeException e) {
            failed.increment();
            log.warn("reconciliation failed: {}", e.toString());
          } finally {
            try {
              lock.get().close();
            } catch (Exception e) {
              log.warn("releasing the reconciliation lock failed: {}", e.toString());
            }
          }
        };
    long every = settings.interval().toMillis();
    scheduler.scheduleWithFixedDelay(run, every, every, TimeUnit.MILLISECONDS);
    log.info(
        "periodic reconciliation every {} of the {} window ending {} ago{}",
        settings.interval(),
        settings.window(),
        settings.delay(),
        settings.repair() ? ", with repair" : "");
    return new PeriodicReconciliation(scheduler, coordinator, repairer);
  }

  private static Counter runs(MeterRegistry registry, String outcome) {
    return Counter.builder("hamal.reconcile.runs")
        .description("periodic reconciliation runs by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    repairer.ifPresent(Repairer::close);
    coordinator.close();
  }
}
