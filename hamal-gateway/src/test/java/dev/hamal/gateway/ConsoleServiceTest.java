package dev.hamal.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The console's request headers read correctly: which clients get gzip, which tags match. */
class ConsoleServiceTest {
  @Test
  void shouldSendGzipOnlyWhenTheClientAcceptsIt() {
    assertThat(ConsoleService.acceptsGzip(List.of("gzip, deflate, br, zstd"))).isTrue();
    assertThat(ConsoleService.acceptsGzip(List.of("br;q=1.0, GZIP;q=0.5"))).isTrue();
    assertThat(ConsoleService.acceptsGzip(List.of("deflate", "x-gzip"))).isTrue();
    assertThat(ConsoleService.acceptsGzip(List.of("*"))).isTrue();

    assertThat(ConsoleService.acceptsGzip(List.of())).isFalse();
    assertThat(ConsoleService.acceptsGzip(List.of("identity"))).isFalse();
    assertThat(ConsoleService.acceptsGzip(List.of("gzip;q=0"))).isFalse();
    assertThat(ConsoleService.acceptsGzip(List.of("gzip; q=0.000"))).isFalse();
    assertThat(ConsoleService.acceptsGzip(List.of("*, gzip;q=0"))).isFalse();
    assertThat(ConsoleService.acceptsGzip(List.of("*;q=0"))).isFalse();
    assertThat(ConsoleService.acceptsGzip(List.of("gzipped, notgzip"))).isFalse();
  }

  @Test
  void shouldMatchTheTagInAnIfNoneMatchList() {
    String tag = "\"abc\"";
    assertThat(ConsoleService.matches("\"abc\"", tag)).isTrue();
    assertThat(ConsoleService.matches("W/\"abc\"", tag)).isTrue();
    assertThat(ConsoleService.matches("\"x\", \"abc\"", tag)).isTrue();
    assertThat(ConsoleService.matches("*", tag)).isTrue();

    assertThat(ConsoleService.matches("\"abcd\"", tag)).isFalse();
    assertThat(ConsoleService.matches("abc", tag)).isFalse();
    assertThat(ConsoleService.matches("", tag)).isFalse();
  }

  @Test
  void shouldNameTheContentTypeOfEveryKindOfFileAndRefuseOthers() {
    assertThat(ConsoleService.contentType("index.html")).isEqualTo("text/html; charset=utf-8");
    assertThat(ConsoleService.contentType("a.css")).isEqualTo("text/css; charset=utf-8");
    assertThat(ConsoleService.contentType("a.js")).isEqualTo("text/javascript; charset=utf-8");
    assertThatThrownBy(() -> ConsoleService.contentType("a.exe"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a.exe");
  }
}
