package dev.hamal.reconcile;

import dev.hamal.order.BusinessLine;
import dev.hamal.order.MappingException;
import dev.hamal.order.SourceColumn;
import dev.hamal.reconcile.SourceDatabase.Column;
import dev.hamal.reconcile.SourceDatabase.SourceTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The tables the business lines of one product-line server map, from {@code information_schema},
 * each checked against its line's mapping as the listener checks a table before its first row.
 *
 * <p>A table that fits is kept with the columns the mapping reads, in the order of {@link
 * BusinessLine#columns()} (so two tables with the same column types read alike), and grouped with
 * the line's other tables of the same column types: one {@code UNION ALL} reads a group. A table
 * that does not fit is kept as a misfit with the mapping's reason; reads that would need it fail
 * with that reason instead of skipping it.
 *
 * <p>An immutable snapshot, safe to share between threads; {@link ProductLineOrders} loads one on
 * one of its pooled connections (two statements) and replaces it when it is older than {@code
 * product-line.table-cache-ttl} or a statement finds a table or column gone.
 */
final class ProductLineCatalog {

  /** Tables of one line whose read columns have the same types, in the same order. */
  record TableGroup(List<SourceTable> tables) {
    /** The kind of a read column (the same in every table of the group). */
    ColumnValues.Kind kindOf(String column) {
      for (Column c : tables.getFirst().columns()) {
        if (c.name().equals(column)) {
          return c.kind();
        }
      }
      throw new IllegalArgumentException("not a read column: " + column);
    }
  }

  /** A table of the line that does not fit its mapping, and the mapping's reason. */
  record Misfit(String schema, String table, String reason) {}

  /**
   * What a line has on this server.
   *
   * @param groups the tables that fit, grouped by column types
   * @param misfits tables that do not fit
   */
  record LineTables(List<TableGroup> groups, List<Misfit> misfits) {
    static final LineTables NONE = new LineTables(List.of(), List.of());
  }

  private final Map<String, LineTables> byLine;
  private final Instant loadedAt;

  private ProductLineCatalog(Map<String, LineTables> byLine, Instant loadedAt) {
    this.byLine = Map.copyOf(byLine);
    this.loadedAt = loadedAt;
  }

  /** When it was read. */
  Instant loadedAt() {
    return loadedAt;
  }

  /** The tables of {@code line} on this server; none when the server holds none. */
  LineTables of(BusinessLine line) {
    return byLine.getOrDefault(line.name(), LineTables.NONE);
  }

  /**
   * Reads the catalog: every base table some line maps, then their columns.
   *
   * @param timed adds the statement timeout to a statement's text
   */
  static ProductLineCatalog load(
      Connection connection,
      Collection<BusinessLine> lines,
      Instant now,
      UnaryOperator<String> timed)
      throws SQLException {
    Map<String, List<String>> tablesBySchema = new LinkedHashMap<>();
    String tablesQuery =
        timed.apply(
            "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES"
                + " WHERE TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_SCHEMA, TABLE_NAME");
    try (PreparedStatement s = connection.prepareStatement(tablesQuery);
        ResultSet rows = s.executeQuery()) {
      while (rows.next()) {
        String schema = rows.getString(1);
        String table = rows.getString(2);
        for (BusinessLine line : lines) {
          if (line.mapsTable(schema, table)) {
            tablesBySchema.computeIfAbsent(schema, k -> new ArrayList<>()).add(table);
            break;
          }
        }
      }
    }
    Map<String, List<SourceColumn>> columns = new HashMap<>();
    Map<String, Map<String, String[]>> types = new HashMap<>();
    if (!tablesBySchema.isEmpty()) {
      String placeholders =
          String.join(", ", java.util.Collections.nCopies(tablesBySchema.size(), "?"));
      String columnsQuery =
          timed.apply(
              "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE"
                  + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN ("
                  + placeholders
                  + ") ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION");
      try (PreparedStatement s = connection.prepareStatement(columnsQuery)) {
        int i = 1;
        for (String schema : tablesBySchema.keySet()) {
          s.setString(i++, schema);
        }
        try (ResultSet rows = s.executeQuery()) {
          while (rows.next()) {
            String key = rows.getString(1) + "." + rows.getString(2);
            String name = rows.getString(3);
            String dataType = rows.getString(4);
            String columnType = rows.getString(5);
            columns
                .computeIfAbsent(key, k -> new ArrayList<>())
                .add(new SourceColumn(name, columnType));
            types
                .computeIfAbsent(key, k -> new HashMap<>())
                .put(name, new String[] {dataType, columnType});
          }
        }
      }
    }
    Map<String, LineTables> byLine = new HashMap<>();
    for (BusinessLine line : lines) {
      byLine.put(line.name(), tablesOf(line, tablesBySchema, columns, types));
    }
    return new ProductLineCatalog(byLine, now);
  }

  private static LineTables tablesOf(
      BusinessLine line,
      Map<String, List<String>> tablesBySchema,
      Map<String, List<SourceColumn>> columns,
      Map<String, Map<String, String[]>> types) {
    Map<List<String>, List<SourceTable>> groups = new LinkedHashMap<>();
    List<Misfit> misfits = new ArrayList<>();
    String created = line.columnOf("created_at").orElseThrow();
    Set<String> read = new LinkedHashSet<>(line.columns());
    for (Map.Entry<String, List<String>> schema : tablesBySchema.entrySet()) {
      for (String table : schema.getValue()) {
        if (!line.mapsTable(schema.getKey(), table)) {
          continue;
        }
        String key = schema.getKey() + "." + table;
        Optional<String> problem =
            fit(line, schema.getKey(), table, columns.getOrDefault(key, List.of()));
        if (problem.isPresent()) {
          misfits.add(new Misfit(schema.getKey(), table, problem.get()));
          continue;
        }
        List<Column> readColumns = new ArrayList<>(read.size());
        List<String> shape = new ArrayList<>(read.size());
        Column createdAt = null;
        for (String name : read) {
          String[] type = types.get(key).get(name);
          Column column = new Column(name, type[1], ColumnValues.kindOf(type[0], type[1]));
          readColumns.add(column);
          shape.add(type[1].toLowerCase(java.util.Locale.ROOT) + "/" + column.kind());
          if (name.equals(created)) {
            createdAt = column;
          }
        }
        groups
            .computeIfAbsent(shape, k -> new ArrayList<>())
            .add(new SourceTable(schema.getKey(), table, List.copyOf(readColumns), createdAt));
      }
    }
    return new LineTables(
        groups.values().stream().map(tables -> new TableGroup(List.copyOf(tables))).toList(),
        List.copyOf(misfits));
  }

  private static Optional<String> fit(
      BusinessLine line, String schema, String table, List<SourceColumn> columns) {
    try {
      line.validateAgainst(schema, table, columns);
      return Optional.empty();
    } catch (MappingException e) {
      return Optional.of(e.getMessage());
    }
  }
}
