package dev.hamal.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.MariaDbServer.Distribution;
import dev.hamal.embedded.MariaDbServerConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Servers started with {@code tls(cert, key)} accept verified TLS connections. */
class TlsServerIT {

  private static final TestCertificates certificates = TestCertificates.create();
  private static final Map<Distribution, MariaDbServer> servers = new EnumMap<>(Distribution.class);

  private static synchronized MariaDbServer server(Distribution distribution) {
    return servers.computeIfAbsent(
        distribution,
        d ->
            TestServers.dedicated(
                MariaDbServerConfig.builder(d)
                    .tls(certificates.serverCertPem(), certificates.serverKeyPem())
                    .build()));
  }

  @AfterAll
  static void closeServers() {
    servers.values().forEach(MariaDbServer::close);
  }

  private static String verifyingUrl(MariaDbServer server, TestCertificates trusted) {
    return "jdbc:mariadb://"
        + server.host()
        + ":"
        + server.port()
        + "/?sslMode=verify-full&serverSslCert="
        + trusted.caCertPem();
  }

  private static String cipher(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
      rs.next();
      return rs.getString(2);
    }
  }

  @ParameterizedTest
  @EnumSource(Distribution.class)
  void shouldAcceptATlsConnectionThatVerifiesTheCertificateAndHostName(Distribution distribution)
      throws Exception {
    MariaDbServer server = server(distribution);

    try (Connection connection =
        DriverManager.getConnection(
            verifyingUrl(server, certificates),
            server.replicationUser(),
            server.replicationPassword())) {
      assertThat(cipher(connection)).isNotBlank();
    }
    assertThat(Sql.queryString(server, "SELECT @@have_ssl")).isEqualTo("YES");
  }

  @ParameterizedTest
  @EnumSource(Distribution.class)
  void shouldBeRejectedByAClientThatTrustsAnotherCa(Distribution distribution) {
    MariaDbServer server = server(distribution);
    TestCertificates stranger = TestCertificates.create();

    assertThatThrownBy(() ->
            DriverManager.getConnection(
                    verifyingUrl(server, stranger), server.adminUser(), server.adminPassword())
                .close())
        .isInstanceOf(SQLException.class);
  }
}
