package dev.hamal.order;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A source row backed by a map; a key mapped to null is SQL NULL, a missing key is not in the
 * image.
 */
record MapRow(String schema, String table, Map<String, Object> values) implements SourceRow {
  static MapRow of(String schema, String table, Object... columnsAndValues) {
    var values = new HashMap<String, Object>();
    for (int i = 0; i < columnsAndValues.length; i += 2) {
      values.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
    }
    return new MapRow(schema, table, values);
  }

  MapRow with(String column, Object value) {
    var copy = new HashMap<>(values);
    copy.put(column, value);
    return new MapRow(schema, table, copy);
  }

  MapRow without(String column) {
    var copy = new HashMap<>(values);
    copy.remove(column);
    return new MapRow(schema, table, copy);
  }

  @Override
  public boolean has(String column) {
    return values.containsKey(column);
  }

  @Override
  public Optional<Object> value(String column) {
    return Optional.ofNullable(values.get(column));
  }
}
