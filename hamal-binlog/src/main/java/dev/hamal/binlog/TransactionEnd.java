package dev.hamal.binlog;

import java.util.Objects;
import java.util.Optional;

/**
 * A transaction's end (XID or COMMIT), delivered after its last row.
 *
 * @param transaction the transaction
 * @param next the position after the commit event: a transaction boundary from which a stream can
 *     resume without repeating or skipping anything
 * @param xid the storage engine's transaction id, when the commit was an XID event
 * @param gtidState the GTID set executed up to and including this transaction, when known (see
 *     {@link BinlogStream})
 */
public record TransactionEnd(
    TransactionInfo transaction,
    BinlogPosition next,
    Optional<Long> xid,
    Optional<String> gtidState) {
  public TransactionEnd {
    Objects.requireNonNull(transaction, "transaction");
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(xid, "xid");
    Objects.requireNonNull(gtidState, "gtidState");
  }

  /** Where to resume after this transaction. */
  public Checkpoint checkpoint() {
    return new Checkpoint(next, gtidState);
  }
}
