package dev.hamal.binlog.event;

import dev.hamal.binlog.TableName;
import java.util.Arrays;

/**
 * A TABLE_MAP event: the table id that the following rows events refer to, the table's name, its
 * column types with their type-specific metadata and nullability, and — when the server writes it
 * ({@code binlog_row_metadata=MINIMAL|FULL}, MySQL 8.0.1+ and MariaDB 10.5+) — optional metadata
 * such as signedness, character sets, column names, ENUM/SET labels and the primary key.
 *
 * <p>Layout after the post-header (table id, 6 bytes or 4 on ancient servers; flags, 2): schema
 * name (length byte, bytes, zero), table name (same), column count (length-encoded), one type byte
 * per column, the metadata block (length-encoded size, then per column 0, 1 or 2 bytes by type),
 * the nullability bitmap, then optional metadata as type (1 byte), length (length-encoded), value
 * until the end of the event.
 *
 * <p>Immutable after parsing. Arrays are owned by the instance and never handed out.
 */
public final class TableMap {
  /** Optional metadata field types. */
  static final int SIGNEDNESS = 1;

  static final int DEFAULT_CHARSET = 2;
  static final int COLUMN_CHARSET = 3;
  static final int COLUMN_NAME = 4;
  static final int SET_STR_VALUE = 5;
  static final int ENUM_STR_VALUE = 6;
  static final int GEOMETRY_TYPE = 7;
  static final int SIMPLE_PRIMARY_KEY = 8;
  static final int PRIMARY_KEY_WITH_PREFIX = 9;
  static final int ENUM_AND_SET_DEFAULT_CHARSET = 10;
  static final int ENUM_AND_SET_COLUMN_CHARSET = 11;
  static final int COLUMN_VISIBILITY = 12;

  /** Columns a table may have (MySQL's limit is 4096; a larger count is corrupt data). */
  static final int MAX_COLUMNS = 4096;

  private final long tableId;
  private final TableName name;
  private final int[] types;
  private final int[] metadata;
  private final boolean[] nullable;
  private final byte[] signedness; // null when not carried; else 1 = unsigned per column
  private final int[] collations; // null when not carried; -1 for non-character columns
  private final String[] columnNames; // null when not carried
  private final String[][] labels; // null when not carried; per ENUM/SET column
  private final int[] primaryKey; // null when not carried
  private final int bodyHash;
  private final byte[] body;

  private TableMap(
      long tableId,
      TableName name,
      int[] types,
      int[] metadata,
      boolean[] nullable,
      byte[] signedness,
      int[] collations,
      String[] columnNames,
      String[][] labels,
      int[] primaryKey,
      byte[] body) {
    this.tableId = tableId;
    this.name = name;
    this.types = types;
    this.metadata = metadata;
    this.nullable = nullable;
    this.signedness = signedness;
    this.collations = collations;
    this.columnNames = columnNames;
    this.labels = labels;
    this.primaryKey = primaryKey;
    this.body = body;
    this.bodyHash = Arrays.hashCode(body);
  }

