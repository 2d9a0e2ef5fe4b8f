package dev.hamal.binlog.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.ColumnSchema;
import dev.hamal.binlog.TableName;
import dev.hamal.binlog.schema.SchemaChange.DatabaseDefined;
import dev.hamal.binlog.schema.SchemaChange.DatabaseDropped;
import dev.hamal.binlog.schema.SchemaChange.Entry;
import dev.hamal.binlog.schema.SchemaChange.ServerFacts;
import dev.hamal.binlog.schema.SchemaChange.TableDefined;
import dev.hamal.binlog.schema.SchemaChange.TableDropped;
import dev.hamal.binlog.schema.SchemaChange.TableUnknown;
import dev.hamal.binlog.schema.SchemaChange.TableUntracked;
import dev.hamal.binlog.schema.TableDefinition.ResolvedColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class SchemaChangeCodecTest {

  @Property
  void shouldDecodeWhatItEncodes(@ForAll("changes") SchemaChange change) {
    String encoded = SchemaChangeCodec.encode(change);

    assertThat(encoded).doesNotContain("\r");
    assertThat(SchemaChangeCodec.decode(encoded)).isEqualTo(change);
  }

  @Property
  void shouldEscapeAnyTextIntoOneFieldAndBack(@ForAll("text") String field) {
    StringBuilder escaped = new StringBuilder();
    SchemaChangeCodec.escape(escaped, field);

    assertThat(escaped.toString()).doesNotContain("\t", "\n", "\r");
    assertThat(SchemaChangeCodec.unescape(escaped.toString())).isEqualTo(field);
  }

  @Test
  void shouldNameTheMalformedLineOfARecord() {
    String record = "change\t1\tbinlog.000001\t4\tddl\nstatement\tx\ncolumn\tc\tint\t0\t\t0";

    assertThatThrownBy(() -> SchemaChangeCodec.decode(record))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 3 of the record")
        .hasMessageContaining("column line outside a table");
  }

  @Test
  void shouldRejectAnotherRecordFormatVersion() {
    assertThatThrownBy(() -> SchemaChangeCodec.decode("change\t2\tbinlog.000001\t4\tddl"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("format version 2");
  }

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.strings()
        .withChars('\\', '\t', '\n', '\r', 'a', 'é', '订', '\'', '"', '`', ' ')
        .withCharRange('\u0000', '\u00ff')
        .ofMaxLength(30);
  }

  @Provide
  Arbitrary<SchemaChange> changes() {
    Arbitrary<String> text = text();
    Arbitrary<String> name = text.filter(s -> !s.isEmpty());
    Arbitrary<TableName> table = Combinators.combine(name, name).as(TableName::new);
    Arbitrary<ResolvedColumn> column =
        Combinators.combine(
                name,
                Arbitraries.of("int", "varchar", "enum", "json", ""),
                Arbitraries.of(true, false),
                Arbitraries.of("", "utf8mb4", "binary"),
                text.list().ofMaxSize(4),
                Arbitraries.longs().between(0, 70_000))
            .as((n, type, unsigned, charset, labels, length) ->
                new ResolvedColumn(new ColumnSchema(n, type, unsigned, charset, labels), length));
    Arbitrary<Entry> defined =
        Combinators.combine(table, column.list().ofMinSize(1).ofMaxSize(5), text)
            .as((t, columns, charset) -> {
              List<String> key = columns.isEmpty() ? List.of() : List.of(columns.get(0).name());
              return (Entry) new TableDefined(TableDefinition.of(t, columns, key, charset));
            });
    Arbitrary<Entry> entry =
        Arbitraries.oneOf(
            defined,
            Combinators.combine(table, text).as(TableUnknown::new),
            table.map(TableUntracked::new),
            table.map(TableDropped::new),
            Combinators.combine(name, text).as(DatabaseDefined::new),
            name.map(DatabaseDropped::new));
    Arbitrary<BinlogPosition> position =
        Combinators.combine(
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12),
                Arbitraries.longs().between(4, Long.MAX_VALUE))
            .as(BinlogPosition::new);
    Arbitrary<Optional<ServerFacts>> server =
        Combinators.combine(text, text, Arbitraries.integers().between(0, 2))
            .as(ServerFacts::new)
            .optional();
    return Combinators.combine(position, server, text, entry.list().ofMaxSize(6))
        .as((p, facts, statement, entries) ->
            new SchemaChange(
                p, facts, facts.isPresent() ? "" : statement, new ArrayList<>(entries)));
  }
}
