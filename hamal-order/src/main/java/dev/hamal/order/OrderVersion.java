package dev.hamal.order;

/**
 * The version of an order change: where in one source's binlog the change was written. It grows
 * with the binlog, so a store applies a change only when its version is newer than the one it
 * holds, and a change replayed after a failover is recognised as old.
 *
 * <p>Its text form is fixed-width, {@code FFFFFFFFFF.PPPPPPPPPPPP.RRRRRRRRR}: the binlog file's
 * sequence number (the numeric extension of {@code mysql-bin.000042}) in 10 digits, the event's
 * position in 12 and the row's index within the event (or transaction payload) in 9, zero-padded.
 * Because every part has the same width, comparing two versions as plain strings (a MySQL {@code
 * VARCHAR} with a binary or ASCII collation, a search-index {@code keyword}) gives the same order
 * as {@link #compareTo}; no store has to parse it. The widths cover every value a server can write:
 * MySQL numbers binlog files below 2<sup>31</sup>, positions stay below 10<sup>12</sup> (1 TB), and
 * an event holds far fewer than 10<sup>9</sup> rows.
 *
 * <p>Versions only compare within one source: a business line reads one pipe, so every change of
 * one order comes from the same binlog.
 *
 * @param fileSequence the binlog file's sequence number, 0 to 9,999,999,999
 * @param position the event's position in the file, 0 to 999,999,999,999
 * @param rowIndex the row's index, 0 to 999,999,999
 */
public record OrderVersion(long fileSequence, long position, long rowIndex)
    implements Comparable<OrderVersion> {
  static final long MAX_FILE_SEQUENCE = 9_999_999_999L;
  static final long MAX_POSITION = 999_999_999_999L;
  static final long MAX_ROW_INDEX = 999_999_999L;
  private static final int LENGTH = 10 + 1 + 12 + 1 + 9;

  /**
   * Checks the ranges.
   *
   * @throws IllegalArgumentException if a part is negative or wider than its field
   */
  public OrderVersion {
    check("fileSequence", fileSequence, MAX_FILE_SEQUENCE);
    check("position", position, MAX_POSITION);
    check("rowIndex", rowIndex, MAX_ROW_INDEX);
  }

  private static void check(String name, long value, long max) {
    if (value < 0 || value > max) {
      throw new IllegalArgumentException(name + " must be in [0, " + max + "]: " + value);
    }
  }

  /**
   * The version of a row in binlog file {@code binlogFile} (e.g. {@code mysql-bin.000042}).
   *
   * @throws IllegalArgumentException if the file name has no numeric extension or a part is out of
   *     range
   */
  public static OrderVersion of(String binlogFile, long position, long rowIndex) {
    int dot = binlogFile.lastIndexOf('.');
    String extension = binlogFile.substring(dot + 1);
    if (dot < 0 || extension.isEmpty() || extension.length() > 10 || !digits(extension)) {
      throw new IllegalArgumentException(
          "a binlog file name ends in a numeric extension: " + binlogFile);
    }
    return new OrderVersion(Long.parseLong(extension), position, rowIndex);
  }

  /**
   * Parses the text form ({@link #toString()}).
   *
   * @throws IllegalArgumentException if {@code text} is not exactly that form
   */
  public static OrderVersion parse(String text) {
    if (text.length() != LENGTH
        || text.charAt(10) != '.'
        || text.charAt(23) != '.'
        || !digits(text.substring(0, 10))
        || !digits(text.substring(11, 23))
        || !digits(text.substring(24))) {
      throw new IllegalArgumentException(
          "an order version looks like 0000000042.000000001234.000000000, not: " + text);
    }
    return new OrderVersion(
        Long.parseLong(text, 0, 10, 10),
        Long.parseLong(text, 11, 23, 10),
        Long.parseLong(text, 24, LENGTH, 10));
  }

  private static boolean digits(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  @Override
  public int compareTo(OrderVersion other) {
    int c = Long.compare(fileSequence, other.fileSequence);
    if (c == 0) {
      c = Long.compare(position, other.position);
    }
    return c != 0 ? c : Long.compare(rowIndex, other.rowIndex);
  }

  /** Whether this version is newer than {@code other}. */
  public boolean isNewerThan(OrderVersion other) {
    return compareTo(other) > 0;
  }

  /** The fixed-width text form, e.g. {@code 0000000042.000000001234.000000003}. */
  @Override
  public String toString() {
    var text = new StringBuilder(LENGTH);
    pad(text, fileSequence, 10);
    text.append('.');
    pad(text, position, 12);
    text.append('.');
    pad(text, rowIndex, 9);
    return text.toString();
  }

  private static void pad(StringBuilder text, long value, int width) {
    String digits = Long.toString(value);
    for (int i = digits.length(); i < width; i++) {
      text.append('0');
    }
    text.append(digits);
  }
}
