package dev.hamal.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.embedded.MariaDbServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy in front of a real server, driven by the MariaDB JDBC driver. */
class FaultProxyIT {

  private MariaDbServer server;
  private FaultProxy proxy;

  @BeforeEach
  void startProxy() {
    server = TestServers.mariaDb114();
    proxy = FaultProxy.start(server);
  }

  @AfterEach
  void closeProxy() {
    proxy.close();
  }

  private Connection connectThroughProxy(String options) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:mariadb://" + proxy.host() + ":" + proxy.port() + "/?sslMode=disable" + options,
        server.adminUser(),
        server.adminPassword());
  }

  private static String queryString(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void shouldCarryTheProtocolAndCountBytesBothWays() throws Exception {
    try (Connection connection = connectThroughProxy("")) {
      assertThat(queryString(connection, "SELECT VERSION()")).isEqualTo(server.version());
    }
    assertThat(proxy.bytesToClient()).isPositive();
    assertThat(proxy.bytesToServer()).isPositive();
    assertThat(proxy.acceptedConnections()).isEqualTo(1);
  }

  @Test
  void shouldBreakAnOpenConnectionOnCutAllAndLetTheNextOneThrough() throws Exception {
    try (Connection connection = connectThroughProxy("")) {
      queryString(connection, "SELECT 1");

      assertThat(proxy.cutAll()).isEqualTo(1);

      assertThatThrownBy(() -> queryString(connection, "SELECT 2"))
          .isInstanceOf(SQLException.class);
    }
    try (Connection again = connectThroughProxy("")) {
      assertThat(queryString(again, "SELECT 3")).isEqualTo("3");
    }
  }

  @Test
  void shouldLetAQueryTimeOutWhileBlackholedAndServeAfterResume() throws Exception {
    try (Connection connection = connectThroughProxy("&socketTimeout=300")) {
      queryString(connection, "SELECT 1");

      proxy.blackhole();
      assertThatThrownBy(() -> queryString(connection, "SELECT 2"))
          .isInstanceOf(SQLException.class);
    }
    proxy.resume();
    try (Connection again = connectThroughProxy("")) {
      assertThat(queryString(again, "SELECT 4")).isEqualTo("4");
    }
  }

  @Test
  void shouldCorruptExactlyOneByteOfAResultRow() throws Exception {
    try (Connection connection = connectThroughProxy("")) {
      queryString(connection, "SELECT 1");

      var fired = proxy.flipByteToClient(600);
      String value = queryString(connection, "SELECT REPEAT('a', 1000)");

      fired.get(10, TimeUnit.SECONDS);
      assertThat(value).hasSize(1000);
      assertThat(value.chars().filter(c -> c != 'a').toArray()).containsExactly('a' ^ 0x01);
    }
  }
}