  /**
   * Parses the event (whole event, header included) described by {@code format}.
   *
   * @throws MalformedValueException when the bytes are not a valid table map
   */
  public static TableMap parse(byte[] event, FormatDescription format) {
    int end = event.length - format.checksumLength();
    ByteCursor in = new ByteCursor(event, format.headerLength(), end);
    int postHeader = format.postHeaderLength(EventType.TABLE_MAP, 8);
    long tableId = postHeader == 6 ? in.u32() : in.u48();
    in.skip(2); // flags
    int bodyStart = in.position();
    String schema = in.utf8(in.u8());
    in.skip(1);
    String table = in.utf8(in.u8());
    in.skip(1);
    int columns = in.packedCount(MAX_COLUMNS);
    int[] types = new int[columns];
    int typesAt = in.take(columns);
    for (int i = 0; i < columns; i++) {
      types[i] = event[typesAt + i] & 0xff;
    }
    int metadataSize = in.packedLength();
    int metadataEnd = in.position() + metadataSize;
    int[] metadata = new int[columns];
    for (int i = 0; i < columns; i++) {
      metadata[i] = readMetadata(in, types[i]);
    }
    if (in.position() != metadataEnd) {
      throw new MalformedValueException(
          "column metadata of "
              + schema
              + "."
              + table
              + " is "
              + metadataSize
              + " bytes but the types need "
              + (in.position() - (metadataEnd - metadataSize)));
    }
    boolean[] nullable = new boolean[columns];
    int nullsAt = in.take((columns + 7) >>> 3);
    for (int i = 0; i < columns; i++) {
      nullable[i] = (event[nullsAt + (i >>> 3)] & (1 << (i & 7))) != 0;
    }
    byte[] body = Arrays.copyOfRange(event, bodyStart, end);
    OptionalFields parsed = new OptionalFields(types, metadata, format.isMariaDb());
    while (in.hasRemaining()) {
      int fieldType = in.u8();
      int length = in.packedLength();
      ByteCursor field = new ByteCursor(event, in.take(length), in.position());
      parsed.read(fieldType, field);
    }
    return new TableMap(
        tableId,
        new TableName(schema, table),
        types,
        metadata,
        nullable,
        parsed.signedness,
        parsed.collations(),
        parsed.columnNames,
        parsed.labels,
        parsed.primaryKey,
        body);
  }

  private static int readMetadata(ByteCursor in, int type) {
    return switch (type) {
      case MySqlType.FLOAT,
          MySqlType.DOUBLE,
          MySqlType.BLOB,
          MySqlType.TINY_BLOB,
          MySqlType.MEDIUM_BLOB,
          MySqlType.LONG_BLOB,
          MySqlType.JSON,
          MySqlType.GEOMETRY,
          MySqlType.VECTOR,
          MySqlType.TIMESTAMP2,
          MySqlType.DATETIME2,
          MySqlType.TIME2 ->
          in.u8();
      case MySqlType.VARCHAR, MySqlType.VAR_STRING -> in.u16();
      case MySqlType.BIT, MySqlType.NEWDECIMAL, MySqlType.DECIMAL -> in.u16();
      // real type in the first byte, length in the second
      case MySqlType.STRING, MySqlType.ENUM, MySqlType.SET -> in.u8() << 8 | in.u8();
      default -> 0;
    };
  }

  /** Collects the optional metadata fields while parsing. */
  private static final class OptionalFields {
    private final int[] types;
    private final int[] metadata;
    private final boolean mariaDb;
    byte[] signedness;
    int[] characterCollations; // per character column, in order
    int defaultCollation = -1;
    int[] characterOverrides; // column index among character columns -> collation
    int[] enumSetCollations;
    int enumSetDefault = -1;
    int[] enumSetOverrides;
    String[] columnNames;
    String[][] labels;
    int[] primaryKey;

    OptionalFields(int[] types, int[] metadata, boolean mariaDb) {
      this.types = types;
      this.metadata = metadata;
      this.mariaDb = mariaDb;
    }

    void read(int fieldType, ByteCursor in) {
      switch (fieldType) {
        case SIGNEDNESS -> readSignedness(in);
        case DEFAULT_CHARSET -> {
          defaultCollation = (int) in.packed();
          characterOverrides = readOverrides(in, countCharacterColumns());
        }
        case COLUMN_CHARSET -> characterCollations = readCollations(in);
        case ENUM_AND_SET_DEFAULT_CHARSET -> {
          enumSetDefault = (int) in.packed();
          enumSetOverrides = readOverrides(in, countEnumSetColumns());
        }
        case ENUM_AND_SET_COLUMN_CHARSET -> enumSetCollations = readCollations(in);
        case COLUMN_NAME -> {
          String[] names = new String[types.length];
          for (int i = 0; i < names.length; i++) {
            names[i] = in.utf8(in.packedLength());
          }
          columnNames = names;
        }
        case SET_STR_VALUE -> readLabels(in, MySqlType.SET);
        case ENUM_STR_VALUE -> readLabels(in, MySqlType.ENUM);
        case SIMPLE_PRIMARY_KEY -> {
          int[] key = new int[0];
          while (in.hasRemaining()) {
            key = Arrays.copyOf(key, key.length + 1);
            key[key.length - 1] = column(in.packed());
          }
          primaryKey = key;
        }
        case PRIMARY_KEY_WITH_PREFIX -> {
          int[] key = new int[0];
          while (in.hasRemaining()) {
            key = Arrays.copyOf(key, key.length + 1);
            key[key.length - 1] = column(in.packed());
            in.packed(); // prefix length
          }
          primaryKey = key;
        }
        default -> {
          // GEOMETRY_TYPE, COLUMN_VISIBILITY and future fields carry nothing we need.
        }
      }
    }

