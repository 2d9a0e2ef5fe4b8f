package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hamal.app.InProcessCli.Result;
import dev.hamal.binlog.SslMode;
import dev.hamal.coordination.Coordinator;
import dev.hamal.coordination.CoordinatorConfig;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.listener.ListenerConfig;
import dev.hamal.listener.ListenerInstance;
import dev.hamal.order.BusinessLines;
import dev.hamal.testkit.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hamal pipe ...} against the shared embedded ZooKeeper, run in process through picocli as a
 * user would type them; the running-pipe rules with a real listener instance (MariaDB 11.4, Kafka).
 * Each test has its own namespace.
 */
class PipeCommandsIT {
  private static final String PASSWORD_VARIABLE = "PIPE_COMMANDS_IT_PASSWORD";

  @TempDir Path dir;

  private final String zk = TestServers.zooKeeper().connectString();
  private final ObjectMapper json = new ObjectMapper();
  private String namespace;
  private String suffix;
  private ListenerInstance instance;
  private Coordinator coordinator;

  @BeforeEach
  void setUp() {
    suffix = UUID.randomUUID().toString().substring(0, 8);
    namespace = "pipe-commands-it-" + suffix;
  }

  @AfterEach
  void tearDown() {
    if (instance != null) {
      instance.close();
    }
    if (coordinator != null) {
      coordinator.close();
    }
  }

  private Result pipe(String... args) {
    return InProcessCli.pipe(zk, namespace, args);
  }

