package dev.hamal.order;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A schema or table name pattern of a business-line file: a plain name, or a glob in which {@code
 * ?} stands for exactly one character, {@code #} for exactly one ASCII digit and {@code *} for any
 * run of characters, possibly empty. Everything else is literal and case-sensitive, and the pattern
 * matches whole names only: {@code orders_##} matches {@code orders_00} to {@code orders_99} but
 * not {@code orders_100} or {@code orders_0a}.
 *
 * <p>Immutable and thread-safe. {@link #overlaps} decides exactly whether two patterns can match a
 * common name, so two business lines can never claim the same table.
 */
final class NamePattern {
  private final String text;
  private final String key;
  private final Pattern regex;

  private NamePattern(String text, String key) {
    this.text = text;
    this.key = key;
    this.regex = isLiteral(text) ? null : Pattern.compile(toRegex(text));
  }

  /** The pattern, or the reason {@code text} is not one. */
  static NamePattern of(String text, String key) {
    return new NamePattern(text, key);
  }

  /** Why {@code text} is not a valid pattern, or empty if it is. */
  static Optional<String> problem(String text) {
    if (text.isEmpty()) {
      return Optional.of("a name pattern must not be empty");
    }
    if (text.length() > 64) {
      return Optional.of("a name pattern is at most 64 characters: '" + text + "'");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '$'
              || c == '-'
              || c == '*'
              || c == '?'
              || c == '#';
      if (!ok) {
        return Optional.of(
            "'"
                + text
                + "' is not a name pattern: use letters, digits, _ $ - and the wildcards ? # *"
                + " (character '"
                + c
                + "' at "
                + i
                + ")");
      }
    }
    return Optional.empty();
  }

  private static boolean isLiteral(String text) {
    return text.indexOf('*') < 0 && text.indexOf('?') < 0 && text.indexOf('#') < 0;
  }

  private static String toRegex(String glob) {
    var regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        case '#' -> regex.append("[0-9]");
        case '$' -> regex.append("\\$");
        case '-' -> regex.append("\\-");
        default -> regex.append(c);
      }
    }
    return regex.toString();
  }

  String text() {
    return text;
  }

  /** The key path in the file that holds the pattern, e.g. {@code source.tables[0]}. */
  String key() {
    return key;
  }

  boolean matches(String name) {
    return regex == null ? text.equals(name) : regex.matcher(name).matches();
  }

  /** Whether some name matches both patterns. */
  boolean overlaps(NamePattern other) {
    return intersect(text, other.text, 0, 0, new byte[text.length() + 1][other.text.length() + 1]);
  }

  /** Memoised search over positions: 0 unknown, 1 no common name, 2 a common name exists. */
  private static boolean intersect(String p, String q, int i, int j, byte[][] memo) {
    if (memo[i][j] != 0) {
      return memo[i][j] == 2;
    }
    boolean result;
    if (i == p.length() && j == q.length()) {
      result = true;
    } else if (i < p.length() && p.charAt(i) == '*') {
      result =
          intersect(p, q, i + 1, j, memo) || (j < q.length() && intersect(p, q, i, j + 1, memo));
    } else if (j < q.length() && q.charAt(j) == '*') {
      result =
          intersect(p, q, i, j + 1, memo) || (i < p.length() && intersect(p, q, i + 1, j, memo));
    } else if (i < p.length() && j < q.length()) {
      result = compatible(p.charAt(i), q.charAt(j)) && intersect(p, q, i + 1, j + 1, memo);
    } else {
      result = false;
    }
    memo[i][j] = (byte) (result ? 2 : 1);
    return result;
  }

  /** Whether two single-character tokens ({@code ?}, {@code #} or a literal) share a character. */
  private static boolean compatible(char a, char b) {
    if (a == '?' || b == '?') {
      return true;
    }
    if (a == '#') {
      return b == '#' || (b >= '0' && b <= '9');
    }
    if (b == '#') {
      return a >= '0' && a <= '9';
    }
    return a == b;
  }

  @Override
  public String toString() {
    return text;
  }
}