    private int column(long index) {
      if (index < 0 || index >= types.length) {
        throw new MalformedValueException("column index " + index + " out of range");
      }
      return (int) index;
    }

    private void readSignedness(ByteCursor in) {
      byte[] unsigned = new byte[types.length];
      int bit = 0;
      for (int i = 0; i < types.length; i++) {
        if (MySqlType.isNumeric(types[i])) {
          int at = bit >>> 3;
          if (at >= in.remaining()) {
            throw new MalformedValueException("signedness bitmap too short");
          }
          int b = in.array()[in.position() + at] & 0xff;
          unsigned[i] = (byte) ((b & (0x80 >>> (bit & 7))) != 0 ? 1 : 0);
          bit++;
        }
      }
      signedness = unsigned;
    }

    private int[] readOverrides(ByteCursor in, int count) {
      int[] collations = new int[count];
      Arrays.fill(collations, -1);
      while (in.hasRemaining()) {
        long index = in.packed();
        long collation = in.packed();
        if (index < 0 || index >= count) {
          throw new MalformedValueException("charset column index " + index + " out of range");
        }
        collations[(int) index] = (int) collation;
      }
      return collations;
    }

    private int[] readCollations(ByteCursor in) {
      int[] collations = new int[0];
      while (in.hasRemaining()) {
        collations = Arrays.copyOf(collations, collations.length + 1);
        collations[collations.length - 1] = (int) in.packed();
      }
      return collations;
    }

    private void readLabels(ByteCursor in, int realType) {
      if (labels == null) {
        labels = new String[types.length][];
      }
      for (int i = 0; i < types.length; i++) {
        if (realType(types[i], metadata[i]) != realType) {
          continue;
        }
        if (!in.hasRemaining()) {
          throw new MalformedValueException("too few ENUM/SET label lists");
        }
        int count = in.packedCount(in.remaining());
        String[] values = new String[count];
        for (int v = 0; v < count; v++) {
          values[v] = in.utf8(in.packedLength());
        }
        labels[i] = values;
      }
    }

    private int countCharacterColumns() {
      int n = 0;
      for (int i = 0; i < types.length; i++) {
        if (isCharacter(types[i], metadata[i], mariaDb)) {
          n++;
        }
      }
      return n;
    }

    private int countEnumSetColumns() {
      int n = 0;
      for (int i = 0; i < types.length; i++) {
        int real = realType(types[i], metadata[i]);
        if (real == MySqlType.ENUM || real == MySqlType.SET) {
          n++;
        }
      }
      return n;
    }

    /** Collation per column (-1 where unknown or not a character/ENUM/SET column). */
    int[] collations() {
      if (characterCollations == null
          && defaultCollation < 0
          && enumSetCollations == null
          && enumSetDefault < 0) {
        return null;
      }
      int[] result = new int[types.length];
      Arrays.fill(result, -1);
      int character = 0;
      int enumSet = 0;
      for (int i = 0; i < types.length; i++) {
        int real = realType(types[i], metadata[i]);
        if (real == MySqlType.ENUM || real == MySqlType.SET) {
          result[i] = pick(enumSetCollations, enumSetOverrides, enumSetDefault, enumSet++);
        } else if (isCharacter(types[i], metadata[i], mariaDb)) {
          result[i] = pick(characterCollations, characterOverrides, defaultCollation, character++);
        }
      }
      return result;
    }

