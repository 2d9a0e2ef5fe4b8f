package dev.hamal.binlog;

/**
 * The server cannot send the binlog from the requested position (error 1236,
 * ER_MASTER_FATAL_ERROR_READING_BINLOG): the file was purged, the position is not an event
 * boundary, or the GTID position is not in the server's binlogs. Fatal: the stream never replaces
 * the position with another one by itself; an operator must choose a new start position (see the
 * README, "Recovering from a purged position").
 */
public final class BinlogUnavailableException extends ServerErrorException {

  /** MySQL and MariaDB error code for a failure of the dump thread to read the binlog. */
  public static final int ER_MASTER_FATAL_ERROR_READING_BINLOG = 1236;

  public BinlogUnavailableException(
      String server, BinlogPosition position, String sqlState, String serverMessage) {
    super(
        server,
        position,
        ER_MASTER_FATAL_ERROR_READING_BINLOG,
        sqlState,
        serverMessage
            + " -- the requested binlog position is not available on the server (purged,"
            + " rotated away or not an event boundary). Hamal does not pick another position by"
            + " itself: restart from a position the server still has (SHOW BINARY LOGS), e.g."
            + " with --now, --from FILE:POS or --gtid, and reconcile the gap.",
        null);
  }

  @Override
  public boolean isRetriable() {
    return false;
  }
}
