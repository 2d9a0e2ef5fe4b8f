package dev.hamal.binlog.schema;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The character sets MySQL and MariaDB know, with the one property the schema history needs: the
 * most bytes one character takes ({@code mbmaxlen}), which decides how long a {@code TEXT(n)} is
 * and what {@code CONVERT TO CHARACTER SET} does to text columns.
 *
 * <p>Names are canonical in lower case, and {@code utf8} is spelled {@code utf8mb3}, as MySQL
 * 8.0.30+ and MariaDB 10.6+ report it (the default {@code old_mode} of MariaDB makes {@code utf8}
 * mean {@code utf8mb3}; a server started with {@code utf8} meaning {@code utf8mb4} is not
 * supported).
 */
final class Charsets {

  static final String BINARY = "binary";

  private static final Map<String, Integer> MAX_BYTES_PER_CHAR =
      Map.ofEntries(
          Map.entry("armscii8", 1),
          Map.entry("ascii", 1),
          Map.entry("big5", 2),
          Map.entry("binary", 1),
          Map.entry("cp1250", 1),
          Map.entry("cp1251", 1),
          Map.entry("cp1256", 1),
          Map.entry("cp1257", 1),
          Map.entry("cp850", 1),
          Map.entry("cp852", 1),
          Map.entry("cp866", 1),
          Map.entry("cp932", 2),
          Map.entry("dec8", 1),
          Map.entry("eucjpms", 3),
          Map.entry("euckr", 2),
          Map.entry("gb18030", 4),
          Map.entry("gb2312", 2),
          Map.entry("gbk", 2),
          Map.entry("geostd8", 1),
          Map.entry("greek", 1),
          Map.entry("hebrew", 1),
          Map.entry("hp8", 1),
          Map.entry("keybcs2", 1),
          Map.entry("koi8r", 1),
          Map.entry("koi8u", 1),
          Map.entry("latin1", 1),
          Map.entry("latin2", 1),
          Map.entry("latin5", 1),
          Map.entry("latin7", 1),
          Map.entry("macce", 1),
          Map.entry("macroman", 1),
          Map.entry("sjis", 2),
          Map.entry("swe7", 1),
          Map.entry("tis620", 1),
          Map.entry("ucs2", 2),
          Map.entry("ujis", 3),
          Map.entry("utf16", 4),
          Map.entry("utf16le", 4),
          Map.entry("utf32", 4),
          Map.entry("utf8mb3", 3),
          Map.entry("utf8mb4", 4));

  private Charsets() {}

  /** The canonical name of a character set name as written in SQL, if the servers know it. */
  static Optional<String> canonical(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.equals("utf8")) {
      lower = "utf8mb3";
    }
    return MAX_BYTES_PER_CHAR.containsKey(lower) ? Optional.of(lower) : Optional.empty();
  }

  /**
   * The character set of a collation. Collation names start with their character set's name ({@code
   * utf8mb4_unicode_ci}), except {@code binary} and MariaDB's context-dependent collations without
   * a prefix ({@code uca1400_ai_ci}), which take the character set the context gives.
   */
  static Optional<String> ofCollation(String collation, Optional<String> context) {
    String lower = collation.toLowerCase(Locale.ROOT);
    if (lower.equals(BINARY)) {
      return Optional.of(BINARY);
    }
    int underscore = lower.indexOf('_');
    if (underscore > 0) {
      Optional<String> prefix = canonical(lower.substring(0, underscore));
      if (prefix.isPresent()) {
        return prefix;
      }
    }
    if (lower.startsWith("uca1400_")) {
      return context;
    }
    return Optional.empty();
  }

  /** Most bytes per character of a canonical character set name. */
  static int maxBytesPerChar(String canonicalName) {
    Integer bytes = MAX_BYTES_PER_CHAR.get(canonicalName);
    if (bytes == null) {
      throw new DdlException("unknown character set " + canonicalName);
    }
    return bytes;
  }
}
