package dev.hamal.binlog.wire;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The answer to a {@code COM_QUERY} in the text protocol: column names and rows of values as the
 * server printed them, decoded as UTF-8. Immutable.
 *
 * <p>Internal API of the binlog module: unlike the rest of Hamal's public types, a row list holds
 * {@code null} where the value is SQL NULL. A statement without a result set (an OK packet) gives
 * no columns and no rows.
 *
 * @param columns column names (labels) in order
 * @param rows each row's values in column order; {@code null} stands for SQL NULL
 */
public record QueryResult(List<String> columns, List<List<String>> rows) {

  public QueryResult {
    columns = List.copyOf(columns);
    List<List<String>> copy = new ArrayList<>(rows.size());
    for (List<String> row : rows) {
      if (row.size() != columns.size()) {
        throw new IllegalArgumentException(
            "row has " + row.size() + " values for " + columns.size() + " columns");
      }
      copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
    }
    rows = Collections.unmodifiableList(copy);
  }

  /** The result of a statement that returned no result set. */
  public static QueryResult none() {
    return new QueryResult(List.of(), List.of());
  }

  /**
   * The index of the named column, compared case-insensitively as MySQL compares column names.
   *
   * @throws IllegalArgumentException naming the columns there are, when none has that name
   */
  public int columnIndex(String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).equalsIgnoreCase(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no column '" + name + "' in " + columns);
  }
}
