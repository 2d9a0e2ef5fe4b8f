package dev.hamal.order;

import java.util.Objects;
import java.util.Optional;

/**
 * What an order id says about its source row, read back through the line's {@code order_id.format}
 * ({@link BusinessLine#parseOrderId}): the schema and table when the format names them, and the id
 * column's value as text.
 *
 * @param schema the source schema, when the format has {@code {schema}}
 * @param table the source table, when the format has {@code {table}}
 * @param id the id column's value as text, never empty
 */
public record OrderIdParts(Optional<String> schema, Optional<String> table, String id) {

  /** Checks the parts are present and the id is not empty. */
  public OrderIdParts {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(id, "id");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("an order id's source id must not be empty");
    }
  }
}
