package dev.hamal.binlog.event;

import dev.hamal.binlog.BinlogTable;
import dev.hamal.binlog.ColumnSchema;
import dev.hamal.binlog.ColumnType;
import dev.hamal.binlog.TableName;
import dev.hamal.binlog.TableSchema;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A table's decode plan: for every column, how its bytes are read ({@link #kind}), with what
 * metadata, into which {@link ColumnType}, with which charset, name and labels. Built once per
 * table map on the reader thread from the table map and, when the binlog does not carry names and
 * character sets, the schema history; then shared read-only by the worker threads that decode rows
 * events.
 *
 * <p>Building fails with a {@link ShapeMismatch} when the schema history's columns do not fit the
 * table map's (count or types): rows are never decoded against the wrong columns.
 */
public final class TableDecoder implements BinlogTable {

  // Decode kinds: how the bytes of a value are read.
  static final int K_NULL = 0;
  static final int K_INT8 = 1;
  static final int K_INT16 = 2;
  static final int K_INT24 = 3;
  static final int K_INT32 = 4;
  static final int K_INT64 = 5;
  static final int K_FLOAT = 6;
  static final int K_DOUBLE = 7;
  static final int K_DECIMAL_LONG = 8;
  static final int K_DECIMAL_BIG = 9;
  static final int K_YEAR = 10;
  static final int K_DATE = 11;
  static final int K_TIME = 12;
  static final int K_TIME2 = 13;
  static final int K_DATETIME = 14;
  static final int K_DATETIME2 = 15;
  static final int K_TIMESTAMP = 16;
  static final int K_TIMESTAMP2 = 17;
  static final int K_BIT = 18;
  static final int K_ENUM = 19;
  static final int K_SET = 20;
  static final int K_CHAR = 21;
  static final int K_VARCHAR = 22;
  static final int K_BLOB = 23;
  static final int K_JSON = 24;
  static final int K_UNSUPPORTED = 25;

  /** The schema history does not fit the table map; the message says how. */
  public static final class ShapeMismatch extends RuntimeException {
    ShapeMismatch(String message) {
      super(message, null, false, false);
    }
  }

  private final TableMap map;
  private final int columns;
  final int[] kind;
  final int[] meta; // kind-specific: fsp, precision<<8|scale, length-prefix bytes, max length
  final Charset[] charsets; // null = bytes
  final boolean[] unsigned;
  final String[][] labels; // null entries when unknown
  private final ColumnType[] types;
  private final String[] names;

  /** Ordinals by exact name and by lower-case name: ordinalOf runs for every mapped value. */
  private final Map<String, Integer> ordinals;

  private final int[] scales;
  private final List<Integer> primaryKey;
  private final boolean namesKnown;

  /**
   * Average bytes per row image of the last rows event decoded for this table, used to size the
   * next one's arrays. Written and read by decode workers without synchronisation on purpose: any
   * value (even a stale or torn one of an int, which cannot be torn) only changes an allocation
   * size.
   */
  int bytesPerImageHint;

  private TableDecoder(TableMap map, Optional<TableSchema> schema) {
    this.map = map;
    this.columns = map.columnCount();
    this.kind = new int[columns];
    this.meta = new int[columns];
    this.charsets = new Charset[columns];
    this.unsigned = new boolean[columns];
    this.labels = new String[columns][];
    this.types = new ColumnType[columns];
    this.names = new String[columns];
    this.scales = new int[columns];
    TableSchema known = schema.orElse(null);
    if (known != null && known.columnCount() != columns) {
      throw new ShapeMismatch(
          "the binlog row has "
              + columns
              + " columns but the schema history knows "
              + known.columnCount()
              + " "
              + columnNames(known));
    }
    for (int i = 0; i < columns; i++) {
      plan(i, known == null ? null : known.column(i));
    }
    this.namesKnown = map.hasColumnNames() || known != null;
    this.ordinals = ordinals(names);
    this.primaryKey = primaryKey(map, known);
  }

