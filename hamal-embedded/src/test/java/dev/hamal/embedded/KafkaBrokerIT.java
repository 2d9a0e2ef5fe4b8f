package dev.hamal.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A real KRaft broker in a child JVM: records, restarts, crashes, and clean-up. */
class KafkaBrokerIT {

  private static List<String> values(String prefix, int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
  }

  @Test
  void shouldKeepRecordsAndPortsAcrossRestartAndRecoverAfterKill() throws Exception {
    KafkaBroker broker = KafkaBroker.start(KafkaBrokerConfig.builder().partitions(3).build());
    try {
      int port = broker.port();
      int controllerPort = broker.controllerPort();
      String clusterId = broker.clusterId();
      KafkaClients.createTopic(broker, "orders", 3);
      KafkaClients.produce(broker, "orders", values("a", 0, 100));
      assertThat(KafkaClients.consume(broker, "orders", 100))
          .containsExactlyInAnyOrderElementsOf(values("a", 0, 100));

      long firstPid = broker.pid().orElseThrow();
      broker.restart();

      assertThat(broker.port()).isEqualTo(port);
      assertThat(broker.controllerPort()).isEqualTo(controllerPort);
      assertThat(broker.clusterId()).isEqualTo(clusterId);
      assertThat(ProcessHandle.of(firstPid).filter(ProcessHandle::isAlive)).isEmpty();
      assertThat(KafkaClients.consume(broker, "orders", 100))
          .containsExactlyInAnyOrderElementsOf(values("a", 0, 100));
      KafkaClients.produce(broker, "orders", values("b", 0, 50));

      long secondPid = broker.pid().orElseThrow();
      broker.kill();
      assertThat(broker.isRunning()).isFalse();
      assertThat(ProcessHandle.of(secondPid).filter(ProcessHandle::isAlive)).isEmpty();
      broker.start();

      assertThat(broker.port()).isEqualTo(port);
      assertThat(KafkaClients.topics(broker)).contains("orders");
      assertThat(KafkaClients.consume(broker, "orders", 150))
          .containsExactlyInAnyOrderElementsOf(
              java.util.stream.Stream.concat(
                      values("a", 0, 100).stream(), values("b", 0, 50).stream())
                  .toList());
    } finally {
      broker.close();
    }
    assertThat(broker.isRunning()).isFalse();
    assertThat(broker.dataDir()).doesNotExist();
    broker.close(); // idempotent
    assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldReportTheBrokerLogWhenTheBrokerCannotStart() {
    KafkaBrokerConfig config =
        KafkaBrokerConfig.builder()
            .brokerProperties(Map.of("num.network.threads", "0"))
            .startTimeout(Duration.ofSeconds(30))
            .build();

    assertThatThrownBy(() -> KafkaBroker.start(config))
        .isInstanceOfSatisfying(
            KafkaStartException.class, e -> assertThat(e.logTail()).contains("num.network.threads"))
        .hasMessageContaining("exited");
  }

  @Test
  void shouldStopTheBrokerWhenTheJvmExitsWithoutClose() throws Exception {
    Process child = startChild("exit");
    String[] report = awaitReport(child);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isZero();

    assertThat(ProcessHandle.of(Long.parseLong(report[1])).filter(ProcessHandle::isAlive))
        .isEmpty();
    assertThat(Path.of(report[2])).doesNotExist();
  }

  @Test
  void shouldStopTheBrokerWhenItsParentJvmIsKilled() throws Exception {
    Process child = startChild("wait");
    String[] report = awaitReport(child);
    long brokerPid = Long.parseLong(report[1]);
    assertThat(ProcessHandle.of(brokerPid).filter(ProcessHandle::isAlive)).isPresent();

    child.destroyForcibly(); // SIGKILL: no shutdown hook runs
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> ProcessHandle.of(brokerPid).filter(ProcessHandle::isAlive).isEmpty());
  }

  private static Process startChild(String mode) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(
            java.toString(),
            "-cp",
            System.getProperty("java.class.path"),
            StartBrokerAndExit.class.getName(),
            mode)
        .redirectErrorStream(true)
        .start();
  }

  /** Reads the child's output until its report line; returns the line's words. */
  private static String[] awaitReport(Process child) throws Exception {
    StringBuilder output = new StringBuilder();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      output.append(line).append('\n');
      if (line.startsWith(StartBrokerAndExit.REPORT + " ")) {
        String[] parts = line.split(" ");
        assertThat(parts).as(output.toString()).hasSize(3);
        Thread drain =
            new Thread(() -> {
              try {
                out.transferTo(java.io.Writer.nullWriter());
              } catch (java.io.IOException ignored) {
                // the child is gone
              }
            });
        drain.setDaemon(true);
        drain.start();
        return parts;
      }
    }
    throw new AssertionError("the child exited without a report:\n" + output);
  }
}
