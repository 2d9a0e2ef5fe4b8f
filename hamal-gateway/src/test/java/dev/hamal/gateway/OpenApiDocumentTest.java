package dev.hamal.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.github.benmanes.caffeine.cache.Ticker;
import com.zaxxer.hikari.HikariDataSource;
import dev.hamal.order.OrderLookup;
import dev.hamal.order.StoredOrder;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Holds {@code openapi.yaml} to the code: the document must be sane OpenAPI 3.1 (every {@code $ref}
 * resolves, every path parameter is declared, objects carry only their own fields) and must name
 * exactly the routes the gateway registers, no more and no fewer — except the web console's ({@link
 * #CONSOLE}): pages for browsers, not API, exempted here by name and documented in docs/console.md.
 *
 * <p>The routes are not listed here: the gateway's own {@link Gateway.Builder#routes} runs against
 * a recording {@link HttpRules}, with every service mounted as {@code GatewayCommand} mounts it.
 * The services are built with real collaborators that are never called: the database is a pool that
 * is never started (nothing connects until a connection is asked for), Kafka is only named in a
 * config, and the analytics get a function that fails if it is ever run.
 */
class OpenApiDocumentTest {
  private static final Set<String> OPERATIONS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static final Set<String> PARAMETER_FIELDS =
      Set.of(
          "name",
          "in",
          "description",
          "required",
          "deprecated",
          "allowEmptyValue",
          "style",
          "explode",
          "allowReserved",
          "schema",
          "example",
          "examples",
          "content");
  private static final Set<String> RESPONSE_FIELDS =
      Set.of("description", "headers", "content", "links");

  /** The web console's routes, the only ones the document leaves out (they are not API). */
  private static final Set<Route> CONSOLE =
      Set.of(
          new Route("get", "/"), new Route("get", "/console"), new Route("get", "/console/{file}"));

  private static final Pattern TEMPLATE_PARAMETER = Pattern.compile("\\{([^}/]+)}");

  private static JsonNode document;
  private static List<Route> routes;

  /** A registered route: the HTTP method in lower case ({@code any} for every method). */
  record Route(String method, String path) {
    @Override
    public String toString() {
      return method.toUpperCase(java.util.Locale.ROOT) + " " + path;
    }
  }

  @BeforeAll
  static void readDocumentAndRoutes() throws IOException {
    ObjectMapper yaml = new YAMLMapper();
    document = yaml.readTree(OpenApiDocument.bytes());
    routes = gatewayRoutes(Gateway.ServerConfig.defaults());
  }

  @Test
  void shouldDeclareOpenApi31() {
    assertThat(document.path("openapi").asText()).matches("3\\.1\\.\\d+");
    assertThat(document.path("info").path("title").asText()).isNotBlank();
    assertThat(document.path("info").path("version").asText()).isNotBlank();
    assertThat(document.path("paths").isObject()).isTrue();
  }

  @Test
  void shouldResolveEveryReference() {
    List<String> refs = new ArrayList<>();
    collectRefs(document, refs);
    assertThat(refs).isNotEmpty();
    List<String> unresolved =
        refs.stream()
            .filter(ref -> !ref.startsWith("#/") || document.at(ref.substring(1)).isMissingNode())
            .toList();
    assertThat(unresolved).as("$refs that do not resolve within the document").isEmpty();
  }

