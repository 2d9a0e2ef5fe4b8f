package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * {@code hamal demo} as a user runs it: a process that starts every part of the order center,
 * prints the console's address and an API key that work, shows the changes of every business line
 * as the simulator writes them ({@code --changes}), and on a termination signal (what Ctrl-C sends,
 * as far as the JVM is concerned) stops everything and leaves no process behind.
 */
class DemoCommandIT {
  private static final Pattern LISTENING =
      Pattern.compile("mariadb-\\S+ on 127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern GATEWAY = Pattern.compile("API: +(http://\\S+)/v1/orders");
  private static final Pattern KEY = Pattern.compile("API key: +(hamal_\\S+)");

  @Test
  void shouldRunTheWholeSystemShowLiveChangesAndLeaveNothingBehindOnInterrupt(@TempDir Path dir)
      throws Exception {
    Path output = dir.resolve("demo.out");
    Path data = dir.resolve("data");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "demo",
                "--rate",
                "40",
                "--changes",
                "--port",
                "0",
                "--data-dir",
                data.toString())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    Process demo = pb.start();
    try {
      await()
          .atMost(Duration.ofSeconds(180))
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
      List<String> started = read(output);
      String gateway = find(GATEWAY, started);
      String key = find(KEY, started);
      assertThat(started).anyMatch(l -> l.contains("Console:  " + gateway + "/console/"));
      // the printed key reads orders the processors stored, through the gateway
      HttpClient http = HttpClient.newHttpClient();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> {
            HttpResponse<String> answer =
                http.send(
                    HttpRequest.newBuilder(URI.create(gateway + "/v1/orders?limit=5"))
                        .header("Authorization", "Bearer " + key)
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains("\"orderId\"");
          });
      int port = Integer.parseInt(find(LISTENING, started));
      assertThat(mariadbdListeningOn(port)).as("the demo's database runs").isTrue();
      String config = data.resolve("hamal.yaml").toString();
      assertThat(processWith("listener\0--config\0" + config))
          .as("the listener instances run")
          .isTrue();
      assertThat(processWith("processor\0--config\0" + config))
          .as("the processor instances run")
          .isTrue();

      int linesBeforeStop = read(output).size();
      demo.destroy(); // SIGTERM: the JVM runs its shutdown hooks as for Ctrl-C (SIGINT)
      assertThat(demo.waitFor(120, TimeUnit.SECONDS)).as("the demo stops").isTrue();
      List<String> lines = read(output);
      assertThat(lines).anyMatch(l -> l.contains("the servers are shut down"));
      assertThat(
              Files.readString(data.resolve("logs/listener-1.log"))
                  + Files.readString(data.resolve("logs/listener-2.log")))
          .as("the owning listener handed its pipe off")
          .contains("handed off its pipes");
      assertThat(lines.subList(linesBeforeStop, lines.size()))
          .as("a clean stop: the roles stop before the servers")
          .noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR "));
      assertThat(mariadbdListeningOn(port)).as("no database process is left behind").isFalse();
      assertThat(processWith(data.toString()))
          .as("no process of the demo is left behind")
          .isFalse();
    } finally {
      demo.destroyForcibly();
    }
  }

  private static String find(Pattern pattern, List<String> lines) {
    for (String line : lines) {
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        return m.group(1);
      }
    }
    throw new AssertionError("the demo did not print " + pattern + ": " + lines);
  }

  /** The demo's output so far; a file rather than a pipe, so nothing is lost when it exits. */
  private static List<String> read(Path output) throws IOException {
    return Files.readAllLines(output, StandardCharsets.UTF_8);
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
