package dev.hamal.binlog.schema;

import java.util.List;

/**
 * What {@link DdlParser} understood of one statement: only the parts that shape columns, primary
 * keys, character sets and table names. Index, constraint, partition and storage clauses are parsed
 * and dropped. Names are as written; unqualified table names are resolved later against the event's
 * default database.
 */
sealed interface DdlStatement {

  /** A table name as written; {@code schema} is empty when the name is not qualified. */
  record TableRef(String schema, String table) {
    @Override
    public String toString() {
      return schema.isEmpty() ? table : schema + "." + table;
    }
  }

  /**
   * A character set choice of a table, database or {@code CONVERT TO}: an explicit character set, a
   * collation (whose prefix names the set), or {@code DEFAULT} (the enclosing default). Empty
   * strings mean "not given".
   */
  record CharsetSpec(String charset, String collation, boolean useDefault) {
    static final CharsetSpec NONE = new CharsetSpec("", "", false);

    boolean isGiven() {
      return useDefault || !charset.isEmpty() || !collation.isEmpty();
    }

    CharsetSpec withCharset(String name) {
      return new CharsetSpec(name, collation, false);
    }

    CharsetSpec withCollation(String name) {
      return new CharsetSpec(charset, name, useDefault);
    }

    CharsetSpec withDefault() {
      return new CharsetSpec("", collation, true);
    }
  }

  /** Where ALTER TABLE puts a column: nowhere in particular, {@code FIRST}, or {@code AFTER x}. */
  record Position(boolean first, String after) {
    static final Position NONE = new Position(false, "");

    boolean isGiven() {
      return first || !after.isEmpty();
    }
  }

  /**
   * A column definition as written.
   *
   * @param type the base type in lower case after synonyms are folded ({@code integer} is {@code
   *     int}, {@code character varying} is {@code varchar}); {@code real} and {@code json} are
   *     resolved later because they depend on the session and the server
   * @param length the first type argument, -1 when absent
   * @param labels ENUM/SET values as written (trailing spaces not yet removed)
   * @param national {@code NATIONAL}/{@code NCHAR} types, which use utf8mb3
   * @param primaryKey an inline {@code PRIMARY KEY} (or {@code KEY}) attribute
   * @param rowPeriod MariaDB {@code GENERATED ALWAYS AS ROW START|END}
   */
  record ColumnSpec(
      String name,
      String type,
      long length,
      List<String> labels,
      boolean unsigned,
      boolean zerofill,
      String charset,
      String collation,
      boolean ascii,
      boolean unicode,
      boolean byteCharset,
      boolean national,
      boolean primaryKey,
      boolean rowPeriod,
      Position position) {
    public ColumnSpec {
      labels = List.copyOf(labels);
    }

    ColumnSpec withName(String newName) {
      return new ColumnSpec(
          newName,
          type,
          length,
          labels,
          unsigned,
          zerofill,
          charset,
          collation,
          ascii,
          unicode,
          byteCharset,
          national,
          primaryKey,
          rowPeriod,
          position);
    }
  }

  /** CREATE TABLE; {@code temporary} tables never reach row events and change nothing. */
  record CreateTable(
      TableRef table, boolean orReplace, boolean temporary, boolean ifNotExists, TableBody body)
      implements DdlStatement {}

  /** Where a created table's columns come from. */
  sealed interface TableBody {}

  /** An explicit column list. {@code primaryKey} is empty when there is none. */
  record Columns(
      List<ColumnSpec> columns,
      List<String> primaryKey,
      CharsetSpec charset,
      boolean systemVersioning)
      implements TableBody {
    public Columns {
      columns = List.copyOf(columns);
      primaryKey = List.copyOf(primaryKey);
    }
  }

  /** {@code CREATE TABLE t LIKE source}. */
  record Like(TableRef source) implements TableBody {}

  /** A body whose columns cannot be known from the statement (a query, a parse failure, ...). */
  record Uninterpretable(String reason) implements TableBody {}

  /** ALTER TABLE with its specifications in statement order. */
  record AlterTable(TableRef table, boolean ifExists, List<AlterSpec> specs)
      implements DdlStatement {
    public AlterTable {
      specs = List.copyOf(specs);
    }
  }

  /** One specification of an ALTER TABLE that matters for columns or names. */
  sealed interface AlterSpec {}

  record AddColumns(List<ColumnSpec> columns, boolean ifNotExists) implements AlterSpec {
    public AddColumns {
      columns = List.copyOf(columns);
    }
  }

  record AddPrimaryKey(List<String> columns) implements AlterSpec {
    public AddPrimaryKey {
      columns = List.copyOf(columns);
    }
  }

  record DropColumn(String name, boolean ifExists) implements AlterSpec {}

  record DropPrimaryKey() implements AlterSpec {}

  /** MODIFY (then {@code oldName} equals the column's name) or CHANGE. */
  record ChangeColumn(String oldName, ColumnSpec column, boolean ifExists) implements AlterSpec {}

  record RenameColumn(String oldName, String newName, boolean ifExists) implements AlterSpec {}

  /** {@code ALTER COLUMN c SET/DROP DEFAULT}, ...: no shape change, but the column must exist. */
  record AlterColumn(String name) implements AlterSpec {}

  record RenameTo(TableRef target) implements AlterSpec {}

  /** {@code [DEFAULT] CHARACTER SET x} / {@code COLLATE y}: the default for new columns only. */
  record TableCharset(CharsetSpec charset) implements AlterSpec {}

  /** {@code CONVERT TO CHARACTER SET x}: every text column and the table default. */
  record ConvertCharset(CharsetSpec charset) implements AlterSpec {}

  /** MariaDB {@code CONVERT PARTITION p TO TABLE t}: a new table shaped like this one. */
  record PartitionToTable(TableRef target) implements AlterSpec {}

  /** MariaDB {@code CONVERT TABLE t TO PARTITION p}: table {@code t} disappears. */
  record TableToPartition(TableRef source) implements AlterSpec {}

  /** A specification that changes columns in a way the history does not model. */
  record UnsupportedSpec(String reason) implements AlterSpec {}

  record RenameTables(List<Rename> renames) implements DdlStatement {
    public RenameTables {
      renames = List.copyOf(renames);
    }
  }

  record Rename(TableRef from, TableRef to) {}

  record DropTables(List<TableRef> tables, boolean temporary) implements DdlStatement {
    public DropTables {
      tables = List.copyOf(tables);
    }
  }

  record CreateDatabase(String name, boolean orReplace, boolean ifNotExists, CharsetSpec charset)
      implements DdlStatement {}

  /** ALTER DATABASE; {@code name} is empty for the default database. */
  record AlterDatabase(String name, CharsetSpec charset) implements DdlStatement {}

  record DropDatabase(String name) implements DdlStatement {}

  /** MariaDB CREATE SEQUENCE: a table whose row events the history does not describe. */
  record CreateSequence(TableRef table, boolean ifNotExists, boolean temporary)
      implements DdlStatement {}

  /** A statement that does not change any table's columns (views, users, indexes, BEGIN, ...). */
  record NoChange(String what) implements DdlStatement {}

  /**
   * A statement the parser could not follow. {@code mentioned} lists every name in it that could be
   * a table, so the history can mark the ones it tracks as unknown.
   */
  record Unparsed(String reason, List<TableRef> mentioned) implements DdlStatement {
    public Unparsed {
      mentioned = List.copyOf(mentioned);
    }
  }
}
