package dev.hamal.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BinlogFilesTest {
  private final BinlogFiles files =
      new BinlogFiles(
          List.of(
              new BinlogFiles.File("mysql-bin.000007", 1_000),
              new BinlogFiles.File("mysql-bin.000008", 2_000),
              new BinlogFiles.File("mysql-bin.000009", 300)));

  @Test
  void shouldStartAtTheOldestFileAndEndAtTheNewestFilesSize() {
    assertThat(files.earliest()).isEqualTo(new BinlogPosition("mysql-bin.000007", 4));
    assertThat(files.end()).isEqualTo(new BinlogPosition("mysql-bin.000009", 300));
  }

  @Test
  void shouldCountTheBytesFromAPositionToTheEndAcrossFiles() {
    assertThat(files.bytesBehind(new BinlogPosition("mysql-bin.000008", 1_500)))
        .isEqualTo(500 + 300);
    assertThat(files.bytesBehind(new BinlogPosition("mysql-bin.000009", 300))).isZero();
    assertThat(files.bytesBehind(new BinlogPosition("mysql-bin.000007", 4)))
        .isEqualTo(996 + 2_000 + 300);
  }

  @Test
  void shouldCountEverythingWhenThePositionsFileWasPurged() {
    assertThat(files.bytesBehind(new BinlogPosition("mysql-bin.000003", 77)))
        .isEqualTo(1_000 + 2_000 + 300);
  }

  @Test
  void shouldRefuseASourceWithoutFiles() {
    assertThatThrownBy(() -> new BinlogFiles(List.of())).hasMessageContaining("at least one");
  }
}
