package dev.hamal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.StoredOrder;
import dev.hamal.store.OrderStore;
import dev.hamal.store.OrderStoreConfig;
import dev.hamal.testkit.OrderHistories;
import dev.hamal.testkit.TestServers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The orders API over a real order store: keys and scopes, lookups, searches paged with cursors,
 * and the refusals (tampered cursors, cursors of other queries or keys, unknown parameters).
 */
class GatewayOrdersIT {
  private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
  private static GatewayDatabase database;
  private static OrderStore store;
  private static OrderLevels levels;
  private static Gateway gateway;
  private static GatewayTests.Client client;
  private static String admin;
  private static Map<String, OrderWrite> topup;
  private static Map<String, OrderWrite> fuel;

  @BeforeAll
  static void start() {
    MariaDbServer server = TestServers.mariaDb114();
    database = GatewayTests.gatewayDatabase(server, "gw_orders");
    store =
        OrderStore.open(
            OrderStoreConfig.builder(
                    List.of(GatewayTests.freshDatabase(server, "gw_orders_store")),
                    server.adminUser())
                .password(server.adminPassword())
                .poolSize(4)
                .build());
    var topupHistory = OrderHistories.generate("topup", 300, START, 5);
    var fuelHistory = OrderHistories.generate("fuel", 200, START, 6);
    store.apply(topupHistory.writes());
    store.apply(fuelHistory.writes());
    topup = topupHistory.finalStates();
    fuel = fuelHistory.finalStates();
    ApiKeys keys = GatewayTests.keys(database);
    admin = keys.create("admin", KeyScopes.administrator(), Optional.empty()).token();
    levels =
        OrderLevels.builder()
            .searchLevel(
                SearchLevel.STORE, store, OrderLevels.LevelConfig.defaults(SearchLevel.STORE))
            .build();
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    gateway =
        Gateway.builder(Gateway.ServerConfig.defaults().withPort(0), keys)
            .service(
                "/orders",
                new OrderService(
                    levels,
                    GatewayTests.plainPlans(),
                    new Cursors(secret),
                    Set.of("topup", "fuel")))
            .service("/admin/keys", new KeyService(keys))
            .start();
    client = new GatewayTests.Client(gateway.port());
  }

  @AfterAll
  static void stop() {
    gateway.close();
    levels.close();
    store.close();
    database.close();
  }

  private static String createKey(String scopes) {
    var reply =
        client.send(
            "POST",
            "/v1/admin/keys",
            Optional.of(admin),
            Optional.of("{\"name\":\"test\",\"scopes\":" + scopes + "}"));
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    return reply.json().get("key").asText();
  }

  private static String liveOrderId(Map<String, OrderWrite> writes) {
    return writes.values().stream()
        .filter(w -> w.state() == StoredOrder.State.LIVE)
        .map(OrderWrite::orderId)
        .sorted()
        .findFirst()
        .orElseThrow();
  }

  @Test
  void shouldRefuseRequestsWithoutAValidKey() {
    assertThat(client.get("/v1/orders", Optional.empty()).status()).isEqualTo(401);
    assertThat(client.get("/v1/orders", Optional.of("hamal_0123456789abcdef_x")).status())
        .isEqualTo(401);
    String revoked = createKey("{\"businessLines\":[\"*\"]}");
    String id = revoked.substring(6, 22);
    assertThat(
            client
                .send("DELETE", "/v1/admin/keys/" + id, Optional.of(admin), Optional.empty())
                .status())
        .isEqualTo(204);
    org.awaitility.Awaitility.await()
        .untilAsserted(() ->
            assertThat(client.get("/v1/orders", Optional.of(revoked)).status()).isEqualTo(401));
  }

  @Test
  void shouldAnswerAnOrderByIdWithTheLevelThatAnsweredAndHideOtherLines() {
    String topupOnly = createKey("{\"businessLines\":[\"topup\"]}");
    String topupId = liveOrderId(topup);
    var reply = client.get("/v1/orders/" + enc(topupId), Optional.of(topupOnly));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonNode body = reply.json();
    StoredOrder expected = store.find(topupId).orElseThrow();
    assertThat(body.get("order").toString()).isEqualTo(OrderDocuments.of(expected).toString());
    assertThat(body.get("level").asText()).isEqualTo("store");
    assertThat(body.get("degraded").asBoolean()).isFalse();

    String fuelId = liveOrderId(fuel);
    var hidden = client.get("/v1/orders/" + enc(fuelId), Optional.of(topupOnly));
    var missing = client.get("/v1/orders/" + enc("fuel:no-such-order"), Optional.of(topupOnly));
    assertThat(hidden.status()).isEqualTo(404);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(hidden.json().get("detail").asText())
        .doesNotContain("fuel:no-such")
        .isEqualTo("no order " + fuelId);
    assertThat(client.get("/v1/orders?businessLine=fuel", Optional.of(topupOnly)).status())
        .isEqualTo(403);
  }

