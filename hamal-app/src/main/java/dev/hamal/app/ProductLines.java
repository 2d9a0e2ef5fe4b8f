package dev.hamal.app;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.EnumSet;
import javax.sql.DataSource;

/**
 * Creates the product lines' schemas and tables. Every statement is {@code IF NOT EXISTS}, so
 * creating twice, or creating a line whose tables already exist, changes nothing; existing tables
 * are never altered or dropped.
 */
public final class ProductLines {
  private ProductLines() {}

  /** Creates every line in its own schema ({@link ProductLine#schema()}). */
  public static void createAll(DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      create(connection, EnumSet.allOf(ProductLine.class));
    }
  }

  /** Creates the given lines, each in its own schema ({@link ProductLine#schema()}). */
  public static void create(Connection connection, Collection<ProductLine> lines)
      throws SQLException {
    create(connection, lines, "");
  }

  /**
   * Creates the given lines, each in the schema {@code schemaPrefix + line.schema()}.
   *
   * @throws IllegalArgumentException if a schema name is not a plain name ({@code [A-Za-z0-9_$]})
   */
  public static void create(
      Connection connection, Collection<ProductLine> lines, String schemaPrefix)
      throws SQLException {
    for (ProductLine line : lines) {
      create(connection, line, schemaPrefix + line.schema());
    }
  }

  /**
   * Creates one line's tables in {@code schema}, creating the schema (utf8mb4) if needed; the
   * benchmark uses this to put copies of the lines under other names.
   *
   * @throws IllegalArgumentException if {@code schema} is not a plain name ({@code [A-Za-z0-9_$]})
   */
  public static void create(Connection connection, ProductLine line, String schema)
      throws SQLException {
    String quoted = Sql.identifier(schema);
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE DATABASE IF NOT EXISTS " + quoted + " DEFAULT CHARACTER SET utf8mb4");
      for (String ddl : line.createStatements(schema)) {
        statement.execute(ddl);
      }
    }
  }
}
