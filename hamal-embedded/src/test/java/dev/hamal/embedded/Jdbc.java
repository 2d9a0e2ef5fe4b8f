package dev.hamal.embedded;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plain JDBC for this module's tests (the testkit's Sql helper depends on this module). */
final class Jdbc {

  private Jdbc() {}

  static Connection admin(MariaDbServer server) throws SQLException {
    return DriverManager.getConnection(
        server.jdbcUrl(""), server.adminUser(), server.adminPassword());
  }

  static void execute(MariaDbServer server, String... statements) throws SQLException {
    try (Connection c = admin(server);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  static List<Map<String, String>> rows(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData meta = rs.getMetaData();
      List<Map<String, String>> rows = new ArrayList<>();
      while (rs.next()) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.put(meta.getColumnLabel(i), rs.getString(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  static List<Map<String, String>> rows(MariaDbServer server, String sql) throws SQLException {
    try (Connection c = admin(server)) {
      return rows(c, sql);
    }
  }

  static String variable(MariaDbServer server, String name) throws SQLException {
    return rows(server, "SELECT @@GLOBAL." + name + " AS v").get(0).get("v");
  }
}
