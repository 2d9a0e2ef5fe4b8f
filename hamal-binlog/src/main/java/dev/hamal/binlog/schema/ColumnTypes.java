package dev.hamal.binlog.schema;

import dev.hamal.binlog.ColumnSchema;
import dev.hamal.binlog.schema.DdlStatement.ColumnSpec;
import dev.hamal.binlog.schema.SqlDialect.Flavour;
import dev.hamal.binlog.schema.TableDefinition.ResolvedColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a column definition as written into the column the server creates: the {@code
 * information_schema} data type, whether it is unsigned, its character set and ENUM/SET labels.
 *
 * <p>The rules follow what MySQL and MariaDB do and were checked against a live server's {@code
 * information_schema} (see {@code SchemaHistoryLiveServerIT}):
 *
 * <ul>
 *   <li>character set: the column's {@code CHARACTER SET}, else its {@code COLLATE}'s set, else
 *       {@code ASCII} (latin1), {@code UNICODE} (ucs2), {@code BYTE} (binary) or {@code NATIONAL}
 *       (utf8mb3), else the table default. The {@code BINARY} attribute only picks the binary
 *       collation of that set.
 *   <li>a text type in the {@code binary} character set is the matching binary type ({@code CHAR(3)
 *       CHARACTER SET binary} is {@code binary(3)}).
 *   <li>{@code TEXT(n)}/{@code BLOB(n)} become the smallest type holding n characters/bytes; a
 *       {@code VARCHAR(n)} longer than 65,535 bytes becomes a TEXT type (only possible when the
 *       session was not strict, but then that is what the server did).
 *   <li>{@code JSON} is {@code longtext} in utf8mb4 on MariaDB and {@code json} on MySQL.
 *   <li>trailing spaces of ENUM/SET labels are removed; ZEROFILL implies UNSIGNED.
 * </ul>
 */
final class ColumnTypes {

  private static final Set<String> NUMERIC =
      Set.of(
          "tinyint",
          "smallint",
          "mediumint",
          "int",
          "bigint",
          "decimal",
          "float",
          "double",
          "real");

  private static final Set<String> PLAIN =
      Set.of(
          "bit",
          "date",
          "time",
          "datetime",
          "timestamp",
          "year",
          "binary",
          "varbinary",
          "tinyblob",
          "mediumblob",
          "longblob",
          "geometry",
          "point",
          "linestring",
          "polygon",
          "multipoint",
          "multilinestring",
          "multipolygon",
          "geometrycollection",
          "geomcollection",
          "inet4",
          "inet6",
          "uuid",
          "vector");

  private static final List<String> TEXT_TYPES =
      List.of("tinytext", "text", "mediumtext", "longtext");
  private static final List<String> BLOB_TYPES =
      List.of("tinyblob", "blob", "mediumblob", "longblob");
  private static final long[] MAX_BYTES = {255L, 65_535L, 16_777_215L, 4_294_967_295L};
  private static final long MAX_VARCHAR_BYTES = 65_535L;

  private ColumnTypes() {}

  /**
   * The column the server creates from {@code spec} in a table whose default character set is
   * {@code tableCharset} ({@code ""} when unknown).
   *
   * @throws DdlException when the column cannot be resolved without guessing
   */
  static ResolvedColumn resolve(ColumnSpec spec, String tableCharset, SqlDialect dialect) {
    String type = spec.type();
    if (NUMERIC.contains(type)) {
      if (type.equals("real")) {
        type = dialect.realAsFloat() ? "float" : "double";
      }
      return column(spec, type, spec.unsigned() || spec.zerofill(), "", 0);
    }
    if (PLAIN.contains(type) || type.equals("blob")) {
      if (type.equals("blob") && spec.length() >= 0) {
        type = BLOB_TYPES.get(sizeClass(spec.length()));
      }
      return column(spec, type, false, "", 0);
    }
    if (type.equals("json")) {
      if (dialect.flavour() == Flavour.MARIADB) {
        return column(spec, "longtext", false, "utf8mb4", 0);
      }
      if (dialect.flavour() == Flavour.MYSQL) {
        return column(spec, "json", false, "", 0);
      }
      throw new DdlException(
          "JSON column " + spec.name() + ": unknown whether the server is MySQL or MariaDB");
    }
    String charset = charsetOf(spec, tableCharset);
    return textColumn(spec, type, charset);
  }

