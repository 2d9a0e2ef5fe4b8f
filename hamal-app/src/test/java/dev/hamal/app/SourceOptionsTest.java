package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.binlog.BinlogSource;
import dev.hamal.binlog.SslMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SourceOptionsTest {

  private static SourceOptions parse(String... args) {
    SourceOptions options = new SourceOptions();
    new CommandLine(new Holder(options)).parseArgs(args);
    return options;
  }

  @CommandLine.Command(name = "holder")
  private static final class Holder {
    @CommandLine.Mixin final SourceOptions options;

    Holder(SourceOptions options) {
      this.options = options;
    }
  }

  @Test
  void shouldReadHostPortUserAndPasswordFromTheEnvironment() {
    BinlogSource source =
        parse("--source", "mysql://repl@db1.example:3307", "--password-env", "DB_PW")
            .toSource(Map.of("DB_PW", "s3cret"));
    assertThat(source.host()).isEqualTo("db1.example");
    assertThat(source.port()).isEqualTo(3307);
    assertThat(source.user()).isEqualTo("repl");
    assertThat(source.password()).isEqualTo("s3cret");
    assertThat(source.toString()).doesNotContain("s3cret");
  }

  @Test
  void shouldReadThePasswordFromTheFirstLineOfAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pw");
    Files.writeString(file, "from-file\nignored\n");
    BinlogSource source =
        parse("--source", "mariadb://db2", "--password-file", file.toString()).toSource(Map.of());
    assertThat(source.password()).isEqualTo("from-file");
    assertThat(source.port()).isEqualTo(3306);
    assertThat(source.user()).isEqualTo("root");
  }

  @Test
  void shouldRefuseAPasswordInTheUrl() {
    assertThatThrownBy(() -> parse("--source", "mysql://u:pw@h").toSource(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--password-env");
  }

  @Test
  void shouldNameAMissingEnvironmentVariable() {
    assertThatThrownBy(
            () -> parse("--source", "mysql://h", "--password-env", "NOPE").toSource(Map.of()))
        .hasMessageContaining("NOPE is not set");
  }

  @Test
  void shouldApplyUrlOptionsAndRejectUnknownOnes() {
    BinlogSource source =
        parse("--source", "mysql://h?sslMode=required&serverId=4000000000&reportHost=tailer")
            .toSource(Map.of());
    assertThat(source.sslMode()).isEqualTo(SslMode.REQUIRED);
    assertThat(Integer.toUnsignedLong(source.serverId())).isEqualTo(4_000_000_000L);
    assertThat(source.reportHost()).isEqualTo("tailer");
    assertThatThrownBy(() -> parse("--source", "mysql://h?colour=blue").toSource(Map.of()))
        .hasMessageContaining("unknown option 'colour'");
    assertThatThrownBy(() -> parse("--source", "mysql://h?sslMode=sometimes").toSource(Map.of()))
        .hasMessageContaining("sslMode must be one of");
  }

  @Test
  void shouldRejectOtherSchemes() {
    assertThatThrownBy(() -> parse("--source", "postgres://h").toSource(Map.of()))
        .hasMessageContaining("expected mysql://");
  }

  @Test
  void shouldAllowOnlyOneStartOption() {
    StartOptions start = new StartOptions();
    start.from = "mysql-bin.000001:4";
    start.now = true;
    assertThatThrownBy(start::toStartPosition).hasMessageContaining("only one of");
    StartOptions bad = new StartOptions();
    bad.from = "mysql-bin.000001";
    assertThatThrownBy(bad::toStartPosition).hasMessageContaining("--from");
  }
}
