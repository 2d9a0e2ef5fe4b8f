package dev.hamal.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hamal.coordination.Coordinator;
import dev.hamal.coordination.CoordinatorConfig;
import dev.hamal.coordination.PipeDefinition;
import dev.hamal.coordination.PipePosition;
import dev.hamal.coordination.PipeState;
import dev.hamal.coordination.PipeStatus;
import dev.hamal.coordination.StartPosition;
import dev.hamal.embedded.MariaDbServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * One test's cluster of {@link ListenerProcess}es on given servers: its own ZooKeeper namespace,
 * source schema (the {@link OrderWriter}'s tables), business line, topic and pipe. The pipe reads
 * the source at {@code pipeHost:pipePort}, which may be a fault proxy in front of the server.
 */
final class ChaosCluster implements AutoCloseable {
  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(4);
  static final String PASSWORD_VARIABLE = "HAMAL_CHAOS_SOURCE_PASSWORD";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  final String suffix = UUID.randomUUID().toString().substring(0, 6);
  final String schema = "chaos_" + suffix;
  final String pipe = "chaos-" + suffix;
  final String line = "chaos_" + suffix;
  final String namespace = "chaos-" + suffix;
  final Coordinator coordinator;

  private final String zooKeeperConnect;
  private final String kafkaBootstrap;
  private final MariaDbServer source;
  private final Path dir;
  private final List<InstanceProcess> processes = new ArrayList<>();

  ChaosCluster(String zooKeeperConnect, String kafkaBootstrap, MariaDbServer source, Path dir)
      throws IOException, SQLException {
    this.zooKeeperConnect = zooKeeperConnect;
    this.kafkaBootstrap = kafkaBootstrap;
    this.source = source;
    this.dir = dir;
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      for (String ddl : OrderWriter.ddl(schema)) {
        s.execute(ddl);
      }
    }
    Files.createDirectories(dir.resolve("lines"));
    Files.writeString(
        dir.resolve("lines").resolve(line + ".yaml"), OrderWriter.businessLine(line, pipe, schema));
    coordinator =
        Coordinator.connect(
            CoordinatorConfig.builder(zooKeeperConnect).namespace(namespace).build());
  }

  /**
   * Defines the pipe, reading the source at the given address from the current end of its binlog.
   */
  void addPipe(String host, int port) throws SQLException {
    String[] start = masterStatus().split(":");
    coordinator
        .pipes()
        .add(
            PipeDefinition.builder(pipe)
                .sourceUrl("mysql://" + host + ":" + port)
                .user(source.replicationUser())
                .passwordRef("env:" + PASSWORD_VARIABLE)
                .serverId(40_000 + SEQUENCE.incrementAndGet())
                .businessLines(List.of(line))
                .start(StartPosition.at(start[0], Long.parseLong(start[1])))
                .build());
  }

  InstanceProcess startProcess(String id, String heap) {
    InstanceProcess p =
        InstanceProcess.start(
            id,
            heap,
            List.of(
                "zookeeper=" + zooKeeperConnect,
                "namespace=" + namespace,
                "session-timeout=" + SESSION_TIMEOUT.toMillis(),
                "kafka=" + kafkaBootstrap,
                "lines=" + dir.resolve("lines")),
            PASSWORD_VARIABLE,
            source.replicationPassword(),
            dir);
    processes.add(p);
    return p;
  }

  /** Starts processes and waits until the pipe runs on one of them; returns them. */
  List<InstanceProcess> startProcesses(int count) {
    List<InstanceProcess> started = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      started.add(startProcess("i" + (char) ('a' + i) + "-" + suffix, "192m"));
    }
    await("the pipe running on one of " + started)
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(status().state()).isEqualTo(PipeState.RUNNING));
    return started;
  }

  OrderWriter writer(int rowsPerSecond, long seed) {
    return new OrderWriter(
        source.jdbcUrl(""),
        source.adminUser(),
        source.adminPassword(),
        schema,
        rowsPerSecond,
        seed);
  }

  PipeStatus status() {
    return coordinator.pipes().status(pipe);
  }

  Optional<String> owner() {
    return status().owner();
  }

  /** The process owning the pipe now. */
  InstanceProcess ownerProcess() {
    String id = owner().orElseThrow(() -> new AssertionError("the pipe has no owner: " + status()));
    long pid = coordinator.membership().member(id).orElseThrow().pid();
    return processes.stream()
        .filter(p -> p.id().equals(id))
        .peek(p -> assertThat(p.pid()).as("pid of %s in /instances", id).isEqualTo(pid))
        .findFirst()
        .orElseThrow();
  }

  Optional<PipePosition> committed() {
    return coordinator.positions().read(pipe);
  }

  /** The ZooKeeper session id that holds the pipe's owner node. */
  long ownerSessionId() throws Exception {
    ZooKeeper zk = new ZooKeeper(zooKeeperConnect, 10_000, event -> {});
    try {
      Stat stat = zk.exists("/" + namespace + "/owners/" + pipe, false);
      assertThat(stat).as("owner node of %s", pipe).isNotNull();
      return stat.getEphemeralOwner();
    } finally {
      zk.close();
    }
  }

  /** Waits until the committed position is the source's end of binlog (everything acknowledged). */
  String awaitCaughtUp(Duration atMost) throws SQLException {
    String end = masterStatus();
    await("committed position of " + pipe + " reaching " + end)
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> {
          assertThat(committed().map(p -> p.file() + ":" + p.position())).contains(end);
        });
    return end;
  }

  String topic() {
    return Topics.defaults().forLine(line);
  }

  String orderIdPrefix() {
    return line + ":";
  }

  String masterStatus() throws SQLException {
    try (Connection c = admin();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SHOW MASTER STATUS")) {
      r.next();
      return r.getString(1) + ":" + r.getLong(2);
    }
  }

  Connection admin() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", source.adminUser());
    p.setProperty("password", source.adminPassword());
    return DriverManager.getConnection(source.jdbcUrl(""), p);
  }

  /** Compares two {@code file:pos} positions of one server (files sort by their number). */
  static int compare(PipePosition a, PipePosition b) {
    int files = a.file().compareTo(b.file());
    return files != 0 ? files : Long.compare(a.position(), b.position());
  }

  @Override
  public void close() {
    for (InstanceProcess p : processes) {
      p.close();
    }
    coordinator.close();
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + schema);
    } catch (SQLException e) {
      // the server may be down after a failed test; its data dir goes with it
    }
  }
}
