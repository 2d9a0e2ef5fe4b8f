package dev.hamal.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code GET /v1/me}: the calling key as the gateway sees it — its id, name and scopes, and the
 * business lines it may read by name — so that a client (the console) shows only what the key may
 * use. It is information, not a permission: every endpoint still checks the key itself.
 *
 * <p>{@code readableBusinessLines}: the key's own lines, or every line the gateway serves for a key
 * with {@code ["*"]}; when the gateway was told its lines ({@link Gateway.Builder#businessLines}),
 * only lines it serves. Empty for a {@code ["*"]} key of a gateway that does not know its lines.
 */
final class MeService implements HttpService {
  private final Set<String> knownLines;

  MeService(Set<String> knownLines) {
    this.knownLines = Set.copyOf(knownLines);
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/", this::me);
    rules.any(
        "/",
        (req, res) -> {
          throw ApiProblem.methodNotAllowed("only GET is allowed on /v1/me");
        });
  }

  private void me(ServerRequest request, ServerResponse response) {
    Caller caller = Caller.of(request);
    QueryParameters.of(request.query(), Set.of());
    ObjectNode body = Json.object();
    body.put("id", caller.keyId());
    body.put("name", caller.name());
    body.set("scopes", caller.scopes().toJson());
    ArrayNode lines = body.putArray("readableBusinessLines");
    readable(caller.scopes()).forEach(lines::add);
    Json.ok(response, body);
  }

  private Set<String> readable(KeyScopes scopes) {
    Set<String> readable = new TreeSet<>();
    if (scopes.readsAllLines()) {
      readable.addAll(knownLines);
    } else {
      for (String line : scopes.businessLines()) {
        if (knownLines.isEmpty() || knownLines.contains(line)) {
          readable.add(line);
        }
      }
    }
    return readable;
  }
}
