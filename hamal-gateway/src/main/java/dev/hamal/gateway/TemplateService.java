package dev.hamal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * {@code /v1/templates}: manage data templates and try them out.
 *
 * <ul>
 *   <li>{@code GET /} the live templates the key may use, with their newest version
 *   <li>{@code POST /{name}} (admin) the body is a template; stores it as the next version (201)
 *   <li>{@code GET /{name}}, {@code GET /{name}/versions/{version}} one version and its body
 *   <li>{@code DELETE /{name}} (admin) marks every version deleted (204)
 *   <li>{@code POST /{name}/preview} renders {@code order} (an order document; a built-in sample
 *       when absent) with the template ({@code version}: a version, else the newest) as this key
 *       would see it, masking included; with {@code template} (admin) renders that unsaved body
 *       instead, so a template can be tried before it is stored
 * </ul>
 *
 * <p>Reading a template needs a key that may use it (403 otherwise); every input error is a 4xx
 * problem document.
 */
public final class TemplateService implements HttpService {
  private static final Set<String> PREVIEW_KEYS = Set.of("order", "version", "template");
  private final Templates templates;

  /** Serves {@code templates}. */
  public TemplateService(Templates templates) {
    this.templates = Objects.requireNonNull(templates, "templates");
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/", this::list);
    rules.post("/{name}", this::create);
    rules.get("/{name}", this::latest);
    rules.delete("/{name}", this::delete);
    rules.get("/{name}/versions/{version}", this::version);
    rules.post("/{name}/preview", this::preview);
  }

  private void list(ServerRequest request, ServerResponse response) {
    Caller caller = Caller.of(request);
    ObjectNode body = Json.object();
    ArrayNode array = body.putArray("templates");
    for (var summary : templates.list()) {
      if (caller.scopes().mayUseTemplate(summary.name())) {
        array
            .addObject()
            .put("name", summary.name())
            .put("latestVersion", summary.latestVersion())
            .put("description", summary.description())
            .put("updatedAt", summary.updatedAt().toString());
      }
    }
    Json.ok(response, body);
  }

  private void create(ServerRequest request, ServerResponse response) {
    Caller caller = Caller.of(request);
    caller.requireAdmin();
    String name = name(request);
    ObjectNode body = Json.readObject(request);
    var created = templates.create(name, body, caller.keyId());
    response.header("Location", "/v1/templates/" + name + "/versions/" + created.version());
    Json.send(response, 201, json(created));
  }

  private void latest(ServerRequest request, ServerResponse response) {
    show(request, response, OptionalInt.empty());
  }

  private void version(ServerRequest request, ServerResponse response) {
    show(request, response, OptionalInt.of(versionParameter(request)));
  }

  private void show(ServerRequest request, ServerResponse response, OptionalInt version) {
    Caller caller = Caller.of(request);
    String name = name(request);
    mayUse(caller, name);
    var found =
        templates
            .find(name, version)
            .orElseThrow(() ->
                ApiProblem.notFound(
                    "no template " + name + (version.isPresent() ? "@" + version.getAsInt() : "")));
    Json.ok(response, json(found));
  }

  private void delete(ServerRequest request, ServerResponse response) {
    Caller.of(request).requireAdmin();
    String name = name(request);
    if (!templates.delete(name)) {
      throw ApiProblem.notFound("no template " + name);
    }
    response.status(204).send();
  }

