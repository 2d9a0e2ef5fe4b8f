package dev.hamal.order;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One change of one order, as published to the queue (key {@link #orderId()}) and applied by the
 * stores: an insert has only an after image, a delete only a before image, an update both.
 *
 * @param businessLine the business line's name
 * @param orderId the unified order id (of the after image, or the before image of a delete)
 * @param operation what happened to the source row
 * @param before the order before the change
 * @param after the order after the change
 * @param source where the change was read
 * @param commitTime when the source transaction committed (the binlog event's timestamp)
 * @param version orders changes of one source; see {@link OrderVersion}
 */
public record OrderChange(
    String businessLine,
    String orderId,
    Operation operation,
    Optional<UnifiedOrder> before,
    Optional<UnifiedOrder> after,
    SourcePosition source,
    Instant commitTime,
    OrderVersion version) {

  /** What happened to the source row. */
  public enum Operation {
    /** A row was written. */
    INSERT,
    /** A row was updated. */
    UPDATE,
    /** A row was deleted. */
    DELETE
  }

  /**
   * Where a change was read.
   *
   * @param pipe the pipe (source server) name
   * @param binlogFile the binlog file, e.g. {@code mysql-bin.000042}
   * @param position the position of the rows event in that file
   * @param rowIndex the row's index within the event (or transaction payload)
   * @param gtid the transaction's GTID, when the server uses them
   * @param transactionId the transaction's id in the source (the XID), or a sequence number the
   *     reader assigns when there is none
   */
  public record SourcePosition(
      String pipe,
      String binlogFile,
      long position,
      long rowIndex,
      Optional<String> gtid,
      long transactionId) {
    /** Checks the parts are present and not negative. */
    public SourcePosition {
      Objects.requireNonNull(pipe, "pipe");
      Objects.requireNonNull(binlogFile, "binlogFile");
      Objects.requireNonNull(gtid, "gtid");
      if (position < 0 || rowIndex < 0) {
        throw new IllegalArgumentException("position and rowIndex must not be negative");
      }
    }

    /** The version of a change read here. */
    public OrderVersion version() {
      return OrderVersion.of(binlogFile, position, rowIndex);
    }
  }

  /**
   * Checks that the images fit the operation and name the same order and line.
   *
   * @throws IllegalArgumentException if they do not
   */
  public OrderChange {
    Objects.requireNonNull(businessLine, "businessLine");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(commitTime, "commitTime");
    Objects.requireNonNull(version, "version");
    boolean wantsBefore = operation != Operation.INSERT;
    boolean wantsAfter = operation != Operation.DELETE;
    if (before.isPresent() != wantsBefore || after.isPresent() != wantsAfter) {
      throw new IllegalArgumentException(
          "an "
              + operation
              + " has "
              + (wantsBefore ? "a before image" : "no before image")
              + " and "
              + (wantsAfter ? "an after image" : "no after image"));
    }
    UnifiedOrder identity = after.orElseGet(before::orElseThrow);
    if (!identity.orderId().equals(orderId)) {
      throw new IllegalArgumentException(
          "orderId " + orderId + " is not the image's " + identity.orderId());
    }
    for (UnifiedOrder image : new UnifiedOrder[] {before.orElse(identity), identity}) {
      if (!image.businessLine().equals(businessLine)) {
        throw new IllegalArgumentException(
            "businessLine " + businessLine + " is not the image's " + image.businessLine());
      }
    }
  }

  /** A new order row; the version comes from {@code source}. */
  public static OrderChange insert(UnifiedOrder after, SourcePosition source, Instant commitTime) {
    return new OrderChange(
        after.businessLine(),
        after.orderId(),
        Operation.INSERT,
        Optional.empty(),
        Optional.of(after),
        source,
        commitTime,
        source.version());
  }

  /** A changed order row; the version comes from {@code source}. */
  public static OrderChange update(
      UnifiedOrder before, UnifiedOrder after, SourcePosition source, Instant commitTime) {
    return new OrderChange(
        after.businessLine(),
        after.orderId(),
        Operation.UPDATE,
        Optional.of(before),
        Optional.of(after),
        source,
        commitTime,
        source.version());
  }

  /** A deleted order row; the version comes from {@code source}. */
  public static OrderChange delete(UnifiedOrder before, SourcePosition source, Instant commitTime) {
    return new OrderChange(
        before.businessLine(),
        before.orderId(),
        Operation.DELETE,
        Optional.of(before),
        Optional.empty(),
        source,
        commitTime,
        source.version());
  }
}
