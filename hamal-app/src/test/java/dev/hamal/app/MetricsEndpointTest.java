package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The listener's and processor's endpoint: metrics, liveness and readiness over real HTTP. */
class MetricsEndpointTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(int port, String method, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServeMetricsLivenessAndReadinessEachFromItsOwnSource() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Counter.builder("hamal.test.things").register(registry).increment(3);
    AtomicBoolean alive = new AtomicBoolean(true);
    AtomicBoolean storeUp = new AtomicBoolean(true);
    Readiness readiness =
        new Readiness(
            List.of(
                new Readiness.Check("consumers", () -> true),
                new Readiness.Check("store", storeUp::get)),
            Duration.ofSeconds(5));
    try (MetricsEndpoint endpoint =
        MetricsEndpoint.start("127.0.0.1", 0, registry, alive::get, readiness)) {
      int port = endpoint.port();
      HttpResponse<String> metrics = send(port, "GET", "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("hamal_test_things_total 3.0");

      assertThat(send(port, "GET", "/health").body()).isEqualTo("UP\n");
      HttpResponse<String> ready = send(port, "GET", "/ready");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.headers().firstValue("Content-Type")).contains("application/json");
      JsonNode body = new ObjectMapper().readTree(ready.body());
      assertThat(body.get("status").asText()).isEqualTo("UP");
      assertThat(body.get("checks").get("store").asText()).isEqualTo("UP");

      storeUp.set(false);
      HttpResponse<String> notReady = send(port, "GET", "/ready");
      assertThat(notReady.statusCode()).isEqualTo(503);
      JsonNode down = new ObjectMapper().readTree(notReady.body());
      assertThat(down.get("status").asText()).isEqualTo("DOWN");
      assertThat(down.get("checks").get("consumers").asText()).isEqualTo("UP");
      assertThat(down.get("checks").get("store").asText()).isEqualTo("DOWN");
      assertThat(down.get("reasons").get("store").asText()).isEqualTo("not usable");
      assertThat(send(port, "GET", "/health").statusCode())
          .as("not ready is not dead")
          .isEqualTo(200);

      alive.set(false);
      HttpResponse<String> dead = send(port, "GET", "/health");
      assertThat(dead.statusCode()).isEqualTo(503);
      assertThat(dead.body()).isEqualTo("DOWN\n");

      assertThat(send(port, "GET", "/ready/x").statusCode()).isEqualTo(404);
      assertThat(send(port, "GET", "/nothing").statusCode()).isEqualTo(404);
      assertThat(send(port, "POST", "/ready").statusCode()).isEqualTo(405);
      assertThat(send(port, "HEAD", "/health").statusCode()).isEqualTo(503);
    }
  }
}