  private void preview(ServerRequest request, ServerResponse response) {
    Caller caller = Caller.of(request);
    String name = name(request);
    ObjectNode body = Json.readObject(request);
    List<ApiProblem.FieldError> errors = new ArrayList<>();
    for (var keys = body.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!PREVIEW_KEYS.contains(key)) {
        errors.add(
            new ApiProblem.FieldError(
                "/" + Template.escape(key), "unknown key (order, version, template)"));
      }
    }
    JsonNode order = body.get("order");
    if (order != null && !order.isObject()) {
      errors.add(new ApiProblem.FieldError("/order", "must be an order document (an object)"));
    }
    JsonNode version = body.get("version");
    if (version != null
        && (!version.canConvertToInt() || !version.isIntegralNumber() || version.asInt() < 1)) {
      errors.add(new ApiProblem.FieldError("/version", "must be a version number from 1"));
    }
    JsonNode unsaved = body.get("template");
    if (unsaved != null && !unsaved.isObject()) {
      errors.add(new ApiProblem.FieldError("/template", "must be a template (an object)"));
    }
    if (unsaved != null && version != null) {
      errors.add(new ApiProblem.FieldError("/version", "cannot be combined with template"));
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalidBody("invalid preview request", errors);
    }
    RenderPlans.RenderPlan plan;
    if (unsaved != null) {
      caller.requireAdmin();
      try {
        plan = templates.planFor(caller, (ObjectNode) unsaved);
      } catch (ApiProblem e) {
        throw prefixed(e, "/template");
      }
    } else {
      mayUse(caller, name);
      plan =
          templates.plan(
              caller, Optional.of(version == null ? name : name + "@" + version.asInt()));
    }
    ObjectNode document = order == null ? sampleOrder() : ((ObjectNode) order).deepCopy();
    ObjectNode out = Json.object();
    plan.template().ifPresent(t -> out.put("template", t));
    out.set("rendered", plan.render(document));
    Json.ok(response, out);
  }

  private static ApiProblem prefixed(ApiProblem problem, String prefix) {
    if (problem.status() != 422) {
      return problem;
    }
    return ApiProblem.invalidBody(
        problem.getMessage(),
        problem.errors().stream()
            .map(e -> new ApiProblem.FieldError(prefix + e.pointer(), e.message()))
            .toList());
  }

  private static void mayUse(Caller caller, String name) {
    if (!caller.scopes().mayUseTemplate(name)) {
      throw ApiProblem.forbidden("this key may not use template " + name);
    }
  }

  private static String name(ServerRequest request) {
    String name = request.path().pathParameters().get("name");
    if (!KeyScopes.NAME.matcher(name).matches()) {
      throw ApiProblem.invalidParameter(
          "name", "a template name is 1 to 64 of [a-z0-9_-], starting with a letter or digit");
    }
    return name;
  }

  private static int versionParameter(ServerRequest request) {
    String text = request.path().pathParameters().get("version");
    if (!text.matches("[1-9][0-9]{0,8}")) {
      throw ApiProblem.invalidParameter("version", "a version is a number from 1");
    }
    return Integer.parseInt(text);
  }

  private static ObjectNode json(Templates.TemplateVersion version) {
    ObjectNode json = Json.object();
    json.put("name", version.name());
    json.put("version", version.version());
    json.put("id", version.id());
    json.put("createdAt", version.createdAt().toString());
    json.put("createdBy", version.createdBy());
    json.set("template", version.body());
    return json;
  }

  /** The order document a preview renders when the request brings none (made-up values). */
  static ObjectNode sampleOrder() {
    ObjectNode order = Json.object();
    order.put("orderId", "FUEL-20240501-000123");
    order.put("businessLine", "fuel");
    order.putObject("source").put("schema", "fuel").put("table", "orders").put("id", "123");
    order.put("userId", "u-10086");
    order.put("status", "PAID");
    order.putObject("amounts").put("total", 12_550).put("paid", 12_550).put("discount", 450);
    order.put("currency", "CNY");
    order.put("paymentChannel", "wechat");
    order.putObject("product").put("sku", "FUEL-92").put("name", "92# gasoline");
    order
        .putObject("times")
        .put("createdAt", "2024-05-01T02:03:04Z")
        .put("paidAt", "2024-05-01T02:03:40Z");
    order
        .putObject("ext")
        .put("mobile", "13812345678")
        .put("card_no", "6222020200112233445")
        .put("email", "driver@example.com")
        .put("station", "SH-0042");
    order.put("state", "LIVE");
    order.put("version", "1");
    order.put("commitTime", "2024-05-01T02:03:41Z");
    return order;
  }
}
