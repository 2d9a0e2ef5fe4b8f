package dev.hamal.app;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/** SQL text for {@link RowWrite}s and identifier quoting; stateless. */
final class Sql {
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_$]{1,64}");

  private Sql() {}

  /**
   * Back-quotes a schema, table or column name.
   *
   * @throws IllegalArgumentException if the name is not 1-64 letters, digits, '_' or '$'
   */
  static String identifier(String name) {
    if (!PLAIN_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be 1-64 characters from [A-Za-z0-9_$], was '" + name + "'");
    }
    return '`' + name + '`';
  }

  static String qualified(String quotedSchema, String table) {
    return quotedSchema + '.' + identifier(table);
  }

  /** Rows a list of writes inserted and updated. */
  record Affected(long inserted, long updated) {}

  /**
   * Executes {@code writes} on {@code connection} in the current transaction.
   *
   * @throws SQLException from the driver, or if an update matched no row
   */
  static Affected execute(Connection connection, String quotedSchema, List<RowWrite> writes)
      throws SQLException {
    long inserted = 0;
    long updated = 0;
    for (RowWrite write : writes) {
      switch (write) {
        case RowWrite.Insert insert -> {
          try (PreparedStatement statement =
              connection.prepareStatement(insertSql(quotedSchema, insert))) {
            bind(statement, 1, insert.values());
            inserted += statement.executeUpdate();
          }
        }
        case RowWrite.Update update -> {
          try (PreparedStatement statement =
              connection.prepareStatement(updateSql(quotedSchema, update))) {
            int next = bind(statement, 1, update.set());
            statement.setObject(next, update.key());
            int rows = statement.executeUpdate();
            if (rows == 0) {
              throw new SQLException(
                  "no row of "
                      + update.table()
                      + " has "
                      + update.keyColumn()
                      + " = "
                      + update.key()
                      + "; the table was changed behind the simulator's back");
            }
            updated += rows;
          }
        }
      }
    }
    return new Affected(inserted, updated);
  }

  static String insertSql(String quotedSchema, RowWrite.Insert insert) {
    var columns = new StringJoiner(", ", " (", ")");
    var marks = new StringJoiner(", ", " VALUES (", ")");
    for (String column : insert.values().keySet()) {
      columns.add(identifier(column));
      marks.add("?");
    }
    return "INSERT INTO " + qualified(quotedSchema, insert.table()) + columns + marks;
  }

  static String updateSql(String quotedSchema, RowWrite.Update update) {
    var set = new StringJoiner(", ", " SET ", "");
    for (String column : update.set().keySet()) {
      set.add(identifier(column) + " = ?");
    }
    return "UPDATE "
        + qualified(quotedSchema, update.table())
        + set
        + " WHERE "
        + identifier(update.keyColumn())
        + " = ?";
  }

  private static int bind(PreparedStatement statement, int first, Map<String, Object> values)
      throws SQLException {
    int index = first;
    for (Object value : values.values()) {
      statement.setObject(index++, value);
    }
    return index;
  }
}
