package dev.hamal.kafka.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The main class of the broker's child JVM: formats the KRaft log directory when it is new, then
 * runs Kafka's own {@code kafka.Kafka} main (a combined broker and controller) on the given
 * properties file.
 *
 * <p><b>Parent death.</b> The JVM that launched this one keeps its end of our standard input open
 * for as long as it lives and never writes to it. End of input therefore means the parent is gone,
 * however it died (SIGKILL included): we exit at once, running Kafka's shutdown hook, and halt if
 * that hook takes longer than {@value #EXIT_GRACE_SECONDS} s. The parent process is watched too,
 * for launchers that do not hand us a pipe. A broker can therefore never outlive its owner by more
 * than a few seconds.
 *
 * <p><b>Stopping.</b> SIGTERM runs Kafka's shutdown hook (a clean, controlled shutdown); SIGKILL is
 * the crash that chaos tests want.
 *
 * <p>Usage: {@code KafkaBrokerMain <server.properties>}; the file must carry {@code log.dirs} and a
 * {@code hamal.cluster.id} (a Kafka base64 UUID) used when the directory is formatted. Exit codes:
 * 0 after a clean shutdown, 1 when Kafka fails, 2 for bad arguments, 3 when formatting fails, 4
 * when the parent is gone.
 */
public final class KafkaBrokerMain {

  /** Property carrying the cluster id used to format a new log directory. */
  public static final String CLUSTER_ID = "hamal.cluster.id";

  private static final int EXIT_GRACE_SECONDS = 10;
  private static final Duration PARENT_POLL = Duration.ofSeconds(1);
  private static final Duration SIGNAL_GRACE = Duration.ofMillis(500);

  private static final AtomicBoolean SHUTTING_DOWN = new AtomicBoolean();

  private KafkaBrokerMain() {}

  public static void main(String[] args) throws IOException {
    PrintStream out = System.out;
    if (args.length != 1) {
      out.println("usage: KafkaBrokerMain <server.properties>");
      System.exit(2);
    }
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> SHUTTING_DOWN.set(true), "hamal-shutdown-flag"));
    watchParent(ProcessHandle.current().parent());
    Path config = Path.of(args[0]);
    Properties properties = new Properties();
    try (var in = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
      properties.load(in);
    }
    String logDir = properties.getProperty("log.dirs", "");
    String clusterId = properties.getProperty(CLUSTER_ID, "");
    if (logDir.isEmpty() || clusterId.isEmpty()) {
      out.println("hamal: " + config + " must set log.dirs and " + CLUSTER_ID);
      System.exit(2);
    }
    if (!Files.exists(Path.of(logDir, "meta.properties"))) {
      int code =
          kafka.tools.StorageTool.execute(
              new String[] {"format", "-t", clusterId, "-c", config.toString(), "-g"}, out);
      if (code != 0) {
        out.println("hamal: formatting " + logDir + " failed with code " + code);
        System.exit(3);
      }
    }
    out.println(
        java.time.LocalTime.now()
            + " hamal: starting the broker (pid "
            + ProcessHandle.current().pid()
            + ")");
    out.flush();
    kafka.Kafka.main(new String[] {config.toString()});
  }

  /** Exits when standard input ends or the parent process exits, whichever comes first. */
  private static void watchParent(Optional<ProcessHandle> parent) {
    Thread stdin =
        new Thread(
            () -> {
              try {
                InputStream in = System.in;
                byte[] sink = new byte[256];
                while (in.read(sink) >= 0) {
                  // the parent never writes; anything read is ignored
                }
              } catch (IOException e) {
                // a broken pipe means the same as end of input
              }
              // Process.destroy() closes our input together with its SIGTERM: give the signal's
              // shutdown a moment to announce itself before taking end of input for parent death
              try {
                Thread.sleep(SIGNAL_GRACE.toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              exitBecauseParentIsGone("standard input closed");
            },
            "hamal-parent-stdin");
    stdin.setDaemon(true);
    stdin.start();
    parent.ifPresent(p -> {
      Thread poll =
          new Thread(
              () -> {
                while (p.isAlive()) {
                  try {
                    Thread.sleep(PARENT_POLL.toMillis());
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                  }
                }
                exitBecauseParentIsGone("parent process " + p.pid() + " exited");
              },
              "hamal-parent-watch");
      poll.setDaemon(true);
      poll.start();
    });
  }

  private static void exitBecauseParentIsGone(String why) {
    if (SHUTTING_DOWN.get()) {
      return; // stopped by a signal: the shutdown is under way, and exit() would block
    }
    System.out.println(java.time.LocalTime.now() + " hamal: " + why + "; shutting the broker down");
    System.out.flush();
    Thread halt =
        new Thread(
            () -> {
              try {
                Thread.sleep(Duration.ofSeconds(EXIT_GRACE_SECONDS).toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              Runtime.getRuntime().halt(4);
            },
            "hamal-halt");
    halt.setDaemon(true);
    halt.start();
    System.exit(4);
  }
}
