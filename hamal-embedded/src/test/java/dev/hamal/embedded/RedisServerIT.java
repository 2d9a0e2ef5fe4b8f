package dev.hamal.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A real redis-server child process: answers, keeps data across restart and kill, cleans up. */
class RedisServerIT {

  private static String call(RedisServer server, String command) throws IOException {
    return RedisServer.Resp.call(server.port(), 2_000, command);
  }

  @Test
  void shouldKeepDataAndPortAcrossRestartAndKillWithTheAppendOnlyFile() throws Exception {
    RedisServer server = RedisServer.start(RedisServerConfig.builder().build());
    try {
      int port = server.port();
      assertThat(server.uri()).isEqualTo("redis://127.0.0.1:" + port);
      assertThat(server.version()).matches("\\d+\\.\\d+\\.\\d+");
      assertThat(call(server, "CONFIG GET appendfsync")).isNotNull();
      assertThat(call(server, "SET order:1 paid")).isEqualTo("OK");

      long firstPid = server.pid().orElseThrow();
      server.restart();
      assertThat(server.port()).isEqualTo(port);
      assertThat(ProcessHandle.of(firstPid).filter(ProcessHandle::isAlive)).isEmpty();
      assertThat(call(server, "GET order:1")).isEqualTo("paid");

      assertThat(call(server, "SET order:2 created")).isEqualTo("OK");
      long secondPid = server.pid().orElseThrow();
      server.kill();
      assertThat(server.isRunning()).isFalse();
      assertThat(ProcessHandle.of(secondPid).filter(ProcessHandle::isAlive)).isEmpty();
      server.start();
      assertThat(call(server, "GET order:2")).isEqualTo("created");
      assertThat(server.dataDir().resolve("appendonly.aof")).exists();
    } finally {
      server.close();
    }
    assertThat(server.isRunning()).isFalse();
    assertThat(server.dataDir()).doesNotExist();
    server.close(); // idempotent
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldForgetEverythingOnRestartWithoutPersistence() throws Exception {
    try (RedisServer server =
        RedisServer.start(
            RedisServerConfig.builder().appendOnly(false).maxMemoryBytes(64L << 20).build())) {
      assertThat(call(server, "SET k v")).isEqualTo("OK");
      server.restart();
      assertThat(call(server, "GET k")).isEmpty();
    }
  }

  @Test
  void shouldReportTheServerLogWhenTheServerCannotStart() {
    RedisServerConfig config =
        RedisServerConfig.builder().serverArgs(List.of("--no-such-option", "1")).build();

    assertThatThrownBy(() -> RedisServer.start(config))
        .isInstanceOfSatisfying(
            RedisStartException.class, e -> assertThat(e.logTail()).contains("no-such-option"));
  }
}
