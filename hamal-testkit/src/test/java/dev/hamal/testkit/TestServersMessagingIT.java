package dev.hamal.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.embedded.EmbeddedZooKeeper;
import dev.hamal.embedded.KafkaBroker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/** The shared ZooKeeper server and Kafka broker, and dedicated ones. */
class TestServersMessagingIT {

  @Test
  void shouldShareOneZooKeeperAndOneBrokerWithinTheJvm() throws Exception {
    EmbeddedZooKeeper zk = TestServers.zooKeeper();
    KafkaBroker kafka = TestServers.kafka();

    assertThat(TestServers.zooKeeper()).isSameAs(zk);
    assertThat(TestServers.kafka()).isSameAs(kafka);

    zk.close(); // JVM-scoped: nothing happens
    kafka.close();
    assertThat(zk.isRunning()).isTrue();
    assertThat(kafka.isRunning()).isTrue();

    ZooKeeper client = new ZooKeeper(zk.connectString(), 60_000, event -> {});
    try {
      client.exists("/", false);
      assertThat(client.getSessionTimeout())
          .isEqualTo((int) TestServers.ZOOKEEPER_MAX_SESSION.toMillis());
    } finally {
      client.close();
    }
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(
                      "testkit-shared", java.util.Optional.empty(), java.util.Optional.empty())))
          .all()
          .get(30, TimeUnit.SECONDS);
      assertThat(
              admin
                  .describeTopics(List.of("testkit-shared"))
                  .allTopicNames()
                  .get(30, TimeUnit.SECONDS)
                  .get("testkit-shared")
                  .partitions())
          .hasSize(TestServers.KAFKA_PARTITIONS);
    }
  }

  @Test
  void shouldStartADedicatedZooKeeperThatTheCallerCloses() {
    EmbeddedZooKeeper dedicated;
    try (EmbeddedZooKeeper zk = TestServers.dedicatedZooKeeper()) {
      dedicated = zk;
      assertThat(zk).isNotSameAs(TestServers.zooKeeper());
      assertThat(zk.port()).isNotEqualTo(TestServers.zooKeeper().port());
      zk.restart();
      assertThat(zk.isRunning()).isTrue();
    }
    assertThat(dedicated.isRunning()).isFalse();
    assertThat(TestServers.zooKeeper().isRunning()).isTrue();
  }
}
