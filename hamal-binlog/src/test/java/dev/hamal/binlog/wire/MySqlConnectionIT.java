package dev.hamal.binlog.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.binlog.AuthenticationException;
import dev.hamal.binlog.BinlogConfigurationException;
import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.BinlogSource;
import dev.hamal.binlog.BinlogUnavailableException;
import dev.hamal.binlog.SslMode;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.MariaDbServer.Distribution;
import dev.hamal.embedded.MariaDbServerConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The client against real MariaDB servers: the bundled 11.4 ({@code BUNDLED}) and Debian's 10.11
 * ({@code SYSTEM}, with TLS). The other side of every check goes through the MariaDB JDBC driver or
 * the binlog file itself, not through the code under test.
 */
class MySqlConnectionIT {

  private static final int ROTATE = 4;
  private static final int FORMAT_DESCRIPTION = 15;
  private static final int LOG_EVENT_ARTIFICIAL_F = 0x20;
  private static final AtomicInteger NEXT_SERVER_ID =
      new AtomicInteger(700_000 + (int) (System.nanoTime() % 100_000));

  @TempDir static Path tls;
  private static TestTls ca;
  private static Path caPem;
  private static MariaDbServer mariaDb114;
  private static MariaDbServer mariaDb1011;

  @BeforeAll
  static void startServers() throws Exception {
    ca = TestTls.newCa("hamal wire IT CA");
    caPem = ca.writeCaPem(tls);
    Path[] identity = ca.writeServerPem(tls, "localhost", "127.0.0.1");
    mariaDb114 = MariaDbServer.start(MariaDbServerConfig.builder(Distribution.BUNDLED).build());
    mariaDb1011 =
        MariaDbServer.start(
            MariaDbServerConfig.builder(Distribution.SYSTEM).tls(identity[0], identity[1]).build());
  }

  @AfterAll
  static void stopServers() {
    if (mariaDb114 != null) {
      mariaDb114.close();
    }
    if (mariaDb1011 != null) {
      mariaDb1011.close();
    }
  }

  private static MariaDbServer server(Distribution distribution) {
    return distribution == Distribution.BUNDLED ? mariaDb114 : mariaDb1011;
  }

  private static BinlogSource.Builder replica(MariaDbServer server) {
    return BinlogSource.builder(server.host(), server.port())
        .user(server.replicationUser())
        .password(server.replicationPassword())
        .sslMode(SslMode.DISABLED)
        .connectTimeout(Duration.ofSeconds(10))
        .queryTimeout(Duration.ofSeconds(30));
  }

  private static Connection admin(MariaDbServer server) throws SQLException {
    return DriverManager.getConnection(
        server.jdbcUrl("mysql"), server.adminUser(), server.adminPassword());
  }

  private static BinlogPosition masterStatus(MariaDbServer server) throws SQLException {
    try (Connection admin = admin(server);
        Statement statement = admin.createStatement();
        ResultSet rows = statement.executeQuery("SHOW MASTER STATUS")) {
      assertThat(rows.next()).isTrue();
      return new BinlogPosition(rows.getString("File"), rows.getLong("Position"));
    }
  }

  /** Asks for a non-blocking dump the way a MariaDB replica does and reads it to its end. */
  private static List<byte[]> dumpToEnd(MySqlConnection connection, BinlogPosition start) {
    connection.execute("SET @master_binlog_checksum = @@global.binlog_checksum");
    connection.execute("SET @mariadb_slave_capability = 4");
    connection.setReadTimeout(Duration.ofSeconds(30));
    connection.requestBinlogDump(
        start, NEXT_SERVER_ID.incrementAndGet(), MySqlConnection.DUMP_NON_BLOCKING);
    List<byte[]> events = new ArrayList<>();
    for (byte[] event = connection.readEvent();
        event != MySqlConnection.END_OF_STREAM;
        event = connection.readEvent()) {
      events.add(event);
    }
    return events;
  }

  private static int type(byte[] event) {
    return event[4] & 0xFF;
  }

  private static ByteBuffer header(byte[] event) {
    return ByteBuffer.wrap(event).order(ByteOrder.LITTLE_ENDIAN);
  }

