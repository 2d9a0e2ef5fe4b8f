package dev.hamal.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.embedded.MariaDbServer.Distribution;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Stop, start, restart and close of dedicated servers. */
class MariaDbServerLifecycleIT {

  @TempDir Path temp;

  @ParameterizedTest
  @EnumSource(Distribution.class)
  void shouldKeepPortAndDataAcrossRestart(Distribution distribution) throws Exception {
    try (MariaDbServer server =
        MariaDbServer.start(MariaDbServerConfig.builder(distribution).build())) {
      int port = server.port();
      long firstPid = server.pid().orElseThrow();
      Jdbc.execute(
          server,
          "CREATE DATABASE kept",
          "CREATE TABLE kept.t (id INT PRIMARY KEY)",
          "INSERT INTO kept.t VALUES (1), (2)");

      server.restart();

      assertThat(server.port()).isEqualTo(port);
      assertThat(server.pid()).isPresent().isNotEqualTo(java.util.OptionalLong.of(firstPid));
      assertThat(ProcessHandle.of(firstPid).filter(ProcessHandle::isAlive)).isEmpty();
      assertThat(Jdbc.rows(server, "SELECT COUNT(*) AS n FROM kept.t").get(0).get("n"))
          .isEqualTo("2");

      server.stop();
      assertThat(server.isRunning()).isFalse();
      assertThat(server.pid()).isEmpty();
      assertThat(Files.exists(server.dataDir().resolve("kept"))).isTrue();

      server.start();
      assertThat(server.port()).isEqualTo(port);
      assertThat(Jdbc.rows(server, "SELECT COUNT(*) AS n FROM kept.t").get(0).get("n"))
          .isEqualTo("2");
    }
  }

  @ParameterizedTest
  @EnumSource(Distribution.class)
  void shouldLeaveNoProcessAndNoTemporaryDataAfterClose(Distribution distribution) {
    MariaDbServer server = MariaDbServer.start(MariaDbServerConfig.builder(distribution).build());
    long pid = server.pid().orElseThrow();
    Path dataDir = server.dataDir();
    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isPresent();

    server.close();

    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(dataDir).doesNotExist();
    assertThat(server.isRunning()).isFalse();
    server.close(); // idempotent
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldApplyMinimalSettingsAndKeepAPersistentDataDirAcrossServers() throws Exception {
    Path dataDir = temp.resolve("persistent");
    MariaDbServerConfig config =
        MariaDbServerConfig.builder(Distribution.BUNDLED)
            .dataDir(dataDir)
            .serverId(99)
            .rowMetadata(RowMetadata.MINIMAL)
            .rowImage("NOBLOB")
            .checksum(false)
            .serverArgs(List.of("--binlog-annotate-row-events=OFF"))
            .build();
    try (MariaDbServer first = MariaDbServer.start(config)) {
      assertThat(first.dataDir()).isEqualTo(dataDir);
      assertThat(Jdbc.variable(first, "binlog_row_metadata")).isEqualTo("MINIMAL");
      assertThat(Jdbc.variable(first, "binlog_row_image")).isEqualTo("NOBLOB");
      assertThat(Jdbc.variable(first, "binlog_checksum")).isEqualTo("NONE");
      assertThat(Jdbc.variable(first, "binlog_annotate_row_events")).isEqualTo("0");
      assertThat(Jdbc.variable(first, "server_id")).isEqualTo("99");
      Jdbc.execute(first, "CREATE DATABASE durable", "CREATE TABLE durable.t (id INT PRIMARY KEY)");
      Jdbc.execute(first, "INSERT INTO durable.t VALUES (7)");
    }
    assertThat(dataDir.resolve("durable")).isDirectory();

    try (MariaDbServer second = MariaDbServer.start(config)) {
      assertThat(Jdbc.rows(second, "SELECT id FROM durable.t").get(0).get("id")).isEqualTo("7");
    }
  }

  @Test
  void shouldReportTheServerLogWhenTheServerCannotStart() {
    MariaDbServerConfig config =
        MariaDbServerConfig.builder(Distribution.BUNDLED)
            .serverArgs(List.of("--no-such-option-for-hamal=1"))
            .build();

    assertThatThrownBy(() -> MariaDbServer.start(config))
        .isInstanceOfSatisfying(
            MariaDbStartException.class,
            e -> assertThat(e.logTail()).contains("no-such-option-for-hamal"))
        .hasMessageContaining("exited");
  }

  @Test
  void shouldRefuseAConfiguredPortThatIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      MariaDbServerConfig config =
          MariaDbServerConfig.builder(Distribution.SYSTEM).port(taken.getLocalPort()).build();

      assertThatThrownBy(() -> MariaDbServer.start(config))
          .isInstanceOf(MariaDbStartException.class)
          .hasMessageContaining("port " + taken.getLocalPort());
    }
  }

  @Test
  void shouldRefuseADataDirUsedByARunningServer() {
    Path dataDir = temp.resolve("shared");
    MariaDbServerConfig config =
        MariaDbServerConfig.builder(Distribution.BUNDLED).dataDir(dataDir).build();
    try (MariaDbServer running = MariaDbServer.start(config)) {
      long pid = running.pid().orElseThrow();

      assertThatThrownBy(() -> MariaDbServer.start(config))
          .isInstanceOf(MariaDbStartException.class)
          .hasMessageContaining("in use by server process " + pid);
      assertThat(running.isRunning()).isTrue();
    }
  }

  @Test
  void shouldStopTheServerWhenTheJvmExitsWithoutClose() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                StartAndExitWithoutClose.class.getName())
            .redirectErrorStream(true)
            .start();
    String line;
    String report = "";
    StringBuilder output = new StringBuilder();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      while ((line = out.readLine()) != null) {
        output.append(line).append('\n');
        if (line.startsWith(StartAndExitWithoutClose.REPORT)) {
          report = line;
        }
      }
    }
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(output.toString()).isZero();
    String[] parts = report.split(" ");
    assertThat(parts).as(output.toString()).hasSize(3);
    long pid = Long.parseLong(parts[1]);
    Path dataDir = Path.of(parts[2]);

    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(dataDir).doesNotExist();
  }
}
