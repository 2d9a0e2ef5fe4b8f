package dev.hamal.order;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A source row's values as JSON that reads back as the same Java values ({@link SourceRow} lists
 * them): a dead letter keeps the row this way, so replaying it after a mapping fix maps exactly
 * what the listener saw.
 *
 * <p>Integers are JSON integers (read back as {@link Long}, or {@link BigInteger} beyond it),
 * strings JSON strings, SQL {@code NULL} JSON null. Other values are one-member objects naming
 * their type: {@code {"decimal": "12.50"}} (scale kept), {@code {"double": 1.5}}, {@code {"bytes":
 * "<base64>"}}, {@code {"date": "2025-06-18"}}, {@code {"datetime": "2025-06-18T10:00:00.125"}},
 * {@code {"time": "10:00:00"}}, {@code {"timestamp": "2025-06-18T02:00:00Z"}}.
 */
public final class SourceRowJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private SourceRowJson() {}

  /**
   * The values as a JSON object, in the map's order; an empty optional is SQL NULL.
   *
   * @throws IllegalArgumentException for a value of a type {@link SourceRow} does not list
   */
  public static ObjectNode write(Map<String, Optional<Object>> values) {
    ObjectNode node = NODES.objectNode();
    values.forEach((column, value) -> {
      if (value.isEmpty()) {
        node.putNull(column);
      } else {
        node.set(column, value(value.get()));
      }
    });
    return node;
  }

  private static JsonNode value(Object value) {
    return switch (value) {
      case Long l -> NODES.numberNode(l);
      case Integer i -> NODES.numberNode(i.longValue());
      case Short s -> NODES.numberNode(s.longValue());
      case Byte b -> NODES.numberNode(b.longValue());
      case BigInteger b -> NODES.numberNode(b);
      case String s -> NODES.textNode(s);
      case BigDecimal d -> tagged("decimal", NODES.textNode(d.toPlainString()));
      case Double d -> tagged("double", NODES.numberNode(d));
      case Float f -> tagged("double", NODES.numberNode(f.doubleValue()));
      case byte[] bytes ->
          tagged("bytes", NODES.textNode(Base64.getEncoder().encodeToString(bytes)));
      case LocalDate d -> tagged("date", NODES.textNode(d.toString()));
      case LocalDateTime d -> tagged("datetime", NODES.textNode(d.toString()));
      case LocalTime t -> tagged("time", NODES.textNode(t.toString()));
      case Instant t -> tagged("timestamp", NODES.textNode(t.toString()));
      default ->
          throw new IllegalArgumentException(
              "not a source row value: " + value.getClass().getName());
    };
  }

  private static ObjectNode tagged(String type, JsonNode value) {
    ObjectNode node = NODES.objectNode();
    node.set(type, value);
    return node;
  }

  /**
   * Reads values written by {@link #write} as a row of {@code schema.table}.
   *
   * @throws IllegalArgumentException naming the column if a value is not in the form {@link #write}
   *     produces
   */
  public static SourceRow read(String schema, String table, JsonNode values) {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(table, "table");
    if (values == null || !values.isObject()) {
      throw new IllegalArgumentException("a row is a JSON object of column values");
    }
    Map<String, Optional<Object>> row = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : values.properties()) {
      try {
        row.put(entry.getKey(), Optional.ofNullable(read(entry.getValue())));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("column " + entry.getKey() + ": " + e.getMessage(), e);
      }
    }
    return new MapSourceRow(schema, table, row);
  }

  private static Object read(JsonNode node) {
    if (node.isNull()) {
      return null;
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isObject() && node.size() == 1) {
      Map.Entry<String, JsonNode> tag = node.properties().iterator().next();
      JsonNode v = tag.getValue();
      return switch (tag.getKey()) {
        case "decimal" -> new BigDecimal(v.asText());
        case "double" -> v.asDouble();
        case "bytes" -> Base64.getDecoder().decode(v.asText());
        case "date" -> LocalDate.parse(v.asText());
        case "datetime" -> LocalDateTime.parse(v.asText());
        case "time" -> LocalTime.parse(v.asText());
        case "timestamp" -> Instant.parse(v.asText());
        default -> throw new IllegalArgumentException("unknown value type '" + tag.getKey() + "'");
      };
    }
    throw new IllegalArgumentException("not a source row value: " + node);
  }

  /** A row held as a map. */
  private record MapSourceRow(String schema, String table, Map<String, Optional<Object>> values)
      implements SourceRow {
    @Override
    public boolean has(String column) {
      return values.containsKey(column);
    }

    @Override
    public Optional<Object> value(String column) {
      return values.getOrDefault(column, Optional.empty());
    }
  }
}
