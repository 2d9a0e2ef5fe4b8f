package dev.hamal.app;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One row-level write a product line's application performs: an insert of a row or an update of the
 * rows with a given key. Tables are unqualified; the caller decides the schema, so the same writes
 * can target {@code topup} or a benchmark's copy of it.
 *
 * <p>Values are {@link Long}, {@link Integer}, {@link String}, {@link java.math.BigDecimal}, {@link
 * Double}, {@code byte[]}, {@link java.time.LocalDateTime}, {@link java.time.LocalDate} or {@link
 * java.time.LocalTime}; a column that should be NULL is left out of an insert. Column order is the
 * order the maps were built in, so the SQL text is stable.
 */
public sealed interface RowWrite {

  /** The unqualified table name. */
  String table();

  /** Inserts one row. */
  record Insert(String table, Map<String, Object> values) implements RowWrite {
    public Insert {
      Objects.requireNonNull(table, "table");
      values = frozen(values);
    }
  }

  /** Sets columns on the rows whose {@code keyColumn} equals {@code key}. */
  record Update(String table, Map<String, Object> set, String keyColumn, Object key)
      implements RowWrite {
    public Update {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(keyColumn, "keyColumn");
      Objects.requireNonNull(key, "key");
      set = frozen(set);
      if (set.isEmpty()) {
        throw new IllegalArgumentException("an update of " + table + " must set a column");
      }
    }
  }

  private static Map<String, Object> frozen(Map<String, Object> values) {
    var copy = new LinkedHashMap<String, Object>(values.size() * 2);
    values.forEach((column, value) ->
        copy.put(
            Objects.requireNonNull(column, "column"),
            Objects.requireNonNull(value, () -> "value of " + column)));
    return Collections.unmodifiableMap(copy);
  }
}