  /**
   * Builds the plan for a table map.
   *
   * @param schema the table's columns from the schema history when the table map does not carry
   *     column names; empty when it does or when none is known
   * @throws ShapeMismatch when the schema does not fit the table map
   * @throws MalformedValueException when the table map's metadata is impossible
   */
  public static TableDecoder create(TableMap map, Optional<TableSchema> schema) {
    return new TableDecoder(map, schema);
  }

  private static String columnNames(TableSchema schema) {
    List<String> names = new ArrayList<>();
    for (ColumnSchema c : schema.columns()) {
      names.add(c.name());
    }
    return names.toString();
  }

  private static List<Integer> primaryKey(TableMap map, TableSchema known) {
    int[] fromMap = map.primaryKey();
    List<Integer> key = new ArrayList<>();
    if (fromMap != null) {
      for (int c : fromMap) {
        key.add(c);
      }
    } else if (known != null) {
      for (String name : known.primaryKey()) {
        int ordinal = known.ordinalOf(name);
        if (ordinal >= 0) {
          key.add(ordinal);
        }
      }
    }
    return Collections.unmodifiableList(key);
  }

  private void plan(int i, ColumnSchema column) {
    int type = map.type(i);
    int metadata = map.metadata(i);
    int real = TableMap.realType(type, metadata);
    names[i] =
        map.hasColumnNames() ? map.columnName(i) : column != null ? column.name() : "@" + (i + 1);
    unsigned[i] = map.hasSignedness() ? map.isUnsigned(i) : column != null && column.unsigned();
    String declared = column == null ? "" : column.dataType().toLowerCase(Locale.ROOT);
    switch (real) {
      case MySqlType.TINY ->
          integer(i, K_INT8, ColumnType.TINYINT, declared, "tinyint", "bool", "boolean");
      case MySqlType.SHORT -> integer(i, K_INT16, ColumnType.SMALLINT, declared, "smallint");
      case MySqlType.INT24 -> integer(i, K_INT24, ColumnType.MEDIUMINT, declared, "mediumint");
      case MySqlType.LONG -> integer(i, K_INT32, ColumnType.INT, declared, "int", "integer");
      case MySqlType.LONGLONG -> integer(i, K_INT64, ColumnType.BIGINT, declared, "bigint");
      case MySqlType.FLOAT -> simple(i, K_FLOAT, ColumnType.FLOAT, declared, "float");
      case MySqlType.DOUBLE -> simple(i, K_DOUBLE, ColumnType.DOUBLE, declared, "double", "real");
      case MySqlType.NEWDECIMAL -> {
        int precision = metadata & 0xff;
        int scale = metadata >>> 8;
        // MySQL allows scales up to 30, MariaDB up to 38
        if (precision < 1
            || precision > Decimals.MAX_PRECISION
            || scale > Decimals.MAX_SCALE
            || scale > precision) {
          throw new MalformedValueException(
              "DECIMAL(" + precision + "," + scale + ") is impossible (column " + (i + 1) + ")");
        }
        simple(
            i,
            precision <= 18 ? K_DECIMAL_LONG : K_DECIMAL_BIG,
            ColumnType.DECIMAL,
            declared,
            "decimal",
            "numeric",
            "fixed");
        meta[i] = precision << 8 | scale;
        scales[i] = scale;
      }
      case MySqlType.YEAR -> simple(i, K_YEAR, ColumnType.YEAR, declared, "year");
      case MySqlType.DATE, MySqlType.NEWDATE ->
          simple(i, K_DATE, ColumnType.DATE, declared, "date");
      case MySqlType.TIME -> simple(i, K_TIME, ColumnType.TIME, declared, "time");
      case MySqlType.TIME2 -> fractional(i, K_TIME2, ColumnType.TIME, metadata, declared, "time");
      case MySqlType.DATETIME -> simple(i, K_DATETIME, ColumnType.DATETIME, declared, "datetime");
      case MySqlType.DATETIME2 ->
          fractional(i, K_DATETIME2, ColumnType.DATETIME, metadata, declared, "datetime");
      case MySqlType.TIMESTAMP ->
          simple(i, K_TIMESTAMP, ColumnType.TIMESTAMP, declared, "timestamp");
      case MySqlType.TIMESTAMP2 ->
          fractional(i, K_TIMESTAMP2, ColumnType.TIMESTAMP, metadata, declared, "timestamp");
      case MySqlType.BIT -> {
        int bits = (metadata >>> 8) * 8 + (metadata & 0xff);
        if (bits < 1 || bits > 64) {
          throw new MalformedValueException("BIT(" + bits + ") is impossible");
        }
        simple(i, K_BIT, ColumnType.BIT, declared, "bit");
        meta[i] = (bits + 7) >>> 3;
      }
      case MySqlType.ENUM, MySqlType.SET -> {
        boolean isEnum = real == MySqlType.ENUM;
        int size = metadata & 0xff;
        if (isEnum ? size != 1 && size != 2 : size < 1 || size > 8) {
          throw new MalformedValueException(
              (isEnum ? "ENUM" : "SET") + " of " + size + " bytes is impossible");
        }
        simple(
            i,
            isEnum ? K_ENUM : K_SET,
            isEnum ? ColumnType.ENUM : ColumnType.SET,
            declared,
            isEnum ? "enum" : "set");
        meta[i] = size;
        String[] fromMap = map.labels(i);
        labels[i] =
            fromMap != null
                ? fromMap
                : column != null && !column.labels().isEmpty()
                    ? column.labels().toArray(new String[0])
                    : null;
      }
      case MySqlType.STRING -> {
        int first = metadata >>> 8;
        meta[i] = (((first & 0x30) ^ 0x30) << 4) | (metadata & 0xff); // maximum byte length
        text(
            i,
            K_CHAR,
            ColumnType.CHAR,
            ColumnType.BINARY,
            column,
            declared,
            "char",
            "binary",
            "inet6",
            "inet4",
            "uuid");
      }
      case MySqlType.VARCHAR, MySqlType.VAR_STRING -> {
        meta[i] = metadata > 255 ? 2 : 1;
        text(
            i,
            K_VARCHAR,
            ColumnType.VARCHAR,
            ColumnType.VARBINARY,
            column,
            declared,
            "varchar",
            "varbinary");
      }
      case MySqlType.BLOB, MySqlType.TINY_BLOB, MySqlType.MEDIUM_BLOB, MySqlType.LONG_BLOB -> {
        prefix(i, metadata);
        boolean json = declared.equals("json");
        text(
            i,
            K_BLOB,
            json ? ColumnType.JSON : ColumnType.TEXT,
            ColumnType.BLOB,
            column,
            declared,
            "tinytext",
            "text",
            "mediumtext",
            "longtext",
            "tinyblob",
            "blob",
            "mediumblob",
            "longblob",
            "json");
        if (json && charsets[i] == null) {
          charsets[i] = Charsets.utf8(); // MariaDB's JSON is utf8mb4 LONGTEXT
          types[i] = ColumnType.JSON;
        }
      }
      case MySqlType.JSON -> {
        prefix(i, metadata);
        simple(i, K_JSON, ColumnType.JSON, declared, "json");
      }
      case MySqlType.GEOMETRY -> {
        prefix(i, metadata);
        simple(
            i,
            K_BLOB,
            ColumnType.GEOMETRY,
            declared,
            "geometry",
            "point",
            "linestring",
            "polygon",
            "multipoint",
            "multilinestring",
            "multipolygon",
            "geometrycollection",
            "geomcollection");
      }
      case MySqlType.VECTOR -> {
        prefix(i, metadata);
        simple(i, K_BLOB, ColumnType.VECTOR, declared, "vector");
      }
      case MySqlType.NULL -> simple(i, K_NULL, ColumnType.NULL, "", "");
      default -> {
        kind[i] = K_UNSUPPORTED;
        types[i] = ColumnType.NULL;
        meta[i] = real;
      }
    }
  }

