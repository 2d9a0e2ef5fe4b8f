package dev.hamal.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.MariaDbServerConfig;
import dev.hamal.testkit.FaultProxy;
import dev.hamal.testkit.TestServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Failures between source and listener — damaged bytes, cut and silent connections, a server
 * restart — while a writer commits transactions of 1 to 40 rows. After each, the rows delivered
 * must be exactly the rows committed: every id once, in commit order, none lost, none repeated.
 */
class FaultToleranceIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @Test
  void shouldResumeWithoutLossOrDuplicatesAfterACorruptedByte() throws Exception {
    runWithFault(
        "flip",
        (proxy, stream) -> {
          proxy.flipByteToClient(40_000);
          awaitReconnect(stream);
        },
        stream ->
            assertThat(stream.reconnects.get(0))
                .isInstanceOfAny(CorruptEventException.class, BinlogConnectionException.class)
                .satisfies(FaultToleranceIT::assertNamesPlace));
  }

  @Test
  void shouldResumeWithoutLossOrDuplicatesAfterATruncatedPacket() throws Exception {
    runWithFault(
        "truncate",
        (proxy, stream) -> {
          proxy.truncateToClient(30_001);
          awaitReconnect(stream);
        },
        stream ->
            assertThat(stream.reconnects.get(0)).isInstanceOf(BinlogConnectionException.class));
  }

  @Test
  void shouldResumeWithoutLossOrDuplicatesAfterInjectedGarbage() throws Exception {
    runWithFault(
        "garbage",
        (proxy, stream) -> {
          proxy.injectToClient(25_000, "garbage injected by the fault proxy".getBytes());
          awaitReconnect(stream);
        },
        stream ->
            assertThat(stream.reconnects.get(0))
                .satisfies(e -> assertThat(e.isRetriable()).isTrue()));
  }

  @Test
  void shouldDetectASilentDeadConnectionAndReconnect() throws Exception {
    runWithFault(
        "silent",
        (proxy, stream) -> {
          proxy.blackhole();
          awaitReconnect(stream);
          proxy.resume();
        },
        stream ->
            assertThat(stream.reconnects.get(0))
                .isInstanceOf(BinlogConnectionException.class)
                .hasMessageContaining("nothing"));
  }

  @ParameterizedTest
  @EnumSource(MariaDbServer.Distribution.class)
  void shouldResumeWithoutLossOrDuplicatesWhenTheServerRestarts(
      MariaDbServer.Distribution distribution) throws Exception {
    try (MariaDbServer server =
        TestServers.dedicated(MariaDbServerConfig.builder(distribution).serverId(77).build())) {
      prepare(server, "restart");
      try (StreamRunner stream = startStream(server, server.port(), "restart");
          Writer writer = new Writer(server, "restart")) {
        stream.awaitStarted(TIMEOUT);
        writer.start();
        writer.awaitCommitted(300);
        server.restart();
        writer.awaitCommitted(writer.committed() + 300);
        writer.stop();
        assertExactlyOnce(stream, writer, "restart");
        assertThat(stream.reconnects).isNotEmpty();
      }
    }
  }

  private interface Fault {
    void inject(FaultProxy proxy, StreamRunner stream) throws Exception;
  }

  private static void runWithFault(String name, Fault fault, Consumer<StreamRunner> check)
      throws Exception {
    MariaDbServer server = TestServers.mariaDb114();
    String schema = "fault_" + name;
    prepare(server, schema);
    try (FaultProxy proxy = FaultProxy.start(server.host(), server.port());
        StreamRunner stream = startStream(server, proxy.port(), schema);
        Writer writer = new Writer(server, schema)) {
      stream.awaitStarted(TIMEOUT);
      writer.start();
      writer.awaitCommitted(200);
      fault.inject(proxy, stream);
      writer.awaitCommitted(writer.committed() + 200);
      writer.stop();
      assertExactlyOnce(stream, writer, schema);
      check.accept(stream);
    }
  }

  private static StreamRunner startStream(MariaDbServer server, int port, String schema) {
    return StreamRunner.start(
        server,
        b ->
            b.heartbeatInterval(Duration.ofMillis(500))
                .deadConnectionTimeout(Duration.ofSeconds(2))
                .batchMaxEvents(16)
                .tables(TableFilter.of(List.of(schema + ".*"), List.of())),
        source -> source.connectTimeout(Duration.ofSeconds(5)),
        port);
  }

  private static void awaitReconnect(StreamRunner stream) {
    await()
        .atMost(TIMEOUT)
        .failFast(stream::assertRunning)
        .until(() -> !stream.reconnects.isEmpty());
  }

  private static void assertNamesPlace(BinlogException e) {
    assertThat(e.server()).isNotEmpty();
    assertThat(e.getMessage()).contains("server " + e.server());
    assertThat(e.position()).isPresent();
    assertThat(e.getMessage()).contains("binlog " + e.position().get().file());
  }

  private static void prepare(MariaDbServer server, String schema) {
    StreamRunner.sql(
        server,
        "DROP DATABASE IF EXISTS " + schema,
        "CREATE DATABASE " + schema,
        "CREATE TABLE " + schema + ".t (id INT PRIMARY KEY, payload VARCHAR(200))");
  }

  private static void assertExactlyOnce(StreamRunner stream, Writer writer, String schema) {
    int expected = writer.committed();
    await()
        .atMost(TIMEOUT)
        .failFast(stream::assertRunning)
        .until(() -> stream.rowsOf(schema, "t").size() >= expected);
    List<Long> ids = new ArrayList<>();
    for (RowChange row : stream.rowsOf(schema, "t")) {
      ids.add(row.after().orElseThrow().getLong(0));
    }
    List<Long> committed = new ArrayList<>();
    for (long id = 1; id <= expected; id++) {
      committed.add(id);
    }
    assertThat(ids).as("ids delivered, in order, each once").isEqualTo(committed);
    assertThat(stream.ended.get()).isNull();
  }

  /** Commits transactions of 1..40 rows with consecutive ids until stopped; survives restarts. */
  private static final class Writer implements AutoCloseable {
    private final MariaDbServer server;
    private final String schema;
    private final AtomicInteger committed = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Writer(MariaDbServer server, String schema) {
      this.server = server;
      this.schema = schema;
      this.thread = new Thread(this::loop, "test-writer-" + schema);
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    int committed() {
      return committed.get();
    }

    void awaitCommitted(int rows) {
      await().atMost(TIMEOUT).until(() -> committed.get() >= rows);
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(30_000);
    }

    private void loop() {
      int size = 1;
      String filler = "x".repeat(180);
      while (running.get()) {
        try (Connection c =
            DriverManager.getConnection(
                server.jdbcUrl(""), server.adminUser(), server.adminPassword())) {
          c.setAutoCommit(false);
          while (running.get()) {
            int first = committed.get() + 1;
            try (Statement s = c.createStatement()) {
              StringBuilder sql =
                  new StringBuilder("INSERT INTO " + schema + ".t (id, payload) VALUES ");
              for (int i = 0; i < size; i++) {
                sql.append(i == 0 ? "" : ",")
                    .append('(')
                    .append(first + i)
                    .append(",'")
                    .append(filler)
                    .append("')");
              }
              s.execute(sql.toString());
            }
            c.commit();
            committed.addAndGet(size);
            size = size % 40 + 1;
          }
        } catch (SQLException e) {
          // server restarting: a failed commit left nothing behind (InnoDB), retry the same ids
          if (!running.get()) {
            return;
          }
          reconcile();
        }
      }
    }

    /** After a failure, trusts the table: the next id is one past the largest committed one. */
    private void reconcile() {
      await()
          .atMost(TIMEOUT)
          .ignoreExceptions()
          .until(() -> {
            try (Connection c =
                    DriverManager.getConnection(
                        server.jdbcUrl(""), server.adminUser(), server.adminPassword());
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM " + schema + ".t")) {
              rs.next();
              committed.set(rs.getInt(1));
              return true;
            }
          });
    }

    @Override
    public void close() {
      running.set(false);
      try {
        thread.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
