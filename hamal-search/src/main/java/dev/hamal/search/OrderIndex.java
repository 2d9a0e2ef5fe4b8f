package dev.hamal.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.hamal.order.OrderChangeCodec;
import dev.hamal.order.OrderCodecException;
import dev.hamal.order.OrderLookup;
import dev.hamal.order.OrderPage;
import dev.hamal.order.OrderQuery;
import dev.hamal.order.OrderSearch;
import dev.hamal.order.OrderSink;
import dev.hamal.order.OrderSinkUnavailableException;
import dev.hamal.order.OrderVersion;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.SinkResult;
import dev.hamal.order.StoredOrder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.SortOptions;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.VersionType;
import org.opensearch.client.opensearch._types.aggregations.Aggregate;
import org.opensearch.client.opensearch._types.aggregations.Aggregation;
import org.opensearch.client.opensearch._types.aggregations.CalendarInterval;
import org.opensearch.client.opensearch._types.aggregations.DateHistogramBucket;
import org.opensearch.client.opensearch._types.aggregations.StringTermsAggregate;
import org.opensearch.client.opensearch._types.aggregations.StringTermsBucket;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5Transport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search index: an {@link OrderSink}, {@link OrderLookup} and {@link OrderSearch} over
 * OpenSearch (or any cluster speaking its REST API), through the OpenSearch Java client, with
 * aggregated analytics ({@link #analyze}). {@code docs/search-index.md} describes the layout for
 * operators.
 *
 * <p><b>Layout.</b> One index per month of order creation ({@code hamal-orders-2025.06}, UTC),
 * created on first write from the composable index template {@code hamal-orders} that {@link #open}
 * puts (idempotently: a {@code PUT} of the same body), and joined to the alias {@code hamal-orders}
 * by that template. Writes go to the month of the order's {@code createdAt}, which never changes
 * for an order; reads go to the alias.
 *
 * <p><b>Documents.</b> A document is the order's canonical JSON ({@link
 * OrderChangeCodec#encodeOrder}) with three members added: {@code version} (the {@link
 * OrderVersion} text), {@code state} ({@link StoredOrder.State}) and {@code commitTime}. The
 * mapping indexes the canonical members in place (keywords for ids and codes, {@code cjk} text for
 * the product name, {@code date_nanos} for times, longs for amounts) and leaves {@code ext}
 * unindexed; {@code dynamic: false} keeps members the mapping does not know in the source without
 * indexing them. Read-back decodes that source with the same codec, so {@link StoredOrder#order()}
 * equals the written order exactly (decimal scale, ext order, nanoseconds).
 *
 * <p><b>Versioning.</b> Every write is a bulk {@code index} with {@code version_type=external} and
 * the version encoded by {@link ExternalVersion}: the index applies it only if it is greater than
 * the version it holds, and answers 409 otherwise (counted stale). Deletes and archives index the
 * before image as a tombstone ({@code state} DELETED or ARCHIVED) and never issue a {@code
 * _delete}: a deleted document's version is forgotten after {@code index.gc_deletes} (60 s), after
 * which a replayed older change would resurrect it; a tombstone keeps its version for ever.
 *
 * <p><b>Durability and visibility.</b> A bulk request is acknowledged once every operation is in
 * the translog, fsynced per request ({@code index.translog.durability=request}, OpenSearch's
 * default, left as is). It does not refresh: writes become visible to {@link #findAll}, {@link
 * #scan} and searches within the refresh interval ({@link OrderIndexConfig#refreshInterval()}).
 *
 * <p><b>Searching.</b> {@link #search} and {@link #analyze} filter in filter context (no scoring;
 * the product-name match excepted) and never see tombstones ({@code state} DELETED). Searches sort
 * by {@code times.createdAt} (to the nanosecond) and {@code orderId}, both descending, the total
 * order {@link dev.hamal.order.SortKey#ORDER}, and page with {@code search_after}: a page read
 * after concurrent writes neither repeats nor skips an order present throughout. An analytics
 * answer is bounded by {@link OrderAnalyticsQuery#MAX_BUCKETS} buckets.
 *
 * <p><b>Failure.</b> Per operation: 409 is stale; 400 (the document does not fit the mapping) is a
 * rejection with the server's reason; anything else (429, 5xx, a blocked index) fails the whole
 * batch with {@link OrderSinkUnavailableException}, as do connection failures and timeouts. The
 * caller retries the whole batch; writes that were applied come back as stale.
 *
 * <p><b>Threading.</b> Thread-safe: the client and its connection pool may be shared by threads;
 * every method call is independent.
 */
public final class OrderIndex implements OrderSink, OrderLookup, OrderSearch {

  /** Page size of {@link #scan} and chunk size of {@link #findAll}. */
  static final int PAGE = 1_000;

  private static final Logger log = LoggerFactory.getLogger(OrderIndex.class);
  private static final String TEMPLATE = "/dev/hamal/search/index-template.json";

  /** The sort of {@link #scan}, {@link #findAll} and {@link #findByProductName}. */
  private static final List<SortOptions> BY_ORDER_ID =
      List.of(SortOptions.of(o -> o.field(f -> f.field("orderId").order(SortOrder.Asc))));

  // names of the aggregations of analyze
  private static final String GROUPS = "groups";
  private static final String HISTOGRAM = "histogram";
  private static final String TOTAL = "total";
  private static final String PAID = "paid";

  /** Sums below this are exact: OpenSearch sums in doubles. */
  private static final double EXACT_SUM = 0x1p53;

  private final OrderIndexConfig config;
  private final MonthlyIndices indices;
  private final ObjectMapper json;
  private final OrderChangeCodec codec = new OrderChangeCodec();
  private final ApacheHttpClient5Transport transport;
  private final OpenSearchClient client;

  private OrderIndex(OrderIndexConfig config) {
    this.config = config;
    this.indices = new MonthlyIndices(config.indexPrefix());
    this.json =
        JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();
    this.transport = transport(config, json);
    this.client = new OpenSearchClient(transport);
  }

  /**
   * Connects and puts the index template (idempotent).
   *
   * @throws OrderSinkUnavailableException when the cluster cannot be reached or refuses the
   *     template
   */
  public static OrderIndex open(OrderIndexConfig config) {
    Objects.requireNonNull(config, "config");
    OrderIndex index = new OrderIndex(config);
    try {
      index.putTemplate();
    } catch (RuntimeException e) {
      index.close();
      throw e;
    }
    return index;
  }

  private static ApacheHttpClient5Transport transport(OrderIndexConfig config, ObjectMapper json) {
    HttpHost[] hosts =
        config.hosts().stream()
            .map(u -> new HttpHost(u.getScheme(), u.getHost(), u.getPort()))
            .toArray(HttpHost[]::new);
    Timeout request = Timeout.of(config.requestTimeout());
    Timeout connect = Timeout.of(config.connectTimeout());
    return ApacheHttpClient5TransportBuilder.builder(hosts)
        .setMapper(new JacksonJsonpMapper(json))
        .setRequestConfigCallback(r -> r.setResponseTimeout(request))
        .setConnectionConfigCallback(c -> c.setConnectTimeout(connect))
        .setHttpClientConfigCallback(http -> {
          // The client's default pool (10 connections per node) queues requests once the
          // gateway has more searches in flight than that; a queued request's wait counts
          // against its timeout. One connection per request the gateway may run at once.
          http.setConnectionManager(
              PoolingAsyncClientConnectionManagerBuilder.create()
                  .setMaxConnPerRoute(config.maxConnections())
                  .setMaxConnTotal(config.maxConnections() * hosts.length)
                  .setDefaultConnectionConfig(
                      org.apache.hc.client5.http.config.ConnectionConfig.custom()
                          .setConnectTimeout(connect)
                          .build())
                  .setTlsStrategy(ClientTlsStrategyBuilder.create().buildAsync())
                  .build());
          if (config.username().isPresent()) {
            var credentials = new BasicCredentialsProvider();
            for (HttpHost host : hosts) {
              credentials.setCredentials(
                  new AuthScope(host),
                  new UsernamePasswordCredentials(
                      config.username().get(), config.password().orElseThrow().toCharArray()));
            }
            http.setDefaultCredentialsProvider(credentials);
          }
          return http;
        })
        .build();
  }

  @Override
  public String name() {
    return "index";
  }

  /** The configuration. */
  public OrderIndexConfig config() {
    return config;
  }

  /** The alias reads go to ({@code hamal-orders}). */
  public String alias() {
    return indices.alias();
  }

  /** The concrete monthly index an order created at {@code createdAt} is written to. */
  public String indexFor(Instant createdAt) {
    return indices.of(createdAt);
  }

  // ---- writing -----------------------------------------------------------------------------

  @Override
  public SinkResult apply(List<OrderWrite> writes) {
    Objects.requireNonNull(writes, "writes");
    int stale = 0;
    List<SinkResult.Rejection> rejected = new ArrayList<>();
    // the newest write of each order that has an encoding; older ones are stale by definition
    Map<String, OrderWrite> newest = new LinkedHashMap<>();
    Map<String, Long> versions = new HashMap<>();
    for (OrderWrite write : writes) {
      OptionalLong encoded = ExternalVersion.of(write.version());
      if (encoded.isEmpty()) {
        rejected.add(new SinkResult.Rejection(write, ExternalVersion.whyNot(write.version())));
        continue;
      }
      OrderWrite held = newest.get(write.orderId());
      if (held == null || write.version().isNewerThan(held.version())) {
        newest.put(write.orderId(), write);
        versions.put(write.orderId(), encoded.getAsLong());
        if (held != null) {
          stale++;
        }
      } else {
        stale++;
      }
    }
    if (newest.isEmpty()) {
      return new SinkResult(0, stale, rejected);
    }
    List<OrderWrite> sent = new ArrayList<>(newest.values());
    List<BulkOperation> operations = new ArrayList<>(sent.size());
    for (OrderWrite write : sent) {
      RawValue document = document(write);
      String index = indices.of(write.image().createdAt());
      long version = versions.get(write.orderId());
      operations.add(
          BulkOperation.of(b ->
              b.index(i ->
                  i.index(index)
                      .id(write.orderId())
                      .version(version)
                      .versionType(VersionType.External)
                      .document(document))));
    }
    BulkResponse response;
    try {
      response = client.bulk(b -> b.operations(operations));
    } catch (OpenSearchException e) {
      throw new OrderSinkUnavailableException(
          "the search index refused a bulk request of "
              + operations.size()
              + " writes with status "
              + e.status(),
          e);
    } catch (IOException e) {
      throw new OrderSinkUnavailableException(
          "the search index at " + config.hosts() + " is unreachable: " + e, e);
    }
    List<BulkResponseItem> items = response.items();
    if (items.size() != sent.size()) {
      throw new OrderSinkUnavailableException(
          "the search index answered " + items.size() + " items for " + sent.size() + " writes");
    }
    int applied = 0;
    for (int i = 0; i < items.size(); i++) {
      BulkResponseItem item = items.get(i);
      int status = item.status();
      if (status == 200 || status == 201) {
        applied++;
      } else if (status == 409) {
        stale++;
      } else if (status == 400) {
        rejected.add(new SinkResult.Rejection(sent.get(i), reason(item)));
      } else {
        throw new OrderSinkUnavailableException(
            "the search index failed write "
                + sent.get(i).orderId()
                + " with status "
                + status
                + ": "
                + reason(item));
      }
    }
    return new SinkResult(applied, stale, rejected);
  }

  private static String reason(BulkResponseItem item) {
    if (item.error() == null) {
      return "status " + item.status();
    }
    return item.error().type() + ": " + item.error().reason();
  }

  /**
   * The order's canonical JSON plus {@code version}, {@code state} and {@code commitTime}, spliced
   * into the codec's bytes (a compact JSON object, so it ends in its closing brace) rather than
   * parsed and written again: the bulk body carries it as it is.
   */
  private RawValue document(OrderWrite write) {
    byte[] order = codec.encodeOrder(write.image());
    int end = order.length - 1;
    if (end < 2 || order[end] != '}') {
      throw new IllegalStateException("the codec wrote an order that is not a JSON object");
    }
    StringBuilder text = new StringBuilder(order.length + 96);
    text.append(new String(order, 0, end, StandardCharsets.UTF_8));
    text.append(",\"version\":\"")
        .append(write.version())
        .append("\",\"state\":\"")
        .append(write.state().name())
        .append("\",\"commitTime\":\"")
        .append(write.change().commitTime())
        .append("\"}");
    return new RawValue(text.toString());
  }

  // ---- reading -----------------------------------------------------------------------------

  /**
   * {@inheritDoc}
   *
   * <p>Near-real-time: a write is found once the index refreshed (within the refresh interval).
   */
  @Override
  public Map<String, StoredOrder> findAll(Collection<String> orderIds) {
    Objects.requireNonNull(orderIds, "orderIds");
    List<String> ids = List.copyOf(new LinkedHashSet<>(orderIds));
    Map<String, StoredOrder> found = new LinkedHashMap<>();
    for (int from = 0; from < ids.size(); from += PAGE) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + PAGE));
      Query query = Query.of(q -> q.ids(i -> i.values(chunk)));
      for (StoredOrder order : search(query, chunk.size(), List.of()).orders) {
        found.merge(order.orderId(), order, (a, b) -> b.version().isNewerThan(a.version()) ? b : a);
      }
    }
    return found;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Pages of {@value #PAGE} ordered by order id ({@code search_after}): an order present during
   * the whole scan is seen exactly once, with the version its page read. Near-real-time like {@link
   * #findAll}.
   */
  @Override
  public void scan(String businessLine, Instant from, Instant to, Consumer<StoredOrder> each) {
    Objects.requireNonNull(businessLine, "businessLine");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(each, "each");
    Query query =
        Query.of(q ->
            q.bool(b ->
                b.filter(f ->
                        f.term(t -> t.field("businessLine").value(FieldValue.of(businessLine))))
                    .filter(f ->
                        f.range(r ->
                            r.field("times.createdAt")
                                .gte(JsonData.of(from.toString()))
                                .lt(JsonData.of(to.toString()))))));
    List<FieldValue> after = List.of();
    while (true) {
      Page page = search(query, PAGE, after);
      page.orders.forEach(each);
      if (page.orders.size() < PAGE) {
        return;
      }
      after = page.lastSort;
    }
  }

  /**
   * The orders of {@code businessLine} whose product name contains {@code text} as a phrase (the
   * {@code cjk} analyzer's bigrams: {@code 话费} finds {@code 广东移动话费100元}), at most {@code limit},
   * ordered by order id. Near-real-time like {@link #findAll}.
   */
  public List<StoredOrder> findByProductName(String businessLine, String text, int limit) {
    Objects.requireNonNull(businessLine, "businessLine");
    Objects.requireNonNull(text, "text");
    if (limit < 1 || limit > 10_000) {
      throw new IllegalArgumentException("limit must be 1-10000, was " + limit);
    }
    Query query =
        Query.of(q ->
            q.bool(b ->
                b.filter(f ->
                        f.term(t -> t.field("businessLine").value(FieldValue.of(businessLine))))
                    .must(m -> m.matchPhrase(p -> p.field("product.name").query(text)))));
    return search(query, limit, List.of()).orders;
  }

  /**
   * {@inheritDoc}
   *
   * <p>One search request on the alias for {@code limit + 1} hits sorted by {@code times.createdAt}
   * (nanoseconds) and {@code orderId}, both descending, continuing with {@code search_after} from
   * {@link OrderQuery#after()}. The product text is a full-text {@code match} on the {@code
   * cjk}-analysed product name with operator AND (every word, every bigram of a Chinese word, must
   * occur); a blank text filters nothing. Near-real-time like {@link #findAll}.
   */
  @Override
  public OrderPage search(OrderQuery query) {
    Objects.requireNonNull(query, "query");
    List<FieldValue> after = List.of();
    if (query.after().isPresent()) {
      Optional<List<FieldValue>> position = SearchRequests.searchAfter(query.after().get());
      if (position.isEmpty()) {
        return new OrderPage(List.of(), Optional.empty());
      }
      after = position.get();
    }
    Page page =
        search(SearchRequests.filter(query), query.limit() + 1, SearchRequests.RESULT_ORDER, after);
    return OrderPage.of(page.orders, query.limit());
  }

  /**
   * Counts orders and sums their total and paid amounts per interval (and group) of {@code query},
   * in one aggregation request: a {@code date_histogram} on {@code times.createdAt} with the
   * query's calendar interval and time zone, under a {@code terms} aggregation on the group's field
   * when grouped, with {@code sum} aggregations inside. Deleted orders are not counted.
   * Near-real-time like {@link #findAll}.
   *
   * @throws IllegalArgumentException when grouped by every business line and more lines have orders
   *     in the range than {@link OrderAnalyticsQuery#MAX_BUCKETS} buckets allow
   * @throws OrderSinkUnavailableException when the cluster cannot be reached or fails the request
   */
  public OrderAnalytics analyze(OrderAnalyticsQuery query) {
    Objects.requireNonNull(query, "query");
    int intervals = query.intervals();
    String groupField =
        switch (query.groupBy()) {
          case NONE -> "";
          case BUSINESS_LINE -> SearchRequests.BUSINESS_LINE;
          case STATUS -> SearchRequests.STATUS;
        };
    // groups the answer may hold: known, or as many as the bucket limit leaves room for
    int groups =
        query.knownGroups().orElse(Math.max(1, OrderAnalyticsQuery.MAX_BUCKETS / intervals));
    Aggregation histogram =
        Aggregation.of(a ->
            a.dateHistogram(h ->
                    h.field(SearchRequests.CREATED_AT)
                        .calendarInterval(
                            query.interval() == OrderAnalyticsQuery.Interval.HOUR
                                ? CalendarInterval.Hour
                                : CalendarInterval.Day)
                        .timeZone(query.zone().getId())
                        .minDocCount(1))
                .aggregations(TOTAL, s -> s.sum(m -> m.field(SearchRequests.TOTAL_AMOUNT)))
                .aggregations(PAID, s -> s.sum(m -> m.field(SearchRequests.PAID_AMOUNT))));
    Aggregation top =
        groupField.isEmpty()
            ? histogram
            : Aggregation.of(a ->
                a.terms(t -> t.field(groupField).size(groups)).aggregations(HISTOGRAM, histogram));
    SearchResponse<Void> response;
    try {
      response =
          client.search(
              s ->
                  s.index(indices.alias())
                      .ignoreUnavailable(true)
                      .allowNoIndices(true)
                      .size(0)
                      .trackTotalHits(t -> t.enabled(false))
                      .query(SearchRequests.filter(query))
                      .aggregations(groupField.isEmpty() ? HISTOGRAM : GROUPS, top),
              Void.class);
    } catch (IOException | OpenSearchException e) {
      throw unavailable(e);
    }
    List<OrderAnalytics.Bucket> buckets = new ArrayList<>();
    Map<String, Aggregate> aggregations = response.aggregations();
    if (aggregations.isEmpty() && response.shards().total() == 0) {
      // no monthly index exists yet: the cluster aggregates nothing and answers without them
      return OrderAnalytics.of(buckets);
    }
    if (groupField.isEmpty()) {
      histogram(aggregate(aggregations, HISTOGRAM), "", buckets);
    } else {
      StringTermsAggregate terms = aggregate(aggregations, GROUPS).sterms();
      if (terms.sumOtherDocCount() != null && terms.sumOtherDocCount() > 0) {
        if (query.knownGroups().isPresent()) {
          throw new IllegalStateException(
              "the search index answered more than the " + groups + " possible groups");
        }
        throw new IllegalArgumentException(
            "more than "
                + groups
                + " business lines have orders in the range, so the answer would have more than "
                + OrderAnalyticsQuery.MAX_BUCKETS
                + " buckets ("
                + intervals
                + " intervals per line): name the lines, shorten the range or widen the interval");
      }
      for (StringTermsBucket group : terms.buckets().array()) {
        histogram(aggregate(group.aggregations(), HISTOGRAM), group.key(), buckets);
      }
    }
    return OrderAnalytics.of(buckets);
  }

  private static Aggregate aggregate(Map<String, Aggregate> aggregations, String name) {
    Aggregate aggregate = aggregations.get(name);
    if (aggregate == null) {
      throw new IllegalStateException("the search index answered without the aggregation " + name);
    }
    return aggregate;
  }

  private static void histogram(
      Aggregate aggregate, String group, List<OrderAnalytics.Bucket> buckets) {
    for (DateHistogramBucket bucket : aggregate.dateHistogram().buckets().array()) {
      if (bucket.docCount() == 0) {
        continue;
      }
      Instant start = Instant.ofEpochMilli(bucket.key());
      buckets.add(
          new OrderAnalytics.Bucket(
              start,
              group,
              bucket.docCount(),
              sum(aggregate(bucket.aggregations(), TOTAL), start, group),
              sum(aggregate(bucket.aggregations(), PAID), start, group)));
    }
  }

  private static long sum(Aggregate aggregate, Instant start, String group) {
    Double value = aggregate.sum().value();
    double sum = value == null ? 0 : value;
    if (!(sum >= 0 && sum < EXACT_SUM) || sum != Math.rint(sum)) {
      throw new IllegalStateException(
          "the sum of amounts of the bucket "
              + start
              + (group.isEmpty() ? "" : " " + group)
              + " is "
              + sum
              + ", not an exact whole number of minor units (at most 2^53)");
    }
    return (long) sum;
  }

  /**
   * Makes every write so far visible to searches now instead of within the refresh interval. For
   * tests and tools; the write path never calls it.
   *
   * @throws OrderSinkUnavailableException when the cluster cannot be reached
   */
  public void refresh() {
    try {
      client.indices().refresh(r -> r.index(indices.pattern()).allowNoIndices(true));
    } catch (IOException | OpenSearchException e) {
      throw new OrderSinkUnavailableException("cannot refresh " + indices.pattern(), e);
    }
  }

  private record Page(List<StoredOrder> orders, List<FieldValue> lastSort) {}

  private OrderSinkUnavailableException unavailable(Exception e) {
    return new OrderSinkUnavailableException(
        "cannot search " + indices.alias() + " at " + config.hosts() + ": " + e, e);
  }

  private Page search(Query query, int size, List<FieldValue> after) {
    return search(query, size, BY_ORDER_ID, after);
  }

  private Page search(Query query, int size, List<SortOptions> sort, List<FieldValue> after) {
    SearchResponse<ObjectNode> response;
    try {
      response =
          client.search(
              s -> {
                s.index(indices.alias())
                    .ignoreUnavailable(true)
                    .allowNoIndices(true)
                    .size(size)
                    .trackTotalHits(t -> t.enabled(false))
                    .query(query)
                    .sort(sort);
                if (!after.isEmpty()) {
                  s.searchAfter(after);
                }
                return s;
              },
              ObjectNode.class);
    } catch (IOException | OpenSearchException e) {
      throw unavailable(e);
    }
    List<StoredOrder> orders = new ArrayList<>(response.hits().hits().size());
    List<FieldValue> last = List.of();
    for (Hit<ObjectNode> hit : response.hits().hits()) {
      orders.add(stored(hit.id(), hit.source()));
      last = hit.sort();
    }
    return new Page(orders, last);
  }

  private StoredOrder stored(String id, ObjectNode source) {
    if (source == null) {
      throw new IllegalStateException("document " + id + " in " + alias() + " has no source");
    }
    try {
      OrderVersion version = OrderVersion.parse(text(source, "version"));
      StoredOrder.State state = StoredOrder.State.valueOf(text(source, "state"));
      Instant commitTime = Instant.parse(text(source, "commitTime"));
      return new StoredOrder(
          codec.decodeOrder(json.writeValueAsBytes(source)), version, state, commitTime);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    } catch (OrderCodecException | IllegalArgumentException | java.time.DateTimeException e) {
      throw new IllegalStateException(
          "document " + id + " in " + alias() + " is not a Hamal order: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode source, String field) {
    JsonNode node = source.get(field);
    if (node == null || !node.isTextual()) {
      throw new IllegalArgumentException(field + ": required string");
    }
    return node.textValue();
  }

  // ---- the template ------------------------------------------------------------------------

  /** The index template's body with the configuration's prefix, shards, replicas and refresh. */
  static String templateBody(OrderIndexConfig config) {
    String body;
    try (InputStream in = OrderIndex.class.getResourceAsStream(TEMPLATE)) {
      if (in == null) {
        throw new IllegalStateException(TEMPLATE + " is missing from the class path");
      }
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Duration refresh = config.refreshInterval();
    return body.replace("${prefix}", config.indexPrefix())
        .replace("${shards}", Integer.toString(config.shards()))
        .replace("${replicas}", Integer.toString(config.replicas()))
        .replace("${refresh}", refresh.toMillis() + "ms");
  }

  private void putTemplate() {
    String path = "/_index_template/" + config.indexPrefix();
    try (Response response =
        client
            .generic()
            .execute(
                Requests.builder()
                    .method("PUT")
                    .endpoint(path)
                    .json(templateBody(config))
                    .build())) {
      if (response.getStatus() != 200) {
        String body = response.getBody().map(b -> b.bodyAsString()).orElse("");
        throw new OrderSinkUnavailableException(
            "the search index refused the template "
                + path
                + " ("
                + response.getStatus()
                + "): "
                + body);
      }
    } catch (IOException e) {
      throw new OrderSinkUnavailableException(
          "the search index at " + config.hosts() + " is unreachable: " + e, e);
    }
    log.info("Index template {} in place for {}", config.indexPrefix(), config.hosts());
  }

  /** Closes the client's connections. */
  @Override
  public void close() {
    try {
      transport.close();
    } catch (IOException e) {
      log.warn("Closing the search index client failed", e);
    }
  }
}