  @ParameterizedTest
  @EnumSource(Distribution.class)
  void shouldLogInWithNativePasswordAndRunQueries(Distribution distribution) {
    MariaDbServer server = server(distribution);
    try (MySqlConnection connection = MySqlConnection.open(replica(server).build())) {
      ServerInfo info = connection.serverInfo();
      assertThat(info.mariaDb()).isTrue();
      assertThat(server.version()).startsWith(info.version().substring(0, 5));
      assertThat(info.authPluginName()).isEqualTo("mysql_native_password");

      QueryResult result = connection.query("SELECT @@version AS v, NULL AS n, 'Zoë' AS z");
      assertThat(result.columns()).containsExactly("v", "n", "z");
      assertThat(result.rows()).hasSize(1);
      assertThat(result.rows().get(0)).containsExactly(info.version(), null, "Zoë");
      assertThat(connection.query("SELECT CONNECTION_ID()").rows().get(0).get(0))
          .isEqualTo(Long.toString(info.connectionId()));
    }
  }

  @ParameterizedTest
  @EnumSource(Distribution.class)
  void shouldAppearInShowSlaveHostsAfterRegistering(Distribution distribution) throws Exception {
    MariaDbServer server = server(distribution);
    int serverId = NEXT_SERVER_ID.incrementAndGet();
    try (MySqlConnection connection = MySqlConnection.open(replica(server).build())) {
      connection.registerReplica(serverId, "hamal-wire-it", 3399, "", "");

      try (Connection admin = admin(server);
          Statement statement = admin.createStatement();
          ResultSet rows = statement.executeQuery("SHOW SLAVE HOSTS")) {
        List<String> hosts = new ArrayList<>();
        while (rows.next()) {
          if (rows.getLong("Server_id") == serverId) {
            hosts.add(rows.getString("Host") + ":" + rows.getInt("Port"));
          }
        }
        assertThat(hosts).containsExactly("hamal-wire-it:3399");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Distribution.class)
  void shouldStreamRotateAndFormatDescriptionFromCurrentPosition(Distribution distribution)
      throws Exception {
    MariaDbServer server = server(distribution);
    BinlogPosition start = masterStatus(server);
    try (MySqlConnection connection = MySqlConnection.open(replica(server).build())) {
      List<byte[]> events = dumpToEnd(connection, start);

      assertThat(events).hasSizeGreaterThanOrEqualTo(2);
      byte[] rotate = events.get(0);
      assertThat(type(rotate)).isEqualTo(ROTATE);
      // ROTATE body: 8-byte position, then the file name (and a CRC32 when checksums are on)
      assertThat(header(rotate).getLong(19)).isEqualTo(start.position());
      assertThat(new String(rotate, 27, start.file().length(), StandardCharsets.US_ASCII))
          .isEqualTo(start.file());
      assertThat(type(events.get(1))).isEqualTo(FORMAT_DESCRIPTION);
      for (byte[] event : events) {
        assertThat(header(event).getInt(9)).isEqualTo(event.length);
      }
      assertThat(connection.bytesReceived()).isGreaterThan(rotate.length + events.get(1).length);
    }
  }

  /** A 20 MB row arrives in two packets and must come out byte for byte as in the binlog file. */
  @Test
  void shouldStreamEventsLargerThan16MiBExactlyAsTheBinlogFileHoldsThem() throws Exception {
    MariaDbServer server = mariaDb1011;
    BinlogPosition start = masterStatus(server);
    try (Connection admin = admin(server);
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE IF NOT EXISTS wire_it");
      statement.execute(
          "CREATE TABLE IF NOT EXISTS wire_it.blobs (id INT PRIMARY KEY, v LONGBLOB)");
      statement.execute("DELETE FROM wire_it.blobs");
      statement.execute("INSERT INTO wire_it.blobs VALUES (1, REPEAT('ab', 10000000)), (2, 'x')");
    }
    BinlogPosition end = masterStatus(server);
    assertThat(end.file()).isEqualTo(start.file());
    byte[] file = Files.readAllBytes(server.dataDir().resolve(start.file()));

    List<byte[]> events;
    try (MySqlConnection connection = MySqlConnection.open(replica(server).build())) {
      events = dumpToEnd(connection, start);
    }

    int compared = 0;
    int largest = 0;
    for (byte[] event : events) {
      ByteBuffer header = header(event);
      long next = header.getInt(13) & 0xFFFFFFFFL;
      int flags = header.getShort(17) & 0xFFFF;
      // skip what the server makes up for the stream: the fake ROTATE, artificial events, and
      // the FORMAT_DESCRIPTION whose "binlog in use" flag it clears
      if (next == 0 || (flags & LOG_EVENT_ARTIFICIAL_F) != 0 || type(event) == FORMAT_DESCRIPTION) {
        continue;
      }
      int offset = (int) next - event.length;
      assertThat(Arrays.copyOfRange(file, offset, (int) next)).isEqualTo(event);
      compared++;
      largest = Math.max(largest, event.length);
    }
    assertThat(largest).isGreaterThan(20_000_000);
    assertThat(compared).isGreaterThanOrEqualTo(4);
  }

  @ParameterizedTest
  @EnumSource(Distribution.class)
  void shouldReportAPositionTheServerDoesNotHaveAsBinlogUnavailable(Distribution distribution) {
    MariaDbServer server = server(distribution);
    BinlogPosition missing = new BinlogPosition("mysql-bin.999999", 4);
    try (MySqlConnection connection = MySqlConnection.open(replica(server).build())) {
      assertThatThrownBy(() -> dumpToEnd(connection, missing))
          .isInstanceOfSatisfying(
              BinlogUnavailableException.class,
              e -> {
                assertThat(e.errorCode()).isEqualTo(1236);
                assertThat(e.isRetriable()).isFalse();
                assertThat(e.position()).contains(missing);
              });
    }
  }

  @Test
  void shouldVerifyTheServerCertificateAgainstTheTrustedCa() {
    try (MySqlConnection connection =
        MySqlConnection.open(
            replica(mariaDb1011).sslMode(SslMode.VERIFY_CA).trustedCaPem(caPem).build())) {
      assertThat(connection.isSecure()).isTrue();
      QueryResult cipher = connection.query("SHOW SESSION STATUS LIKE 'Ssl_version'");
      assertThat(cipher.rows().get(0).get(1)).startsWith("TLSv1.");
    }
  }

  @Test
  void shouldRefuseAServerCertificateFromAnotherCa() throws Exception {
    Path otherCa = TestTls.newCa("not the server's CA").writeCaPem(tls);

    assertThatThrownBy(() ->
            MySqlConnection.open(
                replica(mariaDb1011).sslMode(SslMode.VERIFY_CA).trustedCaPem(otherCa).build()))
        .isInstanceOf(BinlogConfigurationException.class);
  }

  @Test
  void shouldFailRequiredTlsAgainstAServerWithoutIt() {
    assertThatThrownBy(
            () -> MySqlConnection.open(replica(mariaDb114).sslMode(SslMode.REQUIRED).build()))
        .isInstanceOf(BinlogConfigurationException.class);
  }

  @Test
  void shouldReportWrongPasswordAsAuthenticationException() {
    assertThatThrownBy(() -> MySqlConnection.open(replica(mariaDb1011).password("wrong").build()))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("1045");
  }

  /** MariaDB's ed25519 plugin ships with Debian's 10.11; the signature is made by Ed25519.java. */
  @Test
  void shouldLogInWithMariaDbEd25519() throws Exception {
    MariaDbServer server = mariaDb1011;
    try (Connection admin = admin(server);
        Statement statement = admin.createStatement()) {
      statement.execute("SET SESSION sql_log_bin = 0");
      try (ResultSet plugin =
          statement.executeQuery(
              "SELECT 1 FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'ed25519'")) {
        if (!plugin.next()) {
          statement.execute("INSTALL SONAME 'auth_ed25519'");
        }
      }
      statement.execute("DROP USER IF EXISTS 'wire_ed'@'%'");
      statement.execute(
          "CREATE USER 'wire_ed'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('Ed-pässword 25519')");
    }

    try (MySqlConnection connection =
        MySqlConnection.open(
            replica(server).user("wire_ed").password("Ed-pässword 25519").build())) {
      assertThat(connection.query("SELECT CURRENT_USER()").rows().get(0).get(0))
          .isEqualTo("wire_ed@%");
    }
    assertThatThrownBy(
            () -> MySqlConnection.open(replica(server).user("wire_ed").password("other").build()))
        .isInstanceOf(AuthenticationException.class);
  }
}
