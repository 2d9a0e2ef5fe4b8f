package dev.hamal.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.embedded.MariaDbServer.Distribution;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every server guarantees right after start, checked once per distribution. */
class MariaDbServerIT {

  private static final Map<Distribution, MariaDbServer> servers = new EnumMap<>(Distribution.class);

  private static synchronized MariaDbServer server(Distribution distribution) {
    return servers.computeIfAbsent(
        distribution, d -> MariaDbServer.start(MariaDbServerConfig.builder(d).serverId(7).build()));
  }

  @AfterAll
  static void closeServers() {
    servers.values().forEach(MariaDbServer::close);
    servers.clear();
  }

  @ParameterizedTest
  @EnumSource(Distribution.class)
  void shouldRunTheDistributionsVersion(Distribution distribution) {
    MariaDbServer server = server(distribution);

    String expected = distribution == Distribution.BUNDLED ? "11.4." : "10.11.";
    assertThat(server.version()).startsWith(expected).contains("MariaDB");
    assertThat(server.name()).startsWith("mariadb-" + expected).doesNotContain("MariaDB");
    assertThat(server.host()).isEqualTo("127.0.0.1");
    assertThat(server.port()).isPositive();
    assertThat(server.jdbcUrl("x"))
        .isEqualTo("jdbc:mariadb://127.0.0.1:" + server.port() + "/x?sslMode=disable");
    assertThat(server.isRunning()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Distribution.class)
  void shouldLogRowEventsWithTheDefaultSettings(Distribution distribution) throws Exception {
    MariaDbServer server = server(distribution);

    assertThat(Jdbc.variable(server, "log_bin")).isEqualTo("1");
    assertThat(Jdbc.variable(server, "log_bin_basename")).endsWith("/mysql-bin");
    assertThat(Jdbc.variable(server, "binlog_format")).isEqualTo("ROW");
    assertThat(Jdbc.variable(server, "binlog_row_image")).isEqualTo("FULL");
    assertThat(Jdbc.variable(server, "binlog_row_metadata")).isEqualTo("FULL");
    assertThat(Jdbc.variable(server, "binlog_checksum")).isEqualTo("CRC32");
    assertThat(Jdbc.variable(server, "max_allowed_packet")).isEqualTo("1073741824");
    assertThat(Jdbc.variable(server, "character_set_server")).isEqualTo("utf8mb4");
    assertThat(Jdbc.variable(server, "server_id")).isEqualTo("7");
    assertThat(Jdbc.variable(server, "have_ssl")).isEqualTo("DISABLED");
    assertThat(Jdbc.variable(server, "bind_address")).isEqualTo("127.0.0.1");
    assertThat(Jdbc.variable(server, "socket")).startsWith(server.dataDir().toString());
    assertThat(Jdbc.variable(server, "pid_file")).startsWith(server.dataDir().toString());
    if (distribution == Distribution.BUNDLED) {
      // 11.4 default, deliberately untouched: End_log_pos is 0 inside transactions
      assertThat(Jdbc.variable(server, "binlog_legacy_event_pos")).isEqualTo("0");
    }
  }

  @ParameterizedTest
  @EnumSource(Distribution.class)
  void shouldLetTheReplicationUserReadTheBinlogPosition(Distribution distribution)
      throws Exception {
    MariaDbServer server = server(distribution);

    try (Connection replication =
        DriverManager.getConnection(
            server.jdbcUrl(""), server.replicationUser(), server.replicationPassword())) {
      List<Map<String, String>> status = Jdbc.rows(replication, "SHOW MASTER STATUS");
      assertThat(status).hasSize(1);
      assertThat(status.get(0).get("File")).startsWith("mysql-bin.");
      assertThat(Long.parseLong(status.get(0).get("Position"))).isGreaterThan(4);
      assertThat(Jdbc.rows(replication, "SHOW BINARY LOGS")).isNotEmpty();
    }
    List<Map<String, String>> users =
        Jdbc.rows(
            server,
            "SELECT plugin FROM mysql.user WHERE user = '" + server.replicationUser() + "'");
    assertThat(users).extracting(u -> u.get("plugin")).containsExactly("mysql_native_password");
    String grants =
        Jdbc.rows(server, "SHOW GRANTS FOR '" + server.replicationUser() + "'@'%'").toString();
    assertThat(grants).contains("REPLICATION SLAVE", "BINLOG MONITOR", "SELECT", "RELOAD");
  }

  @ParameterizedTest
  @EnumSource(Distribution.class)
  void shouldKeepItsOwnUserSetUpOutOfTheBinlog(Distribution distribution) throws Exception {
    MariaDbServer server = server(distribution);

    StringBuilder events = new StringBuilder();
    for (Map<String, String> binlog : Jdbc.rows(server, "SHOW BINARY LOGS")) {
      events.append(Jdbc.rows(server, "SHOW BINLOG EVENTS IN '" + binlog.get("Log_name") + "'"));
    }

    assertThat(events).isNotEmpty();
    assertThat(events.toString()).doesNotContain(server.adminUser()).doesNotContain("GRANT");
  }

  @ParameterizedTest
  @EnumSource(Distribution.class)
  void shouldWriteRowsEventsForDml(Distribution distribution) throws Exception {
    MariaDbServer server = server(distribution);
    String db = "rows_" + distribution.name().toLowerCase(java.util.Locale.ROOT);

    Jdbc.execute(
        server,
        "CREATE DATABASE " + db,
        "CREATE TABLE " + db + ".t (id INT PRIMARY KEY, note VARCHAR(20))",
        "INSERT INTO " + db + ".t VALUES (1, 'one')");

    String file = Jdbc.rows(server, "SHOW MASTER STATUS").get(0).get("File");
    List<String> types =
        Jdbc.rows(server, "SHOW BINLOG EVENTS IN '" + file + "'").stream()
            .map(e -> e.get("Event_type"))
            .toList();
    assertThat(types).contains("Table_map", "Write_rows_v1");
  }
}
