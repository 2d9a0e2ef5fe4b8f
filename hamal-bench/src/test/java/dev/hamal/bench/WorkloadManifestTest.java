package dev.hamal.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.binlog.BinlogPosition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadManifestTest {
  @TempDir Path dir;

  @Test
  void shouldReadBackWhatItWrote() throws Exception {
    var result =
        new WorkloadResult(
            new WorkloadConfig(9, 20_000, 2, "x_", true),
            "11.4.5-MariaDB-log",
            new BinlogPosition("mysql-bin.000001", 1234),
            new BinlogPosition("mysql-bin.000002", 567),
            "0-1-10",
            "0-1-400",
            10_000,
            9_500,
            500,
            390,
            21,
            Duration.ofMillis(4321),
            List.of("x_topup.tp_order", "x_ticket.orders_00"),
            Map.of("x_topup.tp_order", 42L));
    Path file = dir.resolve("sub/manifest.json");

    WorkloadManifest.write(result, file);

    assertThat(WorkloadManifest.read(file)).isEqualTo(result);
    assertThat(Files.readString(file))
        .contains("\"from\" : \"mysql-bin.000001:1234\"")
        .contains("\"rowChanges\" : 20000");
  }

  @Test
  void shouldRejectAFileThatIsNotAManifest() throws Exception {
    Path file = dir.resolve("other.json");
    Files.writeString(file, "{\"format\":\"something-else\"}");

    assertThatThrownBy(() -> WorkloadManifest.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a hamal-workload/1 manifest");
  }
}