    private static int pick(int[] perColumn, int[] overrides, int fallback, int index) {
      if (perColumn != null) {
        if (index >= perColumn.length) {
          throw new MalformedValueException("too few column charsets");
        }
        return perColumn[index];
      }
      if (overrides != null && index < overrides.length && overrides[index] >= 0) {
        return overrides[index];
      }
      return fallback;
    }
  }

  /** The real type of a column: ENUM and SET hide behind STRING with the real type in metadata. */
  static int realType(int type, int metadata) {
    if (type != MySqlType.STRING) {
      return type;
    }
    int first = metadata >>> 8;
    if ((first & 0x30) != 0x30) {
      return first | 0x30; // long CHAR: the high length bits are stored inverted in the type byte
    }
    return first;
  }

  /**
   * Whether the column is a character column in the sense of the charset metadata. MariaDB counts
   * GEOMETRY among them (its field class derives from BLOB); MySQL does not.
   */
  static boolean isCharacter(int type, int metadata, boolean mariaDb) {
    return switch (type) {
      case MySqlType.GEOMETRY -> mariaDb;
      case MySqlType.VARCHAR,
          MySqlType.VAR_STRING,
          MySqlType.BLOB,
          MySqlType.TINY_BLOB,
          MySqlType.MEDIUM_BLOB,
          MySqlType.LONG_BLOB ->
          true;
      case MySqlType.STRING -> realType(type, metadata) == MySqlType.STRING;
      default -> false;
    };
  }

  public long tableId() {
    return tableId;
  }

  public TableName name() {
    return name;
  }

  public int columnCount() {
    return types.length;
  }

  public int type(int column) {
    return types[column];
  }

  public int metadata(int column) {
    return metadata[column];
  }

  public boolean isNullable(int column) {
    return nullable[column];
  }

  public boolean hasSignedness() {
    return signedness != null;
  }

  public boolean isUnsigned(int column) {
    return signedness != null && signedness[column] != 0;
  }

  /** Collation id of a character, ENUM or SET column; -1 when not carried or not such a column. */
  public int collation(int column) {
    return collations == null ? -1 : collations[column];
  }

  public boolean hasCollations() {
    return collations != null;
  }

  public boolean hasColumnNames() {
    return columnNames != null;
  }

  public String columnName(int column) {
    if (columnNames == null) {
      throw new IllegalStateException("the table map carries no column names");
    }
    return columnNames[column];
  }

  /** ENUM/SET labels of the column, or {@code null} when not carried (internal API). */
  String[] labels(int column) {
    return labels == null ? null : labels[column];
  }

  public boolean hasLabels() {
    return labels != null;
  }

  /** Primary key column ordinals, or {@code null} when not carried (internal API). */
  int[] primaryKey() {
    return primaryKey;
  }

  /** The table id of a TABLE_MAP event, without parsing the rest. */
  public static long tableId(byte[] event, FormatDescription format) {
    ByteCursor in = new ByteCursor(event, format.headerLength(), event.length);
    return format.postHeaderLength(EventType.TABLE_MAP, 8) == 6 ? in.u32() : in.u48();
  }

  /**
   * Whether the TABLE_MAP event holds exactly this map's bytes after its table id, so that the
   * reader can reuse what it derived from this map without parsing the event again.
   */
  public boolean hasSameBody(byte[] event, FormatDescription format) {
    int start = format.headerLength() + format.postHeaderLength(EventType.TABLE_MAP, 8);
    int end = event.length - format.checksumLength();
    return end - start == body.length && Arrays.equals(event, start, end, body, 0, body.length);
  }

  /**
   * Whether {@code other} describes the same table the same way (same bytes after the table id):
   * servers repeat the table map before every statement, and the reader reuses what it derived from
   * an identical one.
   */
  public boolean sameDefinition(TableMap other) {
    return bodyHash == other.bodyHash && Arrays.equals(body, other.body);
  }
}
