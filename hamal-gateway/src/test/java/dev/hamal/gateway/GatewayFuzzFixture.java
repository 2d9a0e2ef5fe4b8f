package dev.hamal.gateway;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Ticker;
import com.sun.net.httpserver.HttpServer;
import dev.hamal.cache.OrderCache;
import dev.hamal.cache.OrderCacheConfig;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChangeCodec;
import dev.hamal.order.OrderWrite;
import dev.hamal.search.OrderIndex;
import dev.hamal.search.OrderIndexConfig;
import dev.hamal.store.OrderStore;
import dev.hamal.store.OrderStoreConfig;
import dev.hamal.testkit.OrderHistories;
import dev.hamal.testkit.TestServers;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A gateway wired as {@code hamal gateway} wires it (orders over the cache, index and store levels,
 * templates, subscriptions over Kafka, analytics over the index, keys), with two non-admin parties
 * whose data must never cross: each reads one business line of its own (seeded orders in every
 * store), owns a template, a webhook subscription with deliveries (and, for B, dead letters) and an
 * event-stream subscription, and has a page cursor. An admin owns a template and subscriptions too.
 *
 * <p>Everything runs on the shared test servers, under names unique to this fixture. The level
 * timeouts are generous (the machine is shared), so a slow level does not pass for a bad answer to
 * bad input. {@link #raw} talks HTTP/1.1 over a plain socket, so requests a strict client would
 * refuse to build (bad percent-encoding, raw bytes, odd methods, huge headers) can be sent.
 */
final class GatewayFuzzFixture implements AutoCloseable {
  private static final Instant START = Instant.parse("2026-02-01T00:00:00Z");
  private static final OrderChangeCodec CODEC = new OrderChangeCodec();

  /** What one party owns; every string here is the other party's secret. */
  record Party(
      String name,
      String line,
      String token,
      String keyId,
      String template,
      String webhookSubscription,
      String streamSubscription,
      String hookPath,
      Set<String> orderIds,
      List<String> deliveryIds,
      String cursor) {}

  /** One HTTP exchange over a socket; status 0 when the server answered nothing. */
  record Exchange(int status, Map<String, List<String>> headers, byte[] body, boolean stream) {
    Optional<String> header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  final String lineA = "fza" + suffix;
  final String lineB = "fzb" + suffix;
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final HttpServer receiver;
  final ApiKeys keys;
  final Gateway gateway;
  final String admin;
  final String adminTemplate;
  final String adminSubscription;
  final Party a;
  final Party b;

  GatewayFuzzFixture() throws Exception {
    try {
      receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      receiver.createContext(
          "/",
          exchange -> {
            exchange.getRequestBody().readAllBytes();
            // B's hook always fails, so B's deliveries end as dead letters
            int status = exchange.getRequestURI().getPath().startsWith("/fail") ? 500 : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
          });
      receiver.start();
      resources.push(() -> receiver.stop(0));

      MariaDbServer mariaDb = TestServers.mariaDb114();
      GatewayDatabase database = GatewayTests.gatewayDatabase(mariaDb, "gw_fuzz_" + suffix);
      resources.push(database);
      OrderStore store =
          OrderStore.open(
              OrderStoreConfig.builder(
                      List.of(GatewayTests.freshDatabase(mariaDb, "gw_fuzz_store_" + suffix)),
                      mariaDb.adminUser())
                  .password(mariaDb.adminPassword())
                  .poolSize(4)
                  .build());
      resources.push(store);
      OrderIndex index =
          OrderIndex.open(
              OrderIndexConfig.builder(TestServers.openSearch().httpUri())
                  .indexPrefix("fuzz-" + suffix)
                  .build());
      resources.push(index);
      OrderCache cache =
          OrderCache.connect(
              OrderCacheConfig.builder(TestServers.redis().uri())
                  .keyPrefix("fuzz-" + suffix + ":")
                  .invalidationChannel("fuzz-" + suffix + ":invalidate")
                  .build());
      resources.push(cache);

      var historyA = OrderHistories.generate(lineA, 60, START, 11);
      var historyB = OrderHistories.generate(lineB, 60, START.plusMillis(500), 12);
      for (var history : List.of(historyA, historyB)) {
        List<OrderWrite> writes = history.writes();
        store.apply(writes);
        index.apply(writes);
        cache.apply(writes);
      }
      index.refresh();

      var generous =
          new OrderLevels.LevelConfig(Duration.ofSeconds(5), 50, 20, Duration.ofSeconds(5), 512, 0);
      OrderLevels levels =
          OrderLevels.builder()
              .lookupLevel(SearchLevel.CACHE, cache, generous)
              .searchLevel(SearchLevel.INDEX, index, generous)
              .searchLevel(SearchLevel.STORE, store, generous)
              .build();
      resources.push(levels);

      keys =
          new ApiKeys(database, Clock.systemUTC(), Duration.ofMillis(200), Ticker.systemTicker());
      Templates templates =
          new Templates(
              database,
              MaskingPolicy.defaults(),
              Clock.systemUTC(),
              Templates.Config.defaults(),
              Ticker.systemTicker());
      String topicPattern = "hamal\\.orders\\.fz[ab]" + suffix;
      createTopics(List.of("hamal.orders." + lineA, "hamal.orders." + lineB));
      Subscriptions subscriptions =
          new Subscriptions(
              database,
              keys,
              templates,
              SubscriptionsConfig.builder(TestServers.kafka().bootstrapServers())
                  .topicPattern(topicPattern)
                  .webhookTimeout(Duration.ofSeconds(2))
                  .retry(
                      new DeliveryRetryPolicy(Duration.ofMillis(10), 2.0, Duration.ofMillis(40), 2))
                  .allowPrivateTargets(true)
                  .refreshInterval(Duration.ofMillis(300))
                  .streamKeepAlive(Duration.ofMillis(200))
                  .maxSubscriptionsPerKey(6)
                  .build(),
              Clock.systemUTC());
      resources.push(subscriptions);
      subscriptions.start();
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      gateway =
          Gateway.builder(
                  new Gateway.ServerConfig("127.0.0.1", 0, 256, 1_000_000, Duration.ofSeconds(1)),
                  keys)
              .service(
                  "/orders",
                  new OrderService(
                      levels, templates, new Cursors(secret), Set.of(lineA, lineB), store))
              .service("/templates", new TemplateService(templates))
              .service("/admin/keys", new KeyService(keys))
              .service("/admin", new AdminService(new RecordedOperations(List.of("pipe-a"))))
              .service("/analytics", new AnalyticsService(index))
              .service("/subscriptions", subscriptions.service())
              .readiness("database", database::isReachable)
              .start();
      resources.push(gateway);

      admin = keys.create("fuzz-admin", KeyScopes.administrator(), Optional.empty()).token();
      adminTemplate = "fzadm" + suffix + "-t";
      createTemplate(adminTemplate);
      adminSubscription = subscribe(admin, "*", Optional.empty(), "{\"type\":\"sse\"}");
      Party partyA = party("a", lineA, historyA, "/ok-a-" + suffix);
      Party partyB = party("b", lineB, historyB, "/fail-b-" + suffix);
      publish(historyA.changes().subList(0, 40));
      publish(historyB.changes().subList(0, 40));
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() ->
              !deliveryIds(partyA, "deliveries").isEmpty()
                  && deliveryIds(partyB, "dead-letters").size() >= 3);
      a = withDeliveries(partyA, "deliveries");
      b = withDeliveries(partyB, "dead-letters");
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  private Party party(String name, String line, OrderHistories history, String hookPath)
      throws Exception {
    String template = "fz" + name + suffix + "-t";
    createTemplate(template);
    var scopes =
        new KeyScopes(Set.of(line), Set.of(template), Optional.empty(), false, true, false, 0);
    String token = keys.create("fuzz-" + name, scopes, Optional.empty()).token();
    String webhook =
        subscribe(
            token,
            line,
            Optional.of(template),
            "{\"type\":\"webhook\",\"url\":\"http://127.0.0.1:"
                + receiver.getAddress().getPort()
                + hookPath
                + "\",\"secret\":\"fuzz-secret-"
                + name
                + "-0123456789\"}");
    String stream = subscribe(token, line, Optional.empty(), "{\"type\":\"sse\"}");
    Set<String> ids = new LinkedHashSet<>(history.finalStates().keySet());
    var page = call(token, "GET", "/v1/orders?limit=3");
    if (page.status() != 200) {
      throw new IllegalStateException("search as " + name + ": " + page.text());
    }
    String cursor = Json.MAPPER.readTree(page.body()).get("nextCursor").asText();
    return new Party(
        name,
        line,
        token,
        token.substring(6, 22),
        template,
        webhook,
        stream,
        hookPath,
        ids,
        List.of(),
        cursor);
  }

  private Party withDeliveries(Party p, String list) {
    return new Party(
        p.name(),
        p.line(),
        p.token(),
        p.keyId(),
        p.template(),
        p.webhookSubscription(),
        p.streamSubscription(),
        p.hookPath(),
        p.orderIds(),
        deliveryIds(p, list),
        p.cursor());
  }

  private List<String> deliveryIds(Party p, String list) {
    var reply = call(p.token(), "GET", "/v1/subscriptions/" + p.webhookSubscription() + "/" + list);
    if (reply.status() != 200) {
      throw new IllegalStateException(list + " of " + p.name() + ": " + reply.text());
    }
    List<String> ids = new ArrayList<>();
    try {
      JsonNode body = Json.MAPPER.readTree(reply.body());
      body.get(list.equals("deliveries") ? "deliveries" : "deadLetters")
          .forEach(d -> ids.add(d.get("deliveryId").asText()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(new LinkedHashSet<>(ids));
  }

  private void createTemplate(String name) {
    var reply =
        call(
            admin,
            "POST",
            "/v1/templates/" + name,
            "{\"description\":\"fuzz "
                + name
                + "\",\"fields\":{\"id\":\"orderId\","
                + "\"line\":\"businessLine\",\"total\":\"amounts.total\"}}");
    if (reply.status() != 201) {
      throw new IllegalStateException("template " + name + ": " + reply.text());
    }
  }

  private String subscribe(
      String token, String line, Optional<String> template, String destination) {
    String body =
        "{\"name\":\"fuzz\",\"filter\":{\"businessLines\":[\""
            + line
            + "\"]},"
            + template.map(t -> "\"template\":\"" + t + "\",").orElse("")
            + "\"destination\":"
            + destination
            + "}";
    var reply = call(token, "POST", "/v1/subscriptions", body);
    if (reply.status() != 201) {
      throw new IllegalStateException("subscription: " + reply.text());
    }
    try {
      return Json.MAPPER.readTree(reply.body()).get("id").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void createTopics(List<String> names) throws Exception {
    String bootstrap = TestServers.kafka().bootstrapServers();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(names.stream().map(n -> new NewTopic(n, 3, (short) 1)).toList())
          .all()
          .get();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() ->
              admin.describeTopics(names).allTopicNames().get().values().stream()
                  .allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null)));
    }
  }

  private static void publish(List<OrderChange> changes) throws Exception {
    try (var producer =
        new KafkaProducer<byte[], byte[]>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestServers.kafka().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class))) {
      List<Future<?>> sent = new ArrayList<>();
      for (OrderChange change : changes) {
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    "hamal.orders." + change.businessLine(),
                    change.orderId().getBytes(StandardCharsets.UTF_8),
                    CODEC.encode(change))));
      }
      for (Future<?> ack : sent) {
        ack.get();
      }
    }
  }

  /** A well-formed call with a JSON body. */
  Exchange call(String token, String method, String target, String body) {
    return raw(
        request(
            method,
            target,
            Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"),
            body.getBytes(StandardCharsets.UTF_8)),
        method.equals("HEAD"));
  }

  /** A well-formed call without a body. */
  Exchange call(String token, String method, String target) {
    return raw(
        request(method, target, Map.of("Authorization", "Bearer " + token), null),
        method.equals("HEAD"));
  }

  /** The bytes of an HTTP/1.1 request (Host, Connection: close and Content-Length added). */
  static byte[] request(String method, String target, Map<String, String> headers, byte[] body) {
    var out = new ByteArrayOutputStream();
    out.writeBytes((method + " " + target + " HTTP/1.1\r\n").getBytes(StandardCharsets.UTF_8));
    Map<String, String> all = new LinkedHashMap<>();
    all.put("Host", "127.0.0.1");
    all.put("Connection", "close");
    all.putAll(headers);
    if (body != null) {
      all.put("Content-Length", Integer.toString(body.length));
    }
    all.forEach((name, value) ->
        out.writeBytes((name + ": " + value + "\r\n").getBytes(StandardCharsets.UTF_8)));
    out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    if (body != null) {
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  /**
   * Sends {@code request} on a new connection and reads the answer; an event stream's body is not
   * read (the connection is closed after its headers).
   */
  Exchange raw(byte[] request, boolean head) {
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      // written on its own thread: the server may answer (and stop reading) before the body ends
      Thread writer =
          Thread.ofVirtual()
              .start(() -> {
                try {
                  out.write(request);
                  out.flush();
                } catch (IOException e) {
                  // the server closed early; its answer, if any, is read below
                }
              });
      InputStream in = new BufferedInputStream(socket.getInputStream());
      Exchange exchange = read(in, head);
      writer.join(10_000);
      return exchange;
    } catch (IOException e) {
      return new Exchange(0, Map.of(), e.toString().getBytes(StandardCharsets.UTF_8), false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Exchange read(InputStream in, boolean head) throws IOException {
    String statusLine = line(in);
    if (statusLine == null) {
      return new Exchange(0, Map.of(), new byte[0], false);
    }
    String[] parts = statusLine.split(" ", 3);
    int status = Integer.parseInt(parts[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      headers
          .computeIfAbsent(
              line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(line.substring(colon + 1).trim());
    }
    String type = headers.getOrDefault("content-type", List.of("")).get(0);
    if (type.startsWith("text/event-stream")) {
      return new Exchange(status, headers, new byte[0], true);
    }
    if (head || status == 204 || status == 304) {
      return new Exchange(status, headers, new byte[0], false);
    }
    String encoding = headers.getOrDefault("transfer-encoding", List.of("")).get(0);
    byte[] body;
    if (encoding.equalsIgnoreCase("chunked")) {
      var bytes = new ByteArrayOutputStream();
      for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
          size > 0;
          size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
        bytes.writeBytes(in.readNBytes(size));
        line(in);
      }
      body = bytes.toByteArray();
    } else if (headers.containsKey("content-length")) {
      body = in.readNBytes(Integer.parseInt(headers.get("content-length").get(0)));
    } else {
      body = in.readAllBytes();
    }
    return new Exchange(status, headers, body, false);
  }

  private static String line(InputStream in) throws IOException {
    var bytes = new ByteArrayOutputStream();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
      }
      if (c != '\r') {
        bytes.write(c);
      }
    }
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }
}
