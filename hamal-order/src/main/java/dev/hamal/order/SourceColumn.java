package dev.hamal.order;

import java.util.Objects;

/**
 * A column of a source table as the listener knows it, for {@link BusinessLine#validateAgainst}.
 *
 * @param name the column name
 * @param sqlTypeName the SQL type: {@code information_schema.COLUMNS.COLUMN_TYPE} (e.g. {@code
 *     decimal(10,2)}, {@code bigint(20) unsigned}, {@code enum('a','b')}) or just {@code DATA_TYPE}
 *     ({@code decimal}); case does not matter. With a full ENUM type the labels are checked too.
 */
public record SourceColumn(String name, String sqlTypeName) {
  /** Checks that both parts are present. */
  public SourceColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(sqlTypeName, "sqlTypeName");
  }
}
