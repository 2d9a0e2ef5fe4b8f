package dev.hamal.gateway;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChangeCodec;
import dev.hamal.testkit.Sql;
import dev.hamal.testkit.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A fresh gateway database, a unique business line with its topic on the shared broker, API keys,
 * and a gateway serving {@link Subscriptions}; restartable, to play a failed instance.
 */
final class SubscriptionFixture implements AutoCloseable {
  static final OrderChangeCodec CODEC = new OrderChangeCodec();

  /** Renders the plain order document; a named template does not exist. */
  static final RenderPlans PLAIN =
      (caller, ref) -> {
        if (ref.isPresent()) {
          throw ApiProblem.notFound("no template " + ref.get());
        }
        return new RenderPlans.RenderPlan() {
          @Override
          public Optional<String> template() {
            return Optional.empty();
          }

          @Override
          public JsonNode render(ObjectNode orderDocument) {
            return orderDocument;
          }
        };
      };

  final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  final String line = "line" + suffix;
  final String topic = "hamal.orders." + line;
  final String bootstrap = TestServers.kafka().bootstrapServers();
  final GatewayDatabase database;
  final ApiKeys keys;
  final SubscriptionsConfig config;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  Subscriptions subscriptions;
  Gateway gateway;

  SubscriptionFixture(java.util.function.UnaryOperator<SubscriptionsConfig.Builder> settings)
      throws Exception {
    MariaDbServer server = TestServers.mariaDb114();
    String name = "gw_" + suffix;
    Sql.execute(server, "CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    database =
        GatewayDatabase.open(
            new GatewayDatabase.Config(
                server.jdbcUrl(name),
                server.adminUser(),
                server.adminPassword(),
                8,
                Duration.ofSeconds(10)));
    keys = new ApiKeys(database, Clock.systemUTC(), Duration.ofMillis(200), Ticker.systemTicker());
    config =
        settings
            .apply(
                SubscriptionsConfig.builder(bootstrap)
                    .topicPattern("hamal\\.orders\\." + line + "(-.*)?")
                    .refreshInterval(Duration.ofMillis(300)))
            .build();
    createTopic(topic);
    start();
  }

  void start() {
    subscriptions = new Subscriptions(database, keys, PLAIN, config, Clock.systemUTC());
    gateway =
        Gateway.builder(
                new Gateway.ServerConfig("127.0.0.1", 0, 256, 10_000, Duration.ofSeconds(1)), keys)
            .service("/subscriptions", subscriptions.service())
            .start();
    subscriptions.start();
  }

  /** Stops the instance as a failing one would stop delivering: batches in hand uncommitted. */
  void stop() {
    subscriptions.close();
    gateway.close();
  }

  String key(boolean admin, String... lines) {
    var scopes = new KeyScopes(Set.of(lines), Set.of("*"), Optional.empty(), false, true, admin, 0);
    return keys.create("key-" + UUID.randomUUID(), scopes, Optional.empty()).token();
  }

  static String keyId(String token) {
    return token.substring(6, 22);
  }

  void createTopic(String name) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(name, 3, (short) 1))).all().get();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() ->
              admin
                  .describeTopics(List.of(name))
                  .allTopicNames()
                  .get()
                  .get(name)
                  .partitions()
                  .stream()
                  .allMatch(p -> p.leader() != null));
    }
  }

  void publish(List<OrderChange> changes) throws Exception {
    try (var producer =
        new KafkaProducer<byte[], byte[]>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
      List<Future<?>> sent = new ArrayList<>();
      for (OrderChange change : changes) {
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    topic,
                    change.orderId().getBytes(StandardCharsets.UTF_8),
                    CODEC.encode(change))));
      }
      for (Future<?> ack : sent) {
        ack.get();
      }
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.port() + "/v1/subscriptions" + path);
  }

  /** The status and JSON body of a call. */
  record Answer(int status, JsonNode body) {}

  Answer call(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(30));
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json =
        response.body().isEmpty() ? Json.object() : Json.MAPPER.readTree(response.body());
    return new Answer(response.statusCode(), json);
  }

  @Override
  public void close() {
    stop();
    database.close();
  }
}
