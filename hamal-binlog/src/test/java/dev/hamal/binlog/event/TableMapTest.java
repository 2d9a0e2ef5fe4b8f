package dev.hamal.binlog.event;

import static dev.hamal.binlog.event.EventBytes.BINARY;
import static dev.hamal.binlog.event.EventBytes.LATIN1;
import static dev.hamal.binlog.event.EventBytes.UTF8MB4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventMetadata;
import dev.hamal.binlog.ColumnType;
import dev.hamal.binlog.TableName;
import dev.hamal.binlog.event.EventBytes.CharsetLayout;
import dev.hamal.binlog.event.EventBytes.Column;
import dev.hamal.binlog.event.EventBytes.Metadata;
import dev.hamal.binlog.event.EventBytes.Table;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TableMapTest {

  private final EventBytes mysql = EventBytes.mySql();
  private final byte[] mysqlFde = mysql.formatDescription();
  private final FormatDescription mysqlFormat = FormatDescription.parse(mysqlFde);
  private final EventBytes maria = EventBytes.mariaDb();
  private final byte[] mariaFde = maria.formatDescription();
  private final FormatDescription mariaFormat = FormatDescription.parse(mariaFde);

  private TableMap mysqlMap(Table t) {
    return TableMap.parse(mysql.tableMap(t), mysqlFormat);
  }

  private TableMap mariaMap(Table t) {
    return TableMap.parse(maria.tableMap(t), mariaFormat);
  }

  private TableMapEventMetadata oracleMetadata(byte[] fde, byte[] map) {
    TableMapEventData d = (TableMapEventData) new OracleComparison.Oracle().dataOfLast(fde, map);
    return d.getEventMetadata();
  }

  // the fixed part -------------------------------------------------------------------------------

  @Test
  void shouldReadTableIdNamesTypesTypeMetadataAndNullability() {
    Table t =
        EventBytes.table(0x8765_4321_ABCDL, "shop", "order_lines")
            .columns(
                Column.intCol("id").notNull(),
                Column.floatCol("f"),
                Column.doubleCol("d"),
                Column.decimal("price", 12, 4),
                Column.varchar("note", 400, UTF8MB4),
                Column.datetime2("at", 3),
                Column.blob("body", 2, BINARY),
                Column.charCol("code", 12, LATIN1).notNull(),
                Column.enumCol("state", "new", "paid"),
                Column.bit("flags", 10))
            .build();

    TableMap map = mysqlMap(t);

    assertThat(map.tableId()).isEqualTo(0x8765_4321_ABCDL);
    assertThat(map.name()).isEqualTo(new TableName("shop", "order_lines"));
    assertThat(map.columnCount()).isEqualTo(10);
    assertThat(map.type(0)).isEqualTo(MySqlType.LONG);
    assertThat(map.metadata(0)).isZero();
    assertThat(map.metadata(1)).isEqualTo(4);
    assertThat(map.metadata(2)).isEqualTo(8);
    assertThat(map.metadata(3)).isEqualTo(12 | 4 << 8);
    assertThat(map.metadata(4)).isEqualTo(400);
    assertThat(map.metadata(5)).isEqualTo(3);
    assertThat(map.metadata(6)).isEqualTo(2);
    assertThat(map.type(7)).isEqualTo(MySqlType.STRING);
    assertThat(map.metadata(7)).isEqualTo(MySqlType.STRING << 8 | 12);
    assertThat(map.type(8)).isEqualTo(MySqlType.STRING);
    assertThat(map.metadata(8)).isEqualTo(MySqlType.ENUM << 8 | 1);
    assertThat(map.metadata(9)).isEqualTo(1 << 8 | 2); // 1 whole byte and 2 more bits
    assertThat(map.isNullable(0)).isFalse();
    assertThat(map.isNullable(1)).isTrue();
    assertThat(map.isNullable(7)).isFalse();
    assertThat(map.isNullable(9)).isTrue();
  }

  @Test
  void shouldCarryNoOptionalMetadataWhenTheServerWritesNone() {
    Table t =
        EventBytes.table(1, "s", "t")
            .columns(Column.intCol("a"), Column.varchar("b", 10, UTF8MB4))
            .noMetadata()
            .build();

    for (TableMap map : List.of(mysqlMap(t), mariaMap(t))) {
      assertThat(map.hasSignedness()).isFalse();
      assertThat(map.isUnsigned(0)).isFalse();
      assertThat(map.hasCollations()).isFalse();
      assertThat(map.collation(1)).isEqualTo(-1);
      assertThat(map.hasColumnNames()).isFalse();
      assertThat(map.hasLabels()).isFalse();
      assertThat(map.primaryKey()).isNull();
      assertThatThrownBy(() -> map.columnName(0)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void shouldNotMistakeTheChecksumForOptionalMetadata() {
    Table t = EventBytes.table(1, "s", "t").columns(Column.intCol("a")).noMetadata().build();
    byte[] withCrc = mysql.tableMap(t);

    TableMap map = TableMap.parse(withCrc, mysqlFormat);

    assertThat(map.hasSignedness()).isFalse();
    assertThat(map.hasColumnNames()).isFalse();
  }

  @Test
  void shouldReadTheMaximumColumnCount() {
    Table.Builder b = EventBytes.table(1, "s", "wide");
    for (int i = 0; i < TableMap.MAX_COLUMNS; i++) {
      b.column(Column.tinyInt("c" + i));
    }

    TableMap map = mysqlMap(b.build());

    assertThat(map.columnCount()).isEqualTo(4096);
    assertThat(map.isNullable(4095)).isTrue();
  }

  @Test
  void shouldReadBlocksLongerThanAOneByteLength() {
    // 300 VARCHARs: 600 bytes of type metadata and 3,300 bytes of column names, both with a
    // three-byte (0xfc) length; and a column count of 300, also 0xfc-encoded
    Table.Builder b = EventBytes.table(1, "s", "wide").metadata(Metadata.COLUMN_NAME);
    for (int i = 0; i < 300; i++) {
      b.column(Column.varchar(String.format("column_%03d", i), 300 + i, UTF8MB4));
    }
    byte[] e = mysql.tableMap(b.build());

    TableMap map = TableMap.parse(e, mysqlFormat);

    assertThat(map.columnCount()).isEqualTo(300);
    assertThat(map.metadata(299)).isEqualTo(599);
    assertThat(map.columnName(299)).isEqualTo("column_299");
    assertThat(oracleMetadata(mysqlFde, e).getColumnNames()).hasSize(300);
  }

  // optional metadata ----------------------------------------------------------------------------

  @Test
  void shouldReadOneSignednessBitPerNumericColumnFromTheTopBit() {
    Table.Builder b = EventBytes.table(1, "s", "t").metadata(Metadata.SIGNEDNESS);
    // 10 numeric columns (two bitmap bytes) with non-numeric columns between them
    for (int i = 0; i < 10; i++) {
      Column c =
          switch (i % 5) {
            case 0 -> Column.tinyInt("n" + i);
            case 1 -> Column.bigInt("n" + i);
            case 2 -> Column.decimal("n" + i, 10, 2);
            case 3 -> Column.doubleCol("n" + i);
            default -> Column.mediumInt("n" + i);
          };
      b.column(i % 3 == 0 ? c.asUnsigned() : c);
      b.column(Column.varchar("s" + i, 20, UTF8MB4));
    }
    byte[] e = mysql.tableMap(b.build());

    TableMap map = TableMap.parse(e, mysqlFormat);

    assertThat(map.hasSignedness()).isTrue();
    for (int i = 0; i < 10; i++) {
      assertThat(map.isUnsigned(2 * i)).as("numeric column %d", i).isEqualTo(i % 3 == 0);
      assertThat(map.isUnsigned(2 * i + 1)).isFalse();
    }
    // the oracle indexes its signedness bits by column ordinal
    TableMapEventMetadata oracle = oracleMetadata(mysqlFde, e);
    for (int i = 0; i < 20; i++) {
      assertThat(oracle.getSignedness().get(i)).isEqualTo(map.isUnsigned(i));
    }
  }

  private static Table.Builder charsetTable() {
    return EventBytes.table(5, "s", "texts")
        .columns(
            Column.varchar("a", 400, UTF8MB4),
            Column.intCol("n"),
            Column.text("b", 2, LATIN1),
            Column.binary("c", 16),
            Column.enumCol("e", LATIN1, "x", "y"),
            Column.charCol("d", 40, UTF8MB4),
            Column.varbinary("v", 30));
  }

  private static void assertCharsetTableCollations(TableMap map) {
    assertThat(map.hasCollations()).isTrue();
    assertThat(map.collation(0)).isEqualTo(UTF8MB4);
    assertThat(map.collation(1)).isEqualTo(-1);
    assertThat(map.collation(2)).isEqualTo(LATIN1);
    assertThat(map.collation(3)).isEqualTo(BINARY);
    assertThat(map.collation(5)).isEqualTo(UTF8MB4);
    assertThat(map.collation(6)).isEqualTo(BINARY);
  }

  @Test
  void shouldApplyTheDefaultCharsetAndItsExceptionsCountedAmongCharacterColumns() {
    Table t = charsetTable().charsets(CharsetLayout.DEFAULT).build();
    byte[] e = mysql.tableMap(t);

    TableMap map = TableMap.parse(e, mysqlFormat);

    assertCharsetTableCollations(map);
    assertThat(map.collation(4)).as("ENUM without enum/set charset field").isEqualTo(-1);
    TableMapEventMetadata oracle = oracleMetadata(mysqlFde, e);
    // utf8mb4 and binary are used twice each; the writer takes the smaller id as the default
    assertThat(oracle.getDefaultCharset().getDefaultCharsetCollation()).isEqualTo(BINARY);
    assertThat(oracle.getDefaultCharset().getCharsetCollations())
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of(0, UTF8MB4, 1, LATIN1, 3, UTF8MB4));
  }

  @Test
  void shouldReadOneCollationPerCharacterColumn() {
    Table t = charsetTable().charsets(CharsetLayout.PER_COLUMN).build();
    byte[] e = mysql.tableMap(t);

    TableMap map = TableMap.parse(e, mysqlFormat);

    assertCharsetTableCollations(map);
    assertThat(oracleMetadata(mysqlFde, e).getColumnCharsets())
        .containsExactly(UTF8MB4, LATIN1, BINARY, UTF8MB4, BINARY);
  }

  @Test
  void shouldReadEnumAndSetCollationsFromTheirOwnFields() {
    Table.Builder b =
        EventBytes.table(6, "s", "t")
            .columns(
                Column.varchar("a", 40, UTF8MB4),
                Column.enumCol("e1", LATIN1, "x"),
                Column.set("s1", UTF8MB4, "p", "q"),
                Column.enumCol("e2", LATIN1, "y"),
                Column.text("b", 2, LATIN1));
    for (CharsetLayout layout : List.of(CharsetLayout.DEFAULT, CharsetLayout.PER_COLUMN)) {
      Table t = b.charsets(layout).enumSetCharsets(layout).build();

      TableMap map = mysqlMap(t);

      assertThat(map.collation(0)).as("%s", layout).isEqualTo(UTF8MB4);
      assertThat(map.collation(1)).as("%s", layout).isEqualTo(LATIN1);
      assertThat(map.collation(2)).as("%s", layout).isEqualTo(UTF8MB4);
      assertThat(map.collation(3)).as("%s", layout).isEqualTo(LATIN1);
      assertThat(map.collation(4)).as("%s", layout).isEqualTo(LATIN1);
    }
  }

  @Test
  void shouldCountOnlyCharacterColumnsForMySqlCharsetsNotGeometry() {
    Table t =
        EventBytes.table(7, "gis", "places")
            .columns(
                Column.geometry("shape"),
                Column.varchar("name", 80, LATIN1),
                Column.text("descr", 2, UTF8MB4),
                Column.json("attrs"))
            .charsets(CharsetLayout.PER_COLUMN)
            .build();
    byte[] e = mysql.tableMap(t);

    TableMap map = TableMap.parse(e, mysqlFormat);

    assertThat(oracleMetadata(mysqlFde, e).getColumnCharsets()).containsExactly(LATIN1, UTF8MB4);
    assertThat(map.collation(0)).isEqualTo(-1);
    assertThat(map.collation(1)).isEqualTo(LATIN1);
    assertThat(map.collation(2)).isEqualTo(UTF8MB4);
    assertThat(map.collation(3)).isEqualTo(-1);
  }

  @Test
  void shouldCountGeometryAmongMariaDbCharacterColumns() {
    // MariaDB writes a collation for every column with a character set that is not ENUM/SET,
    // GEOMETRY (a BLOB with the binary character set) included.
    Table t =
        EventBytes.table(7, "gis", "places")
            .columns(
                Column.geometry("shape"),
                Column.varchar("name", 80, LATIN1),
                Column.text("descr", 2, UTF8MB4))
            .charsets(CharsetLayout.PER_COLUMN)
            .build();
    byte[] e = maria.tableMap(t);

    TableMap map = TableMap.parse(e, mariaFormat);

    assertThat(oracleMetadata(mariaFde, e).getColumnCharsets())
        .containsExactly(BINARY, LATIN1, UTF8MB4);
    assertThat(map.collation(1)).isEqualTo(LATIN1);
    assertThat(map.collation(2)).isEqualTo(UTF8MB4);
  }

  @Test
  void shouldIndexMariaDbDefaultCharsetExceptionsCountingGeometry() {
    Table t =
        EventBytes.table(7, "gis", "places")
            .columns(
                Column.geometry("shape"),
                Column.varchar("a", 80, UTF8MB4),
                Column.varchar("b", 80, LATIN1),
                Column.varchar("c", 80, UTF8MB4))
            .charsets(CharsetLayout.DEFAULT)
            .build();

    TableMap map = mariaMap(t);

    assertThat(map.collation(1)).isEqualTo(UTF8MB4);
    assertThat(map.collation(2)).isEqualTo(LATIN1);
    assertThat(map.collation(3)).isEqualTo(UTF8MB4);
  }

  @Test
  void shouldAcceptAMariaDbDefaultCharsetExceptionForTheLastCharacterColumn() {
    // geometry (binary, 63) and a utf8mb4_0900 text: one each, the default is the smaller id 63
    // and the text is the exception at character-column index 1
    Table t =
        EventBytes.table(7, "gis", "places")
            .columns(Column.geometry("shape"), Column.text("descr", 2, UTF8MB4))
            .charsets(CharsetLayout.DEFAULT)
            .build();

    TableMap map = mariaMap(t);

    assertThat(map.collation(1)).isEqualTo(UTF8MB4);
  }

  @Test
  void shouldReadColumnNames() {
    Table t =
        EventBytes.table(8, "s", "t")
            .columns(Column.intCol("id"), Column.varchar("größe", 10, UTF8MB4), Column.date(""))
            .metadata(Metadata.COLUMN_NAME)
            .build();
    byte[] e = mysql.tableMap(t);

    TableMap map = TableMap.parse(e, mysqlFormat);

    assertThat(map.hasColumnNames()).isTrue();
    assertThat(List.of(map.columnName(0), map.columnName(1), map.columnName(2)))
        .containsExactly("id", "größe", "")
        .isEqualTo(oracleMetadata(mysqlFde, e).getColumnNames());
  }

  @Test
  void shouldAttachEnumAndSetLabelsToTheirColumns() {
    Table t =
        EventBytes.table(9, "s", "t")
            .columns(
                Column.set("tags", "a", "b", "ü"),
                Column.charCol("c", 4, LATIN1),
                Column.enumCol("state", "new", "", "paid"),
                Column.intCol("n"),
                Column.enumCol("empty"),
                Column.set("more", "x"))
            .metadata(Metadata.SET_STR_VALUE, Metadata.ENUM_STR_VALUE)
            .build();
    byte[] e = mysql.tableMap(t);

    TableMap map = TableMap.parse(e, mysqlFormat);

    assertThat(map.hasLabels()).isTrue();
    assertThat(map.labels(0)).containsExactly("a", "b", "ü");
    assertThat(map.labels(1)).isNull();
    assertThat(map.labels(2)).containsExactly("new", "", "paid");
    assertThat(map.labels(3)).isNull();
    assertThat(map.labels(4)).isEmpty();
    assertThat(map.labels(5)).containsExactly("x");
    TableMapEventMetadata oracle = oracleMetadata(mysqlFde, e);
    assertThat(oracle.getEnumStrValues().get(0)).containsExactly("new", "", "paid");
    assertThat(oracle.getSetStrValues().get(1)).containsExactly("x");
  }

  @Test
  void shouldReadASimplePrimaryKeyInKeyOrder() {
    Table t =
        EventBytes.table(10, "s", "t")
            .columns(Column.intCol("a"), Column.intCol("b"), Column.intCol("c"))
            .primaryKey(2, 0)
            .fullMetadata()
            .build();
    byte[] e = mysql.tableMap(t);

    assertThat(TableMap.parse(e, mysqlFormat).primaryKey()).containsExactly(2, 0);
    assertThat(oracleMetadata(mysqlFde, e).getSimplePrimaryKeys()).containsExactly(2, 0);
  }

  @Test
  void shouldReadAPrimaryKeyWithPrefixesAsItsColumns() {
    Table t =
        EventBytes.table(10, "s", "t")
            .columns(Column.varchar("a", 400, UTF8MB4), Column.intCol("b"))
            .primaryKeyWithPrefix(new int[] {0, 1}, new int[] {10, 0})
            .build();

    assertThat(mysqlMap(t).primaryKey()).containsExactly(0, 1);
  }

  @Test
  void shouldSkipGeometryTypesVisibilityAndUnknownFields() {
    Table t =
        EventBytes.table(11, "s", "t")
            .columns(Column.geometry("g"), Column.intCol("n").invisible().asUnsigned())
            .metadata(
                Metadata.SIGNEDNESS,
                Metadata.GEOMETRY_TYPE,
                Metadata.COLUMN_VISIBILITY,
                Metadata.COLUMN_NAME)
            .extraOptionalMetadata(new byte[] {(byte) 200, 3, 1, 2, 3})
            .build();

    TableMap map = mysqlMap(t);

    assertThat(map.columnName(1)).isEqualTo("n");
    assertThat(map.isUnsigned(1)).isTrue();
  }

  @Test
  void shouldReadEveryFieldOfFullMetadataForBothFlavours() {
    Table t =
        EventBytes.table(12, "shop", "orders")
            .columns(
                Column.bigInt("id").asUnsigned().notNull(),
                Column.varchar("customer", 200, UTF8MB4),
                Column.enumCol("state", "new", "paid", "sent"),
                Column.set("flags", "gift", "express"),
                Column.decimal("total", 10, 2),
                Column.text("note", 2, LATIN1))
            .primaryKey(0)
            .fullMetadata()
            .build();

    for (TableMap map : List.of(mysqlMap(t), mariaMap(t))) {
      assertThat(map.isUnsigned(0)).isTrue();
      assertThat(map.isUnsigned(4)).isFalse();
      assertThat(map.columnName(3)).isEqualTo("flags");
      assertThat(map.labels(2)).containsExactly("new", "paid", "sent");
      assertThat(map.labels(3)).containsExactly("gift", "express");
      assertThat(map.collation(1)).isEqualTo(UTF8MB4);
      assertThat(map.collation(2)).isEqualTo(UTF8MB4);
      assertThat(map.collation(5)).isEqualTo(LATIN1);
      assertThat(map.primaryKey()).containsExactly(0);
    }
  }

  // ENUM, SET and CHAR behind STRING -------------------------------------------------------------

  @Test
  void shouldFindEnumAndSetBehindTheStringType() {
    Table t =
        EventBytes.table(13, "s", "t")
            .columns(
                Column.enumCol("e", "a", "b"),
                Column.set("s", "x", "y", "z"),
                Column.charCol("c", 10, UTF8MB4))
            .charsets(CharsetLayout.DEFAULT)
            .build();

    TableMap map = mysqlMap(t);
    TableDecoder plan = TableDecoder.create(map, Optional.empty());

    assertThat(map.type(0)).isEqualTo(MySqlType.STRING);
    assertThat(TableMap.realType(map.type(0), map.metadata(0))).isEqualTo(MySqlType.ENUM);
    assertThat(TableMap.realType(map.type(1), map.metadata(1))).isEqualTo(MySqlType.SET);
    assertThat(TableMap.realType(map.type(2), map.metadata(2))).isEqualTo(MySqlType.STRING);
    assertThat(TableMap.isCharacter(map.type(0), map.metadata(0), false)).isFalse();
    assertThat(TableMap.isCharacter(map.type(2), map.metadata(2), false)).isTrue();
    assertThat(plan.columnType(0)).isEqualTo(ColumnType.ENUM);
    assertThat(plan.columnType(1)).isEqualTo(ColumnType.SET);
    assertThat(plan.columnType(2)).isEqualTo(ColumnType.CHAR);
  }

  @Test
  void shouldRecoverTheHighLengthBitsOfALongChar() {
    for (int maxBytes : new int[] {255, 256, 400, 767, 1020}) {
      Table t =
          EventBytes.table(14, "s", "t")
              .columns(Column.charCol("c", maxBytes, UTF8MB4))
              .charsets(CharsetLayout.DEFAULT)
              .build();

      TableMap map = mysqlMap(t);
      TableDecoder plan = TableDecoder.create(map, Optional.empty());

      assertThat(map.metadata(0) & 0xff).isEqualTo(maxBytes & 0xff);
      assertThat(TableMap.realType(map.type(0), map.metadata(0)))
          .as("CHAR of %d bytes", maxBytes)
          .isEqualTo(MySqlType.STRING);
      assertThat(TableMap.isCharacter(map.type(0), map.metadata(0), false)).isTrue();
      assertThat(plan.columnType(0)).isEqualTo(ColumnType.CHAR);
      assertThat(plan.meta[0]).as("maximum byte length of %d", maxBytes).isEqualTo(maxBytes);
    }
  }

  // identity -------------------------------------------------------------------------------------

  @Test
  void shouldRecogniseTheSameDefinitionUnderAnotherTableId() {
    Table t =
        EventBytes.table(20, "s", "t")
            .columns(Column.intCol("a"), Column.varchar("b", 10, UTF8MB4))
            .fullMetadata()
            .build();
    Table other =
        EventBytes.table(20, "s", "t")
            .columns(Column.intCol("a"), Column.varchar("b", 11, UTF8MB4))
            .fullMetadata()
            .build();

    TableMap first = mysqlMap(t);

    assertThat(first.sameDefinition(mysqlMap(t))).isTrue();
    assertThat(first.sameDefinition(mysqlMap(t.withId(21)))).isTrue();
    assertThat(first.sameDefinition(mysqlMap(other))).isFalse();
  }

  // corrupt table maps ---------------------------------------------------------------------------

  private byte[] plainMap(Table t) {
    return EventBytes.mySql().checksum(false).tableMap(t);
  }

  private static final FormatDescription NO_CHECKSUM =
      FormatDescription.parse(EventBytes.mySql().checksum(false).formatDescription());

  @Test
  void shouldRejectAMetadataBlockThatDoesNotFitTheTypes() {
    Table t = EventBytes.table(1, "s", "t").columns(Column.varchar("v", 10, UTF8MB4)).build();
    byte[] e = plainMap(t);
    int sizeAt = EventHeader.SIZE + 8 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1; // ids, names, count, type
    assertThat(e[sizeAt]).isEqualTo((byte) 2);
    e[sizeAt] = 1;

    assertThatThrownBy(() -> TableMap.parse(e, NO_CHECKSUM))
        .isInstanceOf(MalformedValueException.class);
  }

  @Test
  void shouldRejectMoreColumnsThanATableCanHave() {
    Table.Builder b = EventBytes.table(1, "s", "t");
    for (int i = 0; i <= TableMap.MAX_COLUMNS; i++) {
      b.column(Column.tinyInt("c" + i));
    }

    assertThatThrownBy(() -> TableMap.parse(plainMap(b.build()), NO_CHECKSUM))
        .isInstanceOf(MalformedValueException.class)
        .hasMessageContaining("4097");
  }

  @Test
  void shouldRejectEveryTruncationOfATableMap() {
    Table t =
        EventBytes.table(1, "shop", "orders")
            .columns(Column.intCol("a"), Column.enumCol("e", "x", "y"), Column.text("b", 2, LATIN1))
            .primaryKey(0)
            .fullMetadata()
            .build();
    byte[] e = plainMap(t);

    for (int length = EventHeader.SIZE; length < e.length; length++) {
      byte[] cut = Arrays.copyOf(e, length);
      try {
        TableMap.parse(cut, NO_CHECKSUM);
        // a cut between two optional fields is a valid, shorter table map
      } catch (MalformedValueException expected) {
        // fine
      }
    }
    byte[] cutInName = Arrays.copyOf(e, EventHeader.SIZE + 8 + 3);
    assertThatThrownBy(() -> TableMap.parse(cutInName, NO_CHECKSUM))
        .isInstanceOf(MalformedValueException.class);
  }

  @Test
  void shouldRejectAnOptionalFieldLongerThanTheEvent() {
    Table t =
        EventBytes.table(1, "s", "t")
            .columns(Column.intCol("a"))
            .noMetadata()
            .extraOptionalMetadata(new byte[] {4, 10, 1, 'a'})
            .build();

    assertThatThrownBy(() -> TableMap.parse(plainMap(t), NO_CHECKSUM))
        .isInstanceOf(MalformedValueException.class);
  }

  @Test
  void shouldRejectAPrimaryKeyColumnThatDoesNotExist() {
    Table t =
        EventBytes.table(1, "s", "t")
            .columns(Column.intCol("a"))
            .noMetadata()
            .extraOptionalMetadata(new byte[] {TableMap.SIMPLE_PRIMARY_KEY, 1, 1})
            .build();

    assertThatThrownBy(() -> TableMap.parse(plainMap(t), NO_CHECKSUM))
        .isInstanceOf(MalformedValueException.class)
        .hasMessageContaining("column index 1");
  }

  @Test
  void shouldRejectTooFewColumnCharsets() {
    Table t =
        EventBytes.table(1, "s", "t")
            .columns(Column.varchar("a", 10, UTF8MB4), Column.varchar("b", 10, UTF8MB4))
            .noMetadata()
            .extraOptionalMetadata(new byte[] {TableMap.COLUMN_CHARSET, 1, (byte) UTF8MB4})
            .build();

    assertThatThrownBy(() -> TableMap.parse(plainMap(t), NO_CHECKSUM))
        .isInstanceOf(MalformedValueException.class);
  }

  @Test
  void shouldRejectADefaultCharsetExceptionForAColumnThatIsNotThere() {
    Table t =
        EventBytes.table(1, "s", "t")
            .columns(Column.varchar("a", 10, UTF8MB4), Column.intCol("n"))
            .noMetadata()
            .extraOptionalMetadata(new byte[] {TableMap.DEFAULT_CHARSET, 3, 8, 1, 63})
            .build();

    assertThatThrownBy(() -> TableMap.parse(plainMap(t), NO_CHECKSUM))
        .isInstanceOf(MalformedValueException.class);
  }

  @Test
  void shouldRejectLabelsMissingForAnEnumColumn() {
    Table t =
        EventBytes.table(1, "s", "t")
            .columns(Column.enumCol("a", "x"), Column.enumCol("b", "y"))
            .noMetadata()
            .extraOptionalMetadata(new byte[] {TableMap.ENUM_STR_VALUE, 3, 1, 1, 'x'})
            .build();

    assertThatThrownBy(() -> TableMap.parse(plainMap(t), NO_CHECKSUM))
        .isInstanceOf(MalformedValueException.class);
  }
}
