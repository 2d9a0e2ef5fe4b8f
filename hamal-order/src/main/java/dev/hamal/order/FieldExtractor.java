package dev.hamal.order;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.ObjLongConsumer;

/**
 * One compiled step of a business line's mapping: reads one column of a {@link SourceRow} and sets
 * one part of a {@link UnifiedOrder.Builder}. A line compiles its file into an array of these once;
 * {@link BusinessLine#map} runs them in order for every row.
 *
 * <p>Instances are immutable and shared by all decode threads. Per-row state (a parsed JSON column
 * shared by several ext keys) lives in the {@code scratch} array that {@code map} allocates per
 * row. Failures are {@link MappingException}s naming line, table, column, value and the file's key.
 */
abstract sealed class FieldExtractor {
  final String line;
  final String column;
  final String key;

  FieldExtractor(String line, String column, String key) {
    this.line = line;
    this.column = column;
    this.key = key;
  }

  abstract void apply(SourceRow row, UnifiedOrder.Builder order, Object[] scratch);

  /** The types of column this step can read, for {@link BusinessLine#validateAgainst}. */
  abstract Set<SqlType> accepts();

  /** The column's value, or null for SQL NULL. */
  final Object read(SourceRow row) {
    if (!row.has(column)) {
      throw new MappingException(
          where(row)
              + ": the row image has no column '"
              + column
              + "' ("
              + key
              + " reads it; Hamal needs full row images, binlog_row_image=FULL)");
    }
    return row.value(column).orElse(null);
  }

  final String where(SourceRow row) {
    return "line " + line + ", table " + row.schema() + "." + row.table() + ", column " + column;
  }

  final MappingException fail(SourceRow row, Object value, String reason) {
    return new MappingException(
        where(row) + ", value " + Values.describe(value) + ": " + reason + " (" + key + ")");
  }

  final Object readRequired(SourceRow row, boolean required) {
    Object value = read(row);
    if (value == null && required) {
      throw fail(row, null, "is NULL, but the field is required");
    }
    return value;
  }

  private static final Set<SqlType> TEXT_TYPES =
      EnumSet.of(
          SqlType.INTEGER,
          SqlType.DECIMAL,
          SqlType.TEXT,
          SqlType.ENUM,
          SqlType.SET,
          SqlType.BINARY);

  /** A text field: ids, user, channel, SKU, names, currency. */
  static final class Text extends FieldExtractor {
    private final BiConsumer<UnifiedOrder.Builder, String> setter;
    private final boolean required;
    private final boolean currency;

    Text(
        String line,
        String column,
        String key,
        BiConsumer<UnifiedOrder.Builder, String> setter,
        boolean required,
        boolean currency) {
      super(line, column, key);
      this.setter = setter;
      this.required = required;
      this.currency = currency;
    }

    @Override
    void apply(SourceRow row, UnifiedOrder.Builder order, Object[] scratch) {
      Object value = readRequired(row, required);
      if (value != null) {
        setter.accept(order, text(row, value));
      }
    }

    String text(SourceRow row, Object value) {
      String text;
      try {
        text = Values.text(value);
      } catch (IllegalArgumentException e) {
        throw fail(row, value, e.getMessage());
      }
      if (currency && !UnifiedOrder.isCurrencyCode(text)) {
        throw fail(row, value, "is not an ISO 4217 currency code");
      }
      return text;
    }

    @Override
    Set<SqlType> accepts() {
      return currency ? EnumSet.of(SqlType.TEXT, SqlType.ENUM) : TEXT_TYPES;
    }
  }

  /** An amount, converted exactly to minor units. */
  static final class Amount extends FieldExtractor {
    private final ObjLongConsumer<UnifiedOrder.Builder> setter;
    private final AmountUnit unit;
    private final boolean required;

    Amount(
        String line,
        String column,
        String key,
        ObjLongConsumer<UnifiedOrder.Builder> setter,
        AmountUnit unit,
        boolean required) {
      super(line, column, key);
      this.setter = setter;
      this.unit = unit;
      this.required = required;
    }

    @Override
    void apply(SourceRow row, UnifiedOrder.Builder order, Object[] scratch) {
      Object value = readRequired(row, required);
      if (value != null) {
        long minor;
        try {
          minor = unit.toMinor(value);
        } catch (IllegalArgumentException e) {
          throw fail(row, value, e.getMessage());
        }
        setter.accept(order, minor);
      }
    }

