package dev.hamal.binlog.schema;

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

/**
 * The text form of a {@link SchemaChange}: one line per fact, tab-separated fields, each field
 * escaped ({@code \\}, {@code \t}, {@code \n}, {@code \r}) so a line never contains a raw tab, line
 * feed or carriage return inside a field.
 *
 * <pre>
 * change  1  FILE  OFFSET  seed|ddl          first line; 1 is the record format version
 * server  VERSION  CHARSET  LOWER_CASE_TABLE_NAMES   seeds only
 * statement  SQL                             DDL only
 * database  NAME  CHARSET                    CHARSET empty when unknown
 * database-dropped  NAME
 * table  SCHEMA  TABLE  DEFAULT_CHARSET  [PK_COLUMN ...]   followed by its column lines
 * column  NAME  DATA_TYPE  0|1  CHARSET  CHAR_LENGTH  [LABEL ...]   1 = unsigned
 * table-unknown  SCHEMA  TABLE  REASON
 * table-untracked  SCHEMA  TABLE
 * table-dropped  SCHEMA  TABLE
 * </pre>
 *
 * <p>Failure: {@link #decode} throws {@link IllegalArgumentException} naming the line of the record
 * that is malformed; the caller adds where the record is stored.
 */
final class SchemaChangeCodec {

  static final String FORMAT_VERSION = "1";

  private SchemaChangeCodec() {}

  static String encode(SchemaChange change) {
    StringBuilder out = new StringBuilder();
    line(
        out,
        "change",
        FORMAT_VERSION,
        change.position().file(),
        Long.toString(change.position().position()),
        change.isSeed() ? "seed" : "ddl");
    change
        .server()
        .ifPresent(s ->
            line(
                out,
                "server",
                s.version(),
                s.charset(),
                Integer.toString(s.lowerCaseTableNames())));
    if (!change.isSeed()) {
      line(out, "statement", change.statement());
    }
    for (Entry entry : change.entries()) {
      switch (entry) {
        case DatabaseDefined d -> line(out, "database", d.name(), d.charset());
        case DatabaseDropped d -> line(out, "database-dropped", d.name());
        case TableDefined t -> table(out, t.definition());
        case TableUnknown t ->
            line(out, "table-unknown", t.name().schema(), t.name().table(), t.reason());
        case TableUntracked t -> line(out, "table-untracked", t.name().schema(), t.name().table());
        case TableDropped t -> line(out, "table-dropped", t.name().schema(), t.name().table());
      }
    }
    out.setLength(out.length() - 1); // no line feed after the last line
    return out.toString();
  }

  private static void table(StringBuilder out, TableDefinition definition) {
    List<String> fields = new ArrayList<>();
    fields.add("table");
    fields.add(definition.name().schema());
    fields.add(definition.name().table());
    fields.add(definition.defaultCharset());
    fields.addAll(definition.schema().primaryKey());
    line(out, fields.toArray(String[]::new));
    for (ResolvedColumn column : definition.columns()) {
      ColumnSchema c = column.schema();
      List<String> columnFields = new ArrayList<>();
      columnFields.add("column");
      columnFields.add(c.name());
      columnFields.add(c.dataType());
      columnFields.add(c.unsigned() ? "1" : "0");
      columnFields.add(c.charset());
      columnFields.add(Long.toString(column.charLength()));
      columnFields.addAll(c.labels());
      line(out, columnFields.toArray(String[]::new));
    }
  }

