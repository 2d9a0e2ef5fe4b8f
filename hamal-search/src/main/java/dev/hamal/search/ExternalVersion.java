package dev.hamal.search;

import dev.hamal.order.OrderVersion;
import java.util.OptionalLong;

/**
 * Maps an {@link OrderVersion} to the {@code long} the search index's external versioning compares:
 * {@code fileSequence << 45 | position << 13 | rowIndex}.
 *
 * <p>The mapping is injective and order-preserving on the versions it accepts (every part fits its
 * bit field, so the fields never carry into one another) and its values are never negative (63 bits
 * in all). The fields and what they bound:
 *
 * <ul>
 *   <li>{@code fileSequence}: 18 bits, up to {@value #MAX_FILE_SEQUENCE}: the binlog file's numeric
 *       extension. A server rotating every hour reaches it after 29 years.
 *   <li>{@code position}: 32 bits, up to {@value #MAX_POSITION}: MySQL and MariaDB event headers
 *       carry positions in 4 bytes, so no event starts beyond it.
 *   <li>{@code rowIndex}: 13 bits, up to {@value #MAX_ROW_INDEX}: the row's index within its event.
 *       A rows event holds at most {@code binlog_row_event_max_size} bytes (8 KiB by default) and
 *       every row takes at least a byte; a large compressed transaction payload can exceed it.
 * </ul>
 *
 * A version outside these bounds has no encoding ({@link #of} is empty) and its write is rejected
 * with a reason naming the field; it never reaches the index with a wrong order.
 */
final class ExternalVersion {

  static final long MAX_FILE_SEQUENCE = (1L << 18) - 1;
  static final long MAX_POSITION = (1L << 32) - 1;
  static final long MAX_ROW_INDEX = (1L << 13) - 1;

  private ExternalVersion() {}

  /** The encoding, or empty when a part of the version does not fit its field. */
  static OptionalLong of(OrderVersion version) {
    if (version.fileSequence() > MAX_FILE_SEQUENCE
        || version.position() > MAX_POSITION
        || version.rowIndex() > MAX_ROW_INDEX) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(
        version.fileSequence() << 45 | version.position() << 13 | version.rowIndex());
  }

  /** Why {@code version} has no encoding, for a rejection. */
  static String whyNot(OrderVersion version) {
    String field;
    long value;
    long max;
    if (version.fileSequence() > MAX_FILE_SEQUENCE) {
      field = "fileSequence";
      value = version.fileSequence();
      max = MAX_FILE_SEQUENCE;
    } else if (version.position() > MAX_POSITION) {
      field = "position";
      value = version.position();
      max = MAX_POSITION;
    } else {
      field = "rowIndex";
      value = version.rowIndex();
      max = MAX_ROW_INDEX;
    }
    return "version "
        + version
        + " does not fit the search index's external version: "
        + field
        + " "
        + value
        + " exceeds "
        + max;
  }
}
