package dev.hamal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * Resolves how a caller sees orders: personal data masked unless the caller's key may read it
 * unmasked, then the chosen template (or the caller's default, or none). Every response and every
 * subscription delivery goes through a {@link RenderPlan}.
 */
public interface RenderPlans {

  /**
   * The plan for {@code caller} with the template {@code templateRef} names ({@code name} for the
   * newest version, {@code name@3} for a version), or the key's default template when empty.
   *
   * @throws ApiProblem 400 for a malformed reference, 403 when the key may not use the template,
   *     404 when there is no such template
   */
  RenderPlan plan(Caller caller, Optional<String> templateRef);

  /**
   * The plan for {@code caller} without any template, not even the key's default: the plain order
   * document, masked exactly as {@link #plan} masks it for this caller (unless the key may read it
   * unmasked). Order histories are rendered so.
   */
  default RenderPlan untemplated(Caller caller) {
    KeyScopes scopes = caller.scopes();
    Caller withoutDefault =
        new Caller(
            caller.keyId(),
            caller.name(),
            new KeyScopes(
                scopes.businessLines(),
                scopes.templates(),
                Optional.empty(),
                scopes.unmasked(),
                scopes.subscribe(),
                scopes.admin(),
                scopes.ratePerSecond()));
    RenderPlan plan = plan(withoutDefault, Optional.empty());
    if (plan.template().isPresent()) {
      throw new IllegalStateException("a plan without a template reference applied " + plan);
    }
    return plan;
  }

  /** A resolved, compiled way to render orders; thread-safe and cheap to apply. */
  interface RenderPlan {
    /** The template applied, as {@code name@version}; empty for the plain order document. */
    Optional<String> template();

    /**
     * Renders one order document (see {@link OrderDocuments}); the argument may be modified.
     *
     * @throws ApiProblem 422 when the template fails on this order (e.g. a type error), naming the
     *     template field
     */
    JsonNode render(ObjectNode orderDocument);
  }
}
