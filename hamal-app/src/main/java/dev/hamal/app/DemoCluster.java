package dev.hamal.app;

import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.SslMode;
import dev.hamal.coordination.Coordinator;
import dev.hamal.coordination.CoordinatorConfig;
import dev.hamal.coordination.PipeDefinition;
import dev.hamal.coordination.PipePosition;
import dev.hamal.coordination.PipeStatus;
import dev.hamal.coordination.StartPosition;
import dev.hamal.embedded.EmbeddedZooKeeper;
import dev.hamal.embedded.EmbeddedZooKeeperConfig;
import dev.hamal.embedded.KafkaBroker;
import dev.hamal.embedded.KafkaBrokerConfig;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.MariaDbServerConfig;
import dev.hamal.listener.ListenerConfig;
import dev.hamal.listener.ListenerInstance;
import dev.hamal.order.BusinessLines;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * The demo's order center on one machine: an embedded MariaDB 11.4 holding the product lines, an
 * embedded ZooKeeper, a Kafka broker (its own JVM), and two listener instances in this JVM, each
 * with its own ZooKeeper session, sharing pipe {@code demo}. One of them owns the pipe; if it goes,
 * the other takes over from the committed position.
 *
 * <p>{@link #close()} stops in dependency order: the listeners hand the pipe off (committing what
 * Kafka acknowledged), then Kafka, ZooKeeper and the database stop.
 */
final class DemoCluster implements AutoCloseable {
  static final String PIPE = "demo";
  static final List<String> LINE_FILES =
      List.of(
          "business-lines/topup.yaml",
          "business-lines/fuelcard.yaml",
          "business-lines/ticket.yaml",
          "business-lines/gamecard.yaml");
  private static final String PASSWORD_VARIABLE = "HAMAL_DEMO_SOURCE_PASSWORD";

  private final MariaDbServer mariaDb;
  private final EmbeddedZooKeeper zooKeeper;
  private final KafkaBroker kafka;
  private final MariaDbDataSource dataSource;
  private final List<Coordinator> coordinators = new ArrayList<>();
  private final List<ListenerInstance> listeners = new ArrayList<>();
  private final PrintStream out;

  private DemoCluster(
      MariaDbServer mariaDb, EmbeddedZooKeeper zooKeeper, KafkaBroker kafka, PrintStream out)
      throws java.sql.SQLException {
    this.mariaDb = mariaDb;
    this.zooKeeper = zooKeeper;
    this.kafka = kafka;
    this.out = out;
    this.dataSource = new MariaDbDataSource(mariaDb.jdbcUrl(""));
    dataSource.setUser(mariaDb.adminUser());
    dataSource.setPassword(mariaDb.adminPassword());
  }

  /** Starts the three servers; on a failure, stops what was started and rethrows. */
  static DemoCluster start(Path dataDir, PrintStream out) throws Exception {
    MariaDbServerConfig.Builder db =
        MariaDbServerConfig.builder(MariaDbServer.Distribution.BUNDLED)
            .serverId(1)
            // on Ctrl-C the demo stops the simulator and the listeners, then the servers
            .exitGrace(Duration.ofSeconds(60));
    EmbeddedZooKeeperConfig.Builder zk =
        EmbeddedZooKeeperConfig.builder().exitGrace(Duration.ofSeconds(60));
    KafkaBrokerConfig.Builder broker =
        KafkaBrokerConfig.builder().exitGrace(Duration.ofSeconds(60));
    if (dataDir != null) {
      db.dataDir(dataDir.resolve("mariadb-11.4"));
      zk.dataDir(dataDir.resolve("zookeeper"));
      broker.dataDir(dataDir.resolve("kafka"));
    }
    MariaDbServer mariaDb = MariaDbServer.start(db.build());
    EmbeddedZooKeeper zooKeeper = null;
    KafkaBroker kafka = null;
    try {
      zooKeeper = EmbeddedZooKeeper.start(zk.build());
      kafka = KafkaBroker.start(broker.build());
      return new DemoCluster(mariaDb, zooKeeper, kafka, out);
    } catch (Exception | Error e) {
      closeQuietly(kafka);
      closeQuietly(zooKeeper);
      closeQuietly(mariaDb);
      throw e;
    }
  }

