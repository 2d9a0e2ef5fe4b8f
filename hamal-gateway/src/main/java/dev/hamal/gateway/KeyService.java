package dev.hamal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /v1/admin/keys}: create, list, show and revoke API keys; admin scope only. A created key's
 * full text is in the creation response and nowhere else.
 */
public final class KeyService implements HttpService {
  private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{16}");
  private final ApiKeys keys;

  /** Manages {@code keys}. */
  public KeyService(ApiKeys keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/", this::list);
    rules.post("/", this::create);
    rules.get("/{id}", this::show);
    rules.delete("/{id}", this::revoke);
  }

  private void list(ServerRequest request, ServerResponse response) {
    Caller.of(request).requireAdmin();
    QueryParameters.of(request.query(), Set.of());
    ObjectNode body = Json.object();
    ArrayNode array = body.putArray("keys");
    keys.list().forEach(k -> array.add(json(k)));
    Json.ok(response, body);
  }

  private void create(ServerRequest request, ServerResponse response) {
    Caller caller = Caller.of(request);
    caller.requireAdmin();
    ObjectNode body = Json.readObject(request);
    List<ApiProblem.FieldError> errors = new ArrayList<>();
    for (var names = body.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!field.equals("name") && !field.equals("scopes")) {
        errors.add(new ApiProblem.FieldError("/" + field, "unknown field"));
      }
    }
    JsonNode name = body.get("name");
    if (name == null
        || !name.isTextual()
        || name.asText().isBlank()
        || name.asText().length() > 200) {
      errors.add(new ApiProblem.FieldError("/name", "is required: text of 1 to 200 characters"));
    }
    KeyScopes scopes = null;
    try {
      scopes = KeyScopes.fromJson(body.get("scopes"), "/scopes");
    } catch (ApiProblem e) {
      errors.addAll(e.errors());
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalidBody("invalid key", errors);
    }
    var created = keys.create(name.asText(), scopes, Optional.of(caller.keyId()));
    ObjectNode out = json(created.info());
    out.put("key", created.token());
    Json.send(response, 201, out);
  }

  private void show(ServerRequest request, ServerResponse response) {
    Caller.of(request).requireAdmin();
    String id = keyId(request);
    Json.ok(response, json(keys.find(id).orElseThrow(() -> ApiProblem.notFound("no key " + id))));
  }

  private void revoke(ServerRequest request, ServerResponse response) {
    Caller.of(request).requireAdmin();
    String id = keyId(request);
    if (!keys.revoke(id)) {
      throw ApiProblem.notFound("no live key " + id);
    }
    response.status(204).send();
  }

  private static String keyId(ServerRequest request) {
    String id = request.path().pathParameters().get("id");
    if (!KEY_ID.matcher(id).matches()) {
      throw ApiProblem.invalidParameter("id", "a key id is 16 hexadecimal digits");
    }
    return id;
  }

  private static ObjectNode json(ApiKeys.KeyInfo info) {
    ObjectNode json = Json.object();
    json.put("id", info.keyId());
    json.put("name", info.name());
    json.set("scopes", info.scopes().toJson());
    json.put("createdAt", info.createdAt().toString());
    info.createdBy().ifPresent(c -> json.put("createdBy", c));
    json.put("revokedAt", info.revokedAt().map(Instant::toString).orElse(null));
    return json;
  }
}
