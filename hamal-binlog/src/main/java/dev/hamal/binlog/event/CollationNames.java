package dev.hamal.binlog.event;

import java.util.Optional;

/** Public view of the collation table for the stream: collation id to character set name. */
public final class CollationNames {
  private CollationNames() {}

  /** The MySQL character set name of a collation id ({@code utf8mb4}, {@code latin1}, ...). */
  public static Optional<String> charsetName(int collationId) {
    return Collations.charsetName(collationId);
  }
}