  private void prefix(int i, int metadata) {
    if (metadata < 1 || metadata > 4) {
      throw new MalformedValueException(
          "length prefix of " + metadata + " bytes is impossible (column " + (i + 1) + ")");
    }
    meta[i] = metadata;
  }

  private void integer(int i, int k, ColumnType t, String declared, String... accepted) {
    simple(i, k, t, declared, accepted);
  }

  private void simple(int i, int k, ColumnType t, String declared, String... accepted) {
    kind[i] = k;
    types[i] = t;
    requireCompatible(i, t, declared, accepted);
  }

  private void fractional(int i, int k, ColumnType t, int fsp, String declared, String accepted) {
    if (fsp > 6) {
      throw new MalformedValueException("fractional precision " + fsp + " > 6");
    }
    simple(i, k, t, declared, accepted);
    meta[i] = fsp;
    scales[i] = fsp;
  }

  private void text(
      int i,
      int k,
      ColumnType textType,
      ColumnType bytesType,
      ColumnSchema column,
      String declared,
      String... accepted) {
    kind[i] = k;
    Optional<Charset> charset =
        map.hasCollations()
            ? Charsets.forCollation(map.collation(i))
            : column != null ? Charsets.forName(column.charset()) : Optional.empty();
    charsets[i] = charset.orElse(null);
    types[i] = charsets[i] != null ? textType : bytesType;
    requireCompatible(i, types[i], declared, accepted);
  }

