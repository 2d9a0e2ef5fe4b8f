package dev.hamal.binlog;

import java.util.Objects;
import java.util.Optional;

/**
 * One row changed by one rows event: inserted (after image only), updated (before and after) or
 * deleted (before only). Immutable.
 */
public final class RowChange {
  private final String server;
  private final Operation operation;
  private final RowImage before;
  private final RowImage after;
  private final BinlogPosition position;
  private final int rowIndex;
  private final TransactionInfo transaction;
  private final Object mapped;

  /**
   * @param before the image before the change; {@code null} for inserts
   * @param after the image after the change; {@code null} for deletes
   */
  public RowChange(
      String server,
      Operation operation,
      RowImage before,
      RowImage after,
      BinlogPosition position,
      int rowIndex,
      TransactionInfo transaction) {
    this(server, operation, before, after, position, rowIndex, transaction, null);
  }

  private RowChange(
      String server,
      Operation operation,
      RowImage before,
      RowImage after,
      BinlogPosition position,
      int rowIndex,
      TransactionInfo transaction,
      Object mapped) {
    this.server = Objects.requireNonNull(server, "server");
    this.operation = Objects.requireNonNull(operation, "operation");
    this.position = Objects.requireNonNull(position, "position");
    this.transaction = Objects.requireNonNull(transaction, "transaction");
    if ((before == null) != (operation == Operation.INSERT)
        || (after == null) != (operation == Operation.DELETE)) {
      throw new IllegalArgumentException(operation + " with the wrong images");
    }
    this.before = before;
    this.after = after;
    this.rowIndex = rowIndex;
    this.mapped = mapped;
  }

  /** The same change carrying a {@link RowMapper}'s result. */
  RowChange withMapped(Object result) {
    return result == null
        ? this
        : new RowChange(server, operation, before, after, position, rowIndex, transaction, result);
  }

  /** What the stream's {@link RowMapper} made of this change, if there is one. */
  public Optional<Object> mapped() {
    return Optional.ofNullable(mapped);
  }

  /** The source server's name. */
  public String server() {
    return server;
  }

  public BinlogTable table() {
    return (after != null ? after : before).table();
  }

  public Operation operation() {
    return operation;
  }

  /** The row before the change (updates and deletes). */
  public Optional<RowImage> before() {
    return Optional.ofNullable(before);
  }

  /** The row after the change (inserts and updates). */
  public Optional<RowImage> after() {
    return Optional.ofNullable(after);
  }

  /** The rows event's position. */
  public BinlogPosition position() {
    return position;
  }

  /**
   * Index of this row within its rows event (0-based); for the rows events inside one MySQL
   * TRANSACTION_PAYLOAD, which all carry the payload's position, the rows are numbered on across
   * the events, so that position and index identify a row change in every case.
   */
  public int rowIndex() {
    return rowIndex;
  }

  public TransactionInfo transaction() {
    return transaction;
  }

  @Override
  public String toString() {
    return operation
        + " "
        + table().name()
        + " at "
        + position
        + "#"
        + rowIndex
        + (before != null ? " before=" + before : "")
        + (after != null ? " after=" + after : "");
  }
}