  @Test
  void shouldDeclareEveryPathParameterOfEveryOperation() {
    List<String> problems = new ArrayList<>();
    for (var path : document.path("paths").properties()) {
      Set<String> inTemplate = new TreeSet<>();
      Matcher m = TEMPLATE_PARAMETER.matcher(path.getKey());
      while (m.find()) {
        inTemplate.add(m.group(1));
      }
      Set<String> atPath = pathParameters(path.getValue().path("parameters"));
      for (var operation : path.getValue().properties()) {
        if (!OPERATIONS.contains(operation.getKey())) {
          continue;
        }
        Set<String> declared = new TreeSet<>(atPath);
        declared.addAll(pathParameters(operation.getValue().path("parameters")));
        if (!declared.equals(inTemplate)) {
          problems.add(
              operation.getKey() + " " + path.getKey() + " declares path parameters " + declared);
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void shouldKeepParametersAndResponsesToTheirOwnFields() {
    List<String> problems = new ArrayList<>();
    checkFields(document, "", problems);
    assertThat(problems)
        .as("fields OpenAPI does not define (a comma in a flow mapping?)")
        .isEmpty();
  }

  @Test
  void shouldGiveEveryOperationResponses() {
    List<String> bare = new ArrayList<>();
    for (Route route : documented(document)) {
      JsonNode responses = operation(route).path("responses");
      if (!responses.isObject() || responses.isEmpty()) {
        bare.add(route.toString());
      }
    }
    assertThat(bare).isEmpty();
  }

  @Test
  void shouldDocumentEveryRouteTheGatewayRegisters() {
    assertThat(routes).as("routes recorded from the gateway").isNotEmpty();
    List<Route> api = routes.stream().filter(r -> !CONSOLE.contains(r)).toList();
    assertThat(undocumented(api, document)).isEmpty();
  }

  @Test
  void shouldExemptOnlyTheConsoleRoutesAndOnlyWhileTheConsoleIsOn() {
    assertThat(routes).as("the exempted routes are registered").containsAll(CONSOLE);
    assertThat(CONSOLE).allSatisfy(r -> assertThat(r.path()).doesNotStartWith("/v1"));
    assertThat(undocumented(List.copyOf(CONSOLE), document))
        .as("console routes are not in the API document")
        .hasSize(CONSOLE.size());

    List<Route> withoutConsole = gatewayRoutes(Gateway.ServerConfig.defaults().withConsole(false));
    assertThat(withoutConsole).doesNotContainAnyElementsOf(CONSOLE);
    assertThat(undocumented(withoutConsole, document)).isEmpty();
  }

  @Test
  void shouldDocumentNoRouteTheGatewayLacks() {
    Set<Route> registered = new HashSet<>(routes);
    List<Route> extra = documented(document).stream().filter(r -> !registered.contains(r)).toList();
    assertThat(extra).as("documented but not registered").isEmpty();
  }

  @Test
  void shouldReportARouteAddedWithoutDocumentation() {
    HttpService extra = rules -> rules.get("/{id}/notes", (req, res) -> res.send());
    List<Route> recorded = new ArrayList<>();
    recorder("/v1/orders", recorded).register(extra);
    recorder("/v1/orders", recorded).register(rules -> rules.any("/", (req, res) -> res.send()));

    assertThat(recorded)
        .containsExactly(new Route("get", "/v1/orders/{id}/notes"), new Route("any", "/v1/orders"));
    assertThat(undocumented(recorded, document)).containsExactly("GET /v1/orders/{id}/notes");
  }

  @Test
  void shouldRefuseARuleTheRecorderCannotRead() {
    HttpRules rules = recorder("", new ArrayList<>());

    assertThatThrownBy(() ->
            rules.route(Method.GET, io.helidon.http.PathMatchers.exact("/x"), (req, res) -> {}))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("route");
  }

  /** The routes the gateway registers with every service mounted as the application does. */
  private static List<Route> gatewayRoutes(Gateway.ServerConfig config) {
    List<Route> recorded = new ArrayList<>();
    try (GatewayDatabase database = new GatewayDatabase(new HikariDataSource());
        OrderLevels levels =
            OrderLevels.builder()
                .lookupLevel(
                    SearchLevel.CACHE,
                    new UnusedLookup(),
                    OrderLevels.LevelConfig.defaults(SearchLevel.CACHE))
                .build()) {
      ApiKeys keys =
          new ApiKeys(database, Clock.systemUTC(), Duration.ofSeconds(1), Ticker.systemTicker());
      Templates templates =
          new Templates(
              database,
              MaskingPolicy.defaults(),
              Clock.systemUTC(),
              Templates.Config.defaults(),
              Ticker.systemTicker());
      try (Subscriptions subscriptions =
          new Subscriptions(
              database,
              keys,
              templates,
              SubscriptionsConfig.builder("localhost:9092").build(),
              Clock.systemUTC())) {
        // the mount points of GatewayCommand.start
        Gateway.Builder gateway =
            Gateway.builder(config, keys)
                .service(
                    "/orders",
                    new OrderService(levels, templates, new Cursors(new byte[32]), Set.of()))
                .service("/templates", new TemplateService(templates))
                .service("/admin/keys", new KeyService(keys))
                .service("/admin", new AdminService(new RecordedOperations(List.of())))
                .service(
                    "/analytics",
                    new AnalyticsService(query -> {
                      throw new AssertionError("analytics ran while recording routes");
                    }))
                .service("/subscriptions", subscriptions.service());
        gateway.routes(recorder("", recorded));
      }
    }
    return recorded;
  }

  /**
   * What {@code recorded} names that the document lacks: an operation per method, and for {@code
   * any} (a refusal such as 405 on a documented path) the path itself; the {@code /v1/*} catch-all
   * is no endpoint.
   */
  private static List<String> undocumented(List<Route> recorded, JsonNode document) {
    JsonNode paths = document.path("paths");
    List<String> missing = new ArrayList<>();
    for (Route route : recorded) {
      if (route.method().equals("any")) {
        if (!route.path().endsWith("/*") && !paths.has(route.path())) {
          missing.add(route.toString());
        }
      } else if (!paths.path(route.path()).has(route.method())) {
        missing.add(route.toString());
      }
    }
    return missing;
  }

  private static List<Route> documented(JsonNode document) {
    List<Route> documented = new ArrayList<>();
    for (var path : document.path("paths").properties()) {
      for (var operation : path.getValue().properties()) {
        if (OPERATIONS.contains(operation.getKey())) {
          documented.add(new Route(operation.getKey(), path.getKey()));
        }
      }
    }
    return documented;
  }

  private static JsonNode operation(Route route) {
    return document.path("paths").path(route.path()).path(route.method());
  }

  private static Set<String> pathParameters(JsonNode parameters) {
    Set<String> names = new TreeSet<>();
    for (JsonNode parameter : parameters) {
      JsonNode resolved =
          parameter.has("$ref")
              ? document.at(parameter.get("$ref").asText().substring(1))
              : parameter;
      if (resolved.path("in").asText().equals("path")) {
        names.add(resolved.path("name").asText());
      }
    }
    return names;
  }

  private static void collectRefs(JsonNode node, List<String> refs) {
    if (node.isObject()) {
      for (var field : node.properties()) {
        if (field.getKey().equals("$ref") && field.getValue().isTextual()) {
          refs.add(field.getValue().asText());
        } else {
          collectRefs(field.getValue(), refs);
        }
      }
    } else if (node.isArray()) {
      node.forEach(item -> collectRefs(item, refs));
    }
  }

  /** Parameter objects and response objects, wherever they are, hold only their own fields. */
  private static void checkFields(JsonNode node, String pointer, List<String> problems) {
    if (node.isObject()) {
      for (var field : node.properties()) {
        String at = pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
        JsonNode value = field.getValue();
        if (field.getKey().equals("parameters") && value.isArray()) {
          for (int i = 0; i < value.size(); i++) {
            unknownFields(value.get(i), PARAMETER_FIELDS, at + "/" + i, problems);
          }
        } else if (field.getKey().equals("responses") && value.isObject()) {
          for (var response : value.properties()) {
            unknownFields(
                response.getValue(), RESPONSE_FIELDS, at + "/" + response.getKey(), problems);
          }
        }
        checkFields(value, at, problems);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        checkFields(node.get(i), pointer + "/" + i, problems);
      }
    }
  }

  private static void unknownFields(
      JsonNode object, Set<String> allowed, String pointer, List<String> problems) {
    if (object.has("$ref")) {
      return;
    }
    for (var field : object.properties()) {
      if (!allowed.contains(field.getKey()) && !field.getKey().startsWith("x-")) {
        problems.add(pointer + ": " + field.getKey());
      }
    }
  }

  /**
   * An {@link HttpRules} that records method and path of every route registered on it, following
   * services into their mount paths. A rule it cannot read (a route by matcher or predicate)
   * throws, so no route escapes the comparison unnoticed.
   */
  static HttpRules recorder(String prefix, List<Route> recorded) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          String name = method.getName();
          Object[] a = args == null ? new Object[0] : args;
          switch (name) {
            case "toString" -> {
              return "route recorder at '" + prefix + "'";
            }
            case "hashCode" -> {
              return System.identityHashCode(proxy);
            }
            case "equals" -> {
              return proxy == a[0];
            }
            default -> {}
          }
          if (OPERATIONS.contains(name) || name.equals("any")) {
            String path = a.length > 0 && a[0] instanceof String p ? p : "/";
            recorded.add(new Route(name, join(prefix, path)));
            return proxy;
          }
          if (name.equals("route")
              && a.length == 3
              && a[0] instanceof Method m
              && a[1] instanceof String path) {
            recorded.add(
                new Route(m.text().toLowerCase(java.util.Locale.ROOT), join(prefix, path)));
            return proxy;
          }
          if (name.equals("register")) {
            String path = a.length > 0 && a[0] instanceof String p ? p : "/";
            for (int i = a[0] instanceof String ? 1 : 0; i < a.length; i++) {
              for (HttpService service : services(a[i])) {
                service.routing(recorder(join(prefix, path), recorded));
              }
            }
            return proxy;
          }
          throw new UnsupportedOperationException(
              "the route recorder cannot read HttpRules." + name + "; teach it that form");
        };
    return (HttpRules)
        Proxy.newProxyInstance(
            HttpRules.class.getClassLoader(), new Class<?>[] {HttpRules.class}, handler);
  }

  private static List<HttpService> services(Object argument) {
    List<HttpService> services = new ArrayList<>();
    if (argument instanceof HttpService service) {
      services.add(service);
    } else if (argument instanceof HttpService[] array) {
      services.addAll(List.of(array));
    } else if (argument instanceof Supplier<?> supplier) {
      services.add((HttpService) supplier.get());
    } else if (argument instanceof List<?> list) {
      list.forEach(item -> services.addAll(services(item)));
    } else {
      throw new UnsupportedOperationException("cannot register " + argument);
    }
    return services;
  }

  /** Helidon's joining of a mount path and a route path: {@code /} is the mount point itself. */
  private static String join(String prefix, String path) {
    if (path.equals("/") || path.isEmpty()) {
      return prefix.isEmpty() ? "/" : prefix;
    }
    return prefix + (path.startsWith("/") ? path : "/" + path);
  }

  /** An order level that is never asked: routing never reaches it. */
  private static final class UnusedLookup implements OrderLookup {
    @Override
    public Map<String, StoredOrder> findAll(Collection<String> orderIds) {
      throw new AssertionError("an order was looked up while recording routes");
    }

    @Override
    public void scan(String businessLine, Instant from, Instant to, Consumer<StoredOrder> each) {
      throw new AssertionError("orders were scanned while recording routes");
    }
  }
}
