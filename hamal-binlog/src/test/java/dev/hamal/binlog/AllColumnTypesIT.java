package dev.hamal.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.embedded.MariaDbServer;
import dev.hamal.testkit.TestServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every column type MariaDB writes, with edge values, streamed and compared value by value with the
 * server's own rendering of the same rows (the server is the oracle: {@code CAST(... AS CHAR)} in
 * UTC, {@code HEX()} for bytes, doubles through JDBC). Runs with the binlog carrying column
 * metadata (FULL) and without it (MINIMAL, names from the schema history).
 */
class AllColumnTypesIT {

  /** Column name to SQL type; the table has an {@code id INT} primary key first. */
  private static final Map<String, String> COLUMNS = new LinkedHashMap<>();

  static {
    COLUMNS.put("c_tiny", "TINYINT");
    COLUMNS.put("c_tiny_u", "TINYINT UNSIGNED");
    COLUMNS.put("c_small", "SMALLINT");
    COLUMNS.put("c_small_u", "SMALLINT UNSIGNED");
    COLUMNS.put("c_medium", "MEDIUMINT");
    COLUMNS.put("c_medium_u", "MEDIUMINT UNSIGNED");
    COLUMNS.put("c_int", "INT");
    COLUMNS.put("c_int_u", "INT UNSIGNED");
    COLUMNS.put("c_big", "BIGINT");
    COLUMNS.put("c_big_u", "BIGINT UNSIGNED");
    COLUMNS.put("c_float", "FLOAT");
    COLUMNS.put("c_double", "DOUBLE");
    COLUMNS.put("c_dec_small", "DECIMAL(10,2)");
    COLUMNS.put("c_dec_mid", "DECIMAL(18,6)");
    COLUMNS.put("c_dec_int", "DECIMAL(20,0)");
    COLUMNS.put("c_dec_big", "DECIMAL(65,30)");
    COLUMNS.put("c_year", "YEAR");
    COLUMNS.put("c_date", "DATE");
    for (int fsp = 0; fsp <= 6; fsp++) {
      COLUMNS.put("c_time" + fsp, "TIME(" + fsp + ")");
      COLUMNS.put("c_dt" + fsp, "DATETIME(" + fsp + ")");
      COLUMNS.put("c_ts" + fsp, "TIMESTAMP(" + fsp + ") NULL");
    }
    COLUMNS.put("c_bit1", "BIT(1)");
    COLUMNS.put("c_bit10", "BIT(10)");
    COLUMNS.put("c_bit64", "BIT(64)");
    COLUMNS.put("c_enum", "ENUM('small','medium','large','x-large')");
    COLUMNS.put("c_set", "SET('red','green','blue','it''s')");
    COLUMNS.put("c_char", "CHAR(10)");
    COLUMNS.put("c_char_latin1", "CHAR(10) CHARACTER SET latin1");
    COLUMNS.put("c_char_long", "CHAR(200)");
    COLUMNS.put("c_varchar", "VARCHAR(60)");
    COLUMNS.put("c_varchar_long", "VARCHAR(1000)");
    COLUMNS.put("c_varchar_gbk", "VARCHAR(60) CHARACTER SET gbk");
    COLUMNS.put("c_binary", "BINARY(8)");
    COLUMNS.put("c_varbinary", "VARBINARY(300)");
    COLUMNS.put("c_tinytext", "TINYTEXT");
    COLUMNS.put("c_text", "TEXT");
    COLUMNS.put("c_mediumtext", "MEDIUMTEXT");
    COLUMNS.put("c_longtext", "LONGTEXT");
    COLUMNS.put("c_tinyblob", "TINYBLOB");
    COLUMNS.put("c_blob", "BLOB");
    COLUMNS.put("c_mediumblob", "MEDIUMBLOB");
    COLUMNS.put("c_longblob", "LONGBLOB");
    COLUMNS.put("c_json", "JSON");
    COLUMNS.put("c_geometry", "GEOMETRY");
    COLUMNS.put("c_point", "POINT");
  }

  static Stream<Arguments> serversAndMetadata() {
    return TestServers.all()
        .flatMap(s -> Stream.of(Arguments.of(s, "FULL"), Arguments.of(s, "MINIMAL")));
  }

