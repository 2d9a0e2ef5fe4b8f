package dev.hamal.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hamal.order.OrderChangeRecord;
import dev.hamal.order.OrderHistory;
import dev.hamal.order.OrderPage;
import dev.hamal.order.OrderQuery;
import dev.hamal.order.OrderStatus;
import dev.hamal.order.SortKey;
import dev.hamal.order.StoredOrder;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code /v1/orders}: an order by id, and searches with cursor pagination, answered by the level
 * chain ({@link OrderLevels}) and rendered through the caller's template ({@link RenderPlans}); and
 * an order's change history ({@code /v1/orders/{id}/history}), read from the order store's history
 * ({@link OrderHistory}) and masked as lookups are, never templated.
 *
 * <p>Scopes: a key sees only orders of the business lines its scopes name. A lookup of an order of
 * another line answers 404 exactly as for an order that does not exist; a search that names a line
 * the key may not read is a 403, and a search that names none is restricted to the key's lines.
 *
 * <p>Answers carry {@code level} (which level answered), {@code degraded} (a level ahead of it was
 * unavailable) and {@code levels} (each level tried, its outcome and time), also as the headers
 * {@code Hamal-Level} and {@code Hamal-Degraded}. When no level can answer the response is a 503;
 * an order that every available level misses is a 404.
 *
 * <p>History: the same id rules and scope as a lookup (an order of a line the key may not read is a
 * 404, as a missing one); newest change first; an order with no recorded change (recorded before
 * the history was on, or expired) answers an empty list when a lookup finds it, else 404. Without a
 * history source the endpoint answers 503.
 */
public final class OrderService implements HttpService {
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;
  static final int DEFAULT_HISTORY_LIMIT = 50;
  static final int MAX_HISTORY_LIMIT = OrderHistory.MAX_LIMIT;
  private static final Set<String> SEARCH_PARAMETERS =
      Set.of(
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
          "template");
  private static final Set<String> GET_PARAMETERS = Set.of("template");
  private static final Set<String> HISTORY_PARAMETERS = Set.of("limit");

  private final OrderLevels levels;
  private final RenderPlans plans;
  private final Cursors cursors;
  private final Set<String> knownLines;
  private final Optional<OrderHistory> history;

  /**
   * Orders from {@code levels}, rendered by {@code plans}, paged with {@code cursors}; no change
   * history (its endpoint answers 503).
   *
   * @param knownLines the business lines the gateway serves; a search naming another is a 400
   *     (empty to accept any name)
   */
  public OrderService(
      OrderLevels levels, RenderPlans plans, Cursors cursors, Set<String> knownLines) {
    this(levels, plans, cursors, knownLines, Optional.empty());
  }

  /**
   * Orders from {@code levels}, rendered by {@code plans}, paged with {@code cursors}, and their
   * change histories from {@code history}.
   *
   * @param knownLines the business lines the gateway serves; a search naming another is a 400
   *     (empty to accept any name)
   */
  public OrderService(
      OrderLevels levels,
      RenderPlans plans,
      Cursors cursors,
      Set<String> knownLines,
      OrderHistory history) {
    this(levels, plans, cursors, knownLines, Optional.of(history));
  }

  private OrderService(
      OrderLevels levels,
      RenderPlans plans,
      Cursors cursors,
      Set<String> knownLines,
      Optional<OrderHistory> history) {
    this.levels = Objects.requireNonNull(levels, "levels");
    this.plans = Objects.requireNonNull(plans, "plans");
    this.cursors = Objects.requireNonNull(cursors, "cursors");
    this.knownLines = Set.copyOf(knownLines);
    this.history = Objects.requireNonNull(history, "history");
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/", this::search);
    rules.get("/{id}/history", this::history);
    rules.get("/{id}", this::find);
    rules.any(
        "/",
        (req, res) -> {
          throw ApiProblem.methodNotAllowed("only GET is allowed on /v1/orders");
        });
    rules.any(
        "/{id}/history",
        (req, res) -> {
          throw ApiProblem.methodNotAllowed("only GET is allowed on /v1/orders/{id}/history");
        });
    rules.any(
        "/{id}",
        (req, res) -> {
          throw ApiProblem.methodNotAllowed("only GET is allowed on /v1/orders/{id}");
        });
  }

