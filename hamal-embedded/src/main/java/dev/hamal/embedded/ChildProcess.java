package dev.hamal.embedded;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The {@link ServerLifecycle.Engine} of a server run as a child process (MariaDB, Kafka,
 * OpenSearch, Redis): launches the process with its output appended to the server's log file, waits
 * until the server's own readiness probe passes, and stops, kills or halts the process tree through
 * {@link ProcessTree}.
 *
 * <p><b>Invariants.</b> The process is the running child or null; it is set when a launch starts
 * the process and cleared once the process is gone (stopped, killed, failed to start). The child's
 * standard input is a pipe this object holds open and never writes to: its end tells a child that
 * watches it that the JVM is gone; it is closed once the child is gone.
 *
 * <p><b>Threading.</b> All methods but {@link #isAlive()}, {@link #pid()} and {@link
 * #haltOnExit(boolean) haltOnExit(false)} run under the owner's life-cycle lock; {@code process} is
 * volatile for the lock-free readers.
 *
 * <p><b>Failure.</b> A launch that cannot start the process, or whose readiness probe fails, kills
 * the process and throws the server's start exception (made by its {@link StartFailure}) carrying
 * the tail of what the process wrote to its log during this launch. Any other exception from the
 * probe also kills the process and propagates unchanged. A start failure after another process took
 * a port chosen here is retried on newly chosen ports ({@link #launchOnPorts}).
 */
final class ChildProcess implements ServerLifecycle.Engine {

  /** Waits until the launched server is ready and returns what it learnt (e.g. the version). */
  @FunctionalInterface
  interface Readiness<T> {
    T await(Process launched, long deadlineNanos);
  }

  /** The server's start exception: message, the log tail (may be empty), cause (may be null). */
  @FunctionalInterface
  interface StartFailure {
    RuntimeException of(String message, String logTail, Throwable cause);
  }

  private final Logger log;
  private final Supplier<String> describe;
  private final Path workDir;
  private final Path logFile;
  private final Duration startTimeout;
  private final Duration stopTimeout;
  private final Class<? extends RuntimeException> startFailureType;
  private final StartFailure startFailure;
  private final Runnable launcher;

  private volatile Process process;

  /**
   * @param log the server's logger (start, stop and kill are logged there)
   * @param describe the server's description for messages
   * @param logFile where the child's standard output and error are appended, in the data directory,
   *     which is the child's working directory
   * @param settings the start and stop timeouts
   * @param startFailureType what {@code startFailure} makes
   * @param launcher the server's launch: prepares and calls {@link #launch}, e.g. retrying ports
   */
  ChildProcess(
      Logger log,
      Supplier<String> describe,
      Path logFile,
      ServerSettings settings,
      Class<? extends RuntimeException> startFailureType,
      StartFailure startFailure,
      Runnable launcher) {
    this.log = log;
    this.describe = describe;
    this.workDir = logFile.getParent();
    this.logFile = logFile;
    this.startTimeout = settings.startTimeout();
    this.stopTimeout = settings.stopTimeout();
    this.startFailureType = startFailureType;
    this.startFailure = startFailure;
    this.launcher = launcher;
  }

  @Override
  public void launch() {
    launcher.run();
  }

  @Override
  public boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** The process id of the running child. */
  OptionalLong pid() {
    Process p = process;
    return p != null && p.isAlive() ? OptionalLong.of(p.pid()) : OptionalLong.empty();
  }

  /**
   * Runs {@code launchOnce} on {@code ports}, choosing a free port for each 0 among them. A start
   * failure while a port chosen here is no longer free means another process took it between
   * choosing and binding: the chosen ports are chosen again, at most {@code attempts} launches in
   * all. A configured port that is not free fails at once.
   *
   * @param ports the server's ports now, 0 where one is to be chosen
   * @param use stores the ports in the server before each launch (and keeps the last ones)
   */
  void launchOnPorts(int attempts, int[] ports, Consumer<int[]> use, Runnable launchOnce) {
    int[] next = ports.clone();
    boolean[] chosen = new boolean[next.length];
    boolean anyChosen = false;
    for (int i = 0; i < next.length; i++) {
      chosen[i] = next[i] == 0;
      anyChosen |= chosen[i];
    }
    for (int attempt = 1; ; attempt++) {
      for (int i = 0; i < next.length; i++) {
        if (chosen[i]) {
          next[i] = freePortOtherThan(next, i);
        }
      }
      use.accept(next.clone());
      for (int i = 0; i < next.length; i++) {
        if (!chosen[i] && !Ports.isFree(next[i])) {
          throw startFailure.of(
              "port " + next[i] + " of " + describe.get() + " is in use by another process",
              "",
              null);
        }
      }
      try {
        launchOnce.run();
        return;
      } catch (RuntimeException e) {
        boolean portRace = anyChosen && !allFree(next);
        if (!startFailureType.isInstance(e) || !portRace || attempt >= attempts) {
          throw e;
        }
        log.info("A port was taken while {} started; trying other ports", describe.get());
      }
    }
  }

  private static int freePortOtherThan(int[] ports, int index) {
    while (true) {
      int port = Ports.free();
      boolean taken = false;
      for (int i = 0; i < ports.length; i++) {
        taken |= i != index && ports[i] == port;
      }
      if (!taken) {
        return port;
      }
    }
  }

  private static boolean allFree(int[] ports) {
    for (int port : ports) {
      if (!Ports.isFree(port)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Launches {@code command} once and waits for {@code readiness}.
   *
   * @param environment added to this JVM's environment for the child
   * @param cannotLaunch the message when the process cannot be started at all
   * @param note said in the "Started" log line after the pid when not empty
   * @return what {@code readiness} returned
   */
  <T> T launch(
      List<String> command,
      Map<String, String> environment,
      String cannotLaunch,
      String note,
      Readiness<T> readiness) {
    long logMark = LogTail.mark(logFile);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    builder.environment().putAll(environment);
    // standard input stays a pipe that this JVM holds open: its end tells the child we are gone
    long started = System.nanoTime();
    Process launched;
    try {
      launched = builder.start();
    } catch (IOException e) {
      throw startFailure.of(cannotLaunch, "", e);
    }
    process = launched;
    T ready;
    try {
      ready = readiness.await(launched, started + startTimeout.toNanos());
    } catch (RuntimeException e) {
      discard(launched);
      if (startFailureType.isInstance(e)) {
        throw startFailure.of(e.getMessage(), LogTail.of(logFile, logMark), e.getCause());
      }
      throw e;
    } catch (Error e) {
      discard(launched);
      throw e;
    }
    log.info(
        "Started {} (pid {}{}) in {} ms",
        describe.get(),
        launched.pid(),
        note.isEmpty() ? "" : ", " + note,
        Duration.ofNanos(System.nanoTime() - started).toMillis());
    return ready;
  }

  /**
   * Sleeps one poll interval while the child starts, or fails when it exited or the deadline
   * passed. Waiting on the exit future both paces the polling and notices a crash at once.
   *
   * @param timedOut the message when the deadline passed
   * @param last the probe's last failure, the cause of a failed start; may be null
   */
  void pause(
      Process launched,
      long deadlineNanos,
      Duration poll,
      Supplier<String> timedOut,
      Throwable last) {
    if (!launched.isAlive()) {
      throw startFailure.of(
          describe.get() + " exited with code " + launched.exitValue() + " while starting",
          "",
          last);
    }
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      throw startFailure.of(timedOut.get(), "", last);
    }
    try {
      launched.onExit().get(Math.min(left, poll.toNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException stillStarting) {
      // poll again
    } catch (ExecutionException e) {
      throw startFailure.of("waiting for " + describe.get() + " failed", "", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(e);
    }
  }

  /**
   * {@link #pause(Process, long, Duration, Supplier, Throwable) pause} with the message "did not
   * start within" the start timeout, and the last error when there is one.
   */
  void pause(Process launched, long deadlineNanos, Duration poll, Exception last) {
    pause(
        launched,
        deadlineNanos,
        poll,
        () ->
            describe.get()
                + " did not start within "
                + startTimeout
                + (last == null ? "" : " (last error: " + last.getMessage() + ")"),
        last);
  }

  /** The start failure for a thread interrupted while the server started. */
  RuntimeException interrupted(InterruptedException e) {
    return startFailure.of("interrupted while " + describe.get() + " started", "", e);
  }

  @Override
  public void terminate() {
    Process p = process;
    if (p == null) {
      return;
    }
    long started = System.nanoTime();
    boolean clean = ProcessTree.stop(p, stopTimeout);
    closeStdin(p);
    process = null;
    if (clean) {
      log.info(
          "Stopped {} (pid {}) in {} ms",
          describe.get(),
          p.pid(),
          Duration.ofNanos(System.nanoTime() - started).toMillis());
    } else {
      log.warn(
          "{} (pid {}) did not shut down within {}; killed its process tree",
          describe.get(),
          p.pid(),
          stopTimeout);
    }
  }

  @Override
  public boolean crash() {
    Process p = process;
    if (p == null) {
      return false;
    }
    discard(p);
    log.info("Killed {} (pid {})", describe.get(), p.pid());
    return true;
  }

  @Override
  public void haltOnExit(boolean locked) {
    Process p = process;
    if (p == null) {
      return;
    }
    if (locked) {
      ProcessTree.stop(p, stopTimeout);
    } else {
      ProcessTree.kill(p);
    }
  }

  private void discard(Process p) {
    ProcessTree.kill(p);
    closeStdin(p);
    process = null;
  }

  private static void closeStdin(Process p) {
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // the child is gone; nothing to release
    }
  }
}
