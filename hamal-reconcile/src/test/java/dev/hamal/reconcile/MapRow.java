package dev.hamal.reconcile;

import dev.hamal.order.SourceRow;
import java.util.Map;
import java.util.Optional;

/**
 * A source row typed by hand exactly as the listener's binlog decoder types it (BIGINT UNSIGNED as
 * BigInteger, integers as Long, TIMESTAMP as Instant, DATETIME as LocalDateTime, ...): orders
 * mapped from it are what the listener would have published, the reference the reconciler's JDBC
 * rows must match.
 */
record MapRow(String schema, String table, Map<String, Object> values) implements SourceRow {
  @Override
  public boolean has(String column) {
    return values.containsKey(column);
  }

  @Override
  public Optional<Object> value(String column) {
    return Optional.ofNullable(values.get(column));
  }
}
