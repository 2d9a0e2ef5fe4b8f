package dev.hamal.app;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a long-running role ({@code listener}, {@code processor}, {@code gateway}) stops on SIGTERM
 * or SIGINT: the JVM's shutdown hook runs the role's stop (which stops consuming or serving,
 * finishes or abandons the work in hand and commits only what is durable) on a thread of its own,
 * waits for it at most the role's {@code shutdown-grace}, and then halts the JVM.
 *
 * <p>Exit status: the stop's own (0, or 1 when closing something failed); 0 as well when the grace
 * ran out — what was not finished by then was not acknowledged either (no offset committed, no
 * position written), so the next owner does it again, which the stores' version checks make
 * harmless; a warning says so. The hook halts rather than returns because a JVM terminating on a
 * signal otherwise exits with 128 + the signal number, which service managers take for a crash; it
 * is the only hook these processes install.
 */
final class GracefulShutdown {
  private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);

  private GracefulShutdown() {}

  /**
   * Installs the hook, then blocks the calling thread until the JVM ends.
   *
   * @param role names the threads and log lines
   * @param grace how long the stop may take
   * @param stop stops the role; its result is the exit status
   * @throws InterruptedException if the calling thread is interrupted while it waits
   */
  static void awaitSignal(String role, Duration grace, IntSupplier stop)
      throws InterruptedException {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> Runtime.getRuntime().halt(stopWithin(role, grace, stop)),
                "hamal-" + role + "-shutdown"));
    new CountDownLatch(1).await(); // the hook ends the process
  }

  /**
   * Runs {@code stop} on a thread {@code hamal-ROLE-stop} and waits for it at most {@code grace}.
   *
   * @return the stop's status, 1 if it threw, 0 if it did not finish in time
   */
  static int stopWithin(String role, Duration grace, IntSupplier stop) {
    FutureTask<Integer> task = new FutureTask<>(stop::getAsInt);
    Thread thread = new Thread(task, "hamal-" + role + "-stop");
    thread.setDaemon(true);
    long started = System.nanoTime();
    log.info("{} stops (within {})", role, SettingsReader.format(grace));
    thread.start();
    try {
      int status = task.get(grace.toNanos(), TimeUnit.NANOSECONDS);
      log.info(
          "{} stopped{} in {} ms",
          role,
          status == 0 ? "" : " with errors",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      return status;
    } catch (TimeoutException e) {
      log.warn(
          "{} did not stop within its shutdown-grace of {}; exiting now. Work in hand was not"
              + " acknowledged and will be done again by the next owner",
          role,
          SettingsReader.format(grace));
      thread.interrupt();
      return 0;
    } catch (ExecutionException e) {
      log.error("{}: stopping failed", role, e.getCause());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }
}
