package dev.hamal.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Sorts SQL failures of the order store by what the caller should do, using only exception types,
 * SQLStates and server error codes (never message text).
 *
 * <ul>
 *   <li><b>unavailable</b>: the connection or the server is the problem (connection lost or
 *       refused, timeouts, deadlocks, lock waits, a read-only or shutting-down server, too many
 *       connections); retrying the whole batch later may succeed.
 *   <li><b>data</b>: a row's values do not fit the table (too long, out of range, a bad date or
 *       string, a failed constraint); the row is refused and the rest of the batch goes on.
 *   <li>anything else (a missing table, no privilege, a syntax error): the store cannot take the
 *       batch at all; treated as unavailable too, so nothing is dead-lettered for a server-wide
 *       problem an operator must fix.
 * </ul>
 */
final class SqlErrors {
  /**
   * Server and client error codes meaning "try again later": lock wait timeout, deadlock, too many
   * connections, server shutdown, query interrupted or timed out (MariaDB 1969, MySQL 3024),
   * read-only server (1290, 1836), connection killed (1927), client-side lost/refused connections
   * (2002, 2003, 2006, 2013), Galera "not ready" (1047).
   */
  private static final Set<Integer> UNAVAILABLE_CODES =
      Set.of(
          1205, 1213, 1040, 1053, 1317, 1969, 3024, 1290, 1836, 1927, 2002, 2003, 2006, 2013, 1047);

  /**
   * Error codes of bad row values that some servers report with SQLState HY000 rather than class 22
   * or 23: incorrect string or integer value (1366, 1367), a failed CHECK (MySQL 3819), invalid
   * JSON (MySQL 3140), a failed CHECK constraint (MariaDB 4025), incorrect datetime (1292), data
   * too long (1406), out of range (1264), NOT NULL (1048).
   */
  private static final Set<Integer> DATA_CODES =
      Set.of(1366, 1367, 3819, 3140, 4025, 1292, 1406, 1264, 1048);

  private SqlErrors() {}

  /** Whether the failure is the connection's or the server's, not the statement's. */
  static boolean isUnavailable(SQLException e) {
    if (e instanceof SQLTransientException
        || e instanceof SQLNonTransientConnectionException
        || e instanceof SQLRecoverableException) {
      return true;
    }
    String state = e.getSQLState();
    if (state != null && (state.startsWith("08") || state.startsWith("40"))) {
      return true;
    }
    return UNAVAILABLE_CODES.contains(e.getErrorCode());
  }

  /**
   * Whether the statement ran out of time: a JDBC query timeout ({@link SQLTimeoutException}),
   * MariaDB's {@code max_statement_time} (1969) or MySQL's {@code max_execution_time} (3024).
   */
  static boolean isTimeout(SQLException e) {
    return e instanceof SQLTimeoutException || e.getErrorCode() == 1969 || e.getErrorCode() == 3024;
  }

  /** Whether the server rolled the transaction back to break a deadlock (1213, SQLState 40001). */
  static boolean isDeadlock(SQLException e) {
    return e.getErrorCode() == 1213 || "40001".equals(e.getSQLState());
  }

  /** Whether the failure is a row value the table cannot hold. */
  static boolean isDataError(SQLException e) {
    if (isUnavailable(e)) {
      return false;
    }
    String state = e.getSQLState();
    if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
      return true;
    }
    return DATA_CODES.contains(e.getErrorCode());
  }

  /** A short description for logs and rejections: SQLState, error code and server message. */
  static String describe(SQLException e) {
    return "SQLState " + e.getSQLState() + ", error " + e.getErrorCode() + ": " + e.getMessage();
  }
}
