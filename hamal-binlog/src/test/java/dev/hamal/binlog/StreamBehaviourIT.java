package dev.hamal.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.embedded.MariaDbServer;
import dev.hamal.testkit.TestServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The stream against live servers: replica registration, positions, rotation, idleness. */
class StreamBehaviourIT {

  static java.util.stream.Stream<MariaDbServer> servers() {
    return TestServers.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  void shouldAppearInShowSlaveHostsWithItsServerIdAndReportHost(MariaDbServer server)
      throws Exception {
    int serverId = 424_242;
    try (StreamRunner stream =
        StreamRunner.start(
            server,
            b -> {
              /* defaults */
            },
            source -> source.serverId(serverId).reportHost("hamal-visibility-test"))) {
      stream.awaitStarted(Duration.ofSeconds(30));
      List<List<String>> hosts = query(server, "SHOW SLAVE HOSTS");
      assertThat(hosts)
          .anySatisfy(row -> {
            assertThat(row.get(0)).isEqualTo(Integer.toString(serverId));
            assertThat(row.get(1)).isEqualTo("hamal-visibility-test");
          });
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  void shouldReportTheSamePositionsAsShowBinlogEventsAcrossRotation(MariaDbServer server)
      throws Exception {
    StreamRunner.sql(
        server,
        "DROP DATABASE IF EXISTS positions",
        "CREATE DATABASE positions",
        "CREATE TABLE positions.t (id INT PRIMARY KEY, v VARCHAR(100))");
    try (StreamRunner stream =
        StreamRunner.start(
            server,
            b -> b.annotateRows(true).tables(TableFilter.of(List.of("positions.*"), List.of())))) {
      stream.awaitStarted(Duration.ofSeconds(30));
      StreamRunner.sql(
          server,
          "INSERT INTO positions.t VALUES (1, 'a'), (2, 'b')",
          "BEGIN",
          "INSERT INTO positions.t VALUES (3, 'c')",
          "UPDATE positions.t SET v = 'z' WHERE id = 1",
          "COMMIT",
          "FLUSH BINARY LOGS",
          "INSERT INTO positions.t VALUES (4, 'd')",
          "DELETE FROM positions.t WHERE id = 2");
      stream.awaitRows("positions", "t", 6, Duration.ofSeconds(30));
      List<RowChange> rows = stream.rowsOf("positions", "t");
      assertThat(rows)
          .extracting(RowChange::operation)
          .containsExactly(
              Operation.INSERT,
              Operation.INSERT,
              Operation.INSERT,
              Operation.UPDATE,
              Operation.INSERT,
              Operation.DELETE);
      // every rows event position is one that SHOW BINLOG EVENTS lists for a rows event
      for (RowChange row : rows) {
        List<List<String>> events =
            query(server, "SHOW BINLOG EVENTS IN '" + row.position().file() + "'");
        assertThat(events)
            .as("SHOW BINLOG EVENTS of %s", row.position().file())
            .anySatisfy(e -> {
              assertThat(e.get(1)).isEqualTo(Long.toString(row.position().position()));
              assertThat(e.get(2)).matches("(Write|Update|Delete)_rows(_v1)?");
            });
      }
      assertThat(rows.get(4).position().file())
          .as("rows after FLUSH BINARY LOGS come from the next file")
          .isNotEqualTo(rows.get(0).position().file());
      // commits end where the server says the transaction ends
      for (TransactionEnd end : stream.commits) {
        List<List<String>> events =
            query(server, "SHOW BINLOG EVENTS IN '" + end.next().file() + "'");
        assertThat(events)
            .anySatisfy(e -> assertThat(e.get(4)).isEqualTo(Long.toString(end.next().position())));
      }
      assertThat(stream.commits).allSatisfy(c -> assertThat(c.gtidState()).isPresent());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  void shouldKeepTransactionBoundariesExactWithoutAnnotateEvents(MariaDbServer server)
      throws Exception {
    StreamRunner.sql(
        server,
        "DROP DATABASE IF EXISTS boundaries",
        "CREATE DATABASE boundaries",
        "CREATE TABLE boundaries.t (id INT PRIMARY KEY, v VARCHAR(100))");
    try (StreamRunner stream =
        StreamRunner.start(
            server, b -> b.tables(TableFilter.of(List.of("boundaries.*"), List.of())))) {
      stream.awaitStarted(Duration.ofSeconds(30));
      StreamRunner.sql(
          server,
          "BEGIN",
          "INSERT INTO boundaries.t VALUES (1, 'a'), (2, 'b')",
          "UPDATE boundaries.t SET v = 'c' WHERE id = 1",
          "INSERT INTO boundaries.t VALUES (3, 'd')",
          "COMMIT",
          "INSERT INTO boundaries.t VALUES (4, 'e')");
      stream.awaitRows("boundaries", "t", 5, Duration.ofSeconds(30));
      List<RowChange> rows = stream.rowsOf("boundaries", "t");
      for (int i = 1; i < rows.size(); i++) {
        assertThat(rows.get(i).position())
            .as("row positions only grow")
            .isGreaterThanOrEqualTo(rows.get(i - 1).position());
      }
      for (RowChange row : rows) {
        TransactionEnd end =
            stream.commits.stream()
                .filter(c -> c.transaction().begin().equals(row.transaction().begin()))
                .findFirst()
                .orElseThrow();
        assertThat(row.position()).isGreaterThan(row.transaction().begin());
        assertThat(row.position()).isLessThan(end.next());
        List<List<String>> events =
            query(server, "SHOW BINLOG EVENTS IN '" + end.next().file() + "'");
        assertThat(events)
            .as("the transaction begins at a GTID event and ends where the server says")
            .anySatisfy(e -> {
              assertThat(e.get(1)).isEqualTo(Long.toString(row.transaction().begin().position()));
              assertThat(e.get(2)).isEqualTo("Gtid");
            })
            .anySatisfy(e -> assertThat(e.get(4)).isEqualTo(Long.toString(end.next().position())));
      }
      assertThat(stream.reconnects).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  void shouldKeepAnIdleConnectionAliveWithHeartbeats(MariaDbServer server) throws Exception {
    StreamRunner.sql(
        server,
        "CREATE DATABASE IF NOT EXISTS idle",
        "CREATE TABLE IF NOT EXISTS idle.t (id INT PRIMARY KEY)");
    try (StreamRunner stream =
        StreamRunner.start(
            server,
            b ->
                b.heartbeatInterval(Duration.ofMillis(500))
                    .deadConnectionTimeout(Duration.ofMillis(1500))
                    .tables(TableFilter.of(List.of("idle.*"), List.of())))) {
      stream.awaitStarted(Duration.ofSeconds(30));
      // idle for several dead-connection timeouts: heartbeats must keep the stream connected
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> stream.heartbeats.size() >= 8);
      assertThat(stream.reconnects).as("no reconnect while idle").isEmpty();
      Checkpoint last = stream.heartbeats.get(stream.heartbeats.size() - 1);
      List<String> status = query(server, "SHOW MASTER STATUS").get(0);
      assertThat(last.position().file()).isEqualTo(status.get(0));
      StreamRunner.sql(server, "INSERT INTO idle.t VALUES (" + System.nanoTime() % 1_000_000 + ")");
      stream.awaitRows("idle", "t", 1, Duration.ofSeconds(10));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  void shouldStreamA20MegabyteBlobIntact(MariaDbServer server) throws Exception {
    StreamRunner.sql(
        server,
        "DROP DATABASE IF EXISTS big",
        "CREATE DATABASE big",
        "CREATE TABLE big.blobs (id INT PRIMARY KEY, b LONGBLOB, t LONGTEXT)");
    try (StreamRunner stream =
        StreamRunner.start(server, b -> b.tables(TableFilter.of(List.of("big.*"), List.of())))) {
      stream.awaitStarted(Duration.ofSeconds(30));
      StreamRunner.sql(
          server,
          "INSERT INTO big.blobs VALUES (1, REPEAT(UNHEX('00FF7F80'), 5 * 1024 * 1024),"
              + " REPEAT('😀', 1024 * 1024))");
      stream.awaitRows("big", "blobs", 1, Duration.ofSeconds(60));
      RowImage row = stream.rowsOf("big", "blobs").get(0).after().orElseThrow();
      byte[] blob = row.getBytes(1);
      assertThat(blob).hasSize(20 * 1024 * 1024);
      byte[] pattern = {0x00, (byte) 0xFF, 0x7F, (byte) 0x80};
      CRC32 expected = new CRC32();
      for (int i = 0; i < 5 * 1024 * 1024; i++) {
        expected.update(pattern);
      }
      CRC32 actual = new CRC32();
      actual.update(blob);
      assertThat(actual.getValue()).isEqualTo(expected.getValue());
      assertThat(row.getString(2)).hasSize(2 * 1024 * 1024).startsWith("😀😀");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  void shouldStreamAMillionRowTransactionWithBoundedReadAhead(MariaDbServer server)
      throws Exception {
    StreamRunner.sql(
        server,
        "DROP DATABASE IF EXISTS huge",
        "CREATE DATABASE huge",
        "CREATE TABLE huge.t (id INT PRIMARY KEY, v VARCHAR(40), n BIGINT)");
    long maxBytes = 8L << 20;
    List<Long> inFlight = new ArrayList<>();
    try (StreamRunner stream =
        StreamRunner.start(
            server,
            b ->
                b.maxBytesInFlight(maxBytes)
                    .maxBatchesInFlight(16)
                    .tables(TableFilter.of(List.of("huge.*"), List.of())))) {
      stream.awaitStarted(Duration.ofSeconds(30));
      StreamRunner.sql(
          server,
          "INSERT INTO huge.t SELECT seq, CONCAT('row-', seq), seq * 7 FROM huge.seq_1_to_1000000");
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofMillis(50))
          .failFast(stream::assertRunning)
          .until(() -> {
            inFlight.add(stream.stream().stats().bytesInFlight());
            return stream.stream().stats().rowsDelivered() >= 1_000_000;
          });
      List<RowChange> rows = stream.rowsOf("huge", "t");
      assertThat(rows).hasSize(1_000_000);
      for (int i = 0; i < rows.size(); i += 9973) {
        RowImage after = rows.get(i).after().orElseThrow();
        assertThat(after.getLong(0)).isEqualTo(i + 1);
        assertThat(after.getString(1)).isEqualTo("row-" + (i + 1));
        assertThat(after.getLong(2)).isEqualTo((i + 1) * 7L);
      }
      assertThat(rows)
          .extracting(r -> r.transaction().begin())
          .containsOnly(rows.get(0).transaction().begin());
      // one batch may exceed the budget alone; the window never holds much more than its budget
      assertThat(inFlight)
          .allSatisfy(b -> assertThat(b).isLessThanOrEqualTo(maxBytes + (4L << 20)));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  void shouldFailLoudlyWhenTheStartPositionWasPurged(MariaDbServer server) throws Exception {
    List<String> before = query(server, "SHOW MASTER STATUS").get(0);
    StreamRunner.sql(server, "FLUSH BINARY LOGS", "FLUSH BINARY LOGS");
    String current = query(server, "SHOW MASTER STATUS").get(0).get(0);
    // a file still read by a replica (an earlier test's stream the server has not yet noticed
    // is gone) is not purged: repeat until it is
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> {
          StreamRunner.sql(server, "PURGE BINARY LOGS TO '" + current + "'");
          return query(server, "SHOW BINARY LOGS").stream()
              .noneMatch(row -> row.get(0).equals(before.get(0)));
        });
    BinlogPosition purged = new BinlogPosition(before.get(0), Long.parseLong(before.get(1)));
    try (StreamRunner stream = StreamRunner.start(server, b -> b.start(StartPosition.at(purged)))) {
      Throwable end = stream.awaitEnd(Duration.ofSeconds(30));
      assertThat(end).isInstanceOf(BinlogUnavailableException.class);
      assertThat(end.getMessage())
          .contains("1236")
          .contains("not available on the server")
          .contains("--from FILE:POS");
      assertThat(((BinlogException) end).isRetriable()).isFalse();
      assertThat(stream.reconnects).isEmpty();
    }
  }

  static List<List<String>> query(MariaDbServer server, String sql) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                server.jdbcUrl(""), server.adminUser(), server.adminPassword());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<List<String>> rows = new ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }
}
