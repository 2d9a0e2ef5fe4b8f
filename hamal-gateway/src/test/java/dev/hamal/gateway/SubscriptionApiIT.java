package dev.hamal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The subscriptions API: validation, scopes, isolation between keys, life cycle. */
class SubscriptionApiIT {
  private SubscriptionFixture fixture;

  @BeforeEach
  void setUp() throws Exception {
    fixture = new SubscriptionFixture(b -> b);
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  private static List<String> pointers(JsonNode problem) {
    List<String> pointers = new ArrayList<>();
    problem.path("errors").forEach(e -> pointers.add(e.get("pointer").asText()));
    return pointers;
  }

  private String webhook(String line) {
    return """
    {"name": "n", "filter": {"businessLines": ["%s"]},
     "destination": {"type": "webhook", "url": "https://example.com/hook"}}\
    """
        .formatted(line);
  }

  @Test
  void shouldReportEveryInvalidFieldWithItsPointer() throws Exception {
    String token = fixture.key(false, fixture.line);
    var answer =
        fixture.call(
            "POST",
            "",
            token,
            """
            {"name": " ", "color": "red",
             "filter": {"businessLines": ["Bad Line", 3], "statuses": ["PAID", "LOST"],
                        "operations": ["UPSERT"], "more": 1},
             "template": 42,
             "destination": {"type": "webhook", "url": "ftp://example.com/x",
                             "secret": "short", "extra": true}}\
            """);
    assertThat(answer.status()).isEqualTo(422);
    assertThat(pointers(answer.body()))
        .containsExactlyInAnyOrder(
            "/color",
            "/name",
            "/filter/more",
            "/filter/businessLines/0",
            "/filter/businessLines/1",
            "/filter/statuses/1",
            "/filter/operations/0",
            "/template",
            "/destination/extra",
            "/destination/url",
            "/destination/secret");
    var missing = fixture.call("POST", "", token, "{\"filter\": []}");
    assertThat(missing.status()).isEqualTo(422);
    assertThat(pointers(missing.body()))
        .containsExactlyInAnyOrder("/name", "/filter", "/destination");
    var noHost =
        fixture.call(
            "POST",
            "",
            token,
            "{\"name\": \"n\", \"destination\": {\"type\": \"webhook\", \"url\": \"http:///x\"}}");
    assertThat(pointers(noHost.body())).containsExactly("/destination/url");
    var sse =
        fixture.call(
            "POST",
            "",
            token,
            "{\"name\": \"n\", \"destination\": {\"type\": \"sse\", \"url\": \"http://a/\"}}");
    assertThat(pointers(sse.body())).containsExactly("/destination/url");
    var template =
        fixture.call(
            "POST",
            "",
            token,
            "{\"name\": \"n\", \"template\": \"nope\", \"destination\": {\"type\": \"sse\"}}");
    assertThat(template.status()).isEqualTo(422);
    assertThat(pointers(template.body())).containsExactly("/template");
    assertThat(fixture.call("POST", "", token, "[1]").status()).isEqualTo(400);
  }

  @Test
  void shouldRefuseLinesOutsideTheKeysScopesAndKeysThatMayNotSubscribe() throws Exception {
    String token = fixture.key(false, fixture.line);
    assertThat(fixture.call("POST", "", token, webhook("other")).status()).isEqualTo(403);
    assertThat(fixture.call("POST", "", token, webhook("*")).status()).isEqualTo(403);
    var scopes =
        new KeyScopes(
            java.util.Set.of("*"),
            java.util.Set.of("*"),
            java.util.Optional.empty(),
            false,
            false,
            false,
            0);
    String reader = fixture.keys.create("reader", scopes, java.util.Optional.empty()).token();
    assertThat(fixture.call("POST", "", reader, webhook(fixture.line)).status()).isEqualTo(403);
    String all = fixture.key(false, "*");
    var created = fixture.call("POST", "", all, webhook("other"));
    assertThat(created.status()).isEqualTo(201);
    var defaulted =
        fixture.call("POST", "", token, "{\"name\": \"n\", \"destination\": {\"type\": \"sse\"}}");
    assertThat(defaulted.body().get("filter").get("businessLines").get(0).asText())
        .isEqualTo(fixture.line);
  }

  @Test
  void shouldHideOneKeysSubscriptionsFromAnotherKeyButNotFromAnAdmin() throws Exception {
    String alice = fixture.key(false, fixture.line);
    String bob = fixture.key(false, fixture.line);
    String admin = fixture.key(true, "*");
    var created = fixture.call("POST", "", alice, webhook(fixture.line));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().get("destination").get("secret").asText()).startsWith("whsec_");
    String id = created.body().get("id").asText();
    var read = fixture.call("GET", "/" + id, alice, null);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body().get("destination").has("secret")).isFalse();

    for (String[] call :
        new String[][] {
          {"GET", "/" + id},
          {"DELETE", "/" + id},
          {"POST", "/" + id + "/pause"},
          {"POST", "/" + id + "/resume"},
          {"GET", "/" + id + "/deliveries"},
          {"GET", "/" + id + "/dead-letters"},
          {"POST", "/" + id + "/deliveries/dlv_x/redeliver"},
          {"GET", "/" + id + "/events"}
        }) {
      assertThat(fixture.call(call[0], call[1], bob, null).status()).as(call[1]).isEqualTo(404);
    }
    assertThat(fixture.call("GET", "", bob, null).body().get("subscriptions")).isEmpty();
    assertThat(fixture.call("GET", "", alice, null).body().get("subscriptions")).hasSize(1);
    assertThat(fixture.call("GET", "", admin, null).body().get("subscriptions")).hasSize(1);

    var paused = fixture.call("POST", "/" + id + "/pause", admin, null);
    assertThat(paused.body().get("state").asText()).isEqualTo("PAUSED");
    var resumed = fixture.call("POST", "/" + id + "/resume", alice, null);
    assertThat(resumed.body().get("state").asText()).isEqualTo("ACTIVE");
    assertThat(fixture.call("GET", "/" + id + "/deliveries?limit=0", alice, null).status())
        .isEqualTo(400);
    assertThat(fixture.call("GET", "/" + id + "/deliveries?before=x", alice, null).status())
        .isEqualTo(400);
    assertThat(fixture.call("DELETE", "/" + id, alice, null).status()).isEqualTo(204);
    assertThat(fixture.call("GET", "/" + id, alice, null).status()).isEqualTo(404);
  }
}
