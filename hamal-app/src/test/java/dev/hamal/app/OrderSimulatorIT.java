package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hamal.testkit.TestServers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Runs the simulator against MariaDB 11.4 for a few seconds and checks the tables it wrote. */
class OrderSimulatorIT {
  private DataSource dataSource;
  private String prefix;

  /** Fresh schemas named after the test: {@code sim_<test>_topup}, ... */
  @BeforeEach
  void freshSchemas(TestInfo test) throws SQLException {
    dataSource = TestDatabases.dataSource(TestServers.mariaDb114());
    String method = test.getTestMethod().orElseThrow().getName();
    prefix = "sim_" + method.substring(6, 16).toLowerCase(Locale.ROOT) + "_";
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      for (ProductLine line : ProductLine.values()) {
        statement.execute("DROP DATABASE IF EXISTS " + prefix + line.schema());
      }
      ProductLines.create(connection, EnumSet.allOf(ProductLine.class), prefix);
    }
  }

  private SimulatorConfig.Builder fast() {
    return SimulatorConfig.builder()
        .schemaPrefix(prefix)
        .ordersPerSecond(150)
        .seed(2025)
        .timeScale(0.05) // unpaid orders close after 1.5 s, fulfilment within 1.5 s
        .burstsPerMinute(12)
        .writers(4);
  }

  @Test
  void shouldDriveOrdersThroughEveryStateIntoEveryLineAndShard() throws Exception {
    var simulator =
        OrderSimulator.start(dataSource, fast().duration(Duration.ofSeconds(6)).build());
    assertThat(simulator.awaitTermination(Duration.ofSeconds(60))).isTrue();
    simulator.close();
    SimulatorCounts counts = simulator.counts();

    try (Connection connection = dataSource.getConnection()) {
      for (ProductLine line : ProductLine.values()) {
        Map<OrderStatus, Long> rows = statusHistogram(connection, line);
        for (OrderStatus status :
            List.of(
                OrderStatus.CREATED,
                OrderStatus.SUCCEEDED,
                OrderStatus.REFUNDED,
                OrderStatus.CLOSED)) {
          assertThat(rows.get(status)).as(line + " orders now " + status).isPositive();
        }
        assertThat(counts.line(line).failed()).as(line + " failed").isPositive();
        assertThat(counts.line(line).paid()).as(line + " paid").isPositive();
      }
      for (String shard : ProductLine.TICKET.orderTables()) {
        assertThat(rowCount(connection, prefix + "ticket." + shard)).as(shard).isPositive();
        assertThat(rowCount(connection, prefix + "ticket." + shard.replace("orders", "passengers")))
            .as(shard + " passengers")
            .isPositive();
      }
      assertThat(rowCount(connection, prefix + "topup.tp_refund")).isPositive();
      assertThat(rowCount(connection, prefix + "fuelcard.fc_refund")).isPositive();
      assertThat(rowCount(connection, prefix + "gamecard.gc_order_items")).isPositive();
      assertCountsMatchTables(connection, counts);
    }
  }

  @Test
  void shouldFinishInFlightTransactionsWhenClosedAndCountOnlyCommittedWork() throws Exception {
    var simulator = OrderSimulator.start(dataSource, fast().ordersPerSecond(400).build());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> simulator.counts().total().fulfilled() >= 100);

    simulator.close();

    assertThat(simulator.isRunning()).isFalse();
    SimulatorCounts counts = simulator.counts();
    try (Connection connection = dataSource.getConnection()) {
      assertCountsMatchTables(connection, counts);
    }
  }

  @Test
  void shouldStopAndReportTheCauseWhenATransactionFails() throws Exception {
    var simulator =
        OrderSimulator.start(
            dataSource,
            fast().lines(List.of(ProductLine.TOPUP)).build(),
            InstantSource.system(),
            Thread.ofPlatform().factory());
    await().atMost(Duration.ofSeconds(30)).until(() -> simulator.counts().total().created() > 20);

    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "RENAME TABLE " + prefix + "topup.tp_order TO " + prefix + "topup.tp_order_moved");
    }

    assertThat(simulator.awaitTermination(Duration.ofSeconds(30))).isTrue();
    assertThat(simulator.failure()).containsInstanceOf(SQLException.class);
    assertThatThrownBy(simulator::close)
        .isInstanceOf(SimulatorException.class)
        .hasCauseInstanceOf(SQLException.class);
  }

  /**
   * The rows in each status must be exactly what the committed transitions imply: everything
   * counted was committed, and nothing committed went uncounted.
   */
  private void assertCountsMatchTables(Connection connection, SimulatorCounts counts)
      throws SQLException {
    for (ProductLine line : ProductLine.values()) {
      SimulatorCounts.LineCounts c = counts.line(line);
      Map<OrderStatus, Long> rows = statusHistogram(connection, line);
      long total = rows.values().stream().mapToLong(Long::longValue).sum();
      assertThat(total).as(line + " orders").isEqualTo(c.created());
      assertThat(rows.get(OrderStatus.CREATED))
          .as(line + " unpaid")
          .isEqualTo(c.created() - c.paid() - c.closed());
      assertThat(rows.get(OrderStatus.PAID))
          .as(line + " paid")
          .isEqualTo(c.paid() - c.reached(OrderStatus.FULFILLING));
      assertThat(rows.get(OrderStatus.FULFILLING))
          .as(line + " fulfilling")
          .isEqualTo(c.reached(OrderStatus.FULFILLING) - c.fulfilled() - c.failed());
      assertThat(rows.get(OrderStatus.SUCCEEDED) + rows.get(OrderStatus.FAILED))
          .as(line + " succeeded or failed")
          .isEqualTo(c.fulfilled() + c.failed() - c.reached(OrderStatus.REFUNDING));
      assertThat(rows.get(OrderStatus.REFUNDING))
          .as(line + " refunding")
          .isEqualTo(c.reached(OrderStatus.REFUNDING) - c.refunded());
      assertThat(rows.get(OrderStatus.REFUNDED)).as(line + " refunded").isEqualTo(c.refunded());
      assertThat(rows.get(OrderStatus.CLOSED)).as(line + " closed").isEqualTo(c.closed());
      long transitions = 0;
      for (OrderStatus status : OrderStatus.values()) {
        transitions += c.reached(status);
      }
      assertThat(c.transactions()).as(line + " transactions").isEqualTo(transitions);
    }
  }

  private Map<OrderStatus, Long> statusHistogram(Connection connection, ProductLine line)
      throws SQLException {
    var byCode = new java.util.HashMap<String, Long>();
    for (String table : line.orderTables()) {
      try (Statement statement = connection.createStatement();
          ResultSet rows =
              statement.executeQuery(
                  "SELECT "
                      + line.statusColumn()
                      + ", COUNT(*) FROM "
                      + prefix
                      + line.schema()
                      + "."
                      + table
                      + " GROUP BY 1")) {
        while (rows.next()) {
          byCode.merge(rows.getString(1), rows.getLong(2), Long::sum);
        }
      }
    }
    var result = new EnumMap<OrderStatus, Long>(OrderStatus.class);
    for (OrderStatus status : OrderStatus.values()) {
      result.put(status, byCode.getOrDefault(line.statusCode(status).toString(), 0L));
    }
    assertThat(result.values().stream().mapToLong(Long::longValue).sum())
        .as(line + ": every row has a known status code")
        .isEqualTo(byCode.values().stream().mapToLong(Long::longValue).sum());
    return result;
  }

  private static long rowCount(Connection connection, String table) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
