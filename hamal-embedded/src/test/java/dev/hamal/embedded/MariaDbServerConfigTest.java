package dev.hamal.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.embedded.MariaDbServer.Distribution;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MariaDbServerConfigTest {

  @TempDir Path dir;

  @Test
  void shouldDefaultToFullMetadataFullImageChecksumAndAFreePort() {
    MariaDbServerConfig config = MariaDbServerConfig.builder(Distribution.BUNDLED).build();

    assertThat(config.distribution()).isEqualTo(Distribution.BUNDLED);
    assertThat(config.port()).isEmpty();
    assertThat(config.dataDir()).isEmpty();
    assertThat(config.serverId()).isEqualTo(1);
    assertThat(config.rowMetadata()).isEqualTo(RowMetadata.FULL);
    assertThat(config.rowImage()).isEqualTo("FULL");
    assertThat(config.checksum()).isTrue();
    assertThat(config.serverArgs()).isEmpty();
    assertThat(config.tls()).isEmpty();
    assertThat(config.startTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.stopTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.exitGrace()).isZero();
    assertThat(config.jvmScoped()).isFalse();
  }

  @Test
  void shouldKeepEveryConfiguredValue() throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "cert");
    Path key = Files.writeString(dir.resolve("key.pem"), "key");
    MariaDbServerConfig config =
        MariaDbServerConfig.builder(Distribution.SYSTEM)
            .port(33_306)
            .dataDir(dir.resolve("data"))
            .serverId(42)
            .rowMetadata(RowMetadata.MINIMAL)
            .rowImage("noblob")
            .checksum(false)
            .serverArgs(List.of("--binlog-annotate-row-events=OFF"))
            .tls(cert, key)
            .startTimeout(Duration.ofSeconds(5))
            .stopTimeout(Duration.ofSeconds(6))
            .exitGrace(Duration.ofSeconds(7))
            .jvmScoped(true)
            .build();

    assertThat(config.port()).hasValue(33_306);
    assertThat(config.dataDir()).contains(dir.resolve("data"));
    assertThat(config.serverId()).isEqualTo(42);
    assertThat(config.rowMetadata()).isEqualTo(RowMetadata.MINIMAL);
    assertThat(config.rowImage()).isEqualTo("NOBLOB");
    assertThat(config.checksum()).isFalse();
    assertThat(config.serverArgs()).containsExactly("--binlog-annotate-row-events=OFF");
    assertThat(config.tls()).contains(new MariaDbServerConfig.Tls(cert, key));
    assertThat(config.startTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.stopTimeout()).isEqualTo(Duration.ofSeconds(6));
    assertThat(config.exitGrace()).isEqualTo(Duration.ofSeconds(7));
    assertThat(config.jvmScoped()).isTrue();
  }

  @Test
  void shouldRejectInvalidValuesNamingTheSetting() {
    MariaDbServerConfig.Builder builder = MariaDbServerConfig.builder(Distribution.BUNDLED);

    assertThatThrownBy(() -> builder.port(-1)).hasMessageContaining("port");
    assertThatThrownBy(() -> builder.port(65_536)).hasMessageContaining("port");
    assertThatThrownBy(() -> builder.serverId(0)).hasMessageContaining("serverId");
    assertThatThrownBy(() -> builder.rowImage("PARTIAL")).hasMessageContaining("rowImage");
    assertThatThrownBy(() -> builder.startTimeout(Duration.ZERO))
        .hasMessageContaining("startTimeout");
    assertThatThrownBy(() -> builder.stopTimeout(Duration.ofSeconds(-1)))
        .hasMessageContaining("stopTimeout");
    assertThatThrownBy(() -> builder.exitGrace(Duration.ofMillis(-1)))
        .hasMessageContaining("exitGrace");
    assertThatThrownBy(() -> builder.tls(dir.resolve("missing.pem"), dir.resolve("key.pem")))
        .hasMessageContaining("tls");
  }

  @Test
  void shouldRejectServerArgsThatTheServerOwns() {
    MariaDbServerConfig.Builder builder = MariaDbServerConfig.builder(Distribution.BUNDLED);

    for (String owned :
        List.of("--port=3307", "--datadir=/x", "--socket=/s", "--loose-bind_address=0.0.0.0")) {
      assertThatThrownBy(() -> builder.serverArgs(List.of(owned)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("serverArgs");
    }
    assertThatThrownBy(() -> builder.serverArgs(List.of("binlog-format=STATEMENT")))
        .hasMessageContaining("serverArgs");
  }

  @Test
  void shouldRejectADataDirTooLongForTheUnixSocket() {
    Path deep = dir.resolve("x".repeat(MariaDbServerConfig.MAX_SOCKET_PATH_BYTES));

    assertThatThrownBy(() -> MariaDbServerConfig.builder(Distribution.SYSTEM).dataDir(deep))
        .hasMessageContaining("dataDir");
  }

  @Test
  void shouldRejectADataDirThatIsAFile() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "");

    assertThatThrownBy(() -> MariaDbServerConfig.builder(Distribution.SYSTEM).dataDir(file))
        .hasMessageContaining("dataDir");
  }
}
