package dev.hamal.listener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A {@link ListenerProcess} started by a test: same JDK and class path as the test JVM, a small
 * heap, stdout and stderr in one log file. Signals go to its pid ({@code kill -9}, {@code -STOP},
 * {@code -CONT}); {@link #close()} sends SIGTERM (graceful hand-off) and kills it if it does not
 * exit in time.
 */
final class InstanceProcess implements AutoCloseable {
  private final String id;
  private final Process process;
  private final Path logFile;

  private InstanceProcess(String id, Process process, Path logFile) {
    this.id = id;
    this.process = process;
    this.logFile = logFile;
  }

  /**
   * Starts a listener process.
   *
   * @param heap the {@code -Xmx} value, e.g. {@code 256m}
   * @param arguments {@code key=value} arguments of {@link ListenerProcess}, {@code instance}
   *     excluded
   * @param passwordVariable the environment variable {@code password} is passed in
   */
  static InstanceProcess start(
      String id,
      String heap,
      List<String> arguments,
      String passwordVariable,
      String password,
      Path logDir) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add("-Xmx" + heap);
    command.add("-XX:+UseSerialGC");
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ListenerProcess.class.getName());
    command.addAll(arguments);
    command.add("instance=" + id);
    command.add("password-env=" + passwordVariable);
    Path log = logDir.resolve(id + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put(passwordVariable, password);
    try {
      return new InstanceProcess(id, builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start listener process " + id, e);
    }
  }

  String id() {
    return id;
  }

  long pid() {
    return process.pid();
  }

  Path logFile() {
    return logFile;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Exit code, once exited. */
  int exitValue() {
    return process.exitValue();
  }

  /** The whole log so far. */
  String log() {
    try {
      return Files.readString(logFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean logContains(String text) {
    return log().contains(text);
  }

  boolean logMatches(Pattern pattern) {
    return pattern.matcher(log()).find();
  }

  /** SIGKILL, as a crash: no shutdown hook, no final commit; waits until it is gone. */
  void kill9() throws InterruptedException {
    signal("KILL");
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException(id + " survived kill -9");
    }
  }

  /** SIGSTOP: frozen, as a long GC pause or a suspended VM; sockets stay open. */
  void pause() {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause()}. */
  void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
              .redirectErrorStream(true)
              .start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException(
            "kill -"
                + name
                + " "
                + process.pid()
                + " failed: "
                + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** SIGTERM (graceful hand-off) and waits for the exit. */
  void terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      resume(); // a paused process cannot handle SIGTERM
      try {
        terminate(Duration.ofSeconds(25));
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "listener process " + id + " (pid " + process.pid() + ", log " + logFile + ")";
  }
}
