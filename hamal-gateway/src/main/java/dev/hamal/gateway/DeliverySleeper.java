package dev.hamal.gateway;

import java.time.Duration;

/** Waits out a retry back-off; tests pass one that does not wait. */
@FunctionalInterface
interface DeliverySleeper {
  /** The real one. */
  DeliverySleeper THREAD = duration -> Thread.sleep(duration);

  /**
   * Waits {@code duration}.
   *
   * @throws InterruptedException when the thread is interrupted (the dispatcher stops)
   */
  void sleep(Duration duration) throws InterruptedException;
}
