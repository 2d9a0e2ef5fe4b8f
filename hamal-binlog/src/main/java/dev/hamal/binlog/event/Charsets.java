package dev.hamal.binlog.event;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Character set resolution for text columns: a collation id from the table map, or a MySQL
 * character set name from the schema history, to the Java charset that decodes the column's bytes.
 * Empty means the column holds bytes (the {@code binary} character set) or its character set is
 * unknown; such values are handed out as bytes, never decoded with a guessed charset.
 */
final class Charsets {
  private Charsets() {}

  /** Collation id 63 is {@code binary}. */
  static final int BINARY_COLLATION = 63;

  static Optional<Charset> forCollation(int collationId) {
    if (collationId < 0 || collationId == BINARY_COLLATION) {
      return Optional.empty();
    }
    return Collations.charset(collationId);
  }

  static Optional<Charset> forName(String mysqlCharset) {
    if (mysqlCharset.isEmpty() || mysqlCharset.equals("binary")) {
      return Optional.empty();
    }
    return Collations.charsetForName(mysqlCharset);
  }

  static Charset utf8() {
    return StandardCharsets.UTF_8;
  }
}
