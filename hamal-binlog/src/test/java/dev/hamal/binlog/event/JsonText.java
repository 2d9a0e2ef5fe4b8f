package dev.hamal.binlog.event;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-only strict JSON (RFC 8259) parser into plain Java values, and a comparison of two such
 * trees. Objects become {@link LinkedHashMap}s (stored order kept), arrays {@link List}s, strings
 * {@link String}s, {@code true}/{@code false} {@link Boolean}s, {@code null} {@link #NULL}, numbers
 * {@link Num}s keeping their text.
 */
final class JsonText {
  /** The JSON {@code null}. */
  static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  /** A JSON number as written. */
  record Num(String text) {
    boolean isIntegral() {
      return text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
    }
  }

  private final String text;
  private int pos;

  private JsonText(String text) {
    this.text = text;
  }

  /**
   * Parses one JSON value filling the whole text.
   *
   * @throws IllegalArgumentException if the text is not JSON
   */
  static Object parse(String text) {
    JsonText parser = new JsonText(text);
    Object value = parser.value(0);
    parser.skipWhitespace();
    if (parser.pos != text.length()) {
      throw parser.error("trailing characters");
    }
    return value;
  }

  /**
   * Whether two parsed trees are the same JSON: objects with the same members (in any order),
   * arrays element by element, equal strings and literals, and numbers equal in value, integers
   * exactly and numbers with a fraction or exponent as the same double.
   */
  static boolean same(Object a, Object b) {
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        if (!y.containsKey(e.getKey()) || !same(e.getValue(), y.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      Iterator<?> i = x.iterator();
      Iterator<?> j = y.iterator();
      while (i.hasNext()) {
        if (!same(i.next(), j.next())) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Num x && b instanceof Num y) {
      if (new BigDecimal(x.text()).compareTo(new BigDecimal(y.text())) == 0) {
        return true;
      }
      return !(x.isIntegral() && y.isIntegral())
          && Double.parseDouble(x.text()) == Double.parseDouble(y.text());
    }
    return a.equals(b);
  }

  private Object value(int depth) {
    if (depth > 200) {
      throw error("too deep");
    }
    skipWhitespace();
    if (pos >= text.length()) {
      throw error("value expected");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{' -> {
        pos++;
        Map<String, Object> object = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
          pos++;
          return object;
        }
        while (true) {
          skipWhitespace();
          String key = string();
          skipWhitespace();
          expect(':');
          Object member = value(depth + 1);
          if (object.put(key, member) != null) {
            throw error("repeated key " + key);
          }
          skipWhitespace();
          if (peek() == ',') {
            pos++;
          } else {
            expect('}');
            return object;
          }
        }
      }
      case '[' -> {
        pos++;
        List<Object> array = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
          pos++;
          return array;
        }
        while (true) {
          array.add(value(depth + 1));
          skipWhitespace();
          if (peek() == ',') {
            pos++;
          } else {
            expect(']');
            return array;
          }
        }
      }
      case '"' -> {
        return string();
      }
      case 't' -> {
        literal("true");
        return Boolean.TRUE;
      }
      case 'f' -> {
        literal("false");
        return Boolean.FALSE;
      }
      case 'n' -> {
        literal("null");
        return NULL;
      }
      default -> {
        return number();
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw error("raw control character in string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= text.length()) {
        throw error("unterminated escape");
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (pos + 4 > text.length()) {
            throw error("short unicode escape");
          }
          out.append((char) Integer.parseInt(text, pos, pos + 4, 16));
          pos += 4;
        }
        default -> throw error("bad escape");
      }
    }
  }

  private Num number() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (isDigit(peek())) {
      while (isDigit(peek())) {
        pos++;
      }
    } else {
      throw error("number expected");
    }
    if (peek() == '.') {
      pos++;
      requireDigits();
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      requireDigits();
    }
    return new Num(text.substring(start, pos));
  }

  private void requireDigits() {
    if (!isDigit(peek())) {
      throw error("digit expected");
    }
    while (isDigit(peek())) {
      pos++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private void literal(String word) {
    if (!text.startsWith(word, pos)) {
      throw error(word + " expected");
    }
    pos += word.length();
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("'" + c + "' expected");
    }
    pos++;
  }

  private void skipWhitespace() {
    while (pos < text.length() && " \t\n\r".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(what + " at " + pos + " in " + text);
  }
}