  private void requireCompatible(int i, ColumnType t, String declared, String... accepted) {
    if (declared.isEmpty()) {
      return;
    }
    for (String a : accepted) {
      if (declared.equals(a)) {
        return;
      }
    }
    throw new ShapeMismatch(
        "column "
            + (i + 1)
            + " ("
            + names[i]
            + ") is "
            + declared
            + " in the schema history but the binlog writes "
            + MySqlType.name(TableMap.realType(map.type(i), map.metadata(i))));
  }

  public TableMap tableMap() {
    return map;
  }

  /** The first column this reader cannot decode, or -1. */
  public int firstUnsupportedColumn() {
    for (int i = 0; i < columns; i++) {
      if (kind[i] == K_UNSUPPORTED) {
        return i;
      }
    }
    return -1;
  }

  /** The binlog type code of a column (for error messages). */
  public int binlogType(int column) {
    return TableMap.realType(map.type(column), map.metadata(column));
  }

  @Override
  public TableName name() {
    return map.name();
  }

  @Override
  public int columnCount() {
    return columns;
  }

  @Override
  public String columnName(int column) {
    return names[column];
  }

  @Override
  public ColumnType columnType(int column) {
    return types[column];
  }

  @Override
  public boolean isUnsigned(int column) {
    return unsigned[column];
  }

  @Override
  public int scale(int column) {
    return scales[column];
  }

  @Override
  public int ordinalOf(String columnName) {
    Integer ordinal = ordinals.get(columnName);
    if (ordinal == null) {
      ordinal = ordinals.get(columnName.toLowerCase(Locale.ROOT));
    }
    return ordinal == null ? -1 : ordinal;
  }

  /** Exact names first; lower-case names for case-insensitive lookups (the first column wins). */
  private static Map<String, Integer> ordinals(String[] names) {
    Map<String, Integer> byName = new HashMap<>(names.length * 4);
    for (int i = 0; i < names.length; i++) {
      byName.putIfAbsent(names[i], i);
    }
    for (int i = 0; i < names.length; i++) {
      byName.putIfAbsent(names[i].toLowerCase(Locale.ROOT), i);
    }
    return byName;
  }

  @Override
  public List<Integer> primaryKey() {
    return primaryKey;
  }

  @Override
  public boolean hasColumnNames() {
    return namesKnown;
  }

  /** ENUM/SET labels of a column when known (internal). */
  String[] labels(int column) {
    return labels[column];
  }

  @Override
  public String toString() {
    return map.name().toString();
  }
}