  /** The order id of a request's path, checked. */
  private static String orderId(ServerRequest request) {
    String orderId = request.path().pathParameters().get("id");
    if (orderId.isEmpty() || orderId.length() > 191) {
      throw ApiProblem.invalidParameter("id", "an order id has 1 to 191 characters");
    }
    return orderId;
  }

  private void find(ServerRequest request, ServerResponse response) {
    Caller caller = Caller.of(request);
    var parameters = QueryParameters.of(request.query(), GET_PARAMETERS);
    String orderId = orderId(request);
    RenderPlans.RenderPlan plan = plans.plan(caller, parameters.text("template", 80));
    LevelAnswer<StoredOrder> answer = levels.find(orderId, SearchLevel.CACHE);
    if (answer.value().isEmpty()) {
      if (answer.anyUnavailable()) {
        throw ApiProblem.unavailable(
            "order " + orderId + " was not found and some levels were unavailable; retry later");
      }
      throw ApiProblem.notFound("no order " + orderId);
    }
    StoredOrder stored = answer.value().get();
    if (!caller.scopes().mayRead(stored.order().businessLine())) {
      throw ApiProblem.notFound("no order " + orderId);
    }
    if (stored.state() == StoredOrder.State.DELETED) {
      throw ApiProblem.notFound("order " + orderId + " was deleted at its source");
    }
    ObjectNode body = Json.object();
    body.set("order", plan.render(OrderDocuments.of(stored)));
    plan.template().ifPresent(t -> body.put("template", t));
    describe(body, answer);
    headers(response, answer);
    Json.ok(response, body);
  }

  private void history(ServerRequest request, ServerResponse response) {
    Caller caller = Caller.of(request);
    var parameters = QueryParameters.of(request.query(), HISTORY_PARAMETERS);
    String orderId = orderId(request);
    int limit = parameters.intInRange("limit", 1, MAX_HISTORY_LIMIT).orElse(DEFAULT_HISTORY_LIMIT);
    OrderHistory source =
        history.orElseThrow(() ->
            ApiProblem.unavailable(
                "this gateway keeps no order change history (it needs the order store with"
                    + " store.history on)"));
    List<OrderChangeRecord> changes = source.history(orderId, limit);
    if (changes.isEmpty()) {
      // nothing recorded (before the history was on, or expired): known to a lookup, or 404
      LevelAnswer<StoredOrder> answer = levels.find(orderId, SearchLevel.CACHE);
      if (answer.value().isEmpty() && answer.anyUnavailable()) {
        throw ApiProblem.unavailable(
            "order " + orderId + " has no recorded change and some levels were unavailable");
      }
      if (answer.value().isEmpty()
          || !caller.scopes().mayRead(answer.value().get().order().businessLine())
          || answer.value().get().state() == StoredOrder.State.DELETED) {
        throw ApiProblem.notFound("no order " + orderId);
      }
    }
    for (OrderChangeRecord change : changes) {
      if (!caller.scopes().mayRead(change.businessLine())) {
        throw ApiProblem.notFound("no order " + orderId);
      }
    }
    RenderPlans.RenderPlan plan = plans.untemplated(caller);
    ObjectNode body = Json.object();
    body.put("orderId", orderId);
    ArrayNode list = body.putArray("changes");
    for (OrderChangeRecord change : changes) {
      ObjectNode item = list.addObject();
      item.putObject("version")
          .put("file", change.binlogFile())
          .put("position", change.version().position())
          .put("row", change.version().rowIndex());
      item.put("operation", change.operation().name());
      item.put("status", change.status().name());
      item.put("committedAt", change.committedAt().toString());
      item.put("appliedAt", change.appliedAt().toString());
      if (change.order().isPresent()) {
        item.set("order", plan.render(OrderDocuments.of(change.order().get())));
      } else {
        item.putNull("order");
      }
    }
    Json.ok(response, body);
  }

