package dev.hamal.testkit;

import java.sql.SQLException;

/** A {@link SQLException} from {@link Sql}, unchecked, with the server's error code at hand. */
public final class UncheckedSqlException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  UncheckedSqlException(String statement, SQLException cause) {
    super(cause.getMessage() + " [statement: " + statement + "]", cause);
  }

  @Override
  public synchronized SQLException getCause() {
    return (SQLException) super.getCause();
  }

  /** The server's error code (e.g. 1062 duplicate key), or 0/-1 for client-side failures. */
  public int errorCode() {
    return getCause().getErrorCode();
  }

  /** The SQLSTATE of the failure. */
  public String sqlState() {
    String state = getCause().getSQLState();
    return state == null ? "" : state;
  }
}
