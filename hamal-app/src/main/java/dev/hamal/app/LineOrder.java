package dev.hamal.app;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A newly placed order of one product line, as its application writes it.
 *
 * @param line the business line
 * @param id the order's primary key in {@code table}
 * @param table the unqualified order table (for a sharded line, the user's shard)
 * @param writes the inserts that place the order: the order row first, then its items, passengers
 *     and the like
 */
public record LineOrder(ProductLine line, long id, String table, List<RowWrite> writes) {
  public LineOrder {
    Objects.requireNonNull(line, "line");
    Objects.requireNonNull(table, "table");
    writes = List.copyOf(writes);
    if (writes.isEmpty()
        || !(writes.getFirst() instanceof RowWrite.Insert first)
        || !first.table().equals(table)) {
      throw new IllegalArgumentException("the first write must insert the order row into " + table);
    }
  }

  /** The values of the order row as inserted; NULL columns are absent. */
  public Map<String, Object> row() {
    return ((RowWrite.Insert) writes.getFirst()).values();
  }

  /** A column of the order row that the model always sets. */
  <T> T get(String column, Class<T> type) {
    Object value = row().get(column);
    if (value == null) {
      throw new IllegalStateException(line + " order " + id + " has no " + column);
    }
    return type.cast(value);
  }
}
