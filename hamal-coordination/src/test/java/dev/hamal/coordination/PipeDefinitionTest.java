package dev.hamal.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PipeDefinitionTest {

  static PipeDefinition.Builder valid(String name) {
    return PipeDefinition.builder(name)
        .sourceUrl("mysql://db1.example:3306")
        .user("repl")
        .passwordRef("env:HAMAL_DB1_PASSWORD")
        .serverId(1001)
        .businessLine("top-up");
  }

  @Test
  void shouldAcceptAValidDefinitionAndNormaliseTheSource() {
    PipeDefinition d =
        valid("db1").sourceUrl("mysql://DB1.example:3306").start(StartPosition.earliest()).build();
    assertThat(d.sourceUrl()).isEqualTo("mysql://db1.example:3306");
    assertThat(d.toBuilder().build()).isEqualTo(d);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Db1",
        "-db",
        "db 1",
        "db/1",
        "a234567890123456789012345678901234567890123456789012345678901234"
      })
  void shouldRejectBadPipeNames(String name) {
    assertThatThrownBy(() -> valid(name).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pipe name must match");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "db1:3306",
        "http://db1:3306",
        "mysql://db1",
        "mysql://u:p@db1:3306",
        "mysql://db1:3306/x"
      })
  void shouldRejectBadSourceUrls(String url) {
    assertThatThrownBy(() -> valid("db1").sourceUrl(url).build())
        .hasMessageContaining("source URL must be mysql://host:port");
  }

  @ParameterizedTest
  @ValueSource(strings = {"s3cret", "env:", "env:1X", "file:"})
  void shouldRefuseAPasswordThatIsNotAReference(String ref) {
    assertThatThrownBy(() -> valid("db1").passwordRef(ref).build())
        .hasMessageContaining("env:VARIABLE or file:PATH");
  }

  @Test
  void shouldRejectServerIdsOutOfRangeAndMissingBusinessLines() {
    assertThatThrownBy(() -> valid("db1").serverId(0).build()).hasMessageContaining("server id");
    assertThatThrownBy(() -> valid("db1").businessLines(java.util.List.of()).build())
        .hasMessageContaining("at least one business line");
  }

  @Test
  void shouldParseEveryStartPositionFormBackFromItsText() {
    for (StartPosition p :
        new StartPosition[] {
          StartPosition.earliest(),
          StartPosition.latest(),
          StartPosition.at("mysql-bin.000042", 1234),
          StartPosition.gtid("0-1-100,1-2-5"),
          StartPosition.timestamp(Instant.parse("2025-01-02T03:04:05Z"))
        }) {
      assertThat(StartPosition.parse(p.text())).isEqualTo(p);
    }
    assertThatThrownBy(() -> StartPosition.parse("yesterday"))
        .hasMessageContaining("earliest, latest, FILE:POS, gtid:SET, timestamp:INSTANT");
  }

  @Test
  void shouldNameTheKeyOfABadSetting() {
    assertThatThrownBy(() ->
            CoordinatorConfig.builder("zk:2181").sessionTimeout(Duration.ofMillis(10)).build())
        .hasMessageContaining("coordination.session-timeout");
    assertThatThrownBy(() -> CoordinatorConfig.builder("").build())
        .hasMessageContaining("coordination.connect");
    assertThatThrownBy(() -> CoordinatorConfig.builder("zk:2181").namespace("/x").build())
        .hasMessageContaining("coordination.namespace");
  }
}
