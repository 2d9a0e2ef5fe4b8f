package dev.hamal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input never breaks the gateway: every route (method and path template) gets many generated
 * bad requests — malformed JSON, wrong JSON types for every field of the valid bodies, huge values,
 * invalid and tampered cursors, hostile path parameters, injection strings, bad query parameters,
 * missing or garbled keys, methods not allowed — and every answer must be a 4xx problem document
 * (or a 2xx where the input happens to be valid), never a 5xx, never a stack trace or class name.
 *
 * <p>Isolation: two non-admin keys A and B read one business line each and own templates,
 * subscriptions, deliveries and dead letters. Whatever A sends, no answer to A holds an order id,
 * subscription id, delivery id, key id, template or hook of B that A did not send itself (and the
 * other way round), a non-admin key never gets a 2xx from {@code /v1/admin/*}, and B's things are
 * intact afterwards.
 *
 * <p>Generation is a seeded {@link Random}; the seed is printed and named in every failure. System
 * properties: {@code hamal.fuzz.seed} (replay), {@code hamal.fuzz.iterations} (requests per route
 * per input class, default 30).
 */
class GatewayFuzzIT {
  /** Every route the gateway serves. */
  record Route(String method, String path) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  static final List<Route> ROUTES =
      List.of(
          new Route("GET", "/health"),
          new Route("GET", "/ready"),
          new Route("GET", "/openapi.yaml"),
          new Route("GET", "/v1/me"),
          new Route("GET", "/v1/orders"),
          new Route("GET", "/v1/orders/{id}"),
          new Route("GET", "/v1/orders/{id}/history"),
          new Route("GET", "/v1/analytics/orders"),
          new Route("GET", "/v1/admin/keys"),
          new Route("POST", "/v1/admin/keys"),
          new Route("GET", "/v1/admin/keys/{id}"),
          new Route("GET", "/v1/admin/pipes"),
          new Route("POST", "/v1/admin/pipes/{name}/pause"),
          new Route("POST", "/v1/admin/pipes/{name}/resume"),
          new Route("GET", "/v1/admin/instances"),
          new Route("GET", "/v1/admin/dead-letters"),
          new Route("GET", "/v1/admin/dead-letters/{id}"),
          new Route("POST", "/v1/admin/dead-letters/{id}/replay"),
          new Route("DELETE", "/v1/admin/keys/{id}"),
          new Route("GET", "/v1/templates"),
          new Route("POST", "/v1/templates/{name}"),
          new Route("GET", "/v1/templates/{name}"),
          new Route("DELETE", "/v1/templates/{name}"),
          new Route("GET", "/v1/templates/{name}/versions/{version}"),
          new Route("POST", "/v1/templates/{name}/preview"),
          new Route("POST", "/v1/subscriptions"),
          new Route("GET", "/v1/subscriptions"),
          new Route("GET", "/v1/subscriptions/{id}"),
          new Route("DELETE", "/v1/subscriptions/{id}"),
          new Route("POST", "/v1/subscriptions/{id}/pause"),
          new Route("POST", "/v1/subscriptions/{id}/resume"),
          new Route("GET", "/v1/subscriptions/{id}/deliveries"),
          new Route("GET", "/v1/subscriptions/{id}/dead-letters"),
          new Route("POST", "/v1/subscriptions/{id}/deliveries/{deliveryId}/redeliver"),
          new Route("GET", "/v1/subscriptions/{id}/events"));

  /** The classes of bad input; each route gets {@code iterations} requests of each. */
  enum Kind {
    MALFORMED_JSON,
    WRONG_TYPES,
    HUGE_VALUES,
    BAD_PATH,
    BAD_QUERY,
    BAD_CURSOR,
    INJECTION,
    BAD_AUTH,
    BAD_METHOD,
    OTHER_PARTY
  }

  /** Who sends a request. */
  enum As {
    A,
    B,
    ADMIN,
    NOBODY
  }

  private static final Pattern LEAK_MARKERS =
      Pattern.compile(
          "Exception|Error:|\\bat (dev\\.hamal|java\\.|io\\.helidon|com\\.)|java\\.|javax\\."
              + "|io\\.helidon|com\\.fasterxml|org\\.mariadb|org\\.apache|\\.java:\\d"
              + "|`[\\w$.]+`|\\b[A-Z]\\w+\\.\\w+\\(\\)|\\b(SQL|JDBC|Jackson|Helidon|Kafka)\\b");

  private static final List<String> INJECTIONS =
      List.of(
          "' OR 1=1 --",
          "\" OR \"\"=\"",
          "1; DROP TABLE api_keys; --",
          "') UNION SELECT key_id, secret_hash FROM api_keys --",
          "*:*",
          "businessLine:* OR *",
          "userId:(* OR *) AND _exists_:orderId",
          "{\"match_all\":{}}",
          "$eval('$$')",
          "$eval(\"1+1\")",
          "$$.**",
          "**",
          "$keys($)",
          "$string($$)",
          "function($x){$x}",
          "\r\nX-Injected: yes",
          "\r\n\r\nHTTP/1.1 200 OK",
          "%0d%0aSet-Cookie:%20a=b",
          "${jndi:ldap://127.0.0.1/a}",
          "<script>alert(1)</script>",
          "../../../../etc/passwd",
          "\u0000",
          "\\u0000",
          "%",
          "%%32%65",
          "\uFEFF",
          "\uD800",
          "日本語🙂ﷺ",
          "𝕳𝖆𝖒𝖆𝖑",
          "null",
          "undefined",
          "NaN");

  private static GatewayFuzzFixture fixture;
  private static long seed;
  private static int iterations;

  private final Map<Integer, Integer> byStatus = new TreeMap<>();
  private final Map<Route, Integer> perRoute = new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();
  private Random random;
  private int sent;
  private int ownDataAnswers;

  @BeforeAll
  static void start() throws Exception {
    seed = Long.getLong("hamal.fuzz.seed", System.nanoTime());
    iterations = Integer.getInteger("hamal.fuzz.iterations", 30);
    System.out.println("GatewayFuzzIT seed " + seed + " (-Dhamal.fuzz.seed=" + seed + ")");
    fixture = new GatewayFuzzFixture();
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void shouldListEveryDocumentedPathAndServeEveryListedRoute() throws IOException {
    Map<String, Set<String>> documented = documentedRoutes();
    Map<String, Set<String>> listed = new LinkedHashMap<>();
    ROUTES.forEach(r -> listed.computeIfAbsent(r.path(), p -> new TreeSet<>()).add(r.method()));
    documented.forEach((path, methods) ->
        assertThat(listed.getOrDefault(path, Set.of()))
            .as("openapi.yaml documents %s %s; the fuzz test must cover it", methods, path)
            .containsAll(methods));
    listed.forEach((path, methods) -> {
      if (documented.containsKey(path)) {
        assertThat(documented.get(path))
            .as("the methods of %s in openapi.yaml", path)
            .containsAll(methods);
      }
    });
    // every listed route exists: an admin request reaches a handler, not the catch-all 404
    for (Route route : ROUTES) {
      String target = route.path();
      for (String name : List.of("id", "name", "version", "deliveryId")) {
        target = target.replace("{" + name + "}", "zz");
      }
      var answer = fixture.call(fixture.admin, route.method(), target);
      assertThat(answer.text()).as(route.toString()).doesNotContain("no such endpoint");
      assertThat(answer.status()).as(route + " " + answer.text()).isBetween(200, 499);
    }
  }

  @Test
  void shouldSeeALeakWhenAnAnswerHoldsTheOtherKeysData() {
    // the detector itself: an admin's search of B's line is full of B's data
    String target = "/v1/orders?businessLine=" + fixture.lineB;
    var answer = fixture.call(fixture.admin, "GET", target);
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    List<String> wrong = new ArrayList<>();
    leaks(fixture.b, answer.text(), "/v1/orders", wrong);
    assertThat(wrong)
        .as("B's orders in an answer to a request that did not name them")
        .isNotEmpty();
    List<String> echoed = new ArrayList<>();
    leaks(
        fixture.b, "no order " + fixture.lineB + ":7", echo(target + ":7", Map.of(), null), echoed);
    assertThat(echoed).as("an echo of the request is not a leak").isEmpty();
  }

  @Test
  void shouldRedeliverADeadLetterWhoseHookStillFailsAndLogTheFailedAttempt() throws IOException {
    var b = fixture.b;
    String path =
        "/v1/subscriptions/"
            + b.webhookSubscription()
            + "/deliveries/"
            + b.deliveryIds().get(0)
            + "/redeliver";
    var answer = fixture.call(b.token(), "POST", path);
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(answer.body()).get("delivered").asBoolean()).isFalse();
    var log =
        fixture.call(
            b.token(), "GET", "/v1/subscriptions/" + b.webhookSubscription() + "/deliveries");
    assertThat(log.text()).contains("REDELIVERY_FAILED");
  }

  @Test
  void shouldAnswerEveryBadRequestWithAProblemAndNeverLeakAnotherKeysData() {
    random = new Random(seed);
    for (Route route : ROUTES) {
      for (Kind kind : Kind.values()) {
        for (int i = 0; i < iterations; i++) {
          fuzz(route, kind);
        }
      }
    }
    // the catch-all under /v1 and a few unknown paths
    for (int i = 0; i < iterations * 4; i++) {
      fuzz(
          new Route(
              "GET",
              "/v1/"
                  + pick(
                      List.of(
                          "nothing",
                          "orders/x/y/z",
                          "admin",
                          "admin/keys/x/y",
                          "templates/x/versions",
                          "subscriptions/x/y"))),
          pick(List.of(Kind.values())));
    }
    checkPartiesIntact();
    Map<String, Integer> classes = new TreeMap<>();
    byStatus.forEach((status, n) -> classes.merge(status / 100 + "xx", n, Integer::sum));
    System.out.println(
        "GatewayFuzzIT seed "
            + seed
            + ": "
            + sent
            + " requests, by class "
            + classes
            + ", by status "
            + byStatus
            + ", answers to A holding A's orders "
            + ownDataAnswers);
    assertThat(failures)
        .as(
            "%d of %d answers were wrong (seed %d; replay with -Dhamal.fuzz.seed=%d)",
            failures.size(), sent, seed, seed)
        .isEmpty();
    assertThat(sent).isGreaterThan(ROUTES.size() * Kind.values().length * iterations - 1);
    assertThat(ownDataAnswers).as("answers to A that held A's own orders").isPositive();
    assertThat(perRoute.keySet()).containsAll(ROUTES);
  }

  // ---------------------------------------------------------------- one request

  private void fuzz(Route route, Kind kind) {
    As as = kind == Kind.BAD_AUTH ? As.NOBODY : weighted();
    String method = route.method();
    if (kind == Kind.BAD_METHOD) {
      method =
          pick(
              List.of(
                  "PUT",
                  "PATCH",
                  "OPTIONS",
                  "TRACE",
                  "HEAD",
                  "FOO",
                  "get",
                  "DELETE",
                  "POST",
                  "GET",
                  "M-SEARCH",
                  "PROPFIND"));
    }
    boolean destructive = method.equals("DELETE") || route.path().endsWith("/pause");
    String target = path(route, as, kind, destructive) + query(route, as, kind);
    Map<String, String> headers = new LinkedHashMap<>();
    auth(as, kind, headers);
    byte[] body = body(route, kind, method, headers);
    if (kind == Kind.INJECTION && random.nextInt(4) == 0) {
      headers.put(
          pick(List.of("X-Forwarded-For", "Last-Event-ID", "Accept", "X-Api-Key", "Hamal-Level")),
          printable(pick(INJECTIONS)));
    }
    if (route.path().endsWith("/events") && random.nextBoolean()) {
      headers.put("Last-Event-ID", cursorLike(as));
    }
    byte[] request = GatewayFuzzFixture.request(method, target, headers, body);
    var exchange = fixture.raw(request, method.equals("HEAD"));
    sent++;
    byStatus.merge(exchange.status(), 1, Integer::sum);
    perRoute.merge(route, 1, Integer::sum);
    check(route, kind, as, method, target, headers, body, exchange);
  }

  private As weighted() {
    int n = random.nextInt(10);
    return n < 6 ? As.A : n < 8 ? As.B : As.ADMIN;
  }

  private void check(
      Route route,
      Kind kind,
      As as,
      String method,
      String target,
      Map<String, String> headers,
      byte[] body,
      GatewayFuzzFixture.Exchange exchange) {
    String echo = echo(target, headers, body);
    String text = exchange.text();
    int status = exchange.status();
    List<String> wrong = new ArrayList<>();
    if (status < 200 || status >= 500) {
      wrong.add("status " + status);
    }
    String type = exchange.header("Content-Type").orElse("");
    boolean head = method.equals("HEAD");
    if (status >= 400 && !head) {
      if (!type.startsWith("application/problem+json")) {
        wrong.add("a refusal that is not application/problem+json (" + type + ")");
      } else {
        try {
          JsonNode problem = Json.MAPPER.readTree(exchange.body());
          if (problem == null
              || problem.path("status").asInt() != status
              || !problem.path("type").isTextual()
              || !problem.path("title").isTextual()) {
            wrong.add("not a problem document of status " + status);
          }
        } catch (IOException e) {
          wrong.add("a problem body that is not JSON");
        }
      }
    }
    if (status >= 200 && status < 300) {
      if (Set.of("PUT", "PATCH", "OPTIONS", "TRACE", "FOO", "M-SEARCH", "PROPFIND")
          .contains(method)) {
        wrong.add("a method the route does not have was accepted");
      }
      if (as == As.NOBODY && target.startsWith("/v1")) {
        wrong.add("answered without a valid key");
      }
      if ((as == As.A || as == As.B) && target.startsWith("/v1/admin")) {
        wrong.add("a non-admin key reached /v1/admin");
      }
      if (!head
          && status != 204
          && !exchange.stream()
          && !type.startsWith("application/json")
          && !type.startsWith("application/yaml")) {
        wrong.add("a 2xx that is not JSON (" + type + ")");
      }
    }
    // (the OpenAPI document may name anything; it is documentation, not an answer to input)
    Matcher marker = LEAK_MARKERS.matcher(type.startsWith("application/yaml") ? "" : text);
    while (marker.find()) {
      if (!echo.contains(marker.group())) {
        wrong.add("the body names internals (" + marker.group() + ")");
        break;
      }
    }
    if (as == As.A) {
      if (text.contains(fixture.lineA + ":")) {
        ownDataAnswers++;
      }
      leaks(fixture.b, text, echo, wrong);
    } else if (as == As.B) {
      leaks(fixture.a, text, echo, wrong);
    }
    if (!wrong.isEmpty()) {
      failures.add(
          String.join("; ", wrong)
              + "\n  "
              + kind
              + " as "
              + as
              + " on "
              + route
              + ": "
              + method
              + " "
              + abbreviate(target, 300)
              + (headers.isEmpty() ? "" : "\n  headers " + abbreviate(headers.toString(), 300))
              + (body == null
                  ? ""
                  : "\n  body "
                      + abbreviate(printable(new String(body, StandardCharsets.UTF_8)), 300))
              + "\n  answer "
              + status
              + " "
              + type
              + " "
              + abbreviate(text, 500));
    }
  }

  /** Whether {@code text} holds anything of {@code other} that the request did not carry. */
  private static void leaks(
      GatewayFuzzFixture.Party other, String text, String echo, List<String> wrong) {
    Matcher orders = Pattern.compile(Pattern.quote(other.line()) + ":\\d+").matcher(text);
    while (orders.find()) {
      if (!echo.contains(orders.group())) {
        wrong.add("LEAK: order " + orders.group() + " of key " + other.name());
        return;
      }
    }
    List<String> secrets = new ArrayList<>();
    secrets.add(other.line());
    secrets.add(other.keyId());
    secrets.add(other.template());
    secrets.add(other.webhookSubscription());
    secrets.add(other.streamSubscription());
    secrets.add(other.hookPath());
    secrets.addAll(other.deliveryIds());
    for (String secret : secrets) {
      if (text.contains(secret) && !echo.contains(secret)) {
        wrong.add("LEAK: " + secret + " of key " + other.name());
        return;
      }
    }
  }

  /** What the request carried, raw and percent-decoded, so an echo of it is not a leak. */
  private static String echo(String target, Map<String, String> headers, byte[] body) {
    StringBuilder all = new StringBuilder(target).append('\n');
    try {
      all.append(URLDecoder.decode(target.replace("+", "%2B"), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      // a deliberately broken encoding: the raw form is there
    }
    all.append('\n').append(headers).append('\n');
    if (body != null) {
      String text = new String(body, StandardCharsets.UTF_8);
      all.append(text).append('\n');
      try {
        all.append(Json.MAPPER.readTree(body));
      } catch (IOException e) {
        // not JSON: the raw text is there
      }
    }
    return all.toString();
  }

  // ---------------------------------------------------------------- paths

  private String path(Route route, As as, Kind kind, boolean destructive) {
    String target = route.path();
    for (String name : List.of("id", "name", "version", "deliveryId")) {
      String placeholder = "{" + name + "}";
      if (target.contains(placeholder)) {
        target = target.replace(placeholder, parameter(route, name, as, kind, destructive));
      }
    }
    return target;
  }

  private String parameter(Route route, String name, As as, Kind kind, boolean destructive) {
    GatewayFuzzFixture.Party own = as == As.B ? fixture.b : fixture.a;
    GatewayFuzzFixture.Party other = as == As.B ? fixture.a : fixture.b;
    boolean bad = kind == Kind.BAD_PATH || kind == Kind.INJECTION || kind == Kind.HUGE_VALUES;
    if (!bad && kind != Kind.OTHER_PARTY && !destructive && random.nextInt(3) > 0) {
      return encode(valid(route, name, as == As.ADMIN ? null : own));
    }
    if (kind == Kind.OTHER_PARTY || (!bad && random.nextBoolean())) {
      if (as == As.ADMIN) {
        return "zz" + random.nextInt(1000);
      }
      return encode(valid(route, name, other));
    }
    if (kind == Kind.INJECTION) {
      return random.nextBoolean() ? encode(pick(INJECTIONS)) : rawish(pick(INJECTIONS));
    }
    if (kind == Kind.HUGE_VALUES) {
      return pick(
          List.of(
              "9".repeat(40),
              "2147483648",
              "-2147483649",
              "x".repeat(192),
              "x".repeat(10_000),
              "%41".repeat(3_000),
              "1e999999"));
    }
    return pick(
        List.of(
            "..",
            "../..",
            "..%2F..%2Fadmin%2Fkeys",
            "%2e%2e",
            "%2E%2E%2F%2E%2E",
            "%00",
            "a%00b",
            "%0d%0aX-Injected:%201",
            "%ff%fe",
            "%C0%AE%C0%AE",
            "%zz",
            "%",
            "%F0%9F%99%82",
            "%E6%97%A5%E6%9C%AC",
            "%ED%A0%80",
            "%20",
            "%09",
            "*",
            "~",
            ";x=1",
            "%3B",
            "-1",
            "0",
            "00000000000000001",
            "1.5",
            "%7Bid%7D",
            "sub_" + hex(16),
            "sub_" + hex(16) + "%2Fpause",
            hex(16),
            hex(17),
            "hamal_" + hex(16) + "_x",
            own.line() + ":1" + "%2F..",
            "%E2%80%AE" + own.line()));
  }

  /** A value that names something that exists: the party's own (or the other party's) thing. */
  private String valid(Route route, String name, GatewayFuzzFixture.Party party) {
    if (party == null) {
      return switch (name) {
        case "name" -> fixture.adminTemplate;
        case "id" ->
            route.path().startsWith("/v1/subscriptions") ? fixture.adminSubscription : "zz";
        case "version" -> "1";
        default -> "zz";
      };
    }
    return switch (name) {
      case "id" -> {
        if (route.path().startsWith("/v1/orders")) {
          yield pick(List.copyOf(party.orderIds()));
        } else if (route.path().startsWith("/v1/admin")) {
          yield party.keyId();
        } else if (route.path().endsWith("/events")) {
          yield party.streamSubscription();
        }
        yield random.nextInt(4) == 0 ? party.streamSubscription() : party.webhookSubscription();
      }
      case "name" -> party.template();
      case "version" -> pick(List.of("1", "2", "999999999"));
      case "deliveryId" -> party.deliveryIds().isEmpty() ? "d" : pick(party.deliveryIds());
      default -> throw new IllegalArgumentException(name);
    };
  }

  // ---------------------------------------------------------------- queries

  private static final Map<String, List<String>> QUERY_NAMES =
      Map.of(
          "/v1/orders",
          List.of(
              "businessLine",
              "userId",
              "status",
              "createdFrom",
              "createdTo",
              "minAmount",
              "maxAmount",
              "product",
              "limit",
              "cursor",
              "template"),
          "/v1/orders/{id}",
          List.of("template"),
          "/v1/orders/{id}/history",
          List.of("limit"),
          "/v1/analytics/orders",
          List.of("from", "to", "interval", "zone", "groupBy", "businessLine", "status"),
          "/v1/subscriptions/{id}/deliveries",
          List.of("limit", "before"),
          "/v1/admin/dead-letters",
          List.of("includeReplayed", "limit"),
          "/v1/subscriptions/{id}/dead-letters",
          List.of("limit"),
          "/v1/subscriptions/{id}/events",
          List.of("from"));

  private String query(Route route, As as, Kind kind) {
    List<String> names = QUERY_NAMES.getOrDefault(route.path(), List.of("limit", "cursor", "q"));
    GatewayFuzzFixture.Party own = as == As.B ? fixture.b : fixture.a;
    List<String> parts = new ArrayList<>();
    // a mostly valid query, so a single bad parameter reaches the code behind the checks
    for (String name : names) {
      if (random.nextInt(3) == 0) {
        parts.add(name + "=" + encode(validValue(name, own, as)));
      }
    }
    if (route.path().equals("/v1/analytics/orders") && random.nextInt(4) > 0) {
      parts.add("from=2026-01-01T00:00:00Z");
      parts.add("to=2026-03-01T00:00:00Z");
    }
    switch (kind) {
      case BAD_QUERY -> {
        String name =
            random.nextInt(5) == 0
                ? pick(List.of("foo", "LIMIT", "limit[]", "", "a".repeat(5_000), "%00", "%zz"))
                : pick(names);
        String value =
            pick(
                List.of(
                    "",
                    "-1",
                    "0",
                    "-0",
                    "99999999999999999999",
                    "2147483648",
                    "-2147483649",
                    "9223372036854775808",
                    "NaN",
                    "Infinity",
                    "1e3",
                    "0x10",
                    "+5",
                    " 5",
                    "5%20",
                    ",",
                    ",,,",
                    "%2C",
                    "x".repeat(3_000),
                    "PAID,".repeat(150),
                    "hour",
                    "day",
                    "week",
                    "0001-01-01T00:00:00Z",
                    "9999-12-31T23:59:59Z",
                    "+1000000000-01-01T00:00:00Z",
                    "-999999999-01-01T00:00:00Z",
                    "2026-13-45T25:61:61Z",
                    "2026-01-01T00:00:00+25:00",
                    "Asia/Shanghai",
                    "+99:00",
                    "UTC%2B1",
                    "../../etc/localtime",
                    "SystemV/EST5",
                    "GMT+14",
                    "earliest",
                    "latest",
                    "%ff",
                    "%"));
        parts.add(name + "=" + (value.contains("%") ? value : encode(value)));
        if (random.nextBoolean()) {
          parts.add(name + "=" + encode(validValue(name, own, as)));
        }
        if (random.nextInt(4) == 0) {
          parts.add(pick(List.of("&", "=", "==", "a==b", "&&", "x", "%26")));
        }
      }
      case BAD_CURSOR -> {
        String name = route.path().endsWith("/events") ? "from" : "cursor";
        parts.add(name + "=" + cursorLike(as));
      }
      case HUGE_VALUES ->
          parts.add(
              pick(names)
                  + "="
                  + pick(
                      List.of(
                          "9".repeat(30),
                          "1".repeat(2_100),
                          "x".repeat(8_000),
                          "%E6%97%A5".repeat(800))));
      case INJECTION ->
          parts.add(
              pick(names)
                  + "="
                  + (random.nextBoolean() ? encode(pick(INJECTIONS)) : rawish(pick(INJECTIONS))));
      case OTHER_PARTY -> {
        GatewayFuzzFixture.Party other = as == As.B ? fixture.a : fixture.b;
        parts.add(
            pick(
                List.of(
                    "businessLine=" + other.line(),
                    "template=" + other.template(),
                    "cursor=" + encode(other.cursor()),
                    "userId=" + encode(other.line() + ":1"),
                    "businessLine=" + own.line() + "," + other.line(),
                    "businessLine=*",
                    "from=" + encode(other.cursor()))));
      }
      default -> {
        // no extra parameter
      }
    }
    return parts.isEmpty() ? "" : "?" + String.join("&", parts);
  }

  private String validValue(String name, GatewayFuzzFixture.Party own, As as) {
    return switch (name) {
      case "businessLine" -> as == As.ADMIN ? fixture.lineA : own.line();
      case "status" -> pick(List.of("PAID", "created", "SUCCEEDED,CLOSED"));
      case "createdFrom", "from" -> "2026-01-01T00:00:00Z";
      case "createdTo", "to" -> "2026-06-01T00:00:00Z";
      case "minAmount" -> "0";
      case "maxAmount" -> "1000000";
      case "product" -> "Steam";
      case "limit" -> "5";
      case "cursor" -> own.cursor();
      case "template" -> as == As.ADMIN ? fixture.adminTemplate : own.template();
      case "interval" -> pick(List.of("hour", "day"));
      case "zone" -> pick(List.of("UTC", "Asia/Shanghai"));
      case "groupBy" -> pick(List.of("none", "businessLine", "status"));
      case "before" -> "1000000";
      case "userId" -> "u-1";
      default -> "earliest";
    };
  }

  /** A cursor or event id: random, tampered, truncated, padded, another key's, or garbage. */
  private String cursorLike(As as) {
    GatewayFuzzFixture.Party own = as == As.B ? fixture.b : fixture.a;
    GatewayFuzzFixture.Party other = as == As.B ? fixture.a : fixture.b;
    String cursor = own.cursor();
    return switch (random.nextInt(12)) {
      case 0 -> encode(other.cursor());
      case 1 -> {
        char[] chars = cursor.toCharArray();
        int at = random.nextInt(chars.length);
        chars[at] = chars[at] == 'A' ? 'B' : 'A';
        yield new String(chars);
      }
      case 2 -> cursor.substring(0, random.nextInt(cursor.length()));
      case 3 -> cursor + pick(List.of("A", "AAAA", "==", "%3D%3D", "."));
      case 4 ->
          Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(random.nextInt(200) + 1));
      case 5 -> Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(2_000));
      case 6 -> encode(Base64.getEncoder().encodeToString(bytes(40)));
      case 7 -> "%00%01%02";
      case 8 -> "A".repeat(1_025);
      case 9 -> Base64.getUrlEncoder().withoutPadding().encodeToString(forgedStreamPosition());
      case 10 -> encode(pick(INJECTIONS));
      default -> "!!!!";
    };
  }

  /** Deflated bytes claiming a huge topic count, with a random check sum. */
  private byte[] forgedStreamPosition() {
    var raw = new ByteArrayOutputStream();
    raw.write(1);
    for (int i = 0; i < 9; i++) {
      raw.write(0xff);
    }
    var deflater = new java.util.zip.Deflater(9, true);
    deflater.setInput(raw.toByteArray());
    deflater.finish();
    byte[] out = new byte[256];
    int n = deflater.deflate(out);
    deflater.end();
    byte[] token = java.util.Arrays.copyOf(out, n + 8);
    System.arraycopy(bytes(8), 0, token, n, 8);
    return token;
  }

  // ---------------------------------------------------------------- auth

  private void auth(As as, Kind kind, Map<String, String> headers) {
    String token =
        switch (as) {
          case A -> fixture.a.token();
          case B -> fixture.b.token();
          case ADMIN -> fixture.admin;
          case NOBODY -> null;
        };
    if (token != null) {
      if (random.nextInt(10) == 0) {
        headers.put("X-Api-Key", token);
      } else {
        headers.put("Authorization", (random.nextInt(10) == 0 ? "bearer " : "Bearer ") + token);
      }
      return;
    }
    String a = fixture.a.token();
    String b = fixture.b.token();
    switch (random.nextInt(16)) {
      case 0 -> {
        // no key at all
      }
      case 1 -> headers.put("Authorization", "Bearer");
      case 2 -> headers.put("Authorization", "Bearer ");
      case 3 ->
          headers.put(
              "Authorization",
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8)));
      case 4 ->
          headers.put(
              "Authorization",
              "Bearer hamal_"
                  + hex(16)
                  + "_"
                  + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32)));
      case 5 -> headers.put("Authorization", "Bearer " + a.substring(0, 23) + b.substring(23));
      case 6 -> headers.put("Authorization", "Bearer " + a + "x");
      case 7 -> headers.put("Authorization", "Bearer " + a.substring(0, a.length() - 1));
      case 8 -> headers.put("Authorization", "Bearer " + "x".repeat(6_000));
      case 9 -> headers.put("X-Api-Key", "' OR 1=1 --");
      case 10 -> headers.put("Authorization", "Bearer " + a.toUpperCase(java.util.Locale.ROOT));
      case 11 ->
          headers.put("Authorization", "Bearer hamal_" + a.substring(6, 22) + "_" + "A".repeat(43));
      case 12 -> headers.put("Authorization", "Bearer\t" + a + "\u00ff");
      case 13 ->
          headers.put("Authorization", "Bearer " + "hamal_" + "%2e%2e" + "_" + "x".repeat(43));
      case 14 -> headers.put("Authorization", "Negotiate " + a);
      default -> headers.put("Authorization", "Bearer " + a.replace("hamal_", "HAMAL_"));
    }
  }

  // ---------------------------------------------------------------- bodies

  private byte[] body(Route route, Kind kind, String method, Map<String, String> headers) {
    boolean takesBody = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    if (!takesBody && kind != Kind.MALFORMED_JSON && random.nextInt(6) > 0) {
      return null;
    }
    ObjectNode valid = validBody(route);
    byte[] body;
    switch (kind) {
      case MALFORMED_JSON -> body = malformed(valid);
      case WRONG_TYPES -> body = bytes(mutate(valid, this::wrongValue));
      case HUGE_VALUES -> body = bytes(mutate(valid, this::hugeValue));
      case INJECTION ->
          body = bytes(mutate(valid, n -> JsonNodeFactory.instance.textNode(pick(INJECTIONS))));
      case OTHER_PARTY -> body = bytes(otherParty(valid));
      default -> body = bytes(random.nextInt(4) == 0 ? mutate(valid, this::wrongValue) : valid);
    }
    headers.put("Content-Type", contentType(kind));
    return body;
  }

  private String contentType(Kind kind) {
    if (kind != Kind.MALFORMED_JSON || random.nextInt(3) > 0) {
      return random.nextInt(8) == 0 ? "application/json; charset=utf-8" : "application/json";
    }
    return pick(
        List.of(
            "text/plain",
            "application/xml",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/json; charset=utf-16",
            "application/json; charset=nonsense",
            "application/json;;;;",
            "application/",
            "/json",
            "garbage",
            "*/*",
            "application/problem+json",
            "application/vnd.api+json",
            "application/json, text/plain",
            "\u00ff\u00fe"));
  }

  private ObjectNode validBody(Route route) {
    String receiver = "http://127.0.0.1:9/hook";
    String json =
        switch (route.path()) {
          case "/v1/admin/keys" ->
              "{\"name\":\"fuzzed\",\"scopes\":{\"businessLines\":[\""
                  + fixture.lineA
                  + "\"],\"templates\":[\"*\"],\"defaultTemplate\":\""
                  + fixture.a.template()
                  + "\",\"unmasked\":false,\"subscribe\":true,\"admin\":false,\"rateLimit\":0}}";
          case "/v1/templates/{name}" ->
              "{\"description\":\"fuzz\",\"businessLines\":[\""
                  + fixture.lineA
                  + "\"],\"fields\":{\"id\":\"orderId\",\"total\":\"$string(amounts.total)\",\"nested\":{\"status\":\"status\",\"user\":\"userId\"}}}";
          case "/v1/templates/{name}/preview" ->
              "{\"version\":1,\"order\":" + TemplateService.sampleOrder() + "}";
          case "/v1/subscriptions" ->
              "{\"name\":\"fuzzed\",\"filter\":{\"businessLines\":[\""
                  + fixture.lineA
                  + "\"],\"statuses\":[\"PAID\"],\"operations\":[\"INSERT\",\"UPDATE\"]},\"template\":\""
                  + fixture.a.template()
                  + "\",\"destination\":{\"type\":\"webhook\",\"url\":\""
                  + receiver
                  + "\",\"secret\":\"0123456789abcdef0123\"}}";
          default ->
              "{\"name\":\"x\",\"limit\":5,\"cursor\":\"c\",\"flag\":true,\"list\":[1,\"a\"],\"object\":{\"k\":\"v\"}}";
        };
    try {
      ObjectNode node = (ObjectNode) Json.MAPPER.readTree(json);
      if (route.path().endsWith("/preview") && random.nextBoolean()) {
        node.remove("version");
        node.set(
            "template",
            Json.MAPPER.readTree(validBody(new Route("POST", "/v1/templates/{name}")).toString()));
      }
      return node;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code valid} with one field (anywhere) replaced, removed, or one unknown field added. */
  private JsonNode mutate(ObjectNode valid, java.util.function.UnaryOperator<JsonNode> value) {
    ObjectNode copy = valid.deepCopy();
    List<JsonNode> containers = new ArrayList<>();
    collect(copy, containers);
    JsonNode container = pick(containers);
    if (container instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      int choice = random.nextInt(10);
      if (names.isEmpty() || choice == 0) {
        object.set(
            pick(List.of("unknown", "$where", "__proto__", "constructor", "", "a".repeat(300))),
            value.apply(null));
      } else if (choice == 1) {
        object.remove(pick(names));
      } else {
        String name = pick(names);
        object.set(name, value.apply(object.get(name)));
      }
    } else if (container instanceof ArrayNode array) {
      if (array.isEmpty() || random.nextInt(4) == 0) {
        array.add(value.apply(null));
      } else {
        array.set(random.nextInt(array.size()), value.apply(null));
      }
    }
    if (random.nextInt(5) == 0) {
      return pick(
          List.of(
              JsonNodeFactory.instance.arrayNode().add(copy),
              JsonNodeFactory.instance.textNode(copy.toString()),
              JsonNodeFactory.instance.nullNode(),
              JsonNodeFactory.instance.numberNode(1)));
    }
    return copy;
  }

  private static void collect(JsonNode node, List<JsonNode> containers) {
    if (node.isContainerNode()) {
      containers.add(node);
      node.forEach(child -> collect(child, containers));
    }
  }

  private JsonNode wrongValue(JsonNode current) {
    var f = JsonNodeFactory.instance;
    return pick(
        List.of(
            f.nullNode(),
            f.booleanNode(true),
            f.booleanNode(false),
            f.numberNode(0),
            f.numberNode(-1),
            f.numberNode(1.5),
            f.numberNode(Integer.MAX_VALUE + 1L),
            f.numberNode(new java.math.BigInteger("123456789012345678901234567890")),
            f.numberNode(new java.math.BigDecimal("1e400")),
            f.numberNode(Double.MAX_VALUE),
            f.textNode(""),
            f.textNode(" "),
            f.textNode("x"),
            f.textNode("1"),
            f.textNode("true"),
            f.arrayNode(),
            f.arrayNode().add(1).add("a").addNull(),
            f.arrayNode().add(f.arrayNode().add(f.arrayNode())),
            f.objectNode(),
            f.objectNode().put("$ref", "#"),
            current == null ? f.textNode("?") : f.arrayNode().add(current),
            current == null ? f.textNode("?") : f.textNode(current.toString())));
  }

  private JsonNode hugeValue(JsonNode current) {
    var f = JsonNodeFactory.instance;
    return pick(
        List.of(
            f.textNode("x".repeat(200_000)),
            f.textNode("日".repeat(100_000)),
            f.textNode("🙂".repeat(50_000)),
            f.numberNode(new java.math.BigInteger("9".repeat(99))),
            f.numberNode(new java.math.BigDecimal("9.9e99999")),
            f.numberNode(Long.MIN_VALUE),
            f.numberNode(Long.MAX_VALUE),
            nested(60),
            wide(5_000),
            wideObject(5_000)));
  }

  private static JsonNode nested(int depth) {
    JsonNode node = JsonNodeFactory.instance.arrayNode();
    for (int i = 0; i < depth; i++) {
      node = JsonNodeFactory.instance.arrayNode().add(node);
    }
    return node;
  }

  private static JsonNode wide(int items) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (int i = 0; i < items; i++) {
      array.add("x" + i);
    }
    return array;
  }

  private static JsonNode wideObject(int fields) {
    ObjectNode object = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < fields; i++) {
      object.put("f" + i, "$$");
    }
    return object;
  }

  /** {@code valid} naming the other party's line, template or a wildcard. */
  private JsonNode otherParty(ObjectNode valid) {
    String text = valid.toString();
    text =
        text.replace(
            "\"" + fixture.a.template() + "\"",
            "\"" + pick(List.of(fixture.b.template(), fixture.b.template() + "@1", "*")) + "\"");
    text =
        text.replace(
            "\"" + fixture.lineA + "\"",
            "\""
                + pick(List.of(fixture.lineB, "*", fixture.lineA + "\",\"" + fixture.lineB))
                + "\"");
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private byte[] malformed(ObjectNode valid) {
    byte[] json = bytes(valid);
    String text = valid.toString();
    return switch (random.nextInt(24)) {
      case 0 -> java.util.Arrays.copyOf(json, random.nextInt(json.length));
      case 1 ->
          concat(
              json,
              pick(List.of("}", "]", "x", " {}", "\u0000", ",", "\n{\"a\":1}"))
                  .getBytes(StandardCharsets.UTF_8));
      case 2 ->
          ("{\"name\":\"a\",\"name\":\"b\"," + text.substring(1)).getBytes(StandardCharsets.UTF_8);
      case 3 -> ("[".repeat(10_000) + "]".repeat(10_000)).getBytes(StandardCharsets.UTF_8);
      case 4 ->
          ("{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000)).getBytes(StandardCharsets.UTF_8);
      case 5 ->
          ("{\"name\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
      case 6 -> concat(json, " ".repeat(2 * 1024 * 1024).getBytes(StandardCharsets.UTF_8));
      case 7 -> {
        byte[] copy = json.clone();
        copy[random.nextInt(copy.length)] =
            (byte) pick(List.of(0xff, 0xc0, 0x80, 0xed, 0xf8, 0xfe)).intValue();
        yield copy;
      }
      case 8 ->
          concat(
              new byte[] {
                0, 0, 0, '{', 0, 0, 0, '"', (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff
              },
              new byte[] {0, 0, 0, '"', 0, 0, 0, '}'});
      case 9 -> new byte[] {0, 0, (byte) 0xfe, (byte) 0xff, 0, 0, 0, '{', 0, 0, 0, '}'};
      case 10 -> new byte[] {(byte) 0xfe, (byte) 0xff, 0, '{', (byte) 0xd8, 0, 0, '}'};
      case 11 -> concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, json);
      case 12 -> text.replace('"', '\'').getBytes(StandardCharsets.UTF_8);
      case 13 -> ("/* c */" + text).getBytes(StandardCharsets.UTF_8);
      case 14 ->
          pick(List.of(
                  "",
                  " ",
                  "null",
                  "[]",
                  "123",
                  "\"text\"",
                  "true",
                  "{",
                  "}",
                  "{}",
                  "{\"\":}",
                  "NaN",
                  "{\"a\":NaN}",
                  "{\"a\":1e999999999}",
                  "{\"a\":-}",
                  "{\"a\":01}",
                  "{a:1}",
                  "\u0000"))
              .getBytes(StandardCharsets.UTF_8);
      case 15 -> text.getBytes(StandardCharsets.UTF_16);
      case 16 -> text.getBytes(java.nio.charset.Charset.forName("UTF-32"));
      case 17 -> ("{\"s\":\"\\ud800\",\"t\":\"\\u00\"}").getBytes(StandardCharsets.UTF_8);
      case 18 -> ("{\"n\":" + "9".repeat(5_000) + "}").getBytes(StandardCharsets.UTF_8);
      case 19 -> ("{\"n\":1." + "1".repeat(5_000) + "e-99999}").getBytes(StandardCharsets.UTF_8);
      case 20 -> bytes(random.nextInt(4_000));
      case 21 -> ("name=x&scopes=y").getBytes(StandardCharsets.UTF_8);
      case 22 -> ("<?xml version=\"1.0\"?><a/>").getBytes(StandardCharsets.UTF_8);
      default -> {
        var huge = new StringBuilder("{\"list\":[");
        while (huge.length() < 2 * 1024 * 1024) {
          huge.append("{\"k\":\"v\"},");
        }
        yield huge.append("1]}").toString().getBytes(StandardCharsets.UTF_8);
      }
    };
  }

  // ---------------------------------------------------------------- isolation afterwards

  private void checkPartiesIntact() {
    var b = fixture.b;
    for (String id : List.of(b.webhookSubscription(), b.streamSubscription())) {
      var answer = fixture.call(b.token(), "GET", "/v1/subscriptions/" + id);
      if (answer.status() != 200 || !answer.text().contains("\"ACTIVE\"")) {
        failures.add("B's subscription " + id + " was changed by the fuzzing: " + answer.text());
      }
    }
    var template = fixture.call(b.token(), "GET", "/v1/templates/" + b.template());
    if (template.status() != 200) {
      failures.add("B's template was changed by the fuzzing: " + template.text());
    }
    var dead =
        fixture.call(
            b.token(),
            "GET",
            "/v1/subscriptions/" + b.webhookSubscription() + "/dead-letters?limit=500");
    for (String id : b.deliveryIds()) {
      if (!dead.text().contains(id)) {
        failures.add("B's dead letter " + id + " is gone after the fuzzing: " + dead.text());
      }
    }
    var key = fixture.call(fixture.admin, "GET", "/v1/admin/keys/" + b.keyId());
    if (key.status() != 200 || !key.text().contains("\"revokedAt\":null")) {
      failures.add("B's key was changed by the fuzzing: " + key.text());
    }
  }

  // ---------------------------------------------------------------- openapi.yaml

  /** The paths and methods openapi.yaml documents. */
  private static Map<String, Set<String>> documentedRoutes() throws IOException {
    String yaml;
    try (InputStream in =
        GatewayFuzzIT.class.getResourceAsStream("/dev/hamal/gateway/openapi.yaml")) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Map<String, Set<String>> routes = new LinkedHashMap<>();
    Pattern path = Pattern.compile("^  (/\\S*):\\s*$");
    Pattern method = Pattern.compile("^    (get|post|put|patch|delete|head|options):.*$");
    String current = null;
    boolean inPaths = false;
    for (String line : yaml.split("\n")) {
      if (line.startsWith("paths:")) {
        inPaths = true;
        continue;
      }
      if (inPaths && !line.isBlank() && !line.startsWith(" ") && !line.startsWith("#")) {
        break;
      }
      if (!inPaths) {
        continue;
      }
      Matcher p = path.matcher(line);
      if (p.matches()) {
        current = p.group(1);
        routes.put(current, new LinkedHashSet<>());
        continue;
      }
      Matcher m = method.matcher(line);
      if (m.matches() && current != null) {
        routes.get(current).add(m.group(1).toUpperCase(java.util.Locale.ROOT));
      }
    }
    assertThat(routes).as("paths in openapi.yaml").isNotEmpty();
    return routes;
  }

  // ---------------------------------------------------------------- helpers

  private <T> T pick(List<T> items) {
    return items.get(random == null ? 0 : random.nextInt(items.size()));
  }

  private byte[] bytes(int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return Json.MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] all = java.util.Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }

  private String hex(int digits) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < digits; i++) {
      out.append(Character.forDigit(random.nextInt(16), 16));
    }
    return out.toString();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** {@code text} percent-encoded except for the characters a request line can still carry. */
  private static String rawish(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c > 0x20 && c < 0x7f && c != '#' && c != '?' && c != '/') {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }

  /** Header values must stay on one line: control characters become visible. */
  private static String printable(String text) {
    return text.replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\0");
  }

  private static String abbreviate(String text, int max) {
    return text.length() <= max
        ? text
        : text.substring(0, max) + "...(" + text.length() + " chars)";
  }
}