  @ParameterizedTest(name = "{0} binlog_row_metadata={1}")
  @MethodSource("serversAndMetadata")
  void shouldDecodeEveryColumnTypeExactlyAsTheServerRendersIt(MariaDbServer server, String metadata)
      throws Exception {
    String schema = "types_" + metadata.toLowerCase(Locale.ROOT);
    StreamRunner.sql(
        server,
        "DROP DATABASE IF EXISTS " + schema,
        "CREATE DATABASE " + schema + " CHARACTER SET utf8mb4",
        "CREATE TABLE " + schema + ".all_types (id INT PRIMARY KEY, " + columnDefinitions() + ")");
    StreamRunner.sql(server, "SET GLOBAL binlog_row_metadata = " + metadata);
    try (StreamRunner stream =
        StreamRunner.start(
            server, b -> b.tables(TableFilter.of(List.of(schema + ".*"), List.of())))) {
      stream.awaitStarted(Duration.ofSeconds(30));
      try (Connection c = connect(server)) {
        insertRows(c, schema);
        Map<Integer, Map<String, String>> afterInsert = render(c, schema);
        updateRows(c, schema);
        Map<Integer, Map<String, String>> afterUpdate = render(c, schema);
        try (Statement s = c.createStatement()) {
          s.execute("DELETE FROM " + schema + ".all_types WHERE id IN (2, 3)");
        }
        int expected = afterInsert.size() + 4 + 2; // inserts, four updated rows, two deletes
        stream.awaitRows(schema, "all_types", expected, Duration.ofSeconds(60));
        List<RowChange> rows = stream.rowsOf(schema, "all_types");
        assertThat(rows).hasSize(expected);
        for (RowChange row : rows) {
          assertThat(row.table().hasColumnNames()).isTrue();
          int id = (int) row.before().or(row::after).orElseThrow().getLong(0);
          switch (row.operation()) {
            case INSERT -> assertImage(row.after().orElseThrow(), afterInsert.get(id), row);
            case UPDATE -> {
              assertImage(row.before().orElseThrow(), afterInsert.get(id), row);
              assertImage(row.after().orElseThrow(), afterUpdate.get(id), row);
            }
            case DELETE -> assertImage(row.before().orElseThrow(), afterUpdate.get(id), row);
          }
        }
      }
      assertThat(stream.reconnects).isEmpty();
    } finally {
      StreamRunner.sql(server, "SET GLOBAL binlog_row_metadata = FULL");
    }
  }

  private static String columnDefinitions() {
    List<String> defs = new ArrayList<>();
    COLUMNS.forEach((name, type) -> defs.add(name + " " + type));
    return String.join(", ", defs);
  }

  private static Connection connect(MariaDbServer server) throws SQLException {
    Connection c =
        DriverManager.getConnection(server.jdbcUrl(""), server.adminUser(), server.adminPassword());
    try (Statement s = c.createStatement()) {
      s.execute("SET time_zone = '+00:00'");
      s.execute("SET sql_mode = ''"); // allow zero dates
      s.execute("SET max_statement_time = 0");
    }
    return c;
  }

