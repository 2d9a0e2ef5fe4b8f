package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.order.BusinessLine;
import dev.hamal.order.BusinessLines;
import dev.hamal.order.SourceColumn;
import dev.hamal.order.SourceRow;
import dev.hamal.order.UnifiedOrder;
import dev.hamal.testkit.TestServers;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo's four business-line files against the tables the simulator really writes: every order
 * row of every line maps, its status and amounts are what the row says (worked out here from the
 * raw columns, not by the mapping code), and every table binds to its file.
 */
class BusinessLineMappingsIT {
  private static final String PREFIX = "blm_";
  private static final ZoneOffset CHINA = ZoneOffset.ofHours(8);

  private static DataSource dataSource;
  private static BusinessLines lines;

  /** Where each line keeps id, amounts and creation time, and how many minor units per unit. */
  private record Columns(
      String id,
      String total,
      Optional<String> paid,
      Optional<String> discount,
      Optional<String> refunded,
      int minorPerUnit,
      String created) {}

  private static final Map<ProductLine, Columns> COLUMNS =
      Map.of(
          ProductLine.TOPUP,
          new Columns(
              "id",
              "sale_price",
              Optional.of("pay_amount"),
              Optional.of("discount_amount"),
              Optional.of("refund_amount"),
              100,
              "create_time"),
          ProductLine.FUELCARD,
          new Columns(
              "order_id",
              "total_cent",
              Optional.of("pay_cent"),
              Optional.of("discount_cent"),
              Optional.of("refund_cent"),
              1,
              "gmt_create"),
          ProductLine.TICKET,
          new Columns(
              "id",
              "total_amount",
              Optional.of("paid_amount"),
              Optional.empty(),
              Optional.of("refund_amount"),
              100,
              "created_at"),
          ProductLine.GAMECARD,
          new Columns(
              "id",
              "total_fee",
              Optional.of("actual_fee"),
              Optional.of("coupon_fee"),
              Optional.empty(),
              100,
              "created"));

