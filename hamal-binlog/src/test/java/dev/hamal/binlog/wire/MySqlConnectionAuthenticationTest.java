package dev.hamal.binlog.wire;

import static dev.hamal.testkit.ScriptedMySqlServer.AuthStep.ACCEPTED;
import static dev.hamal.testkit.ScriptedMySqlServer.AuthStep.AUTH_SWITCH;
import static dev.hamal.testkit.ScriptedMySqlServer.AuthStep.CLEARTEXT_PASSWORD;
import static dev.hamal.testkit.ScriptedMySqlServer.AuthStep.FAST_AUTH_SUCCESS;
import static dev.hamal.testkit.ScriptedMySqlServer.AuthStep.FULL_AUTH_REQUESTED;
import static dev.hamal.testkit.ScriptedMySqlServer.AuthStep.PUBLIC_KEY_SENT;
import static dev.hamal.testkit.ScriptedMySqlServer.AuthStep.REJECTED;
import static dev.hamal.testkit.ScriptedMySqlServer.AuthStep.RSA_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hamal.binlog.AuthenticationException;
import dev.hamal.binlog.BinlogConfigurationException;
import dev.hamal.binlog.BinlogConnectionException;
import dev.hamal.binlog.BinlogSource;
import dev.hamal.binlog.ServerErrorException;
import dev.hamal.binlog.SslMode;
import dev.hamal.testkit.ScriptedMySqlServer;
import dev.hamal.testkit.ScriptedMySqlServer.Login;
import dev.hamal.testkit.ScriptedMySqlServer.QueryAnswer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MySqlConnectionAuthenticationTest {

  private static final String NATIVE = "mysql_native_password";
  private static final String SHA2 = "caching_sha2_password";
  private static final String SHA256 = "sha256_password";

  private static TestTls ca;
  private static SSLContext serverTls;

  @TempDir Path temp;

  @BeforeAll
  static void createCertificates() throws Exception {
    ca = TestTls.newCa("hamal test CA");
    serverTls = ca.serverContext("localhost", "127.0.0.1");
  }

  private static BinlogSource.Builder source(ScriptedMySqlServer server) {
    return BinlogSource.builder(server.host(), server.port())
        .user("repl")
        .password("s3cret-pässword")
        .sslMode(SslMode.DISABLED)
        .connectTimeout(Duration.ofSeconds(5))
        .queryTimeout(Duration.ofSeconds(5));
  }

  private static void logIn(BinlogSource source) {
    try (MySqlConnection connection = MySqlConnection.open(source)) {
      assertThat(connection.serverInfo().version()).isNotEmpty();
    }
  }

  private static Login onlyLogin(ScriptedMySqlServer server) {
    assertThat(server.protocolErrors()).isEmpty();
    assertThat(server.logins()).hasSize(1);
    return server.logins().get(0);
  }

  @Test
  void shouldLogInWithNativePasswordAndReportTheGreeting() {
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder()
                .serverVersion("8.0.36")
                .firstConnectionId(4711)
                .account("repl", "s3cret-pässword")
                .start();
        MySqlConnection connection = MySqlConnection.open(source(server).build())) {

      ServerInfo info = connection.serverInfo();
      assertThat(info.version()).isEqualTo("8.0.36");
      assertThat(info.mariaDb()).isFalse();
      assertThat(info.connectionId()).isEqualTo(4711);
      assertThat(info.authPluginName()).isEqualTo(NATIVE);
      assertThat(info.collationId()).isEqualTo(255);
      assertThat(connection.isSecure()).isFalse();
      Login login = onlyLogin(server);
      assertThat(login.steps()).containsExactly(ACCEPTED);
      assertThat(login.clientPlugin()).isEqualTo(NATIVE);
      assertThat(login.collationId()).isEqualTo(45);
      assertThat(login.attributes()).containsEntry("_client_name", "hamal");
    }
  }

  @Test
  void shouldLogInWithoutPassword() {
    try (ScriptedMySqlServer server = ScriptedMySqlServer.builder().account("repl", "").start()) {
      logIn(source(server).password("").build());
      assertThat(onlyLogin(server).accepted()).isTrue();
    }
  }

  @Test
  void shouldStripMariaDbCompatibilityPrefixFromVersion() {
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder()
                .serverVersion("5.5.5-10.11.6-MariaDB-0+deb12u1")
                .account("repl", "s3cret-pässword")
                .start();
        MySqlConnection connection = MySqlConnection.open(source(server).build())) {
      ServerInfo info = connection.serverInfo();
      assertThat(info.version()).isEqualTo("10.11.6-MariaDB-0+deb12u1");
      assertThat(info.mariaDb()).isTrue();
      assertThat(info.versionAtLeast(10, 11, 6)).isTrue();
      assertThat(info.versionAtLeast(10, 11, 7)).isFalse();
    }
  }

  @Test
  void shouldReportWrongPasswordAsAuthenticationExceptionWithServerCode() {
    try (ScriptedMySqlServer server =
        ScriptedMySqlServer.builder().account("repl", "right").start()) {

      assertThatThrownBy(() -> MySqlConnection.open(source(server).password("wrong").build()))
          .isInstanceOfSatisfying(
              AuthenticationException.class,
              e -> {
                assertThat(e.isRetriable()).isFalse();
                assertThat(e.server()).isEqualTo(server.host() + ":" + server.port());
                assertThat(e.getCause())
                    .isInstanceOfSatisfying(
                        ServerErrorException.class,
                        cause -> assertThat(cause.errorCode()).isEqualTo(1045));
              })
          .hasMessageContaining("1045");
      assertThat(onlyLogin(server).steps()).containsExactly(REJECTED);
    }
  }

  @Test
  void shouldReportWrongPasswordForCachingSha2AfterFullAuthenticationOverTls() {
    try (ScriptedMySqlServer server =
        ScriptedMySqlServer.builder()
            .defaultAuthPlugin(SHA2)
            .account("repl", "right")
            .tls(serverTls)
            .start()) {

      assertThatThrownBy(() ->
              MySqlConnection.open(
                  source(server).password("wrong").sslMode(SslMode.REQUIRED).build()))
          .isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("1045");
      // cached, but the scramble did not match: MySQL then asks for the password itself
      assertThat(onlyLogin(server).steps())
          .containsExactly(FULL_AUTH_REQUESTED, CLEARTEXT_PASSWORD, REJECTED);
    }
  }

  @Test
  void shouldTakeCachingSha2FastPathWhenServerHasTheAccountCached() {
    try (ScriptedMySqlServer server =
        ScriptedMySqlServer.builder()
            .defaultAuthPlugin(SHA2)
            .cachingSha2Cached(true)
            .account("repl", "s3cret-pässword")
            .start()) {
      logIn(source(server).build());
      Login login = onlyLogin(server);
      assertThat(login.clientPlugin()).isEqualTo(SHA2);
      assertThat(login.steps()).containsExactly(FAST_AUTH_SUCCESS, ACCEPTED);
    }
  }

  @Test
  void shouldSendPasswordInClearOnlyOverTlsForFullCachingSha2Authentication() {
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder()
                .defaultAuthPlugin(SHA2)
                .cachingSha2Cached(false)
                .tls(serverTls)
                .account("repl", "s3cret-pässword")
                .start();
        MySqlConnection connection =
            MySqlConnection.open(source(server).sslMode(SslMode.REQUIRED).build())) {
      assertThat(connection.isSecure()).isTrue();
      Login login = onlyLogin(server);
      assertThat(login.tls()).isTrue();
      assertThat(login.steps()).containsExactly(FULL_AUTH_REQUESTED, CLEARTEXT_PASSWORD, ACCEPTED);
    }
  }

  @Test
  void shouldEncryptPasswordWithConfiguredRsaKeyForFullCachingSha2Authentication()
      throws Exception {
    try (ScriptedMySqlServer server =
        ScriptedMySqlServer.builder()
            .defaultAuthPlugin(SHA2)
            .cachingSha2Cached(false)
            .account("repl", "s3cret-pässword")
            .start()) {
      Path key = Files.writeString(temp.resolve("server-key.pem"), server.publicKeyPem());

      {
        logIn(source(server).serverPublicKeyPem(key).build());
        assertThat(onlyLogin(server).steps())
            .containsExactly(FULL_AUTH_REQUESTED, RSA_PASSWORD, ACCEPTED);
      }
    }
  }

  @Test
  void shouldRetrieveServerKeyWhenAllowedForFullCachingSha2Authentication() {
    try (ScriptedMySqlServer server =
        ScriptedMySqlServer.builder()
            .defaultAuthPlugin(SHA2)
            .cachingSha2Cached(false)
            .account("repl", "s3cret-pässword")
            .start()) {
      logIn(source(server).allowPublicKeyRetrieval(true).build());
      assertThat(onlyLogin(server).steps())
          .containsExactly(FULL_AUTH_REQUESTED, PUBLIC_KEY_SENT, RSA_PASSWORD, ACCEPTED);
    }
  }

  @Test
  void shouldRefuseFullAuthenticationWithoutTlsOrKeyAndSayWhatToConfigure() {
    try (ScriptedMySqlServer server =
        ScriptedMySqlServer.builder()
            .defaultAuthPlugin(SHA2)
            .cachingSha2Cached(false)
            .account("repl", "s3cret-pässword")
            .start()) {

      assertThatThrownBy(() -> MySqlConnection.open(source(server).build()))
          .isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("sslMode")
          .hasMessageContaining("serverPublicKeyPem")
          .hasMessageContaining("allowPublicKeyRetrieval");
      // the password never left the client; the server notices when the client hangs up
      await().until(() -> !server.logins().isEmpty());
      assertThat(server.logins().get(0).steps()).containsExactly(FULL_AUTH_REQUESTED, REJECTED);
    }
  }

  @Test
  void shouldFollowAuthSwitchFromCachingSha2GreetingToNativeAccount() {
    try (ScriptedMySqlServer server =
        ScriptedMySqlServer.builder()
            .defaultAuthPlugin(SHA2)
            .account("repl", "s3cret-pässword", NATIVE)
            .start()) {
      logIn(source(server).build());
      assertThat(onlyLogin(server).steps()).containsExactly(AUTH_SWITCH, ACCEPTED);
    }
  }

  @Test
  void shouldFollowAuthSwitchFromNativeGreetingToCachingSha2AccountWithFullAuthentication() {
    try (ScriptedMySqlServer server =
        ScriptedMySqlServer.builder()
            .defaultAuthPlugin(NATIVE)
            .cachingSha2Cached(false)
            .account("repl", "s3cret-pässword", SHA2)
            .start()) {
      logIn(source(server).allowPublicKeyRetrieval(true).build());
      assertThat(onlyLogin(server).steps())
          .containsExactly(
              AUTH_SWITCH, FULL_AUTH_REQUESTED, PUBLIC_KEY_SENT, RSA_PASSWORD, ACCEPTED);
    }
  }

  @Test
  void shouldUseTheNonceOfTheAuthSwitchRequestForTheFastPath() {
    try (ScriptedMySqlServer server =
        ScriptedMySqlServer.builder()
            .defaultAuthPlugin(NATIVE)
            .cachingSha2Cached(true)
            .account("repl", "s3cret-pässword", SHA2)
            .start()) {
      logIn(source(server).build());
      assertThat(onlyLogin(server).steps())
          .containsExactly(AUTH_SWITCH, FAST_AUTH_SUCCESS, ACCEPTED);
    }
  }

  @Test
  void shouldSendSha256PasswordInClearOverTls() {
    try (ScriptedMySqlServer server =
        ScriptedMySqlServer.builder()
            .defaultAuthPlugin(SHA256)
            .tls(serverTls)
            .account("repl", "s3cret-pässword")
            .start()) {
      logIn(source(server).sslMode(SslMode.PREFERRED).build());
      assertThat(onlyLogin(server).steps()).containsExactly(CLEARTEXT_PASSWORD, ACCEPTED);
    }
  }

  @Test
  void shouldEncryptSha256PasswordWithRetrievedKey() {
    try (ScriptedMySqlServer server =
        ScriptedMySqlServer.builder()
            .defaultAuthPlugin(SHA256)
            .account("repl", "s3cret-pässword")
            .start()) {
      logIn(source(server).allowPublicKeyRetrieval(true).build());
      assertThat(onlyLogin(server).steps())
          .containsExactly(PUBLIC_KEY_SENT, RSA_PASSWORD, ACCEPTED);
    }
  }

  @Test
  void shouldEncryptSha256PasswordWithConfiguredKey() throws Exception {
    try (ScriptedMySqlServer server =
        ScriptedMySqlServer.builder()
            .defaultAuthPlugin(SHA256)
            .account("repl", "s3cret-pässword")
            .start()) {
      Path key = Files.writeString(temp.resolve("key.pem"), server.publicKeyPem());
      {
        logIn(source(server).serverPublicKeyPem(key).build());
        assertThat(onlyLogin(server).steps()).containsExactly(RSA_PASSWORD, ACCEPTED);
      }
    }
  }

  @Test
  void shouldUseTlsWhenPreferredAndOffered() {
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder()
                .tls(serverTls)
                .account("repl", "s3cret-pässword")
                .start();
        MySqlConnection connection =
            MySqlConnection.open(source(server).sslMode(SslMode.PREFERRED).build())) {
      assertThat(connection.isSecure()).isTrue();
      assertThat(onlyLogin(server).tls()).isTrue();
    }
  }

  @Test
  void shouldStayPlainWhenPreferredAndNotOffered() {
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder().account("repl", "s3cret-pässword").start();
        MySqlConnection connection =
            MySqlConnection.open(source(server).sslMode(SslMode.PREFERRED).build())) {
      assertThat(connection.isSecure()).isFalse();
      assertThat(onlyLogin(server).tls()).isFalse();
    }
  }

  @Test
  void shouldFailWhenTlsRequiredButNotOffered() {
    try (ScriptedMySqlServer server =
        ScriptedMySqlServer.builder().account("repl", "s3cret-pässword").start()) {
      assertThatThrownBy(
              () -> MySqlConnection.open(source(server).sslMode(SslMode.REQUIRED).build()))
          .isInstanceOf(BinlogConfigurationException.class)
          .hasMessageContaining("does not offer");
      assertThat(server.logins()).isEmpty();
    }
  }

  @Test
  void shouldVerifyServerCertificateAgainstTrustedCa() throws Exception {
    Path caPem = ca.writeCaPem(temp);
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder()
                .tls(serverTls)
                .account("repl", "s3cret-pässword")
                .start();
        MySqlConnection connection =
            MySqlConnection.open(
                source(server).sslMode(SslMode.VERIFY_CA).trustedCaPem(caPem).build())) {
      assertThat(connection.isSecure()).isTrue();
    }
  }

  @Test
  void shouldRejectServerCertificateFromAnotherCa() throws Exception {
    Path otherCa = TestTls.newCa("some other CA").writeCaPem(temp);
    try (ScriptedMySqlServer server =
        ScriptedMySqlServer.builder().tls(serverTls).account("repl", "s3cret-pässword").start()) {
      assertThatThrownBy(() ->
              MySqlConnection.open(
                  source(server).sslMode(SslMode.VERIFY_CA).trustedCaPem(otherCa).build()))
          .isInstanceOf(BinlogConfigurationException.class)
          .hasMessageContaining("certificate is not accepted");
      assertThat(server.logins()).isEmpty();
    }
  }

  @Test
  void shouldCheckHostNameOnlyForVerifyIdentity() throws Exception {
    Path caPem = ca.writeCaPem(temp);
    SSLContext wrongName = ca.serverContext("db.example.com", "10.9.8.7");
    try (ScriptedMySqlServer server =
        ScriptedMySqlServer.builder().tls(wrongName).account("repl", "s3cret-pässword").start()) {
      BinlogSource.Builder builder = source(server).trustedCaPem(caPem);

      try (MySqlConnection connection =
          MySqlConnection.open(builder.sslMode(SslMode.VERIFY_CA).build())) {
        assertThat(connection.isSecure()).isTrue();
      }
      assertThatThrownBy(
              () -> MySqlConnection.open(builder.sslMode(SslMode.VERIFY_IDENTITY).build()))
          .isInstanceOf(BinlogConfigurationException.class);
    }
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder()
                .tls(serverTls)
                .account("repl", "s3cret-pässword")
                .start();
        MySqlConnection connection =
            MySqlConnection.open(
                source(server).sslMode(SslMode.VERIFY_IDENTITY).trustedCaPem(caPem).build())) {
      assertThat(connection.isSecure()).isTrue();
    }
  }

  @Test
  void shouldReportLoginRefusalWithServerCodeAndRetriability() {
    try (ScriptedMySqlServer server =
        ScriptedMySqlServer.builder()
            .refuseLogins(QueryAnswer.error(1040, "08004", "Too many connections"))
            .start()) {
      assertThatThrownBy(() -> MySqlConnection.open(source(server).build()))
          .isInstanceOfSatisfying(
              ServerErrorException.class,
              e -> {
                assertThat(e.errorCode()).isEqualTo(1040);
                assertThat(e.sqlState()).isEqualTo("08004");
                assertThat(e.isRetriable()).isTrue();
              });
    }
  }

  @Test
  void shouldReportUnreachableServerAsRetriableConnectionFailure() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    BinlogSource source =
        BinlogSource.builder("127.0.0.1", closedPort).connectTimeout(Duration.ofSeconds(2)).build();

    assertThatThrownBy(() -> MySqlConnection.open(source))
        .isInstanceOfSatisfying(
            BinlogConnectionException.class, e -> assertThat(e.isRetriable()).isTrue())
        .hasMessageContaining("127.0.0.1:" + closedPort);
  }

  @Test
  void shouldTimeOutWhenServerNeverGreets() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      BinlogSource source =
          BinlogSource.builder("127.0.0.1", silent.getLocalPort())
              .connectTimeout(Duration.ofMillis(300))
              .build();

      assertThatThrownBy(() -> MySqlConnection.open(source))
          .isInstanceOf(BinlogConnectionException.class)
          .hasMessageContaining("connect timeout of PT0.3S");
    }
  }
}
