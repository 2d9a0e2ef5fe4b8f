package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.OpenSearchNode;
import dev.hamal.embedded.RedisServer;
import dev.hamal.testkit.Sql;
import dev.hamal.testkit.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hamal gateway keys create} and {@code hamal gateway --config FILE} over the real embedded
 * servers: the first admin key is made from the command line, the gateway starts from a hamal.yaml
 * with every level, subscriptions and operations (ZooKeeper and Kafka from the shared sections; a
 * listener section it does not validate), reports ready, serves its OpenAPI document, and answers
 * orders, templates, analytics and keys with that key.
 */
class GatewayCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void shouldStartFromItsFileAndServeEveryApiWithAKeyMadeOnTheCommandLine() throws Exception {
    MariaDbServer db = TestServers.mariaDb114();
    OpenSearchNode search = TestServers.openSearch();
    RedisServer redis = TestServers.redis();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String gatewayDb = "gwcmd_" + suffix;
    String storeDb = "gwcmd_store_" + suffix;
    Sql.execute(db, "CREATE DATABASE " + gatewayDb, "CREATE DATABASE " + storeDb);
    Path file = dir.resolve("hamal.yaml");
    Files.writeString(
        file,
        """
        business-lines: "%s"
        zookeeper: {connect: "%s", namespace: "gwcmd-%s"}
        kafka: {bootstrap-servers: "%s"}
        store: {shards: "%s", user: %s, password: env:GW_DB_PASSWORD}
        index: {hosts: "%s", index-prefix: gwcmd-%s}
        cache: {redis: "%s", key-prefix: "gwcmd:%s:"}
        listener: {decode-threads: none-of-the-gateways-business}
        gateway:
          cursor-secret: env:GW_CURSOR_SECRET
          server: {host: 127.0.0.1, port: 0}
          database: {jdbc-url: "%s", user: %s, password: env:GW_DB_PASSWORD}
          subscriptions: {}
          operations: {enabled: true}
        """
            .formatted(
                Path.of("..", "examples", "business-lines").toAbsolutePath().normalize(),
                TestServers.zooKeeper().connectString(),
                suffix,
                TestServers.kafka().bootstrapServers(),
                db.jdbcUrl(storeDb),
                db.adminUser(),
                search.httpUri(),
                suffix,
                redis.uri(),
                suffix,
                db.jdbcUrl(gatewayDb),
                db.adminUser()));
    var added =
        InProcessCli.pipe(
            TestServers.zooKeeper().connectString(),
            "gwcmd-" + suffix,
            "add",
            "shop-db",
            "--source",
            "mysql://db1.example.com",
            "--user",
            "repl",
            "--password-env",
            "SHOP_PW",
            "--server-id",
            "6511",
            "--business-line",
            "topup");
    assertThat(added.exit()).as(added.describe()).isZero();
    Map<String, String> env = new HashMap<>();
    env.put("GW_CURSOR_SECRET", "0123456789abcdef0123456789abcdef-" + suffix);
    env.put("GW_DB_PASSWORD", db.adminPassword());

    StringBuilder out = new StringBuilder();
    var cli = Main.commandLine(new GatewayCommand(env));
    var writer = new java.io.StringWriter();
    cli.setOut(new java.io.PrintWriter(writer, true));
    int exit =
        cli.execute(
            "gateway", "keys", "create", "--admin", "--name", "ops", "--config", file.toString());
    out.append(writer);
    assertThat(exit).as(out.toString()).isZero();
    String key = out.toString().strip();
    assertThat(key).startsWith("hamal_");

    Deque<AutoCloseable> resources = new ArrayDeque<>();
    try {
      var gateway = GatewayCommand.start(GatewaySettings.load(file, env), env, resources);
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + gateway.port();
      assertThat(get(http, base + "/ready", null).statusCode()).isEqualTo(200);
      assertThat(get(http, base + "/openapi.yaml", null).body()).contains("/v1/orders");
      assertThat(get(http, base + "/v1/orders", null).statusCode()).isEqualTo(401);
      var orders = get(http, base + "/v1/orders?limit=5", key);
      assertThat(orders.statusCode()).as(orders.body()).isEqualTo(200);
      JsonNode page = JSON.readTree(orders.body());
      assertThat(page.get("level").asText()).isEqualTo("index");
      assertThat(get(http, base + "/v1/orders/none:1", key).statusCode()).isEqualTo(404);
      // the store's change history is wired: an unknown order is a 404, not a 503
      var history = get(http, base + "/v1/orders/none:1/history", key);
      assertThat(history.statusCode()).as(history.body()).isEqualTo(404);
      assertThat(get(http, base + "/v1/templates", key).statusCode()).isEqualTo(200);
      assertThat(get(http, base + "/v1/subscriptions", key).statusCode()).isEqualTo(200);
      assertThat(get(http, base + "/v1/admin/keys", key).statusCode()).isEqualTo(200);
      var analytics =
          get(
              http,
              base + "/v1/analytics/orders?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z",
              key);
      assertThat(analytics.statusCode()).as(analytics.body()).isEqualTo(200);

      var pipes = get(http, base + "/v1/admin/pipes", key);
      assertThat(pipes.statusCode()).as(pipes.body()).isEqualTo(200);
      assertThat(JSON.readTree(pipes.body()).get("pipes").findValuesAsText("name"))
          .containsExactly("shop-db");
      var pause =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/admin/pipes/shop-db/pause"))
                  .header("Authorization", "Bearer " + key)
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(pause.statusCode()).as(pause.body()).isEqualTo(200);
      assertThat(
              JSON.readTree(get(http, base + "/v1/admin/pipes", key).body())
                  .get("pipes")
                  .get(0)
                  .get("state")
                  .asText())
          .isEqualTo("PAUSED");
      assertThat(get(http, base + "/v1/admin/instances", key).statusCode()).isEqualTo(200);
      var letters = get(http, base + "/v1/admin/dead-letters", key);
      assertThat(letters.statusCode()).as(letters.body()).isEqualTo(200);
      assertThat(get(http, base + "/v1/admin/dead-letters/0-999999", key).statusCode())
          .isEqualTo(404);

      var created =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/admin/keys"))
                  .header("Authorization", "Bearer " + key)
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"name\":\"reader\",\"scopes\":{\"businessLines\":[\"topup\"]}}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String reader = JSON.readTree(created.body()).get("key").asText();
      for (String admin :
          new String[] {
            "/v1/admin/pipes", "/v1/admin/instances", "/v1/admin/dead-letters", "/v1/admin/keys"
          }) {
        assertThat(get(http, base + admin, reader).statusCode()).as(admin).isEqualTo(403);
      }
    } finally {
      ProcessorCommand.closeAll(resources);
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url, String key)
      throws Exception {
    var request = HttpRequest.newBuilder(URI.create(url)).GET();
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
