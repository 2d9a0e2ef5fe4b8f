package dev.hamal.binlog;

import java.util.Objects;

/**
 * A position in a server's binary log: the file name and the byte offset of an event in it.
 *
 * <p>Positions order by file (by the numeric suffix the server appends, {@code mysql-bin.000012}
 * after {@code mysql-bin.000009}) and then by offset.
 *
 * @param file binary log file name, never blank
 * @param position byte offset in the file, at least 4 (the size of the file's magic header)
 */
public record BinlogPosition(String file, long position) implements Comparable<BinlogPosition> {

  /** Offset of the first event of every binary log file (after the 4-byte magic number). */
  public static final long FIRST_EVENT = 4;

  public BinlogPosition {
    Objects.requireNonNull(file, "file");
    if (file.isBlank()) {
      throw new IllegalArgumentException("binlog file name must not be blank");
    }
    if (position < FIRST_EVENT) {
      throw new IllegalArgumentException(
          "binlog position must be at least " + FIRST_EVENT + ", was " + position);
    }
  }

  /**
   * Parses {@code FILE:POS}, e.g. {@code mysql-bin.000003:1234}.
   *
   * @throws IllegalArgumentException naming the text when it is not of that form
   */
  public static BinlogPosition parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException(
          "expected FILE:POS such as mysql-bin.000003:4, got '" + text + "'");
    }
    long pos;
    try {
      pos = Long.parseLong(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "expected FILE:POS with a numeric position, got '" + text + "'", e);
    }
    return new BinlogPosition(text.substring(0, colon), pos);
  }

  /** The same file at another offset. */
  public BinlogPosition withPosition(long newPosition) {
    return new BinlogPosition(file, newPosition);
  }

  @Override
  public int compareTo(BinlogPosition other) {
    int byFile = compareFiles(file, other.file);
    return byFile != 0 ? byFile : Long.compare(position, other.position);
  }

  /** Compares file names by base name, then by numeric extension (longer numbers are later). */
  static int compareFiles(String a, String b) {
    int dotA = a.lastIndexOf('.');
    int dotB = b.lastIndexOf('.');
    String baseA = dotA < 0 ? a : a.substring(0, dotA);
    String baseB = dotB < 0 ? b : b.substring(0, dotB);
    int byBase = baseA.compareTo(baseB);
    if (byBase != 0) {
      return byBase;
    }
    String extA = dotA < 0 ? "" : a.substring(dotA + 1);
    String extB = dotB < 0 ? "" : b.substring(dotB + 1);
    if (extA.length() != extB.length()) {
      return Integer.compare(extA.length(), extB.length());
    }
    return extA.compareTo(extB);
  }

  @Override
  public String toString() {
    return file + ":" + position;
  }
}
