package dev.hamal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderStatus;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.UnifiedOrder;
import dev.hamal.store.OrderStore;
import dev.hamal.store.OrderStoreConfig;
import dev.hamal.testkit.OrderHistories;
import dev.hamal.testkit.TestServers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/orders/{id}/history} over a real order store of two shards: the changes newest
 * first with their binlog positions, masked as lookups are for keys without {@code unmasked} and
 * never templated, the key's line scope (another line's order is a 404 like a missing one), the
 * limit, an order recorded before the history was on, and a gateway without a history source.
 */
class GatewayHistoryIT {
  private static final Instant START = Instant.parse("2026-04-01T00:00:00Z");
  private static GatewayDatabase database;
  private static OrderStore store;
  private static OrderLevels levels;
  private static Gateway gateway;
  private static Gateway withoutHistory;
  private static GatewayTests.Client client;
  private static ApiKeys keys;
  private static OrderStoreConfig storeConfig;
  private static Map<String, List<OrderChange>> topup;
  private static Map<String, List<OrderChange>> fuel;
  private static String admin;

  @BeforeAll
  static void start() {
    MariaDbServer server = TestServers.mariaDb114();
    database = GatewayTests.gatewayDatabase(server, "gw_history");
    storeConfig =
        OrderStoreConfig.builder(
                List.of(
                    GatewayTests.freshDatabase(server, "gw_history_store_0"),
                    GatewayTests.freshDatabase(server, "gw_history_store_1")),
                server.adminUser())
            .password(server.adminPassword())
            .poolSize(4)
            .build();
    store = OrderStore.open(storeConfig);
    var topupHistory = OrderHistories.generate("topup", 60, START, 31);
    var fuelHistory = OrderHistories.generate("fuel", 40, START, 32);
    store.apply(topupHistory.writes());
    store.apply(fuelHistory.writes());
    topup = byOrder(topupHistory.changes());
    fuel = byOrder(fuelHistory.changes());

    keys = GatewayTests.keys(database);
    admin = keys.create("admin", KeyScopes.administrator(), Optional.empty()).token();
    Templates templates =
        new Templates(
            database,
            MaskingPolicy.defaults(),
            Clock.systemUTC(),
            Templates.Config.defaults(),
            Ticker.systemTicker());
    templates.create(
        "brief",
        Json.parseObject(
            "{\"fields\":{\"id\":\"orderId\",\"user\":\"userId\"}}"
                .getBytes(StandardCharsets.UTF_8)),
        "test");
    levels =
        OrderLevels.builder()
            .searchLevel(
                SearchLevel.STORE, store, OrderLevels.LevelConfig.defaults(SearchLevel.STORE))
            .build();
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Set<String> lines = Set.of("topup", "fuel");
    gateway =
        Gateway.builder(Gateway.ServerConfig.defaults().withPort(0), keys)
            .service(
                "/orders", new OrderService(levels, templates, new Cursors(secret), lines, store))
            .start();
    withoutHistory =
        Gateway.builder(Gateway.ServerConfig.defaults().withPort(0), keys)
            .service("/orders", new OrderService(levels, templates, new Cursors(secret), lines))
            .start();
    client = new GatewayTests.Client(gateway.port());
  }

  @AfterAll
  static void stop() {
    withoutHistory.close();
    gateway.close();
    levels.close();
    store.close();
    database.close();
  }

