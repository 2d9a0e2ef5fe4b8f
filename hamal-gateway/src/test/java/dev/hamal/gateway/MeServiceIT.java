package dev.hamal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hamal.testkit.TestServers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/me} over a real gateway and key table: the calling key's id, name and scopes, and
 * the business lines it may read by name (its own, limited to the lines the gateway serves; every
 * served line for a key with {@code ["*"]}); refusals as problem documents.
 */
class MeServiceIT {
  private static GatewayDatabase database;
  private static ApiKeys keys;
  private static Gateway gateway;
  private static Gateway unaware;
  private static GatewayTests.Client client;
  private static GatewayTests.Client unawareClient;

  @BeforeAll
  static void start() {
    database = GatewayTests.gatewayDatabase(TestServers.mariaDb114(), "gw_me");
    keys = GatewayTests.keys(database);
    gateway =
        Gateway.builder(Gateway.ServerConfig.defaults().withPort(0), keys)
            .businessLines(Set.of("topup", "fuel", "ticket"))
            .start();
    unaware = Gateway.builder(Gateway.ServerConfig.defaults().withPort(0), keys).start();
    client = new GatewayTests.Client(gateway.port());
    unawareClient = new GatewayTests.Client(unaware.port());
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (unaware != null) {
      unaware.close();
    }
    if (database != null) {
      database.close();
    }
  }

  private static ApiKeys.CreatedKey key(String name, KeyScopes scopes) {
    return keys.create(name, scopes, Optional.empty());
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  @Test
  void shouldDescribeTheCallingKeyWithItsScopes() {
    KeyScopes scopes =
        new KeyScopes(
            Set.of("topup"), Set.of("finance"), Optional.of("finance"), false, true, false, 25);
    var created = key("reporting", scopes);

    var reply = client.get("/v1/me", Optional.of(created.token()));

    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.contentType()).startsWith("application/json");
    JsonNode me = reply.json();
    assertThat(me.get("id").asText()).isEqualTo(created.token().substring(6, 22));
    assertThat(me.get("name").asText()).isEqualTo("reporting");
    assertThat(me.get("scopes")).isEqualTo(scopes.toJson());
    assertThat(me.at("/scopes/admin").asBoolean()).isFalse();
    assertThat(me.at("/scopes/subscribe").asBoolean()).isTrue();
    assertThat(me.at("/scopes/unmasked").asBoolean()).isFalse();
    assertThat(texts(me.at("/scopes/templates"))).containsExactly("finance");
    assertThat(texts(me.get("readableBusinessLines"))).containsExactly("topup");
  }

  @Test
  void shouldListEveryServedLineForAKeyThatReadsAll() {
    var admin = key("ops", KeyScopes.administrator());

    JsonNode me = client.get("/v1/me", Optional.of(admin.token())).json();

    assertThat(me.at("/scopes/admin").asBoolean()).isTrue();
    assertThat(texts(me.at("/scopes/businessLines"))).containsExactly("*");
    assertThat(texts(me.get("readableBusinessLines"))).containsExactly("fuel", "ticket", "topup");
  }

  @Test
  void shouldLeaveOutLinesTheGatewayDoesNotServe() {
    var key =
        key(
            "two lines",
            new KeyScopes(
                Set.of("fuel", "retired"), Set.of(), Optional.empty(), false, false, false, 0));

    JsonNode served = client.get("/v1/me", Optional.of(key.token())).json();
    JsonNode unknown = unawareClient.get("/v1/me", Optional.of(key.token())).json();

    assertThat(texts(served.get("readableBusinessLines"))).containsExactly("fuel");
    assertThat(texts(unknown.get("readableBusinessLines")))
        .as("a gateway not told its lines reports the key's own")
        .containsExactly("fuel", "retired");
  }

  @Test
  void shouldReportNoReadableLineForAKeyThatReadsAllWhenTheGatewayDoesNotKnowItsLines() {
    var admin = key("ops elsewhere", KeyScopes.administrator());

    JsonNode me = unawareClient.get("/v1/me", Optional.of(admin.token())).json();

    assertThat(me.get("readableBusinessLines").isArray()).isTrue();
    assertThat(me.get("readableBusinessLines")).isEmpty();
  }

  @Test
  void shouldRefuseWithoutAValidKeyOtherMethodsAndParameters() {
    var key = key("plain", KeyScopes.administrator());

    var none = client.get("/v1/me", Optional.empty());
    var wrong = client.get("/v1/me", Optional.of("hamal_0123456789abcdef_nope"));
    var post = client.send("POST", "/v1/me", Optional.of(key.token()), Optional.of("{}"));
    var parameter = client.get("/v1/me?verbose=true", Optional.of(key.token()));

    assertThat(none.status()).isEqualTo(401);
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(post.status()).isEqualTo(405);
    assertThat(parameter.status()).isEqualTo(400);
    assertThat(parameter.json().get("detail").asText()).contains("verbose");
    for (var reply : List.of(none, wrong, post, parameter)) {
      assertThat(reply.contentType()).startsWith("application/problem+json");
    }
  }

  @Test
  void shouldStopAnsweringForARevokedKey() {
    var key = key("short-lived", KeyScopes.administrator());
    assertThat(client.get("/v1/me", Optional.of(key.token())).status()).isEqualTo(200);

    keys.revoke(key.token().substring(6, 22));

    org.awaitility.Awaitility.await()
        .untilAsserted(() ->
            assertThat(client.get("/v1/me", Optional.of(key.token())).status()).isEqualTo(401));
  }
}
