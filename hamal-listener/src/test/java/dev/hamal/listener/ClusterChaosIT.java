package dev.hamal.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hamal.coordination.PipePosition;
import dev.hamal.coordination.PipeState;
import dev.hamal.embedded.EmbeddedZooKeeper;
import dev.hamal.embedded.KafkaBroker;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.MariaDbServerConfig;
import dev.hamal.testkit.FaultProxy;
import dev.hamal.testkit.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos against a cluster of listener instances, each an OS process of its own ({@link
 * ListenerProcess}), on a dedicated ZooKeeper, Kafka broker and MariaDB 11.4 (so this class may
 * restart, kill and expire them). The pipe reads the source through a {@link FaultProxy}.
 *
 * <p>Each test runs one fault while an {@link OrderWriter} writes a known history of orders (about
 * 300 row changes a second, transactions of 1-20 rows), then stops the writer, waits until the
 * committed position is the end of the source's binlog, reads every message of the line's topic and
 * proves with {@link TopicHistory#assertDelivers}: every change at least once, per-order order, and
 * exactly the source's history after dropping messages that are not newer than the last one seen.
 *
 * <p>ZooKeeper sessions are 4 s, so a dead owner's pipe must move within 4 s + 5 s.
 */
class ClusterChaosIT {
  private static final int ROWS_PER_SECOND = 300;
  private static final Duration TAKEOVER_LIMIT =
      ChaosCluster.SESSION_TIMEOUT.plus(Duration.ofSeconds(5));

  private static EmbeddedZooKeeper zooKeeper;
  private static KafkaBroker kafka;
  private static MariaDbServer source;
  private static FaultProxy proxy;

  @TempDir Path dir;
  private ChaosCluster cluster;
  private OrderWriter writer;

  @BeforeAll
  static void startServers() {
    zooKeeper = TestServers.dedicatedZooKeeper();
    kafka = TestServers.dedicatedKafka();
    source =
        TestServers.dedicated(
            MariaDbServerConfig.builder(MariaDbServer.Distribution.BUNDLED).serverId(4114).build());
    proxy = FaultProxy.start(source);
  }

  @AfterAll
  static void stopServers() {
    for (AutoCloseable server : new AutoCloseable[] {proxy, source, kafka, zooKeeper}) {
      try {
        if (server != null) {
          server.close();
        }
      } catch (Exception e) {
        // closing the rest anyway
      }
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    cluster = new ChaosCluster(zooKeeper.connectString(), kafka.bootstrapServers(), source, dir);
    cluster.addPipe(proxy.host(), proxy.port());
  }

  @AfterEach
  void tearDown() throws Exception {
    proxy.resume();
    proxy.clearFaults();
    if (writer != null) {
      try {
        writer.stop();
      } catch (AssertionError e) {
        // the test reported it already, or fails for another reason
      }
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void shouldResumeFromCommittedPositionAfterOwnerIsKilled() throws Exception {
    cluster.startProcesses(3);
    startWriter(1);
    awaitRows(1_200);

    InstanceProcess owner = cluster.ownerProcess();
    long killedAt = System.nanoTime();
    owner.kill9();
    PipePosition committedAtDeath = cluster.committed().orElseThrow();
    Duration takeover = awaitTakeoverFrom(owner.id(), killedAt);
    System.out.printf(
        "[chaos] kill -9 of %s: %s took over after %d ms%n",
        owner.id(), cluster.owner().orElseThrow(), takeover.toMillis());
    assertThat(takeover).isLessThanOrEqualTo(TAKEOVER_LIMIT);

    InstanceProcess successor = cluster.ownerProcess();
    Pattern starts =
        Pattern.compile(
            "pipe " + Pattern.quote(cluster.pipe) + " \\(epoch \\d+\\) starts at (\\S+) ");
    await("the successor logging where it starts")
        .atMost(Duration.ofSeconds(10))
        .until(() -> successor.logMatches(starts));
    Matcher m = starts.matcher(successor.log());
    assertThat(m.find()).isTrue();
    assertThat(m.group(1))
        .as("the successor resumes from the committed position")
        .isEqualTo(committedAtDeath.file() + ":" + committedAtDeath.position());

    awaitRows(writer.rowsWritten() + 1_500);
    verifyDelivery("kill -9");
  }

  @Test
  void shouldStopPublishingWhenTheOwnersZooKeeperSessionExpires() throws Exception {
    cluster.startProcesses(2);
    startWriter(2);
    awaitRows(1_200);

    InstanceProcess owner = cluster.ownerProcess();
    long session = cluster.ownerSessionId();
    assertThat(zooKeeper.expireSession(session)).as("session %x expired", session).isTrue();
    long expiredAt = System.nanoTime();

    Pattern stopped = stoppedAfterLosingOwnership(cluster.pipe);
    await("the old owner stopping the pipe after its session expired")
        .atMost(TAKEOVER_LIMIT)
        .until(() -> owner.logMatches(stopped));
    await("an owner running the pipe again")
        .atMost(TAKEOVER_LIMIT)
        .until(() -> cluster.status().state() == PipeState.RUNNING);
    System.out.printf(
        "[chaos] session expiry of %s: pipe running again on %s after %d ms; old owner's log: %s%n",
        owner.id(),
        cluster.owner().orElseThrow(),
        Duration.ofNanos(System.nanoTime() - expiredAt).toMillis(),
        lines(owner.log(), "pipe " + cluster.pipe));

    awaitRows(writer.rowsWritten() + 1_200);
    verifyDelivery("session expiry");
  }

  @Test
  void shouldKeepDeliveringWhenTheKafkaBrokerRestarts() throws Exception {
    cluster.startProcesses(2);
    startWriter(3);
    awaitRows(1_200);
    String owner = cluster.owner().orElseThrow();

    long before = System.nanoTime();
    kafka.restart();
    System.out.printf(
        "[chaos] Kafka broker restarted in %d ms%n",
        Duration.ofNanos(System.nanoTime() - before).toMillis());

    awaitRows(writer.rowsWritten() + 1_500);
    assertThat(cluster.status().state()).isEqualTo(PipeState.RUNNING);
    assertThat(cluster.owner())
        .as("a broker restart is no reason to move the pipe")
        .contains(owner);
    verifyDelivery("Kafka restart");
  }

  @Test
  void shouldResumeAfterTheSourceServerRestarts() throws Exception {
    cluster.startProcesses(2);
    startWriter(4);
    awaitRows(1_200);
    InstanceProcess owner = cluster.ownerProcess();
    String fileBefore = cluster.masterStatus().split(":")[0];

    source.restart();
    assertThat(cluster.masterStatus().split(":")[0])
        .as("a restarted server writes a new binlog file")
        .isNotEqualTo(fileBefore);

    awaitRows(writer.rowsWritten() + 1_500);
    assertThat(owner.log()).contains("reconnecting in");
    assertThat(writer.failedCommits()).as("the writer saw the restart").isPositive();
    verifyDelivery("source restart");
  }

  @Test
  void shouldResumeAfterTheNetworkToTheSourceIsCut() throws Exception {
    cluster.startProcesses(2);
    startWriter(5);
    awaitRows(1_000);
    InstanceProcess owner = cluster.ownerProcess();

    proxy.blackhole(); // a dead path: nothing flows, nothing closes
    awaitRows(writer.rowsWritten() + 900); // about 3 s of writes the listener cannot see
    proxy.cutAll(); // then the connection is reset
    proxy.resume();
    awaitRows(writer.rowsWritten() + 600);
    assertThat(proxy.cutAll()).as("the listener reconnected through the proxy").isPositive();
    awaitRows(writer.rowsWritten() + 900);

    assertThat(owner.log()).contains("reconnecting in");
    verifyDelivery("network cut");
  }

  @Test
  void shouldNotLetAPausedOldOwnerCommitOrPublishUnderItsOldEpoch() throws Exception {
    cluster.startProcesses(2);
    startWriter(6);
    awaitRows(1_200);

    List<String> backwards = new ArrayList<>();
    AtomicBoolean polling = new AtomicBoolean(true);
    Thread poller =
        Thread.ofVirtual()
            .start(() -> {
              PipePosition last = null;
              while (polling.get()) {
                Optional<PipePosition> now = cluster.committed();
                if (now.isPresent()) {
                  if (last != null && ChaosCluster.compare(now.get(), last) < 0) {
                    synchronized (backwards) {
                      backwards.add(last + " -> " + now.get());
                    }
                  }
                  last = now.get();
                }
                try {
                  Thread.sleep(50); // sampling period of the poll
                } catch (InterruptedException e) {
                  return;
                }
              }
            });

    InstanceProcess owner = cluster.ownerProcess();
    owner.pause();
    long pausedAt = System.nanoTime();
    PipePosition atPause = cluster.committed().orElseThrow();
    try {
      Duration takeover = awaitTakeoverFrom(owner.id(), pausedAt);
      System.out.printf(
          "[chaos] SIGSTOP of %s: %s took over after %d ms%n",
          owner.id(), cluster.owner().orElseThrow(), takeover.toMillis());
      assertThat(takeover).isLessThanOrEqualTo(TAKEOVER_LIMIT);
      await("the new owner committing past the paused owner's position")
          .atMost(Duration.ofSeconds(20))
          .until(() -> ChaosCluster.compare(cluster.committed().orElseThrow(), atPause) > 0);
    } finally {
      owner.resume();
    }

    await("the old owner noticing it lost the pipe and stopping")
        .atMost(Duration.ofSeconds(20))
        .until(() -> owner.logMatches(stoppedAfterLosingOwnership(cluster.pipe)));
    assertThat(owner.isAlive()).isTrue();
    System.out.printf(
        "[chaos] old owner %s after SIGCONT: %s%n",
        owner.id(), lines(owner.log(), "pipe " + cluster.pipe));

    awaitRows(writer.rowsWritten() + 1_200);
    verifyDelivery("SIGSTOP / SIGCONT");
    polling.set(false);
    poller.join();
    assertThat(backwards).as("committed position moving backwards").isEmpty();
  }

  // ---- helpers ------------------------------------------------------------------------------

  private void startWriter(long seed) {
    writer = cluster.writer(ROWS_PER_SECOND, seed);
    writer.start();
  }

  private void awaitRows(long rows) {
    await("the writer reaching " + rows + " row changes")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> writer.rowsWritten() >= rows);
  }

  /** Waits until another instance owns the pipe; the time since {@code sinceNanos}. */
  private Duration awaitTakeoverFrom(String oldOwner, long sinceNanos) {
    await("another instance than " + oldOwner + " owning the pipe")
        .atMost(TAKEOVER_LIMIT.plusSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> cluster.owner().filter(o -> !o.equals(oldOwner)).isPresent());
    return Duration.ofNanos(System.nanoTime() - sinceNanos);
  }

  /** The lines an instance logs when it stops a pipe it no longer owns. */
  private static Pattern stoppedAfterLosingOwnership(String pipe) {
    String p = Pattern.quote(pipe);
    return Pattern.compile(
        "pipe "
            + p
            + " stops here: (SUSPENDED|LOST)[\\s\\S]*(pipe "
            + p
            + ": another instance owns it now; stopped publishing|pipe "
            + p
            + " stopped after losing its ownership|pipe "
            + p
            + " stopped at )");
  }

  private void verifyDelivery(String fault) throws Exception {
    Map<Long, List<OrderWriter.Change>> written = writer.stop();
    String end = cluster.awaitCaughtUp(Duration.ofSeconds(60));
    assertThat(cluster.status().state()).isEqualTo(PipeState.RUNNING);
    TopicHistory history = TopicHistory.read(kafka.bootstrapServers(), cluster.topic());
    int changes = written.values().stream().mapToInt(List::size).sum();
    System.out.printf(
        "[chaos] %s: %d orders, %d changes written (%d commits resolved after a failure);"
            + " %d messages read, %d duplicates; committed %s at %s%n",
        fault,
        written.size(),
        changes,
        writer.failedCommits(),
        history.records(),
        history.duplicates(),
        end,
        LocalTime.now());
    history.assertDelivers(written, cluster.orderIdPrefix());
    assertThat(history.records()).isEqualTo(changes + history.duplicates());
  }

  private static String lines(String log, String containing) {
    List<String> found = new ArrayList<>();
    for (String line : log.split("\n")) {
      if (line.contains(containing)) {
        found.add(line.length() > 200 ? line.substring(0, 200) : line);
      }
    }
    return String.join(" | ", found);
  }
}
