package dev.hamal.binlog.schema;

import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.ColumnSchema;
import dev.hamal.binlog.TableName;
import dev.hamal.binlog.schema.SchemaChange.DatabaseDefined;
import dev.hamal.binlog.schema.SchemaChange.Entry;
import dev.hamal.binlog.schema.SchemaChange.ServerFacts;
import dev.hamal.binlog.schema.SchemaChange.TableDefined;
import dev.hamal.binlog.schema.SchemaChange.TableUnknown;
import dev.hamal.binlog.schema.SchemaChange.TableUntracked;
import dev.hamal.binlog.schema.SqlToken.Kind;
import dev.hamal.binlog.schema.TableDefinition.ResolvedColumn;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Reads every table's columns, primary key and default character set, and every database's default
 * character set, from {@code information_schema} in five queries whatever the number of tables
 * (server facts, SCHEMATA, TABLES, COLUMNS, STATISTICS), skipping the system schemas.
 *
 * <p>{@code COLUMN_TYPE} supplies what {@code DATA_TYPE} lacks: {@code unsigned}/{@code zerofill}
 * and the ENUM/SET labels, which are read with the SQL lexer because they may contain quotes,
 * backslashes and commas. MariaDB system-versioned tables are seeded as unknown: their hidden
 * {@code row_start}/{@code row_end} columns are in the binlog but not in {@code
 * information_schema}.
 *
 * <p>Failure: the runner's exceptions propagate; a result of an unexpected shape throws {@link
 * IllegalStateException} naming the query.
 */
final class InformationSchemaSeeder {

  private static final String NOT_SYSTEM =
      " NOT IN ('mysql','information_schema','performance_schema','sys')";

  static final String SERVER_QUERY =
      "SELECT VERSION(), @@character_set_server, @@lower_case_table_names";
  static final String SCHEMATA_QUERY =
      "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA"
          + " WHERE SCHEMA_NAME"
          + NOT_SYSTEM;
  static final String TABLES_QUERY =
      "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, TABLE_COLLATION FROM information_schema.TABLES"
          + " WHERE TABLE_TYPE IN ('BASE TABLE','SYSTEM VERSIONED','SEQUENCE') AND TABLE_SCHEMA"
          + NOT_SYSTEM;
  static final String COLUMNS_QUERY =
      "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, COLUMN_TYPE,"
          + " CHARACTER_SET_NAME, CHARACTER_MAXIMUM_LENGTH FROM information_schema.COLUMNS"
          + " WHERE TABLE_SCHEMA"
          + NOT_SYSTEM
          + " ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION";
  static final String PRIMARY_KEYS_QUERY =
      "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, SEQ_IN_INDEX FROM information_schema.STATISTICS"
          + " WHERE INDEX_NAME = 'PRIMARY' AND TABLE_SCHEMA"
          + NOT_SYSTEM
          + " ORDER BY TABLE_SCHEMA, TABLE_NAME, SEQ_IN_INDEX";

  private InformationSchemaSeeder() {}

  static SchemaChange read(BinlogPosition at, SqlQueryRunner source, Predicate<TableName> tracked) {
    List<String> server = rows(source, SERVER_QUERY, 3).get(0);
    ServerFacts facts =
        new ServerFacts(
            text(server.get(0)),
            canonicalCharset(server.get(1)),
            server.get(2) == null ? 0 : Integer.parseInt(server.get(2).trim()));
    List<Entry> entries = new ArrayList<>();
    for (List<String> row : rows(source, SCHEMATA_QUERY, 2)) {
      entries.add(new DatabaseDefined(text(row.get(0)), canonicalCharset(row.get(1))));
    }

    Map<TableName, SeededTable> tables = new LinkedHashMap<>();
    for (List<String> row : rows(source, TABLES_QUERY, 4)) {
      TableName name = new TableName(text(row.get(0)), text(row.get(1)));
      String charset =
          row.get(3) == null ? "" : Charsets.ofCollation(row.get(3), Optional.empty()).orElse("");
      tables.put(name, new SeededTable(name, "SYSTEM VERSIONED".equals(row.get(2)), charset));
    }
    for (List<String> row : rows(source, COLUMNS_QUERY, 8)) {
      SeededTable table = tables.get(new TableName(text(row.get(0)), text(row.get(1))));
      if (table != null) { // else a view's column
        table.columns.add(new SeededColumn(Long.parseLong(row.get(3).trim()), column(row)));
      }
    }
    for (List<String> row : rows(source, PRIMARY_KEYS_QUERY, 4)) {
      SeededTable table = tables.get(new TableName(text(row.get(0)), text(row.get(1))));
      if (table != null) {
        table.primaryKey.add(
            new SeededKeyPart(Long.parseLong(row.get(3).trim()), text(row.get(2))));
      }
    }
    for (SeededTable table : tables.values()) {
      entries.add(table.entry(tracked));
    }
    return new SchemaChange(at, Optional.of(facts), "", entries);
  }

