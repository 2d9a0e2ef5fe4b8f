package dev.hamal.binlog.schema;

import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.ColumnSchema;
import dev.hamal.binlog.TableName;
import dev.hamal.binlog.TableSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An {@code information_schema} in memory that answers exactly the queries the seeder sends, in the
 * shape a server returns them (text values, SQL NULL as {@code null}). Counts the queries.
 */
final class FakeInformationSchema implements SqlQueryRunner {

  private final String version;
  private final String serverCharset;
  private final int lowerCaseTableNames;
  private final List<List<String>> schemata = new ArrayList<>();
  private final List<List<String>> tables = new ArrayList<>();
  private final List<List<String>> columns = new ArrayList<>();
  private final List<List<String>> keys = new ArrayList<>();
  private final List<String> queries = new ArrayList<>();

  FakeInformationSchema(String version, String serverCharset, int lowerCaseTableNames) {
    this.version = version;
    this.serverCharset = serverCharset;
    this.lowerCaseTableNames = lowerCaseTableNames;
  }

  /** MariaDB 10.11 with latin1 as server character set, as Debian ships it. */
  static FakeInformationSchema mariaDb() {
    return shop(new FakeInformationSchema("10.11.6-MariaDB-0+deb12u1-log", "latin1", 0), false);
  }

  /** MySQL 8.0 with utf8mb4 as server character set. */
  static FakeInformationSchema mySql() {
    return shop(new FakeInformationSchema("8.0.36", "utf8mb4", 0), true);
  }

  /**
   * The databases and tables the DDL tests start from: {@code shop} (utf8mb4) with {@code orders}
   * and {@code items}, {@code legacy} (latin1) with {@code t1}, {@code app} (utf8mb3) empty, and
   * {@code ext.audit}, which the tests' filter excludes.
   */
  private static FakeInformationSchema shop(FakeInformationSchema s, boolean mySql8) {
    String bigint = mySql8 ? "bigint unsigned" : "bigint(20) unsigned";
    String integer = mySql8 ? "int" : "int(11)";
    return s.database("shop", "utf8mb4")
        .database("legacy", "latin1")
        .database("app", "utf8mb3")
        .database("ext", "utf8mb4")
        .table("shop", "orders", "utf8mb4_general_ci")
        .column("shop", "orders", "id", "bigint", bigint, null, null)
        .column("shop", "orders", "user_id", "int", integer, null, null)
        .column("shop", "orders", "status", "enum", "enum('new','paid','it''s')", "utf8mb4", "4")
        .column("shop", "orders", "amount", "decimal", "decimal(12,2)", null, null)
        .column("shop", "orders", "note", "varchar", "varchar(100)", "utf8mb4", "100")
        .column("shop", "orders", "created", "datetime", "datetime", null, null)
        .primaryKey("shop", "orders", "id")
        .table("shop", "items", "utf8mb4_unicode_ci")
        .column("shop", "items", "id", "int", integer, null, null)
        .column("shop", "items", "sku", "varchar", "varchar(32)", "utf8mb4", "32")
        .primaryKey("shop", "items", "id")
        .table("legacy", "t1", "latin1_swedish_ci")
        .column("legacy", "t1", "a", "int", integer, null, null)
        .column("legacy", "t1", "b", "varchar", "varchar(10)", "latin1", "10")
        .column("legacy", "t1", "c", "text", "text", "latin1", "65535")
        .table("ext", "audit", "utf8mb4_general_ci")
        .column("ext", "audit", "x", "int", integer, null, null);
  }

  FakeInformationSchema database(String name, String charset) {
    schemata.add(Arrays.asList(name, charset));
    return this;
  }

  FakeInformationSchema table(String schema, String name, String collation) {
    return table(schema, name, "BASE TABLE", collation);
  }

  FakeInformationSchema table(String schema, String name, String type, String collation) {
    tables.add(Arrays.asList(schema, name, type, collation));
    return this;
  }

  FakeInformationSchema column(
      String schema,
      String table,
      String name,
      String dataType,
      String columnType,
      String charset,
      String maxLength) {
    long ordinal =
        columns.stream().filter(c -> c.get(0).equals(schema) && c.get(1).equals(table)).count() + 1;
    columns.add(
        Arrays.asList(
            schema, table, name, Long.toString(ordinal), dataType, columnType, charset, maxLength));
    return this;
  }

  FakeInformationSchema primaryKey(String schema, String table, String... columnNames) {
    for (int i = 0; i < columnNames.length; i++) {
      keys.add(Arrays.asList(schema, table, columnNames[i], Integer.toString(i + 1)));
    }
    return this;
  }

  List<String> queries() {
    return List.copyOf(queries);
  }

  @Override
  public List<List<String>> query(String sql) {
    queries.add(sql);
    if (sql.equals(InformationSchemaSeeder.SERVER_QUERY)) {
      return List.of(Arrays.asList(version, serverCharset, Integer.toString(lowerCaseTableNames)));
    }
    if (sql.equals(InformationSchemaSeeder.SCHEMATA_QUERY)) {
      return schemata;
    }
    if (sql.equals(InformationSchemaSeeder.TABLES_QUERY)) {
      return tables;
    }
    if (sql.equals(InformationSchemaSeeder.COLUMNS_QUERY)) {
      return columns;
    }
    if (sql.equals(InformationSchemaSeeder.PRIMARY_KEYS_QUERY)) {
      return keys;
    }
    throw new AssertionError("unexpected query: " + sql);
  }

  // ---------------------------------------------------------------- helpers for assertions

  static BinlogPosition pos(String file, long offset) {
    return new BinlogPosition(file, offset);
  }

  static TableName table(String qualified) {
    int dot = qualified.indexOf('.');
    return new TableName(qualified.substring(0, dot), qualified.substring(dot + 1));
  }

  /**
   * A compact, readable form of a lookup: {@code ABSENT}, {@code UNKNOWN}, or the columns as {@code
   * name type[ unsigned][/charset][('label',...)]} separated by {@code ", "} and followed by {@code
   * " | pk(a,b)"} when there is a primary key.
   */
  static String render(SchemaHistory.Lookup lookup) {
    return switch (lookup) {
      case SchemaHistory.Absent a -> "ABSENT";
      case SchemaHistory.Unknown u -> "UNKNOWN";
      case SchemaHistory.Known k -> render(k.schema());
    };
  }

  static String render(TableSchema schema) {
    String columns =
        schema.columns().stream()
            .map(FakeInformationSchema::render)
            .collect(Collectors.joining(", "));
    return schema.primaryKey().isEmpty()
        ? columns
        : columns + " | pk(" + String.join(",", schema.primaryKey()) + ")";
  }

  static String render(ColumnSchema c) {
    StringBuilder out = new StringBuilder(c.name()).append(' ').append(c.dataType());
    if (c.unsigned()) {
      out.append(" unsigned");
    }
    if (!c.charset().isEmpty()) {
      out.append('/').append(c.charset());
    }
    if (!c.labels().isEmpty()) {
      out.append(
          c.labels().stream().map(l -> "'" + l + "'").collect(Collectors.joining(",", "(", ")")));
    }
    return out.toString();
  }
}
