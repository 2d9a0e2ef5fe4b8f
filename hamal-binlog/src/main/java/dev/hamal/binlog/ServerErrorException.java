package dev.hamal.binlog;

import java.util.Set;

/**
 * The server answered with an error packet. Whether it is retriable is decided by the error code:
 * codes that mean "try again later" (too many connections, server shutting down, lock wait, query
 * interrupted, ...) are retriable, everything else is fatal.
 */
public class ServerErrorException extends BinlogException {

  /** Server error codes after which a reconnect may succeed. */
  private static final Set<Integer> TRANSIENT_CODES =
      Set.of(
          1040, // ER_CON_COUNT_ERROR: too many connections
          1053, // ER_SERVER_SHUTDOWN
          1077, // ER_NORMAL_SHUTDOWN
          1152, // ER_ABORTING_CONNECTION
          1159, // ER_NET_READ_INTERRUPTED
          1161, // ER_NET_WRITE_INTERRUPTED
          1205, // ER_LOCK_WAIT_TIMEOUT
          1213, // ER_LOCK_DEADLOCK
          1317, // ER_QUERY_INTERRUPTED
          1927, // ER_CONNECTION_KILLED (MariaDB)
          4031 // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
          );

  private final int errorCode;
  private final String sqlState;

  public ServerErrorException(
      String server, BinlogPosition position, int errorCode, String sqlState, String message) {
    this(server, position, errorCode, sqlState, message, null);
  }

  protected ServerErrorException(
      String server,
      BinlogPosition position,
      int errorCode,
      String sqlState,
      String message,
      Throwable cause) {
    super(server, position, "server error " + errorCode + " (" + sqlState + "): " + message, cause);
    this.errorCode = errorCode;
    this.sqlState = sqlState;
  }

  public int errorCode() {
    return errorCode;
  }

  public String sqlState() {
    return sqlState;
  }

  @Override
  public boolean isRetriable() {
    return TRANSIENT_CODES.contains(errorCode);
  }
}
