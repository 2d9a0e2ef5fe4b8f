package dev.hamal.reconcile;

import dev.hamal.order.SourceRow;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One source row read over JDBC, as a business line's {@link SourceRow}: the columns the line's
 * mapping reads, typed by {@link ColumnValues}. Immutable once read.
 */
final class JdbcRow implements SourceRow {
  private final Shape shape;
  private final Object[] values;

  private JdbcRow(Shape shape, Object[] values) {
    this.shape = shape;
    this.values = values;
  }

  /** The columns of one table's select, shared by its rows. */
  record Shape(
      String schema,
      String table,
      List<SourceDatabase.Column> columns,
      Map<String, Integer> index) {
    static Shape of(SourceDatabase.SourceTable table) {
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < table.columns().size(); i++) {
        index.put(table.columns().get(i).name(), i);
      }
      return new Shape(table.schema(), table.table(), table.columns(), Map.copyOf(index));
    }
  }

  static JdbcRow read(Shape shape, ResultSet row) throws SQLException {
    Object[] values = new Object[shape.columns().size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = ColumnValues.read(row, i + 1, shape.columns().get(i).kind());
    }
    return new JdbcRow(shape, values);
  }

  @Override
  public String schema() {
    return shape.schema();
  }

  @Override
  public String table() {
    return shape.table();
  }

  @Override
  public boolean has(String column) {
    return shape.index().containsKey(column);
  }

  @Override
  public Optional<Object> value(String column) {
    Integer i = shape.index().get(column);
    return i == null ? Optional.empty() : Optional.ofNullable(values[i]);
  }

  /** The value of {@code column} as text, for reports; {@code "NULL"} when it has none. */
  String text(String column) {
    return value(column)
        .map(v ->
            v instanceof byte[] bytes ? java.util.HexFormat.of().formatHex(bytes) : v.toString())
        .orElse("NULL");
  }
}
