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
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.VersionType;
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
 * The search index: an {@link OrderSink} and {@link OrderLookup} over OpenSearch (or any cluster
 * speaking its REST API), through the OpenSearch Java client. {@code docs/search-index.md}
 * describes the layout for operators.
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
 * <p><b>Failure.</b> Per operation: 409 is stale; 400 (the document does not fit the mapping) is a
 * rejection with the server's reason; anything else (429, 5xx, a blocked index) fails the whole
 * batch with {@link OrderSinkUnavailableException}, as do connection failures and timeouts. The
 * caller retries the whole batch; writes that were applied come back as stale.
 *
 * <p><b>Threading.</b> Thread-safe: the client and its connection pool may be shared by threads;
 * every method call is independent.
 */
public final class OrderIndex implements OrderSink, OrderLookup {

  /** Page size of {@link #scan} and chunk size of {@link #findAll}. */
  static final int PAGE = 1_000;

  private static final Logger log = LoggerFactory.getLogger(OrderIndex.class);
  private static final String TEMPLATE = "/dev/hamal/search/index-template.json";

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

  private Page search(Query query, int size, List<FieldValue> after) {
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
                    .sort(o -> o.field(f -> f.field("orderId").order(SortOrder.Asc)));
                if (!after.isEmpty()) {
                  s.searchAfter(after);
                }
                return s;
              },
              ObjectNode.class);
    } catch (IOException | OpenSearchException e) {
      throw new OrderSinkUnavailableException(
          "cannot search " + indices.alias() + " at " + config.hosts() + ": " + e, e);
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
