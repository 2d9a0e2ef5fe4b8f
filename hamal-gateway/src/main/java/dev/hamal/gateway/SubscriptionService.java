package dev.hamal.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The subscriptions API under {@code /v1/subscriptions}: create, list, read, delete, pause, resume;
 * a webhook subscription's delivery log, dead letters and redelivery; an sse subscription's event
 * stream.
 *
 * <p>Access: creating needs the {@code subscribe} scope; every other call needs {@code subscribe}
 * or {@code admin}. A key sees and touches only its own subscriptions: another key's answer 404,
 * exactly like one that does not exist. Admin keys see and manage all.
 */
final class SubscriptionService implements HttpService {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_LIMIT = 500;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
  private static final Pattern DELIVERY_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final DeliveryServices services;
  private final EventStreams streams;
  private final Runnable changed;

  SubscriptionService(DeliveryServices services, EventStreams streams, Runnable changed) {
    this.services = services;
    this.streams = streams;
    this.changed = changed;
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .post("/", this::create)
        .get("/", this::list)
        .get("/{id}", (req, res) -> Json.ok(res, visible(req).toJson()))
        .delete("/{id}", this::delete)
        .post("/{id}/pause", (req, res) -> setState(req, res, Subscription.State.PAUSED))
        .post("/{id}/resume", (req, res) -> setState(req, res, Subscription.State.ACTIVE))
        .get("/{id}/deliveries", this::deliveries)
        .get("/{id}/dead-letters", this::deadLetters)
        .post("/{id}/deliveries/{deliveryId}/redeliver", this::redeliver)
        .get("/{id}/events", (req, res) -> streams.stream(req, res, visible(req), Caller.of(req)));
  }

  private static Caller member(ServerRequest request) {
    Caller caller = Caller.of(request);
    if (!caller.scopes().subscribe() && !caller.scopes().admin()) {
      caller.requireSubscribe();
    }
    return caller;
  }

  private Subscription visible(ServerRequest request) {
    Caller caller = member(request);
    String id = request.path().pathParameters().get("id");
    if (!ID.matcher(id).matches()) {
      // the id columns are ASCII: other text cannot name a subscription, and the database would
      // refuse to compare it (a 503 for the caller's typo)
      throw ApiProblem.notFound("no subscription " + QueryParameters.abbreviate(id));
    }
    return services
        .store()
        .find(id)
        .filter(s -> caller.scopes().admin() || s.ownerKeyId().equals(caller.keyId()))
        .orElseThrow(() -> ApiProblem.notFound("no subscription " + id));
  }

  private void create(ServerRequest request, ServerResponse response) {
    Caller caller = Caller.of(request);
    caller.requireSubscribe();
    ObjectNode body = Json.readObject(request);
    SubscriptionRequest parsed =
        SubscriptionRequest.parse(
            body, caller, services.plans(), services.config().allowPrivateTargets());
    int owned = services.store().byOwner(caller.keyId()).size();
    if (owned >= services.config().maxSubscriptionsPerKey()) {
      throw ApiProblem.conflict(
          "this key already owns "
              + owned
              + " subscriptions (at most "
              + services.config().maxSubscriptionsPerKey()
              + ")");
    }
    byte[] idBytes = new byte[8];
    RANDOM.nextBytes(idBytes);
    Instant now = services.clock().instant();
    Subscription subscription =
        new Subscription(
            "sub_" + HexFormat.of().formatHex(idBytes),
            caller.keyId(),
            parsed.name(),
            parsed.filter(),
            parsed.template(),
            parsed.destination(),
            Subscription.State.ACTIVE,
            Optional.empty(),
            now,
            now);
    services.store().insert(subscription);
    changed.run();
    ObjectNode json = subscription.toJson();
    if (parsed.generatedSecret() && subscription.destination() instanceof Subscription.Webhook w) {
      ((ObjectNode) json.get("destination")).put("secret", w.secret());
    }
    response.header("Location", "/v1/subscriptions/" + subscription.id());
    Json.send(response, 201, json);
  }

  private void list(ServerRequest request, ServerResponse response) {
    Caller caller = member(request);
    List<Subscription> found =
        caller.scopes().admin() ? services.store().all() : services.store().byOwner(caller.keyId());
    ObjectNode body = Json.object();
    ArrayNode items = body.putArray("subscriptions");
    found.forEach(s -> items.add(s.toJson()));
    Json.ok(response, body);
  }

  private void delete(ServerRequest request, ServerResponse response) {
    Subscription subscription = visible(request);
    services.store().delete(subscription.id());
    streams.end(subscription.id());
    changed.run();
    response.status(204).send();
  }

  private void setState(ServerRequest request, ServerResponse response, Subscription.State state) {
    Subscription subscription = visible(request);
    if (state == Subscription.State.ACTIVE) {
      var key = services.keys().find(subscription.ownerKeyId());
      if (key.isEmpty() || key.get().revokedAt().isPresent()) {
        throw ApiProblem.conflict(
            "the owner key of subscription "
                + subscription.id()
                + " was revoked; it cannot resume");
      }
    }
    services
        .store()
        .setState(subscription.id(), state, Optional.empty(), services.clock().instant());
    if (state == Subscription.State.PAUSED) {
      streams.end(subscription.id());
    }
    changed.run();
    Json.ok(response, services.store().find(subscription.id()).orElseThrow().toJson());
  }