  private void search(ServerRequest request, ServerResponse response) {
    Caller caller = Caller.of(request);
    var parameters = QueryParameters.of(request.query(), SEARCH_PARAMETERS);
    Set<String> lines = parameters.businessLines("businessLine", caller, knownLines);
    Set<OrderStatus> statuses = parameters.statuses("status");
    Optional<String> user = parameters.text("userId", 191);
    Optional<Instant> from = parameters.instant("createdFrom");
    Optional<Instant> to = parameters.instant("createdTo");
    if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
      throw ApiProblem.invalidParameter("createdTo", "must be after createdFrom");
    }
    OptionalLong min = parameters.nonNegativeLong("minAmount");
    OptionalLong max = parameters.nonNegativeLong("maxAmount");
    if (min.isPresent() && max.isPresent() && min.getAsLong() > max.getAsLong()) {
      throw ApiProblem.invalidParameter("maxAmount", "must not be less than minAmount");
    }
    Optional<String> product = parameters.text("product", 200);
    if (product.isPresent() && product.get().isBlank()) {
      throw ApiProblem.invalidParameter("product", "must contain a word");
    }
    int limit = parameters.intInRange("limit", 1, MAX_LIMIT).orElse(DEFAULT_LIMIT);
    Optional<String> template = parameters.text("template", 80);
    RenderPlans.RenderPlan plan = plans.plan(caller, template);

    OrderQuery query =
        OrderQuery.all(limit)
            .withBusinessLines(lines)
            .withStatuses(statuses)
            .withCreated(from, to)
            .withTotalAmount(min, max);
    if (user.isPresent()) {
      query = query.withUserId(user.get());
    }
    if (product.isPresent()) {
      query = query.withProductText(product.get().trim());
    }
    String fingerprint = fingerprint(caller, query);
    Optional<String> cursor = parameters.text("cursor", 1_024);
    if (cursor.isPresent()) {
      query = query.withAfter(Optional.of(cursors.decode(cursor.get(), fingerprint)));
    }
    LevelAnswer<OrderPage> answer = levels.search(query, SearchLevel.CACHE);
    if (answer.value().isEmpty()) {
      throw ApiProblem.unavailable("no level can search right now; retry later");
    }
    OrderPage page = answer.value().get();
    ObjectNode body = Json.object();
    ArrayNode orders = body.putArray("orders");
    for (StoredOrder stored : page.orders()) {
      // levels filter by line already; this is the last line of defence for the key's scope
      if (caller.scopes().mayRead(stored.order().businessLine())
          && stored.state() != StoredOrder.State.DELETED) {
        orders.add(plan.render(OrderDocuments.of(stored)));
      }
    }
    Optional<SortKey> next = page.next();
    if (next.isPresent()) {
      body.put("nextCursor", cursors.encode(next.get(), fingerprint));
    } else {
      body.putNull("nextCursor");
    }
    plan.template().ifPresent(t -> body.put("template", t));
    describe(body, answer);
    headers(response, answer);
    Json.ok(response, body);
  }

  /** What a cursor is bound to: the key and every filter and the page size, in a stable form. */
  private static String fingerprint(Caller caller, OrderQuery query) {
    return String.join(
        "|",
        caller.keyId(),
        String.join(",", new TreeSet<>(query.businessLines())),
        query.userId().orElse(""),
        String.join(",", new TreeSet<>(query.statuses().stream().map(Enum::name).toList())),
        query.createdFrom().map(Instant::toString).orElse(""),
        query.createdTo().map(Instant::toString).orElse(""),
        query.minTotalAmount().isPresent() ? Long.toString(query.minTotalAmount().getAsLong()) : "",
        query.maxTotalAmount().isPresent() ? Long.toString(query.maxTotalAmount().getAsLong()) : "",
        query.productText().orElse(""),
        Integer.toString(query.limit()));
  }

  static void describe(ObjectNode body, LevelAnswer<?> answer) {
    answer.level().ifPresentOrElse(l -> body.put("level", l.label()), () -> body.putNull("level"));
    body.put("degraded", answer.degraded());
    ArrayNode tried = body.putArray("levels");
    for (var attempt : answer.attempts()) {
      tried
          .addObject()
          .put("level", attempt.level().label())
          .put("outcome", attempt.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'))
          .put("micros", attempt.micros());
    }
  }

  static void headers(ServerResponse response, LevelAnswer<?> answer) {
    answer.level().ifPresent(l -> response.header("Hamal-Level", l.label()));
    response.header("Hamal-Degraded", Boolean.toString(answer.degraded()));
  }
}