  @Test
  void shouldAnswerEveryChangeNewestFirstMaskedAndUntemplatedForAKeyWithoutUnmasked() {
    // a default template applies to lookups, not to histories
    String key =
        keys.create(
                "masked",
                new KeyScopes(
                    Set.of("topup"), Set.of("*"), Optional.of("brief"), false, false, false, 0),
                Optional.empty())
            .token();
    String id = busiest(topup);
    var reply = client.get(history(id, ""), Optional.of(key));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonNode body = reply.json();
    assertThat(body.get("orderId").asText()).isEqualTo(id);

    List<OrderChange> expected = newestFirst(topup.get(id));
    JsonNode changes = body.get("changes");
    assertThat(changes).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      OrderChange change = expected.get(i);
      JsonNode item = changes.get(i);
      assertThat(item.get("version").get("file").asText()).isEqualTo("mysql-bin.000001");
      assertThat(item.get("version").get("position").asLong())
          .isEqualTo(change.source().position());
      assertThat(item.get("version").get("row").asLong()).isEqualTo(change.source().rowIndex());
      assertThat(item.get("operation").asText()).isEqualTo(change.operation().name());
      assertThat(item.get("committedAt").asText()).isEqualTo(change.commitTime().toString());
      assertThat(Instant.parse(item.get("appliedAt").asText())).isAfter(START);
      UnifiedOrder after = change.after().orElseThrow();
      assertThat(item.get("status").asText()).isEqualTo(after.status().name());
      ObjectNode masked = MaskingPolicy.defaults().mask(OrderDocuments.of(after));
      assertThat(item.get("order").toString()).isEqualTo(masked.toString());
      assertThat(item.get("order").get("userId").asText()).isNotEqualTo(after.userId().get());
      assertThat(item.get("order").get("ext").get("mobile").asText())
          .isNotEqualTo(after.ext().get("mobile"))
          .contains("****");
    }
    // the same key's lookup is templated
    var lookup = client.get("/v1/orders/" + enc(id), Optional.of(key)).json();
    assertThat(lookup.get("template").asText()).isEqualTo("brief@1");
  }

  @Test
  void shouldAnswerUnmaskedOrdersToAKeyThatMayReadThemAndNullForADelete() {
    String deleted =
        topup.entrySet().stream()
            .filter(
                e -> newestFirst(e.getValue()).get(0).operation() == OrderChange.Operation.DELETE)
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseThrow();
    var reply = client.get(history(deleted, ""), Optional.of(admin));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonNode changes = reply.json().get("changes");
    List<OrderChange> expected = newestFirst(topup.get(deleted));
    assertThat(changes).hasSize(expected.size());
    assertThat(changes.get(0).get("operation").asText()).isEqualTo("DELETE");
    assertThat(changes.get(0).get("order").isNull()).isTrue();
    UnifiedOrder before = expected.get(0).before().orElseThrow();
    assertThat(changes.get(0).get("status").asText()).isEqualTo(before.status().name());
    for (int i = 1; i < expected.size(); i++) {
      assertThat(changes.get(i).get("order").toString())
          .isEqualTo(OrderDocuments.of(expected.get(i).after().orElseThrow()).toString());
    }
    // the order row holds the before image of the delete, archived
    var lookup = client.get("/v1/orders/" + enc(deleted), Optional.of(admin)).json();
    assertThat(lookup.get("order").get("state").asText()).isEqualTo("ARCHIVED");
    assertThat(lookup.get("order").get("status").asText()).isEqualTo(before.status().name());
  }

  @Test
  void shouldAnswerNotFoundForAnOrderOfALineTheKeyMayNotReadAsForAMissingOne() {
    String topupOnly =
        keys.create(
                "topup-only",
                new KeyScopes(Set.of("topup"), Set.of(), Optional.empty(), true, false, false, 0),
                Optional.empty())
            .token();
    String fuelId = busiest(fuel);
    var hidden = client.get(history(fuelId, ""), Optional.of(topupOnly));
    var missing = client.get(history("fuel:no-such-order", ""), Optional.of(topupOnly));
    assertThat(hidden.status()).isEqualTo(404);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(hidden.contentType()).isEqualTo("application/problem+json");
    assertThat(hidden.json().get("detail").asText()).isEqualTo("no order " + fuelId);
    assertThat(hidden.body()).doesNotContain("changes", "mysql-bin");
    assertThat(client.get(history(fuelId, ""), Optional.of(admin)).status()).isEqualTo(200);
    assertThat(client.get(history(fuelId, ""), Optional.empty()).status()).isEqualTo(401);
  }

  @Test
  void shouldKeepTheNewestChangesWithinTheLimitAndRefuseABadLimitNamingIt() {
    String id = busiest(topup);
    List<OrderChange> expected = newestFirst(topup.get(id));
    var two = client.get(history(id, "?limit=2"), Optional.of(admin)).json().get("changes");
    assertThat(two).hasSize(2);
    for (int i = 0; i < 2; i++) {
      assertThat(two.get(i).get("version").get("position").asLong())
          .isEqualTo(expected.get(i).source().position());
    }
    assertThat(client.get(history(id, "?limit=500"), Optional.of(admin)).status()).isEqualTo(200);
    for (String query :
        List.of(
            "?limit=0",
            "?limit=501",
            "?limit=-1",
            "?limit=abc",
            "?limit=",
            "?limit=2&limit=3",
            "?limit=99999999999")) {
      var reply = client.get(history(id, query), Optional.of(admin));
      assertThat(reply.status()).as(query + " " + reply.body()).isEqualTo(400);
      assertThat(reply.contentType()).isEqualTo("application/problem+json");
      assertThat(reply.body()).as(query).contains("limit");
    }
    var unknown = client.get(history(id, "?template=brief"), Optional.of(admin));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body()).contains("template");
    var tooLong = client.get(history("x".repeat(192), ""), Optional.of(admin));
    assertThat(tooLong.status()).isEqualTo(400);
    var post = client.send("POST", history(id, ""), Optional.of(admin), Optional.of("{}"));
    assertThat(post.status()).isEqualTo(405);
  }

  @Test
  void shouldAnswerAnEmptyHistoryForAnOrderRecordedWhileTheHistoryWasOff() {
    UnifiedOrder order =
        UnifiedOrder.builder()
            .orderId("topup:quiet")
            .businessLine("topup")
            .source("topup", "orders_00")
            .sourceId("quiet")
            .status(OrderStatus.PAID)
            .totalAmount(500)
            .currency("CNY")
            .createdAt(START)
            .build();
    var write =
        new OrderWrite(
            OrderChange.insert(
                order,
                new OrderChange.SourcePosition(
                    "test", "mysql-bin.000002", 4, 0, Optional.empty(), 4),
                START),
            OrderWrite.Action.UPSERT);
    try (var quiet =
        OrderStore.open(
            OrderStoreConfig.builder(storeConfig.shards(), storeConfig.user())
                .password(TestServers.mariaDb114().adminPassword())
                .history(false)
                .build())) {
      assertThat(quiet.apply(List.of(write)).applied()).isEqualTo(1);
    }
    var reply = client.get(history("topup:quiet", ""), Optional.of(admin));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.json().get("changes")).isEmpty();
    String fuelOnly =
        keys.create(
                "fuel-only",
                new KeyScopes(Set.of("fuel"), Set.of(), Optional.empty(), false, false, false, 0),
                Optional.empty())
            .token();
    assertThat(client.get(history("topup:quiet", ""), Optional.of(fuelOnly)).status())
        .isEqualTo(404);
  }

  @Test
  void shouldAnswerUnavailableWhenTheGatewayHasNoHistory() {
    var other = new GatewayTests.Client(withoutHistory.port());
    var reply = other.get(history(busiest(topup), ""), Optional.of(admin));
    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.contentType()).isEqualTo("application/problem+json");
    assertThat(reply.body()).contains("store.history");
  }

  private static String history(String id, String query) {
    return "/v1/orders/" + enc(id) + "/history" + query;
  }

  private static String enc(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static Map<String, List<OrderChange>> byOrder(List<OrderChange> changes) {
    return changes.stream().collect(Collectors.groupingBy(OrderChange::orderId));
  }

  private static List<OrderChange> newestFirst(List<OrderChange> changes) {
    List<OrderChange> sorted = new ArrayList<>(changes);
    sorted.sort(Comparator.comparing(OrderChange::version).reversed());
    return sorted;
  }

  /** The live order with the most changes (ties broken by id, so runs are repeatable). */
  private static String busiest(Map<String, List<OrderChange>> orders) {
    return orders.entrySet().stream()
        .filter(e -> newestFirst(e.getValue()).get(0).after().isPresent())
        .max(
            Comparator.<Map.Entry<String, List<OrderChange>>>comparingInt(e -> e.getValue().size())
                .thenComparing(Map.Entry::getKey))
        .orElseThrow()
        .getKey();
  }
}
