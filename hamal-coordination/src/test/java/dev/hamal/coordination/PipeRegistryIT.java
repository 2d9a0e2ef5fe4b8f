package dev.hamal.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PipeRegistryIT {
  private Coordinator coordinator;
  private PipeRegistry pipes;

  @BeforeEach
  void connect() {
    coordinator =
        Coordinator.connect(
            SharedZooKeeper.config(SharedZooKeeper.connectString(), SharedZooKeeper.newNamespace())
                .build());
    pipes = coordinator.pipes();
  }

  @AfterEach
  void close() {
    coordinator.close();
  }

  @Test
  void shouldStoreListUpdateAndRemoveADefinition() {
    PipeDefinition d = PipeDefinitionTest.valid("db1").option("tables", "orders_*").build();
    pipes.add(d);
    assertThat(pipes.get("db1")).isEqualTo(d);
    assertThat(pipes.list()).containsExactly(d);

    PipeDefinition moved = d.toBuilder().sourceUrl("mysql://db2.example:3306").build();
    pipes.update(moved);
    assertThat(pipes.get("db1").sourceUrl()).isEqualTo("mysql://db2.example:3306");
    // the old source and server id are free again
    pipes.add(PipeDefinitionTest.valid("db1b").build());

    pipes.remove("db1");
    assertThat(pipes.find("db1")).isEmpty();
    assertThat(pipes.list()).extracting(PipeDefinition::name).containsExactly("db1b");
  }

  @Test
  void shouldRefuseADuplicateName() {
    pipes.add(PipeDefinitionTest.valid("db1").build());
    assertThatThrownBy(() -> pipes.add(PipeDefinitionTest.valid("db1").serverId(7).build()))
        .isInstanceOf(PipeConflictException.class)
        .hasMessage("a pipe named 'db1' already exists");
  }

  @Test
  void shouldRefuseASecondPipeOnTheSameSourceWithTheSameServerId() {
    pipes.add(PipeDefinitionTest.valid("db1").build());
    assertThatThrownBy(() -> pipes.add(PipeDefinitionTest.valid("other").build()))
        .isInstanceOf(PipeConflictException.class)
        .hasMessageContaining("pipe 'db1' already reads mysql://db1.example:3306")
        .hasMessageContaining("replica server id 1001")
        .hasMessageContaining("Give pipe 'other' another server id");
    pipes.add(PipeDefinitionTest.valid("other").serverId(1002).build());
  }

  @Test
  void shouldSayWhichPipeIsUnknown() {
    assertThatThrownBy(() -> pipes.get("nope"))
        .isInstanceOf(PipeNotFoundException.class)
        .hasMessage("no pipe named 'nope' is defined");
    assertThatThrownBy(() -> pipes.pause("nope")).isInstanceOf(PipeNotFoundException.class);
    assertThatThrownBy(() -> pipes.resetPosition("nope", StartPosition.latest()))
        .isInstanceOf(PipeNotFoundException.class);
    assertThatThrownBy(() -> pipes.remove("nope")).isInstanceOf(PipeNotFoundException.class);
    assertThatThrownBy(() -> coordinator.positions().read("nope"))
        .isInstanceOf(PipeNotFoundException.class);
    assertThatThrownBy(() -> pipes.update(PipeDefinitionTest.valid("nope").build()))
        .isInstanceOf(PipeNotFoundException.class);
  }

  @Test
  void shouldShowPausedAndUnassignedAndThePendingStart() {
    pipes.add(PipeDefinitionTest.valid("db1").start(StartPosition.earliest()).build());
    PipeStatus status = pipes.status("db1");
    assertThat(status.state()).isEqualTo(PipeState.UNASSIGNED);
    assertThat(status.epoch()).isZero();
    assertThat(status.pendingStart()).contains(StartPosition.earliest());

    pipes.pause("db1");
    assertThat(pipes.status("db1").state()).isEqualTo(PipeState.PAUSED);
    pipes.resetPosition("db1", StartPosition.at("mysql-bin.000007", 4));
    PipeStatus reset = pipes.status("db1");
    assertThat(reset.state()).isEqualTo(PipeState.PAUSED);
    assertThat(reset.pendingStart()).contains(StartPosition.at("mysql-bin.000007", 4));
    assertThat(reset.epoch()).isEqualTo(1);
    pipes.resume("db1");
    assertThat(pipes.status("db1").state()).isEqualTo(PipeState.UNASSIGNED);
  }

  @Test
  void shouldRefuseResetAndRemoveWhileThePipeRunsAndAllowThemOncePaused() {
    pipes.add(PipeDefinitionTest.valid("db1").build());
    RecordingLifecycle lifecycle = new RecordingLifecycle("i1", new RecordingLifecycle.Log());
    InstanceCoordinator instance =
        coordinator.startInstance(
            InstanceInfo.ofThisProcess("i1", java.time.Clock.systemUTC()), lifecycle);
    await().atMost(Duration.ofSeconds(10)).until(() -> lifecycle.runningPipes().contains("db1"));
    OwnedPipe owned = lifecycle.running.get("db1");
    owned.commit(new PipePosition("mysql-bin.000003", 120, Optional.empty(), Instant.now()));
    owned.reportStatus(PipeState.RUNNING, new PipeMetrics(2, 4096, 150.0));
    PipeStatus running = pipes.status("db1");
    assertThat(running.state()).isEqualTo(PipeState.RUNNING);
    assertThat(running.owner()).contains("i1");
    assertThat(running.metrics().rowsPerSecond()).isEqualTo(150.0);
    assertThat(running.committed()).map(PipePosition::position).contains(120L);

    assertThatThrownBy(() -> pipes.resetPosition("db1", StartPosition.latest()))
        .isInstanceOf(PipeConflictException.class)
        .hasMessageContaining("pipe 'db1' is running on instance i1 (epoch 1)")
        .hasMessageContaining("Pause it first (hamal pipe pause db1)");
    assertThatThrownBy(() -> pipes.remove("db1"))
        .isInstanceOf(PipeConflictException.class)
        .hasMessageContaining("refusing to remove it");

    pipes.pause("db1");
    await().atMost(Duration.ofSeconds(10)).until(() -> lifecycle.runningPipes().isEmpty());
    pipes.resetPosition("db1", StartPosition.gtid("0-1-42"));
    assertThat(coordinator.positions().read("db1")).isEmpty();
    assertThatThrownBy(() ->
            owned.commit(
                new PipePosition("mysql-bin.000003", 999, Optional.empty(), Instant.now())))
        .isInstanceOf(FencedException.class);

    pipes.resume("db1");
    await().atMost(Duration.ofSeconds(10)).until(() -> lifecycle.runningPipes().contains("db1"));
    assertThat(lifecycle.running.get("db1").startPosition())
        .isEqualTo(StartPosition.gtid("0-1-42"));
    assertThat(lifecycle.running.get("db1").token().epoch()).isEqualTo(3);
    instance.handOff();
  }
}
