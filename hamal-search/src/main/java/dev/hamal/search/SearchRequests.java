package dev.hamal.search;

import dev.hamal.order.OrderQuery;
import dev.hamal.order.OrderStatus;
import dev.hamal.order.SortKey;
import dev.hamal.order.StoredOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.SortOptions;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.query_dsl.BoolQuery;
import org.opensearch.client.opensearch._types.query_dsl.Operator;
import org.opensearch.client.opensearch._types.query_dsl.Query;

/**
 * The query parts of {@link OrderIndex#search} and {@link OrderIndex#analyze}: filters from an
 * {@link OrderQuery} or {@link OrderAnalyticsQuery}, the result sort and its {@code search_after}
 * position. Stateless.
 *
 * <p>Every filter is in filter context (cached, not scored) except the product-name match; every
 * query excludes tombstones ({@code state} {@code DELETED}). Creation times are {@code date_nanos},
 * which holds {@link OrderAnalyticsQuery#EARLIEST} to {@link OrderAnalyticsQuery#LATEST} only: a
 * bound outside is dropped (it excludes nothing) or turns the query into one that matches nothing
 * (it excludes everything), never sent, since the cluster refuses such a date.
 */
final class SearchRequests {

  static final String CREATED_AT = "times.createdAt";
  static final String ORDER_ID = "orderId";
  static final String BUSINESS_LINE = "businessLine";
  static final String STATUS = "status";
  static final String TOTAL_AMOUNT = "amounts.total";
  static final String PAID_AMOUNT = "amounts.paid";
  static final String PRODUCT_NAME = "product.name";

  /** Newest first, ties broken by order id, descending: {@link SortKey#ORDER}. */
  static final List<SortOptions> RESULT_ORDER =
      List.of(
          SortOptions.of(s -> s.field(f -> f.field(CREATED_AT).order(SortOrder.Desc))),
          SortOptions.of(s -> s.field(f -> f.field(ORDER_ID).order(SortOrder.Desc))));

  private SearchRequests() {}

  /** The filters of {@code query} (not its position). */
  static Query filter(OrderQuery query) {
    BoolQuery.Builder bool = new BoolQuery.Builder();
    terms(bool, BUSINESS_LINE, query.businessLines());
    query
        .userId()
        .ifPresent(user -> bool.filter(f -> f.term(t -> t.field("userId").value(str(user)))));
    terms(bool, STATUS, query.statuses().stream().map(OrderStatus::name).toList());
    if (!created(bool, query.createdFrom(), query.createdTo())) {
      return matchNone();
    }
    amounts(bool, query.minTotalAmount(), query.maxTotalAmount());
    query
        .productText()
        .filter(text -> !text.isBlank())
        .ifPresent(text ->
            bool.must(
                m -> m.match(t -> t.field(PRODUCT_NAME).query(str(text)).operator(Operator.And))));
    notDeleted(bool);
    return Query.of(q -> q.bool(bool.build()));
  }

  /** The filters of {@code query}. */
  static Query filter(OrderAnalyticsQuery query) {
    BoolQuery.Builder bool = new BoolQuery.Builder();
    terms(bool, BUSINESS_LINE, query.businessLines());
    terms(bool, STATUS, query.statuses().stream().map(OrderStatus::name).toList());
    // the query's range lies within what the index holds (checked by the record)
    created(bool, Optional.of(query.from()), Optional.of(query.to()));
    notDeleted(bool);
    return Query.of(q -> q.bool(bool.build()));
  }

  /**
   * The {@code search_after} values of {@code position} for {@link #RESULT_ORDER}; empty when no
   * order the index can hold sorts after it (it lies before {@link OrderAnalyticsQuery#EARLIEST}).
   */
  static Optional<List<FieldValue>> searchAfter(SortKey position) {
    Instant at = position.createdAt();
    if (at.isBefore(OrderAnalyticsQuery.EARLIEST)) {
      return Optional.empty();
    }
    long nanos = at.isAfter(OrderAnalyticsQuery.LATEST) ? Long.MAX_VALUE : nanos(at);
    return Optional.of(List.of(FieldValue.of(nanos), str(position.orderId())));
  }

  /** Nanoseconds since the epoch of a time within the index's range: a date_nanos sort value. */
  static long nanos(Instant at) {
    return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
  }

  private static void terms(BoolQuery.Builder bool, String field, Collection<String> values) {
    if (values.isEmpty()) {
      return;
    }
    List<FieldValue> terms = new ArrayList<>(values.size());
    values.stream().sorted().forEach(v -> terms.add(str(v)));
    bool.filter(f -> f.terms(t -> t.field(field).terms(v -> v.value(terms))));
  }

  /** Adds the creation-time range; false when nothing the index holds can match it. */
  private static boolean created(
      BoolQuery.Builder bool, Optional<Instant> from, Optional<Instant> to) {
    Optional<Instant> gte = from.filter(f -> f.isAfter(OrderAnalyticsQuery.EARLIEST));
    Optional<Instant> lt = to.filter(t -> !t.isAfter(OrderAnalyticsQuery.LATEST));
    if (gte.isPresent() && gte.get().isAfter(OrderAnalyticsQuery.LATEST)) {
      return false;
    }
    if (lt.isPresent() && !lt.get().isAfter(OrderAnalyticsQuery.EARLIEST)) {
      return false;
    }
    if (gte.isEmpty() && lt.isEmpty()) {
      return true;
    }
    bool.filter(f ->
        f.range(r -> {
          r.field(CREATED_AT);
          gte.ifPresent(g -> r.gte(JsonData.of(g.toString())));
          lt.ifPresent(l -> r.lt(JsonData.of(l.toString())));
          return r;
        }));
    return true;
  }

  private static void amounts(BoolQuery.Builder bool, OptionalLong min, OptionalLong max) {
    if (min.isEmpty() && max.isEmpty()) {
      return;
    }
    bool.filter(f ->
        f.range(r -> {
          r.field(TOTAL_AMOUNT);
          min.ifPresent(m -> r.gte(JsonData.of(m)));
          max.ifPresent(m -> r.lte(JsonData.of(m)));
          return r;
        }));
  }

  private static void notDeleted(BoolQuery.Builder bool) {
    bool.mustNot(n -> n.term(t -> t.field("state").value(str(StoredOrder.State.DELETED.name()))));
  }

  private static Query matchNone() {
    return Query.of(q -> q.matchNone(m -> m));
  }

  private static FieldValue str(String value) {
    return FieldValue.of(value);
  }
}
