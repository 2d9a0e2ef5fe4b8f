package dev.hamal.binlog.event;

import static dev.hamal.binlog.event.EventBytes.BINARY;
import static dev.hamal.binlog.event.EventBytes.LATIN1;
import static dev.hamal.binlog.event.EventBytes.UTF8MB4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.binlog.ColumnSchema;
import dev.hamal.binlog.ColumnType;
import dev.hamal.binlog.TableName;
import dev.hamal.binlog.TableSchema;
import dev.hamal.binlog.event.EventBytes.CharsetLayout;
import dev.hamal.binlog.event.EventBytes.Column;
import dev.hamal.binlog.event.EventBytes.Table;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TableDecoderTest {
  private final EventBytes mysql = EventBytes.mySql();
  private final FormatDescription format = FormatDescription.parse(mysql.formatDescription());
  private final EventBytes maria = EventBytes.mariaDb();
  private final FormatDescription mariaFormat = FormatDescription.parse(maria.formatDescription());

  private TableMap map(Table t) {
    return TableMap.parse(mysql.tableMap(t), format);
  }

  private static ColumnSchema col(String name, String type, String charset) {
    return new ColumnSchema(name, type, false, charset, List.of());
  }

  @Test
  void shouldTakeNamesSignednessCharsetsAndKeyFromFullMetadata() {
    Table t =
        EventBytes.table(1, "shop", "orders")
            .columns(
                Column.bigInt("id").asUnsigned().notNull(),
                Column.varchar("note", 400, LATIN1),
                Column.varbinary("raw", 16))
            .primaryKey(0)
            .fullMetadata()
            .build();

    TableDecoder d = TableDecoder.create(map(t), Optional.empty());

    assertThat(d.name()).isEqualTo(new TableName("shop", "orders"));
    assertThat(d.hasColumnNames()).isTrue();
    assertThat(d.columnName(1)).isEqualTo("note");
    assertThat(d.ordinalOf("NOTE")).isEqualTo(1);
    assertThat(d.ordinalOf("missing")).isEqualTo(-1);
    assertThat(d.isUnsigned(0)).isTrue();
    assertThat(d.columnType(0)).isEqualTo(ColumnType.BIGINT);
    assertThat(d.columnType(1)).isEqualTo(ColumnType.VARCHAR);
    assertThat(d.charsets[1]).isEqualTo(Collations.charsetForName("latin1").orElseThrow());
    assertThat(d.columnType(2)).isEqualTo(ColumnType.VARBINARY);
    assertThat(d.charsets[2]).isNull();
    assertThat(d.primaryKey()).containsExactly(0);
    assertThat(d.firstUnsupportedColumn()).isEqualTo(-1);
  }

  @Test
  void shouldTakeNamesSignednessCharsetsLabelsAndKeyFromTheSchemaHistory() {
    Table t =
        EventBytes.table(1, "shop", "orders")
            .columns(
                Column.intCol("id"),
                Column.varchar("v", 40, UTF8MB4),
                Column.blob("b", 2, UTF8MB4),
                Column.enumCol("e", "x", "y"))
            .noMetadata()
            .build();
    TableSchema schema =
        new TableSchema(
            new TableName("shop", "orders"),
            List.of(
                new ColumnSchema("id", "int", true, "", List.of()),
                col("v", "varchar", "latin1"),
                col("b", "blob", ""),
                new ColumnSchema("e", "enum", false, "utf8mb4", List.of("x", "y"))),
            List.of("ID"));

    TableDecoder d = TableDecoder.create(map(t), Optional.of(schema));

    assertThat(d.hasColumnNames()).isTrue();
    assertThat(d.columnName(0)).isEqualTo("id");
    assertThat(d.isUnsigned(0)).isTrue();
    assertThat(d.columnType(1)).isEqualTo(ColumnType.VARCHAR);
    assertThat(d.charsets[1]).isEqualTo(Collations.charsetForName("latin1").orElseThrow());
    assertThat(d.columnType(2)).isEqualTo(ColumnType.BLOB);
    assertThat(d.labels(3)).containsExactly("x", "y");
    assertThat(d.primaryKey()).containsExactly(0);
  }

  @Test
  void shouldNameColumnsByPositionAndDecodeTextAsBytesWhenNothingIsKnown() {
    Table t =
        EventBytes.table(1, "s", "t")
            .columns(
                Column.intCol("a"), Column.varchar("b", 10, UTF8MB4), Column.text("c", 2, UTF8MB4))
            .noMetadata()
            .build();

    TableDecoder d = TableDecoder.create(map(t), Optional.empty());

    assertThat(d.hasColumnNames()).isFalse();
    assertThat(d.columnName(0)).isEqualTo("@1");
    assertThat(d.columnName(2)).isEqualTo("@3");
    assertThat(d.columnType(1)).isEqualTo(ColumnType.VARBINARY);
    assertThat(d.columnType(2)).isEqualTo(ColumnType.BLOB);
    assertThat(d.primaryKey()).isEmpty();
  }

  private TableDecoder mariaJson(String schemaCharset) {
    Table t =
        EventBytes.table(1, "s", "t").columns(Column.blob("doc", 4, BINARY)).noMetadata().build();
    TableSchema schema =
        new TableSchema(
            new TableName("s", "t"), List.of(col("doc", "json", schemaCharset)), List.of());
    return TableDecoder.create(TableMap.parse(maria.tableMap(t), mariaFormat), Optional.of(schema));
  }

  @Test
  void shouldDecodeMariaDbJsonAsUtf8Text() {
    TableDecoder d = mariaJson("utf8mb4");

    assertThat(d.columnType(0)).isEqualTo(ColumnType.JSON);
    assertThat(d.charsets[0]).isEqualTo(StandardCharsets.UTF_8);
  }

  @Test
  void shouldTypeMariaDbJsonWithoutSchemaCharsetAsJsonText() {
    TableDecoder d = mariaJson("");

    assertThat(d.charsets[0]).isEqualTo(StandardCharsets.UTF_8);
    assertThat(d.columnType(0)).isEqualTo(ColumnType.JSON);
  }

  @Test
  void shouldRefuseASchemaWithAnotherColumnCount() {
    Table t = EventBytes.table(1, "s", "t").columns(Column.intCol("a")).noMetadata().build();
    TableSchema schema =
        new TableSchema(
            new TableName("s", "t"), List.of(col("a", "int", ""), col("b", "int", "")), List.of());

    assertThatThrownBy(() -> TableDecoder.create(map(t), Optional.of(schema)))
        .isInstanceOf(TableDecoder.ShapeMismatch.class)
        .hasMessageContaining("1 columns")
        .hasMessageContaining("[a, b]");
  }

  @Test
  void shouldRefuseASchemaWhoseTypeDoesNotFitTheBinlog() {
    Table t =
        EventBytes.table(1, "s", "t")
            .columns(Column.varchar("a", 10, UTF8MB4))
            .noMetadata()
            .build();
    TableSchema schema =
        new TableSchema(new TableName("s", "t"), List.of(col("a", "int", "")), List.of());

    assertThatThrownBy(() -> TableDecoder.create(map(t), Optional.of(schema)))
        .isInstanceOf(TableDecoder.ShapeMismatch.class)
        .hasMessageContaining("int")
        .hasMessageContaining("VARCHAR");
  }

  @Test
  void shouldRefuseImpossibleTypeMetadata() {
    List<Column> impossible =
        List.of(
            Column.decimal("d", 0, 0),
            Column.decimal("d", 66, 2),
            Column.decimal("d", 10, 11),
            Column.decimal("d", 50, 39),
            Column.bit("b", 0),
            Column.custom("b", MySqlType.BIT, new byte[] {1, 8}),
            Column.custom("e", MySqlType.STRING, new byte[] {(byte) MySqlType.ENUM, 3}),
            Column.custom("s", MySqlType.STRING, new byte[] {(byte) MySqlType.SET, 9}),
            Column.time2("t", 7),
            Column.datetime2("t", 9),
            Column.custom("b", MySqlType.BLOB, new byte[] {5}),
            Column.custom("b", MySqlType.BLOB, new byte[] {0}),
            Column.custom("g", MySqlType.GEOMETRY, new byte[] {7}));
    for (Column c : impossible) {
      Table t = EventBytes.table(1, "s", "t").columns(c).noMetadata().build();

      assertThatThrownBy(() -> TableDecoder.create(map(t), Optional.empty()))
          .as("%s %s", c, java.util.Arrays.toString(c.metadataBytes()))
          .isInstanceOf(MalformedValueException.class);
    }
  }

  @Test
  void shouldPointAtTheFirstColumnOfAnUnsupportedType() {
    Table t =
        EventBytes.table(1, "s", "t")
            .columns(
                Column.intCol("a"),
                Column.custom("typed", MySqlType.TYPED_ARRAY, new byte[0]),
                Column.custom("x", 100, new byte[0]))
            .charsets(CharsetLayout.NONE)
            .build();

    TableDecoder d = TableDecoder.create(map(t), Optional.empty());

    assertThat(d.firstUnsupportedColumn()).isEqualTo(1);
    assertThat(d.binlogType(2)).isEqualTo(100);
  }
}
