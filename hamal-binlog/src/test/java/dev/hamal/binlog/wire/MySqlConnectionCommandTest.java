package dev.hamal.binlog.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.binlog.BinlogConnectionException;
import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.BinlogSource;
import dev.hamal.binlog.MySqlGtidSet;
import dev.hamal.binlog.ServerErrorException;
import dev.hamal.binlog.SslMode;
import dev.hamal.testkit.ScriptedMySqlServer;
import dev.hamal.testkit.ScriptedMySqlServer.DumpRequest;
import dev.hamal.testkit.ScriptedMySqlServer.QueryAnswer;
import dev.hamal.testkit.ScriptedMySqlServer.ReplicaRegistration;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MySqlConnectionCommandTest {

  private static final String UUID_A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

  private static MySqlConnection connect(ScriptedMySqlServer server, Duration queryTimeout) {
    return MySqlConnection.open(
        BinlogSource.builder(server.host(), server.port())
            .sslMode(SslMode.DISABLED)
            .connectTimeout(Duration.ofSeconds(5))
            .queryTimeout(queryTimeout)
            .build());
  }

  private static MySqlConnection connect(ScriptedMySqlServer server) {
    return connect(server, Duration.ofSeconds(5));
  }

  @ParameterizedTest(name = "server offers CLIENT_DEPRECATE_EOF: {0}")
  @ValueSource(booleans = {true, false})
  void shouldReturnColumnsAndRowsWithSqlNullAsNull(boolean deprecateEof) {
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder()
                .deprecateEof(deprecateEof)
                .onQuery(
                    "SHOW MASTER STATUS",
                    QueryAnswer.row(
                        List.of("File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB"),
                        "mysql-bin.000003",
                        "1234",
                        "",
                        null))
                .onQuery(
                    sql -> sql.startsWith("SELECT name"),
                    QueryAnswer.rows(
                        List.of("name"), List.of(List.of("Zoë 🚀"), Arrays.asList((String) null))))
                .start();
        MySqlConnection connection = connect(server)) {

      QueryResult status = connection.query("SHOW MASTER STATUS");
      assertThat(status.columns())
          .containsExactly("File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB");
      assertThat(status.rows()).hasSize(1);
      assertThat(status.rows().get(0)).containsExactly("mysql-bin.000003", "1234", "", null);
      assertThat(status.columnIndex("position")).isEqualTo(1);

      QueryResult names = connection.query("SELECT name FROM t");
      assertThat(names.rows()).containsExactly(List.of("Zoë 🚀"), Arrays.asList((String) null));
      assertThat(server.protocolErrors()).isEmpty();
      assertThat(server.queries()).containsExactly("SHOW MASTER STATUS", "SELECT name FROM t");
    }
  }

  @Test
  void shouldReturnNoColumnsForStatementAnsweredWithOk() {
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder().onOtherQueries(QueryAnswer.ok()).start();
        MySqlConnection connection = connect(server)) {
      assertThat(connection.query("SET @x = 1")).isEqualTo(QueryResult.none());
    }
  }

  @Test
  void shouldReadValuesLargerThanOnePacket() {
    String big = "x".repeat(0xFFFFFF + 10);
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder()
                .onQuery("SELECT big", QueryAnswer.row(List.of("v"), big))
                .start();
        MySqlConnection connection = connect(server)) {
      assertThat(connection.query("SELECT big").rows().get(0).get(0)).isEqualTo(big);
    }
  }

  @Test
  void shouldKeepConnectionUsableAfterServerError() {
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder()
                .onQuery(
                    "SELECT nope",
                    QueryAnswer.error(1054, "42S22", "Unknown column 'nope' in 'field list'"))
                .onQuery("SELECT 1", QueryAnswer.row(List.of("1"), "1"))
                .start();
        MySqlConnection connection = connect(server)) {

      assertThatThrownBy(() -> connection.query("SELECT nope"))
          .isInstanceOfSatisfying(
              ServerErrorException.class,
              e -> {
                assertThat(e.errorCode()).isEqualTo(1054);
                assertThat(e.sqlState()).isEqualTo("42S22");
                assertThat(e.isRetriable()).isFalse();
              })
          .hasMessageContaining("Unknown column 'nope'");
      assertThat(connection.query("SELECT 1").rows()).containsExactly(List.of("1"));
    }
  }

  @Test
  void shouldExecuteStatementsAndReportTheirErrors() {
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder()
                .onQuery("SET @master_binlog_checksum = 'CRC32'", QueryAnswer.ok())
                .onQuery(
                    "SET @bad = 1", QueryAnswer.error(1193, "HY000", "Unknown system variable"))
                .onQuery("SELECT 1", QueryAnswer.row(List.of("1"), "1"))
                .start();
        MySqlConnection connection = connect(server)) {

      connection.execute("SET @master_binlog_checksum = 'CRC32'");
      assertThatThrownBy(() -> connection.execute("SET @bad = 1"))
          .isInstanceOfSatisfying(
              ServerErrorException.class, e -> assertThat(e.errorCode()).isEqualTo(1193));
      connection.execute("SELECT 1"); // a result set is read and dropped
      connection.execute("SET @master_binlog_checksum = 'CRC32'");
      assertThat(server.queries()).hasSize(4);
      assertThat(server.protocolErrors()).isEmpty();
    }
  }

  @Test
  void shouldFailQueryWhenNoAnswerArrivesWithinQueryTimeout() {
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder()
                .onQuery("SELECT SLEEP(60)", QueryAnswer.silence())
                .start();
        MySqlConnection connection = connect(server, Duration.ofMillis(300))) {

      assertThatThrownBy(() -> connection.query("SELECT SLEEP(60)"))
          .isInstanceOfSatisfying(
              BinlogConnectionException.class, e -> assertThat(e.isRetriable()).isTrue())
          .hasMessageContaining("nothing arrived from the server for PT0.3S");
      assertThatThrownBy(() -> connection.query("SELECT 1"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("failed or was closed");
    }
  }

  @Test
  void shouldReportServerDisconnectDuringQuery() {
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder().onQuery("SELECT 1", QueryAnswer.disconnect()).start();
        MySqlConnection connection = connect(server)) {
      assertThatThrownBy(() -> connection.query("SELECT 1"))
          .isInstanceOf(BinlogConnectionException.class)
          .hasMessageContaining("the server closed the connection");
    }
  }

  @Test
  void shouldRegisterAsReplicaWithReportedIdentity() {
    try (ScriptedMySqlServer server = ScriptedMySqlServer.builder().start();
        MySqlConnection connection = connect(server)) {

      connection.registerReplica(-2, "hamal-7", 3307, "reporter", "pw");

      assertThat(server.registrations())
          .containsExactly(
              new ReplicaRegistration(4294967294L, "hamal-7", "reporter", "pw", 3307, 0, 0));
      assertThat(server.protocolErrors()).isEmpty();
    }
  }

  @Test
  void shouldReportRefusedRegistration() {
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder()
                .onRegisterReplica(
                    QueryAnswer.error(
                        1227, "42000", "Access denied; you need the REPLICATION SLAVE privilege"))
                .start();
        MySqlConnection connection = connect(server)) {
      assertThatThrownBy(() -> connection.registerReplica(5, "hamal", 0, "", ""))
          .isInstanceOfSatisfying(
              ServerErrorException.class, e -> assertThat(e.errorCode()).isEqualTo(1227));
    }
  }

  @Test
  void shouldRequestDumpFromFileAndPosition() {
    try (ScriptedMySqlServer server = ScriptedMySqlServer.builder().start();
        MySqlConnection connection = connect(server)) {
      connection.requestBinlogDump(
          new BinlogPosition("mysql-bin.000034", 0xFFFFFFF0L),
          10101,
          MySqlConnection.DUMP_NON_BLOCKING);
      assertThat(connection.readEvent()).isSameAs(MySqlConnection.END_OF_STREAM);

      DumpRequest request = server.dumpRequests().get(0);
      assertThat(request.command()).isEqualTo(ScriptedMySqlServer.COM_BINLOG_DUMP);
      assertThat(request.file()).isEqualTo("mysql-bin.000034");
      assertThat(request.position()).isEqualTo(0xFFFFFFF0L);
      assertThat(request.flags()).isEqualTo(1);
      assertThat(request.serverId()).isEqualTo(10101);
      assertThat(server.protocolErrors()).isEmpty();
    }
  }

  @Test
  void shouldRejectPositionBeyondWhatComBinlogDumpCarries() {
    try (ScriptedMySqlServer server = ScriptedMySqlServer.builder().start();
        MySqlConnection connection = connect(server)) {
      assertThatThrownBy(() ->
              connection.requestBinlogDump(new BinlogPosition("mysql-bin.000001", 1L << 32), 1, 0))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void shouldRequestGtidDumpWithTheEncodedSet() {
    try (ScriptedMySqlServer server = ScriptedMySqlServer.builder().start();
        MySqlConnection connection = connect(server)) {
      MySqlGtidSet executed = MySqlGtidSet.parse(UUID_A + ":1-100:105");

      connection.requestBinlogDumpGtid(
          new BinlogPosition("binlog.000007", 1L << 33),
          executed,
          -1,
          MySqlConnection.DUMP_NON_BLOCKING);
      assertThat(connection.readEvent()).isSameAs(MySqlConnection.END_OF_STREAM);

      DumpRequest request = server.dumpRequests().get(0);
      assertThat(request.command()).isEqualTo(ScriptedMySqlServer.COM_BINLOG_DUMP_GTID);
      assertThat(request.file()).isEqualTo("binlog.000007");
      assertThat(request.position()).isEqualTo(1L << 33);
      assertThat(request.serverId()).isEqualTo(4294967295L);
      assertThat(request.flags()).isEqualTo(1 | 4); // non-blocking, BINLOG_THROUGH_GTID
      assertThat(request.gtids()).isEqualTo(UUID_A + ":1-100:105-105");
      assertThat(server.protocolErrors()).isEmpty();
    }
  }

  @Test
  void shouldRequestGtidAutoPositioningWithoutFile() {
    try (ScriptedMySqlServer server = ScriptedMySqlServer.builder().start();
        MySqlConnection connection = connect(server)) {
      connection.requestBinlogDumpGtid(
          MySqlGtidSet.parse(UUID_A + ":orders:1-3"), 9, MySqlConnection.DUMP_NON_BLOCKING);
      assertThat(connection.readEvent()).isSameAs(MySqlConnection.END_OF_STREAM);

      DumpRequest request = server.dumpRequests().get(0);
      assertThat(request.file()).isEmpty();
      assertThat(request.position()).isEqualTo(4);
      assertThat(request.gtids()).isEqualTo(UUID_A + ":orders:1-3");
    }
  }
}
