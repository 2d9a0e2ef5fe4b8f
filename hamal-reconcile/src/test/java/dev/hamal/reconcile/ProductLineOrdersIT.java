package dev.hamal.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hamal.embedded.MariaDbServer;
import dev.hamal.order.BusinessLine;
import dev.hamal.order.BusinessLines;
import dev.hamal.order.MappingException;
import dev.hamal.order.OrderPage;
import dev.hamal.order.OrderQuery;
import dev.hamal.order.OrderSinkUnavailableException;
import dev.hamal.order.OrderStatus;
import dev.hamal.order.SortKey;
import dev.hamal.order.StoredOrder;
import dev.hamal.order.UnifiedOrder;
import dev.hamal.testkit.Sql;
import dev.hamal.testkit.TestServers;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Orders read from a real product-line server (MariaDB 11.4, as a user with SELECT only) through
 * the reverse of two lines' mappings: {@code shop}, sharded over {@code orders_00..orders_03} with
 * the default id format and DATETIME created-at values in Asia/Shanghai, and {@code ticket}, whose
 * ids name their table ({@code {line}/{table}/{id}}) because codes repeat across its tables, with
 * TIMESTAMP created-at values and text status codes. Every expected order is what the listener maps
 * from the inserted values, typed as its decoder types them.
 */
class ProductLineOrdersIT {
  private static final Instant NOW = Instant.parse("2026-03-12T08:00:00Z");
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  @TempDir Path dir;

  private final MariaDbServer server = TestServers.mariaDb114();
  private final SettableClock clock = new SettableClock(NOW);
  private final Map<String, UnifiedOrder> inserted = new LinkedHashMap<>();
  private String shopSchema;
  private String ticketSchema;
  private BusinessLine shop;
  private BusinessLine ticket;
  private ProductLineOrdersConfig config;
  private ProductLineOrders orders;

