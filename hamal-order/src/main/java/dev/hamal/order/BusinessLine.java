package dev.hamal.order;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One business line, compiled from its file (see {@code docs/business-lines.md}): which tables of
 * which pipe it reads and how their rows become {@link UnifiedOrder}s.
 *
 * <p>Immutable and thread-safe: the file is compiled once into an array of field extractors, and
 * {@link #map} runs them on any number of decode threads at once, allocating little more than the
 * order it returns. A row that cannot be mapped is a {@link MappingException}; it is never mapped
 * to a guess.
 */
public final class BusinessLine {
  private final String name;
  private final String pipe;
  private final String file;
  private final NamePattern schema;
  private final List<NamePattern> tables;
  private final List<NamePattern> ignoredTables;
  private final String currency;
  private final ZoneId timeZone;
  private final FieldExtractor.Text id;
  private final OrderIdFormat idFormat;
  private final FieldExtractor[] extractors;
  private final int jsonSlots;
  private final DmlFilter filter;

  BusinessLine(
      String name,
      String pipe,
      String file,
      NamePattern schema,
      List<NamePattern> tables,
      List<NamePattern> ignoredTables,
      String currency,
      ZoneId timeZone,
      FieldExtractor.Text id,
      OrderIdFormat idFormat,
      List<FieldExtractor> extractors,
      int jsonSlots,
      DmlFilter filter) {
    this.name = name;
    this.pipe = pipe;
    this.file = file;
    this.schema = schema;
    this.tables = List.copyOf(tables);
    this.ignoredTables = List.copyOf(ignoredTables);
    this.currency = currency;
    this.timeZone = timeZone;
    this.id = id;
    this.idFormat = idFormat;
    this.extractors = extractors.toArray(FieldExtractor[]::new);
    this.jsonSlots = jsonSlots;
    this.filter = filter;
  }

  /** The line's DML filter (its file's {@code processing} block). */
  public DmlFilter filter() {
    return filter;
  }

  /** The source column the order id is read from. */
  public String idColumn() {
    return id.column;
  }

  /**
   * The source column a unified field is mapped from, by its file key ({@code created_at}, {@code
   * status}, ...); empty when the line does not map the field.
   */
  public Optional<String> columnOf(String field) {
    String key = "fields." + field;
    for (FieldExtractor extractor : extractors) {
      if (extractor.key.equals(key)) {
        return Optional.of(extractor.column);
      }
    }
    return Optional.empty();
  }

  /**
   * The line's status codes as its file lists them: each source value, as text ({@code 10}, {@code
   * WP}), and the unified status it maps to. Integer codes match integer column values; see {@code
   * docs/business-lines.md}. Unmodifiable.
   */
  public Map<String, OrderStatus> statusCodes() {
    for (FieldExtractor extractor : extractors) {
      if (extractor instanceof FieldExtractor.Status status) {
        return status.mapping();
      }
    }
    throw new IllegalStateException("business line " + name + " maps no status");
  }

  /**
   * Reads an order id back through the line's {@code order_id.format}: every way {@code orderId}
   * can have been composed by {@link #map} from a row of a table this line maps. Literal text of
   * the format, {@code {line}} included, must match exactly; a {@code {schema}} or {@code {table}}
   * value must fit the line's {@code source.schema} or one of its {@code source.tables} (1 to 64
   * characters), and the {@code {id}} value must not be empty.
   *
   * <p>The list is empty when the id does not fit the format (another line's id, a malformed or
   * hostile text) and holds one reading for a format whose placeholders are separated by text that
   * does not occur in their values, such as the default {@code {line}:{id}} or {@code
   * {line}:{table}:{id}}. It holds several when the format is ambiguous for this id: adjacent
   * placeholders ({@code {table}{id}} with tables {@code orders_1} and {@code orders_12} read
   * {@code orders_123} two ways), or a separator that also occurs inside a value ({@code
   * {table}_{id}} with tables named {@code orders_##}: {@code orders_07_5} reads only as table
   * {@code orders_07}, id {@code 5}, because {@code orders} does not fit the pattern, while {@code
   * {table}_{id}} over tables {@code *} is ambiguous). Every reading composes exactly {@code
   * orderId} again; which of them names a row is for the caller to find out. Readings come in a
   * fixed order (the first placeholder's shorter values first).
   */
  public List<OrderIdParts> parseOrderId(String orderId) {
    java.util.Objects.requireNonNull(orderId, "orderId");
    return idFormat.read(orderId, name, schema::matches, table -> anyMatches(tables, table));
  }

  /** The line's name, unique among the loaded lines; the first part of its order ids. */
  public String name() {
    return name;
  }

  /** The pipe (source server) whose binlog the line reads. */
  public String pipe() {
    return pipe;
  }

  /** The file (or resource) the line was loaded from. */
  public String file() {
    return file;
  }

  /** The currency of orders whose row names none. */
  public String currency() {
    return currency;
  }

  /** The zone source DATETIME values are read in. */
  public ZoneId timeZone() {
    return timeZone;
  }

  /** Whether rows of {@code schema.table} are orders of this line. */
  public boolean mapsTable(String schema, String table) {
    return this.schema.matches(schema) && anyMatches(tables, table);
  }

  /** Whether {@code schema.table} is a known table of this line that holds no orders. */
  public boolean ignoresTable(String schema, String table) {
    return this.schema.matches(schema) && anyMatches(ignoredTables, table);
  }

  private static boolean anyMatches(List<NamePattern> patterns, String name) {
    for (NamePattern pattern : patterns) {
      if (pattern.matches(name)) {
        return true;
      }
    }
    return false;
  }

  NamePattern schemaPattern() {
    return schema;
  }

  List<NamePattern> tablePatterns() {
    return tables;
  }

  List<NamePattern> ignoredTablePatterns() {
    return ignoredTables;
  }

  /** Every source column the mapping reads, for row-image and schema checks. */
  public Set<String> columns() {
    var columns = new LinkedHashSet<String>();
    columns.add(id.column);
    for (FieldExtractor extractor : extractors) {
      columns.add(extractor.column);
    }
    return columns;
  }

  /**
   * Maps one row of a table this line {@linkplain #mapsTable maps} to a unified order.
   *
   * @throws MappingException if the row cannot be mapped exactly: a required column is NULL or
   *     missing from the row image, a status code is not listed, an amount has more fraction digits
   *     than its unit, is negative or too large, a value has a type the field cannot take, or a
   *     JSON column is not JSON. The message names line, table, column, value and the file's key.
   */
  public UnifiedOrder map(SourceRow row) {
    UnifiedOrder.Builder order = UnifiedOrder.builder();
    Object idValue = id.readRequired(row, true);
    String sourceId = id.text(row, idValue);
    order
        .orderId(idFormat.compose(name, row.schema(), row.table(), sourceId))
        .businessLine(name)
        .source(row.schema(), row.table())
        .sourceId(sourceId);
    Object[] scratch = jsonSlots == 0 ? NO_SCRATCH : new Object[jsonSlots];
    for (FieldExtractor extractor : extractors) {
      extractor.apply(row, order, scratch);
    }
    if (!order.hasCurrency()) {
      order.currency(currency);
    }
    return order.build();
  }

  private static final Object[] NO_SCRATCH = new Object[0];

  /**
   * Checks the mapping against a table's columns, as the listener first sees them: every column the
   * file names must exist and have a type its field can take (an amount from a DECIMAL or an
   * integer, a time from a DATETIME, TIMESTAMP or DATE, a status from an integer, text or ENUM,
   * ...); integer status columns need integer codes, and every label of an ENUM status column (when
   * {@link SourceColumn#sqlTypeName()} carries them) must be listed.
   *
   * @throws MappingException listing every problem, each naming the file, the key and the reason
   */
  public void validateAgainst(String schema, String table, List<SourceColumn> columns) {
    var problems = new ArrayList<String>();
    String where = schema + "." + table;
    if (!mapsTable(schema, table)) {
      problems.add(file + ": source: line " + name + " does not map table " + where);
      throw new MappingException(problems);
    }
    Map<String, SourceColumn> byName = new java.util.HashMap<>();
    for (SourceColumn column : columns) {
      byName.put(column.name(), column);
    }
    List<FieldExtractor> all = new ArrayList<>(extractors.length + 1);
    all.add(id);
    all.addAll(List.of(extractors));
    for (FieldExtractor extractor : all) {
      SourceColumn column = byName.get(extractor.column);
      if (column == null) {
        problems.add(
            file
                + ": "
                + extractor.key
                + ": table "
                + where
                + " has no column '"
                + extractor.column
                + "'");
        continue;
      }
      SqlType type = SqlType.of(column.sqlTypeName());
      if (!extractor.accepts().contains(type)) {
        problems.add(
            file
                + ": "
                + extractor.key
                + ": column "
                + where
                + "."
                + extractor.column
                + " is "
                + column.sqlTypeName()
                + ", which cannot feed this field (accepted: "
                + extractor.accepts()
                + ")");
        continue;
      }
      if (extractor instanceof FieldExtractor.Status status) {
        checkStatusCodes(status, column, type, where, problems);
      }
    }
    if (!problems.isEmpty()) {
      throw new MappingException(problems);
    }
  }

  private void checkStatusCodes(
      FieldExtractor.Status status,
      SourceColumn column,
      SqlType type,
      String where,
      List<String> problems) {
    if (type == SqlType.INTEGER) {
      for (String code : status.codes()) {
        if (FieldExtractor.Status.integerCode(code).isEmpty()) {
          problems.add(
              file
                  + ": "
                  + status.key
                  + ".codes."
                  + code
                  + ": column "
                  + where
                  + "."
                  + status.column
                  + " is "
                  + column.sqlTypeName()
                  + "; the code '"
                  + code
                  + "' can never match it");
        }
      }
    }
    if (type == SqlType.ENUM) {
      for (String label : SqlType.enumLabels(column.sqlTypeName())) {
        if (!status.codes().contains(label)) {
          problems.add(
              file
                  + ": "
                  + status.key
                  + ".codes: the value '"
                  + label
                  + "' of ENUM column "
                  + where
                  + "."
                  + status.column
                  + " is not mapped; every source status must be"
                  + " listed");
        }
      }
    }
  }

  @Override
  public String toString() {
    return "BusinessLine["
        + name
        + " from "
        + file
        + ", pipe "
        + pipe
        + ", "
        + schema
        + "."
        + tables
        + "]";
  }
}
