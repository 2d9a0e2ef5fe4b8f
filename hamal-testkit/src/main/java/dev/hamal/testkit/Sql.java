package dev.hamal.testkit;

import dev.hamal.embedded.MariaDbServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs SQL against a {@link MariaDbServer} as its admin user, for test set-up and checks. Every
 * call opens and closes its own connection (a few milliseconds on loopback), so calls are
 * independent and thread-safe. Failures throw {@link UncheckedSqlException} with the statement.
 *
 * <pre>{@code
 * Sql.execute(server, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id BIGINT PRIMARY KEY)");
 * Sql.executeIn(server, "shop", "INSERT INTO orders VALUES (1)");
 * long n = Sql.queryLong(server, "SELECT COUNT(*) FROM shop.orders");
 * }</pre>
 */
public final class Sql {

  private Sql() {}

  /** A row of a result set mapped to a value; may throw {@link SQLException}. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
  }

  /**
   * The server's current binlog write position ({@code SHOW MASTER STATUS}).
   *
   * @param file binlog file name, e.g. {@code mysql-bin.000001}
   * @param position byte offset where the next event will be written
   */
  public record MasterStatus(String file, long position) {
    public MasterStatus {
      Objects.requireNonNull(file, "file");
    }
  }

  /** A new admin connection without a default database; the caller closes it. */
  public static Connection connect(MariaDbServer server) {
    return connect(server, "");
  }

  /** A new admin connection with {@code database} as default database; the caller closes it. */
  public static Connection connect(MariaDbServer server, String database) {
    String url = server.jdbcUrl(database);
    try {
      return DriverManager.getConnection(url, server.adminUser(), server.adminPassword());
    } catch (SQLException e) {
      throw new UncheckedSqlException("connect " + url, e);
    }
  }

  /** Executes the statements in order on one connection (autocommit). */
  public static void execute(MariaDbServer server, String... statements) {
    executeIn(server, "", statements);
  }

  /** Executes the statements in order on one connection whose default database is given. */
  public static void executeIn(MariaDbServer server, String database, String... statements) {
    try (Connection connection = connect(server, database);
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        try {
          statement.execute(sql);
        } catch (SQLException e) {
          throw new UncheckedSqlException(sql, e);
        }
      }
    } catch (SQLException e) {
      throw new UncheckedSqlException("close", e);
    }
  }

  /** Every row of the query, mapped. */
  public static <T> List<T> query(MariaDbServer server, String query, RowMapper<T> mapper) {
    try (Connection connection = connect(server);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(query)) {
      List<T> result = new ArrayList<>();
      while (rows.next()) {
        result.add(Objects.requireNonNull(mapper.map(rows), "mapped row"));
      }
      return result;
    } catch (SQLException e) {
      throw new UncheckedSqlException(query, e);
    }
  }

  /**
   * The first column of the query's only row as a long.
   *
   * @throws IllegalStateException when there is not exactly one row or the value is NULL
   */
  public static long queryLong(MariaDbServer server, String query) {
    return single(
        query,
        query(
            server,
            query,
            row -> {
              long value = row.getLong(1);
              if (row.wasNull()) {
                throw new IllegalStateException("NULL from " + query);
              }
              return value;
            }));
  }

  /**
   * The first column of the query's only row as a string.
   *
   * @throws IllegalStateException when there is not exactly one row or the value is NULL
   */
  public static String queryString(MariaDbServer server, String query) {
    return single(
        query,
        query(
            server,
            query,
            row -> {
              String value = row.getString(1);
              if (value == null) {
                throw new IllegalStateException("NULL from " + query);
              }
              return value;
            }));
  }

  /** {@code SHOW MASTER STATUS}: where the next binlog event will be written. */
  public static MasterStatus masterStatus(MariaDbServer server) {
    String query = "SHOW MASTER STATUS";
    return single(
        query, query(server, query, row -> new MasterStatus(row.getString(1), row.getLong(2))));
  }

  private static <T> T single(String query, List<T> rows) {
    if (rows.size() != 1) {
      throw new IllegalStateException(
          "expected exactly one row from " + query + ", got " + rows.size());
    }
    return rows.get(0);
  }
}
