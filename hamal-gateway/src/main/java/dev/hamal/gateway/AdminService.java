package dev.hamal.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /v1/admin}: pipes (status, pause, resume), listener instances and dead letters (list,
 * show, replay), for operators and the console. Admin scope only; the data comes from {@link
 * Operations}.
 */
public final class AdminService implements HttpService {
  private static final Pattern PIPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern LETTER = Pattern.compile("[0-9]{1,10}-[0-9]{1,19}");
  private final Operations operations;

  /** Admin views over {@code operations}. */
  public AdminService(Operations operations) {
    this.operations = Objects.requireNonNull(operations, "operations");
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/pipes", this::pipes);
    rules.post("/pipes/{name}/pause", (req, res) -> control(req, res, true));
    rules.post("/pipes/{name}/resume", (req, res) -> control(req, res, false));
    rules.get("/instances", this::instances);
    rules.get("/dead-letters", this::deadLetters);
    rules.get("/dead-letters/{id}", this::deadLetter);
    rules.post("/dead-letters/{id}/replay", this::replay);
  }

  private void pipes(ServerRequest request, ServerResponse response) {
    Caller.of(request).requireAdmin();
    QueryParameters.of(request.query(), Set.of());
    ObjectNode body = Json.object();
    ArrayNode pipes = body.putArray("pipes");
    operations.pipes().forEach(pipes::add);
    Json.ok(response, body);
  }

  private void control(ServerRequest request, ServerResponse response, boolean pause) {
    Caller.of(request).requireAdmin();
    String name = request.path().pathParameters().get("name");
    if (!PIPE.matcher(name).matches()) {
      throw ApiProblem.invalidParameter("name", "not a pipe name");
    }
    boolean done = pause ? operations.pause(name) : operations.resume(name);
    if (!done) {
      throw ApiProblem.notFound("no pipe " + name);
    }
    Json.ok(response, Json.object().put("pipe", name).put("paused", pause));
  }

  private void instances(ServerRequest request, ServerResponse response) {
    Caller.of(request).requireAdmin();
    QueryParameters.of(request.query(), Set.of());
    ObjectNode body = Json.object();
    ArrayNode instances = body.putArray("instances");
    operations.instances().forEach(instances::add);
    Json.ok(response, body);
  }

  private void deadLetters(ServerRequest request, ServerResponse response) {
    Caller.of(request).requireAdmin();
    var parameters = QueryParameters.of(request.query(), Set.of("includeReplayed", "limit"));
    boolean all =
        switch (parameters.text("includeReplayed", 5).orElse("false")) {
          case "true" -> true;
          case "false" -> false;
          default -> throw ApiProblem.invalidParameter("includeReplayed", "must be true or false");
        };
    int limit = parameters.intInRange("limit", 1, 1_000).orElse(100);
    ObjectNode body = Json.object();
    ArrayNode letters = body.putArray("deadLetters");
    operations.deadLetters(all, limit).forEach(letters::add);
    Json.ok(response, body);
  }

  private void deadLetter(ServerRequest request, ServerResponse response) {
    Caller.of(request).requireAdmin();
    String id = letterId(request);
    Json.ok(
        response,
        operations.deadLetter(id).orElseThrow(() -> ApiProblem.notFound("no dead letter " + id)));
  }

  private void replay(ServerRequest request, ServerResponse response) {
    Caller.of(request).requireAdmin();
    String id = letterId(request);
    Json.ok(
        response,
        operations.replay(id).orElseThrow(() -> ApiProblem.notFound("no dead letter " + id)));
  }

  private static String letterId(ServerRequest request) {
    String id = request.path().pathParameters().get("id");
    if (!LETTER.matcher(id).matches()) {
      throw ApiProblem.invalidParameter("id", "a dead letter id is PARTITION-OFFSET, e.g. 0-42");
    }
    return id;
  }
}
