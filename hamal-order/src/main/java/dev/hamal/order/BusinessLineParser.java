package dev.hamal.order;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Currency;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.ObjLongConsumer;
import java.util.regex.Pattern;

/**
 * Reads one business-line file (YAML) and compiles it into a {@link BusinessLine}, collecting every
 * problem as {@code "<file>: <key path>: <reason>"} before failing with all of them at once. Not
 * thread-safe; one instance per file.
 */
final class BusinessLineParser {
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

  static final String DEFAULT_CURRENCY = "CNY";
  static final ZoneId DEFAULT_TIME_ZONE = ZoneId.of("Asia/Shanghai");

  private static final Pattern LINE_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
  private static final Pattern PIPE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
  private static final Pattern JSON_PATH =
      Pattern.compile("\\$((\\.[A-Za-z0-9_-]+)|(\\[[0-9]{1,9}]))+");
  private static final Pattern JSON_STEP = Pattern.compile("\\.([A-Za-z0-9_-]+)|\\[([0-9]+)]");

  private static final Set<String> TOP_KEYS =
      Set.of(
          "name",
          "description",
          "pipe",
          "source",
          "currency",
          "time_zone",
          "order_id",
          "fields",
          "ext",
          "processing");

  private final String file;
  private final List<String> problems = new ArrayList<>();

  private BusinessLineParser(String file) {
    this.file = file;
  }

  /**
   * The line in {@code yaml}, read from {@code file} (named in every message).
   *
   * @throws MappingException listing every problem of the file
   */
  static BusinessLine parse(String file, String yaml) {
    return new BusinessLineParser(file).parse(yaml);
  }

