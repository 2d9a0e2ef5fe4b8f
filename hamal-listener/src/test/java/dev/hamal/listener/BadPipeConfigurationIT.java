package dev.hamal.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hamal.binlog.SslMode;
import dev.hamal.coordination.Coordinator;
import dev.hamal.coordination.CoordinatorConfig;
import dev.hamal.coordination.PipeConflictException;
import dev.hamal.coordination.PipeDefinition;
import dev.hamal.coordination.PipeState;
import dev.hamal.coordination.PipeStatus;
import dev.hamal.coordination.StartPosition;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.order.BusinessLines;
import dev.hamal.testkit.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad configuration hits one pipe, never its neighbours: a mapping naming a column the table does
 * not have, a source nobody listens on, a pipe defined twice. One listener instance in this JVM,
 * two pipes on the shared MariaDB (distinct replica server ids), shared ZooKeeper and Kafka.
 */
class BadPipeConfigurationIT {
  private static final String PASSWORD_VARIABLE = "BAD_CONFIG_IT_PASSWORD";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  @TempDir Path dir;

  private final MariaDbServer server = TestServers.mariaDb114();
  private final String suffix = UUID.randomUUID().toString().substring(0, 6);
  private final List<String> schemas = new ArrayList<>();
  private Coordinator coordinator;
  private ListenerInstance instance;

  @BeforeEach
  void setUp() {
    coordinator =
        Coordinator.connect(
            CoordinatorConfig.builder(TestServers.zooKeeper().connectString())
                .namespace("bad-config-" + suffix)
                .build());
  }

