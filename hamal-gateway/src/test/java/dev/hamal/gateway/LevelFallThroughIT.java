package dev.hamal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamal.cache.OrderCache;
import dev.hamal.cache.OrderCacheConfig;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.MariaDbServerConfig;
import dev.hamal.embedded.OpenSearchNode;
import dev.hamal.embedded.RedisServer;
import dev.hamal.order.BusinessLine;
import dev.hamal.order.BusinessLines;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderVersion;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.StoredOrder;
import dev.hamal.order.UnifiedOrder;
import dev.hamal.reconcile.ProductLineOrders;
import dev.hamal.reconcile.ProductLineOrdersConfig;
import dev.hamal.search.OrderIndex;
import dev.hamal.search.OrderIndexConfig;
import dev.hamal.store.OrderStore;
import dev.hamal.store.OrderStoreConfig;
import dev.hamal.testkit.Sql;
import dev.hamal.testkit.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test of the multi-level search over the real embedded stack: the cache (Redis),
 * the search index (OpenSearch) and the order store (MariaDB) each run as a server of their own, so
 * the test can stop them one after another; the product line is a MariaDB schema read through the
 * reverse of its mapping. Every answer must come from the first level still standing, say so, and
 * say it is degraded; an order written to the product line moments ago (in no store yet) must be
 * found there while every store is up.
 */
class LevelFallThroughIT {
  private static final Instant T0 = Instant.parse("2026-04-02T03:00:00Z");

  @TempDir Path dir;

  @Test
  void shouldAnswerFromEachLevelInTurnAsTheLevelsBeforeItStop() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String schema = "lft_" + suffix;
    String lineName = "topup_" + suffix;
    MariaDbServer product = TestServers.mariaDb114();
    Sql.execute(product, "CREATE DATABASE " + schema);
    for (int i = 0; i < 2; i++) {
      Sql.executeIn(
          product,
          schema,
          "CREATE TABLE orders_0"
              + i
              + " (id BIGINT PRIMARY KEY, user_id VARCHAR(32) NOT NULL, status TINYINT NOT NULL,"
              + " amount BIGINT NOT NULL, created DATETIME(3) NOT NULL, product VARCHAR(64),"
              + " KEY (user_id, created), KEY (created))");
    }
    Files.writeString(
        dir.resolve("topup.yaml"),
        """
        name: %1$s
        pipe: lft-%2$s
        time_zone: UTC
        source:
          schema: %3$s
          tables: ["orders_##"]
        order_id: id
        fields:
          user_id: user_id
          status: {column: status, codes: {0: CREATED, 1: PAID, 2: SUCCEEDED}}
          total_amount: {column: amount, unit: cents}
          created_at: created
          product_name: product
        """
            .formatted(lineName, suffix, schema));
    BusinessLine line = BusinessLines.loadDirectory(dir).line(lineName).orElseThrow();
    for (int id = 1; id <= 40; id++) {
      Sql.executeIn(
          product,
          schema,
          "INSERT INTO orders_0"
              + (id % 2)
              + " VALUES ("
              + id
              + ", 'u"
              + (id % 4)
              + "', 2, "
              + (1000 + id)
              + ", '"
              + java.sql.Timestamp.from(T0.plusSeconds(id)).toString().replace(".0", ".000")
              + "', 'mobile top-up "
              + id
              + "')");
    }

