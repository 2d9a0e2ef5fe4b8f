package dev.hamal.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@link Work} on one connection as fast as the server takes it: one multi-row INSERT per
 * table, UPDATEs as one JDBC batch per table and column set (sent in one round trip by the driver's
 * batch rewriting), one {@code DELETE ... IN (...)} per table, a commit per transaction. Checks
 * that every statement changed exactly the rows it was meant to, so the planned counts are the
 * binlog's counts.
 *
 * <p>Owns no thread; the connection is the caller's, in manual-commit mode.
 */
final class WorkExecutor {
  private final Connection connection;

  WorkExecutor(Connection connection) {
    this.connection = connection;
  }

  void execute(String schema, Work work) throws SQLException {
    switch (work) {
      case Work.Ddl ddl -> {
        try (Statement statement = connection.createStatement()) {
          statement.execute(ddl.sql());
        }
      }
      case Work.Transaction transaction -> {
        try {
          for (Work.Statement statement : transaction.statements()) {
            execute('`' + schema + "`.`" + statement.table() + '`', statement);
          }
          connection.commit();
        } catch (SQLException | RuntimeException e) {
          try {
            connection.rollback();
          } catch (SQLException rollback) {
            e.addSuppressed(rollback);
          }
          throw e;
        }
      }
    }
  }

  private void execute(String table, Work.Statement statement) throws SQLException {
    switch (statement) {
      case Work.Insert insert -> {
        var sql = new StringBuilder(64 + insert.rows() * insert.columns().size() * 3);
        sql.append("INSERT INTO ").append(table).append(" (");
        appendColumns(sql, insert.columns(), ", ");
        sql.append(") VALUES ");
        String marks = "(" + "?, ".repeat(insert.columns().size() - 1) + "?)";
        for (int row = 0; row < insert.rows(); row++) {
          sql.append(row == 0 ? "" : ", ").append(marks);
        }
        try (PreparedStatement prepared = connection.prepareStatement(sql.toString())) {
          int index = 1;
          for (Object[] values : insert.values()) {
            for (Object value : values) {
              prepared.setObject(index++, value);
            }
          }
          expect(table, "inserted", insert.rows(), prepared.executeUpdate());
        }
      }
      case Work.Update update -> {
        // UPDATE t SET c = CASE key WHEN ? THEN ? ... ELSE c END, ... WHERE key IN (...)
        String key = '`' + update.keyColumn() + '`';
        int keyIndex = update.columns().size();
        var sql = new StringBuilder(256 + update.rows() * update.columns().size() * 16);
        sql.append("UPDATE ").append(table).append(" SET ");
        var parameters = new ArrayList<Object>(update.rows() * (2 * keyIndex + 1));
        for (int c = 0; c < keyIndex; c++) {
          String column = '`' + update.columns().get(c) + '`';
          sql.append(c == 0 ? "" : ", ").append(column).append(" = CASE ").append(key);
          for (Object[] row : update.values()) {
            if (row[c] != null) {
              sql.append(" WHEN ? THEN ?");
              parameters.add(row[keyIndex]);
              parameters.add(row[c]);
            }
          }
          sql.append(" ELSE ").append(column).append(" END");
        }
        sql.append(" WHERE ").append(key).append(" IN (");
        for (int r = 0; r < update.rows(); r++) {
          sql.append(r == 0 ? "?" : ", ?");
          parameters.add(update.values().get(r)[keyIndex]);
        }
        sql.append(')');
        try (PreparedStatement prepared = connection.prepareStatement(sql.toString())) {
          for (int i = 0; i < parameters.size(); i++) {
            prepared.setObject(i + 1, parameters.get(i));
          }
          expect(table, "updated", update.rows(), prepared.executeUpdate());
        }
      }
      case Work.Delete delete -> {
        String sql =
            "DELETE FROM "
                + table
                + " WHERE `"
                + delete.keyColumn()
                + "` IN ("
                + "?, ".repeat(delete.rows() - 1)
                + "?)";
        try (PreparedStatement prepared = connection.prepareStatement(sql)) {
          for (int i = 0; i < delete.keys().length; i++) {
            prepared.setLong(i + 1, delete.keys()[i]);
          }
          expect(table, "deleted", delete.rows(), prepared.executeUpdate());
        }
      }
    }
  }

  private static void appendColumns(StringBuilder sql, List<String> columns, String separator) {
    for (int i = 0; i < columns.size(); i++) {
      sql.append(i == 0 ? "" : separator).append('`').append(columns.get(i)).append('`');
    }
  }

  private static void expect(String table, String what, long expected, long actual)
      throws SQLException {
    if (expected != actual) {
      throw new SQLException(
          table
              + ": "
              + what
              + " "
              + actual
              + " rows, expected "
              + expected
              + " (the tables were changed by someone else, or the server reports changed rows"
              + " differently)");
    }
  }
}
