package dev.hamal.app;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes orders of the product lines through their life cycle, the way the lines' applications
 * would: placed, paid, handed to the supplier, succeeded or failed, refunded or closed, each in the
 * line's own tables and codes ({@link ProductLine}), each step in its own transaction (an order and
 * its passengers, a refund and its request, a delivery and its card codes commit together).
 *
 * <pre>{@code
 * try (var simulator = OrderSimulator.start(dataSource, SimulatorConfig.builder()
 *     .ordersPerSecond(50).seed(42).build())) {
 *   ...                                   // the lines' binlogs fill up
 *   SimulatorCounts counts = simulator.counts();
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> One scheduler thread takes due steps from a {@link SimulationSchedule} (new
 * arrivals by a Poisson process with bursts and promotion spikes, plus every open order's next
 * step) and hands them to {@code writers} writer threads through a queue bounded by {@code
 * queueCapacity}; each writer owns one connection and runs one transaction at a time. An order's
 * next step is scheduled only after its previous step committed, so each order's steps commit in
 * order even though different orders run in parallel. Threads come from the injected {@link
 * ThreadFactory}; time from the injected {@link InstantSource} (the scheduler waits in real time
 * for the next due instant, at most 100 ms at a time).
 *
 * <p><b>Determinism.</b> Which orders arrive when, what they contain and what becomes of them is a
 * function of the seed and the clock ({@link OrderPlanner}); the timestamps written are the planned
 * ones. With real time only the interleaving of different orders' transactions varies.
 *
 * <p><b>Stopping and failure.</b> {@link #close()} stops the scheduler, lets every writer finish
 * the transaction it is in, discards steps not yet started and closes the connections. With a
 * {@code duration} the simulator stops the same way by itself. A failed transaction is rolled back
 * and stops the simulator; {@link #close()} then throws a {@link SimulatorException} with the
 * cause. Counts include committed transactions only.
 */
public final class OrderSimulator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OrderSimulator.class);
  private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final int ROWS_INSERTED = OrderStatus.values().length;
  private static final int ROWS_UPDATED = ROWS_INSERTED + 1;
  private static final int TRANSACTIONS = ROWS_INSERTED + 2;

  private final DataSource dataSource;
  private final SimulatorConfig config;
  private final InstantSource clock;
  private final SimulationSchedule schedule;
  private final Instant deadline;
  private final ArrayBlockingQueue<SimulationSchedule.Task> queue;
  private final Map<ProductLine, AtomicLongArray> counters = new EnumMap<>(ProductLine.class);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final List<Thread> threads = new ArrayList<>();
  private final CountDownLatch terminated;

  private volatile boolean stopping;
  private boolean signalled; // guarded by lock

  private OrderSimulator(
      DataSource dataSource, SimulatorConfig config, InstantSource clock, ThreadFactory factory) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    Instant start = clock.instant();
    this.schedule = new SimulationSchedule(config, start);
    this.deadline = config.runsUntilClosed() ? Instant.MAX : start.plus(config.duration());
    this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
    for (ProductLine line : config.lines()) {
      counters.put(line, new AtomicLongArray(TRANSACTIONS + 1));
    }
    this.terminated = new CountDownLatch(config.writers() + 1);
    threads.add(thread(factory, "hamal-simulator-scheduler", this::schedule));
    for (int i = 1; i <= config.writers(); i++) {
      threads.add(thread(factory, "hamal-simulator-writer-" + i, this::write));
    }
  }

  private Thread thread(ThreadFactory factory, String name, Runnable body) {
    Thread thread =
        factory.newThread(() -> {
          try {
            body.run();
          } finally {
            terminated.countDown();
          }
        });
    thread.setName(name);
    return thread;
  }

  /** Starts a simulator on the system clock with platform threads. */
  public static OrderSimulator start(DataSource dataSource, SimulatorConfig config) {
    return start(dataSource, config, InstantSource.system(), Thread.ofPlatform().factory());
  }

  /**
   * Starts a simulator. The schemas must exist ({@link ProductLines#create(Connection, Collection,
   * String)} with the configuration's schema prefix).
   *
   * @param clock the time orders are placed and stepped by
   * @param threads creates the scheduler thread and the writer threads
   */
  public static OrderSimulator start(
      DataSource dataSource, SimulatorConfig config, InstantSource clock, ThreadFactory threads) {
    var simulator = new OrderSimulator(dataSource, config, clock, threads);
    log.info(
        "order simulator starting: {} orders/s, lines {}, seed {}, {}",
        config.ordersPerSecond(),
        config.lines(),
        config.seed(),
        config.runsUntilClosed() ? "until closed" : "for " + config.duration());
    simulator.threads.forEach(Thread::start);
    return simulator;
  }

  /** A snapshot of what has been committed so far. */
  public SimulatorCounts counts() {
    var lines = new EnumMap<ProductLine, SimulatorCounts.LineCounts>(ProductLine.class);
    counters.forEach((line, values) -> {
      var reached = new EnumMap<OrderStatus, Long>(OrderStatus.class);
      for (OrderStatus status : OrderStatus.values()) {
        reached.put(status, values.get(status.ordinal()));
      }
      lines.put(
          line,
          new SimulatorCounts.LineCounts(
              reached,
              values.get(TRANSACTIONS),
              values.get(ROWS_INSERTED),
              values.get(ROWS_UPDATED)));
    });
    return new SimulatorCounts(lines, schedule.shed(), schedule.reorders());
  }

  /** Orders with steps still ahead of them. */
  public int openOrders() {
    return schedule.openOrders();
  }

  /** The failure that stopped the simulator, if one did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  /** Whether the simulator still runs (it stops when closed, at its deadline, or on failure). */
  public boolean isRunning() {
    return terminated.getCount() > 0;
  }

  /**
   * Waits until the simulator has stopped by itself (deadline or failure) or was closed.
   *
   * @return whether it stopped within {@code timeout}
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Stops the simulator and waits until every transaction in progress has committed or rolled back.
   * If the waiting thread is interrupted, it stops waiting and keeps its interrupt status.
   *
   * @throws SimulatorException if a transaction failed while the simulator ran
   */
  @Override
  public void close() {
    stopping = true;
    signal();
    try {
      terminated.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("interrupted while waiting for the order simulator's writers to finish");
    }
    Throwable cause = failure.get();
    if (cause != null) {
      throw new SimulatorException("the order simulator stopped on a failed transaction", cause);
    }
  }

  private void schedule() {
    try {
      while (!stopping) {
        Instant now = clock.instant();
        if (!now.isBefore(deadline)) {
          log.info("order simulator reached its duration of {}", config.duration());
          break;
        }
        int room = queue.remainingCapacity();
        List<SimulationSchedule.Task> tasks = room > 0 ? schedule.due(now, room) : List.of();
        queue.addAll(tasks); // only this thread adds, so the room is still there
        if (!tasks.isEmpty() && tasks.size() == room) {
          continue;
        }
        long waitNanos = MAX_WAIT_NANOS;
        if (queue.remainingCapacity() > 0) {
          Instant next = schedule.nextDue().orElse(Instant.MAX);
          Instant until = next.isBefore(deadline) ? next : deadline;
          waitNanos = Math.min(waitNanos, Math.max(0, nanosBetween(now, until)));
        }
        if (waitNanos > 0) {
          await(waitNanos);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      fail(e);
    } finally {
      stopping = true;
    }
  }

  private static long nanosBetween(Instant from, Instant to) {
    if (to.equals(Instant.MAX)) {
      return Long.MAX_VALUE;
    }
    try {
      return Duration.between(from, to).toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private void await(long nanos) throws InterruptedException {
    lock.lock();
    try {
      if (!signalled && !stopping) {
        wake.awaitNanos(nanos);
      }
      signalled = false;
    } finally {
      lock.unlock();
    }
  }

  private void signal() {
    lock.lock();
    try {
      signalled = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void write() {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        // The lines' TIMESTAMP columns hold UTC+8 local times, like the lines' applications.
        statement.execute("SET time_zone = '+08:00'");
      }
      connection.commit();
      while (!stopping) {
        SimulationSchedule.Task task = queue.poll(50, TimeUnit.MILLISECONDS);
        if (task == null || stopping) {
          continue;
        }
        execute(connection, task);
        schedule.completed(task);
        signal();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException | RuntimeException | Error e) {
      fail(e);
    }
  }

  private void execute(Connection connection, SimulationSchedule.Task task) throws SQLException {
    PlannedOrder order = task.order();
    LocalDateTime at = LocalDateTime.ofInstant(task.due(), OrderPlanner.ZONE);
    Sql.Affected affected;
    try {
      affected =
          Sql.execute(
              connection,
              Sql.identifier(config.schema(order.line())),
              order.writes(task.step(), at));
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      try {
        connection.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    }
    AtomicLongArray values = counters.get(order.line());
    values.incrementAndGet(task.reached().ordinal());
    values.addAndGet(ROWS_INSERTED, affected.inserted());
    values.addAndGet(ROWS_UPDATED, affected.updated());
    values.incrementAndGet(TRANSACTIONS);
  }

  private void fail(Throwable e) {
    if (failure.compareAndSet(null, e)) {
      log.error("order simulator stopping: a transaction failed", e);
    }
    stopping = true;
    signal();
  }
}