    @Override
    Set<SqlType> accepts() {
      return EnumSet.of(SqlType.INTEGER, SqlType.DECIMAL);
    }
  }

  /** A time; DATETIME and DATE are read in the line's zone. */
  static final class Time extends FieldExtractor {
    private final BiConsumer<UnifiedOrder.Builder, Instant> setter;
    private final ZoneId zone;
    private final boolean required;

    Time(
        String line,
        String column,
        String key,
        BiConsumer<UnifiedOrder.Builder, Instant> setter,
        ZoneId zone,
        boolean required) {
      super(line, column, key);
      this.setter = setter;
      this.zone = zone;
      this.required = required;
    }

    @Override
    void apply(SourceRow row, UnifiedOrder.Builder order, Object[] scratch) {
      Object value = readRequired(row, required);
      if (value != null) {
        Instant instant;
        try {
          instant = Values.instant(value, zone);
        } catch (IllegalArgumentException e) {
          throw fail(row, value, e.getMessage());
        }
        setter.accept(order, instant);
      }
    }

    @Override
    Set<SqlType> accepts() {
      return EnumSet.of(SqlType.DATETIME, SqlType.TIMESTAMP, SqlType.DATE);
    }
  }

  /**
   * The status: the source code looked up in the file's {@code codes}. Integer codes are found
   * without allocating (a linear scan of a few longs); text codes by hash.
   */
  static final class Status extends FieldExtractor {
    private final long[] numbers;
    private final OrderStatus[] numberStatuses;
    private final Map<String, OrderStatus> byText;

    Status(String line, String column, String key, Map<String, OrderStatus> codes) {
      super(line, column, key);
      this.byText = Map.copyOf(codes);
      var numbers = new ArrayList<Long>();
      var statuses = new ArrayList<OrderStatus>();
      for (Map.Entry<String, OrderStatus> code : codes.entrySet()) {
        integerCode(code.getKey())
            .ifPresent(n -> {
              numbers.add(n);
              statuses.add(code.getValue());
            });
      }
      this.numbers = numbers.stream().mapToLong(Long::longValue).toArray();
      this.numberStatuses = statuses.toArray(OrderStatus[]::new);
    }

    /** The code as a long when it is written the canonical way ({@code 10}, not {@code 010}). */
    static java.util.Optional<Long> integerCode(String code) {
      try {
        long n = Long.parseLong(code);
        return Long.toString(n).equals(code)
            ? java.util.Optional.of(n)
            : java.util.Optional.empty();
      } catch (NumberFormatException e) {
        return java.util.Optional.empty();
      }
    }

    Set<String> codes() {
      return byText.keySet();
    }

    /** The file's codes: source value as text to unified status. */
    Map<String, OrderStatus> mapping() {
      return byText;
    }

    @Override
    void apply(SourceRow row, UnifiedOrder.Builder order, Object[] scratch) {
      Object value = readRequired(row, true);
      OrderStatus status =
          switch (value) {
            case Long l -> number(l);
            case Integer i -> number(i);
            case Short s -> number(s);
            case Byte b -> number(b);
            case String s -> byText.get(s);
            case java.math.BigDecimal d ->
                byText.get(d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString());
            default -> {
              try {
                yield byText.get(Values.text(value));
              } catch (IllegalArgumentException e) {
                throw fail(row, value, e.getMessage());
              }
            }
          };
      if (status == null) {
        throw fail(row, value, "has no status mapping; every source status must be listed");
      }
      order.status(status);
    }

    private OrderStatus number(long value) {
      for (int i = 0; i < numbers.length; i++) {
        if (numbers[i] == value) {
          return numberStatuses[i];
        }
      }
      return null;
    }

    @Override
    Set<SqlType> accepts() {
      return EnumSet.of(SqlType.INTEGER, SqlType.TEXT, SqlType.ENUM, SqlType.DECIMAL);
    }
  }

  /** An ext attribute: the column's value as it is (normalised to a JSON-compatible value). */
  static final class ExtColumn extends FieldExtractor {
    private final String extKey;

    ExtColumn(String line, String column, String key, String extKey) {
      super(line, column, key);
      this.extKey = extKey;
    }

    @Override
    void apply(SourceRow row, UnifiedOrder.Builder order, Object[] scratch) {
      Object value = read(row);
      if (value != null) {
        try {
          order.ext(extKey, ExtValues.normalize(value));
        } catch (IllegalArgumentException e) {
          throw fail(row, value, e.getMessage());
        }
      }
    }