  @BeforeAll
  static void simulateOrders() throws Exception {
    dataSource = TestDatabases.dataSource(TestServers.mariaDb114());
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      for (ProductLine line : ProductLine.values()) {
        statement.execute("DROP DATABASE IF EXISTS " + PREFIX + line.schema());
      }
      ProductLines.create(connection, EnumSet.allOf(ProductLine.class), PREFIX);
    }
    var simulator =
        OrderSimulator.start(
            dataSource,
            SimulatorConfig.builder()
                .schemaPrefix(PREFIX)
                .ordersPerSecond(150)
                .seed(7)
                .timeScale(0.05)
                .burstsPerMinute(12)
                .writers(4)
                .duration(Duration.ofSeconds(5))
                .build());
    assertThat(simulator.awaitTermination(Duration.ofSeconds(60))).isTrue();
    simulator.close();
    lines =
        BusinessLines.loadResources(
            BusinessLineMappingsIT.class.getClassLoader(),
            List.of(
                "business-lines/topup.yaml",
                "business-lines/fuelcard.yaml",
                "business-lines/ticket.yaml",
                "business-lines/gamecard.yaml"));
  }

  @Test
  void shouldClaimEveryOrderTableAndIgnoreEveryChildTable() {
    assertThat(lines.pipes()).containsExactly("demo");
    for (ProductLine line : ProductLine.values()) {
      for (String table : line.tables()) {
        boolean orders = line.orderTables().contains(table);
        assertThat(lines.claims(line.schema(), table)).as(line + " " + table).isEqualTo(orders);
        assertThat(lines.ignores(line.schema(), table)).as(line + " " + table).isEqualTo(!orders);
        if (orders) {
          assertThat(lines.forTable(line.schema(), table).orElseThrow().name())
              .isEqualTo(line.schema());
        }
      }
    }
  }

  @Test
  void shouldBindEveryOrderTableToItsFile() throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      for (ProductLine line : ProductLine.values()) {
        BusinessLine mapping = lines.line(line.schema()).orElseThrow();
        for (String table : line.orderTables()) {
          mapping.validateAgainst(line.schema(), table, columns(connection, line, table));
        }
      }
    }
  }

  @Test
  void shouldMapEveryRowTheSimulatorWroteToTheStatusAndAmountsTheRowHolds() throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      for (ProductLine line : ProductLine.values()) {
        BusinessLine mapping = lines.line(line.schema()).orElseThrow();
        Columns columns = COLUMNS.get(line);
        var seen = new EnumMap<OrderStatus, Integer>(OrderStatus.class);
        int rows = 0;
        for (String table : line.orderTables()) {
          for (Row row : rows(connection, line, table)) {
            UnifiedOrder order = mapping.map(row);
            rows++;
            String where = line + " " + table + " " + row.values().get(columns.id());

            OrderStatus expected = simulatorStatus(line, row.values().get(line.statusColumn()));
            seen.merge(expected, 1, Integer::sum);
            assertThat(order.status().name()).as(where).isEqualTo(expected.name());
            assertThat(order.orderId())
                .as(where)
                .isEqualTo(line.schema() + ":" + row.values().get(columns.id()));
            assertThat(order.totalAmount())
                .as(where)
                .isEqualTo(minor(row.values().get(columns.total()), columns.minorPerUnit()));
            assertThat(order.paidAmount())
                .as(where)
                .isEqualTo(optionalMinor(row, columns.paid(), columns.minorPerUnit()));
            assertThat(order.discountAmount())
                .as(where)
                .isEqualTo(optionalMinor(row, columns.discount(), columns.minorPerUnit()));
            assertThat(order.refundedAmount())
                .as(where)
                .isEqualTo(optionalMinor(row, columns.refunded(), columns.minorPerUnit()));
            LocalDateTime created = (LocalDateTime) row.values().get(columns.created());
            assertThat(order.createdAt()).as(where).isEqualTo(created.toInstant(CHINA));
            assertThat(order.currency()).isEqualTo("CNY");
          }
        }
        assertThat(rows).as(line + " rows").isPositive();
        assertThat(seen.keySet())
            .as(line + " statuses reached")
            .contains(
                OrderStatus.CREATED,
                OrderStatus.SUCCEEDED,
                OrderStatus.REFUNDED,
                OrderStatus.CLOSED);
      }
    }
  }

  @Test
  void shouldMapEveryStatusCodeTheSimulatorCanWrite() throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      for (ProductLine line : ProductLine.values()) {
        BusinessLine mapping = lines.line(line.schema()).orElseThrow();
        Row row = rows(connection, line, line.orderTables().getFirst()).getFirst();
        for (OrderStatus status : OrderStatus.values()) {
          Row coded = row.with(line.statusColumn(), line.statusCode(status));
          assertThat(mapping.map(coded).status().name())
              .as(line + " " + status)
              .isEqualTo(status.name());
        }
      }
    }
  }

  /** The simulator's status whose code the line stores as {@code code}. */
  private static OrderStatus simulatorStatus(ProductLine line, Object code) {
    for (OrderStatus status : OrderStatus.values()) {
      if (line.statusCode(status).toString().equals(String.valueOf(code))) {
        return status;
      }
    }
    throw new AssertionError(line + " wrote an unknown status code " + code);
  }

  private static OptionalLong optionalMinor(Row row, Optional<String> column, int minorPerUnit) {
    if (column.isEmpty() || row.values().get(column.get()) == null) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(minor(row.values().get(column.get()), minorPerUnit));
  }

  /** Minor units of a DECIMAL yuan or an integer cents value, the way a cashier would count. */
  private static long minor(Object value, int minorPerUnit) {
    if (value instanceof BigDecimal yuan) {
      BigDecimal cents = yuan.multiply(BigDecimal.valueOf(minorPerUnit));
      assertThat(cents.stripTrailingZeros().scale())
          .as("whole cents: " + yuan)
          .isLessThanOrEqualTo(0);
      return cents.longValueExact();
    }
    return ((Number) value).longValue() * minorPerUnit;
  }

  private static List<SourceColumn> columns(Connection connection, ProductLine line, String table)
      throws SQLException {
    var columns = new ArrayList<SourceColumn>();
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT column_name, column_type FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
      statement.setString(1, PREFIX + line.schema());
      statement.setString(2, table);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.add(new SourceColumn(rows.getString(1), rows.getString(2)));
        }
      }
    }
    assertThat(columns).as(line + " " + table + " columns").isNotEmpty();
    return columns;
  }

  /**
   * A row read with JDBC, as the listener would hand it over: the schema without the test's prefix,
   * values in the types {@link SourceRow} documents, SQL NULL as a null value.
   */
  private record Row(String schema, String table, Map<String, Object> values) implements SourceRow {
    Row with(String column, Object value) {
      var copy = new HashMap<>(values);
      copy.put(column, value);
      return new Row(schema, table, copy);
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

  private static List<Row> rows(Connection connection, ProductLine line, String table)
      throws SQLException {
    var rows = new ArrayList<Row>();
    try (Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT * FROM " + PREFIX + line.schema() + "." + table + " ORDER BY 1")) {
      ResultSetMetaData meta = result.getMetaData();
      while (result.next()) {
        var values = new HashMap<String, Object>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          values.put(meta.getColumnLabel(i), sourceValue(result, i, meta.getColumnTypeName(i)));
        }
        rows.add(new Row(line.schema(), table, values));
      }
    }
    return rows;
  }

  private static Object sourceValue(ResultSet result, int column, String typeName)
      throws SQLException {
    String type = typeName.toUpperCase(java.util.Locale.ROOT);
    Object value;
    if (type.startsWith("DATETIME")) {
      value = result.getObject(column, LocalDateTime.class);
    } else if (type.startsWith("TIMESTAMP")) {
      java.sql.Timestamp timestamp = result.getTimestamp(column);
      value = timestamp == null ? null : (Object) timestamp.toInstant();
    } else if (type.equals("DATE")) {
      value = result.getObject(column, java.time.LocalDate.class);
    } else if (type.equals("TIME")) {
      value = result.getObject(column, java.time.LocalTime.class);
    } else {
      value = result.getObject(column);
    }
    return switch (value) {
      case null -> null;
      case Boolean b -> b ? 1 : 0; // TINYINT(1): the binlog carries a number
      case BigInteger b when b.bitLength() < 64 -> b.longValue();
      case java.sql.Blob blob -> blob.getBytes(1, (int) blob.length());
      default -> value;
    };
  }
}
