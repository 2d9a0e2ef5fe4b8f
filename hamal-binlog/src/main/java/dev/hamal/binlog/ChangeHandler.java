package dev.hamal.binlog;

/**
 * Receives a stream's changes, in binlog order, on the thread that called {@link BinlogStream#run}.
 * A handler that throws stops the stream; the exception reaches the caller of {@code run}
 * unchanged.
 *
 * <p>Delivery is exactly once within one {@code run}, also across reconnects: after a reconnect the
 * stream re-reads the current transaction from its first event and skips the rows it had already
 * delivered. Across restarts of the process, resume from the last {@link
 * TransactionEnd#checkpoint()} the application stored; rows of a transaction that was not committed
 * before the restart are then delivered again (at least once).
 */
public interface ChangeHandler {

  /** A row change of an included table. */
  void onRow(RowChange change);

  /** A transaction ended; all of its rows were delivered before. */
  default void onCommit(TransactionEnd end) {}

  /** A DDL statement. */
  default void onSchemaChange(SchemaChange change) {}

  /** The source is idle and the connection alive; {@code checkpoint} is where the stream is. */
  default void onHeartbeat(Checkpoint checkpoint) {}

  /**
   * The stream lost its connection or read bad bytes and will reconnect after {@code delayMillis}
   * to re-read from {@code resumeAt} (informational; the failure has been logged).
   */
  default void onReconnect(BinlogException cause, BinlogPosition resumeAt, long delayMillis) {}
}