  MariaDbServer mariaDb() {
    return mariaDb;
  }

  EmbeddedZooKeeper zooKeeper() {
    return zooKeeper;
  }

  KafkaBroker kafka() {
    return kafka;
  }

  MariaDbDataSource dataSource() {
    return dataSource;
  }

  /** Creates the topics the console reads before anything is published to them. */
  void createTopics(List<String> topics) throws InterruptedException {
    try (Admin admin =
        Admin.create(
            Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      var existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String topic : topics) {
        if (!existing.contains(topic)) {
          missing.add(new NewTopic(topic, Optional.of(3), Optional.empty()));
        }
      }
      admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create the demo's topics " + topics, e);
    }
  }

  /**
   * Defines pipe {@code demo} (or points a kept one at this run's database port) and starts two
   * listener instances.
   */
  void startListeners(BinlogPosition start) throws Exception {
    BusinessLines lines =
        BusinessLines.loadResources(DemoCluster.class.getClassLoader(), LINE_FILES);
    PipeDefinition definition =
        PipeDefinition.builder(PIPE)
            .sourceUrl("mysql://127.0.0.1:" + mariaDb.port())
            .user(mariaDb.replicationUser())
            .passwordRef("env:" + PASSWORD_VARIABLE)
            .serverId(2_001)
            .reportHost("hamal-demo")
            .businessLines(lines.lines().stream().map(l -> l.name()).toList())
            .start(StartPosition.at(start.file(), start.position()))
            .build();
    for (String id : List.of("listener-1", "listener-2")) {
      Coordinator coordinator =
          Coordinator.connect(
              CoordinatorConfig.builder(zooKeeper.connectString())
                  .sessionTimeout(Duration.ofSeconds(6))
                  .connectionTimeout(Duration.ofSeconds(5))
                  .build());
      coordinators.add(coordinator);
      if (coordinators.size() == 1) {
        if (coordinator.pipes().find(PIPE).isPresent()) {
          coordinator.pipes().update(definition); // a kept data dir: the port may have changed
        } else {
          coordinator.pipes().add(definition);
        }
      }
      ListenerInstance listener =
          new ListenerInstance(
              ListenerConfig.builder(id, kafka.bootstrapServers())
                  .commitInterval(Duration.ofMillis(500))
                  .statusInterval(Duration.ofSeconds(2))
                  .sslMode(SslMode.DISABLED)
                  .topicPartitions(3)
                  .build(),
              lines,
              coordinator,
              new SimpleMeterRegistry(),
              Clock.systemUTC(),
              Map.of(PASSWORD_VARIABLE, mariaDb.replicationPassword()));
      listeners.add(listener);
      listener.start();
    }
  }

  /** The pipe's status as the cluster records it. */
  PipeStatus status() {
    return coordinators.get(0).pipes().status(PIPE);
  }

  /** Waits until the pipe's committed position reaches {@code end}, or the timeout. */
  boolean awaitCommitted(BinlogPosition end, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<PipePosition> committed = coordinators.get(0).positions().read(PIPE);
      if (committed.isPresent()
          && new BinlogPosition(committed.get().file(), committed.get().position()).compareTo(end)
              >= 0) {
        return true;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    out.println("hamal demo: the pipe did not reach " + end + " within " + timeout);
    return false;
  }

  @Override
  public void close() {
    for (ListenerInstance listener : listeners) {
      closeQuietly(listener);
    }
    for (Coordinator coordinator : coordinators) {
      closeQuietly(coordinator);
    }
    closeQuietly(kafka);
    closeQuietly(zooKeeper);
    closeQuietly(mariaDb);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      System.err.println("hamal demo: stopping " + closeable + " failed: " + e);
    }
  }
}
