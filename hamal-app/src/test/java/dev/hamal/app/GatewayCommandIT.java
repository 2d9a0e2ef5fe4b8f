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
 * servers: the first admin key is made from the command line, the gateway starts from the file with
 * every level and subscriptions, reports ready, serves its OpenAPI document, and answers orders,
 * templates, analytics and keys with that key.
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
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(
        file,
        """
        business-lines: "%s"
        cursor-secret: env:GW_CURSOR_SECRET
        server: {host: 127.0.0.1, port: 0}
        database: {jdbc-url: "%s", user: %s, password: env:GW_DB_PASSWORD}
        store: {shards: "%s", user: %s, password: env:GW_DB_PASSWORD}
        index: {hosts: "%s", index-prefix: gwcmd-%s}
        cache: {redis: "%s", key-prefix: "gwcmd:%s:"}
        subscriptions: {kafka: {bootstrap-servers: "%s"}}
        """
            .formatted(
                Path.of("..", "examples", "business-lines").toAbsolutePath().normalize(),
                db.jdbcUrl(gatewayDb),
                db.adminUser(),
                db.jdbcUrl(storeDb),
                db.adminUser(),
                search.httpUri(),
                suffix,
                redis.uri(),
                suffix,
                TestServers.kafka().bootstrapServers()));
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
      assertThat(get(http, base + "/v1/templates", key).statusCode()).isEqualTo(200);
      assertThat(get(http, base + "/v1/subscriptions", key).statusCode()).isEqualTo(200);
      assertThat(get(http, base + "/v1/admin/keys", key).statusCode()).isEqualTo(200);
      var analytics =
          get(
              http,
              base + "/v1/analytics/orders?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z",
              key);
      assertThat(analytics.statusCode()).as(analytics.body()).isEqualTo(200);
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
