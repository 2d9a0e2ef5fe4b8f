package dev.hamal.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.MariaDbServerConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TestServersIT {

  static Stream<MariaDbServer> servers() {
    return TestServers.all();
  }

  private static String database(MariaDbServer server, String test) {
    return (test + "_" + server.name()).replaceAll("[^A-Za-z0-9_]", "_").toLowerCase(Locale.ROOT);
  }

  @Test
  void shouldShareOneServerPerVersionWithinTheJvm() {
    assertThat(TestServers.mariaDb114()).isSameAs(TestServers.mariaDb114());
    assertThat(TestServers.mariaDb1011()).isSameAs(TestServers.mariaDb1011());
    assertThat(TestServers.all().map(MariaDbServer::name))
        .satisfiesExactly(
            n -> assertThat(n).startsWith("mariadb-11.4."),
            n -> assertThat(n).startsWith("mariadb-10.11."));
    assertThat(Sql.queryLong(TestServers.mariaDb114(), "SELECT @@server_id"))
        .isEqualTo(TestServers.MARIADB_114_SERVER_ID);
    assertThat(Sql.queryLong(TestServers.mariaDb1011(), "SELECT @@server_id"))
        .isEqualTo(TestServers.MARIADB_1011_SERVER_ID);
  }

  @ParameterizedTest
  @MethodSource("servers")
  void shouldRunStatementsAndQueriesAsTheAdminUser(MariaDbServer server) {
    String db = database(server, "sql_helper");
    Sql.execute(
        server,
        "DROP DATABASE IF EXISTS " + db,
        "CREATE DATABASE " + db,
        "CREATE TABLE " + db + ".orders (id BIGINT PRIMARY KEY, status VARCHAR(10))");
    Sql.executeIn(server, db, "INSERT INTO orders VALUES (1, 'paid'), (2, 'created')");

    assertThat(Sql.queryLong(server, "SELECT COUNT(*) FROM " + db + ".orders")).isEqualTo(2);
    assertThat(Sql.queryString(server, "SELECT status FROM " + db + ".orders WHERE id = 1"))
        .isEqualTo("paid");
    assertThat(Sql.query(server, "SELECT id FROM " + db + ".orders ORDER BY id", r -> r.getLong(1)))
        .containsExactly(1L, 2L);
    assertThat(Sql.masterStatus(server).file()).startsWith("mysql-bin.");
    assertThatThrownBy(() -> Sql.executeIn(server, db, "INSERT INTO orders VALUES (1, 'dup')"))
        .isInstanceOfSatisfying(
            UncheckedSqlException.class, e -> assertThat(e.errorCode()).isEqualTo(1062));
    assertThatThrownBy(() -> Sql.queryLong(server, "SELECT id FROM " + db + ".orders"))
        .isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest
  @MethodSource("servers")
  void shouldAdvanceTheBinlogPositionOnWrites(MariaDbServer server) {
    String db = database(server, "position");
    Sql.execute(server, "CREATE DATABASE IF NOT EXISTS " + db);
    Sql.MasterStatus before = Sql.masterStatus(server);

    Sql.execute(server, "CREATE TABLE " + db + ".t" + System.nanoTime() + " (id INT)");

    Sql.MasterStatus after = Sql.masterStatus(server);
    assertThat(after.file()).isEqualTo(before.file());
    assertThat(after.position()).isGreaterThan(before.position());
  }

  @ParameterizedTest
  @MethodSource("servers")
  void shouldLetTheReplicationUserShowMasterStatus(MariaDbServer server) throws Exception {
    try (Connection replication =
            DriverManager.getConnection(
                server.jdbcUrl(""), server.replicationUser(), server.replicationPassword());
        Statement statement = replication.createStatement();
        ResultSet status = statement.executeQuery("SHOW MASTER STATUS")) {
      assertThat(status.next()).isTrue();
      assertThat(status.getString("File")).startsWith("mysql-bin.");
    }
  }

  @Test
  void shouldKeepASharedServerRunningWhenSomebodyClosesIt() {
    MariaDbServer shared = TestServers.mariaDb114();

    shared.close();

    assertThat(shared.isRunning()).isTrue();
    assertThat(TestServers.mariaDb114()).isSameAs(shared);
    assertThat(Sql.queryLong(shared, "SELECT 1")).isEqualTo(1);
  }

  @Test
  void shouldStartADedicatedServerThatTheCallerCloses() {
    MariaDbServer dedicated;
    try (MariaDbServer server =
        TestServers.dedicated(
            MariaDbServerConfig.builder(MariaDbServer.Distribution.SYSTEM).serverId(5).build())) {
      dedicated = server;
      assertThat(server).isNotSameAs(TestServers.mariaDb1011());
      assertThat(server.port()).isNotEqualTo(TestServers.mariaDb1011().port());
      assertThat(Sql.queryLong(server, "SELECT @@server_id")).isEqualTo(5);
    }
    assertThat(dedicated.isRunning()).isFalse();
    assertThat(TestServers.mariaDb1011().isRunning()).isTrue();
  }
}
