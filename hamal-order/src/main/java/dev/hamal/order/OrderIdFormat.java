package dev.hamal.order;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a line composes unified order ids, e.g. {@code {line}:{id}}: literal text with the
 * placeholders {@code {line}}, {@code {schema}}, {@code {table}} and {@code {id}} (the id column's
 * value as text). Compiled once; {@link #compose} only appends.
 */
final class OrderIdFormat {
  static final String DEFAULT = "{line}:{id}";

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
}