  @AfterEach
  void tearDown() throws SQLException {
    if (instance != null) {
      instance.close();
    }
    coordinator.close();
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      for (String schema : schemas) {
        s.execute("DROP DATABASE IF EXISTS " + schema);
      }
    }
  }

  @Test
  void shouldFailOnlyThePipeWhoseMappingNamesAnUnknownColumn() throws Exception {
    Pipe bad = pipe("bad", "  flavour: no_such_column\n");
    Pipe good = pipe("good", "");
    addPipe(bad, "mysql://127.0.0.1:" + server.port(), true);
    addPipe(good, "mysql://127.0.0.1:" + server.port(), true);
    startInstance();
    awaitState(good, PipeState.RUNNING);

    insertOrder(bad, 1);
    insertOrder(good, 1);

    await("pipe " + bad.name + " FAILED naming the column")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> {
          PipeStatus status = coordinator.pipes().status(bad.name);
          assertThat(status.state()).isEqualTo(PipeState.FAILED);
          assertThat(status.reason()).get().asString().contains("no_such_column");
        });
    System.out.println(
        "[chaos] unknown column: " + coordinator.pipes().status(bad.name).reason().orElseThrow());

    insertOrder(good, 2);
    awaitCaughtUp(good);
    assertThat(coordinator.pipes().status(good.name).state()).isEqualTo(PipeState.RUNNING);
    assertThat(instance.runningPipes()).containsExactly(good.name);
    assertThat(TopicHistory.read(TestServers.kafka().bootstrapServers(), good.topic()).records())
        .as("the good pipe published both orders")
        .isEqualTo(2);
  }

  @Test
  void shouldReportAnUnreachableSourceWhileOtherPipesKeepRunning() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Pipe unreachable = pipe("gone", "");
    Pipe good = pipe("good", "");
    addPipe(unreachable, "mysql://127.0.0.1:" + closedPort, false);
    addPipe(good, "mysql://127.0.0.1:" + server.port(), true);
    startInstance();

    await("pipe " + unreachable.name + " reported with a reason naming the source")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> {
          PipeStatus status = coordinator.pipes().status(unreachable.name);
          assertThat(status.state()).isEqualTo(PipeState.FAILED);
          assertThat(status.reason())
              .get()
              .asString()
              .contains("127.0.0.1:" + closedPort)
              .contains("Connection refused");
        });
    System.out.println(
        "[chaos] unreachable source: "
            + coordinator.pipes().status(unreachable.name).reason().orElseThrow());

    awaitState(good, PipeState.RUNNING);
    insertOrder(good, 1);
    awaitCaughtUp(good);
    assertThat(TopicHistory.read(TestServers.kafka().bootstrapServers(), good.topic()).records())
        .isEqualTo(1);
  }

  @Test
  void shouldRefuseADuplicatePipeNamingTheExistingOne() throws Exception {
    Pipe first = pipe("first", "");
    addPipe(first, "mysql://127.0.0.1:" + server.port(), true);

    assertThatThrownBy(() -> addPipe(first, "mysql://127.0.0.1:" + server.port(), true))
        .isInstanceOf(PipeConflictException.class)
        .hasMessageContaining(first.name);
    System.out.println(
        "[chaos] duplicate name: "
            + catchMessage(() -> addPipe(first, "mysql://127.0.0.1:" + server.port(), true)));

    PipeDefinition sameSource =
        PipeDefinition.builder("other-" + suffix)
            .sourceUrl("mysql://127.0.0.1:" + server.port())
            .user(server.replicationUser())
            .passwordRef("env:" + PASSWORD_VARIABLE)
            .serverId(first.serverId)
            .businessLines(List.of(first.line))
            .build();
    assertThatThrownBy(() -> coordinator.pipes().add(sameSource))
        .isInstanceOf(PipeConflictException.class)
        .hasMessageContaining(first.name);
    assertThat(coordinator.pipes().list()).extracting(PipeDefinition::name).contains(first.name);
    assertThat(coordinator.pipes().list())
        .extracting(PipeDefinition::name)
        .doesNotContain(sameSource.name());
  }

  // ---- helpers ------------------------------------------------------------------------------

  private record Pipe(String name, String schema, String line, long serverId) {
    String topic() {
      return Topics.defaults().forLine(line);
    }
  }

  /** A pipe's schema and business-line file; {@code extraExt} lines are added to its ext block. */
  private Pipe pipe(String role, String extraExt) throws Exception {
    String schema = "bad_config_" + role + "_" + suffix;
    String name = "bad-config-" + role + "-" + suffix;
    String line = "bad_config_" + role + "_" + suffix;
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      for (String ddl : OrderWriter.ddl(schema)) {
        s.execute(ddl);
      }
    }
    schemas.add(schema);
    Files.writeString(
        dir.resolve(line + ".yaml"), OrderWriter.businessLine(line, name, schema) + extraExt);
    return new Pipe(name, schema, line, 50_000 + SEQUENCE.incrementAndGet());
  }

  private void addPipe(Pipe pipe, String url, boolean startAtEnd) throws SQLException {
    PipeDefinition.Builder definition =
        PipeDefinition.builder(pipe.name)
            .sourceUrl(url)
            .user(server.replicationUser())
            .passwordRef("env:" + PASSWORD_VARIABLE)
            .serverId(pipe.serverId)
            .businessLines(List.of(pipe.line));
    if (startAtEnd) {
      String[] end = masterStatus().split(":");
      definition.start(StartPosition.at(end[0], Long.parseLong(end[1])));
    }
    coordinator.pipes().add(definition.build());
  }

  private void startInstance() throws Exception {
    instance =
        new ListenerInstance(
            ListenerConfig.builder("bad-config-" + suffix, TestServers.kafka().bootstrapServers())
                .commitInterval(Duration.ofMillis(200))
                .statusInterval(Duration.ofMillis(500))
                .topicPartitions(3)
                .sslMode(SslMode.DISABLED)
                .build(),
            BusinessLines.loadDirectory(dir),
            coordinator,
            new SimpleMeterRegistry(),
            Clock.systemUTC(),
            Map.of(PASSWORD_VARIABLE, server.replicationPassword()));
    instance.start();
  }

  private void insertOrder(Pipe pipe, long id) throws SQLException {
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO "
              + pipe.schema
              + "."
              + OrderWriter.table(id)
              + " VALUES ("
              + id
              + ", 7, 0, 1.00, 0, '2026-11-24 10:00:00.000')");
    }
  }

  private void awaitState(Pipe pipe, PipeState state) {
    await("pipe " + pipe.name + " " + state)
        .atMost(Duration.ofSeconds(30))
        .until(() -> coordinator.pipes().status(pipe.name).state() == state);
  }

  private void awaitCaughtUp(Pipe pipe) throws SQLException {
    String end = masterStatus();
    await("pipe " + pipe.name + " committing " + end)
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> {
          assertThat(
                  coordinator.positions().read(pipe.name).map(p -> p.file() + ":" + p.position()))
              .contains(end);
        });
  }

  private static String catchMessage(ThrowingRunnable action) {
    try {
      action.run();
      return "(nothing thrown)";
    } catch (Exception e) {
      return e.getMessage();
    }
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private String masterStatus() throws SQLException {
    try (Connection c = admin();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SHOW MASTER STATUS")) {
      r.next();
      return r.getString(1) + ":" + r.getLong(2);
    }
  }

  private Connection admin() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", server.adminUser());
    p.setProperty("password", server.adminPassword());
    return DriverManager.getConnection(server.jdbcUrl(""), p);
  }
}
