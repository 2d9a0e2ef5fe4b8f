package dev.hamal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web console as a browser meets it, over a real gateway: every file with its content type,
 * security headers and ETag; 304 for a tag the client holds; the precomputed gzip copy only for
 * clients that accept it; redirects to {@code /console/}; 404 problem documents for unknown files
 * and for every attempt to reach something else through the console's path; no key needed for the
 * files while {@code /v1} still needs one; and no console at all when it is turned off.
 */
class ConsoleServiceIT {
  private static GatewayDatabase database;
  private static Gateway gateway;
  private static Gateway withoutConsole;
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  @BeforeAll
  static void start() {
    database =
        GatewayTests.gatewayDatabase(dev.hamal.testkit.TestServers.mariaDb114(), "gw_console");
    ApiKeys keys = GatewayTests.keys(database);
    gateway = Gateway.builder(Gateway.ServerConfig.defaults().withPort(0), keys).start();
    withoutConsole =
        Gateway.builder(Gateway.ServerConfig.defaults().withPort(0).withConsole(false), keys)
            .start();
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (withoutConsole != null) {
      withoutConsole.close();
    }
    if (database != null) {
      database.close();
    }
  }

  private static HttpResponse<byte[]> get(
      Gateway target, String path, Map<String, String> headers) {
    return send(target, "GET", path, headers);
  }

  private static HttpResponse<byte[]> send(
      Gateway target, String method, String path, Map<String, String> headers) {
    var builder =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(30));
    headers.forEach(builder::header);
    try {
      return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse("");
  }