  private static void insertRows(Connection c, String schema) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("INSERT INTO " + schema + ".all_types (id) VALUES (1)"); // all NULL
      s.execute(
          "INSERT INTO "
              + schema
              + ".all_types VALUES (2, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0,"
              + " -9223372036854775808, 0, -3.40282e38, -1.7976931348623157e308,"
              + " -99999999.99, -999999999999.999999, -99999999999999999999,"
              + " -99999999999999999999999999999999999.999999999999999999999999999999, 1901,"
              + " '1000-01-01', "
              + repeat3("'-838:59:59'", "'1000-01-01 00:00:00'", "'1970-01-01 00:00:01'")
              + ", b'0', 0, 0, 'small', '', '', '', '', '', '', '', 0x00, X'', '', '', '', '', X'',"
              + " X'', X'', X'', '[]', ST_GeomFromText('POINT(0 0)'), ST_GeomFromText('POINT(-1"
              + " -2)'))");
      s.execute(
          "INSERT INTO "
              + schema
              + ".all_types VALUES (3, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647,"
              + " 4294967295, 9223372036854775807, 18446744073709551615, 3.40282e38,"
              + " 1.7976931348623157e308, 99999999.99, 999999999999.999999,"
              + " 99999999999999999999,"
              + " 99999999999999999999999999999999999.999999999999999999999999999999, 2155,"
              + " '9999-12-31', "
              + repeat3(
                  "'838:59:59.999999'",
                  "'9999-12-31 23:59:59.999999'",
                  "'2038-01-19 03:14:07.999999'")
              + ", b'1', b'1111111111', b'1111111111111111111111111111111111111111111111111111111111111111',"
              + " 'x-large', 'red,green,blue,it''s', 'abcdefghij', 'ÀÉÎõü', REPEAT('长',"
              + " 200), REPEAT('z', 60), REPEAT('é', 1000), '中文汉字', 0xFFFFFFFFFFFFFFFF,"
              + " REPEAT(0xAB, 300), REPEAT('t', 255), REPEAT('文', 20000), REPEAT('m', 70000),"
              + " REPEAT('l', 100000), REPEAT(0x01, 255), REPEAT(0x02, 65535), REPEAT(0x03,"
              + " 70000), REPEAT(0x04, 100000), '{\"k\": [1, 2.5, \"v\", null, true]}',"
              + " ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0))'),"
              + " ST_GeomFromText('POINT(1.5 2.5)'))");
      s.execute(
          "INSERT INTO "
              + schema
              + ".all_types (id, c_time0, c_time1, c_time2, c_time3, c_time4, c_time5, c_time6,"
              + " c_dt0, c_dt1, c_dt2, c_dt3, c_dt4, c_dt5, c_dt6, c_ts0, c_ts1, c_ts2, c_ts3,"
              + " c_ts4, c_ts5, c_ts6, c_date, c_year, c_dec_small, c_dec_mid, c_varchar,"
              + " c_text, c_char, c_float, c_double) VALUES (4, '-00:00:01', '-12:34:56.7',"
              + " '-12:34:56.78', '-00:00:00.001', '-12:34:56.7891', '-00:00:00.00001',"
              + " '-838:59:58.999999', '0000-00-00 00:00:00', '2020-00-00 00:00:00.5',"
              + " '2024-02-29 12:00:00.25', '1999-12-31 23:59:59.999', '2000-01-01"
              + " 00:00:00.0001', '2000-06-15 06:07:08.12345', '2000-06-15 06:07:08.000001',"
              + " '0000-00-00 00:00:00', '2001-02-03 04:05:06.7', '2001-02-03 04:05:06.78',"
              + " '2001-02-03 04:05:06.789', '2001-02-03 04:05:06.7891', '2001-02-03"
              + " 04:05:06.78912', '2001-02-03 04:05:06.789123', '0000-00-00', 0, -0.01,"
              + " -0.000001, '😀 emoji 𝄞 and 汉字', 'tab\\tnewline\\nquote\"backslash\\\\',"
              + " ' padded', 1.5, 0.1)");
    }
  }

  private static String repeat3(String time, String datetime, String timestamp) {
    List<String> values = new ArrayList<>();
    for (int fsp = 0; fsp <= 6; fsp++) {
      values.add(time);
      values.add(datetime);
      values.add(timestamp);
    }
    return String.join(", ", values);
  }

  private static void updateRows(Connection c, String schema) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "UPDATE "
              + schema
              + ".all_types SET c_int = 42, c_varchar = 'updated', c_ts6 = '2030-01-01"
              + " 00:00:00.5', c_set = 'blue' WHERE id IN (1, 4)");
      s.execute(
          "UPDATE "
              + schema
              + ".all_types SET c_big_u = IF(c_big_u > 0, c_big_u - 1, 1) WHERE id IN (2, 3)");
    }
  }

  /** The server's rendering of every column of every row, by id. */
  private static Map<Integer, Map<String, String>> render(Connection c, String schema)
      throws SQLException {
    List<String> exprs = new ArrayList<>();
    COLUMNS.forEach((name, type) -> exprs.add(expression(name, type)));
    Map<Integer, Map<String, String>> rows = new LinkedHashMap<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, "
                    + String.join(", ", exprs)
                    + " FROM "
                    + schema
                    + ".all_types ORDER BY id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Map<String, String> values = new LinkedHashMap<>();
        int i = 2;
        for (Map.Entry<String, String> column : COLUMNS.entrySet()) {
          String type = column.getValue();
          if (type.startsWith("FLOAT")) {
            float f = rs.getFloat(i);
            values.put(column.getKey(), rs.wasNull() ? null : Float.toString(f));
          } else if (type.startsWith("DOUBLE")) {
            double d = rs.getDouble(i);
            values.put(column.getKey(), rs.wasNull() ? null : Double.toString(d));
          } else {
            values.put(column.getKey(), rs.getString(i));
          }
          i++;
        }
        rows.put(rs.getInt(1), values);
      }
    }
    return rows;
  }

  private static String expression(String name, String type) {
    if (type.startsWith("BIT")) {
      return "CAST(" + name + " AS UNSIGNED)";
    }
    if (type.startsWith("BINARY")
        || type.startsWith("VARBINARY")
        || type.endsWith("BLOB")
        || type.equals("GEOMETRY")
        || type.equals("POINT")) {
      return "LOWER(HEX(" + name + "))";
    }
    if (type.startsWith("CHAR")
        || type.startsWith("VARCHAR")
        || type.endsWith("TEXT")
        || type.equals("JSON")) {
      return name; // JDBC decodes the column's character set
    }
    if (type.startsWith("FLOAT") || type.startsWith("DOUBLE")) {
      return name;
    }
    return "CAST(" + name + " AS CHAR)";
  }

  private static void assertImage(RowImage image, Map<String, String> expected, RowChange row) {
    assertThat(expected).as("server rendering of the row of %s", row).isNotNull();
    BinlogTable table = image.table();
    for (Map.Entry<String, String> column : expected.entrySet()) {
      int ordinal = table.ordinalOf(column.getKey());
      assertThat(ordinal).as("column %s is known", column.getKey()).isPositive();
      String actual = hamalText(image, ordinal);
      assertThat(actual)
          .as(
              "%s %s.%s (%s)",
              row.operation(), table.name(), column.getKey(), COLUMNS.get(column.getKey()))
          .isEqualTo(column.getValue());
    }
  }

  private static String hamalText(RowImage image, int c) {
    if (image.isNull(c)) {
      return null;
    }
    ColumnType type = image.table().columnType(c);
    return switch (type) {
      case FLOAT -> Float.toString((float) image.getDouble(c));
      case DOUBLE -> Double.toString(image.getDouble(c));
      case BIT -> Long.toUnsignedString(image.getLong(c));
      case BINARY, VARBINARY, BLOB, GEOMETRY -> HexFormat.of().formatHex(image.getBytes(c));
      default -> image.getText(c);
    };
  }
}
