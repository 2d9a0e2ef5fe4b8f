package dev.hamal.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.curator.test.KillSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Instances in one JVM, each with its own Curator client and session, against one real ZooKeeper
 * server. Every test also checks the central invariant: a pipe never runs on two instances at once.
 */
class PipeOwnershipIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final String namespace = SharedZooKeeper.newNamespace();
  private final RecordingLifecycle.Log log = new RecordingLifecycle.Log();
  private final Map<String, Coordinator> coordinators = new HashMap<>();
  private final Map<String, InstanceCoordinator> instances = new HashMap<>();
  private final Map<String, RecordingLifecycle> lifecycles = new HashMap<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Coordinator admin;

  @BeforeEach
  void connectAdmin() {
    admin = Coordinator.connect(config(SharedZooKeeper.connectString()));
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    for (Coordinator c : coordinators.values()) {
      c.close();
    }
    admin.close();
    assertThat(log.violations).isEmpty();
  }

  private CoordinatorConfig config(String connectString) {
    return SharedZooKeeper.config(connectString, namespace).build();
  }

  private InstanceCoordinator start(String id) {
    return start(id, SharedZooKeeper.connectString());
  }

  private InstanceCoordinator start(String id, String connectString) {
    Coordinator coordinator = Coordinator.connect(config(connectString));
    coordinators.put(id, coordinator);
    RecordingLifecycle lifecycle = new RecordingLifecycle(id, log);
    lifecycles.put(id, lifecycle);
    InstanceCoordinator instance =
        coordinator.startInstance(InstanceInfo.ofThisProcess(id, Clock.systemUTC()), lifecycle);
    instances.put(id, instance);
    return instance;
  }

  private void addPipes(int count) {
    for (int i = 0; i < count; i++) {
      admin.pipes().add(PipeDefinitionTest.valid("p" + i).serverId(1000 + i).build());
    }
  }

  private Map<String, Integer> load(String... ids) {
    Map<String, Integer> load = new HashMap<>();
    for (String id : ids) {
      load.put(id, lifecycles.get(id).runningPipes().size());
    }
    return load;
  }

  private Set<String> runningEverywhere() {
    Set<String> all = new TreeSet<>();
    lifecycles.values().forEach(l -> all.addAll(l.runningPipes()));
    return all;
  }

  private static void awaitThat(Supplier<Boolean> condition) {
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(condition::get);
  }

  @Test
  void shouldBalancePipesAcrossInstancesAndRebalanceWhenOneJoinsOrLeaves() {
    addPipes(6);
    start("a");
    awaitThat(() -> load("a").get("a") == 6);
    start("b");
    awaitThat(() -> load("a", "b").equals(Map.of("a", 3, "b", 3)));
    start("c");
    awaitThat(() -> load("a", "b", "c").equals(Map.of("a", 2, "b", 2, "c", 2)));
    assertThat(runningEverywhere()).hasSize(6);

    instances.get("c").handOff();
    awaitThat(() -> load("a", "b").equals(Map.of("a", 3, "b", 3)));
    assertThat(runningEverywhere()).hasSize(6);
    // sticky: a joining and then leaving instance moved only what it had to
    long starts = log.events.stream().filter(e -> e.kind().equals("start")).count();
    assertThat(starts).isEqualTo(6 + 3 + 2 + 2);
  }

  @Test
  void shouldMoveADeadInstancesPipesWithinSessionTimeout() throws Exception {
    addPipes(4);
    BlackholeProxy proxy = new BlackholeProxy(SharedZooKeeper.connectString());
    closeables.add(proxy);
    start("a");
    start("doomed", proxy.connectString());
    awaitThat(() -> load("a", "doomed").equals(Map.of("a", 2, "doomed", 2)));

    long died = System.nanoTime();
    proxy.close(); // the process is gone as far as the cluster can tell: no close of the session
    awaitThat(() -> load("a").get("a") == 4);
    Duration moved = Duration.ofNanos(System.nanoTime() - died);
    assertThat(moved).isLessThan(SharedZooKeeper.SESSION.plusSeconds(3));
    assertThat(lifecycles.get("doomed").runningPipes()).isEmpty();
  }

  @Test
  void shouldFenceAPositionWriteFromAnOldEpoch() throws Exception {
    addPipes(1);
    start("a");
    awaitThat(() -> load("a").get("a") == 1);
    start("b");
    OwnedPipe old = lifecycles.get("a").running.get("p0");
    OwnershipToken oldToken = old.token();
    old.commit(position(100));

    // a's session expires (as after a long GC pause or a partition); p0 gets a new epoch, on b or,
    // when a's new session is quicker, on a again
    KillSession.kill(coordinators.get("a").client().getZookeeperClient().getZooKeeper());
    awaitThat(() -> newerOwner("p0", oldToken).isPresent());
    OwnedPipe current = newerOwner("p0", oldToken).orElseThrow();
    assertThat(current.committedPosition()).map(PipePosition::position).contains(100L);

    // the old owner's writes are refused by ZooKeeper itself, not only by its own flag
    assertThatThrownBy(() -> coordinators.get("a").positions().commit(oldToken, position(200)))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("epoch " + oldToken.epoch() + " is no longer current");
    assertThatThrownBy(() -> old.commit(position(200))).isInstanceOf(FencedException.class);
    assertThat(old.isValid()).isFalse();

    current.commit(position(300));
    assertThatThrownBy(() -> coordinators.get("a").positions().commit(oldToken, position(400)))
        .isInstanceOf(FencedException.class);
    assertThat(admin.positions().read("p0")).map(PipePosition::position).contains(300L);

    // The server expired a's session before a's client heard of it, so from the processes' view p0
    // ran on both for a moment: the very situation fencing is for. Only this overlap is expected.
    assertThat(log.violations).allMatch(v -> v.startsWith("p0 started on b while running on a"));
    log.violations.clear();
  }

  @Test
  void shouldStopOwnedPipesOnSuspendedBeforeAnotherInstanceCanStart() throws Exception {
    addPipes(1);
    BlackholeProxy proxy = new BlackholeProxy(SharedZooKeeper.connectString());
    closeables.add(proxy);
    start("a", proxy.connectString());
    awaitThat(() -> load("a").get("a") == 1);
    OwnedPipe owned = lifecycles.get("a").running.get("p0");
    start("b");

    proxy.blackhole(); // a dead network path: nothing is closed, a must notice by itself
    awaitThat(() -> load("b").get("b") == 1);

    RecordingLifecycle.Event stopped = log.first("a", "stop", "p0").orElseThrow();
    RecordingLifecycle.Event started = log.first("b", "start", "p0").orElseThrow();
    assertThat(stopped.detail()).isEqualTo("SUSPENDED");
    assertThat(stopped.nanos()).isLessThan(started.nanos());
    assertThat(owned.isValid()).isFalse();
    assertThatThrownBy(() -> owned.commit(position(1))).isInstanceOf(FencedException.class);
    proxy.close();
  }

  @Test
  void shouldCommitTheFinalPositionOnHandOffAndResumeFromItElsewhere() {
    addPipes(1);
    start("a");
    awaitThat(() -> load("a").get("a") == 1);
    start("b");
    lifecycles.get("a").running.get("p0").commit(position(100));

    instances.get("a").handOff();
    RecordingLifecycle.Event stopped = log.first("a", "stop", "p0").orElseThrow();
    assertThat(stopped.detail()).isEqualTo("SHUTDOWN");
    PipePosition finalPosition = admin.positions().read("p0").orElseThrow();
    assertThat(finalPosition.attributes()).containsEntry("by", "a");

    awaitThat(() -> load("b").get("b") == 1);
    assertThat(lifecycles.get("b").running.get("p0").committedPosition()).contains(finalPosition);
    assertThat(log.first("b", "start", "p0").orElseThrow().nanos()).isGreaterThan(stopped.nanos());
    assertThat(admin.membership().members()).extracting(InstanceInfo::id).containsExactly("b");
  }

  @Test
  void shouldKeepAFailedPipeUnassignedUntilAnOperatorResumesIt() throws Exception {
    addPipes(1);
    start("a");
    start("b");
    awaitThat(() -> runningEverywhere().contains("p0"));
    String owner = lifecycles.get("a").runningPipes().contains("p0") ? "a" : "b";
    lifecycles.get(owner).running.get("p0").fail("binlog position purged (error 1236)");

    awaitThat(() -> admin.pipes().status("p0").state() == PipeState.FAILED);
    assertThat(admin.pipes().status("p0").reason()).contains("binlog position purged (error 1236)");
    assertThat(log.first(owner, "stop", "p0").orElseThrow().detail()).isEqualTo("FAILED");
    // no instance may pick it up in the meantime: checked throughout a second, not once after it
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(() -> assertThat(runningEverywhere()).isEmpty());

    admin.pipes().resume("p0");
    awaitThat(() -> runningEverywhere().contains("p0"));
    assertThat(admin.pipes().status("p0").state()).isIn(PipeState.STARTING, PipeState.RUNNING);
  }

  @Test
  void shouldRefuseASecondLiveInstanceWithTheSameId() {
    start("a");
    Coordinator other = Coordinator.connect(config(SharedZooKeeper.connectString()));
    coordinators.put("a-twin", other);
    assertThatThrownBy(() ->
            other.startInstance(
                InstanceInfo.ofThisProcess("a", Clock.systemUTC()),
                new RecordingLifecycle("a", log)))
        .isInstanceOf(CoordinationException.class)
        .hasMessageContaining("instance id 'a' is already registered by a live instance");
  }

  private Optional<OwnedPipe> newerOwner(String pipe, OwnershipToken than) {
    return lifecycles.values().stream()
        .map(l -> l.running.get(pipe))
        .filter(o -> o != null && o.isValid() && o.token().epoch() > than.epoch())
        .findFirst();
  }

  private static PipePosition position(long offset) {
    return new PipePosition("mysql-bin.000001", offset, Optional.empty(), Instant.now());
  }
}
