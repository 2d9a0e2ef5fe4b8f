package dev.hamal.binlog.event;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Temporary stand-in until the full collation table lands. */
final class Collations {
  private Collations() {}

  static Optional<Charset> javaCharset(int id) {
    return switch (id) {
      case 8, 31, 47, 48, 49, 94 -> Optional.of(Charset.forName("windows-1252"));
      case 11, 65 -> Optional.of(StandardCharsets.US_ASCII);
      case 63 -> Optional.empty();
      default -> Optional.of(StandardCharsets.UTF_8);
    };
  }

  static Optional<String> charsetName(int id) {
    return switch (id) {
      case 8, 31, 47, 48, 49, 94 -> Optional.of("latin1");
      case 63 -> Optional.of("binary");
      default -> Optional.of("utf8mb4");
    };
  }

  static Optional<Charset> javaCharsetForName(String name) {
    return switch (name) {
      case "latin1" -> Optional.of(Charset.forName("windows-1252"));
      case "ascii" -> Optional.of(StandardCharsets.US_ASCII);
      case "binary" -> Optional.empty();
      default -> Optional.of(StandardCharsets.UTF_8);
    };
  }
}