  private BusinessLine parse(String yaml) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      var location = e.getLocation();
      throw new MappingException(
          file
              + ": "
              + (location == null
                  ? "(document)"
                  : "line " + location.getLineNr() + ", column " + location.getColumnNr())
              + ": not valid YAML: "
              + e.getOriginalMessage(),
          e);
    }
    if (root == null || !root.isObject()) {
      throw new MappingException(file + ": (document): must be a mapping of keys to values");
    }
    BusinessLine line = compile(root);
    if (!problems.isEmpty()) {
      throw new MappingException(problems);
    }
    return line;
  }

  private void problem(String key, String reason) {
    problems.add(file + ": " + key + ": " + reason);
  }

  private BusinessLine compile(JsonNode root) {
    unknownKeys(root, "", TOP_KEYS);
    String name = requiredText(root, "name", "name");
    if (name != null && !LINE_NAME.matcher(name).matches()) {
      problem(
          "name", "'" + name + "' is not a line name ([a-z][a-z0-9_-]*, at most 63 characters)");
    }
    optionalText(root, "description", "description");
    String pipe = requiredText(root, "pipe", "pipe");
    if (pipe != null && !PIPE_NAME.matcher(pipe).matches()) {
      problem("pipe", "'" + pipe + "' is not a pipe name ([A-Za-z0-9][A-Za-z0-9_.-]*)");
    }

    NamePattern schema = null;
    List<NamePattern> tables = List.of();
    List<NamePattern> ignored = List.of();
    JsonNode source = requiredObject(root, "source", "source");
    if (source != null) {
      unknownKeys(source, "source.", Set.of("schema", "tables", "ignored_tables"));
      String schemaText = requiredText(source, "schema", "source.schema");
      if (schemaText != null) {
        schema = pattern(schemaText, "source.schema");
      }
      tables = patterns(source, "tables", "source.tables", true);
      ignored = patterns(source, "ignored_tables", "source.ignored_tables", false);
      for (NamePattern table : tables) {
        for (NamePattern other : ignored) {
          if (table != null && other != null && table.overlaps(other)) {
            problem(other.key(), "'" + other + "' overlaps " + table.key() + " '" + table + "'");
          }
        }
      }
    }

    String currency = optionalText(root, "currency", "currency").orElse(DEFAULT_CURRENCY);
    if (!UnifiedOrder.isCurrencyCode(currency) || !knownCurrency(currency)) {
      problem("currency", "'" + currency + "' is not an ISO 4217 currency code");
    }
    ZoneId zone = DEFAULT_TIME_ZONE;
    Optional<String> zoneText = optionalText(root, "time_zone", "time_zone");
    if (zoneText.isPresent()) {
      try {
        zone = ZoneId.of(zoneText.get());
      } catch (DateTimeException e) {
        problem("time_zone", "'" + zoneText.get() + "' is not a time zone (e.g. Asia/Shanghai)");
      }
    }

    String lineName = name == null ? "?" : name;
    FieldExtractor.Text id = null;
    OrderIdFormat idFormat = null;
    JsonNode orderId = root.get("order_id");
    if (orderId == null) {
      problem("order_id", "required: the id column, e.g. order_id: {column: id}");
    } else {
      String column;
      String format = OrderIdFormat.DEFAULT;
      if (orderId.isTextual()) {
        column = orderId.textValue();
      } else if (orderId.isObject()) {
        unknownKeys(orderId, "order_id.", Set.of("column", "format"));
        column = requiredText(orderId, "column", "order_id.column");
        format = optionalText(orderId, "format", "order_id.format").orElse(format);
      } else {
        problem("order_id", "must be a column name or a mapping with column and format");
        column = null;
      }
      OrderIdFormat.Result parsed = OrderIdFormat.parse(format);
      parsed.problemText().ifPresent(reason -> problem("order_id.format", reason));
      idFormat = parsed.format();
      if (column != null) {
        id =
            new FieldExtractor.Text(
                lineName, column, "order_id.column", UnifiedOrder.Builder::sourceId, true, false);
      }
    }

    var extractors = new ArrayList<FieldExtractor>();
    JsonNode fields = requiredObject(root, "fields", "fields");
    if (fields != null) {
      fields(fields, lineName, zone, extractors);
    }
    int jsonSlots = 0;
    JsonNode ext = root.get("ext");
    if (ext != null) {
      if (!ext.isObject()) {
        problem("ext", "must be a mapping of ext keys to columns");
      } else {
        jsonSlots = ext(ext, lineName, extractors);
      }
    }
    DmlFilter filter = DmlFilter.DEFAULT;
    JsonNode processing = root.get("processing");
    if (processing != null) {
      filter = processing(processing);
    }
    if (!problems.isEmpty()) {
      return null;
    }
    return new BusinessLine(
        name,
        pipe,
        file,
        schema,
        tables,
        ignored,
        currency,
        zone,
        id,
        idFormat,
        extractors,
        jsonSlots,
        filter);
  }

  private DmlFilter processing(JsonNode node) {
    if (!node.isObject()) {
      problem(
          "processing",
          "must be a mapping (deletes, ignore_operations, ignore_tables," + " ignore_changes_to)");
      return DmlFilter.DEFAULT;
    }
    unknownKeys(
        node,
        "processing.",
        Set.of("deletes", "ignore_operations", "ignore_tables", "ignore_changes_to"));
    OrderWrite.Action deletes = OrderWrite.Action.ARCHIVE;
    String deleteText = optionalText(node, "deletes", "processing.deletes").orElse("archive");
    switch (deleteText) {
      case "archive" -> deletes = OrderWrite.Action.ARCHIVE;
      case "delete" -> deletes = OrderWrite.Action.DELETE;
      default -> problem("processing.deletes", "'" + deleteText + "' is not archive or delete");
    }
    var operations = java.util.EnumSet.noneOf(OrderChange.Operation.class);
    for (String text : textList(node, "ignore_operations", "processing.ignore_operations")) {
      try {
        operations.add(OrderChange.Operation.valueOf(text.toUpperCase(java.util.Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        problem(
            "processing.ignore_operations",
            "'" + text + "' is not an operation (accepted: insert, update, delete)");
      }
    }
    List<NamePattern> tables = patterns(node, "ignore_tables", "processing.ignore_tables", false);
    var fields = new java.util.HashSet<String>();
    var ext = new java.util.HashSet<String>();
    for (String text : textList(node, "ignore_changes_to", "processing.ignore_changes_to")) {
      if (text.startsWith("ext.") && text.length() > 4) {
        ext.add(text.substring(4));
      } else if (DmlFilter.FIELDS.contains(text)) {
        fields.add(text);
      } else {
        problem(
            "processing.ignore_changes_to",
            "'"
                + text
                + "' is not a field an update may be ignored for (accepted: ext.<key>, "
                + new java.util.TreeSet<>(DmlFilter.FIELDS)
                + ")");
      }
    }
    return new DmlFilter(deletes, operations, tables, fields, ext);
  }

  private List<String> textList(JsonNode parent, String field, String key) {
    JsonNode node = parent.get(field);
    if (node == null) {
      return List.of();
    }
    var values = new ArrayList<String>();
    if (node.isTextual()) {
      values.add(node.textValue());
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        if (node.get(i).isTextual()) {
          values.add(node.get(i).textValue());
        } else {
          problem(key + "[" + i + "]", "must be a string");
        }
      }
    } else {
      problem(key, "must be a list of strings");
    }
    return values;
  }

  private static boolean knownCurrency(String code) {
    try {
      Currency.getInstance(code);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The unified fields a file may map, with the kind of value each takes. */
  private enum Field {
    STATUS("status", Kind.STATUS, true),
    USER_ID("user_id", Kind.TEXT, false),
    TOTAL_AMOUNT("total_amount", Kind.AMOUNT, true),
    PAID_AMOUNT("paid_amount", Kind.AMOUNT, false),
    DISCOUNT_AMOUNT("discount_amount", Kind.AMOUNT, false),
    REFUNDED_AMOUNT("refunded_amount", Kind.AMOUNT, false),
    CURRENCY("currency", Kind.TEXT, false),
    PAYMENT_CHANNEL("payment_channel", Kind.TEXT, false),
    SETTLEMENT_STATE("settlement_state", Kind.TEXT, false),
    PRODUCT_SKU("product_sku", Kind.TEXT, false),
    PRODUCT_NAME("product_name", Kind.TEXT, false),
    FACE_VALUE("face_value", Kind.AMOUNT, false),
    CREATED_AT("created_at", Kind.TIME, true),
    PAID_AT("paid_at", Kind.TIME, false),
    FINISHED_AT("finished_at", Kind.TIME, false),
    UPDATED_AT("updated_at", Kind.TIME, false);

    final String key;
    final Kind kind;
    final boolean required;

    Field(String key, Kind kind, boolean required) {
      this.key = key;
      this.kind = kind;
      this.required = required;
    }

    static Optional<Field> named(String key) {
      for (Field field : values()) {
        if (field.key.equals(key)) {
          return Optional.of(field);
        }
      }
      return Optional.empty();
    }

    static String names() {
      var names = new ArrayList<String>();
      for (Field field : values()) {
        names.add(field.key);
      }
      return String.join(", ", names);
    }
  }

  private enum Kind {
    STATUS,
    TEXT,
    AMOUNT,
    TIME
  }

  private void fields(JsonNode fields, String line, ZoneId zone, List<FieldExtractor> extractors) {
    for (Map.Entry<String, JsonNode> entry : fields.properties()) {
      String key = "fields." + entry.getKey();
      Optional<Field> named = Field.named(entry.getKey());
      if (named.isEmpty()) {
        problem(key, "unknown field (known: " + Field.names() + ")");
        continue;
      }
      Field field = named.get();
      JsonNode spec = entry.getValue();
      String column;
      JsonNode object = null;
      if (spec.isTextual()) {
        column = spec.textValue();
      } else if (spec.isObject()) {
        object = spec;
        Set<String> allowed =
            switch (field.kind) {
              case STATUS -> Set.of("column", "codes");
              case AMOUNT -> Set.of("column", "unit");
              case TEXT, TIME -> Set.of("column");
            };
        unknownKeys(spec, key + ".", allowed);
        column = requiredText(spec, "column", key + ".column");
      } else {
        problem(key, "must be a column name or a mapping with a column");
        continue;
      }
      if (column != null && column.isEmpty()) {
        problem(key, "the column name must not be empty");
        continue;
      }
      FieldExtractor extractor =
          switch (field.kind) {
            case STATUS -> status(line, column, key, object);
            case AMOUNT -> amount(field, line, column, key, object);
            case TIME ->
                new FieldExtractor.Time(line, column, key, timeSetter(field), zone, field.required);
            case TEXT ->
                new FieldExtractor.Text(
                    line, column, key, textSetter(field), field.required, field == Field.CURRENCY);
          };
      if (extractor != null && column != null) {
        extractors.add(extractor);
      }
    }
    for (Field field : Field.values()) {
      if (field.required && !fields.has(field.key)) {
        problem("fields." + field.key, "required");
      }
    }
  }

  private FieldExtractor status(String line, String column, String key, JsonNode object) {
    JsonNode codes = object == null ? null : object.get("codes");
    if (codes == null || !codes.isObject() || codes.isEmpty()) {
      problem(
          key + ".codes", "required: a mapping of every source status value to a unified status");
      return null;
    }
    var map = new LinkedHashMap<String, OrderStatus>();
    for (Map.Entry<String, JsonNode> code : codes.properties()) {
      String codeKey = key + ".codes." + code.getKey();
      JsonNode target = code.getValue();
      OrderStatus status = null;
      if (target.isTextual()) {
        try {
          status = OrderStatus.valueOf(target.textValue());
        } catch (IllegalArgumentException e) {
          status = null;
        }
      }
      if (status == null) {
        problem(
            codeKey,
            "'"
                + target.asText()
                + "' is not a unified status (accepted: "
                + java.util.Arrays.toString(OrderStatus.values())
                + ")");
      } else {
        map.put(code.getKey(), status);
      }
    }
    return new FieldExtractor.Status(line, column, key, map);
  }

  private FieldExtractor amount(
      Field field, String line, String column, String key, JsonNode object) {
    JsonNode unitNode = object == null ? null : object.get("unit");
    if (unitNode == null) {
      problem(key + ".unit", "required for amounts (accepted: yuan, cents, fen)");
      return null;
    }
    Optional<AmountUnit> unit =
        unitNode.isTextual() ? AmountUnit.named(unitNode.textValue()) : Optional.empty();
    if (unit.isEmpty()) {
      problem(
          key + ".unit", "unknown unit '" + unitNode.asText() + "' (accepted: yuan, cents, fen)");
      return null;
    }
    return new FieldExtractor.Amount(
        line, column, key, amountSetter(field), unit.get(), field.required);
  }

  private static ObjLongConsumer<UnifiedOrder.Builder> amountSetter(Field field) {
    return switch (field) {
      case TOTAL_AMOUNT -> UnifiedOrder.Builder::totalAmount;
      case PAID_AMOUNT -> UnifiedOrder.Builder::paidAmount;
      case DISCOUNT_AMOUNT -> UnifiedOrder.Builder::discountAmount;
      case REFUNDED_AMOUNT -> UnifiedOrder.Builder::refundedAmount;
      case FACE_VALUE -> UnifiedOrder.Builder::faceValue;
      default -> throw new IllegalArgumentException(field + " is not an amount");
    };
  }

  private static BiConsumer<UnifiedOrder.Builder, String> textSetter(Field field) {
    return switch (field) {
      case USER_ID -> UnifiedOrder.Builder::userId;
      case CURRENCY -> UnifiedOrder.Builder::currency;
      case PAYMENT_CHANNEL -> UnifiedOrder.Builder::paymentChannel;
      case SETTLEMENT_STATE -> UnifiedOrder.Builder::settlementState;
      case PRODUCT_SKU -> UnifiedOrder.Builder::productSku;
      case PRODUCT_NAME -> UnifiedOrder.Builder::productName;
      default -> throw new IllegalArgumentException(field + " is not text");
    };
  }

  private static BiConsumer<UnifiedOrder.Builder, Instant> timeSetter(Field field) {
    return switch (field) {
      case CREATED_AT -> UnifiedOrder.Builder::createdAt;
      case PAID_AT -> UnifiedOrder.Builder::paidAt;
      case FINISHED_AT -> UnifiedOrder.Builder::finishedAt;
      case UPDATED_AT -> UnifiedOrder.Builder::updatedAt;
      default -> throw new IllegalArgumentException(field + " is not a time");
    };
  }

  /** Compiles the ext entries; returns the number of JSON columns that need a per-row slot. */
  private int ext(JsonNode ext, String line, List<FieldExtractor> extractors) {
    var slots = new LinkedHashMap<String, Integer>();
    for (Map.Entry<String, JsonNode> entry : ext.properties()) {
      String extKey = entry.getKey();
      String key = "ext." + extKey;
      JsonNode spec = entry.getValue();
      if (extKey.isEmpty()) {
        problem(key, "ext keys must not be empty");
        continue;
      }
      if (spec.isTextual()) {
        extractors.add(new FieldExtractor.ExtColumn(line, spec.textValue(), key, extKey));
        continue;
      }
      if (!spec.isObject()) {
        problem(key, "must be a column name or a mapping with column and json or param");
        continue;
      }
      unknownKeys(spec, key + ".", Set.of("column", "json", "param"));
      String column = requiredText(spec, "column", key + ".column");
      Optional<String> json = optionalText(spec, "json", key + ".json");
      Optional<String> param = optionalText(spec, "param", key + ".param");
      if (column == null) {
        continue;
      }
      if (json.isPresent() && param.isPresent()) {
        problem(key, "json and param exclude each other");
      } else if (json.isPresent()) {
        Optional<List<Object>> path = jsonPath(json.get());
        if (path.isEmpty()) {
          problem(
              key + ".json",
              "'"
                  + json.get()
                  + "' is not a supported JSON path ($ followed by .member and"
                  + " [index] steps, e.g. $.carrier or $.items[0].sku)");
        } else {
          int slot = slots.computeIfAbsent(column, c -> slots.size());
          extractors.add(new FieldExtractor.ExtJson(line, column, key, extKey, path.get(), slot));
        }
      } else if (param.isPresent()) {
        if (param.get().isEmpty()
            || param.get().indexOf('&') >= 0
            || param.get().indexOf('=') >= 0) {
          problem(key + ".param", "'" + param.get() + "' is not a parameter name");
        } else {
          extractors.add(new FieldExtractor.ExtParam(line, column, key, extKey, param.get()));
        }
      } else {
        extractors.add(new FieldExtractor.ExtColumn(line, column, key, extKey));
      }
    }
    return slots.size();
  }

  /** The steps of a path such as {@code $.a.b[2]}: member names and indexes. */
  static Optional<List<Object>> jsonPath(String path) {
    if (!JSON_PATH.matcher(path).matches()) {
      return Optional.empty();
    }
    var steps = new ArrayList<Object>();
    var matcher = JSON_STEP.matcher(path);
    int at = 1;
    while (matcher.find(at) && matcher.start() == at) {
      steps.add(matcher.group(1) != null ? matcher.group(1) : Integer.valueOf(matcher.group(2)));
      at = matcher.end();
    }
    return Optional.of(steps);
  }

  private NamePattern pattern(String text, String key) {
    Optional<String> reason = NamePattern.problem(text);
    if (reason.isPresent()) {
      problem(key, reason.get());
      return null;
    }
    return NamePattern.of(text, key);
  }

  private List<NamePattern> patterns(JsonNode parent, String field, String key, boolean required) {
    JsonNode node = parent.get(field);
    if (node == null) {
      if (required) {
        problem(key, "required: a list of table names or patterns");
      }
      return List.of();
    }
    var patterns = new ArrayList<NamePattern>();
    if (node.isTextual()) {
      NamePattern pattern = pattern(node.textValue(), key);
      if (pattern != null) {
        patterns.add(pattern);
      }
      return patterns;
    }
    if (!node.isArray() || (required && node.isEmpty())) {
      problem(key, "must be a non-empty list of table names or patterns");
      return patterns;
    }
    for (int i = 0; i < node.size(); i++) {
      JsonNode element = node.get(i);
      String elementKey = key + "[" + i + "]";
      if (!element.isTextual()) {
        problem(elementKey, "must be a table name or pattern");
        continue;
      }
      NamePattern pattern = pattern(element.textValue(), elementKey);
      if (pattern == null) {
        continue;
      }
      for (NamePattern earlier : patterns) {
        if (earlier.overlaps(pattern)) {
          problem(elementKey, "'" + pattern + "' overlaps " + earlier.key() + " '" + earlier + "'");
        }
      }
      patterns.add(pattern);
    }
    return patterns;
  }

  private void unknownKeys(JsonNode object, String prefix, Set<String> allowed) {
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        problem(
            prefix + name,
            "unknown key (accepted here: "
                + String.join(", ", new java.util.TreeSet<>(allowed))
                + ")");
      }
    }
  }

  private String requiredText(JsonNode parent, String field, String key) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      problem(key, "required");
      return null;
    }
    if (!node.isTextual() || node.textValue().isBlank()) {
      problem(key, "must be a non-empty string");
      return null;
    }
    return node.textValue();
  }

  private Optional<String> optionalText(JsonNode parent, String field, String key) {
    JsonNode node = parent.get(field);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      problem(key, "must be a string");
      return Optional.empty();
    }
    return Optional.of(node.textValue());
  }

  private JsonNode requiredObject(JsonNode parent, String field, String key) {
    JsonNode node = parent.get(field);
    if (node == null) {
      problem(key, "required");
      return null;
    }
    if (!node.isObject()) {
      problem(key, "must be a mapping");
      return null;
    }
    return node;
  }
}
