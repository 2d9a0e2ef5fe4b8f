package dev.hamal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.MariaDbServerConfig;
import dev.hamal.order.OrderPage;
import dev.hamal.order.OrderQuery;
import dev.hamal.order.OrderSinkUnavailableException;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.SortKey;
import dev.hamal.order.StoredOrder;
import dev.hamal.testkit.Sql;
import dev.hamal.testkit.TestServers;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class OrderStoreSearchIT {
  private static final Instant START = Instant.parse("2025-06-18T02:00:00Z");

  @ParameterizedTest
  @MethodSource("dev.hamal.testkit.TestServers#all")
  void shouldReturnExactlyTheMatchingOrdersNewestFirstAcrossAllPages(MariaDbServer server) {
    SearchOrders orders = SearchOrders.generate(400, 24, START, 17);
    try (var store = open(server, "search_random", 3, orders)) {
      var random = new SplittableRandom(23);
      int nonEmpty = 0;
      for (int i = 0; i < 200; i++) {
        OrderQuery query = orders.randomQuery(random);
        List<StoredOrder> expected = orders.expected(query);
        assertThat(pageThrough(store, query, true)).as("%s", query).isEqualTo(expected);
        if (i % 10 == 0) {
          assertThat(pageThrough(store, query, false)).as("%s", query).isEqualTo(expected);
        }
        nonEmpty += expected.isEmpty() ? 0 : 1;
      }
      assertThat(nonEmpty).as("queries with results").isGreaterThan(100);
    }
  }

  @Test
  void shouldPageThroughOrdersSharingOneCreationTimeWithoutSkippingOrRepeating() {
    SearchOrders orders = SearchOrders.generate(400, 24, START, 5);
    Instant shared = orders.times().get(0);
    try (var store = open(TestServers.mariaDb114(), "search_shared_time", 2, orders)) {
      // The shared time and its neighbour in the same millisecond, 333 µs apart.
      OrderQuery bucket =
          OrderQuery.all(3)
              .withCreated(Optional.of(shared), Optional.of(shared.plus(1, ChronoUnit.MICROS)));
      List<StoredOrder> expected = orders.expected(bucket);
      assertThat(expected).hasSizeGreaterThan(50);
      for (int limit : new int[] {1, 2, 3, 7, 50}) {
        assertThat(pageThrough(store, bucket.withLimit(limit), true)).isEqualTo(expected);
      }
      OrderQuery millisecond =
          OrderQuery.all(4)
              .withCreated(
                  Optional.of(shared.truncatedTo(ChronoUnit.MILLIS)),
                  Optional.of(shared.truncatedTo(ChronoUnit.MILLIS).plusMillis(1)));
      assertThat(orders.expected(millisecond).size()).isGreaterThan(expected.size());
      assertThat(pageThrough(store, millisecond, true)).isEqualTo(orders.expected(millisecond));
      // A position cut to the millisecond, or a nanosecond off, continues exactly where it says.
      String id = expected.get(expected.size() / 2).orderId();
      for (Instant at :
          List.of(
              shared,
              shared.truncatedTo(ChronoUnit.MILLIS),
              shared.plusNanos(1),
              shared.minusNanos(1))) {
        OrderQuery after = OrderQuery.all(500).withAfter(Optional.of(new SortKey(at, id)));
        assertThat(store.search(after).orders()).isEqualTo(orders.expected(after));
      }
    }
  }

  @Test
  void shouldMatchEveryProductWordCaseInsensitivelyWithWildcardsTakenLiterally() {
    SearchOrders orders = SearchOrders.generate(400, 24, START, 8);
    try (var store = open(TestServers.mariaDb114(), "search_text", 2, orders)) {
      assertThat(names(store, "100%"))
          .isNotEmpty()
          .allSatisfy(name -> assertThat(name).contains("100%"));
      assertThat(names(store, "_")).containsOnly("game_coin 礼包", "Café crème 50%_off");
      assertThat(names(store, "game_coin")).containsOnly("game_coin 礼包");
      assertThat(names(store, "%")).containsOnly("100% 充值卡", "Café crème 50%_off");
      assertThat(names(store, "50%_")).containsOnly("Café crème 50%_off");
      assertThat(names(store, "!")).containsOnly("a!b 特价");
      assertThat(names(store, "STEAM")).containsOnly("Steam Wallet 100", "STEAM gift card");
      assertThat(names(store, "steam WALLET")).containsOnly("Steam Wallet 100");
      assertThat(names(store, "CAFÉ")).containsOnly("Café crème 50%_off");
      assertThat(names(store, "cafe")).isEmpty();
      assertThat(names(store, "充值")).containsOnly("中石化加油卡充值500元", "100% 充值卡");
      assertThat(names(store, "王者  600")).containsOnly("王者荣耀点券 600");
      for (String text : SearchOrders.WORDS) {
        OrderQuery query = OrderQuery.all(500).withProductText(text);
        assertThat(store.search(query).orders()).as(text).isEqualTo(orders.expected(query));
      }
    }
  }

  @Test
  void shouldTreatInjectionAttemptsAsPlainValuesAndKeepTheTable() {
    SearchOrders orders = SearchOrders.generate(200, 10, START, 3);
    try (var store = open(TestServers.mariaDb114(), "search_hostile", 2, orders)) {
      OrderQuery all = OrderQuery.all(500);
      List<StoredOrder> everything = orders.expected(all);
      for (String hostile : SearchOrders.HOSTILE) {
        assertThat(store.search(all.withUserId(hostile)).orders()).as(hostile).isEmpty();
        assertThat(store.search(all.withProductText(hostile)).orders()).as(hostile).isEmpty();
        assertThat(store.search(all.withBusinessLines(Set.of(hostile))).orders()).isEmpty();
        OrderQuery after = all.withAfter(Optional.of(new SortKey(START.plusSeconds(30), hostile)));
        assertThat(store.search(after).orders()).isEqualTo(orders.expected(after));
      }
      assertThat(store.search(all).orders()).isEqualTo(everything);
      assertThat(store.findAll(orders.writes().stream().map(OrderWrite::orderId).toList()))
          .hasSize(orders.writes().size());
    }
  }

  @Test
  void shouldLeaveDeletedOrdersOutAndReturnArchivedOnes() {
    SearchOrders orders = SearchOrders.generate(300, 10, START, 11);
    try (var store = open(TestServers.mariaDb114(), "search_states", 2, orders)) {
      Set<StoredOrder.State> states = new HashSet<>();
      for (StoredOrder order : pageThrough(store, OrderQuery.all(50), true)) {
        states.add(order.state());
      }
      assertThat(states)
          .containsExactlyInAnyOrder(StoredOrder.State.LIVE, StoredOrder.State.ARCHIVED);
      long deleted =
          orders.writes().stream().filter(w -> w.state() == StoredOrder.State.DELETED).count();
      assertThat(deleted).isPositive();
      assertThat(pageThrough(store, OrderQuery.all(50), true))
          .hasSize(orders.writes().size() - (int) deleted);
    }
  }

  @Test
  void shouldReportASearchThatOutlivesTheSearchTimeoutAsUnavailable() throws Exception {
    MariaDbServer server = TestServers.mariaDb114();
    SearchOrders orders = SearchOrders.generate(50, 5, START, 2);
    OrderStoreConfig config =
        StoreDatabases.shards(server, "search_timeout", 2)
            .searchTimeout(Duration.ofSeconds(1))
            .build();
    try (var store = OrderStore.open(config)) {
      store.apply(orders.writes());
      String shard1 = "search_timeout_" + server.config().serverId() + "_1";
      try (Connection locker = Sql.connect(server, shard1);
          Statement lock = locker.createStatement()) {
        // Holding the table locked makes a search on shard 1 wait until its timeout.
        lock.execute("LOCK TABLES orders WRITE");
        long started = System.nanoTime();
        assertThatThrownBy(() -> store.search(OrderQuery.all(10)))
            .isInstanceOf(OrderSinkUnavailableException.class)
            .hasMessageContaining("shard 1")
            .hasMessageContaining("store.search-timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        lock.execute("UNLOCK TABLES");
      }
      assertThat(store.search(OrderQuery.all(100)).orders())
          .isEqualTo(orders.expected(OrderQuery.all(100)));
    }
  }

  @Test
  void shouldReportAStoppedServerAsUnavailableAndAnswerOnceItIsBack() {
    SearchOrders orders = SearchOrders.generate(50, 5, START, 4);
    try (MariaDbServer server =
        TestServers.dedicated(
            MariaDbServerConfig.builder(MariaDbServer.Distribution.BUNDLED).serverId(8).build())) {
      OrderStoreConfig config =
          StoreDatabases.shards(server, "search_stopped", 2)
              .connectionTimeout(Duration.ofSeconds(1))
              .build();
      try (var store = OrderStore.open(config)) {
        store.apply(orders.writes());
        server.stop();
        assertThatThrownBy(() -> store.search(OrderQuery.all(10)))
            .isInstanceOf(OrderSinkUnavailableException.class)
            .hasMessageContaining("search");
        server.start();
        var page = new java.util.concurrent.atomic.AtomicReference<OrderPage>();
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .ignoreException(OrderSinkUnavailableException.class)
            .until(() -> {
              page.set(store.search(OrderQuery.all(100)));
              return true;
            });
        assertThat(page.get().orders()).isEqualTo(orders.expected(OrderQuery.all(100)));
      }
    }
  }

  /** Every page of {@code query} in turn, checking each page's size and continuation. */
  static List<StoredOrder> pageThrough(OrderStore store, OrderQuery query, boolean concurrently) {
    List<StoredOrder> all = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Optional<SortKey> after = query.after();
    for (int pages = 0; ; pages++) {
      assertThat(pages).as("pages of %s", query).isLessThan(1_000);
      OrderPage page = store.search(query.withAfter(after), concurrently);
      assertThat(page.orders()).hasSizeLessThanOrEqualTo(query.limit());
      if (pages > 0) {
        assertThat(page.orders()).as("a page after one that promised more").isNotEmpty();
      }
      for (StoredOrder order : page.orders()) {
        assertThat(seen.add(order.orderId())).as("%s returned twice", order.orderId()).isTrue();
      }
      all.addAll(page.orders());
      if (page.next().isEmpty()) {
        return all;
      }
      assertThat(page.orders()).hasSize(query.limit());
      assertThat(page.next()).contains(SortKey.of(page.orders().getLast().order()));
      after = page.next();
    }
  }

  private static List<String> names(OrderStore store, String text) {
    return store.search(OrderQuery.all(500).withProductText(text)).orders().stream()
        .map(o -> o.order().product().name().orElseThrow())
        .distinct()
        .toList();
  }

  private static OrderStore open(
      MariaDbServer server, String name, int shards, SearchOrders orders) {
    OrderStore store = OrderStore.open(StoreDatabases.shards(server, name, shards).build());
    try {
      assertThat(store.apply(orders.writes()).applied()).isEqualTo(orders.writes().size());
      for (int shard = 0; shard < shards; shard++) {
        String database = name + "_" + server.config().serverId() + "_" + shard;
        assertThat(Sql.queryLong(server, "SELECT COUNT(*) FROM " + database + ".orders"))
            .as("orders on shard %d", shard)
            .isPositive();
      }
      return store;
    } catch (RuntimeException | AssertionError e) {
      store.close();
      throw e;
    }
  }
}
