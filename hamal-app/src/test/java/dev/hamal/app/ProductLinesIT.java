package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.embedded.MariaDbServer;
import dev.hamal.testkit.TestServers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The lines' DDL and every row they generate, on MariaDB 11.4 and 10.11. */
class ProductLinesIT {

  static Stream<MariaDbServer> servers() {
    return TestServers.all();
  }

  static Stream<Arguments> serversAndLines() {
    return TestServers.all()
        .flatMap(server -> Stream.of(ProductLine.values()).map(line -> Arguments.of(server, line)));
  }

  private static long count(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  @ParameterizedTest
  @MethodSource("servers")
  void shouldCreateEveryLineTwiceWithoutChangingAnything(MariaDbServer server) throws Exception {
    ProductLines.createAll(TestDatabases.dataSource(server));
    try (Connection connection = TestDatabases.dataSource(server).getConnection()) {
      try (Statement statement = connection.createStatement()) {
        statement.execute(
            "INSERT INTO topup.tp_refund (refund_no, order_no, user_id,"
                + " refund_amount, refund_status, create_time) VALUES ('R-keep', 'X', 1, 1, 1, NOW())");
      }
      ProductLines.create(connection, EnumSet.allOf(ProductLine.class));

      assertThat(
              count(connection, "SELECT COUNT(*) FROM topup.tp_refund WHERE refund_no = 'R-keep'"))
          .isEqualTo(1);
      for (ProductLine line : ProductLine.values()) {
        assertThat(
                count(
                    connection,
                    "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '"
                        + line.schema()
                        + "'"))
            .as(line.toString())
            .isEqualTo(line.tables().size());
        for (String table : line.orderTables()) {
          long columns =
              count(
                  connection,
                  "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = '"
                      + line.schema()
                      + "' AND table_name = '"
                      + table
                      + "'");
          assertThat(columns).as(line + "." + table).isBetween(15L, 30L);
          long indexes =
              count(
                  connection,
                  "SELECT COUNT(DISTINCT index_name) FROM information_schema.statistics"
                      + " WHERE table_schema = '"
                      + line.schema()
                      + "' AND table_name = '"
                      + table
                      + "'");
          assertThat(indexes).as(line + "." + table + " indexes").isGreaterThanOrEqualTo(3);
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("serversAndLines")
  void shouldAcceptEveryGeneratedRowAndTransitionInStrictMode(
      MariaDbServer server, ProductLine line) throws Exception {
    String schema = "it_rows_" + line.schema();
    try (Connection connection = TestDatabases.dataSource(server).getConnection()) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("DROP DATABASE IF EXISTS " + schema);
      }
      ProductLines.create(connection, line, schema);
      try (Statement statement = connection.createStatement()) {
        statement.execute("SET time_zone = '+08:00'");
        statement.execute(
            "SET sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO'");
      }
      var random = new SplittableRandom(17);
      LocalDateTime created = LocalDateTime.of(2025, 11, 11, 0, 0, 1, 5_000_000);
      var paths =
          List.of(
              List.of(OrderStatus.CLOSED),
              List.of(OrderStatus.PAID, OrderStatus.FULFILLING, OrderStatus.SUCCEEDED),
              List.of(
                  OrderStatus.PAID,
                  OrderStatus.FULFILLING,
                  OrderStatus.SUCCEEDED,
                  OrderStatus.REFUNDING,
                  OrderStatus.REFUNDED),
              List.of(
                  OrderStatus.PAID,
                  OrderStatus.FULFILLING,
                  OrderStatus.FAILED,
                  OrderStatus.REFUNDING,
                  OrderStatus.REFUNDED));
      var orders = new ArrayList<LineOrder>();
      String quoted = Sql.identifier(schema);
      for (int i = 1; i <= 200; i++) {
        LineOrder order =
            line.newOrder(new OrderSpec(i, 3 * i + 1, created.plusSeconds(i), i % 3 == 0), random);
        Sql.execute(connection, quoted, order.writes());
        OrderStatus status = OrderStatus.CREATED;
        LocalDateTime at = created.plusSeconds(i);
        for (OrderStatus next : paths.get(i % paths.size())) {
          at = at.plusSeconds(2);
          Sql.execute(connection, quoted, line.transition(order, status, next, at, random));
          status = next;
        }
        orders.add(order);
      }

      for (LineOrder order : orders) {
        OrderStatus expected = paths.get((int) (order.id() % paths.size())).getLast();
        try (var query =
            connection.prepareStatement(
                "SELECT "
                    + line.statusColumn()
                    + " FROM "
                    + quoted
                    + "."
                    + order.table()
                    + " WHERE "
                    + line.idColumn()
                    + " = ?")) {
          query.setLong(1, order.id());
          try (ResultSet row = query.executeQuery()) {
            assertThat(row.next()).isTrue();
            assertThat(row.getObject(1).toString()).isEqualTo(line.statusCode(expected).toString());
          }
        }
      }
    }
  }
}