  private static byte[] resource(String file) {
    try (InputStream in = ConsoleService.class.getResourceAsStream("console/" + file)) {
      assertThat(in).as(file).isNotNull();
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertSecurityHeaders(HttpResponse<?> response) {
    assertThat(header(response, "Content-Security-Policy"))
        .isEqualTo(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
                + " connect-src 'self'");
    assertThat(header(response, "X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(header(response, "Referrer-Policy")).isEqualTo("no-referrer");
  }

  private static void assertNotFoundProblem(HttpResponse<byte[]> response, String request) {
    assertThat(response.statusCode()).as(request).isEqualTo(404);
    assertThat(header(response, "Content-Type")).as(request).startsWith("application/problem+json");
    JsonNode problem = json(response.body());
    assertThat(problem.path("status").asInt()).as(request).isEqualTo(404);
    assertThat(problem.path("type").asText()).as(request).isEqualTo("/problems/not-found");
  }

  private static JsonNode json(byte[] body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new AssertionError(
          "not JSON: " + new String(body, java.nio.charset.StandardCharsets.UTF_8), e);
    }
  }

  @Test
  void shouldServeEveryFileWithItsTypeSecurityHeadersAndTagWithoutAKey() {
    Map<String, String> types =
        Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8");
    List<String> tags = new ArrayList<>();
    for (String file : ConsoleService.FILES) {
      var response = get(gateway, "/console/" + file, Map.of());
      assertThat(response.statusCode()).as(file).isEqualTo(200);
      assertThat(response.body()).as(file).isEqualTo(resource(file));
      assertThat(header(response, "Content-Type"))
          .as(file)
          .isEqualTo(types.get(file.substring(file.lastIndexOf('.') + 1)));
      assertThat(header(response, "Content-Encoding")).as(file).isEmpty();
      assertThat(header(response, "Cache-Control")).as(file).isEqualTo("no-cache");
      assertThat(header(response, "Vary")).as(file).isEqualTo("Accept-Encoding");
      assertThat(header(response, "ETag")).as(file).matches("\"[A-Za-z0-9_-]{22}\"");
      assertSecurityHeaders(response);
      tags.add(header(response, "ETag"));
    }
    assertThat(tags).as("a tag per content").doesNotHaveDuplicates();
  }

  @Test
  void shouldServeTheStartPageAtTheConsoleRootAndRedirectThere() {
    var index = get(gateway, "/console/", Map.of());
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).isEqualTo(resource("index.html"));
    assertThat(header(index, "Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertSecurityHeaders(index);

    for (String path : List.of("/", "/console")) {
      var redirect = get(gateway, path, Map.of());
      assertThat(redirect.statusCode()).as(path).isEqualTo(302);
      assertThat(header(redirect, "Location")).as(path).isEqualTo("/console/");
      assertSecurityHeaders(redirect);
    }
  }

  @Test
  void shouldAnswerNotModifiedToAClientHoldingTheCurrentTag() {
    var first = get(gateway, "/console/console.js", Map.of());
    String tag = header(first, "ETag");

    for (String ifNoneMatch : List.of(tag, "W/" + tag, "\"other\", " + tag, "*")) {
      var again = get(gateway, "/console/console.js", Map.of("If-None-Match", ifNoneMatch));
      assertThat(again.statusCode()).as(ifNoneMatch).isEqualTo(304);
      assertThat(again.body()).as(ifNoneMatch).isEmpty();
      assertThat(header(again, "ETag")).isEqualTo(tag);
      assertThat(header(again, "Cache-Control")).isEqualTo("no-cache");
    }
    var changed = get(gateway, "/console/console.js", Map.of("If-None-Match", "\"stale\""));
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(changed.body()).isEqualTo(resource("console.js"));
    var otherFile = get(gateway, "/console/api.js", Map.of("If-None-Match", tag));
    assertThat(otherFile.statusCode()).isEqualTo(200);
  }

  @Test
  void shouldSendThePrecomputedGzipCopyOnlyToClientsThatAcceptIt() throws IOException {
    for (String file : ConsoleService.FILES) {
      var plain = get(gateway, "/console/" + file, Map.of());
      var zipped = get(gateway, "/console/" + file, Map.of("Accept-Encoding", "br, gzip;q=0.8"));
      assertThat(zipped.statusCode()).as(file).isEqualTo(200);
      assertThat(header(zipped, "Content-Encoding")).as(file).isEqualTo("gzip");
      assertThat(header(zipped, "Content-Type")).isEqualTo(header(plain, "Content-Type"));
      assertThat(header(zipped, "ETag"))
          .as("the gzip copy has a tag of its own")
          .isNotEqualTo(header(plain, "ETag"));
      assertThat(zipped.body().length).as(file).isLessThan(plain.body().length);
      try (var in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
        assertThat(in.readAllBytes()).as(file).isEqualTo(resource(file));
      }
      assertSecurityHeaders(zipped);

      var revalidated =
          get(
              gateway,
              "/console/" + file,
              Map.of("Accept-Encoding", "gzip", "If-None-Match", header(zipped, "ETag")));
      assertThat(revalidated.statusCode()).as(file).isEqualTo(304);
    }
    for (String refusing : List.of("gzip;q=0", "identity", "br", "*;q=0, deflate")) {
      var response = get(gateway, "/console/console.css", Map.of("Accept-Encoding", refusing));
      assertThat(header(response, "Content-Encoding")).as(refusing).isEmpty();
      assertThat(response.body()).as(refusing).isEqualTo(resource("console.css"));
    }
  }

  @Test
  void shouldAnswerAnUnknownFileWithANotFoundProblem() {
    for (String path :
        List.of(
            "/console/nothing.js",
            "/console/index.htm",
            "/console/INDEX.HTML",
            "/console/console.js.map",
            "/console/js/console.js",
            "/console/index.html/x",
            "/console/favicon.ico")) {
      var response = get(gateway, path, Map.of());
      assertNotFoundProblem(response, path);
      assertSecurityHeaders(response);
    }
  }

  @Test
  void shouldReachNothingButTheConsoleFilesThroughItsPath() {
    List<String> attempts =
        List.of(
            "/console/..%2Fopenapi.yaml",
            "/console/%2e%2e%2fopenapi.yaml",
            "/console/%2E%2E%2Fopenapi.yaml",
            "/console/..%5copenapi.yaml",
            "/console/%252e%252e%252fopenapi.yaml",
            "/console/%c0%ae%c0%ae%c0%afopenapi.yaml",
            "/console/....//openapi.yaml",
            "/console/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
            "/console/..%2f..%2f..%2f..%2fetc%2fpasswd",
            "/console/%2fetc%2fpasswd",
            "/console/ConsoleService.class",
            "/console/..%2FConsoleService.class",
            "/console/..%2F..%2FGateway.class",
            "/console/index.html%00.js",
            "/console/index.html%2500",
            "/console/%2e",
            "/console/%20index.html");
    for (String path : attempts) {
      var response = get(gateway, path, Map.of());
      assertNotFoundProblem(response, path);
      assertSecurityHeaders(response);
    }
  }

  @Test
  void shouldResolveDotSegmentsBeforeRoutingSoTheyReachOnlyWhatTheirResolvedPathReaches() {
    // RFC 3986 5.2.4: the server removes dot segments first (as browsers do), so these are requests
    // for the resolved path, answered exactly as that path is; none stays inside /console/ and
    // reaches anything but a console file.
    Map<String, String> resolved =
        Map.of(
            "/console/../openapi.yaml", "/openapi.yaml",
            "/console/..;/openapi.yaml", "/openapi.yaml",
            "/console/a/../index.html", "/console/index.html",
            "/console/./index.html", "/console/index.html",
            "/console/../v1/me", "/v1/me");
    resolved.forEach((path, target) -> {
      var attempt = get(gateway, path, Map.of());
      var direct = get(gateway, target, Map.of());
      assertThat(attempt.statusCode()).as(path).isEqualTo(direct.statusCode());
      assertThat(attempt.body()).as(path).isEqualTo(direct.body());
    });
    // more dot segments than the path has: a 404 of the gateway, not a file
    assertNotFoundProblem(get(gateway, "/console/../../../etc/passwd", Map.of()), "above the root");
  }

  @Test
  void shouldRefuseOtherMethodsOnTheConsoleWithAProblem() {
    for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
      var response = send(gateway, method, "/console/index.html", Map.of());
      assertThat(response.statusCode()).as(method).isEqualTo(405);
      assertThat(header(response, "Allow")).as(method).isEqualTo("GET");
      assertThat(header(response, "Content-Type")).startsWith("application/problem+json");
      assertSecurityHeaders(response);
    }
  }

  @Test
  void shouldStillRequireAKeyForTheApi() {
    var me = get(gateway, "/v1/me", Map.of());
    assertThat(me.statusCode()).isEqualTo(401);
    assertThat(header(me, "Content-Type")).startsWith("application/problem+json");
  }

  @Test
  void shouldServeNoConsoleWhenItIsTurnedOff() {
    for (String path : List.of("/", "/console", "/console/", "/console/index.html")) {
      var response = get(withoutConsole, path, Map.of());
      assertNotFoundProblem(response, path);
    }
    assertThat(get(withoutConsole, "/health", Map.of()).statusCode()).isEqualTo(200);
    assertThat(get(withoutConsole, "/v1/me", Map.of()).statusCode()).isEqualTo(401);
  }
}
