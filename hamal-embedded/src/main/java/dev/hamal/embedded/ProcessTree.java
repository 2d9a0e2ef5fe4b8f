package dev.hamal.embedded;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stops a process and its descendants: politely first, then with SIGKILL. */
final class ProcessTree {

  /** How long to wait for a killed process to be reaped. */
  private static final Duration REAP_TIMEOUT = Duration.ofSeconds(10);

  private ProcessTree() {}

  /**
   * Sends SIGTERM and waits up to {@code timeout}; kills the tree when the process is still alive.
   *
   * @return true when the process exited by itself within the timeout
   */
  static boolean stop(Process process, Duration timeout) {
    if (!process.isAlive()) {
      return true;
    }
    process.destroy();
    boolean interrupted = false;
    boolean exited;
    try {
      exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
      exited = false;
    }
    if (!exited) {
      kill(process);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return exited;
  }

  /** SIGKILL to the process and every descendant, then waits until the process is reaped. */
  static void kill(Process process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
    boolean interrupted = false;
    long deadline = System.nanoTime() + REAP_TIMEOUT.toNanos();
    while (process.isAlive() && System.nanoTime() < deadline) {
      try {
        process.waitFor(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