  private static void line(StringBuilder out, String... fields) {
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        out.append('\t');
      }
      escape(out, fields[i]);
    }
    out.append('\n');
  }

  static void escape(StringBuilder out, String field) {
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
  }

  static String unescape(String field) {
    if (field.indexOf('\\') < 0) {
      return field;
    }
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (++i == field.length()) {
        throw new IllegalArgumentException("field ends in a lone backslash");
      }
      switch (field.charAt(i)) {
        case '\\' -> out.append('\\');
        case 't' -> out.append('\t');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        default ->
            throw new IllegalArgumentException("unknown escape \\" + field.charAt(i) + " in field");
      }
    }
    return out.toString();
  }

  /**
   * Decodes a record written by {@link #encode}.
   *
   * @throws IllegalArgumentException naming the record line that is malformed
   */
  static SchemaChange decode(String record) {
    String[] lines = record.split("\n", -1);
    int lineNo = 0;
    try {
      List<String> head = fields(lines[0]);
      expect(head, "change", 5);
      if (!head.get(1).equals(FORMAT_VERSION)) {
        throw new IllegalArgumentException("unsupported record format version " + head.get(1));
      }
      BinlogPosition position = new BinlogPosition(head.get(2), Long.parseLong(head.get(3)));
      boolean seed =
          switch (head.get(4)) {
            case "seed" -> true;
            case "ddl" -> false;
            default -> throw new IllegalArgumentException("unknown change kind " + head.get(4));
          };
      Optional<ServerFacts> server = Optional.empty();
      String statement = "";
      List<Entry> entries = new ArrayList<>();
      TableHeader table = null;
      for (lineNo = 1; lineNo < lines.length; lineNo++) {
        List<String> f = fields(lines[lineNo]);
        String kind = f.get(0);
        if (table != null && !kind.equals("column")) {
          entries.add(table.build());
          table = null;
        }
        switch (kind) {
          case "server" -> {
            expect(f, kind, 4);
            server = Optional.of(new ServerFacts(f.get(1), f.get(2), Integer.parseInt(f.get(3))));
          }
          case "statement" -> {
            expect(f, kind, 2);
            statement = f.get(1);
          }
          case "database" -> {
            expect(f, kind, 3);
            entries.add(new DatabaseDefined(f.get(1), f.get(2)));
          }
          case "database-dropped" -> {
            expect(f, kind, 2);
            entries.add(new DatabaseDropped(f.get(1)));
          }
          case "table" -> {
            if (f.size() < 4) {
              throw new IllegalArgumentException("table line needs at least 4 fields");
            }
            table =
                new TableHeader(
                    new TableName(f.get(1), f.get(2)), f.get(3), f.subList(4, f.size()));
          }
          case "column" -> {
            if (table == null) {
              throw new IllegalArgumentException("column line outside a table");
            }
            if (f.size() < 6) {
              throw new IllegalArgumentException("column line needs at least 6 fields");
            }
            boolean unsigned =
                switch (f.get(3)) {
                  case "1" -> true;
                  case "0" -> false;
                  default -> throw new IllegalArgumentException("unsigned flag " + f.get(3));
                };
            table.columns.add(
                new ResolvedColumn(
                    new ColumnSchema(
                        f.get(1), f.get(2), unsigned, f.get(4), f.subList(6, f.size())),
                    Long.parseLong(f.get(5))));
          }
          case "table-unknown" -> {
            expect(f, kind, 4);
            entries.add(new TableUnknown(new TableName(f.get(1), f.get(2)), f.get(3)));
          }
          case "table-untracked" -> {
            expect(f, kind, 3);
            entries.add(new TableUntracked(new TableName(f.get(1), f.get(2))));
          }
          case "table-dropped" -> {
            expect(f, kind, 3);
            entries.add(new TableDropped(new TableName(f.get(1), f.get(2))));
          }
          default -> throw new IllegalArgumentException("unknown line kind '" + kind + "'");
        }
      }
      if (table != null) {
        entries.add(table.build());
      }
      if (seed != server.isPresent()) {
        throw new IllegalArgumentException(
            seed ? "seed without a server line" : "server line in a DDL change");
      }
      return new SchemaChange(position, server, statement, entries);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "line " + (lineNo + 1) + " of the record: " + e.getMessage(), e);
    }
  }

  private static List<String> fields(String line) {
    String[] raw = line.split("\t", -1);
    List<String> fields = new ArrayList<>(raw.length);
    for (String field : raw) {
      fields.add(unescape(field));
    }
    return fields;
  }

  private static void expect(List<String> fields, String kind, int count) {
    if (!fields.get(0).equals(kind) || fields.size() != count) {
      throw new IllegalArgumentException(
          "expected a '"
              + kind
              + "' line of "
              + count
              + " fields, found "
              + fields.size()
              + " fields starting with '"
              + fields.get(0)
              + "'");
    }
  }

  private static final class TableHeader {
    final TableName name;
    final String charset;
    final List<String> primaryKey;
    final List<ResolvedColumn> columns = new ArrayList<>();

    TableHeader(TableName name, String charset, List<String> primaryKey) {
      this.name = name;
      this.charset = charset;
      this.primaryKey = List.copyOf(primaryKey);
    }

    TableDefined build() {
      return new TableDefined(TableDefinition.of(name, columns, primaryKey, charset));
    }
  }
}
