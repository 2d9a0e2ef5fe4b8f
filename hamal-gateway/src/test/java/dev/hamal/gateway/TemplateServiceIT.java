package dev.hamal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.testkit.Sql;
import dev.hamal.testkit.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TemplateServiceIT {
  private final HttpClient http = HttpClient.newHttpClient();
  private GatewayDatabase database;
  private Gateway gateway;
  private String admin;
  private ApiKeys keys;

  private record Answer(int status, JsonNode body) {}

  @BeforeEach
  void start() {
    MariaDbServer server = TestServers.mariaDb114();
    String schema =
        "gw_templates_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Sql.execute(server, "CREATE DATABASE " + schema);
    database =
        GatewayDatabase.open(
            new GatewayDatabase.Config(
                server.jdbcUrl(schema),
                server.adminUser(),
                server.adminPassword(),
                4,
                Duration.ofSeconds(5)));
    keys = new ApiKeys(database, Clock.systemUTC(), Duration.ofSeconds(5), Ticker.systemTicker());
    Templates templates =
        new Templates(
            database,
            MaskingPolicy.defaults(),
            Clock.systemUTC(),
            Templates.Config.defaults(),
            Ticker.systemTicker());
    gateway =
        Gateway.builder(
                new Gateway.ServerConfig("127.0.0.1", 0, 64, 10_000, Duration.ofSeconds(1)), keys)
            .service("/templates", new TemplateService(templates))
            .start();
    admin = keys.create("admin", KeyScopes.administrator(), Optional.empty()).token();
    assertThat(keys.authenticate(admin)).as("the admin key %s", admin).isPresent();
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (database != null) {
      database.close();
    }
  }

  private Answer call(String method, String path, String key, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.port() + "/v1/templates" + path))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = response.body().isEmpty() ? null : Json.MAPPER.readTree(response.body());
    return new Answer(response.statusCode(), json);
  }

  private static String q(String text) {
    return text.replace('\'', '"');
  }

  private static final String FINANCE =
      q(
          "{'description': 'finance', 'fields': {'id': 'orderId', 'amount': '$decimal(amounts.total)',"
              + " 'buyer': {'phone': 'ext.mobile', 'all': '$string($)'}}}");

  @Test
  void shouldCreateVersionsListShowAndDeleteTemplates() throws Exception {
    Answer first = call("POST", "/finance", admin, FINANCE);
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.body().get("version").asInt()).isEqualTo(1);
    Answer second =
        call("POST", "/finance", admin, q("{'description': 'v2', 'fields': {'id': 'orderId'}}"));
    assertThat(second.body().get("id").asText()).isEqualTo("finance@2");
    call("POST", "/other", admin, q("{'fields': {'x': 'status'}}"));

    Answer list = call("GET", "/", admin, null);
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body().get("templates"))
        .extracting(t -> t.get("name").asText() + "@" + t.get("latestVersion").asInt())
        .containsExactly("finance@2", "other@1");

    Answer latest = call("GET", "/finance", admin, null);
    assertThat(latest.body().get("template").get("description").asText()).isEqualTo("v2");
    Answer v1 = call("GET", "/finance/versions/1", admin, null);
    assertThat(v1.body().get("template")).isEqualTo(Json.MAPPER.readTree(FINANCE));
    assertThat(call("GET", "/finance/versions/3", admin, null).status()).isEqualTo(404);
    assertThat(call("GET", "/finance/versions/x", admin, null).status()).isEqualTo(400);

    assertThat(call("DELETE", "/finance", admin, null).status()).isEqualTo(204);
    assertThat(call("GET", "/finance", admin, null).status()).isEqualTo(404);
    assertThat(call("GET", "/finance/versions/1", admin, null).status()).isEqualTo(404);
    assertThat(call("DELETE", "/finance", admin, null).status()).isEqualTo(404);
    Answer recreated = call("POST", "/finance", admin, FINANCE);
    assertThat(recreated.body().get("version").asInt()).isEqualTo(3);
    assertThat(call("GET", "/finance/versions/2", admin, null).status()).isEqualTo(404);
  }

  @Test
  void shouldAnswerPreciseErrorsForAnInvalidTemplate() throws Exception {
    Answer answer =
        call(
            "POST",
            "/broken",
            admin,
            q(
                "{'fields': {'a': 'amounts.total +', 'b': {'c': '$nope(1)'}, 'd': 5},"
                    + " 'extra': true}"));
    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.body().get("errors"))
        .extracting(e -> e.get("pointer").asText())
        .containsExactlyInAnyOrder("/fields/a", "/fields/b/c", "/fields/d", "/extra");
    assertThat(call("GET", "/broken", admin, null).status()).isEqualTo(404);
    assertThat(call("POST", "/Bad_Name", admin, FINANCE).status()).isEqualTo(400);
    assertThat(call("POST", "/x", admin, "{not json").status()).isEqualTo(400);
    assertThat(call("POST", "/x", admin, "[1]").status()).isEqualTo(400);
  }

  @Test
  void shouldRefuseChangesFromANonAdminAndHideTemplatesItMayNotUse() throws Exception {
    call("POST", "/finance", admin, FINANCE);
    call("POST", "/secret", admin, FINANCE);
    String reader =
        keys.create(
                "reader",
                new KeyScopes(
                    Set.of("*"), Set.of("finance"), Optional.empty(), false, false, false, 0),
                Optional.empty())
            .token();

    assertThat(call("POST", "/finance", reader, FINANCE).status()).isEqualTo(403);
    assertThat(call("DELETE", "/finance", reader, null).status()).isEqualTo(403);
    assertThat(call("GET", "/secret", reader, null).status()).isEqualTo(403);
    assertThat(call("GET", "/finance", reader, null).status()).isEqualTo(200);
    assertThat(call("GET", "/", reader, null).body().get("templates"))
        .extracting(t -> t.get("name").asText())
        .containsExactly("finance");
    assertThat(call("GET", "/", "hamal_0000000000000000_" + "a".repeat(43), null).status())
        .isEqualTo(401);
  }

  @Test
  void shouldPreviewMaskedForAKeyWithoutTheUnmaskedScope() throws Exception {
    call("POST", "/finance", admin, FINANCE);
    String reader =
        keys.create(
                "reader",
                new KeyScopes(
                    Set.of("*"), Set.of("finance"), Optional.empty(), false, false, false, 0),
                Optional.empty())
            .token();
    ObjectNode order = TemplateService.sampleOrder();
    ((ObjectNode) order.get("ext")).put("mobile", "13987654321");
    String request = Json.MAPPER.writeValueAsString(Json.object().set("order", order));

    Answer masked = call("POST", "/finance/preview", reader, request);
    assertThat(masked.status()).isEqualTo(200);
    assertThat(masked.body().get("template").asText()).isEqualTo("finance@1");
    assertThat(masked.body().get("rendered").get("buyer").get("phone").asText())
        .isEqualTo("139****4321");
    assertThat(masked.body().toString()).doesNotContain("13987654321");

    Answer unmasked = call("POST", "/finance/preview", admin, request);
    assertThat(unmasked.body().get("rendered").get("buyer").get("phone").asText())
        .isEqualTo("13987654321");

    Answer unsaved =
        call(
            "POST",
            "/anything/preview",
            admin,
            q(
                "{'template': {'fields': {'s': '$label(status, {\\'PAID\\': \\'paid\\'})', 'bad': '1 +'}}}"));
    assertThat(unsaved.status()).isEqualTo(422);
    assertThat(unsaved.body().get("errors").get(0).get("pointer").asText())
        .isEqualTo("/template/fields/bad");

    Answer failing =
        call(
            "POST",
            "/finance/preview",
            admin,
            q("{'order': {'orderId': 'o1', 'amounts': {'total': 'abc'}}}"));
    assertThat(failing.status()).isEqualTo(422);
    assertThat(failing.body().get("errors").get(0).get("pointer").asText())
        .isEqualTo("/fields/amount");
    assertThat(call("POST", "/finance/preview", admin, q("{'version': 7}")).status())
        .isEqualTo(404);
  }
}
