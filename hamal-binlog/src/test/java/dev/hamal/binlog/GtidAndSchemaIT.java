package dev.hamal.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.embedded.MariaDbServer;
import dev.hamal.testkit.TestServers;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Starting by GTID on a live MariaDB, and refusing rows that do not fit the known schema. */
class GtidAndSchemaIT {

  static Stream<MariaDbServer> servers() {
    return TestServers.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  void shouldStartAfterTheGivenGtidsAndReportTheExecutedSet(MariaDbServer server) throws Exception {
    StreamRunner.sql(
        server,
        "DROP DATABASE IF EXISTS by_gtid",
        "CREATE DATABASE by_gtid",
        "CREATE TABLE by_gtid.t (id INT PRIMARY KEY)",
        "INSERT INTO by_gtid.t VALUES (1)");
    String executed =
        StreamBehaviourIT.query(server, "SELECT @@global.gtid_binlog_pos").get(0).get(0);
    StreamRunner.sql(
        server, "INSERT INTO by_gtid.t VALUES (2)", "INSERT INTO by_gtid.t VALUES (3)");
    try (StreamRunner stream =
        StreamRunner.start(
            server,
            b ->
                b.start(StartPosition.afterGtids(executed))
                    .tables(TableFilter.of(List.of("by_gtid.*"), List.of())))) {
      stream.awaitRows("by_gtid", "t", 2, Duration.ofSeconds(30));
      assertThat(stream.rowsOf("by_gtid", "t"))
          .extracting(r -> r.after().orElseThrow().getLong(0))
          .containsExactly(2L, 3L);
      String now = StreamBehaviourIT.query(server, "SELECT @@global.gtid_binlog_pos").get(0).get(0);
      TransactionEnd last = stream.commits.get(stream.commits.size() - 1);
      assertThat(last.gtidState()).contains(now);
      assertThat(last.transaction().gtid()).isPresent();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  void shouldStopWithTheTableAndPositionWhenARowDoesNotFitTheSchema(MariaDbServer server)
      throws Exception {
    StreamRunner.sql(
        server,
        "DROP DATABASE IF EXISTS misfit",
        "CREATE DATABASE misfit",
        "CREATE TABLE misfit.t (id INT PRIMARY KEY, a VARCHAR(10))",
        "SET GLOBAL binlog_row_metadata = MINIMAL");
    try {
      List<String> before = StreamBehaviourIT.query(server, "SHOW MASTER STATUS").get(0);
      StreamRunner.sql(
          server,
          "INSERT INTO misfit.t VALUES (1, 'old shape')",
          "ALTER TABLE misfit.t ADD COLUMN b INT");
      // The history is seeded now, with three columns, for a stream that starts before the ALTER:
      // the two-column row must stop the stream, not be decoded against the wrong columns.
      BinlogPosition from = new BinlogPosition(before.get(0), Long.parseLong(before.get(1)));
      try (StreamRunner stream =
          StreamRunner.start(
              server,
              b ->
                  b.start(StartPosition.at(from))
                      .tables(TableFilter.of(List.of("misfit.*"), List.of())))) {
        Throwable end = stream.awaitEnd(Duration.ofSeconds(30));
        assertThat(end).isInstanceOf(SchemaMismatchException.class);
        SchemaMismatchException mismatch = (SchemaMismatchException) end;
        assertThat(mismatch.table()).isEqualTo(new TableName("misfit", "t"));
        assertThat(mismatch.position()).isPresent();
        assertThat(mismatch.getMessage()).contains("misfit.t").contains(before.get(0));
        assertThat(stream.rowsOf("misfit", "t")).isEmpty();
        assertThat(stream.reconnects).isEmpty();
      }
    } finally {
      StreamRunner.sql(server, "SET GLOBAL binlog_row_metadata = FULL");
    }
  }
}