  private static int limit(QueryParameters parameters) {
    return parameters.intInRange("limit", 1, MAX_LIMIT).orElse(100);
  }

  private void deliveries(ServerRequest request, ServerResponse response) {
    Subscription subscription = webhook(visible(request));
    var parameters = QueryParameters.of(request.query(), java.util.Set.of("limit", "before"));
    int limit = limit(parameters);
    OptionalLong before = OptionalLong.empty();
    Optional<String> text = parameters.text("before", 20);
    if (text.isPresent()) {
      try {
        before = OptionalLong.of(Long.parseLong(text.get()));
      } catch (NumberFormatException e) {
        throw ApiProblem.invalidParameter("before", "must be a delivery log id (an integer)");
      }
      if (before.getAsLong() < 1) {
        throw ApiProblem.invalidParameter("before", "must be a delivery log id (an integer)");
      }
    }
    List<DeliveryLog.Entry> entries = services.log().attempts(subscription.id(), before, limit);
    ObjectNode body = Json.object();
    ArrayNode items = body.putArray("deliveries");
    for (DeliveryLog.Entry e : entries) {
      ObjectNode item = items.addObject();
      item.put("id", e.seq());
      item.put("deliveryId", e.deliveryId());
      item.put("orderId", e.orderId());
      item.put("eventId", e.eventId());
      item.put("attempt", e.attempt());
      item.put("outcome", e.outcome().name());
      e.httpStatus().ifPresent(s -> item.put("httpStatus", s));
      e.error().ifPresent(s -> item.put("error", s));
      item.put("durationMs", e.took().toMillis());
      item.put("attemptedAt", e.attemptedAt().toString());
    }
    if (entries.size() == limit) {
      body.put("nextBefore", entries.get(entries.size() - 1).seq());
    }
    Json.ok(response, body);
  }

  private void deadLetters(ServerRequest request, ServerResponse response) {
    Subscription subscription = webhook(visible(request));
    ObjectNode body = Json.object();
    ArrayNode items = body.putArray("deadLetters");
    for (DeliveryLog.DeadLetter d :
        services
            .log()
            .deadLetters(
                subscription.id(),
                limit(QueryParameters.of(request.query(), java.util.Set.of("limit"))))) {
      ObjectNode item = items.addObject();
      item.put("deliveryId", d.deliveryId());
      item.put("orderId", d.orderId());
      item.put("eventId", d.eventId());
      item.put("attempts", d.attempts());
      item.put("lastError", d.lastError());
      item.put("deadAt", d.deadAt().toString());
    }
    Json.ok(response, body);
  }

  private void redeliver(ServerRequest request, ServerResponse response)
      throws InterruptedException {
    Subscription subscription = webhook(visible(request));
    String deliveryId = request.path().pathParameters().get("deliveryId");
    if (!DELIVERY_ID.matcher(deliveryId).matches()) {
      throw ApiProblem.notFound("no delivery " + QueryParameters.abbreviate(deliveryId));
    }
    DeliveryLog.Recorded recorded =
        services
            .log()
            .recorded(subscription.id(), deliveryId)
            .orElseThrow(() -> ApiProblem.notFound("no delivery " + deliveryId));
    boolean neverRendered =
        services.log().deadLetters(subscription.id(), MAX_LIMIT).stream()
            .anyMatch(d -> d.deliveryId().equals(deliveryId) && d.attempts() == 0);
    if (neverRendered) {
      throw ApiProblem.conflict(
          "delivery " + deliveryId + " could not be rendered or decoded; there is nothing to send");
    }
    Delivery delivery = recorded.delivery();
    WebhookSender.Attempt attempt =
        services.sender().send((Subscription.Webhook) subscription.destination(), delivery);
    int number = recorded.lastAttempt() + 1;
    services
        .log()
        .attempt(
            subscription.id(),
            delivery,
            number,
            attempt.delivered()
                ? DeliveryLog.Outcome.DELIVERED
                : DeliveryLog.Outcome.REDELIVERY_FAILED,
            attempt,
            services.clock().instant());
    if (attempt.delivered()) {
      services.log().removeDeadLetter(subscription.id(), deliveryId);
    }
    ObjectNode body = Json.object();
    body.put("deliveryId", deliveryId);
    body.put("attempt", number);
    body.put("delivered", attempt.delivered());
    attempt.status().ifPresent(s -> body.put("httpStatus", s));
    attempt.error().ifPresent(s -> body.put("error", s));
    body.put("durationMs", attempt.took().toMillis());
    Json.ok(response, body);
  }

  private static Subscription webhook(Subscription subscription) {
    if (!subscription.isWebhook()) {
      throw ApiProblem.notFound(
          "subscription " + subscription.id() + " streams events; it has no webhook deliveries");
    }
    return subscription;
  }
}
