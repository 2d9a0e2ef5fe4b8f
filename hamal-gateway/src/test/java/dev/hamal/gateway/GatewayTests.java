package dev.hamal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.testkit.Sql;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** Shared pieces of the gateway's integration tests: fresh databases and an HTTP client. */
final class GatewayTests {
  private GatewayTests() {}

  /** A new, empty database on {@code server}. */
  static String freshDatabase(MariaDbServer server, String name) {
    String database = name + "_" + server.config().serverId();
    Sql.execute(
        server,
        "DROP DATABASE IF EXISTS " + database,
        "CREATE DATABASE " + database + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    return server.jdbcUrl(database);
  }

  /** The gateway database in a fresh database on {@code server}, migrated. */
  static GatewayDatabase gatewayDatabase(MariaDbServer server, String name) {
    return GatewayDatabase.open(
        new GatewayDatabase.Config(
            freshDatabase(server, name),
            server.adminUser(),
            server.adminPassword(),
            4,
            Duration.ofSeconds(5)));
  }

  /** Keys with a short cache, on the system clock. */
  static ApiKeys keys(GatewayDatabase database) {
    return new ApiKeys(database, Clock.systemUTC(), Duration.ofMillis(200), Ticker.systemTicker());
  }

  /** A plan that renders the plain order document (masking is the templates' concern). */
  static RenderPlans plainPlans() {
    RenderPlans.RenderPlan plain =
        new RenderPlans.RenderPlan() {
          @Override
          public Optional<String> template() {
            return Optional.empty();
          }

          @Override
          public JsonNode render(com.fasterxml.jackson.databind.node.ObjectNode document) {
            return document;
          }
        };
    return (caller, ref) -> {
      if (ref.isPresent()) {
        throw ApiProblem.notFound("no template " + ref.get());
      }
      return plain;
    };
  }

  /** A response: status, content type and body parsed as JSON when it is JSON. */
  record Reply(int status, String contentType, String body) {
    JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }
  }

  /** A small client of one gateway. */
  static final class Client {
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    Client(int port) {
      this.base = "http://127.0.0.1:" + port;
    }

    Reply get(String path, Optional<String> key) {
      return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), key);
    }

    Reply send(String method, String path, Optional<String> key, Optional<String> body) {
      var builder =
          HttpRequest.newBuilder(URI.create(base + path))
              .method(
                  method,
                  body.map(HttpRequest.BodyPublishers::ofString)
                      .orElse(HttpRequest.BodyPublishers.noBody()));
      body.ifPresent(b -> builder.header("Content-Type", "application/json"));
      return send(builder, key);
    }

    private Reply send(HttpRequest.Builder builder, Optional<String> key) {
      key.ifPresent(k -> builder.header("Authorization", "Bearer " + k));
      builder.timeout(Duration.ofSeconds(30));
      try {
        HttpResponse<String> response =
            http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(
            response.statusCode(),
            response.headers().firstValue("Content-Type").orElse(""),
            response.body());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
