package dev.hamal.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderVersion;
import dev.hamal.testkit.OrderHistories;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Webhook delivery against a real broker, database and HTTP receiver. */
class WebhookDeliveryIT {
  private static final Instant START = Instant.parse("2025-06-18T02:00:00Z");

  /** One request the receiver answered with 2xx. */
  record Received(
      String deliveryId, String eventId, String orderId, String version, boolean signed) {}

  /** A webhook receiver whose answer to the n-th request a function decides (0 = hold). */
  static final class Receiver implements AutoCloseable {
    final HttpServer server;
    final AtomicInteger requests = new AtomicInteger();
    final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch released = new CountDownLatch(1);
    volatile String secret = "";
    volatile IntUnaryOperator answer;

    Receiver(IntUnaryOperator answer) throws IOException {
      this.answer = answer;
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.createContext("/hook", this::handle);
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private void handle(HttpExchange exchange) throws IOException {
      byte[] body = exchange.getRequestBody().readAllBytes();
      int n = requests.incrementAndGet();
      int status = answer.applyAsInt(n);
      try {
        if (status == 0) {
          released.await(2, TimeUnit.SECONDS); // longer than the webhook timeout
          status = 200;
        } else if (status >= 200 && status < 300) {
          var headers = exchange.getRequestHeaders();
          JsonNode json = Json.MAPPER.readTree(body);
          received.add(
              new Received(
                  headers.getFirst("Hamal-Delivery-Id"),
                  headers.getFirst("Hamal-Event-Id"),
                  json.get("orderId").asText(),
                  json.get("version").asText(),
                  WebhookSignature.verify(secret, headers.getFirst("Hamal-Signature"), body)
                      && "application/json".equals(headers.getFirst("Content-Type"))
                      && headers
                          .getFirst("Hamal-Signature")
                          .startsWith("t=" + headers.getFirst("Hamal-Timestamp") + ",")));
        }
        exchange.sendResponseHeaders(status, -1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        exchange.close();
      }
    }

    @Override
    public void close() {
      released.countDown();
      server.stop(0);
    }
  }

  private SubscriptionFixture fixture;
  private Receiver receiver;

  @AfterEach
  void tearDown() {
    if (receiver != null) {
      receiver.close();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  private static List<OrderChange> inFile(List<OrderChange> changes, long file) {
    return changes.stream()
        .map(c ->
            new OrderChange(
                c.businessLine(),
                c.orderId(),
                c.operation(),
                c.before(),
                c.after(),
                c.source(),
                c.commitTime(),
                new OrderVersion(file, c.version().position(), c.version().rowIndex())))
        .toList();
  }

  private String subscribe(String token, String url) throws Exception {
    var created =
        fixture.call(
            "POST",
            "",
            token,
            """
            {"name": "it", "filter": {"businessLines": ["%s"]},
             "destination": {"type": "webhook", "url": "%s"}}\
            """
                .formatted(fixture.line, url));
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    receiver.secret = created.body().get("destination").get("secret").asText();
    return created.body().get("id").asText();
  }

  @Test
  void shouldDeliverEveryChangeSignedAndInOrderThroughFailuresTimeoutsAndARestart()
      throws Exception {
    fixture =
        new SubscriptionFixture(b ->
            b.webhookTimeout(Duration.ofMillis(300))
                .retry(
                    new DeliveryRetryPolicy(Duration.ofMillis(20), 2.0, Duration.ofMillis(200), 12))
                .maxPollRecords(60));
    // 500s first, then requests held past the timeout, then a healthy receiver
    receiver = new Receiver(n -> n <= 25 ? 500 : n <= 35 ? 0 : 200);
    String token = fixture.key(false, fixture.line);
    String id = subscribe(token, receiver.url());
    List<OrderChange> first =
        inFile(OrderHistories.generate(fixture.line, 30, START, 5).changes(), 1);
    List<OrderChange> second =
        inFile(OrderHistories.generate(fixture.line, 30, START, 6).changes(), 2);
    fixture.publish(first);
    await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received.size() >= 40);
    fixture.publish(second);
    fixture.stop(); // mid-stream: the batch in hand is not committed
    int beforeRestart = receiver.received.size();
    fixture.start();

    Set<String> expected = new HashSet<>();
    List<OrderChange> all = new ArrayList<>(first);
    all.addAll(second);
    all.forEach(c -> expected.add(c.businessLine() + "/" + c.version()));
    assertThat(all.size()).isGreaterThan(200);
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> {
          Set<String> got = new HashSet<>();
          synchronized (receiver.received) {
            receiver.received.forEach(r -> got.add(r.eventId()));
          }
          return got.containsAll(expected);
        });

    List<Received> received;
    synchronized (receiver.received) {
      received = List.copyOf(receiver.received);
    }
    assertThat(beforeRestart).isLessThan(all.size());
    assertThat(received).allMatch(Received::signed);
    // per order, first arrivals of each delivery come in publish (version) order
    Map<String, List<String>> versions = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (Received r : received) {
      if (seen.add(r.deliveryId())) {
        versions.computeIfAbsent(r.orderId(), o -> new ArrayList<>()).add(r.version());
      }
    }
    assertThat(versions).hasSize(30);
    versions.forEach((order, list) -> assertThat(list).as(order).isSorted());
    assertThat(seen).hasSize(all.size()); // one delivery id per change, stable across retries

    String listed =
        fixture.call("GET", "/" + id + "/deliveries?limit=500", token, null).body().toString();
    JsonNode log = fixture.call("GET", "/" + id + "/deliveries?limit=500", token, null).body();
    List<JsonNode> attempts = new ArrayList<>();
    log.get("deliveries").forEach(attempts::add);
    assertThat(attempts)
        .as(listed)
        .anyMatch(
            a -> a.get("outcome").asText().equals("FAILED") && a.path("httpStatus").asInt() == 500)
        .anyMatch(a ->
            a.get("outcome").asText().equals("FAILED")
                && a.path("error").asText().contains("timed out"));
    assertThat(
            fixture.call("GET", "/" + id + "/dead-letters", token, null).body().get("deadLetters"))
        .isEmpty();
  }

  @Test
  void shouldDeadLetterAfterTheLastAttemptContinueTheChainAndRedeliverOnRequest() throws Exception {
    fixture =
        new SubscriptionFixture(b ->
            b.webhookTimeout(Duration.ofMillis(500))
                .retry(
                    new DeliveryRetryPolicy(Duration.ofMillis(10), 2.0, Duration.ofMillis(40), 3)));
    AtomicInteger failing = new AtomicInteger(1);
    receiver = new Receiver(n -> failing.get() > 0 && n <= 3 ? 503 : 200);
    String token = fixture.key(false, fixture.line);
    String id = subscribe(token, receiver.url());
    List<OrderChange> changes =
        OrderHistories.generate(fixture.line, 1, START, 9).changes(); // one order's chain
    fixture.publish(changes);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> receiver.received.size() == changes.size() - 1);
    JsonNode dead = fixture.call("GET", "/" + id + "/dead-letters", token, null).body();
    assertThat(dead.get("deadLetters")).hasSize(1);
    String deliveryId = dead.get("deadLetters").get(0).get("deliveryId").asText();
    assertThat(dead.get("deadLetters").get(0).get("attempts").asInt()).isEqualTo(3);
    assertThat(receiver.received.get(0).version())
        .isEqualTo(changes.get(1).version().toString()); // the chain went on without the first

    var redelivered =
        fixture.call("POST", "/" + id + "/deliveries/" + deliveryId + "/redeliver", token, null);
    assertThat(redelivered.status()).as(redelivered.body().toString()).isEqualTo(200);
    assertThat(redelivered.body().get("delivered").asBoolean()).isTrue();
    Received again = receiver.received.get(receiver.received.size() - 1);
    assertThat(again.deliveryId()).isEqualTo(deliveryId);
    assertThat(again.version()).isEqualTo(changes.get(0).version().toString());
    assertThat(again.signed()).isTrue();
    assertThat(
            fixture.call("GET", "/" + id + "/dead-letters", token, null).body().get("deadLetters"))
        .isEmpty();
    JsonNode page = fixture.call("GET", "/" + id + "/deliveries?limit=2", token, null).body();
    assertThat(page.get("deliveries")).hasSize(2);
    long before = page.get("nextBefore").asLong();
    JsonNode next =
        fixture
            .call("GET", "/" + id + "/deliveries?limit=500&before=" + before, token, null)
            .body();
    assertThat(next.get("deliveries")).allMatch(d -> d.get("id").asLong() < before);
    assertThat(next.get("deliveries").size() + 2).isEqualTo(changes.size() - 1 + 3 + 1);
  }

  @Test
  void shouldPauseASubscriptionWhoseOwnerKeyIsRevoked() throws Exception {
    fixture = new SubscriptionFixture(b -> b);
    receiver = new Receiver(n -> 200);
    String token = fixture.key(false, fixture.line);
    String id = subscribe(token, receiver.url());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> fixture.subscriptions.dispatching().contains(id));
    fixture.keys.revoke(SubscriptionFixture.keyId(token));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !fixture.subscriptions.dispatching().contains(id));
    String admin = fixture.key(true, "*");
    JsonNode state = fixture.call("GET", "/" + id, admin, null).body();
    assertThat(state.get("state").asText()).isEqualTo("PAUSED");
    assertThat(state.get("pausedReason").asText()).contains("revoked");
  }
}