  @BeforeEach
  void setUp() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    shopSchema = "plo_shop_" + suffix;
    ticketSchema = "plo_ticket_" + suffix;
    Sql.execute(server, "CREATE DATABASE " + shopSchema, "CREATE DATABASE " + ticketSchema);
    for (int i = 0; i < 4; i++) {
      Sql.executeIn(server, shopSchema, "CREATE TABLE orders_0" + i + SHOP_COLUMNS);
    }
    for (int i = 1; i <= 2; i++) {
      Sql.executeIn(
          server,
          ticketSchema,
          "CREATE TABLE tk_order_"
              + i
              + " (code VARCHAR(32) PRIMARY KEY, uid BIGINT NOT NULL, state VARCHAR(8) NOT NULL,"
              + " price INT UNSIGNED NOT NULL, created_at TIMESTAMP(3) NOT NULL,"
              + " title VARCHAR(64), KEY (uid, created_at), KEY (created_at))");
    }
    Path files = Files.createDirectories(dir.resolve("lines"));
    Files.writeString(
        files.resolve("shop.yaml"),
        """
        name: shop_%1$s
        pipe: plo-%1$s
        time_zone: Asia/Shanghai
        source:
          schema: %2$s
          tables: ["orders_##"]
        order_id: id
        fields:
          user_id: user_id
          status: {column: status, codes: {0: CREATED, 1: PAID, 2: SUCCEEDED}}
          total_amount: {column: amount, unit: yuan}
          created_at: created
          paid_at: paid
          product_name: product
        """
            .formatted(suffix, shopSchema));
    Files.writeString(
        files.resolve("ticket.yaml"),
        """
        name: ticket_%1$s
        pipe: plo-%1$s
        source:
          schema: %2$s
          tables: ["tk_order_#"]
        order_id: {column: code, format: "{line}/{table}/{id}"}
        fields:
          user_id: uid
          status: {column: state, codes: {WP: CREATED, PD: PAID, OK: SUCCEEDED}}
          total_amount: {column: price, unit: cents}
          created_at: created_at
          product_name: title
        """
            .formatted(suffix, ticketSchema));
    BusinessLines lines = BusinessLines.loadDirectory(files);
    shop = lines.line("shop_" + suffix).orElseThrow();
    ticket = lines.line("ticket_" + suffix).orElseThrow();
    config =
        ProductLineOrdersConfig.of(
            server.jdbcUrl(""), server.replicationUser(), server.replicationPassword());
    orders = ProductLineOrders.open(config, List.of(shop, ticket), clock);
  }

  private static final String SHOP_COLUMNS =
      " (id BIGINT PRIMARY KEY, user_id VARCHAR(32) NOT NULL, status TINYINT NOT NULL,"
          + " amount DECIMAL(12,2) NOT NULL, created DATETIME(3) NOT NULL, paid TIMESTAMP(3) NULL,"
          + " product VARCHAR(64), KEY (user_id, created), KEY (created))";

  @AfterEach
  void tearDown() {
    if (orders != null) {
      orders.close();
    }
    Sql.execute(
        server, "DROP DATABASE IF EXISTS " + shopSchema, "DROP DATABASE IF EXISTS " + ticketSchema);
  }

  /**
   * Inserts a shop order into {@code orders_0<id % 4>} and returns what the listener maps from it.
   *
   * @param created local time in Asia/Shanghai, {@code 2026-03-10 09:00:00.123}
   */
  private UnifiedOrder insertShop(
      long id, String user, int status, String amount, String created, String product) {
    return insertShop("orders_0" + (id % 4), id, user, status, amount, created, product);
  }

  private UnifiedOrder insertShop(
      String table,
      long id,
      String user,
      int status,
      String amount,
      String created,
      String product) {
    boolean paid = status > 0;
    Sql.executeIn(
        server,
        shopSchema,
        "SET time_zone = '+00:00'",
        "INSERT INTO %s VALUES (%d, '%s', %d, %s, '%s', %s, '%s')"
            .formatted(
                table,
                id,
                user,
                status,
                amount,
                created,
                paid ? "'2026-03-10 02:00:00.500'" : "NULL",
                product));
    Map<String, Object> values = new HashMap<>();
    values.put("id", id);
    values.put("user_id", user);
    values.put("status", (long) status);
    values.put("amount", new BigDecimal(amount));
    values.put("created", LocalDateTime.parse(created.replace(' ', 'T')));
    values.put("paid", paid ? Instant.parse("2026-03-10T02:00:00.500Z") : null);
    values.put("product", product);
    UnifiedOrder order = shop.map(new MapRow(shopSchema, table, values));
    inserted.put(order.orderId(), order);
    return order;
  }

  private UnifiedOrder insertTicket(
      int table, String code, long user, String state, long price, Instant created) {
    String name = "tk_order_" + table;
    String title = "ticket " + code;
    Sql.executeIn(
        server,
        ticketSchema,
        "SET time_zone = '+00:00'",
        "INSERT INTO %s VALUES ('%s', %d, '%s', %d, '%s', '%s')"
            .formatted(
                name,
                code,
                user,
                state,
                price,
                ColumnValues.bound(ColumnValues.Kind.TIMESTAMP, created, SHANGHAI),
                title));
    Map<String, Object> values = new HashMap<>();
    values.put("code", code);
    values.put("uid", user);
    values.put("state", state);
    values.put("price", price);
    values.put("created_at", created);
    values.put("title", title);
    UnifiedOrder order = ticket.map(new MapRow(ticketSchema, name, values));
    inserted.put(order.orderId(), order);
    return order;
  }

  private String shopId(long id) {
    return shop.name() + ":" + id;
  }

  private String ticketId(int table, String code) {
    return ticket.name() + "/tk_order_" + table + "/" + code;
  }

  @Test
  void shouldFindEveryOrderByItsIdAsTheListenerMapsIt() {
    for (long id = 1; id <= 8; id++) {
      insertShop(
          id,
          "u" + id % 3,
          (int) (id % 3),
          id + ".25",
          "2026-03-10 09:0" + id + ":00.085",
          "i" + id);
    }
    insertTicket(1, "A1", 7, "PD", 12_000, Instant.parse("2026-03-10T03:00:00.007Z"));
    insertTicket(2, "A1", 8, "OK", 9_900, Instant.parse("2026-03-10T04:00:00Z"));
    insertTicket(2, "B2", 7, "WP", 500, Instant.parse("2026-03-10T05:00:00Z"));
    List<String> absent =
        List.of(
            shopId(9),
            shop.name() + ":01",
            ticketId(1, "B2"),
            ticketId(3, "A1"),
            ticketId(1, "a1"),
            "elsewhere:1",
            shop.name() + ":1 OR 1=1",
            shop.name() + ":1' OR '1'='1",
            shop.name() + ":1; DROP TABLE orders_01",
            ticket.name() + "/tk_order_1`; DROP TABLE tk_order_1; --/A1",
            ticket.name() + "/tk_order_1/A1' OR '1'='1",
            ticket.name() + "/tk_order_1/' OR ''='",
            "");
    List<String> ids = new ArrayList<>(inserted.keySet());
    ids.addAll(absent);

    Map<String, StoredOrder> found = orders.findAll(ids);

    assertThat(found.keySet()).containsExactlyInAnyOrderElementsOf(inserted.keySet());
    for (UnifiedOrder order : inserted.values()) {
      StoredOrder stored = found.get(order.orderId());
      assertThat(stored.order()).isEqualTo(order);
      assertThat(stored.version()).isEqualTo(ProductLineOrders.SOURCE_READ_VERSION);
      assertThat(stored.state()).isEqualTo(StoredOrder.State.LIVE);
      assertThat(stored.commitTime()).isEqualTo(NOW);
    }
    assertThat(found.get(ticketId(1, "A1")).order().sourceTable()).isEqualTo("tk_order_1");
    assertThat(orders.find(shopId(3)).map(StoredOrder::order)).contains(inserted.get(shopId(3)));
    for (String id : absent) {
      assertThat(orders.findAll(List.of(id))).as(id).isEmpty();
    }
    assertThat(Sql.queryLong(server, "SELECT COUNT(*) FROM " + shopSchema + ".orders_01"))
        .isEqualTo(2);
    assertThat(Sql.queryLong(server, "SELECT COUNT(*) FROM " + ticketSchema + ".tk_order_1"))
        .isEqualTo(1);
  }

  @Test
  void shouldRefuseARowTheMappingRefusesAndAnIdTwoRowsCompose() {
    insertShop(1, "u1", 1, "1.00", "2026-03-10 09:00:00.000", "ok");
    Sql.executeIn(
        server,
        shopSchema,
        "INSERT INTO orders_02 VALUES (6, 'u1', 7, 1.00, '2026-03-10 09:00:00', NULL, 'x')",
        "INSERT INTO orders_01 VALUES (21, 'u1', 1, 1.00, '2026-03-10 09:00:00', NULL, 'x')",
        "INSERT INTO orders_02 VALUES (21, 'u2', 1, 2.00, '2026-03-10 09:00:00', NULL, 'y')");

    assertThatThrownBy(() -> orders.find(shopId(6)))
        .isInstanceOf(ProductLineOrdersException.class)
        .hasCauseInstanceOf(MappingException.class)
        .hasMessageContaining(shopSchema + ".orders_02")
        .hasMessageContaining("status");
    assertThatThrownBy(() -> orders.find(shopId(21)))
        .isInstanceOf(ProductLineOrdersException.class)
        .hasMessageContaining("orders_01")
        .hasMessageContaining("orders_02")
        .hasMessageContaining("{table}");
    assertThat(orders.find(shopId(1)).map(StoredOrder::order)).contains(inserted.get(shopId(1)));
  }

  /** Every page of {@code query}, in order; checks each page's size. */
  private List<UnifiedOrder> pages(OrderQuery query, List<Integer> sizes) {
    List<UnifiedOrder> all = new ArrayList<>();
    Optional<SortKey> after = Optional.empty();
    do {
      OrderPage page = orders.search(query.withAfter(after));
      assertThat(page.orders()).hasSizeLessThanOrEqualTo(query.limit());
      page.orders().forEach(o -> all.add(o.order()));
      sizes.add(page.orders().size());
      after = page.next();
      assertThat(sizes).as("pages").hasSizeLessThan(100);
    } while (after.isPresent());
    return all;
  }

  private List<UnifiedOrder> expected(OrderQuery query) {
    return inserted.values().stream()
        .filter(query::matches)
        .sorted(Comparator.comparing(SortKey::of, SortKey.ORDER))
        .toList();
  }

  @Test
  void shouldPageThroughAUsersOrdersNewestFirstAcrossShards() {
    LocalDateTime base = LocalDateTime.parse("2026-03-10T08:00:00");
    for (long id = 1; id <= 30; id++) {
      // Consecutive ids share a created-at value, in different shards.
      LocalDateTime created = base.plusMinutes((id / 2) * 10).plusNanos(5_000_000);
      insertShop(
          id,
          id % 5 == 0 ? "u2" : "u1",
          (int) (id % 3),
          (id * 3) + ".50",
          created.toString().replace('T', ' '),
          id % 2 == 0 ? "Phone case" : "Charger");
    }
    // Three orders of one shard with one created-at value, and orders outside the window.
    for (long id : new long[] {40, 44, 48}) {
      insertShop(id, "u1", 1, "9.00", "2026-03-10 10:00:00.005", "Phone");
    }
    insertShop(51, "u1", 1, "1.00", "2026-03-10 07:59:59.999", "before");
    insertShop(52, "u1", 1, "1.00", "2026-03-11 08:00:00.000", "at the end, excluded");
    insertTicket(1, "T1", 1, "PD", 100, Instant.parse("2026-03-10T01:00:00Z"));
    OrderQuery query =
        OrderQuery.all(4)
            .withBusinessLines(Set.of(shop.name()))
            .withUserId("u1")
            .withCreated(
                Optional.of(Instant.parse("2026-03-10T00:00:00Z")),
                Optional.of(Instant.parse("2026-03-11T00:00:00Z")));
    List<Integer> sizes = new ArrayList<>();

    List<UnifiedOrder> read = pages(query, sizes);

    assertThat(expected(query)).hasSize(27);
    assertThat(read).containsExactlyElementsOf(expected(query));
    assertThat(sizes).hasSize(7).startsWith(4, 4, 4, 4, 4, 4).endsWith(3);

    OrderQuery filtered =
        query
            .withLimit(3)
            .withStatuses(Set.of(OrderStatus.PAID, OrderStatus.SUCCEEDED))
            .withTotalAmount(OptionalLong.of(1_000), OptionalLong.of(7_000))
            .withProductText("phone");
    assertThat(expected(filtered)).hasSizeGreaterThan(3);
    assertThat(pages(filtered, new ArrayList<>())).containsExactlyElementsOf(expected(filtered));
  }

  @Test
  void shouldSearchTimestampColumnsAndTextStatusesAndMergeLines() {
    Instant t = Instant.parse("2026-03-10T03:00:00Z");
    for (int i = 0; i < 12; i++) {
      insertTicket(
          1 + i % 2,
          "C" + i,
          7 + i % 2,
          List.of("WP", "PD", "OK").get(i % 3),
          100 + i,
          t.plusSeconds(i / 3 * 60));
      insertShop(100 + i, "7", i % 3, "1.00", "2026-03-10 11:0" + i % 10 + ":00.000", "shop " + i);
    }
    OrderQuery paidOfSeven =
        OrderQuery.all(2)
            .withBusinessLines(Set.of(ticket.name()))
            .withUserId("7")
            .withStatuses(Set.of(OrderStatus.PAID, OrderStatus.SUCCEEDED));
    OrderQuery both = OrderQuery.all(5).withBusinessLines(Set.of(ticket.name(), shop.name()));

    assertThat(expected(paidOfSeven)).hasSizeGreaterThan(2);
    assertThat(pages(paidOfSeven, new ArrayList<>()))
        .containsExactlyElementsOf(expected(paidOfSeven));
    assertThat(pages(both, new ArrayList<>())).containsExactlyElementsOf(expected(both));
    assertThat(pages(both.withUserId("no such user"), new ArrayList<>())).isEmpty();
  }

  @Test
  void shouldAskForBusinessLinesAndSkipLinesServedElsewhere() {
    insertShop(1, "u1", 1, "1.00", "2026-03-10 09:00:00.000", "x");

    assertThatThrownBy(() -> orders.search(OrderQuery.all(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("businessLines")
        .hasMessageContaining(shop.name());
    assertThat(orders.search(OrderQuery.all(5).withBusinessLines(Set.of("elsewhere"))).orders())
        .isEmpty();
    assertThatThrownBy(() -> orders.scan(shop.name(), NOW, NOW, o -> {}))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void shouldCutASlowStatementFreeTheOnlyConnectionAndServeAfterwards() throws Exception {
    UnifiedOrder order = insertShop(1, "u1", 1, "1.00", "2026-03-10 09:00:00.000", "x");
    var executor = Executors.newVirtualThreadPerTaskExecutor();
    try (ProductLineOrders single =
            ProductLineOrders.open(
                config
                    .withMaxConnections(1)
                    .withQueryTimeout(Duration.ofSeconds(2))
                    .withConnectionTimeout(Duration.ofMillis(250)),
                List.of(shop, ticket),
                clock);
        Connection locker = Sql.connect(server, shopSchema);
        Statement lock = locker.createStatement();
        executor) {
      assertThat(single.find(shopId(1)).map(StoredOrder::order)).contains(order);
      lock.execute("LOCK TABLES orders_01 WRITE");

      CompletableFuture<Optional<StoredOrder>> slow =
          CompletableFuture.supplyAsync(() -> single.find(shopId(1)), executor);
      await().atMost(Duration.ofSeconds(10)).until(() -> waitingForTheLock() > 0 || slow.isDone());
      assertThatThrownBy(() -> single.find(shopId(1)))
          .isInstanceOf(OrderSinkUnavailableException.class)
          .hasMessageContaining("product-line.connection-timeout")
          .hasCauseInstanceOf(SQLException.class);
      assertThat(slow)
          .failsWithin(Duration.ofSeconds(20))
          .withThrowableThat()
          .havingCause()
          .isInstanceOf(OrderSinkUnavailableException.class)
          .withMessageContaining("product-line.query-timeout");

      lock.execute("UNLOCK TABLES");
      assertThat(single.find(shopId(1)).map(StoredOrder::order)).contains(order);
      assertThat(single.search(OrderQuery.all(5).withBusinessLines(Set.of(shop.name()))).orders())
          .extracting(StoredOrder::order)
          .containsExactly(order);
    }
  }

  private long waitingForTheLock() {
    return Sql.queryLong(
        server,
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST"
            + " WHERE STATE LIKE 'Waiting for table%' AND INFO LIKE '%"
            + shopSchema
            + "%'");
  }

  @Test
  void shouldFailAsUnavailableWhenTheServerCannotBeReached() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (ProductLineOrders down =
        ProductLineOrders.open(
            ProductLineOrdersConfig.of("jdbc:mariadb://127.0.0.1:" + port + "/", "r", "p")
                .withConnectionTimeout(Duration.ofMillis(500)),
            List.of(shop),
            clock)) {
      assertThatThrownBy(() -> down.find(shopId(1)))
          .isInstanceOf(OrderSinkUnavailableException.class)
          .hasMessageContaining("pipe " + shop.pipe())
          .hasCauseInstanceOf(SQLException.class);
      assertThatThrownBy(
              () -> down.search(OrderQuery.all(5).withBusinessLines(Set.of(shop.name()))))
          .isInstanceOf(OrderSinkUnavailableException.class);
      assertThat(down.find("elsewhere:1")).as("an id no line reads needs no connection").isEmpty();
    }
  }

  @Test
  void shouldSeeANewShardAfterTheCacheExpiresAndADroppedOneAtOnce() {
    UnifiedOrder first = insertShop(1, "u1", 1, "1.00", "2026-03-10 09:00:00.000", "x");
    assertThat(orders.find(shopId(1))).isPresent();
    Sql.executeIn(server, shopSchema, "CREATE TABLE orders_09" + SHOP_COLUMNS);
    UnifiedOrder ninth =
        insertShop("orders_09", 9, "u1", 1, "1.00", "2026-03-10 09:00:00.000", "new shard");

    assertThat(orders.find(shopId(9))).as("the cached catalog knows no orders_09").isEmpty();
    clock.advance(config.tableCacheTtl());
    assertThat(orders.find(shopId(9)).map(StoredOrder::order)).contains(ninth);

    Sql.executeIn(server, shopSchema, "DROP TABLE orders_02");
    assertThat(orders.find(shopId(1)).map(StoredOrder::order)).contains(first);
    assertThat(orders.search(OrderQuery.all(5).withBusinessLines(Set.of(shop.name()))).orders())
        .extracting(StoredOrder::order)
        .containsExactly(ninth, first);
  }

  @Test
  void shouldRefuseToReadALineWithATableThatDoesNotFitItsMapping() {
    insertShop(1, "u1", 1, "1.00", "2026-03-10 09:00:00.000", "x");
    UnifiedOrder other = insertTicket(1, "A1", 7, "PD", 100, Instant.parse("2026-03-10T03:00:00Z"));
    Sql.executeIn(
        server,
        shopSchema,
        "CREATE TABLE orders_05 (id BIGINT PRIMARY KEY, user_id VARCHAR(32), status TINYINT,"
            + " amount VARCHAR(20), created DATETIME(3), paid TIMESTAMP(3) NULL,"
            + " product VARCHAR(64))");
    clock.advance(config.tableCacheTtl());

    assertThatThrownBy(() -> orders.find(shopId(1)))
        .isInstanceOf(ProductLineOrdersException.class)
        .hasMessageContaining(shopSchema + ".orders_05")
        .hasMessageContaining("amount");
    assertThatThrownBy(
            () -> orders.search(OrderQuery.all(5).withBusinessLines(Set.of(shop.name()))))
        .isInstanceOf(ProductLineOrdersException.class)
        .hasMessageContaining("orders_05");
    assertThat(orders.find(ticketId(1, "A1")).map(StoredOrder::order)).contains(other);
  }
}