  private static ResolvedColumn textColumn(ColumnSpec spec, String type, String charset) {
    int mb = Charsets.maxBytesPerChar(charset);
    long charLength = 0;
    switch (type) {
      case "char" -> {
        charLength = spec.length() < 0 ? 1 : spec.length();
        if (charLength > 255) {
          throw new DdlException("CHAR(" + charLength + ") is longer than 255");
        }
      }
      case "varchar" -> {
        if (spec.length() < 0) {
          throw new DdlException("VARCHAR without a length");
        }
        charLength = spec.length();
        if (charLength * mb > MAX_VARCHAR_BYTES) {
          type = TEXT_TYPES.get(sizeClass(charLength * mb));
          charLength = 0;
        }
      }
      case "text" -> {
        if (spec.length() >= 0) {
          type = TEXT_TYPES.get(sizeClass(spec.length() * mb));
        }
      }
      case "tinytext", "mediumtext", "longtext", "enum", "set" -> {}
      default -> throw new DdlException("unsupported data type " + type);
    }
    List<String> labels = new ArrayList<>();
    for (String label : spec.labels()) {
      labels.add(stripTrailingSpaces(label));
    }
    if (charset.equals(Charsets.BINARY)) {
      return binaryVariant(spec.name(), type, labels, charLength);
    }
    return new ResolvedColumn(
        new ColumnSchema(spec.name(), type, false, charset, labels), charLength);
  }

  /** The binary type a text type becomes in the {@code binary} character set. */
  private static ResolvedColumn binaryVariant(
      String name, String type, List<String> labels, long charLength) {
    return switch (type) {
      case "char" -> plain(name, "binary", charLength);
      case "varchar" -> plain(name, "varbinary", charLength);
      case "enum", "set" ->
          new ResolvedColumn(new ColumnSchema(name, type, false, Charsets.BINARY, labels), 0);
      default -> plain(name, BLOB_TYPES.get(TEXT_TYPES.indexOf(type)), 0);
    };
  }

  private static ResolvedColumn plain(String name, String type, long length) {
    return new ResolvedColumn(new ColumnSchema(name, type, false, "", List.of()), length);
  }

  private static String charsetOf(ColumnSpec spec, String tableCharset) {
    Optional<String> context =
        tableCharset.isEmpty() ? Optional.empty() : Optional.of(tableCharset);
    if (!spec.charset().isEmpty()) {
      return Charsets.canonical(spec.charset())
          .orElseThrow(() -> new DdlException("unknown character set " + spec.charset()));
    }
    if (!spec.collation().isEmpty()) {
      return Charsets.ofCollation(spec.collation(), context)
          .orElseThrow(() ->
              new DdlException("cannot tell the character set of collation " + spec.collation()));
    }
    if (spec.ascii()) {
      return "latin1";
    }
    if (spec.unicode()) {
      return "ucs2";
    }
    if (spec.byteCharset()) {
      return Charsets.BINARY;
    }
    if (spec.national()) {
      return "utf8mb3";
    }
    if (tableCharset.isEmpty()) {
      throw new DdlException(
          "column " + spec.name() + " takes the table's default character set, which is unknown");
    }
    return tableCharset;
  }

  private static ResolvedColumn column(
      ColumnSpec spec, String type, boolean unsigned, String charset, long charLength) {
    return new ResolvedColumn(
        new ColumnSchema(spec.name(), type, unsigned, charset, List.of()), charLength);
  }

  /**
   * What {@code CONVERT TO CHARACTER SET charset} makes of a column: text columns move to the new
   * set, and a TEXT type or VARCHAR that could no longer hold as many characters grows to the
   * smallest TEXT type that can (types never shrink). Binary and non-text columns are unchanged.
   */
  static ResolvedColumn convert(ResolvedColumn column, String charset) {
    ColumnSchema schema = column.schema();
    String type = schema.dataType();
    boolean textual =
        TEXT_TYPES.contains(type)
            || type.equals("char")
            || type.equals("varchar")
            || type.equals("enum")
            || type.equals("set");
    if (!textual || schema.charset().isEmpty()) {
      return column;
    }
    int oldMb = Charsets.maxBytesPerChar(schema.charset());
    int newMb = Charsets.maxBytesPerChar(charset);
    long charLength = column.charLength();
    if (TEXT_TYPES.contains(type)) {
      int current = TEXT_TYPES.indexOf(type);
      long chars = MAX_BYTES[current] / oldMb;
      type = TEXT_TYPES.get(Math.max(current, sizeClass(chars * newMb)));
    } else if (type.equals("varchar") && charLength * newMb > MAX_VARCHAR_BYTES) {
      type = TEXT_TYPES.get(sizeClass(charLength * newMb));
      charLength = 0;
    }
    if (charset.equals(Charsets.BINARY)) {
      return binaryVariant(schema.name(), type, schema.labels(), charLength);
    }
    return new ResolvedColumn(
        new ColumnSchema(schema.name(), type, schema.unsigned(), charset, schema.labels()),
        charLength);
  }

  /** Index into the tiny/plain/medium/long families of the smallest type holding bytes. */
  private static int sizeClass(long bytes) {
    for (int i = 0; i < MAX_BYTES.length; i++) {
      if (bytes <= MAX_BYTES[i]) {
        return i;
      }
    }
    return MAX_BYTES.length - 1;
  }

  private static String stripTrailingSpaces(String label) {
    int end = label.length();
    while (end > 0 && label.charAt(end - 1) == ' ') {
      end--;
    }
    return label.substring(0, end);
  }
}
