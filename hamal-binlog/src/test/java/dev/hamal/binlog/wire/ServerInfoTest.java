package dev.hamal.binlog.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerInfoTest {

  private static ServerInfo version(String version) {
    return new ServerInfo(version, version.contains("MariaDB"), 1, 0, 45, "mysql_native_password");
  }

  @Test
  void shouldCompareLeadingVersionNumbers() {
    assertThat(version("8.0.36").versionAtLeast(8, 0, 5)).isTrue();
    assertThat(version("8.0.4-rc").versionAtLeast(8, 0, 5)).isFalse();
    assertThat(version("5.7.44-log").versionAtLeast(8, 0, 0)).isFalse();
    assertThat(version("10.11.6-MariaDB-0+deb12u1").versionAtLeast(10, 11, 6)).isTrue();
    assertThat(version("11.4.5-MariaDB").versionAtLeast(10, 11, 99)).isTrue();
    assertThat(version("8.4").versionAtLeast(8, 4, 0)).isTrue();
    assertThat(version("8.4").versionAtLeast(8, 4, 1)).isFalse();
    assertThat(version("unknown").versionAtLeast(0, 0, 1)).isFalse();
  }
}
