package dev.hamal.coordination;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * Where a pipe starts reading when it has no committed position: at the start of a pipe's life, or
 * after an operator reset. The owner resolves {@link Earliest}, {@link Latest} and {@link
 * Timestamp} against its source server; this module only stores the request.
 *
 * <p>The text form ({@link #text()}, {@link #parse}) is what the CLI accepts: {@code earliest},
 * {@code latest}, {@code FILE:POS} (e.g. {@code mysql-bin.000042:1234}), {@code gtid:SET} and
 * {@code timestamp:ISO-8601-INSTANT}.
 */
public sealed interface StartPosition {

  /** The text form, parseable by {@link #parse}. */
  String text();

  /** The oldest binlog the source still has. */
  static StartPosition earliest() {
    return Earliest.INSTANCE;
  }

  /** The source's current end of binlog (no history). */
  static StartPosition latest() {
    return Latest.INSTANCE;
  }

  /** An explicit binlog file and position. */
  static StartPosition at(String file, long position) {
    return new FilePosition(file, position);
  }

  /** A GTID set (MySQL {@code uuid:1-5,...} or MariaDB {@code domain-server-seq,...}). */
  static StartPosition gtid(String gtidSet) {
    return new Gtid(gtidSet);
  }

  /** The first transaction at or after this instant of the source's clock. */
  static StartPosition timestamp(Instant at) {
    return new Timestamp(at);
  }

  /**
   * Parses the text form.
   *
   * @throws IllegalArgumentException with the accepted forms when the text is none of them
   */
  static StartPosition parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.strip();
    if (t.equals("earliest")) {
      return earliest();
    }
    if (t.equals("latest")) {
      return latest();
    }
    if (t.startsWith("gtid:")) {
      return gtid(t.substring("gtid:".length()));
    }
    if (t.startsWith("timestamp:")) {
      try {
        return timestamp(Instant.parse(t.substring("timestamp:".length())));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "start position '" + text + "': the timestamp is not an ISO-8601 instant", e);
      }
    }
    int colon = t.lastIndexOf(':');
    if (colon > 0) {
      try {
        return at(t.substring(0, colon), Long.parseLong(t.substring(colon + 1)));
      } catch (NumberFormatException e) {
        // falls through to the message below
      }
    }
    throw new IllegalArgumentException(
        "start position '"
            + text
            + "' is not one of: earliest, latest, FILE:POS, gtid:SET, timestamp:INSTANT");
  }

  /** See {@link StartPosition#earliest()}. */
  enum Earliest implements StartPosition {
    INSTANCE;

    @Override
    public String text() {
      return "earliest";
    }
  }

  /** See {@link StartPosition#latest()}. */
  enum Latest implements StartPosition {
    INSTANCE;

    @Override
    public String text() {
      return "latest";
    }
  }

  /**
   * See {@link StartPosition#at}.
   *
   * @param file binlog file name
   * @param position byte offset in the file, at least 4 (after the magic number)
   */
  record FilePosition(String file, long position) implements StartPosition {
    /** Validates the parts. */
    public FilePosition {
      if (file == null || file.isBlank() || file.contains("/")) {
        throw new IllegalArgumentException("binlog file must be a plain file name, was " + file);
      }
      if (position < 4) {
        throw new IllegalArgumentException("binlog position must be at least 4, was " + position);
      }
    }

    @Override
    public String text() {
      return file + ":" + position;
    }
  }

  /**
   * See {@link StartPosition#gtid}.
   *
   * @param gtidSet the set, as the server prints it
   */
  record Gtid(String gtidSet) implements StartPosition {
    /** Validates the set is not blank. */
    public Gtid {
      if (gtidSet == null || gtidSet.isBlank()) {
        throw new IllegalArgumentException("GTID set must not be blank");
      }
    }

    @Override
    public String text() {
      return "gtid:" + gtidSet;
    }
  }

  /**
   * See {@link StartPosition#timestamp}.
   *
   * @param at the instant
   */
  record Timestamp(Instant at) implements StartPosition {
    /** Validates the instant is present. */
    public Timestamp {
      Objects.requireNonNull(at, "at");
    }

    @Override
    public String text() {
      return "timestamp:" + at;
    }
  }
}