  @Test
  void shouldPageThroughEverySearchResultExactlyOnceWithCursors() {
    String key = createKey("{\"businessLines\":[\"*\"]}");
    String query = "/v1/orders?businessLine=topup&limit=7";
    List<String> seen = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    int pages = 0;
    do {
      var reply = client.get(query + cursor.map(c -> "&cursor=" + c).orElse(""), Optional.of(key));
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
      JsonNode body = reply.json();
      body.get("orders").forEach(o -> seen.add(o.get("orderId").asText()));
      cursor =
          body.get("nextCursor").isNull()
              ? Optional.empty()
              : Optional.of(body.get("nextCursor").asText());
      pages++;
    } while (cursor.isPresent() && pages < 1_000);
    Set<String> expected =
        topup.values().stream()
            .filter(w -> w.state() != StoredOrder.State.DELETED)
            .map(OrderWrite::orderId)
            .collect(Collectors.toSet());
    assertThat(seen).doesNotHaveDuplicates();
    assertThat(new LinkedHashSet<>(seen)).isEqualTo(expected);
  }

  @Test
  void shouldRefuseTamperedCursorsAndCursorsOfOtherQueriesOrKeys() {
    String key = createKey("{\"businessLines\":[\"*\"]}");
    String other = createKey("{\"businessLines\":[\"*\"]}");
    var first = client.get("/v1/orders?businessLine=topup&limit=3", Optional.of(key)).json();
    String cursor = first.get("nextCursor").asText();
    char[] chars = cursor.toCharArray();
    chars[chars.length / 2] = chars[chars.length / 2] == 'A' ? 'B' : 'A';
    String tampered = new String(chars);
    for (String path :
        List.of(
            "/v1/orders?businessLine=topup&limit=3&cursor=" + tampered,
            "/v1/orders?businessLine=fuel&limit=3&cursor=" + cursor,
            "/v1/orders?businessLine=topup&limit=4&cursor=" + cursor,
            "/v1/orders?businessLine=topup&limit=3&cursor=%00%01",
            "/v1/orders?businessLine=topup&limit=3&cursor=" + cursor.substring(0, 10))) {
      var reply = client.get(path, Optional.of(key));
      assertThat(reply.status()).as(path + " " + reply.body()).isEqualTo(400);
      assertThat(reply.contentType()).isEqualTo("application/problem+json");
    }
    var otherKey =
        client.get("/v1/orders?businessLine=topup&limit=3&cursor=" + cursor, Optional.of(other));
    assertThat(otherKey.status()).isEqualTo(400);
    assertThat(
            client
                .get("/v1/orders?businessLine=topup&limit=3&cursor=" + cursor, Optional.of(key))
                .status())
        .isEqualTo(200);
  }

  @Test
  void shouldNameTheParameterThatIsWrong() {
    String key = createKey("{\"businessLines\":[\"*\"]}");
    Map<String, String> cases =
        Map.of(
            "/v1/orders?limit=0", "?limit",
            "/v1/orders?limit=abc", "?limit",
            "/v1/orders?status=PAYED", "?status",
            "/v1/orders?createdFrom=yesterday", "?createdFrom",
            "/v1/orders?minAmount=-1", "?minAmount",
            "/v1/orders?sort=amount", "?sort",
            "/v1/orders?businessLine=nosuchline", "?businessLine",
            "/v1/orders?createdFrom=2026-02-01T00:00:00Z&createdTo=2026-01-01T00:00:00Z",
                "?createdTo");
    cases.forEach((path, pointer) -> {
      var reply = client.get(path, Optional.of(key));
      assertThat(reply.status()).as(path).isEqualTo(400);
      assertThat(reply.json().get("errors").get(0).get("pointer").asText()).isEqualTo(pointer);
    });
  }

  @Test
  void shouldLimitEachKeyToItsRate() {
    String key = createKey("{\"businessLines\":[\"*\"],\"rateLimit\":5}");
    int limited = 0;
    for (int i = 0; i < 30; i++) {
      if (client.get("/v1/orders/topup:1", Optional.of(key)).status() == 429) {
        limited++;
      }
    }
    assertThat(limited).isPositive();
  }

  private static String enc(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