    try (RedisServer redis = TestServers.dedicatedRedis();
        OpenSearchNode search = TestServers.dedicatedOpenSearch();
        MariaDbServer storeServer =
            TestServers.dedicated(
                MariaDbServerConfig.builder(MariaDbServer.Distribution.BUNDLED)
                    .serverId(5151)
                    .build());
        GatewayDatabase database = GatewayTests.gatewayDatabase(product, "gw_lft_" + suffix);
        ProductLineOrders productLine =
            ProductLineOrders.open(
                ProductLineOrdersConfig.of(
                    product.jdbcUrl(""), product.adminUser(), product.adminPassword()),
                List.of(line));
        OrderCache cache =
            OrderCache.connect(
                OrderCacheConfig.builder(redis.uri())
                    .keyPrefix("lft:")
                    .invalidationChannel("lft:invalidate")
                    .nearCacheMaxSize(0)
                    .commandTimeout(Duration.ofMillis(500))
                    .build());
        OrderIndex index =
            OrderIndex.open(
                OrderIndexConfig.builder(search.httpUri())
                    .indexPrefix("lft-" + suffix)
                    .requestTimeout(Duration.ofSeconds(2))
                    .connectTimeout(Duration.ofMillis(500))
                    .build());
        OrderStore store =
            OrderStore.open(
                OrderStoreConfig.builder(
                        List.of(GatewayTests.freshDatabase(storeServer, "lft_store")),
                        storeServer.adminUser())
                    .password(storeServer.adminPassword())
                    .poolSize(2)
                    .connectionTimeout(Duration.ofMillis(500))
                    .build())) {
      // Orders 1..30 reached every store; 31..40 are in the product line only ("moments ago").
      Map<String, StoredOrder> source = productLine.findAll(ids(1, 40, lineName));
      assertThat(source).hasSize(40);
      List<OrderWrite> writes = new ArrayList<>();
      for (int id = 1; id <= 30; id++) {
        writes.add(upsert(source.get(lineName + ":" + id).order(), id));
      }
      cache.apply(writes);
      index.apply(writes);
      index.refresh();
      store.apply(writes);

      var fast =
          new OrderLevels.LevelConfig(
              Duration.ofMillis(1500), 50, 4, Duration.ofSeconds(30), 64, 0);
      try (OrderLevels levels =
              OrderLevels.builder()
                  .lookupLevel(SearchLevel.CACHE, cache, fast)
                  .searchLevel(SearchLevel.INDEX, index, fast)
                  .searchLevel(SearchLevel.STORE, store, fast)
                  .searchLevel(
                      SearchLevel.PRODUCT_LINE,
                      new ProductLineLevel(List.of(productLine)),
                      new OrderLevels.LevelConfig(
                          Duration.ofSeconds(3), 50, 4, Duration.ofSeconds(30), 8, 100))
                  .build();
          Gateway gateway = gateway(database, levels, lineName)) {
        var client = new GatewayTests.Client(gateway.port());
        String key =
            GatewayTests.keys(database)
                .create("t", KeyScopes.administrator(), Optional.empty())
                .token();

        assertAnswer(client, key, lineName + ":5", "cache", false, source);
        assertAnswer(client, key, lineName + ":35", "product-line", false, source);
        assertSearch(client, key, lineName, "index", false);

        redis.stop();
        assertAnswer(client, key, lineName + ":6", "index", true, source);
        assertSearch(client, key, lineName, "index", false);

        search.stop();
        assertAnswer(client, key, lineName + ":7", "store", true, source);
        assertSearch(client, key, lineName, "store", true);

        storeServer.stop();
        assertAnswer(client, key, lineName + ":8", "product-line", true, source);
        assertAnswer(client, key, lineName + ":36", "product-line", true, source);
        assertSearch(client, key, lineName, "product-line", true);

        // enough failures have been seen for the dead levels' circuits to open: they are no
        // longer asked, and the answer still comes from the product line
        for (int i = 0; i < 6; i++) {
          client.get("/v1/orders/" + lineName + ":9", Optional.of(key));
        }
        JsonNode last = client.get("/v1/orders/" + lineName + ":9", Optional.of(key)).json();
        assertThat(last.get("level").asText()).isEqualTo("product-line");
        assertThat(last.get("levels").findValuesAsText("outcome"))
            .containsExactly("circuit-open", "circuit-open", "circuit-open", "hit");
        assertThat(client.get("/v1/orders/" + lineName + ":999", Optional.of(key)).status())
            .as("an order no standing level holds, with levels down, is not a 404")
            .isEqualTo(503);
      }
    }
  }

  private static Gateway gateway(GatewayDatabase database, OrderLevels levels, String line) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    ApiKeys keys = GatewayTests.keys(database);
    return Gateway.builder(Gateway.ServerConfig.defaults().withPort(0), keys)
        .service(
            "/orders",
            new OrderService(levels, GatewayTests.plainPlans(), new Cursors(secret), Set.of(line)))
        .start();
  }

  private static void assertAnswer(
      GatewayTests.Client client,
      String key,
      String orderId,
      String level,
      boolean degraded,
      Map<String, StoredOrder> source) {
    var reply = client.get("/v1/orders/" + orderId, Optional.of(key));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonNode body = reply.json();
    assertThat(body.get("level").asText()).as(reply.body()).isEqualTo(level);
    assertThat(body.get("degraded").asBoolean()).as(reply.body()).isEqualTo(degraded);
    UnifiedOrder expected = source.get(orderId).order();
    JsonNode order = body.get("order");
    assertThat(order.get("orderId").asText()).isEqualTo(orderId);
    assertThat(order.get("userId").asText()).isEqualTo(expected.userId().orElseThrow());
    assertThat(order.get("amounts").get("total").asLong()).isEqualTo(expected.totalAmount());
    assertThat(order.get("times").get("createdAt").asText())
        .isEqualTo(expected.createdAt().toString());
  }

  private static void assertSearch(
      GatewayTests.Client client, String key, String line, String level, boolean degraded) {
    var reply =
        client.get("/v1/orders?businessLine=" + line + "&userId=u1&limit=50", Optional.of(key));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonNode body = reply.json();
    assertThat(body.get("level").asText()).as(reply.body()).isEqualTo(level);
    assertThat(body.get("degraded").asBoolean()).as(reply.body()).isEqualTo(degraded);
    List<String> ids = body.get("orders").findValuesAsText("orderId");
    // u1 owns ids 1, 5, 9, ...; the stores hold 1..30, the product line 1..40
    int highest = level.equals("product-line") ? 40 : 30;
    List<String> expected = new ArrayList<>();
    for (int id = highest; id >= 1; id--) {
      if (id % 4 == 1) {
        expected.add(line + ":" + id);
      }
    }
    assertThat(ids).containsExactlyElementsOf(expected);
  }

  private static List<String> ids(int from, int to, String line) {
    List<String> ids = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      ids.add(line + ":" + i);
    }
    return ids;
  }

  private static OrderWrite upsert(UnifiedOrder order, int sequence) {
    var change =
        new OrderChange(
            order.businessLine(),
            order.orderId(),
            OrderChange.Operation.INSERT,
            Optional.empty(),
            Optional.of(order),
            new OrderChange.SourcePosition(
                "lft", "mysql-bin.000001", 1000L + sequence, 0, Optional.empty(), sequence),
            order.createdAt(),
            OrderVersion.of("mysql-bin.000001", 1000L + sequence, 0));
    return new OrderWrite(change, OrderWrite.Action.UPSERT);
  }
}
