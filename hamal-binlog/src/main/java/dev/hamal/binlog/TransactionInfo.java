package dev.hamal.binlog;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The transaction a row change belongs to, shared by all of its rows.
 *
 * @param begin position of the transaction's first event (its GTID event or BEGIN): where a reader
 *     must restart to see the whole transaction again
 * @param gtid the transaction's GTID as the server prints it ({@code 0-1-42} on MariaDB, {@code
 *     uuid:42} on MySQL); empty when the server writes none
 * @param commitTime when the transaction committed: the MariaDB GTID event's timestamp (written at
 *     commit) or MySQL's original commit timestamp, else the first event's timestamp
 */
public record TransactionInfo(BinlogPosition begin, Optional<String> gtid, Instant commitTime) {
  public TransactionInfo {
    Objects.requireNonNull(begin, "begin");
    Objects.requireNonNull(gtid, "gtid");
    Objects.requireNonNull(commitTime, "commitTime");
  }

  /** A stable id of the transaction: its GTID when there is one, else its begin position. */
  public String id() {
    return gtid.orElseGet(begin::toString);
  }
}
