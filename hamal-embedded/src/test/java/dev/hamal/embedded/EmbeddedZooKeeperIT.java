package dev.hamal.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real ZooKeeper server in process, used through Curator. */
class EmbeddedZooKeeperIT {

  @TempDir Path temp;

  private static CuratorFramework connect(EmbeddedZooKeeper zk, Duration sessionTimeout)
      throws InterruptedException {
    CuratorFramework client =
        CuratorFrameworkFactory.builder()
            .connectString(zk.connectString())
            .sessionTimeoutMs((int) sessionTimeout.toMillis())
            .connectionTimeoutMs(2_000)
            .retryPolicy(new ExponentialBackoffRetry(100, 10, 500))
            .build();
    client.start();
    assertThat(client.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
    return client;
  }

  @Test
  void shouldServeCuratorAndKeepPersistentDataAcrossRestart() throws Exception {
    EmbeddedZooKeeperConfig config =
        EmbeddedZooKeeperConfig.builder().dataDir(temp.resolve("zk")).build();
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(config);
        CuratorFramework client = connect(zk, Duration.ofSeconds(10))) {
      int port = zk.port();
      client
          .create()
          .creatingParentsIfNeeded()
          .forPath("/hamal/pipes/p1", "owner-a".getBytes(StandardCharsets.UTF_8));

      zk.restart();

      assertThat(zk.port()).isEqualTo(port);
      assertThat(client.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
      assertThat(new String(client.getData().forPath("/hamal/pipes/p1"), StandardCharsets.UTF_8))
          .isEqualTo("owner-a");
    }
    // a new server on the same directory sees the same data
    try (EmbeddedZooKeeper again = EmbeddedZooKeeper.start(config);
        CuratorFramework client = connect(again, Duration.ofSeconds(10))) {
      assertThat(client.checkExists().forPath("/hamal/pipes/p1")).isNotNull();
    }
    assertThat(temp.resolve("zk").resolve(EmbeddedZooKeeper.SNAPSHOT_DIR)).isDirectory();
  }

  @Test
  void shouldExpireASessionAndDropItsEphemeralNodes() throws Exception {
    EmbeddedZooKeeperConfig config =
        EmbeddedZooKeeperConfig.builder()
            .tickTime(Duration.ofMillis(200))
            .sessionTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(6))
            .build();
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(config);
        CuratorFramework owner = connect(zk, Duration.ofSeconds(30));
        CuratorFramework observer = connect(zk, Duration.ofSeconds(4))) {
      assertThat(owner.getZookeeperClient().getZooKeeper().getSessionTimeout())
          .as("the server caps session timeouts at maxSessionTimeout")
          .isEqualTo(6_000);
      BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();
      owner.getConnectionStateListenable().addListener((c, state) -> states.add(state));
      owner.create().withMode(CreateMode.EPHEMERAL).forPath("/owner", new byte[0]);
      long session = owner.getZookeeperClient().getZooKeeper().getSessionId();

      assertThat(zk.expireSession(session)).isTrue();

      assertThat(states.poll(10, TimeUnit.SECONDS)).isEqualTo(ConnectionState.SUSPENDED);
      assertThat(states.poll(10, TimeUnit.SECONDS)).isEqualTo(ConnectionState.LOST);
      assertThat(observer.checkExists().forPath("/owner")).isNull();
      assertThat(states.poll(10, TimeUnit.SECONDS)).isEqualTo(ConnectionState.RECONNECTED);
      assertThat(owner.getZookeeperClient().getZooKeeper().getSessionId()).isNotEqualTo(session);
      assertThat(zk.expireSession(session)).isFalse();
    }
  }

  @Test
  void shouldExpireTheSessionOfAClientThatDiedWhileTheServerWasDown() throws Exception {
    EmbeddedZooKeeperConfig config =
        EmbeddedZooKeeperConfig.builder()
            .tickTime(Duration.ofMillis(200))
            .sessionTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(6))
            .build();
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(config)) {
      CuratorFramework dead = connect(zk, Duration.ofSeconds(2));
      dead.create().withMode(CreateMode.EPHEMERAL).forPath("/dead", new byte[0]);

      zk.stop();
      dead.close(); // cannot tell the stopped server: its session outlives it
      zk.start();

      try (CuratorFramework observer = connect(zk, Duration.ofSeconds(6))) {
        long restarted = System.nanoTime();
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> observer.checkExists().forPath("/dead") == null);
        assertThat(Duration.ofNanos(System.nanoTime() - restarted))
            .isLessThan(Duration.ofSeconds(6));
      }
    }
  }

  @Test
  void shouldLeaveNothingAfterCloseAndRefuseATakenPort() throws Exception {
    EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(EmbeddedZooKeeperConfig.builder().build());
    Path dataDir = zk.dataDir();
    int port = zk.port();

    assertThatThrownBy(
            () -> EmbeddedZooKeeper.start(EmbeddedZooKeeperConfig.builder().port(port).build()))
        .isInstanceOf(EmbeddedZooKeeperException.class)
        .hasMessageContaining("port " + port);

    zk.close();
    assertThat(dataDir).doesNotExist();
    assertThat(Ports.isFree(port)).isTrue();
    zk.close(); // idempotent
    assertThatThrownBy(zk::start).isInstanceOf(IllegalStateException.class);
  }
}
