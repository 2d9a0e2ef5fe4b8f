package dev.hamal.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real OpenSearch node in a child JVM: documents, the cjk analyzer, restarts and clean-up. */
class OpenSearchNodeIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static HttpResponse<String> call(
      OpenSearchNode node, String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(node.httpUri().resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json");
    request.method(
        method,
        body.isEmpty()
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldKeepDocumentsAndPortsAcrossRestartWhenGivenADataDir(@TempDir Path dir)
      throws Exception {
    Path dataDir = dir.resolve("node");
    OpenSearchNode node =
        OpenSearchNode.start(OpenSearchNodeConfig.builder().dataDir(dataDir).build());
    try {
      int port = node.port();
      assertThat(node.version()).startsWith("3.");
      assertThat(
              call(
                      node,
                      "PUT",
                      "/orders",
                      "{\"mappings\":{\"properties\":{\"name\":"
                          + "{\"type\":\"text\",\"analyzer\":\"cjk\"},\"price\":{\"type\":\"scaled_float\","
                          + "\"scaling_factor\":100}}}}")
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              call(
                      node,
                      "PUT",
                      "/orders/_doc/1?refresh=true",
                      "{\"name\":\"广东移动话费100元(快充)\",\"price\":100.5}")
                  .statusCode())
          .isEqualTo(201);

      long firstPid = node.pid().orElseThrow();
      node.restart();

      assertThat(node.port()).isEqualTo(port);
      assertThat(ProcessHandle.of(firstPid).filter(ProcessHandle::isAlive)).isEmpty();
      HttpResponse<String> found =
          call(node, "POST", "/orders/_search", "{\"query\":{\"match_phrase\":{\"name\":\"话费\"}}}");
      assertThat(found.statusCode()).isEqualTo(200);
      assertThat(found.body()).contains("\"total\":{\"value\":1");

      node.kill();
      assertThat(node.isRunning()).isFalse();
      assertThatThrownBy(() -> call(node, "GET", "/orders/_doc/1", ""))
          .isInstanceOf(IOException.class);
      node.start();

      assertThat(node.port()).isEqualTo(port);
      assertThat(call(node, "GET", "/orders/_doc/1", "").body()).contains("\"found\":true");
    } finally {
      node.close();
    }
    assertThat(node.isRunning()).isFalse();
    assertThat(dataDir).isDirectory(); // a given data dir is kept
    assertThat(node.logFile()).exists();
    assertThatThrownBy(node::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldDeleteATemporaryDataDirOnClose() {
    OpenSearchNode node = OpenSearchNode.start(OpenSearchNodeConfig.builder().build());
    Path dataDir = node.dataDir();
    assertThat(Files.isDirectory(dataDir)).isTrue();
    URI uri = node.httpUri();
    assertThat(uri.toString()).startsWith("http://127.0.0.1:");
    node.close();
    node.close(); // idempotent
    assertThat(dataDir).doesNotExist();
  }

  @Test
  void shouldReportTheNodeLogWhenTheNodeCannotStart() {
    OpenSearchNodeConfig config =
        OpenSearchNodeConfig.builder()
            .nodeSettings(Map.of("thread_pool.write.size", "-1"))
            .startTimeout(Duration.ofSeconds(60))
            .build();

    assertThatThrownBy(() -> OpenSearchNode.start(config))
        .isInstanceOfSatisfying(
            OpenSearchStartException.class,
            e -> assertThat(e.logTail()).contains("thread_pool.write.size"));
  }
}