    @Override
    Set<SqlType> accepts() {
      return EnumSet.complementOf(EnumSet.of(SqlType.OTHER));
    }
  }

  /**
   * An ext attribute projected out of a JSON text column by a path of the subset {@code
   * $.name.name[2].name}: object members by name, array elements by index. A missing member or a
   * JSON {@code null} leaves the attribute out; objects and arrays are kept as maps and lists.
   */
  static final class ExtJson extends FieldExtractor {
    private static final ObjectMapper JSON =
        JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private final String extKey;
    private final Object[] path;
    private final int slot;

    /**
     * @param path the parsed path: {@link String} member names and {@link Integer} indexes
     * @param slot the index in the per-row scratch array where the parsed column is kept
     */
    ExtJson(String line, String column, String key, String extKey, List<Object> path, int slot) {
      super(line, column, key);
      this.extKey = extKey;
      this.path = path.toArray();
      this.slot = slot;
    }

    @Override
    void apply(SourceRow row, UnifiedOrder.Builder order, Object[] scratch) {
      JsonNode node = (JsonNode) scratch[slot];
      if (node == null) {
        Object value = read(row);
        if (value == null) {
          return;
        }
        try {
          node =
              value instanceof byte[] bytes
                  ? JSON.readTree(bytes)
                  : JSON.readTree(Values.text(value));
        } catch (JsonProcessingException e) {
          throw new MappingException(
              where(row) + ": is not valid JSON (" + key + "): " + e.getOriginalMessage(), e);
        } catch (java.io.IOException | IllegalArgumentException e) {
          throw fail(row, value, e.getMessage());
        }
        scratch[slot] = node;
      }
      for (Object step : path) {
        node = step instanceof String name ? node.path(name) : node.path((Integer) step);
      }
      if (!node.isMissingNode() && !node.isNull()) {
        order.ext(extKey, toValue(node));
      }
    }

    /** A JSON node as a JSON-compatible Java value; null members and elements are left out. */
    static Object toValue(JsonNode node) {
      switch (node.getNodeType()) {
        case STRING:
          return node.textValue();
        case BOOLEAN:
          return node.booleanValue();
        case NUMBER:
          if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
          }
          return ExtValues.normalize(node.decimalValue());
        case ARRAY:
          var list = new ArrayList<Object>(node.size());
          for (JsonNode element : node) {
            if (!element.isNull()) {
              list.add(toValue(element));
            }
          }
          return Collections.unmodifiableList(list);
        case OBJECT:
          var map = new LinkedHashMap<String, Object>();
          for (Map.Entry<String, JsonNode> member : node.properties()) {
            if (!member.getValue().isNull()) {
              map.put(member.getKey(), toValue(member.getValue()));
            }
          }
          return Collections.unmodifiableMap(map);
        default:
          return node.asText();
      }
    }

    @Override
    Set<SqlType> accepts() {
      return EnumSet.of(SqlType.TEXT, SqlType.JSON, SqlType.BINARY);
    }
  }

  /**
   * An ext attribute taken from a {@code key=value&key=value} text column (form encoding; values
   * are percent-decoded). A missing key leaves the attribute out.
   */
  static final class ExtParam extends FieldExtractor {
    private final String extKey;
    private final String param;

    ExtParam(String line, String column, String key, String extKey, String param) {
      super(line, column, key);
      this.extKey = extKey;
      this.param = param;
    }

    @Override
    void apply(SourceRow row, UnifiedOrder.Builder order, Object[] scratch) {
      Object value = read(row);
      if (value == null) {
        return;
      }
      String text;
      try {
        text = Values.text(value);
      } catch (IllegalArgumentException e) {
        throw fail(row, value, e.getMessage());
      }
      int start = 0;
      while (start <= text.length()) {
        int end = text.indexOf('&', start);
        if (end < 0) {
          end = text.length();
        }
        int eq = text.indexOf('=', start);
        if (eq > start
            && eq < end
            && text.regionMatches(start, param, 0, param.length())
            && eq - start == param.length()) {
          order.ext(extKey, decode(text.substring(eq + 1, end)));
          return;
        }
        start = end + 1;
      }
    }

    private static String decode(String value) {
      if (value.indexOf('%') < 0 && value.indexOf('+') < 0) {
        return value;
      }
      try {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return value;
      }
    }

    @Override
    Set<SqlType> accepts() {
      return EnumSet.of(SqlType.TEXT);
    }
  }
}
