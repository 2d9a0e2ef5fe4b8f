package dev.hamal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.embedded.MariaDbServer;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderPage;
import dev.hamal.order.OrderQuery;
import dev.hamal.order.OrderStatus;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.SortKey;
import dev.hamal.order.UnifiedOrder;
import dev.hamal.testkit.Sql;
import dev.hamal.testkit.TestServers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search statements' plans on a realistic table (MariaDB 11.4, {@value #ORDERS} orders of 10
 * lines and 2,000 users over 60 days, in {@value #SHARDS} shards), and the search's latency with
 * the shards searched concurrently and one after the other. Logs every plan and the latencies:
 * {@code lit hamal-store OrderStoreSearchPlanIT} (add {@code -Dstore.bench.search.rounds=N} for
 * more rounds).
 */
class OrderStoreSearchPlanIT {
  private static final Logger log = LoggerFactory.getLogger(OrderStoreSearchPlanIT.class);
  private static final int ORDERS = 40_000;
  private static final int SHARDS = 4;
  private static final int LIMIT = 50;
  private static final Instant START = Instant.parse("2025-05-01T00:00:00Z");
  private static final Instant FROM = START.plusSeconds(10L * 86400);
  private static final Instant TO = START.plusSeconds(40L * 86400);

  private static MariaDbServer server;
  private static OrderStore store;

  @BeforeAll
  static void load() {
    server = TestServers.mariaDb114();
    store = OrderStore.open(StoreDatabases.shards(server, "search_plans", SHARDS).build());
    var random = new SplittableRandom(1);
    List<OrderWrite> batch = new ArrayList<>();
    for (int i = 1; i <= ORDERS; i++) {
      String line = "line" + random.nextInt(10);
      UnifiedOrder order =
          UnifiedOrder.builder()
              .orderId(line + ":" + i)
              .businessLine(line)
              .source(line, "orders")
              .sourceId(Integer.toString(i))
              .userId("u" + random.nextInt(2000))
              .status(OrderStatus.values()[random.nextInt(OrderStatus.values().length)])
              .totalAmount(100 + random.nextInt(10_000))
              .currency("CNY")
              .productName(SearchOrders.PRODUCTS.get(random.nextInt(SearchOrders.PRODUCTS.size())))
              .createdAt(
                  START
                      .plusSeconds(random.nextLong(60L * 86400))
                      .plus(random.nextLong(1_000_000), ChronoUnit.MICROS))
              .build();
      var source =
          new OrderChange.SourcePosition("t", "mysql-bin.000001", i, 0, Optional.empty(), i);
      batch.add(new OrderWrite(OrderChange.insert(order, source, START), OrderWrite.Action.UPSERT));
      if (batch.size() == 2000) {
        store.apply(batch);
        batch.clear();
      }
    }
    for (int shard = 0; shard < SHARDS; shard++) {
      Sql.executeIn(server, database(shard), "ANALYZE TABLE orders");
    }
  }

  @AfterAll
  static void close() {
    if (store != null) {
      store.close();
    }
  }

  /** The searches the indexes are for, each with the index that must serve it. */
  private static Map<String, OrderQuery> indexedShapes() {
    Map<String, OrderQuery> shapes = new LinkedHashMap<>();
    OrderQuery all = OrderQuery.all(LIMIT);
    OrderQuery inRange = all.withCreated(Optional.of(FROM), Optional.of(TO));
    shapes.put("ix_orders_user_created: user + time range", inRange.withUserId("u17"));
    shapes.put(
        "ix_orders_line_status_created: line + status + time range",
        inRange.withBusinessLines(Set.of("line3")).withStatuses(Set.of(OrderStatus.PAID)));
    shapes.put(
        "ix_orders_line_created: line + time range", inRange.withBusinessLines(Set.of("line3")));
    shapes.put("ix_orders_created: time range only", inRange);
    shapes.put("ix_orders_created: no filter", all);
    shapes.put(
        "ix_orders_line_created: two lines + time range (one statement per line)",
        inRange.withBusinessLines(Set.of("line3", "line4")));
    shapes.put(
        "ix_orders_line_status_created: line + two statuses (one statement per status)",
        all.withBusinessLines(Set.of("line3"))
            .withStatuses(Set.of(OrderStatus.PAID, OrderStatus.REFUNDED)));
    return shapes;
  }

  @Test
  void shouldReadEachIndexedSearchInIndexOrderAndStartAContinuationAtItsPosition()
      throws SQLException {
    SortKey after = new SortKey(START.plusSeconds(30L * 86400).plusNanos(5_000), "line3:500");
    try (Connection c = Sql.connect(server, database(0))) {
      for (var shape : indexedShapes().entrySet()) {
        String index = shape.getKey().substring(0, shape.getKey().indexOf(':'));
        for (OrderQuery query :
            List.of(shape.getValue(), shape.getValue().withAfter(Optional.of(after)))) {
          List<OrderQuery> branches = SearchStatement.branches(query);
          for (OrderQuery branch : branches) {
            SearchStatement statement = SearchStatement.of(branch, Optional.empty(), LIMIT + 1);
            Map<String, String> plan = explain(c, "ANALYZE " + statement.sql(), statement);
            log.info("{}\n  {}\n  {}", shape.getKey(), statement.sql(), plan);
            assertThat(plan.get("key")).as(shape.getKey()).isEqualTo(index);
            assertThat(plan.get("Extra")).as(shape.getKey()).doesNotContain("filesort");
            // Every row read is returned: the range starts at the position, not at the newest row.
            assertThat(Double.parseDouble(plan.get("r_rows")))
                .as("rows read for %s", shape.getKey())
                .isLessThanOrEqualTo(LIMIT + 1);
          }
        }
      }
      logOtherPlans(c, after);
    }
  }

  /** Plans the store does not use, for the documentation: what they would cost. */
  private static void logOtherPlans(Connection c, SortKey after) throws SQLException {
    OrderQuery twoLines =
        OrderQuery.all(LIMIT)
            .withCreated(Optional.of(FROM), Optional.of(TO))
            .withBusinessLines(Set.of("line3", "line4"));
    SearchStatement in = SearchStatement.of(twoLines, Optional.empty(), LIMIT + 1);
    log.info(
        "two lines in one statement (not used)\n  {}\n  {}",
        in.sql(),
        explain(c, "ANALYZE " + in.sql(), in));
    for (OrderQuery query :
        List.of(
            OrderQuery.all(LIMIT).withCreated(Optional.of(FROM), Optional.of(TO)),
            OrderQuery.all(LIMIT).withUserId("u17"))) {
      SearchStatement keyset =
          SearchStatement.of(
              query.withAfter(
                  Optional.of(
                      new SortKey(
                          after.createdAt().truncatedTo(ChronoUnit.MICROS), after.orderId()))),
              Optional.empty(),
              LIMIT + 1);
      String row =
          keyset
              .sql()
              .replace(
                  "(created_at < ? OR (created_at = ? AND order_id < ?))",
                  "(created_at, order_id) < (?, ?)");
      List<Object> parameters = new ArrayList<>(keyset.parameters());
      parameters.remove(parameters.size() - 3);
      var rowConstructor = new SearchStatement(row, parameters);
      log.info(
          "continuation as a row constructor (not used)\n  {}\n  {}\n  expanded (used): {}",
          row,
          explain(c, "ANALYZE " + row, rowConstructor),
          explain(c, "ANALYZE " + keyset.sql(), keyset));
    }
  }

  @Test
  void shouldAnswerTheSameWithShardsSearchedConcurrentlyOrOneAfterTheOther() {
    int rounds = Integer.getInteger("store.bench.search.rounds", 30);
    Map<String, OrderQuery> shapes = new LinkedHashMap<>(indexedShapes());
    shapes.put(
        "ix_orders_created: product text + amount (filtered while walking)",
        OrderQuery.all(LIMIT)
            .withProductText("steam")
            .withTotalAmount(OptionalLong.of(5_000), OptionalLong.empty()));
    var report = new StringBuilder();
    report.append(
        String.format(
            Locale.ROOT,
            "search latency, %d orders in %d shards on one MariaDB 11.4, %d cores, limit %d, 3 pages"
                + " per search, median of %d rounds after %d warm-up rounds%n",
            ORDERS,
            SHARDS,
            Runtime.getRuntime().availableProcessors(),
            LIMIT,
            rounds,
            rounds / 3 + 1));
    report.append(
        String.format(
            Locale.ROOT, "%-80s %12s %12s %7s%n", "search", "sequential", "concurrent", "ratio"));
    for (var shape : shapes.entrySet()) {
      List<OrderPage> sequential = pages(shape.getValue(), false);
      assertThat(pages(shape.getValue(), true)).isEqualTo(sequential);
      assertThat(sequential.getFirst().orders()).as(shape.getKey()).isNotEmpty();
      for (int i = 0; i <= rounds / 3; i++) {
        pages(shape.getValue(), false);
        pages(shape.getValue(), true);
      }
      long[] one = new long[rounds];
      long[] all = new long[rounds];
      for (int i = 0; i < rounds; i++) {
        long t0 = System.nanoTime();
        pages(shape.getValue(), false);
        long t1 = System.nanoTime();
        pages(shape.getValue(), true);
        all[i] = System.nanoTime() - t1;
        one[i] = t1 - t0;
      }
      double seq = median(one) / 1e6;
      double con = median(all) / 1e6;
      report.append(
          String.format(
              Locale.ROOT,
              "%-80s %9.2f ms %9.2f ms %6.2fx%n",
              shape.getKey(),
              seq,
              con,
              seq / con));
    }
    log.info("{}", report);
  }

  private static List<OrderPage> pages(OrderQuery query, boolean concurrently) {
    List<OrderPage> pages = new ArrayList<>();
    OrderQuery next = query;
    for (int i = 0; i < 3; i++) {
      OrderPage page = store.search(next, concurrently);
      pages.add(page);
      if (page.next().isEmpty()) {
        break;
      }
      next = query.withAfter(page.next());
    }
    return pages;
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static String database(int shard) {
    return "search_plans_" + server.config().serverId() + "_" + shard;
  }

  /** The single row of a plain (not JSON) {@code EXPLAIN} or {@code ANALYZE}, by column. */
  private static Map<String, String> explain(Connection c, String sql, SearchStatement s)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      s.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.put(rs.getMetaData().getColumnLabel(i), String.valueOf(rs.getString(i)));
        }
        assertThat(rs.next()).as("one table, one plan row").isFalse();
        return row;
      }
    }
  }
}
