package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hamal demo} as a user runs it: a process that starts its database, shows the changes of
 * every business line as the simulator writes them, and on a termination signal (what Ctrl-C sends,
 * as far as the JVM is concerned) stops everything and leaves no database process behind.
 */
class DemoCommandIT {
  private static final Pattern KAFKA_DIR = Pattern.compile("Started kafka-\\S+ \\((\\S+)\\)");
  private static final Pattern LISTENING = Pattern.compile("on 127\\.0\\.0\\.1:(\\d+), ZooKeeper");

  @Test
  void shouldShowLiveChangesOfEveryLineAndLeaveNoDatabaseBehindOnInterrupt(@TempDir Path dir)
      throws Exception {
    Path output = dir.resolve("demo.out");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "demo",
                "--rate",
                "40")
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    Process demo = pb.start();
    try {
      await()
          .atMost(Duration.ofSeconds(120))
          .failFast(() -> assertThat(demo.isAlive()).as(read(output).toString()).isTrue())
          .untilAsserted(() -> {
            List<String> lines = read(output);
            for (String line : List.of("topup", "fuelcard", "ticket", "gamecard")) {
              assertThat(lines).as(line).anyMatch(l -> l.contains("  " + line + " "));
            }
            assertThat(lines)
                .as("an order moving on in its life cycle")
                .anyMatch(l -> l.contains(" UPDATE ") && l.contains(" -> "));
            assertThat(lines)
                .as("a sharded table")
                .anyMatch(l -> l.matches(".*  ticket +orders_\\d\\d +.*"));
          });
      int port = port(read(output));
      assertThat(mariadbdListeningOn(port)).as("the demo's database runs").isTrue();
      String kafkaDir = kafkaDir(read(output));
      assertThat(processWith(kafkaDir)).as("the demo's Kafka broker runs").isTrue();

      int linesBeforeStop = read(output).size();
      demo.destroy(); // SIGTERM: the JVM runs its shutdown hooks as for Ctrl-C (SIGINT)
      assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("the demo stops").isTrue();
      List<String> lines = read(output);
      assertThat(lines).anyMatch(l -> l.contains("the servers are shut down"));
      assertThat(lines).anyMatch(l -> l.contains("handed off its pipes"));
      assertThat(lines.subList(linesBeforeStop, lines.size()))
          .as("a clean stop: the listeners stop before the servers")
          .noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR "));
      assertThat(mariadbdListeningOn(port)).as("no database process is left behind").isFalse();
      assertThat(processWith(kafkaDir)).as("no Kafka broker is left behind").isFalse();
    } finally {
      demo.destroyForcibly();
    }
  }

  /** The demo's output so far; a file rather than a pipe, so nothing is lost when it exits. */
  private static List<String> read(Path output) throws IOException {
    return Files.readAllLines(output, StandardCharsets.UTF_8);
  }

  private static int port(List<String> lines) {
    for (String line : lines) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("the demo did not say where its database listens: " + lines);
  }

  private static String kafkaDir(List<String> lines) {
    for (String line : lines) {
      Matcher m = KAFKA_DIR.matcher(line);
      if (m.find()) {
        return m.group(1);
      }
    }
    throw new AssertionError(
        "the demo did not say where its Kafka broker keeps its data: " + lines);
  }

  /** Whether a process with this text on its command line exists. */
  private static boolean processWith(String text) throws IOException {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .anyMatch(p -> {
            try {
              return new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                  .contains(text);
            } catch (IOException e) {
              return false; // the process ended meanwhile
            }
          });
    }
  }

  /** Whether a mariadbd process with this port on its command line exists. */
  private static boolean mariadbdListeningOn(int port) throws IOException {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .anyMatch(p -> {
            try {
              String cmd =
                  new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                      .replace('\0', ' ');
              return cmd.contains("mariadbd") && (cmd + " ").contains("--port=" + port + " ");
            } catch (IOException e) {
              return false; // the process ended meanwhile
            }
          });
    }
  }
}
