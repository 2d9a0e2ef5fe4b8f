package dev.hamal.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a role's {@code /ready} reports: named checks of the dependencies it cannot work without
 * (the listener's ZooKeeper session and Kafka; the processor's consumers and stores). A role is
 * ready when every check answers {@code true} within the time limit.
 *
 * <p>Threads and bounds: each check runs on a pool of one daemon thread per check ({@code
 * hamal-ready-N}), all at once, and {@link #check} waits at most the time limit for all of them. A
 * check that has not answered stays in flight and counts as down; the next {@link #check} waits for
 * that same call instead of starting another, so a hanging dependency holds one thread, never more.
 *
 * <p>Failure: a check that throws or answers {@code false} is down, with the reason (the
 * exception's type and message) in the report; nothing is retried here.
 */
final class Readiness implements AutoCloseable {
  /**
   * One dependency.
   *
   * @param name how the report names it ({@code zookeeper}, {@code store})
   * @param probe answers whether it is usable now; may block, may throw
   */
  record Check(String name, Callable<Boolean> probe) {
    /** Checks the parts are present. */
    Check {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(probe, "probe");
    }
  }

  /**
   * One answer of {@link #check}.
   *
   * @param ready whether every check is up
   * @param checks each check's state, {@code UP} or {@code DOWN}, in the order given
   * @param reasons why each down check is down
   */
  record Report(boolean ready, Map<String, String> checks, Map<String, String> reasons) {
    /** Copies the maps. */
    Report {
      checks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(checks));
      reasons = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(reasons));
    }
  }

  private final List<Check> checks;
  private final Duration timeout;
  private final ThreadPoolExecutor executor;
  private final List<Future<Boolean>> inFlight;

  /**
   * Checks run on their own pool.
   *
   * @param checks the checks
   * @param timeout how long {@link #check} waits for them
   */
  Readiness(List<Check> checks, Duration timeout) {
    this.checks = List.copyOf(checks);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    AtomicInteger threads = new AtomicInteger();
    int size = Math.max(1, this.checks.size());
    this.executor =
        new ThreadPoolExecutor(
            size,
            size,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(size),
            r -> {
              Thread t = new Thread(r, "hamal-ready-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    this.inFlight = new ArrayList<>(java.util.Collections.nCopies(this.checks.size(), null));
  }

  /** Runs every check (or waits for the one still in flight) for at most the time limit. */
  synchronized Report check() {
    List<Future<Boolean>> calls = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      Future<Boolean> call = inFlight.get(i);
      if (call == null || call.isDone()) {
        call = executor.submit(checks.get(i).probe());
        inFlight.set(i, call);
      }
      calls.add(call);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, String> states = new LinkedHashMap<>();
    Map<String, String> reasons = new LinkedHashMap<>();
    for (int i = 0; i < checks.size(); i++) {
      String name = checks.get(i).name();
      String reason;
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        reason =
            Boolean.TRUE.equals(calls.get(i).get(left, TimeUnit.NANOSECONDS)) ? "" : "not usable";
      } catch (TimeoutException e) {
        reason = "no answer within " + SettingsReader.format(timeout);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        reason = cause.getClass().getSimpleName() + ": " + cause.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        reason = "interrupted";
      }
      states.put(name, reason.isEmpty() ? "UP" : "DOWN");
      if (!reason.isEmpty()) {
        reasons.put(name, reason);
      }
    }
    return new Report(reasons.isEmpty(), states, reasons);
  }

  /** Stops the checks in flight. */
  @Override
  public void close() {
    executor.shutdownNow();
  }
}