  private static ResolvedColumn column(List<String> row) {
    String name = text(row.get(2));
    String dataType = text(row.get(4)).toLowerCase(Locale.ROOT);
    String columnType = text(row.get(5));
    String lowerType = columnType.toLowerCase(Locale.ROOT);
    boolean unsigned = lowerType.contains(" unsigned") || lowerType.contains(" zerofill");
    String charset = row.get(6) == null ? "" : canonicalCharset(row.get(6));
    List<String> labels =
        dataType.equals("enum") || dataType.equals("set") ? labels(columnType) : List.of();
    long charLength = 0;
    if ((dataType.equals("char") || dataType.equals("varchar")) && row.get(7) != null) {
      charLength = Long.parseLong(row.get(7).trim());
    }
    return new ResolvedColumn(
        new ColumnSchema(name, dataType, unsigned, charset, labels), charLength);
  }

  /** The labels of {@code enum('a','b''c')} as {@code COLUMN_TYPE} prints them. */
  static List<String> labels(String columnType) {
    List<String> labels = new ArrayList<>();
    List<SqlToken> tokens = SqlLexer.tokenize(columnType, SqlDialect.UNKNOWN);
    int i = 0;
    while (i < tokens.size() && !tokens.get(i).isSymbol('(')) {
      i++;
    }
    for (i++; i < tokens.size(); i++) {
      SqlToken t = tokens.get(i);
      if (t.kind() == Kind.STRING) {
        labels.add(t.text());
      } else if (t.isSymbol(')')) {
        return labels;
      } else if (!t.isSymbol(',')) {
        throw new IllegalStateException("unexpected " + t.describe() + " in " + columnType);
      }
    }
    throw new IllegalStateException("unterminated label list in " + columnType);
  }

  private static String canonicalCharset(String name) {
    if (name == null) {
      return "";
    }
    return Charsets.canonical(name).orElse(name.toLowerCase(Locale.ROOT));
  }

  private static String text(String value) {
    if (value == null) {
      throw new IllegalStateException("unexpected NULL in information_schema");
    }
    return value;
  }

  private static List<List<String>> rows(SqlQueryRunner source, String sql, int columns) {
    List<List<String>> rows = source.query(sql);
    for (List<String> row : rows) {
      if (row.size() != columns) {
        throw new IllegalStateException(
            "expected " + columns + " columns, got " + row.size() + " from: " + sql);
      }
    }
    if (sql.equals(SERVER_QUERY) && rows.size() != 1) {
      throw new IllegalStateException("expected one row, got " + rows.size() + " from: " + sql);
    }
    return rows;
  }

  private record SeededColumn(long ordinal, ResolvedColumn column) {}

  private record SeededKeyPart(long sequence, String column) {}

  private static final class SeededTable {
    final TableName name;
    final boolean systemVersioned;
    final String charset;
    final List<SeededColumn> columns = new ArrayList<>();
    final List<SeededKeyPart> primaryKey = new ArrayList<>();

    SeededTable(TableName name, boolean systemVersioned, String charset) {
      this.name = name;
      this.systemVersioned = systemVersioned;
      this.charset = charset;
    }

    Entry entry(Predicate<TableName> tracked) {
      if (!tracked.test(name)) {
        return new TableUntracked(name);
      }
      if (systemVersioned) {
        return new TableUnknown(
            name,
            "system-versioned table: its hidden row_start/row_end columns are not in"
                + " information_schema");
      }
      if (columns.isEmpty()) {
        return new TableUnknown(name, "information_schema lists no columns for it");
      }
      columns.sort(Comparator.comparingLong(SeededColumn::ordinal));
      primaryKey.sort(Comparator.comparingLong(SeededKeyPart::sequence));
      List<ResolvedColumn> resolved = columns.stream().map(SeededColumn::column).toList();
      List<String> key = primaryKey.stream().map(SeededKeyPart::column).toList();
      return new TableDefined(TableDefinition.of(name, resolved, key, charset));
    }
  }
}
