package dev.hamal.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored subscription: whose it is, which changes it wants, how they are rendered, where they go
 * and whether it is running.
 *
 * @param id the public id ({@code sub_} and 16 hex digits)
 * @param ownerKeyId the API key that created it; its scopes and template rights apply to every
 *     delivery, and revoking it pauses the subscription
 * @param name a label for people
 * @param filter which changes it wants
 * @param template the template reference deliveries are rendered with; empty for the key's default
 * @param destination where changes go
 * @param state whether it delivers
 * @param pausedReason why it is paused, when the gateway paused it (key revoked, ...)
 * @param createdAt when it was created; a new webhook subscription delivers changes published from
 *     then on
 * @param updatedAt when it last changed
 */
record Subscription(
    String id,
    String ownerKeyId,
    String name,
    SubscriptionFilter filter,
    Optional<String> template,
    Destination destination,
    State state,
    Optional<String> pausedReason,
    Instant createdAt,
    Instant updatedAt) {

  /** Whether a subscription delivers. */
  enum State {
    ACTIVE,
    PAUSED
  }

  /** Where changes go. */
  sealed interface Destination permits Webhook, EventStream {
    /** {@code webhook} or {@code sse}, as the API names it. */
    String type();
  }

  /**
   * Changes are POSTed to {@code url}, signed with {@code secret}.
   *
   * @param url an http or https URL with a host
   * @param secret the HMAC-SHA256 key of the {@code Hamal-Signature} header
   */
  record Webhook(URI url, String secret) implements Destination {
    Webhook {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String type() {
      return "webhook";
    }

    @Override
    public String toString() {
      return "Webhook[url=" + url + ", secret=****]";
    }
  }

  /** Changes are read by clients as server-sent events. */
  record EventStream() implements Destination {
    @Override
    public String type() {
      return "sse";
    }
  }

  Subscription {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(ownerKeyId, "ownerKeyId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(pausedReason, "pausedReason");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  boolean isWebhook() {
    return destination instanceof Webhook;
  }

  /** The API's view: everything but the secret. */
  ObjectNode toJson() {
    ObjectNode json = Json.object();
    json.put("id", id);
    json.put("name", name);
    json.put("ownerKeyId", ownerKeyId);
    json.set("filter", filter.toJson());
    template.ifPresent(t -> json.put("template", t));
    ObjectNode target = json.putObject("destination");
    target.put("type", destination.type());
    if (destination instanceof Webhook webhook) {
      target.put("url", webhook.url().toString());
    }
    json.put("state", state.name());
    pausedReason.ifPresent(r -> json.put("pausedReason", r));
    json.put("createdAt", createdAt.toString());
    json.put("updatedAt", updatedAt.toString());
    return json;
  }
}
