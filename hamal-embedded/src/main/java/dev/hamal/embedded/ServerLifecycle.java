package dev.hamal.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The life cycle every embedded server shares: start, stop, kill, restart and close, the JVM-exit
 * hook with its exit grace, JVM-scoped servers, and the temporary data directory. Each server owns
 * one and delegates its public life-cycle methods to it; what differs between servers (how to
 * launch, stop or kill the thing itself) is its {@link Engine}.
 *
 * <p><b>States.</b> {@code STOPPED} (created, stopped or killed) → {@link #start()} → {@code
 * RUNNING} → {@link #stop()} or {@link #kill()} → {@code STOPPED}; any state → {@link #shutDown()}
 * or the exit hook → {@code CLOSED}, which is final: {@code start()} and {@code restart()} then
 * throw {@link IllegalStateException}.
 *
 * <p><b>Invariants.</b> The data directory never changes; a temporary one is deleted exactly when
 * the state becomes {@code CLOSED} (by {@code close()} or by the hook holding the lock). The
 * shutdown hook is registered by {@link #open()} and removed on {@code CLOSED} by {@code
 * shutDown()}. The engine is only called with the lock held, except {@link Engine#haltOnExit} with
 * {@code locked == false}, which must be safe without it.
 *
 * <p><b>Threading.</b> Life-cycle methods are serialised by one reentrant lock and may be called
 * from any thread; {@link #state()} reads are lock-free. The hook first waits up to the exit grace
 * for the owner to close the server, then up to {@code hookLockWait} for the lock; without the lock
 * it asks the engine to halt anyway and leaves the state and the data directory alone.
 *
 * <p><b>Failure.</b> A failed {@link Engine#launch()} leaves nothing running and keeps the state; a
 * failed {@link #open()} closes the server (hook removed, temporary directory deleted) and rethrows
 * the launch failure unchanged.
 */
final class ServerLifecycle {

  /** How long the JVM-exit hook of a child-process server waits for the life-cycle lock. */
  static final Duration HOOK_LOCK_WAIT = Duration.ofSeconds(5);

  /** What a server does at each step; every method but {@code haltOnExit} runs under the lock. */
  interface Engine {

    /** Starts the server; on failure throws with nothing left running. */
    void launch();

    /** Stops the server cleanly (killing it after its stop timeout) and logs how it went. */
    void terminate();

    /** Whether what {@link #launch()} started is still alive. */
    boolean isAlive();

    /** Kills the server at once, as a crash would; false when there was nothing to kill. */
    default boolean crash() {
      throw new UnsupportedOperationException("cannot kill an in-process server");
    }

    /**
     * Stops the server from the JVM-exit hook: politely when {@code locked}, otherwise without
     * touching state the lock guards (kill a child process, or do nothing).
     */
    void haltOnExit(boolean locked);
  }

  enum State {
    RUNNING,
    STOPPED,
    CLOSED
  }

  private final Path dataDir;
  private final boolean temporaryDataDir;
  private final Duration exitGrace;
  private final Duration hookLockWait;
  private final boolean jvmScoped;
  private final Supplier<String> describe;
  private final ReentrantLock lock = new ReentrantLock();
  private final Thread shutdownHook;
  private final Engine engine;

  private volatile State state = State.STOPPED;

  ServerLifecycle(
      String name,
      DataDir dataDir,
      ServerSettings settings,
      Duration hookLockWait,
      Supplier<String> describe,
      Engine engine) {
    this.dataDir = dataDir.path();
    this.temporaryDataDir = dataDir.temporary();
    this.exitGrace = settings.exitGrace();
    this.hookLockWait = hookLockWait;
    this.jvmScoped = settings.jvmScoped();
    this.describe = describe;
    this.engine = engine;
    this.shutdownHook = new Thread(this::onJvmExit, "hamal-" + name + "-shutdown");
  }

  /**
   * A server's data directory and whether it is a temporary one (deleted when it closes).
   *
   * @param path absolute
   * @param temporary created for this server and deleted on close
   */
  record DataDir(Path path, boolean temporary) {

    /**
     * The configured directory (created when {@code create}), or a new temporary one named {@code
     * hamal-<name>-...}.
     */
    static DataDir of(ServerSettings settings, String name, boolean create) {
      java.util.Optional<Path> configured = settings.dataDir();
      try {
        if (configured.isEmpty()) {
          return new DataDir(
              Files.createTempDirectory("hamal-" + name + "-").toAbsolutePath(), true);
        }
        Path dir = configured.get();
        return new DataDir(create ? Files.createDirectories(dir) : dir, false);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the " + name + " data directory", e);
      }
    }
  }

  /**
   * Registers the shutdown hook and starts the server for the first time; a failed start closes it
   * for good before the failure is rethrown.
   */
  void open() {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      start();
    } catch (RuntimeException | Error e) {
      shutDown();
      throw e;
    }
  }

  State state() {
    return state;
  }

  /** Starts the server unless it runs; throws after close. */
  void start() {
    lock.lock();
    try {
      requireOpen();
      if (state == State.RUNNING && engine.isAlive()) {
        return;
      }
      engine.launch();
      state = State.RUNNING;
    } finally {
      lock.unlock();
    }
  }

  /** Stops a running server cleanly. */
  void stop() {
    lock.lock();
    try {
      if (state == State.RUNNING) {
        engine.terminate();
        state = State.STOPPED;
      }
    } finally {
      lock.unlock();
    }
  }

  /** Kills a running server at once. */
  void kill() {
    lock.lock();
    try {
      if (state == State.RUNNING && engine.crash()) {
        state = State.STOPPED;
      }
    } finally {
      lock.unlock();
    }
  }

  /** {@link #stop()} then {@link #start()}; throws after close. */
  void restart() {
    lock.lock();
    try {
      requireOpen();
      stop();
      start();
    } finally {
      lock.unlock();
    }
  }

  /** Runs {@code action} under the life-cycle lock, for server-specific operations. */
  <T> T locked(Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  /** What {@code close()} does: nothing when JVM-scoped, {@link #shutDown()} otherwise. */
  void close() {
    if (!jvmScoped) {
      shutDown();
    }
  }

  /** Stops the server for good, removes the hook and deletes a temporary data directory. */
  void shutDown() {
    lock.lock();
    try {
      if (state == State.CLOSED) {
        return;
      }
      engine.terminate();
      state = State.CLOSED;
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting and the hook runs (or ran) anyway
      }
      DataDirs.deleteIfTemporary(dataDir, temporaryDataDir);
    } finally {
      lock.unlock();
    }
  }

  private void requireOpen() {
    if (state == State.CLOSED) {
      throw new IllegalStateException(describe.get() + " is closed");
    }
  }

  private void onJvmExit() {
    boolean locked = false;
    try {
      DataDirs.awaitClosed(() -> state == State.CLOSED, exitGrace);
      locked = lock.tryLock(hookLockWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (state == State.CLOSED) {
        return;
      }
      engine.haltOnExit(locked);
      if (locked) {
        state = State.CLOSED;
        DataDirs.deleteIfTemporary(dataDir, temporaryDataDir);
      }
    } finally {
      if (locked) {
        lock.unlock();
      }
    }
  }
}
