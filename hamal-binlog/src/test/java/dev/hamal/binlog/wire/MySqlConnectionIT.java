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
import dev.hamal.testkit.Sql;
import dev.hamal.testkit.TestCertificates;
import dev.hamal.testkit.TestServers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The client against real MariaDB servers: the shared 11.4 and 10.11 of {@link TestServers}, and a
 * dedicated 10.11 with TLS (also used for what changes a server: the ed25519 plugin and account, a
 * 20 MB row). The other side of every check goes through the MariaDB JDBC driver or the binlog file
 * itself, not through the code under test.
 */
class MySqlConnectionIT {

  private static final int ROTATE = 4;
  private static final int FORMAT_DESCRIPTION = 15;
  private static final int LOG_EVENT_ARTIFICIAL_F = 0x20;
  private static final AtomicInteger NEXT_SERVER_ID =
      new AtomicInteger(700_000 + (int) (System.nanoTime() % 100_000));

  private static TestCertificates certificates;
  private static MariaDbServer tlsServer;

  @BeforeAll
  static void startTlsServer() {
    certificates = TestCertificates.create();
    tlsServer =
        TestServers.dedicated(
            MariaDbServerConfig.builder(Distribution.SYSTEM)
                .tls(certificates.serverCertPem(), certificates.serverKeyPem())
                .build());
  }

  @AfterAll
  static void stopTlsServer() {
    if (tlsServer != null) {
      tlsServer.close();
    }
  }

  static Stream<MariaDbServer> servers() {
    return TestServers.all();
  }

  private static BinlogSource.Builder replica(MariaDbServer server) {
    return BinlogSource.builder(server.host(), server.port())
        .user(server.replicationUser())
        .password(server.replicationPassword())
        .sslMode(SslMode.DISABLED)
        .connectTimeout(Duration.ofSeconds(10))
        .queryTimeout(Duration.ofSeconds(30));
  }

  private static BinlogPosition masterStatus(MariaDbServer server) {
    Sql.MasterStatus status = Sql.masterStatus(server);
    return new BinlogPosition(status.file(), status.position());
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
  @MethodSource("servers")
  void shouldLogInWithNativePasswordAndRunQueries(MariaDbServer server) {
    try (MySqlConnection connection = MySqlConnection.open(replica(server).build())) {
      ServerInfo info = connection.serverInfo();
      assertThat(info.mariaDb()).isTrue();
      assertThat(info.version()).isEqualTo(Sql.queryString(server, "SELECT VERSION()"));
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
  @MethodSource("servers")
  void shouldAppearInShowSlaveHostsAfterRegistering(MariaDbServer server) {
    int serverId = NEXT_SERVER_ID.incrementAndGet();
    try (MySqlConnection connection = MySqlConnection.open(replica(server).build())) {
      connection.registerReplica(serverId, "hamal-wire-it", 3399, "", "");

      List<String> replicas =
          Sql.query(
              server,
              "SHOW SLAVE HOSTS",
              row ->
                  row.getLong("Server_id")
                      + "@"
                      + row.getString("Host")
                      + ":"
                      + row.getInt("Port"));
      assertThat(replicas).contains(serverId + "@hamal-wire-it:3399");
    }
  }

  @ParameterizedTest
  @MethodSource("servers")
  void shouldStreamRotateAndFormatDescriptionFromCurrentPosition(MariaDbServer server) {
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

  @ParameterizedTest
  @MethodSource("servers")
  void shouldReportAPositionTheServerDoesNotHaveAsBinlogUnavailable(MariaDbServer server) {
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
  void shouldReportWrongPasswordAsAuthenticationException() {
    MariaDbServer server = TestServers.mariaDb1011();

    assertThatThrownBy(() -> MySqlConnection.open(replica(server).password("wrong").build()))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("1045");
  }

  @Test
  void shouldFailRequiredTlsAgainstAServerWithoutIt() {
    MariaDbServer server = TestServers.mariaDb114();

    assertThatThrownBy(
            () -> MySqlConnection.open(replica(server).sslMode(SslMode.REQUIRED).build()))
        .isInstanceOf(BinlogConfigurationException.class);
  }

  /** A 20 MB row arrives in two packets and must come out byte for byte as in the binlog file. */
  @Test
  void shouldStreamEventsLargerThan16MiBExactlyAsTheBinlogFileHoldsThem() throws Exception {
    BinlogPosition start = masterStatus(tlsServer);
    Sql.execute(
        tlsServer,
        "CREATE DATABASE IF NOT EXISTS wire_it",
        "CREATE TABLE IF NOT EXISTS wire_it.blobs (id INT PRIMARY KEY, v LONGBLOB)",
        "DELETE FROM wire_it.blobs",
        "INSERT INTO wire_it.blobs VALUES (1, REPEAT('ab', 10000000)), (2, 'x')");
    assertThat(masterStatus(tlsServer).file()).isEqualTo(start.file());
    byte[] file = Files.readAllBytes(tlsServer.dataDir().resolve(start.file()));

    List<byte[]> events;
    try (MySqlConnection connection = MySqlConnection.open(replica(tlsServer).build())) {
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

  @Test
  void shouldVerifyTheServerCertificateAgainstTheTrustedCa() {
    try (MySqlConnection connection =
        MySqlConnection.open(
            replica(tlsServer)
                .sslMode(SslMode.VERIFY_CA)
                .trustedCaPem(certificates.caCertPem())
                .build())) {
      assertThat(connection.isSecure()).isTrue();
      QueryResult version = connection.query("SHOW SESSION STATUS LIKE 'Ssl_version'");
      assertThat(version.rows().get(0).get(1)).startsWith("TLSv1.");
    }
  }

  @Test
  void shouldRefuseAServerCertificateFromAnotherCa() {
    Path otherCa = TestCertificates.create().caCertPem();

    assertThatThrownBy(() ->
            MySqlConnection.open(
                replica(tlsServer).sslMode(SslMode.VERIFY_CA).trustedCaPem(otherCa).build()))
        .isInstanceOf(BinlogConfigurationException.class);
  }

  /** MariaDB's ed25519 plugin ships with Debian's 10.11; the client signs with {@link Ed25519}. */
  @Test
  void shouldLogInWithMariaDbEd25519() {
    Sql.execute(
        tlsServer,
        "INSTALL SONAME 'auth_ed25519'",
        "CREATE USER 'wire_ed'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('Ed-pässword 25519')");
    BinlogSource.Builder ed25519 = replica(tlsServer).user("wire_ed");

    try (MySqlConnection connection =
        MySqlConnection.open(ed25519.password("Ed-pässword 25519").build())) {
      assertThat(connection.query("SELECT CURRENT_USER()").rows().get(0).get(0))
          .isEqualTo("wire_ed@%");
    }
    assertThatThrownBy(() -> MySqlConnection.open(ed25519.password("other").build()))
        .isInstanceOf(AuthenticationException.class);
  }
}
