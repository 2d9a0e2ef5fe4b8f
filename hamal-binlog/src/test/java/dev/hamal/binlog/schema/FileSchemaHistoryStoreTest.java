package dev.hamal.binlog.schema;

import static dev.hamal.binlog.schema.FakeInformationSchema.pos;
import static dev.hamal.binlog.schema.FakeInformationSchema.render;
import static dev.hamal.binlog.schema.FakeInformationSchema.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSchemaHistoryStoreTest {

  private static final List<String> RECORDS =
      List.of(
          "change\t1\tbinlog.000001\t4\tseed\nserver\t10.11.6-MariaDB\tlatin1\t0",
          "first line\n\nthird line after an empty one, with a tab\tand a backslash \\",
          "ünïcödé 订单 and a carriage return \r inside");

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("history").resolve("source-1.schema");
  }

  private void write(List<String> records) {
    try (FileSchemaHistoryStore store = FileSchemaHistoryStore.open(file())) {
      records.forEach(store::append);
    }
  }

  private List<String> reload() {
    try (FileSchemaHistoryStore store = FileSchemaHistoryStore.open(file())) {
      return store.load();
    }
  }

  @Test
  void shouldCreateTheFileAndItsDirectoryWithAHeader() throws IOException {
    try (FileSchemaHistoryStore store = FileSchemaHistoryStore.open(file())) {
      assertThat(store.load()).isEmpty();
    }
    assertThat(Files.readString(file())).isEqualTo("hamal-schema-history\t1\n");
  }

  @Test
  void shouldReturnEveryAppendedRecordAfterReopening() {
    write(RECORDS.subList(0, 2));
    write(RECORDS.subList(2, 3));

    assertThat(reload()).containsExactlyElementsOf(RECORDS);
  }

  @Test
  void shouldWriteOneReadableLinePerRecordLineAndAChecksummedClosingLine() throws IOException {
    write(List.of("a\nb"));

    assertThat(Files.readString(file()))
        .isEqualTo(
            "hamal-schema-history\t1\n+\ta\n+\tb\n=\t2\t"
                + FileSchemaHistoryStore.crc("a\nb")
                + "\n");
  }

  @Test
  void shouldDropATornLastRecordWhereverTheCrashCutIt() throws IOException {
    write(RECORDS);
    byte[] full = Files.readAllBytes(file());
    write(List.of()); // nothing: just to be sure opening a complete file changes nothing
    assertThat(Files.readAllBytes(file())).isEqualTo(full);
    int lastRecordStart = startOfLastRecord(full);

    for (int cut = lastRecordStart + 1; cut < full.length; cut++) {
      Files.write(file(), Arrays.copyOf(full, cut));

      assertThat(reload())
          .as("cut at byte " + cut)
          .containsExactlyElementsOf(RECORDS.subList(0, 2));
      assertThat(Files.size(file())).as("truncated, cut at " + cut).isEqualTo(lastRecordStart);
    }
  }

  @Test
  void shouldAppendNormallyAfterDroppingATornRecord() throws IOException {
    write(RECORDS);
    byte[] full = Files.readAllBytes(file());
    Files.write(file(), Arrays.copyOf(full, full.length - 3));

    write(List.of("replacement"));

    assertThat(reload()).containsExactly(RECORDS.get(0), RECORDS.get(1), "replacement");
  }

  @Test
  void shouldDropZeroBytesLeftAtTheEndByACrash() throws IOException {
    write(RECORDS);
    long size = Files.size(file());
    Files.write(file(), new byte[4096], StandardOpenOption.APPEND);

    assertThat(reload()).containsExactlyElementsOf(RECORDS);
    assertThat(Files.size(file())).isEqualTo(size);
  }

  @Test
  void shouldRewriteAHeaderTornWhileTheFileWasCreated() throws IOException {
    Files.createDirectories(file().getParent());
    Files.writeString(file(), "hamal-sch");

    assertThat(reload()).isEmpty();
    assertThat(Files.readString(file())).isEqualTo("hamal-schema-history\t1\n");
  }

  @Test
  void shouldReportAChecksumMismatchWithTheFileAndLine() throws IOException {
    write(RECORDS);
    String text = Files.readString(file());
    Files.writeString(file(), text.replace("+\tserver\t10.11.6", "+\tserver\t10.11.7"));

    assertThatThrownBy(this::reload)
        .isInstanceOf(SchemaHistoryCorruptException.class)
        .hasMessageContaining(file().toString() + ", line 4")
        .hasMessageContaining("checksum");
  }

  @Test
  void shouldReportAMalformedLineFollowedByRecordsAsCorruptionNotATornWrite() throws IOException {
    write(RECORDS.subList(0, 2));
    List<String> lines = Files.readAllLines(file());
    lines.add(5, "garbage");
    Files.write(file(), lines);

    assertThatThrownBy(this::reload)
        .isInstanceOf(SchemaHistoryCorruptException.class)
        .hasMessageContaining(file().toString() + ", line 6")
        .hasMessageContaining("malformed line");
  }

  @Test
  void shouldRejectAFileThatIsNotAHistory() throws IOException {
    Files.createDirectories(file().getParent());
    Files.writeString(file(), "something else\n");

    assertThatThrownBy(this::reload)
        .isInstanceOf(SchemaHistoryCorruptException.class)
        .hasMessageContaining(", line 1");
  }

  @Test
  void shouldRefuseASecondStoreOnTheSameFile() {
    try (FileSchemaHistoryStore first = FileSchemaHistoryStore.open(file())) {
      assertThatThrownBy(() -> FileSchemaHistoryStore.open(file()))
          .isInstanceOf(SchemaHistoryStorageException.class)
          .hasMessageContaining("in use");
      first.append("still works");
    }
    assertThat(reload()).containsExactly("still works");
  }

  @Test
  void shouldNameTheRecordThatCannotBeDecoded() {
    write(List.of("change\t1\tbinlog.000001\t4\tseed\nserver\tv\tlatin1\tnot-a-number"));

    try (FileSchemaHistoryStore store = FileSchemaHistoryStore.open(file())) {
      assertThatThrownBy(() -> SchemaHistory.open(store))
          .isInstanceOf(SchemaHistoryCorruptException.class)
          .hasMessageContaining("record starting at line 2")
          .hasMessageContaining("line 2 of the record");
    }
  }

  @Test
  void shouldRestoreTheSchemaHistoryAfterARestart() {
    try (FileSchemaHistoryStore store = FileSchemaHistoryStore.open(file())) {
      SchemaHistory history = SchemaHistory.open(store);
      history.seed(pos("binlog.000001", 4), FakeInformationSchema.mariaDb(), t -> true);
      history.applyDdl(
          pos("binlog.000001", 900),
          "shop",
          "ALTER TABLE items ADD `ä\tb` ENUM('x\\ny')",
          Optional.empty());
    }

    try (FileSchemaHistoryStore store = FileSchemaHistoryStore.open(file())) {
      SchemaHistory history = SchemaHistory.open(store);
      assertThat(render(history.lookup(table("shop.items"), pos("binlog.000001", 800))))
          .isEqualTo("id int, sku varchar/utf8mb4 | pk(id)");
      assertThat(render(history.lookup(table("shop.items"), pos("binlog.000002", 4))))
          .isEqualTo("id int, sku varchar/utf8mb4, ä\tb enum/utf8mb4('x\ny') | pk(id)");
    }
  }

  /** Byte offset where the last record of a history file starts. */
  private static int startOfLastRecord(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    int finalTrailer = text.lastIndexOf("\n=\t");
    int previousTrailer = text.lastIndexOf("\n=\t", finalTrailer - 1);
    int start = text.indexOf('\n', previousTrailer + 1) + 1;
    return text.substring(0, start).getBytes(StandardCharsets.UTF_8).length;
  }
}
