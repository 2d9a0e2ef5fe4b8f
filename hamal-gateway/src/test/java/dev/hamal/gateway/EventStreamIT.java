package dev.hamal.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hamal.order.OrderChange;
import dev.hamal.testkit.OrderHistories;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Server-sent events against a real broker: resume without gaps or duplicates. */
class EventStreamIT {
  private static final Instant START = Instant.parse("2025-06-18T02:00:00Z");

  record Event(String id, String name, String data) {}

  private SubscriptionFixture fixture;

  @AfterEach
  void tearDown() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private HttpResponse<InputStream> open(String id, String token, String lastEventId, String query)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(fixture.uri("/" + id + "/events" + query))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "text/event-stream");
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    return fixture.http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  /** Reads {@code count} events (skipping comments), then stops reading. */
  private static List<Event> read(BufferedReader reader, int count) throws Exception {
    List<Event> events = new ArrayList<>();
    String id = null;
    String name = null;
    StringBuilder data = new StringBuilder();
    String line;
    while (events.size() < count && (line = reader.readLine()) != null) {
      if (line.isEmpty()) {
        if (id != null) {
          events.add(new Event(id, name, data.toString()));
        }
        id = null;
        name = null;
        data.setLength(0);
      } else if (line.startsWith("id:")) {
        id = line.substring(3).trim();
      } else if (line.startsWith("event:")) {
        name = line.substring(6).trim();
      } else if (line.startsWith("data:")) {
        data.append(line.substring(5).trim());
      }
    }
    return events;
  }

  @Test
  void shouldResumeAfterTheLastEventWithoutGapsOrDuplicates() throws Exception {
    fixture = new SubscriptionFixture(b -> b.streamKeepAlive(Duration.ofMillis(200)));
    String token = fixture.key(false, fixture.line);
    var created =
        fixture.call(
            "POST", "", token, "{\"name\": \"stream\", \"destination\": {\"type\": \"sse\"}}");
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    String id = created.body().get("id").asText();
    List<OrderChange> changes = OrderHistories.generate(fixture.line, 20, START, 3).changes();
    fixture.publish(changes);

    List<Event> got = new ArrayList<>();
    var first = open(id, token, null, "?from=earliest");
    assertThat(first.statusCode()).isEqualTo(200);
    try (var reader =
        new BufferedReader(new InputStreamReader(first.body(), StandardCharsets.UTF_8))) {
      got.addAll(read(reader, 25));
    }
    assertThat(got).hasSize(25);
    // the server notices the closed connection at its next keep-alive and frees the slot
    String last = got.get(got.size() - 1).id();
    var second = open(id, token, last, "");
    assertThat(second.statusCode()).isEqualTo(200);
    try (var reader =
        new BufferedReader(new InputStreamReader(second.body(), StandardCharsets.UTF_8))) {
      got.addAll(read(reader, changes.size() - 25));
    }
    List<String> versions = new ArrayList<>();
    for (Event event : got) {
      assertThat(event.name()).isEqualTo("order-change");
      versions.add(Json.MAPPER.readTree(event.data()).get("version").asText());
    }
    List<String> expected = changes.stream().map(c -> c.version().toString()).toList();
    assertThat(versions).containsExactlyInAnyOrderElementsOf(expected); // no gap, no duplicate
    for (String order : changes.stream().map(OrderChange::orderId).distinct().toList()) {
      List<String> ofOrder = new ArrayList<>();
      for (Event event : got) {
        var json = Json.MAPPER.readTree(event.data());
        if (json.get("orderId").asText().equals(order)) {
          ofOrder.add(json.get("version").asText());
        }
      }
      assertThat(ofOrder).as(order).isSorted();
    }

    // a live stream from the end sees what is published after it opened
    var live = open(id, token, null, "");
    try (var reader =
        new BufferedReader(new InputStreamReader(live.body(), StandardCharsets.UTF_8))) {
      assertThat(reader.readLine()).startsWith(":"); // positioned
      List<OrderChange> more =
          OrderHistories.generate(fixture.line, 2, START, 4).changes().stream()
              .map(c ->
                  new OrderChange(
                      c.businessLine(),
                      c.orderId(),
                      c.operation(),
                      c.before(),
                      c.after(),
                      c.source(),
                      c.commitTime(),
                      new dev.hamal.order.OrderVersion(
                          9, c.version().position(), c.version().rowIndex())))
              .toList();
      fixture.publish(more);
      List<Event> fresh = read(reader, more.size());
      assertThat(fresh)
          .extracting(e -> Json.MAPPER.readTree(e.data()).get("version").asText())
          .containsExactlyInAnyOrderElementsOf(
              more.stream().map(c -> c.version().toString()).toList());
    }
  }

  @Test
  void shouldRefuseAGarbledOrForeignEventId() throws Exception {
    fixture = new SubscriptionFixture(b -> b);
    String token = fixture.key(false, fixture.line);
    String body = "{\"name\": \"stream\", \"destination\": {\"type\": \"sse\"}}";
    String id = fixture.call("POST", "", token, body).body().get("id").asText();
    String other = fixture.call("POST", "", token, body).body().get("id").asText();
    var position =
        EventStreamPosition.of(
            java.util.Map.of(new org.apache.kafka.common.TopicPartition(fixture.topic, 0), 5L));
    String valid = position.encode(id);
    String tampered =
        valid.substring(0, 3) + (valid.charAt(3) == 'A' ? 'B' : 'A') + valid.substring(4);
    for (String bad : List.of("garbage!", tampered, position.encode(other), "AAAA")) {
      var response = open(id, token, bad, "");
      assertThat(response.statusCode()).as(bad).isEqualTo(400);
      response.body().close();
    }
    var query = fixture.call("GET", "/" + id + "/events?from=nope", token, null);
    assertThat(query.status()).isEqualTo(400);
    assertThat(query.body().get("errors").get(0).get("pointer").asText()).isEqualTo("?from");
  }

  @Test
  void shouldRefuseMoreStreamsPerKeyThanAllowed() throws Exception {
    fixture =
        new SubscriptionFixture(b -> b.maxStreamsPerKey(1).streamKeepAlive(Duration.ofMillis(200)));
    String token = fixture.key(false, fixture.line);
    String body = "{\"name\": \"stream\", \"destination\": {\"type\": \"sse\"}}";
    String id = fixture.call("POST", "", token, body).body().get("id").asText();
    var held = open(id, token, null, "");
    try (var reader =
        new BufferedReader(new InputStreamReader(held.body(), StandardCharsets.UTF_8))) {
      assertThat(reader.readLine()).startsWith(":");
      var refused = open(id, token, null, "");
      assertThat(refused.statusCode()).isEqualTo(429);
      refused.body().close();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> {
          var again = open(id, token, null, "");
          again.body().close();
          return again.statusCode() == 200;
        });
  }
}
