package dev.hamal.binlog.schema;

import dev.hamal.binlog.schema.DdlStatement.AddColumns;
import dev.hamal.binlog.schema.DdlStatement.AddPrimaryKey;
import dev.hamal.binlog.schema.DdlStatement.AlterColumn;
import dev.hamal.binlog.schema.DdlStatement.AlterDatabase;
import dev.hamal.binlog.schema.DdlStatement.AlterSpec;
import dev.hamal.binlog.schema.DdlStatement.AlterTable;
import dev.hamal.binlog.schema.DdlStatement.ChangeColumn;
import dev.hamal.binlog.schema.DdlStatement.CharsetSpec;
import dev.hamal.binlog.schema.DdlStatement.ColumnSpec;
import dev.hamal.binlog.schema.DdlStatement.Columns;
import dev.hamal.binlog.schema.DdlStatement.ConvertCharset;
import dev.hamal.binlog.schema.DdlStatement.CreateDatabase;
import dev.hamal.binlog.schema.DdlStatement.CreateSequence;
import dev.hamal.binlog.schema.DdlStatement.CreateTable;
import dev.hamal.binlog.schema.DdlStatement.DropColumn;
import dev.hamal.binlog.schema.DdlStatement.DropDatabase;
import dev.hamal.binlog.schema.DdlStatement.DropPrimaryKey;
import dev.hamal.binlog.schema.DdlStatement.DropTables;
import dev.hamal.binlog.schema.DdlStatement.Like;
import dev.hamal.binlog.schema.DdlStatement.NoChange;
import dev.hamal.binlog.schema.DdlStatement.PartitionToTable;
import dev.hamal.binlog.schema.DdlStatement.Position;
import dev.hamal.binlog.schema.DdlStatement.Rename;
import dev.hamal.binlog.schema.DdlStatement.RenameColumn;
import dev.hamal.binlog.schema.DdlStatement.RenameTables;
import dev.hamal.binlog.schema.DdlStatement.RenameTo;
import dev.hamal.binlog.schema.DdlStatement.TableBody;
import dev.hamal.binlog.schema.DdlStatement.TableCharset;
import dev.hamal.binlog.schema.DdlStatement.TableRef;
import dev.hamal.binlog.schema.DdlStatement.TableToPartition;
import dev.hamal.binlog.schema.DdlStatement.Uninterpretable;
import dev.hamal.binlog.schema.DdlStatement.Unparsed;
import dev.hamal.binlog.schema.DdlStatement.UnsupportedSpec;
import dev.hamal.binlog.schema.SqlToken.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A hand-written recursive-descent parser for the column-shaping subset of MySQL/MariaDB DDL.
 *
 * <p>Why by hand: the SQL parser libraries on Maven Central either do not follow the MySQL and
 * MariaDB dialects closely (versioned comments, {@code CREATE OR REPLACE}, {@code ADD COLUMN IF NOT
 * EXISTS}, MariaDB's data types, the odd quoting a binlog carries) or bring large runtimes into the
 * binlog module, and the history needs only a small part of the language. What it needs it must get
 * exactly right, and everything else it must recognise as "not understood" rather than guess.
 *
 * <p>Invariants: the parser is strict where the result shapes columns (data types, character sets,
 * ENUM/SET labels, column names, positions, primary keys, table names) and any word it does not
 * know there is an error; it is lenient only where the clause cannot change columns (index,
 * constraint, partition, storage and engine options are skipped by balanced parentheses).
 *
 * <p>Failure: a statement it cannot follow becomes {@link Unparsed} listing every name that could
 * be a table; an unknown clause inside CREATE/ALTER TABLE becomes an {@link Uninterpretable} body
 * or an {@link UnsupportedSpec}, so the table concerned is marked unknown. Never throws.
 *
 * <p>Threading: one instance per statement.
 */
final class DdlParser {

  private static final Set<String> NO_CHANGE_OBJECTS =
      Set.of(
          "INDEX",
          "VIEW",
          "TRIGGER",
          "PROCEDURE",
          "FUNCTION",
          "EVENT",
          "USER",
          "ROLE",
          "SERVER",
          "TABLESPACE",
          "LOGFILE",
          "RESOURCE",
          "PACKAGE",
          "SPATIAL",
          "UNDO",
          "LIBRARY",
          "SYNONYM",
          "INSTANCE");

  /** Words that start a clause inside a CREATE TABLE definition list rather than a column. */
  private static final Set<String> KEY_WORDS =
      Set.of(
          "CONSTRAINT",
          "PRIMARY",
          "INDEX",
          "KEY",
          "UNIQUE",
          "FULLTEXT",
          "SPATIAL",
          "FOREIGN",
          "CHECK");

  /** Table options that take a value with or without {@code =}. */
  private static final Set<String> TABLE_OPTIONS =
      Set.of(
          "ENGINE",
          "TYPE",
          "AUTO_INCREMENT",
          "AVG_ROW_LENGTH",
          "CHECKSUM",
          "TABLE_CHECKSUM",
          "COMMENT",
          "COMPRESSION",
          "CONNECTION",
          "DELAY_KEY_WRITE",
          "ENCRYPTION",
          "ENCRYPTED",
          "ENCRYPTION_KEY_ID",
          "INSERT_METHOD",
          "KEY_BLOCK_SIZE",
          "MAX_ROWS",
          "MIN_ROWS",
          "PACK_KEYS",
          "PASSWORD",
          "ROW_FORMAT",
          "STATS_AUTO_RECALC",
          "STATS_PERSISTENT",
          "STATS_SAMPLE_PAGES",
          "PAGE_CHECKSUM",
          "PAGE_COMPRESSED",
          "PAGE_COMPRESSION_LEVEL",
          "TRANSACTIONAL",
          "IETF_QUOTES",
          "SEQUENCE",
          "ENGINE_ATTRIBUTE",
          "SECONDARY_ENGINE",
          "SECONDARY_ENGINE_ATTRIBUTE",
          "AUTOEXTEND_SIZE");

  private final List<SqlToken> tokens;
  private int at;

  private DdlParser(List<SqlToken> tokens) {
    this.tokens = tokens;
  }

  /** Parses one statement written in {@code dialect}. */
  static DdlStatement parse(String sql, SqlDialect dialect) {
    List<SqlToken> tokens;
    try {
      tokens = SqlLexer.tokenize(sql, dialect);
    } catch (DdlException e) {
      return new Unparsed(e.getMessage(), List.of());
    }
    DdlParser parser = new DdlParser(tokens);
    try {
      return parser.statement();
    } catch (DdlException e) {
      return new Unparsed(e.getMessage(), parser.mentionedNames());
    }
  }

  // ---------------------------------------------------------------- statements

  private DdlStatement statement() {
    if (accept("CREATE")) {
      return create();
    }
    if (accept("ALTER")) {
      return alter();
    }
    if (accept("DROP")) {
      return drop();
    }
    if (accept("RENAME")) {
      return rename();
    }
    if (accept("TRUNCATE")) {
      return new NoChange("TRUNCATE");
    }
    return new NoChange("not a DDL statement");
  }

  private DdlStatement create() {
    boolean orReplace = acceptAll("OR", "REPLACE");
    boolean temporary = false;
    while (true) {
      if (accept("TEMPORARY")) {
        temporary = true;
      } else if (peek().is("ALGORITHM") && peek(1).isSymbol('=')) {
        at += 3;
      } else if (accept("DEFINER")) {
        expectSymbol('=');
        user();
      } else if (peek().is("SQL") && peek(1).is("SECURITY")) {
        at += 3;
      } else if (accept("AGGREGATE") || accept("ONLINE") || accept("OFFLINE")) {
        // modifiers of functions and indexes
      } else if (peek().is("UNIQUE") || peek().is("FULLTEXT")) {
        at++;
      } else {
        break;
      }
    }
    if (accept("TABLE")) {
      return createTable(orReplace, temporary);
    }
    if (accept("DATABASE") || accept("SCHEMA")) {
      return createDatabase(orReplace);
    }
    if (accept("SEQUENCE")) {
      boolean ifNotExists = acceptAll("IF", "NOT", "EXISTS");
      return new CreateSequence(tableRef(), ifNotExists, temporary);
    }
    return noChangeOrUnparsed("CREATE");
  }

  private DdlStatement noChangeOrUnparsed(String verb) {
    SqlToken object = peek();
    if (object.kind() == Kind.WORD
        && NO_CHANGE_OBJECTS.contains(object.text().toUpperCase(Locale.ROOT))) {
      return new NoChange(verb + " " + object.text().toUpperCase(Locale.ROOT));
    }
    throw new DdlException(
        verb + " " + object.describe() + " is not a statement the history knows");
  }

  private DdlStatement createTable(boolean orReplace, boolean temporary) {
    boolean ifNotExists = acceptAll("IF", "NOT", "EXISTS");
    TableRef table = tableRef();
    TableBody body;
    try {
      body = tableBody();
    } catch (DdlException e) {
      body = new Uninterpretable(e.getMessage());
    }
    return new CreateTable(table, orReplace, temporary, ifNotExists, body);
  }

  private TableBody tableBody() {
    if (accept("LIKE")) {
      TableRef source = tableRef();
      expectEnd();
      return new Like(source);
    }
    if (peek().isSymbol('(') && peek(1).is("LIKE")) {
      at += 2;
      TableRef source = tableRef();
      expectSymbol(')');
      expectEnd();
      return new Like(source);
    }
    if (peek().isSymbol('(') && (peek(1).is("SELECT") || peek(1).is("WITH"))) {
      return fromQuery();
    }
    List<ColumnSpec> columns = new ArrayList<>();
    List<String> primaryKey = new ArrayList<>();
    boolean hasColumnList = false;
    if (acceptSymbol('(')) {
      hasColumnList = true;
      do {
        definition(columns, primaryKey);
      } while (acceptSymbol(','));
      expectSymbol(')');
    }
    TableOptions options = tableOptions();
    if (isQueryStart()) {
      return fromQuery();
    }
    if (accept("PARTITION")) {
      if (skipToEndWatchingForQuery()) {
        return fromQuery();
      }
    }
    expectEnd();
    if (!hasColumnList) {
      return new Uninterpretable("CREATE TABLE without a column list");
    }
    for (ColumnSpec column : columns) {
      if (column.primaryKey()) {
        if (!primaryKey.isEmpty()) {
          throw new DdlException("more than one primary key");
        }
        primaryKey.add(column.name());
      }
    }
    return new Columns(columns, primaryKey, options.charset, options.systemVersioning);
  }

  private static Uninterpretable fromQuery() {
    return new Uninterpretable("CREATE TABLE ... SELECT: the columns come from a query");
  }

  private boolean isQueryStart() {
    SqlToken t = peek();
    return t.is("SELECT")
        || t.is("AS")
        || t.is("IGNORE")
        || t.is("REPLACE")
        || t.is("TABLE")
        || t.is("VALUES")
        || (t.is("WITH") && !peek(1).is("SYSTEM"))
        || t.isSymbol('(');
  }

  /** Skips a partition clause to the end; true when a query follows it. */
  private boolean skipToEndWatchingForQuery() {
    int depth = 0;
    while (!peek().isEnd()) {
      SqlToken t = next();
      if (t.isSymbol('(')) {
        depth++;
      } else if (t.isSymbol(')')) {
        depth--;
      } else if (depth == 0 && (t.is("SELECT") || t.is("AS") || t.is("IGNORE"))) {
        return true;
      } else if (depth == 0 && t.is("REPLACE") && !peek().isSymbol('(')) {
        return true;
      }
    }
    return false;
  }

  /** One element of a CREATE TABLE definition list (or of ALTER TABLE ADD (...)). */
  private void definition(List<ColumnSpec> columns, List<String> primaryKey) {
    SqlToken t = peek();
    if (t.kind() == Kind.WORD && KEY_WORDS.contains(t.text().toUpperCase(Locale.ROOT))) {
      keyDefinition(primaryKey);
      return;
    }
    if (t.is("PERIOD") && peek(1).is("FOR")) {
      skipDefinition();
      return;
    }
    String name = name();
    columns.add(columnDefinition(name));
  }

  /** An index or constraint definition; records the primary key's columns. */
  private void keyDefinition(List<String> primaryKey) {
    if (accept("CONSTRAINT")) {
      if (!peek().is("PRIMARY")
          && !peek().is("UNIQUE")
          && !peek().is("FOREIGN")
          && !peek().is("CHECK")) {
        name();
      }
    }
    if (accept("PRIMARY")) {
      expect("KEY");
      while (!peek().isSymbol('(')) {
        if (peek().isEnd()) {
          throw new DdlException("PRIMARY KEY without a column list");
        }
        next(); // index name, USING BTREE
      }
      List<String> keyColumns = keyColumns();
      if (!primaryKey.isEmpty()) {
        throw new DdlException("more than one primary key");
      }
      primaryKey.addAll(keyColumns);
    }
    skipDefinition();
  }

  private List<String> keyColumns() {
    expectSymbol('(');
    List<String> result = new ArrayList<>();
    do {
      if (peek().isSymbol('(')) {
        throw new DdlException("a primary key on an expression");
      }
      result.add(name());
      if (acceptSymbol('(')) {
        expectKind(Kind.NUMBER);
        expectSymbol(')');
      }
      if (!accept("ASC")) {
        accept("DESC");
      }
    } while (acceptSymbol(','));
    expectSymbol(')');
    return result;
  }

  /** Skips to the ',' or ')' that ends the current definition, over balanced parentheses. */
  private void skipDefinition() {
    int depth = 0;
    while (true) {
      SqlToken t = peek();
      if (t.isEnd()) {
        return;
      }
      if (depth == 0 && (t.isSymbol(',') || t.isSymbol(')'))) {
        return;
      }
      if (t.isSymbol('(')) {
        depth++;
      } else if (t.isSymbol(')')) {
        depth--;
      }
      at++;
    }
  }

  // ---------------------------------------------------------------- columns

  private ColumnSpec columnDefinition(String name) {
    ColumnBuilder column = new ColumnBuilder(name);
    dataType(column);
    columnAttributes(column);
    return column.build();
  }

  private void dataType(ColumnBuilder c) {
    SqlToken t = next();
    if (t.kind() != Kind.WORD) {
      throw new DdlException("expected a data type, found " + t.describe());
    }
    String word = t.text().toUpperCase(Locale.ROOT);
    switch (word) {
      case "TINYINT", "INT1" -> numeric(c, "tinyint");
      case "SMALLINT", "INT2" -> numeric(c, "smallint");
      case "MEDIUMINT", "INT3", "MIDDLEINT" -> numeric(c, "mediumint");
      case "INT", "INTEGER", "INT4" -> numeric(c, "int");
      case "BIGINT", "INT8" -> numeric(c, "bigint");
      case "BOOL", "BOOLEAN" -> c.type = "tinyint";
      case "SERIAL" -> {
        c.type = "bigint";
        c.unsigned = true;
      }
      case "DECIMAL", "DEC", "NUMERIC", "FIXED" -> numeric(c, "decimal");
      case "FLOAT" -> {
        numeric(c, "float");
        if (c.length > 24 && !c.hadScale) {
          c.type = "double";
        }
      }
      case "FLOAT4" -> numeric(c, "float");
      case "DOUBLE" -> {
        accept("PRECISION");
        numeric(c, "double");
      }
      case "FLOAT8" -> numeric(c, "double");
      case "REAL" -> numeric(c, "real");
      case "BIT" -> sized(c, "bit");
      case "DATE" -> c.type = "date";
      case "TIME", "DATETIME", "TIMESTAMP", "YEAR" -> sized(c, word.toLowerCase(Locale.ROOT));
      case "CHAR", "CHARACTER" -> {
        if (accept("VARYING")) {
          sized(c, "varchar");
        } else {
          sized(c, "char");
        }
      }
      case "NCHAR" -> {
        c.national = true;
        if (accept("VARCHAR") || accept("VARYING")) {
          sized(c, "varchar");
        } else {
          sized(c, "char");
        }
      }
      case "NATIONAL" -> {
        c.national = true;
        if (accept("VARCHAR")) {
          sized(c, "varchar");
        } else if (accept("CHAR") || accept("CHARACTER")) {
          sized(c, accept("VARYING") ? "varchar" : "char");
        } else {
          throw new DdlException("expected CHAR or VARCHAR after NATIONAL");
        }
      }
      case "VARCHAR", "VARCHARACTER" -> sized(c, "varchar");
      case "NVARCHAR" -> {
        c.national = true;
        sized(c, "varchar");
      }
      case "BINARY" -> sized(c, "binary");
      case "VARBINARY" -> sized(c, "varbinary");
      case "TINYTEXT", "MEDIUMTEXT", "LONGTEXT", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB" ->
          c.type = word.toLowerCase(Locale.ROOT);
      case "TEXT" -> sized(c, "text");
      case "BLOB" -> sized(c, "blob");
      case "LONG" -> {
        if (accept("VARBINARY")) {
          c.type = "mediumblob";
        } else {
          if (!accept("VARCHAR") && accept("CHAR")) {
            expect("VARYING");
          }
          c.type = "mediumtext";
        }
      }
      case "ENUM", "SET" -> {
        c.type = word.toLowerCase(Locale.ROOT);
        c.labels = labels();
      }
      case "JSON" -> c.type = "json";
      case "GEOMETRY",
          "POINT",
          "LINESTRING",
          "POLYGON",
          "MULTIPOINT",
          "MULTILINESTRING",
          "MULTIPOLYGON",
          "GEOMETRYCOLLECTION",
          "GEOMCOLLECTION",
          "INET4",
          "INET6",
          "UUID" ->
          c.type = word.toLowerCase(Locale.ROOT);
      case "VECTOR" -> sized(c, "vector");
      default -> throw new DdlException("unsupported data type " + t.describe());
    }
  }

  private void numeric(ColumnBuilder c, String type) {
    c.type = type;
    if (acceptSymbol('(')) {
      c.length = number();
      if (acceptSymbol(',')) {
        number();
        c.hadScale = true;
      }
      expectSymbol(')');
    }
  }

  private void sized(ColumnBuilder c, String type) {
    c.type = type;
    if (acceptSymbol('(')) {
      c.length = number();
      expectSymbol(')');
    }
  }

  private long number() {
    SqlToken t = expectKind(Kind.NUMBER);
    try {
      return Long.parseLong(t.text());
    } catch (NumberFormatException e) {
      throw new DdlException("expected an integer, found " + t.describe());
    }
  }

  private List<String> labels() {
    expectSymbol('(');
    List<String> labels = new ArrayList<>();
    do {
      labels.add(stringValue());
    } while (acceptSymbol(','));
    expectSymbol(')');
    return labels;
  }

  /** A string literal, possibly with a character set introducer and adjacent continuations. */
  private String stringValue() {
    SqlToken t = peek();
    if (t.kind() == Kind.WORD && t.text().startsWith("_") && peek(1).kind() == Kind.STRING) {
      at++;
    }
    StringBuilder value = new StringBuilder(expectKind(Kind.STRING).text());
    while (peek().kind() == Kind.STRING) {
      value.append(next().text());
    }
    return value.toString();
  }

  private void columnAttributes(ColumnBuilder c) {
    while (true) {
      SqlToken t = peek();
      if (t.isEnd() || t.isSymbol(',') || t.isSymbol(')') || t.is("FIRST") || t.is("AFTER")) {
        return;
      }
      if (t.kind() != Kind.WORD) {
        throw new DdlException("unexpected " + t.describe() + " in the definition of " + c.name);
      }
      String word = t.text().toUpperCase(Locale.ROOT);
      at++;
      switch (word) {
        case "UNSIGNED" -> c.unsigned = true;
        case "SIGNED" -> {}
        case "ZEROFILL" -> c.zerofill = true;
        case "CHARACTER", "CHAR" -> {
          expect("SET");
          c.charset = charsetName();
        }
        case "CHARSET" -> c.charset = charsetName();
        case "COLLATE" -> c.collation = charsetName();
        case "BINARY" -> {}
        case "ASCII" -> c.ascii = true;
        case "UNICODE" -> c.unicode = true;
        case "BYTE" -> c.byteCharset = true;
        case "NOT" -> {
          if (!accept("NULL")) {
            expect("SECONDARY");
          }
        }
        case "NULL", "AUTO_INCREMENT", "INVISIBLE", "VISIBLE" -> {}
        case "DEFAULT" -> value();
        case "ON" -> {
          expect("UPDATE");
          value();
        }
        case "UNIQUE" -> {
          if (!accept("KEY")) {
            accept("INDEX");
          }
        }
        case "PRIMARY" -> {
          expect("KEY");
          c.primaryKey = true;
        }
        case "KEY" -> c.primaryKey = true;
        case "COMMENT" -> stringValue();
        case "COLUMN_FORMAT", "STORAGE" -> expectKind(Kind.WORD);
        case "GENERATED" -> {
          expect("ALWAYS");
          expect("AS");
          generated(c);
        }
        case "AS" -> generated(c);
        case "VIRTUAL", "STORED", "PERSISTENT" -> {}
        case "REFERENCES" -> references();
        case "CONSTRAINT" -> {
          if (!peek().is("CHECK")) {
            name();
          }
          expect("CHECK");
          check();
        }
        case "CHECK" -> check();
        case "SRID" -> expectKind(Kind.NUMBER);
        case "SERIAL" -> {
          expect("DEFAULT");
          expect("VALUE");
        }
        case "WITH", "WITHOUT" -> {
          expect("SYSTEM");
          expect("VERSIONING");
        }
        case "COMPRESSED" -> {
          if (acceptSymbol('=')) {
            next();
          }
        }
        case "ENGINE_ATTRIBUTE", "SECONDARY_ENGINE_ATTRIBUTE" -> {
          acceptSymbol('=');
          stringValue();
        }
        default -> {
          if (peek().isSymbol('=')) {
            at++; // an engine-defined column option (MariaDB), such as FIELD_FORMAT='...'
            next();
          } else {
            throw new DdlException(
                "unsupported attribute " + t.describe() + " in the definition of " + c.name);
          }
        }
      }
    }
  }

  private void generated(ColumnBuilder c) {
    if (accept("ROW")) {
      if (!accept("START")) {
        expect("END");
      }
      c.rowPeriod = true;
      return;
    }
    skipParenthesized();
  }

  private void check() {
    skipParenthesized();
    if (accept("NOT")) {
      expect("ENFORCED");
    } else {
      accept("ENFORCED");
    }
  }

  private void references() {
    tableRef();
    if (peek().isSymbol('(')) {
      skipParenthesized();
    }
    while (true) {
      if (accept("MATCH")) {
        expectKind(Kind.WORD);
      } else if (peek().is("ON") && (peek(1).is("DELETE") || peek(1).is("UPDATE"))) {
        at += 2;
        if (accept("SET")) {
          expectKind(Kind.WORD);
        } else if (accept("NO")) {
          expect("ACTION");
        } else {
          expectKind(Kind.WORD);
        }
      } else {
        return;
      }
    }
  }

  /** A DEFAULT or ON UPDATE value: literal, function call, parenthesized or simple expression. */
  private void value() {
    operand();
    while (peek().kind() == Kind.SYMBOL && "+-*/%|&^".contains(peek().text())) {
      at++;
      operand();
    }
  }

  private void operand() {
    while (peek().isSymbol('-') || peek().isSymbol('+') || peek().isSymbol('~')) {
      at++;
    }
    SqlToken t = peek();
    switch (t.kind()) {
      case SYMBOL -> {
        if (!t.isSymbol('(')) {
          throw new DdlException("unexpected " + t.describe() + " in a default value");
        }
        skipParenthesized();
      }
      case STRING -> stringValue();
      case HEX, BIT, NUMBER -> at++;
      case WORD -> {
        if (t.text().startsWith("_") && peek(1).kind() == Kind.STRING) {
          stringValue();
        } else if (t.is("NEXT") && peek(1).is("VALUE")) {
          at += 2;
          expect("FOR");
          tableRef();
        } else if ((t.is("DATE") || t.is("TIME") || t.is("TIMESTAMP"))
            && peek(1).kind() == Kind.STRING) {
          at += 2;
        } else {
          at++;
          if (peek().isSymbol('(')) {
            skipParenthesized();
          }
        }
      }
      default -> throw new DdlException("unexpected " + t.describe() + " in a default value");
    }
  }

  // ---------------------------------------------------------------- table options

  private static final class TableOptions {
    CharsetSpec charset = CharsetSpec.NONE;
    boolean systemVersioning;
  }

  private TableOptions tableOptions() {
    TableOptions options = new TableOptions();
    while (true) {
      acceptSymbol(',');
      SqlToken t = peek();
      if (t.isEnd() || t.is("PARTITION") || isQueryStart()) {
        return options;
      }
      if (!tableOption(options)) {
        throw new DdlException("unsupported table option " + t.describe());
      }
    }
  }

  /** One table option; false when the next tokens are not one. */
  private boolean tableOption(TableOptions options) {
    SqlToken t = peek();
    if (t.kind() != Kind.WORD) {
      return false;
    }
    int start = at;
    accept("DEFAULT");
    if (accept("CHARACTER") || accept("CHAR")) {
      expect("SET");
      options.charset = charsetChoice(options.charset);
      return true;
    }
    if (accept("CHARSET")) {
      options.charset = charsetChoice(options.charset);
      return true;
    }
    if (accept("COLLATE")) {
      acceptSymbol('=');
      options.charset = options.charset.withCollation(charsetName());
      return true;
    }
    if (at != start) {
      at = start; // DEFAULT followed by something else: not a table option
      return false;
    }
    if (t.is("WITH") && peek(1).is("SYSTEM")) {
      at += 2;
      expect("VERSIONING");
      options.systemVersioning = true;
      return true;
    }
    if (t.is("START") && peek(1).is("TRANSACTION")) {
      at += 2; // MySQL 8 logs CREATE TABLE ... SELECT as CREATE TABLE ... START TRANSACTION
      return true;
    }
    if ((t.is("DATA") || t.is("INDEX")) && peek(1).is("DIRECTORY")) {
      at += 2;
      acceptSymbol('=');
      expectKind(Kind.STRING);
      return true;
    }
    if (t.is("UNION")) {
      at++;
      acceptSymbol('=');
      skipParenthesized();
      return true;
    }
    if (t.is("TABLESPACE")) {
      at++;
      acceptSymbol('=');
      next();
      if (accept("STORAGE")) {
        expectKind(Kind.WORD);
      }
      return true;
    }
    if (t.is("STORAGE") && (peek(1).is("DISK") || peek(1).is("MEMORY"))) {
      at += 2;
      return true;
    }
    String word = t.text().toUpperCase(Locale.ROOT);
    if (TABLE_OPTIONS.contains(word)) {
      at++;
      acceptSymbol('=');
      optionValue();
      return true;
    }
    if (peek(1).isSymbol('=')) {
      at += 2; // an engine-defined table option (MariaDB), such as TABLE_TYPE=CSV
      optionValue();
      return true;
    }
    return false;
  }

  private void optionValue() {
    SqlToken t = next();
    if (t.isEnd() || (t.kind() == Kind.SYMBOL && !t.isSymbol('('))) {
      throw new DdlException("expected an option value, found " + t.describe());
    }
    if (t.isSymbol('(')) {
      at--;
      skipParenthesized();
    }
  }

  private CharsetSpec charsetChoice(CharsetSpec current) {
    acceptSymbol('=');
    if (accept("DEFAULT")) {
      return current.withDefault();
    }
    return current.withCharset(charsetName());
  }

  private String charsetName() {
    SqlToken t = next();
    if (t.kind() == Kind.WORD || t.kind() == Kind.QUOTED_NAME || t.kind() == Kind.STRING) {
      return t.text();
    }
    throw new DdlException("expected a character set or collation name, found " + t.describe());
  }

  // ---------------------------------------------------------------- ALTER

  private DdlStatement alter() {
    while (accept("ONLINE") || accept("OFFLINE") || accept("IGNORE")) {
      // MariaDB and MySQL 5.x modifiers
    }
    if (accept("TABLE")) {
      return alterTable();
    }
    if (accept("DATABASE") || accept("SCHEMA")) {
      return alterDatabase();
    }
    if (peek().is("ALGORITHM") || peek().is("DEFINER") || peek().is("SQL")) {
      return new NoChange("ALTER VIEW");
    }
    if (peek().is("SEQUENCE")) {
      return new NoChange("ALTER SEQUENCE");
    }
    return noChangeOrUnparsed("ALTER");
  }

  private DdlStatement alterTable() {
    boolean ifExists = acceptAll("IF", "EXISTS");
    TableRef table = tableRef();
    waitOption();
    List<AlterSpec> specs = new ArrayList<>();
    try {
      while (!peek().isEnd()) {
        if (acceptSymbol(',')) {
          continue;
        }
        if (!alterSpec(specs)) {
          skipToEnd();
        }
      }
    } catch (DdlException e) {
      specs.add(new UnsupportedSpec(e.getMessage()));
      renameAfterFailure().ifPresent(target -> specs.add(new RenameTo(target)));
    }
    return new AlterTable(table, ifExists, specs);
  }

  private void waitOption() {
    if (accept("WAIT")) {
      expectKind(Kind.NUMBER);
    } else {
      accept("NOWAIT");
    }
  }

  /** After a clause could not be parsed: a later {@code RENAME [TO|AS] name} still moves it. */
  private Optional<TableRef> renameAfterFailure() {
    for (int i = at; i < tokens.size() - 1; i++) {
      if (tokens.get(i).is("RENAME")) {
        SqlToken next = tokens.get(i + 1);
        if (next.is("COLUMN") || next.is("INDEX") || next.is("KEY")) {
          continue;
        }
        at = i + 1;
        try {
          if (!accept("TO")) {
            accept("AS");
          }
          return Optional.of(tableRef());
        } catch (DdlException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /** Parses one ALTER TABLE specification; false when the rest is a partition operation. */
  private boolean alterSpec(List<AlterSpec> specs) {
    SqlToken t = peek();
    if (t.kind() != Kind.WORD) {
      throw new DdlException("unexpected " + t.describe() + " in ALTER TABLE");
    }
    String word = t.text().toUpperCase(Locale.ROOT);
    switch (word) {
      case "ADD" -> {
        at++;
        return add(specs);
      }
      case "DROP" -> {
        at++;
        return dropSpec(specs);
      }
      case "MODIFY" -> {
        at++;
        accept("COLUMN");
        boolean ifExists = acceptAll("IF", "EXISTS");
        String name = name();
        specs.add(new ChangeColumn(name, positioned(columnDefinition(name)), ifExists));
        return true;
      }
      case "CHANGE" -> {
        at++;
        accept("COLUMN");
        boolean ifExists = acceptAll("IF", "EXISTS");
        String oldName = name();
        String newName = name();
        specs.add(new ChangeColumn(oldName, positioned(columnDefinition(newName)), ifExists));
        return true;
      }
      case "RENAME" -> {
        at++;
        if (accept("COLUMN")) {
          boolean ifExists = acceptAll("IF", "EXISTS");
          String oldName = name();
          expect("TO");
          specs.add(new RenameColumn(oldName, name(), ifExists));
        } else if (accept("INDEX") || accept("KEY")) {
          acceptAll("IF", "EXISTS");
          name();
          expect("TO");
          name();
        } else {
          if (!accept("TO")) {
            accept("AS");
          }
          specs.add(new RenameTo(tableRef()));
        }
        return true;
      }
      case "ALTER" -> {
        at++;
        alterClause(specs);
        return true;
      }
      case "CONVERT" -> {
        at++;
        return convert(specs);
      }
      case "DEFAULT", "CHARACTER", "CHARSET", "COLLATE" -> {
        TableOptions options = new TableOptions();
        if (!tableOption(options)) {
          throw new DdlException("unsupported ALTER TABLE clause " + t.describe());
        }
        specs.add(new TableCharset(options.charset));
        return true;
      }
      case "ALGORITHM", "LOCK" -> {
        at++;
        acceptSymbol('=');
        expectKind(Kind.WORD);
        return true;
      }
      case "FORCE" -> {
        at++;
        return true;
      }
      case "ENABLE", "DISABLE" -> {
        at++;
        expect("KEYS");
        return true;
      }
      case "DISCARD", "IMPORT" -> {
        at++;
        if (accept("TABLESPACE")) {
          return true;
        }
        return false; // DISCARD/IMPORT PARTITION ... TABLESPACE
      }
      case "WITH", "WITHOUT" -> {
        if (peek(1).is("VALIDATION")) {
          at += 2;
          return true;
        }
        throw new DdlException("unsupported ALTER TABLE clause " + t.describe());
      }
      case "ORDER" -> {
        at++;
        expect("BY");
        orderBy();
        return true;
      }
      case "PARTITION",
          "REMOVE",
          "TRUNCATE",
          "COALESCE",
          "REORGANIZE",
          "EXCHANGE",
          "ANALYZE",
          "CHECK",
          "OPTIMIZE",
          "REBUILD",
          "REPAIR",
          "UPGRADE" -> {
        return false;
      }
      default -> {
        TableOptions options = new TableOptions();
        if (tableOption(options)) {
          if (options.systemVersioning) {
            specs.add(new UnsupportedSpec("WITH SYSTEM VERSIONING adds hidden columns"));
          }
          return true;
        }
        throw new DdlException("unsupported ALTER TABLE clause " + t.describe());
      }
    }
  }

  private void orderBy() {
    do {
      name();
      if (!accept("ASC")) {
        accept("DESC");
      }
    } while (peek().isSymbol(',') && peek(1).isName() && !isAlterKeyword(peek(1)) && skipComma());
  }

  private boolean skipComma() {
    at++;
    return true;
  }

  private static boolean isAlterKeyword(SqlToken t) {
    return t.kind() == Kind.WORD
        && Set.of(
                "ADD",
                "DROP",
                "MODIFY",
                "CHANGE",
                "RENAME",
                "ALTER",
                "CONVERT",
                "DEFAULT",
                "CHARACTER",
                "CHARSET",
                "COLLATE",
                "ALGORITHM",
                "LOCK",
                "FORCE",
                "ENGINE")
            .contains(t.text().toUpperCase(Locale.ROOT));
  }

  private ColumnSpec positioned(ColumnSpec column) {
    if (accept("FIRST")) {
      return withPosition(column, new Position(true, ""));
    }
    if (accept("AFTER")) {
      return withPosition(column, new Position(false, name()));
    }
    return column;
  }

  private static ColumnSpec withPosition(ColumnSpec c, Position position) {
    return new ColumnSpec(
        c.name(),
        c.type(),
        c.length(),
        c.labels(),
        c.unsigned(),
        c.zerofill(),
        c.charset(),
        c.collation(),
        c.ascii(),
        c.unicode(),
        c.byteCharset(),
        c.national(),
        c.primaryKey(),
        c.rowPeriod(),
        position);
  }

  private boolean add(List<AlterSpec> specs) {
    boolean columnKeyword = accept("COLUMN");
    boolean ifNotExists = acceptAll("IF", "NOT", "EXISTS");
    SqlToken t = peek();
    if (!columnKeyword) {
      if (t.is("PARTITION")) {
        return false;
      }
      if (t.is("SYSTEM") && peek(1).is("VERSIONING")) {
        specs.add(new UnsupportedSpec("ADD SYSTEM VERSIONING adds hidden columns"));
        at += 2;
        return true;
      }
      if (t.is("PERIOD") && peek(1).is("FOR")) {
        skipDefinition();
        return true;
      }
      if (t.kind() == Kind.WORD && KEY_WORDS.contains(t.text().toUpperCase(Locale.ROOT))) {
        List<String> primaryKey = new ArrayList<>();
        keyDefinition(primaryKey);
        if (!primaryKey.isEmpty()) {
          specs.add(new AddPrimaryKey(primaryKey));
        }
        return true;
      }
    }
    if (acceptSymbol('(')) {
      List<ColumnSpec> columns = new ArrayList<>();
      List<String> primaryKey = new ArrayList<>();
      do {
        definition(columns, primaryKey);
      } while (acceptSymbol(','));
      expectSymbol(')');
      specs.add(new AddColumns(columns, ifNotExists));
      if (!primaryKey.isEmpty()) {
        specs.add(new AddPrimaryKey(primaryKey));
      }
      return true;
    }
    String name = name();
    specs.add(new AddColumns(List.of(positioned(columnDefinition(name))), ifNotExists));
    return true;
  }

  private boolean dropSpec(List<AlterSpec> specs) {
    if (accept("COLUMN")) {
      boolean ifExists = acceptAll("IF", "EXISTS");
      specs.add(new DropColumn(name(), ifExists));
      acceptRestrictOrCascade();
      return true;
    }
    SqlToken t = peek();
    if (t.is("PRIMARY")) {
      at++;
      expect("KEY");
      specs.add(new DropPrimaryKey());
      return true;
    }
    if (t.is("INDEX") || t.is("KEY") || t.is("CONSTRAINT")) {
      at++;
      acceptAll("IF", "EXISTS");
      if (name().equalsIgnoreCase("PRIMARY")) {
        specs.add(new DropPrimaryKey());
      }
      return true;
    }
    if (t.is("FOREIGN")) {
      at++;
      expect("KEY");
      acceptAll("IF", "EXISTS");
      name();
      return true;
    }
    if (t.is("CHECK")) {
      at++;
      name();
      return true;
    }
    if (t.is("PARTITION")) {
      return false;
    }
    if (t.is("SYSTEM") && peek(1).is("VERSIONING")) {
      at += 2;
      specs.add(new UnsupportedSpec("DROP SYSTEM VERSIONING removes hidden columns"));
      return true;
    }
    if (t.is("PERIOD") && peek(1).is("FOR")) {
      at += 2;
      acceptAll("IF", "EXISTS");
      name();
      return true;
    }
    boolean ifExists = acceptAll("IF", "EXISTS");
    specs.add(new DropColumn(name(), ifExists));
    acceptRestrictOrCascade();
    return true;
  }

  private void acceptRestrictOrCascade() {
    if (!accept("RESTRICT")) {
      accept("CASCADE");
    }
  }

  private void alterClause(List<AlterSpec> specs) {
    if (accept("INDEX") || accept("KEY")) {
      name();
      if (accept("NOT")) {
        expect("IGNORED");
      } else if (!accept("VISIBLE") && !accept("INVISIBLE")) {
        expect("IGNORED");
      }
      return;
    }
    if (accept("CHECK") || accept("CONSTRAINT")) {
      name();
      if (accept("NOT")) {
        expect("ENFORCED");
      } else {
        expect("ENFORCED");
      }
      return;
    }
    accept("COLUMN");
    acceptAll("IF", "EXISTS");
    String column = name();
    if (accept("SET")) {
      if (accept("DEFAULT")) {
        value();
      } else if (!accept("VISIBLE")) {
        expect("INVISIBLE");
      }
    } else if (accept("DROP")) {
      if (!accept("DEFAULT")) {
        throw new DdlException("unsupported ALTER COLUMN clause " + peek().describe());
      }
    } else {
      throw new DdlException("unsupported ALTER COLUMN clause " + peek().describe());
    }
    specs.add(new AlterColumn(column));
  }

  private boolean convert(List<AlterSpec> specs) {
    if (accept("TO")) {
      CharsetSpec charset;
      if (accept("CHARACTER") || accept("CHAR")) {
        expect("SET");
      } else {
        expect("CHARSET");
      }
      if (accept("DEFAULT")) {
        charset = CharsetSpec.NONE.withDefault();
      } else {
        charset = CharsetSpec.NONE.withCharset(charsetName());
      }
      if (accept("COLLATE")) {
        charset = charset.withCollation(charsetName());
      }
      specs.add(new ConvertCharset(charset));
      return true;
    }
    if (accept("PARTITION")) {
      name();
      expect("TO");
      expect("TABLE");
      specs.add(new PartitionToTable(tableRef()));
      return false;
    }
    if (accept("TABLE")) {
      specs.add(new TableToPartition(tableRef()));
      return false;
    }
    throw new DdlException("unsupported CONVERT clause " + peek().describe());
  }

  // ---------------------------------------------------------------- DROP, RENAME, DATABASE

  private DdlStatement drop() {
    boolean temporary = accept("TEMPORARY");
    if (accept("TABLE") || accept("TABLES")) {
      acceptAll("IF", "EXISTS");
      List<TableRef> tables = new ArrayList<>();
      do {
        tables.add(tableRef());
      } while (acceptSymbol(','));
      waitOption();
      acceptRestrictOrCascade();
      expectEnd();
      return new DropTables(tables, temporary);
    }
    if (accept("DATABASE") || accept("SCHEMA")) {
      acceptAll("IF", "EXISTS");
      String name = name();
      expectEnd();
      return new DropDatabase(name);
    }
    if (accept("SEQUENCE")) {
      acceptAll("IF", "EXISTS");
      List<TableRef> tables = new ArrayList<>();
      do {
        tables.add(tableRef());
      } while (acceptSymbol(','));
      return new DropTables(tables, temporary);
    }
    return noChangeOrUnparsed("DROP");
  }

  private DdlStatement rename() {
    if (accept("USER")) {
      return new NoChange("RENAME USER");
    }
    if (!accept("TABLE")) {
      expect("TABLES");
    }
    acceptAll("IF", "EXISTS");
    List<Rename> renames = new ArrayList<>();
    do {
      TableRef from = tableRef();
      waitOption();
      expect("TO");
      renames.add(new Rename(from, tableRef()));
    } while (acceptSymbol(','));
    expectEnd();
    return new RenameTables(renames);
  }

  private DdlStatement createDatabase(boolean orReplace) {
    boolean ifNotExists = acceptAll("IF", "NOT", "EXISTS");
    String name = name();
    return new CreateDatabase(name, orReplace, ifNotExists, databaseOptions());
  }

  private DdlStatement alterDatabase() {
    String name = "";
    if (peek().kind() == Kind.QUOTED_NAME
        || (peek().kind() == Kind.WORD && !isDatabaseOptionStart(peek()))) {
      name = name();
    }
    if (accept("UPGRADE")) {
      return new NoChange("ALTER DATABASE UPGRADE");
    }
    return new AlterDatabase(name, databaseOptions());
  }

  private static boolean isDatabaseOptionStart(SqlToken t) {
    return t.is("DEFAULT")
        || t.is("CHARACTER")
        || t.is("CHAR")
        || t.is("CHARSET")
        || t.is("COLLATE")
        || t.is("ENCRYPTION")
        || t.is("COMMENT")
        || t.is("READ");
  }

  private CharsetSpec databaseOptions() {
    CharsetSpec charset = CharsetSpec.NONE;
    while (!peek().isEnd()) {
      acceptSymbol(',');
      accept("DEFAULT");
      if (accept("CHARACTER") || accept("CHAR")) {
        expect("SET");
        charset = charsetChoice(charset);
      } else if (accept("CHARSET")) {
        charset = charsetChoice(charset);
      } else if (accept("COLLATE")) {
        acceptSymbol('=');
        charset = charset.withCollation(charsetName());
      } else if (accept("ENCRYPTION") || accept("COMMENT")) {
        acceptSymbol('=');
        next();
      } else if (accept("READ")) {
        expect("ONLY");
        acceptSymbol('=');
        next();
      } else {
        throw new DdlException("unsupported database option " + peek().describe());
      }
    }
    return charset;
  }

  // ---------------------------------------------------------------- names and tokens

  private TableRef tableRef() {
    String first = name();
    if (peek().isSymbol('.')) {
      at++;
      return new TableRef(first, name());
    }
    return new TableRef("", first);
  }

  private String name() {
    SqlToken t = next();
    if (!t.isName()) {
      throw new DdlException("expected a name, found " + t.describe());
    }
    return t.text();
  }

  /** A DEFINER value: {@code user@host}, quoted either way, or CURRENT_USER[()]. */
  private void user() {
    SqlToken t = next();
    if (t.is("CURRENT_USER") || t.is("CURRENT_ROLE")) {
      if (acceptSymbol('(')) {
        expectSymbol(')');
      }
      return;
    }
    if (!t.isName() && t.kind() != Kind.STRING) {
      throw new DdlException("expected a user name, found " + t.describe());
    }
    if (acceptSymbol('@')) {
      SqlToken host = next();
      if (!host.isName() && host.kind() != Kind.STRING) {
        throw new DdlException("expected a host name, found " + host.describe());
      }
    }
  }

  /**
   * Every name or qualified name in {@code sql} that could be a table; empty when the statement
   * cannot even be tokenized.
   */
  static List<TableRef> mentionedNames(String sql, SqlDialect dialect) {
    try {
      return new DdlParser(SqlLexer.tokenize(sql, dialect)).mentionedNames();
    } catch (DdlException e) {
      return List.of();
    }
  }

  /** Every name or qualified name in the statement: what an unparsed statement may touch. */
  private List<TableRef> mentionedNames() {
    List<TableRef> names = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      SqlToken t = tokens.get(i);
      if (!t.isName()) {
        continue;
      }
      if (i + 2 < tokens.size() && tokens.get(i + 1).isSymbol('.') && tokens.get(i + 2).isName()) {
        names.add(new TableRef(t.text(), tokens.get(i + 2).text()));
        i += 2;
      } else {
        names.add(new TableRef("", t.text()));
      }
    }
    return names;
  }

  private void skipParenthesized() {
    expectSymbol('(');
    int depth = 1;
    while (depth > 0) {
      SqlToken t = next();
      if (t.isEnd()) {
        throw new DdlException("unbalanced parentheses");
      }
      if (t.isSymbol('(')) {
        depth++;
      } else if (t.isSymbol(')')) {
        depth--;
      }
    }
  }

  private void skipToEnd() {
    at = tokens.size() - 1;
  }

  private SqlToken peek() {
    return tokens.get(at);
  }

  private SqlToken peek(int ahead) {
    return tokens.get(Math.min(at + ahead, tokens.size() - 1));
  }

  private SqlToken next() {
    SqlToken t = tokens.get(at);
    if (!t.isEnd()) {
      at++;
    }
    return t;
  }

  private boolean accept(String keyword) {
    if (peek().is(keyword)) {
      at++;
      return true;
    }
    return false;
  }

  /** Accepts the whole keyword sequence or nothing. */
  private boolean acceptAll(String... keywords) {
    for (int i = 0; i < keywords.length; i++) {
      if (!peek(i).is(keywords[i])) {
        return false;
      }
    }
    at += keywords.length;
    return true;
  }

  private boolean acceptSymbol(char symbol) {
    if (peek().isSymbol(symbol)) {
      at++;
      return true;
    }
    return false;
  }

  private void expect(String keyword) {
    if (!accept(keyword)) {
      throw new DdlException("expected " + keyword + ", found " + peek().describe());
    }
  }

  private void expectSymbol(char symbol) {
    if (!acceptSymbol(symbol)) {
      throw new DdlException("expected '" + symbol + "', found " + peek().describe());
    }
  }

  private SqlToken expectKind(Kind kind) {
    SqlToken t = next();
    if (t.kind() != kind) {
      throw new DdlException(
          "expected " + kind.name().toLowerCase(Locale.ROOT) + ", found " + t.describe());
    }
    return t;
  }

  private void expectEnd() {
    while (acceptSymbol(';')) {
      // a trailing semicolon is harmless
    }
    if (!peek().isEnd()) {
      throw new DdlException("unexpected " + peek().describe() + " at offset " + peek().offset());
    }
  }

  /** Mutable while one column definition is parsed. */
  private static final class ColumnBuilder {
    final String name;
    String type = "";
    long length = -1;
    boolean hadScale;
    List<String> labels = List.of();
    boolean unsigned;
    boolean zerofill;
    String charset = "";
    String collation = "";
    boolean ascii;
    boolean unicode;
    boolean byteCharset;
    boolean national;
    boolean primaryKey;
    boolean rowPeriod;

    ColumnBuilder(String name) {
      this.name = name;
    }

    ColumnSpec build() {
      return new ColumnSpec(
          name,
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
          Position.NONE);
    }
  }
}
