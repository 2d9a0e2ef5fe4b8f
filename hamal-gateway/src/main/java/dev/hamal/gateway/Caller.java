package dev.hamal.gateway;

import java.util.Objects;

/**
 * The authenticated caller of a request: which API key, and what it may do. Handlers find it in the
 * request's context ({@code request.context().get(Caller.class)}); the authentication filter puts
 * it there before any handler runs.
 *
 * @param keyId the key's public id
 * @param name the key's name, for logs and delivery records
 * @param scopes what it may do
 */
public record Caller(String keyId, String name, KeyScopes scopes) {
  /** Checks the parts are present. */
  public Caller {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(scopes, "scopes");
  }

  /**
   * Refuses a caller without the admin scope.
   *
   * @throws ApiProblem 403
   */
  public void requireAdmin() {
    if (!scopes.admin()) {
      throw ApiProblem.forbidden("this endpoint requires a key with the admin scope");
    }
  }

  /**
   * Refuses a caller that may not subscribe.
   *
   * @throws ApiProblem 403
   */
  public void requireSubscribe() {
    if (!scopes.subscribe()) {
      throw ApiProblem.forbidden("this key may not subscribe (scope subscribe)");
    }
  }

  /** Looks the caller up in a request's context; absent only on public paths. */
  public static Caller of(io.helidon.webserver.http.ServerRequest request) {
    return request.context().get(Caller.class).orElseThrow(ApiProblem::unauthorized);
  }
}