  private static void assertOneLineError(Result r, int exit) {
    assertThat(r.exit()).as(r.describe()).isEqualTo(exit);
    assertThat(r.err().strip().lines()).as(r.describe()).hasSize(1);
    assertThat(r.err()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void shouldAddListAndShowAPipeStoringOnlyThePasswordReference() throws Exception {
    Result add =
        pipe(
            "add", "orders-db",
            "--source", "mysql://DB1.example.com",
            "--user", "repl",
            "--password-env", "SHOP_PW",
            "--server-id", "6511",
            "--report-host", "hamal-1",
            "--business-line", "topup",
            "--business-line", "ticket",
            "--start", "mysql-bin.000003:4");
    assertThat(add.exit()).as(add.describe()).isZero();
    assertThat(add.out())
        .contains("pipe orders-db added: db1.example.com:3306 as server id 6511")
        .contains("topup, ticket")
        .contains("starts at mysql-bin.000003:4");
    Result second =
        pipe(
            "add", "secrets-db",
            "--source", "mysql://db2:3307",
            "--user", "repl",
            "--password-file", "/run/secrets/db2",
            "--server-id", "6511",
            "--business-line", "gamecard");
    assertThat(second.exit()).as(second.describe()).isZero();

    Result list = pipe("list");
    assertThat(list.exit()).as(list.describe()).isZero();
    assertThat(list.out().lines().toList())
        .first()
        .asString()
        .startsWith("NAME")
        .contains("STATE", "OWNER", "EPOCH", "POSITION", "LAG_S", "LAG_BYTES", "ROWS/S", "REASON");
    assertThat(list.out())
        .containsPattern("orders-db +UNASSIGNED +- +0 +start mysql-bin.000003:4 +- +- +-")
        .containsPattern("secrets-db +UNASSIGNED +- +0 +start latest");

    JsonNode array = json.readTree(pipe("list", "--json").out());
    assertThat(array).hasSize(2);
    assertThat(array.get(0).get("name").asText()).isEqualTo("orders-db");
    assertThat(array.get(0).get("state").asText()).isEqualTo("UNASSIGNED");
    assertThat(array.get(0).get("pendingStart").asText()).isEqualTo("mysql-bin.000003:4");
    assertThat(array.get(0).get("committed").isNull()).isTrue();
    assertThat(array.get(0).get("lagSeconds").isNull()).isTrue();

    Result show = pipe("show", "orders-db");
    assertThat(show.exit()).as(show.describe()).isZero();
    assertThat(show.out())
        .containsPattern("source +mysql://db1.example.com:3306")
        .containsPattern("password +env:SHOP_PW")
        .containsPattern("server id +6511")
        .containsPattern("report host +hamal-1")
        .containsPattern("business lines +topup, ticket")
        .containsPattern("state +UNASSIGNED");
    assertThat(pipe("show", "secrets-db").out()).containsPattern("password +file:/run/secrets/db2");

    JsonNode shown = json.readTree(pipe("show", "orders-db", "--json").out());
    assertThat(shown.at("/definition/passwordRef").asText()).isEqualTo("env:SHOP_PW");
    assertThat(shown.at("/definition/businessLines").toString())
        .isEqualTo("[\"topup\",\"ticket\"]");
    assertThat(shown.at("/status/state").asText()).isEqualTo("UNASSIGNED");
  }

  @Test
  void shouldRefuseADuplicatePipeNameAndASecondPipeOnTheSameSourceAndServerId() {
    String[] add = addArgs("dup", "mysql://db1:3306", "7");
    assertThat(pipe(add).exit()).isZero();

    Result again = pipe(add);
    assertOneLineError(again, 1);
    assertThat(again.err()).startsWith("hamal pipe add: a pipe named 'dup' already exists");

    Result sameSource = pipe(addArgs("other", "mysql://db1:3306", "7"));
    assertOneLineError(sameSource, 1);
    assertThat(sameSource.err()).contains("dup");
  }

  @Test
  void shouldReportAnUnknownPipeWithExitCodeOne() {
    for (String[] command :
        new String[][] {
          {"show", "nope"},
          {"pause", "nope"},
          {"resume", "nope"},
          {"remove", "nope"},
          {"reset-position", "nope", "--to", "latest"}
        }) {
      Result r = pipe(command);
      assertOneLineError(r, 1);
      assertThat(r.err()).as(r.describe()).contains("no pipe named 'nope' is defined");
    }
  }

  @Test
  void shouldRejectABadStartTextAsAUsageError() {
    Result add =
        pipe(
            "add", "p",
            "--source", "mysql://db1:3306",
            "--user", "repl",
            "--password-env", "PW",
            "--server-id", "1",
            "--business-line", "topup",
            "--start", "yesterday");
    assertOneLineError(add, 2);
    assertThat(add.err())
        .startsWith(
            "hamal pipe add: --start: start position 'yesterday' is not one of: earliest,"
                + " latest, FILE:POS, gtid:SET, timestamp:INSTANT");
    assertThat(pipe("list", "--json").out().strip()).isEqualTo("[]");

    assertThat(pipe(addArgs("p", "mysql://db1:3306", "1")).exit()).isZero();
    Result reset = pipe("reset-position", "p", "--to", "timestamp:noon");
    assertOneLineError(reset, 2);
    assertThat(reset.err()).contains("--to").contains("ISO-8601");
  }

  @Test
  void shouldRejectBadOptionsAsUsageErrors() {
    Result noPassword =
        pipe(
            "add",
            "p",
            "--source",
            "mysql://db1",
            "--user",
            "u",
            "--server-id",
            "1",
            "--business-line",
            "l");
    assertThat(noPassword.exit()).as(noPassword.describe()).isEqualTo(2);
    assertThat(noPassword.err()).contains("--password-env").contains("--password-file");

    Result badSource =
        pipe(
            "add",
            "p",
            "--source",
            "postgres://db1",
            "--user",
            "u",
            "--password-env",
            "X",
            "--server-id",
            "1",
            "--business-line",
            "l");
    assertOneLineError(badSource, 2);
    assertThat(badSource.err()).contains("--source: expected mysql://HOST[:PORT]");

    Result badName = pipe(addArgs("Bad Name", "mysql://db1", "1"));
    assertOneLineError(badName, 2);
    assertThat(badName.err()).contains("pipe name must match");

    Result noZooKeeper = InProcessCli.run("pipe", "list");
    if (System.getenv("HAMAL_ZOOKEEPER_CONNECT") == null) {
      assertOneLineError(noZooKeeper, 2);
      assertThat(noZooKeeper.err()).contains("--zookeeper").contains("HAMAL_ZOOKEEPER_CONNECT");
    }
  }

  @Test
  void shouldFailWithExitCodeOneWhenZooKeeperCannotBeReached() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Path config = dir.resolve("hamal.yaml");
    Files.writeString(
        config,
        """
        zookeeper:
          connect: 127.0.0.1:%d
          connection-timeout: 1s
        kafka:
          bootstrap-servers: 127.0.0.1:9092
        """
            .formatted(closed));
    Result r = InProcessCli.run("pipe", "list", "--config", config.toString());
    assertOneLineError(r, 1);
    assertThat(r.err()).contains("could not connect to ZooKeeper at 127.0.0.1:" + closed);
  }

  @Test
  void shouldPauseAndResumeAndRefuseResetAndRemoveWhileThePipeRuns() throws Exception {
    MariaDbServer server = TestServers.mariaDb114();
    String pipe = "running-" + suffix;
    String line = "line_" + suffix.replace('-', '_');
    String schema = "pipe_cmd_it_" + suffix.replace('-', '_');
    try (Connection c = admin(server);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + schema);
      s.execute(
          "CREATE TABLE "
              + schema
              + ".orders (id BIGINT PRIMARY KEY, status INT NOT NULL,"
              + " amount DECIMAL(10,2) NOT NULL, created DATETIME NOT NULL)");
    }
    try {
      Path lines = Files.createDirectory(dir.resolve("lines"));
      Files.writeString(
          lines.resolve("line.yaml"),
          """
          name: %s
          pipe: %s
          source: {schema: %s, tables: [orders]}
          order_id: id
          fields:
            status: {column: status, codes: {0: CREATED, 1: PAID}}
            total_amount: {column: amount, unit: yuan}
            created_at: created
          """
              .formatted(line, pipe, schema));

      Result add =
          pipe(
              "add",
              pipe,
              "--source",
              "mysql://127.0.0.1:" + server.port(),
              "--user",
              server.replicationUser(),
              "--password-env",
              PASSWORD_VARIABLE,
              "--server-id",
              Integer.toString(30_000 + (suffix.hashCode() & 0xfff)),
              "--business-line",
              line);
      assertThat(add.exit()).as(add.describe()).isZero();
      startInstance(BusinessLines.loadDirectory(lines), server);
      awaitState(pipe, "STARTING", "RUNNING");

      Result reset = pipe("reset-position", pipe, "--to", "latest");
      assertOneLineError(reset, 1);
      assertThat(reset.err())
          .startsWith("hamal pipe reset-position: pipe '" + pipe + "' is running on instance")
          .contains("Pause it first");
      Result remove = pipe("remove", pipe);
      assertOneLineError(remove, 1);
      assertThat(remove.err()).contains("is running on instance");

      assertThat(pipe("pause", pipe).out()).contains("pipe " + pipe + " paused");
      awaitState(pipe, "PAUSED");
      await().atMost(Duration.ofSeconds(20)).until(() -> instance.runningPipes().isEmpty());

      Result resetPaused = pipe("reset-position", pipe, "--to", "latest");
      assertThat(resetPaused.exit()).as(resetPaused.describe()).isZero();
      assertThat(pipe("show", pipe).out()).containsPattern("pending start +latest");

      assertThat(pipe("resume", pipe).exit()).isZero();
      awaitState(pipe, "STARTING", "RUNNING");
      assertThat(pipe("list").out()).containsPattern(pipe + " +(STARTING|RUNNING) +it-" + suffix);

      assertThat(pipe("pause", pipe).exit()).isZero();
      awaitState(pipe, "PAUSED");
      Result removed = pipe("remove", pipe);
      assertThat(removed.exit()).as(removed.describe()).isZero();
      assertThat(pipe("list", "--json").out().strip()).isEqualTo("[]");
    } finally {
      try (Connection c = admin(server);
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + schema);
      }
    }
  }

  private void startInstance(BusinessLines lines, MariaDbServer server) {
    coordinator = Coordinator.connect(CoordinatorConfig.builder(zk).namespace(namespace).build());
    ListenerConfig config =
        ListenerConfig.builder("it-" + suffix, TestServers.kafka().bootstrapServers())
            .commitInterval(Duration.ofMillis(200))
            .statusInterval(Duration.ofMillis(500))
            .sslMode(SslMode.DISABLED)
            .decodeThreads(1)
            .build();
    instance =
        new ListenerInstance(
            config,
            lines,
            coordinator,
            new SimpleMeterRegistry(),
            Clock.systemUTC(),
            Map.of(PASSWORD_VARIABLE, server.replicationPassword()));
    instance.start();
  }

  private void awaitState(String pipe, String... states) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> {
          Result r = pipe("list", "--json");
          assertThat(r.exit()).as(r.describe()).isZero();
          JsonNode status = json.readTree(r.out()).get(0);
          assertThat(status.get("state").asText()).as(r.out()).isIn((Object[]) states);
        });
  }

  private static String[] addArgs(String name, String source, String serverId) {
    return new String[] {
      "add",
      name,
      "--source",
      source,
      "--user",
      "repl",
      "--password-env",
      "PW",
      "--server-id",
      serverId,
      "--business-line",
      "topup"
    };
  }

  private static Connection admin(MariaDbServer server) throws Exception {
    Properties p = new Properties();
    p.setProperty("user", server.adminUser());
    p.setProperty("password", server.adminPassword());
    return DriverManager.getConnection(server.jdbcUrl(""), p);
  }
}
