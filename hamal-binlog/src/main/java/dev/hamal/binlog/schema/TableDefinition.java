package dev.hamal.binlog.schema;

import dev.hamal.binlog.ColumnSchema;
import dev.hamal.binlog.TableName;
import dev.hamal.binlog.TableSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * What the history keeps about a table: the {@link TableSchema} it hands out, plus what later DDL
 * needs to evolve it: the table's default character set (for columns added without one) and the
 * declared character length of CHAR/VARCHAR columns (for {@code CONVERT TO CHARACTER SET}, which
 * turns a VARCHAR too long for the new set into a TEXT type).
 *
 * @param schema the columns and primary key
 * @param charLengths per column, the declared length of a CHAR/VARCHAR column; 0 for other types
 * @param defaultCharset the table's default character set; {@code ""} when unknown, in which case
 *     adding a text column without an explicit character set makes the table unknown
 */
record TableDefinition(TableSchema schema, List<Long> charLengths, String defaultCharset) {

  TableDefinition {
    charLengths = List.copyOf(charLengths);
    if (charLengths.size() != schema.columnCount()) {
      throw new IllegalArgumentException(
          "table "
              + schema.name()
              + " has "
              + schema.columnCount()
              + " columns but "
              + charLengths.size()
              + " lengths");
    }
  }

  static TableDefinition of(
      TableName name, List<ResolvedColumn> columns, List<String> primaryKey, String charset) {
    List<ColumnSchema> schemas = new ArrayList<>(columns.size());
    List<Long> lengths = new ArrayList<>(columns.size());
    for (ResolvedColumn column : columns) {
      schemas.add(column.schema());
      lengths.add(column.charLength());
    }
    return new TableDefinition(new TableSchema(name, schemas, primaryKey), lengths, charset);
  }

  TableName name() {
    return schema.name();
  }

  List<ResolvedColumn> columns() {
    List<ResolvedColumn> columns = new ArrayList<>(schema.columnCount());
    for (int i = 0; i < schema.columnCount(); i++) {
      columns.add(new ResolvedColumn(schema.column(i), charLengths.get(i)));
    }
    return columns;
  }

  TableDefinition renamed(TableName newName) {
    return new TableDefinition(
        new TableSchema(newName, schema.columns(), schema.primaryKey()),
        charLengths,
        defaultCharset);
  }

  /** A column with the length the history needs beside its {@link ColumnSchema}. */
  record ResolvedColumn(ColumnSchema schema, long charLength) {
    String name() {
      return schema.name();
    }

    ResolvedColumn renamed(String newName) {
      return new ResolvedColumn(
          new ColumnSchema(
              newName, schema.dataType(), schema.unsigned(), schema.charset(), schema.labels()),
          charLength);
    }
  }
}
