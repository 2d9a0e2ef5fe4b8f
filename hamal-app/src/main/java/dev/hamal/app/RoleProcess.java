package dev.hamal.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Hamal role ({@code listener}, {@code processor}) run as a child JVM of the demo, exactly as
 * an operator runs it: {@code Main <role> --config FILE}, its output appended to {@code
 * logs/<name>.log}.
 *
 * <p>{@link #stop()} sends SIGTERM (the role's graceful shutdown: a listener hands its pipes off, a
 * processor commits what it wrote) and waits; {@link #kill()} sends SIGKILL, a crash. The child
 * watches its standard input, which this object holds open: if the demo's JVM dies without stopping
 * it, the pipe's end tells the child to stop too ({@link Main#PARENT_WATCH_PROPERTY}).
 *
 * <p>Threading: the methods are synchronized; {@link #isAlive()} may be called from any thread.
 */
public final class RoleProcess {
  private final String name;
  private final String role;
  private final Path config;
  private final Path logFile;
  private final Map<String, String> environment;
  private final List<String> extraArgs;
  private volatile Process process;

  RoleProcess(
      String name,
      String role,
      Path config,
      Path logDir,
      Map<String, String> environment,
      List<String> extraArgs) {
    this.name = name;
    this.role = role;
    this.config = config;
    this.logFile = logDir.resolve(name + ".log");
    this.environment = Map.copyOf(environment);
    this.extraArgs = List.copyOf(extraArgs);
  }

  /** The instance's name, e.g. {@code listener-1}. */
  public String name() {
    return name;
  }

  /** Where the child's output goes. */
  public Path logFile() {
    return logFile;
  }

  /** Whether the child runs. */
  public boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** The child's process id while it runs. */
  public long pid() {
    Process p = process;
    if (p == null) {
      throw new IllegalStateException(name + " is not running");
    }
    return p.pid();
  }

  /**
   * Starts the child (again, after a stop or a kill).
   *
   * @throws IllegalStateException when it already runs
   */
  public synchronized void start() {
    if (isAlive()) {
      throw new IllegalStateException(name + " already runs");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx320m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-D" + Main.PARENT_WATCH_PROPERTY + "=stdin");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.add(role);
    command.add("--config");
    command.add(config.toString());
    command.addAll(extraArgs);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    builder.environment().putAll(environment);
    try {
      Files.createDirectories(logFile.getParent());
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + " (" + role + ")", e);
    }
  }

  /**
   * SIGTERM, then waits up to {@code grace} for the child to finish its shutdown; SIGKILL after.
   *
   * @return whether it stopped within the grace period
   */
  public synchronized boolean stop(Duration grace) throws InterruptedException {
    Process p = process;
    if (p == null) {
      return true;
    }
    p.destroy();
    boolean stopped = p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
    if (!stopped) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    closeInput(p);
    process = null;
    return stopped;
  }

  /** SIGKILL: the instance crashes, with whatever it had in hand. */
  public synchronized void kill() throws InterruptedException {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    closeInput(p);
    process = null;
  }

  private static void closeInput(Process p) {
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // the child is gone; its pipe's end closes with it
    }
  }

  @Override
  public String toString() {
    return name + " (" + role + ")";
  }
}
