package dev.hamal.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hamal.order.OrderSinkUnavailableException;
import dev.hamal.order.OrderStatus;
import dev.hamal.search.OrderAnalytics;
import dev.hamal.search.OrderAnalyticsQuery;
import dev.hamal.search.OrderIndex;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code /v1/analytics/orders}: counts and amounts per hour or day, optionally per business line or
 * status, from the search index's aggregations (the console's charts). Only the index can
 * aggregate, so there is no fall-through: when it is unavailable the answer is a 503. A key sees
 * only its business lines.
 */
public final class AnalyticsService implements HttpService {
  private static final Set<String> PARAMETERS =
      Set.of("from", "to", "interval", "zone", "groupBy", "businessLine", "status");

  private final Function<OrderAnalyticsQuery, OrderAnalytics> analyze;

  /** Analytics from {@code index}. */
  public AnalyticsService(OrderIndex index) {
    this(Objects.requireNonNull(index, "index")::analyze);
  }

  /**
   * Analytics from {@code analyze}, which behaves as {@link OrderIndex#analyze}: an {@link
   * IllegalArgumentException} for a query the index refuses, {@link OrderSinkUnavailableException}
   * when it cannot answer.
   */
  AnalyticsService(Function<OrderAnalyticsQuery, OrderAnalytics> analyze) {
    this.analyze = Objects.requireNonNull(analyze, "analyze");
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/orders", this::orders);
  }

  private void orders(ServerRequest request, ServerResponse response) {
    Caller caller = Caller.of(request);
    var p = QueryParameters.of(request.query(), PARAMETERS);
    Instant from =
        p.instant("from").orElseThrow(() -> ApiProblem.invalidParameter("from", "is required"));
    Instant to =
        p.instant("to").orElseThrow(() -> ApiProblem.invalidParameter("to", "is required"));
    if (!from.isBefore(to)) {
      throw ApiProblem.invalidParameter("to", "must be after from");
    }
    OrderAnalyticsQuery.Interval interval =
        switch (p.text("interval", 10).orElse("day")) {
          case "hour" -> OrderAnalyticsQuery.Interval.HOUR;
          case "day" -> OrderAnalyticsQuery.Interval.DAY;
          default -> throw ApiProblem.invalidParameter("interval", "must be hour or day");
        };
    ZoneId zone;
    try {
      zone = ZoneId.of(p.text("zone", 64).orElse("UTC"));
    } catch (DateTimeException e) {
      throw ApiProblem.invalidParameter("zone", "must be an IANA time zone such as Asia/Shanghai");
    }
    OrderAnalyticsQuery.GroupBy groupBy =
        switch (p.text("groupBy", 20).orElse("none")) {
          case "none" -> OrderAnalyticsQuery.GroupBy.NONE;
          case "businessLine" -> OrderAnalyticsQuery.GroupBy.BUSINESS_LINE;
          case "status" -> OrderAnalyticsQuery.GroupBy.STATUS;
          default ->
              throw ApiProblem.invalidParameter("groupBy", "must be none, businessLine or status");
        };
    Set<String> lines = p.businessLines("businessLine", caller, Set.of());
    Set<OrderStatus> statuses = p.statuses("status");
    OrderAnalyticsQuery query;
    try {
      query =
          OrderAnalyticsQuery.of(from, to, interval, zone)
              .withBusinessLines(lines)
              .withStatuses(statuses)
              .withGroupBy(groupBy);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.badRequest(e.getMessage());
    }
    OrderAnalytics answer;
    try {
      answer = analyze.apply(query);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.badRequest(e.getMessage());
    } catch (OrderSinkUnavailableException e) {
      throw ApiProblem.unavailable(
          "analytics need the search index, which is unavailable; retry later");
    }
    ObjectNode body = Json.object();
    body.put("from", from.toString()).put("to", to.toString());
    body.put("interval", interval.name().toLowerCase(Locale.ROOT)).put("zone", zone.getId());
    body.put("orders", answer.orders())
        .put("totalAmount", answer.totalAmount())
        .put("paidAmount", answer.paidAmount());
    ArrayNode buckets = body.putArray("buckets");
    for (var b : answer.buckets()) {
      ObjectNode bucket = buckets.addObject();
      bucket.put("start", b.start().toString());
      if (groupBy != OrderAnalyticsQuery.GroupBy.NONE) {
        bucket.put("group", b.group());
      }
      bucket
          .put("orders", b.orders())
          .put("totalAmount", b.totalAmount())
          .put("paidAmount", b.paidAmount());
    }
    Json.ok(response, body);
  }
}
