package dev.hamal.binlog;

import java.util.List;
import java.util.Objects;

/**
 * What the binlog does not say about a column and the decoder needs: its name, whether an integer
 * is unsigned, the character set of a text column, and the labels of an ENUM or SET.
 *
 * @param name column name
 * @param dataType SQL data type in lower case as {@code information_schema} spells it ({@code int},
 *     {@code varchar}, {@code json}, ...); {@code ""} when unknown (names carried by the binlog's
 *     table map without a type)
 * @param unsigned whether a numeric column is {@code UNSIGNED}
 * @param charset MySQL character set name of a character column ({@code utf8mb4}, {@code latin1},
 *     ...); {@code ""} for binary and non-character columns
 * @param labels the values of an ENUM or SET column in definition order; empty otherwise
 */
public record ColumnSchema(
    String name, String dataType, boolean unsigned, String charset, List<String> labels) {

  public ColumnSchema {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dataType, "dataType");
    Objects.requireNonNull(charset, "charset");
    labels = List.copyOf(labels);
  }

  /** A column of which only the name is known. */
  public static ColumnSchema named(String name) {
    return new ColumnSchema(name, "", false, "", List.of());
  }

  /** Whether the column holds text in a character set (as opposed to bytes or numbers). */
  public boolean isText() {
    return !charset.isEmpty() && !charset.equals("binary");
  }
}
