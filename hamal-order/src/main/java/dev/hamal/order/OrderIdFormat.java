package dev.hamal.order;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * How a line composes unified order ids, e.g. {@code {line}:{id}}: literal text with the
 * placeholders {@code {line}}, {@code {schema}}, {@code {table}} and {@code {id}} (the id column's
 * value as text). Compiled once; {@link #compose} only appends.
 *
 * <p>{@link #read} goes the other way: it matches an id against the format, literal text exactly
 * and {@code {line}} as the line's name, and returns every assignment of the other placeholders
 * that composes exactly that id. A format whose placeholders are separated by literal text that
 * cannot occur in their values ({@code {line}:{table}:{id}} for tables named without {@code :}) has
 * at most one reading; adjacent placeholders ({@code {table}{id}}), or a separator that also occurs
 * inside a value, can have several, and all are returned: the caller decides which exist (a
 * product-line read looks each one up). Readings are constrained as composition is: a schema or
 * table name is 1 to {@value #MAX_NAME_LENGTH} characters and fits the line's patterns, an id is
 * not empty, and a placeholder used twice has the same value both times.
 */
final class OrderIdFormat {
  static final String DEFAULT = "{line}:{id}";

  /** Longest schema or table name MySQL and MariaDB accept. */
  static final int MAX_NAME_LENGTH = 64;

  private enum Part {
    LINE,
    SCHEMA,
    TABLE,
    ID
  }

  /** {@link String} literals and {@link Part}s in order. */
  private final Object[] parts;

  private OrderIdFormat(List<Object> parts) {
    this.parts = parts.toArray();
  }

  /** The compiled format, or the reason {@code format} is not one. */
  static Result parse(String format) {
    var parts = new ArrayList<Object>();
    boolean hasId = false;
    int i = 0;
    while (i < format.length()) {
      int open = format.indexOf('{', i);
      int stray = format.indexOf('}', i);
      if (stray >= 0 && (open < 0 || stray < open)) {
        return new Result(null, "'}' at " + stray + " closes no placeholder");
      }
      if (open < 0) {
        parts.add(format.substring(i));
        break;
      }
      if (open > i) {
        parts.add(format.substring(i, open));
      }
      int close = format.indexOf('}', open);
      if (close < 0) {
        return new Result(null, "'{' at " + open + " is not closed");
      }
      String name = format.substring(open + 1, close);
      Part part =
          switch (name) {
            case "line" -> Part.LINE;
            case "schema" -> Part.SCHEMA;
            case "table" -> Part.TABLE;
            case "id" -> Part.ID;
            default -> null;
          };
      if (part == null) {
        return new Result(
            null, "unknown placeholder {" + name + "} (accepted: {line}, {schema}, {table}, {id})");
      }
      hasId |= part == Part.ID;
      parts.add(part);
      i = close + 1;
    }
    if (!hasId) {
      return new Result(null, "'" + format + "' has no {id}, so ids would not be unique");
    }
    return new Result(new OrderIdFormat(parts), null);
  }

  /** A parse result: the format, or the reason. */
  record Result(OrderIdFormat format, String problem) {
    Optional<String> problemText() {
      return Optional.ofNullable(problem);
    }
  }

  String compose(String line, String schema, String table, String id) {
    var text = new StringBuilder(line.length() + id.length() + 16);
    for (Object part : parts) {
      if (part instanceof String literal) {
        text.append(literal);
      } else {
        text.append(
            switch ((Part) part) {
              case LINE -> line;
              case SCHEMA -> schema;
              case TABLE -> table;
              case ID -> id;
            });
      }
    }
    return text.toString();
  }

  /**
   * Every reading of {@code orderId} as an id this format composes for line {@code line}: the
   * schema and table values must satisfy {@code schemaFits} and {@code tableFits} (the line's
   * patterns), the id value must not be empty. Readings come in a fixed order: depth first, the
   * first placeholder's shorter values before longer ones. Empty when the id does not fit.
   *
   * <p>Cost: linear in the id's length for formats whose placeholders are separated by literal
   * text; a schema or table placeholder followed directly by another placeholder tries at most
   * {@value #MAX_NAME_LENGTH} lengths, an {@code {id}} followed directly by one tries every length.
   */
  List<OrderIdParts> read(
      String orderId, String line, Predicate<String> schemaFits, Predicate<String> tableFits) {
    var tokens = new ArrayList<Object>(parts.length);
    for (Object part : parts) {
      Object token = part == Part.LINE ? line : part;
      if (token instanceof String text
          && !tokens.isEmpty()
          && tokens.getLast() instanceof String previous) {
        tokens.set(tokens.size() - 1, previous + text);
      } else if (!(token instanceof String text && text.isEmpty())) {
        tokens.add(token);
      }
    }
    var readings = new ArrayList<OrderIdParts>();
    new Reader(orderId, tokens.toArray(), schemaFits, tableFits, readings).match(0, 0);
    return List.copyOf(readings);
  }

  /** One reading in progress: a depth-first match of the tokens against the id. */
  private static final class Reader {
    private final String id;
    private final Object[] tokens;
    private final Predicate<String> schemaFits;
    private final Predicate<String> tableFits;
    private final List<OrderIdParts> readings;

    /** The values bound so far, indexed by {@link Part#ordinal()}; null while unbound. */
    private final String[] values = new String[Part.values().length];

    Reader(
        String id,
        Object[] tokens,
        Predicate<String> schemaFits,
        Predicate<String> tableFits,
        List<OrderIdParts> readings) {
      this.id = id;
      this.tokens = tokens;
      this.schemaFits = schemaFits;
      this.tableFits = tableFits;
      this.readings = readings;
    }

    void match(int token, int position) {
      if (token == tokens.length) {
        if (position == id.length()) {
          readings.add(
              new OrderIdParts(
                  Optional.ofNullable(values[Part.SCHEMA.ordinal()]),
                  Optional.ofNullable(values[Part.TABLE.ordinal()]),
                  values[Part.ID.ordinal()]));
        }
        return;
      }
      if (tokens[token] instanceof String literal) {
        if (id.startsWith(literal, position)) {
          match(token + 1, position + literal.length());
        }
        return;
      }
      Part part = (Part) tokens[token];
      String bound = values[part.ordinal()];
      if (bound != null) {
        if (id.startsWith(bound, position)) {
          match(token + 1, position + bound.length());
        }
        return;
      }
      int longest = id.length() - position;
      if (part != Part.ID) {
        longest = Math.min(longest, MAX_NAME_LENGTH);
      }
      if (longest < 1) {
        return;
      }
      boolean last = token == tokens.length - 1;
      String next = !last && tokens[token + 1] instanceof String literal ? literal : null;
      for (int length = last ? longest : 1; length <= longest; length++) {
        int end = position + length;
        if (next != null) {
          // Only ends where the following literal starts can lead to a reading.
          end = id.indexOf(next, end);
          if (end < 0 || end - position > longest) {
            return;
          }
          length = end - position;
        }
        String value = id.substring(position, end);
        if (fits(part, value)) {
          values[part.ordinal()] = value;
          match(token + 1, end);
          values[part.ordinal()] = null;
        }
      }
    }

    private boolean fits(Part part, String value) {
      return switch (part) {
        case SCHEMA -> schemaFits.test(value);
        case TABLE -> tableFits.test(value);
        case ID, LINE -> true;
      };
    }
  }
}
