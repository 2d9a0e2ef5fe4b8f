package dev.hamal.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.hamal.order.OrderSinkUnavailableException;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP server: Helidon SE on virtual threads, one per request, with an explicit cap
 * on concurrent requests; everything under {@code /v1/} requires an API key and is rate-limited per
 * key.
 *
 * <p>Request path: the authentication filter reads {@code Authorization: Bearer <key>} (or {@code
 * X-Api-Key}), checks it against {@link ApiKeys} (cached), takes a permit from the key's rate
 * limiter and puts the {@link Caller} into the request context; then the route runs. Public paths
 * ({@code /health}, {@code /ready}, {@code /openapi.yaml}, the web console under {@code /console/}
 * and the services registered with {@link Builder#publicService}) skip the filter.
 *
 * <p>Errors: an {@link ApiProblem} is rendered as a problem document with its 4xx status; a store
 * or database that cannot answer gives 503; anything else is a bug and gives a 500 whose body holds
 * only an error id (the stack trace goes to the log under that id, never to the caller).
 *
 * <p>Rate limits are per gateway instance (a token bucket per key, refilled every second); with N
 * instances behind a balancer a key gets up to N times its limit. Stateless otherwise: any number
 * of instances may serve the same database.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  /**
   * The server's settings.
   *
   * @param host the address to listen on
   * @param port the port, 0 for any free one
   * @param maxConcurrentRequests requests handled at once; more wait in the accept queue (1 to
   *     100,000)
   * @param defaultRatePerSecond requests per second per key when its scopes set none
   * @param shutdownGrace how long stopping waits for requests in flight
   * @param console whether the web console is served at {@code /console/} (and {@code /} redirects
   *     there)
   */
  public record ServerConfig(
      String host,
      int port,
      int maxConcurrentRequests,
      int defaultRatePerSecond,
      Duration shutdownGrace,
      boolean console) {
    /** Checks the values; messages name the setting. */
    public ServerConfig {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(shutdownGrace, "shutdownGrace");
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("server.port must be 0 to 65535, was " + port);
      }
      if (maxConcurrentRequests < 1 || maxConcurrentRequests > 100_000) {
        throw new IllegalArgumentException(
            "server.max-concurrent-requests must be 1 to 100000, was " + maxConcurrentRequests);
      }
      if (defaultRatePerSecond < 1 || defaultRatePerSecond > 1_000_000) {
        throw new IllegalArgumentException(
            "server.default-rate-limit must be 1 to 1000000, was " + defaultRatePerSecond);
      }
    }

    /** These settings with the console on. */
    public ServerConfig(
        String host,
        int port,
        int maxConcurrentRequests,
        int defaultRatePerSecond,
        Duration shutdownGrace) {
      this(host, port, maxConcurrentRequests, defaultRatePerSecond, shutdownGrace, true);
    }

    /**
     * Defaults: all interfaces, port 8080, 2,048 concurrent requests, 1,000 req/s per key, the
     * console on.
     */
    public static ServerConfig defaults() {
      return new ServerConfig("0.0.0.0", 8080, 2_048, 1_000, Duration.ofSeconds(10), true);
    }

    /** These settings on another port. */
    public ServerConfig withPort(int newPort) {
      return new ServerConfig(
          host, newPort, maxConcurrentRequests, defaultRatePerSecond, shutdownGrace, console);
    }

    /** These settings with the console on or off. */
    public ServerConfig withConsole(boolean on) {
      return new ServerConfig(
          host, port, maxConcurrentRequests, defaultRatePerSecond, shutdownGrace, on);
    }
  }

  /** Assembles a gateway from its parts. */
  public static final class Builder {
    private final ServerConfig config;
    private final ApiKeys keys;
    private final List<Map.Entry<String, HttpService>> services = new ArrayList<>();
    private final List<Map.Entry<String, HttpService>> publicServices = new ArrayList<>();
    private final Map<String, Supplier<Boolean>> readiness = new LinkedHashMap<>();
    private Set<String> businessLines = Set.of();

    private Builder(ServerConfig config, ApiKeys keys) {
      this.config = Objects.requireNonNull(config, "config");
      this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** Serves {@code service} under {@code path} (below {@code /v1}) to authenticated callers. */
    public Builder service(String path, HttpService service) {
      services.add(Map.entry("/v1" + path, service));
      return this;
    }

    /** Serves {@code service} under {@code path} without authentication (console, documents). */
    public Builder publicService(String path, HttpService service) {
      publicServices.add(Map.entry(path, service));
      return this;
    }

    /**
     * The business lines this gateway serves, for {@code /v1/me} (which tells a key with {@code
     * ["*"]} the lines it may read); none by default.
     */
    public Builder businessLines(Set<String> lines) {
      this.businessLines = Set.copyOf(lines);
      return this;
    }

    /** A dependency reported by {@code /ready}; the gateway is ready when all report true. */
    public Builder readiness(String name, Supplier<Boolean> check) {
      readiness.put(name, check);
      return this;
    }

    /** Starts the server. */
    public Gateway start() {
      return new Gateway(this);
    }

    /**
     * Registers every route of the gateway on {@code rules}: its own paths, the services, and the
     * catch-all that answers 404 for an unknown path under {@code /v1}. The console ({@code
     * /console/}, and {@code /} redirecting there, unless {@link ServerConfig#console} is off) and
     * {@code /v1/me} are the gateway's own. The server's routing gets them from here, and so does
     * the test that holds the OpenAPI document to them.
     */
    void routes(HttpRules rules) {
      Map<String, Supplier<Boolean>> ready = Map.copyOf(readiness);
      rules.get("/health", (req, res) -> Json.ok(res, Json.object().put("status", "UP")));
      rules.get("/ready", (req, res) -> ready(ready, res));
      rules.get(
          "/openapi.yaml",
          (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/yaml");
            res.send(OpenApiDocument.bytes());
          });
      if (config.console()) {
        rules.get("/", ConsoleService::redirectToConsole);
        rules.register("/console", new ConsoleService());
      }
      for (var entry : publicServices) {
        rules.register(entry.getKey(), entry.getValue());
      }
      rules.register("/v1/me", new MeService(businessLines));
      for (var entry : services) {
        rules.register(entry.getKey(), entry.getValue());
      }
      rules.any(
          "/v1/*",
          (req, res) -> {
            throw ApiProblem.notFound(
                "no such endpoint: " + req.prologue().method().text() + " " + req.path().path());
          });
    }
  }

  private final WebServer server;
  private final ApiKeys keys;
  private final ServerConfig config;
  private final LoadingCache<LimiterKey, RateLimiter> limiters;

  /** A key's limiter is keyed by its rate too, so a changed limit takes effect at once. */
  private record LimiterKey(String keyId, int ratePerSecond) {}

  /** A builder for a gateway with these settings, checking keys against {@code keys}. */
  public static Builder builder(ServerConfig config, ApiKeys keys) {
    return new Builder(config, keys);
  }

  private Gateway(Builder builder) {
    this.keys = builder.keys;
    this.config = builder.config;
    this.limiters =
        Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(10))
            .build(Gateway::limiterFor);
    HttpRouting.Builder routing = HttpRouting.builder();
    routing.addFilter(this::authenticate);
    routing.error(ApiProblem.class, Gateway::problem);
    routing.error(OrderSinkUnavailableException.class, Gateway::unavailable);
    routing.error(GatewayDatabaseException.class, Gateway::unavailable);
    routing.error(HttpException.class, Gateway::httpException);
    routing.error(Exception.class, Gateway::failure);
    builder.routes(routing);
    this.server =
        WebServer.builder()
            .host(config.host())
            .port(config.port())
            .maxConcurrentRequests(config.maxConcurrentRequests())
            .maxPayloadSize(Json.MAX_BODY_BYTES)
            .directHandlers(Gateway::directHandlers)
            .shutdownGracePeriod(config.shutdownGrace())
            .shutdownHook(false)
            .routing(routing)
            .build()
            .start();
    log.info("gateway listening on {}:{}", config.host(), server.port());
  }

  /** The port the server listens on. */
  public int port() {
    return server.port();
  }

  private static RateLimiter limiterFor(LimiterKey key) {
    return RateLimiter.of(
        "key-" + key.keyId(),
        RateLimiterConfig.custom()
            .limitForPeriod(key.ratePerSecond())
            .limitRefreshPeriod(Duration.ofSeconds(1))
            .timeoutDuration(Duration.ZERO)
            .build());
  }

  private void authenticate(FilterChain chain, RoutingRequest request, RoutingResponse response) {
    String path = request.path().path();
    if (!path.startsWith("/v1/") && !path.equals("/v1")) {
      chain.proceed();
      return;
    }
    Optional<String> token = token(request);
    Optional<Caller> caller;
    try {
      caller = token.flatMap(keys::authenticate);
    } catch (GatewayDatabaseException e) {
      log.warn("cannot check an API key: {}", e.getMessage());
      sendProblem(response, ApiProblem.unavailable("API keys cannot be checked right now"));
      return;
    }
    if (caller.isEmpty()) {
      response.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"hamal\"");
      sendProblem(response, ApiProblem.unauthorized());
      return;
    }
    int rate = caller.get().scopes().ratePerSecond();
    RateLimiter limiter =
        limiters.get(
            new LimiterKey(caller.get().keyId(), rate > 0 ? rate : config.defaultRatePerSecond()));
    if (!limiter.acquirePermission()) {
      response.header(HeaderNames.RETRY_AFTER, "1");
      sendProblem(
          response,
          ApiProblem.tooManyRequests(
              "rate limit of "
                  + limiter.getRateLimiterConfig().getLimitForPeriod()
                  + " requests per second exceeded for this key"));
      return;
    }
    request.context().register(caller.get());
    chain.proceed();
  }

  private static Optional<String> token(RoutingRequest request) {
    var headers = request.headers();
    Optional<String> authorization =
        headers
            .first(HeaderNames.AUTHORIZATION)
            .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
            .map(v -> v.substring(7).trim());
    if (authorization.isPresent()) {
      return authorization;
    }
    return headers.first(HeaderNames.create("X-Api-Key")).map(String::trim);
  }

  private static void ready(Map<String, Supplier<Boolean>> checks, ServerResponse response) {
    ObjectNode body = Json.object();
    ObjectNode parts = body.putObject("checks");
    boolean all = true;
    for (var check : checks.entrySet()) {
      boolean up;
      try {
        up = check.getValue().get();
      } catch (RuntimeException e) {
        up = false;
      }
      parts.put(check.getKey(), up ? "UP" : "DOWN");
      all &= up;
    }
    body.put("status", all ? "UP" : "DOWN");
    Json.send(response, all ? 200 : 503, body);
  }

  private static void problem(ServerRequest request, ServerResponse response, ApiProblem problem) {
    sendProblem(response, problem);
  }

  static void sendProblem(ServerResponse response, ApiProblem problem) {
    ObjectNode body = Json.object();
    body.put("type", "/problems/" + problem.type());
    body.put("title", title(problem.status()));
    body.put("status", problem.status());
    body.put("detail", problem.getMessage());
    if (!problem.errors().isEmpty()) {
      ArrayNode errors = body.putArray("errors");
      for (var error : problem.errors()) {
        errors.addObject().put("pointer", error.pointer()).put("message", error.message());
      }
    }
    byte[] bytes;
    try {
      bytes = Json.MAPPER.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    response.status(problem.status());
    response.header(HeaderNames.CONTENT_TYPE, "application/problem+json");
    response.send(bytes);
  }

  private static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Content";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 503 -> "Service Unavailable";
      default -> "Error";
    };
  }

  private static void unavailable(ServerRequest request, ServerResponse response, Exception e) {
    log.warn(
        "{} {}: unavailable: {}",
        request.prologue().method().text(),
        loggable(request.path().path()),
        e.toString());
    sendProblem(
        response, ApiProblem.unavailable("a store the answer needs is unavailable; retry later"));
  }

  /**
   * Helidon's own refusals raised while routing (no route for the path and method, a content type
   * that cannot be parsed, a query that cannot be decoded): a 4xx is the caller's input and becomes
   * a problem document with that status; anything else is a failure.
   */
  private static void httpException(
      ServerRequest request, ServerResponse response, HttpException e) {
    int status = e.status().code();
    if (status < 400 || status > 499) {
      failure(request, response, e);
      return;
    }
    String detail =
        switch (status) {
          case 404 ->
              "no such endpoint: "
                  + request.prologue().method().text()
                  + " "
                  + QueryParameters.abbreviate(request.path().path());
          case 405 -> "this method is not allowed here";
          default -> "the request is malformed: " + title(status).toLowerCase(Locale.ROOT);
        };
    sendProblem(response, ApiProblem.of(status, detail));
  }

  /**
   * Refusals the server sends before any route runs (a request line or header it cannot parse, a
   * URI or headers too long, a declared body over the limit) as problem documents, like every other
   * refusal. The detail is fixed per status: the server's own message may quote the input or name
   * its internals.
   */
  private static void directHandlers(DirectHandlers.Builder handlers) {
    DirectHandler handler =
        (request, event, status, headers, message) -> {
          int code = status.code();
          ObjectNode body = Json.object();
          body.put(
              "type", code >= 500 ? "/problems/internal" : "/problems/" + ApiProblem.slug(code));
          body.put("title", code >= 500 ? "Internal Server Error" : title(code));
          body.put("status", code);
          body.put(
              "detail",
              code >= 500
                  ? "the gateway failed to read the request"
                  : "the request was refused before it reached an endpoint: "
                      + status.reasonPhrase());
          byte[] bytes;
          try {
            bytes = Json.MAPPER.writeValueAsBytes(body);
          } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
          }
          return DirectHandler.TransportResponse.builder()
              .status(status)
              .headers(headers)
              .header(HeaderNames.CONTENT_TYPE, "application/problem+json")
              .entity(bytes)
              .build();
        };
    for (DirectHandler.EventType event : DirectHandler.EventType.values()) {
      handlers.addHandler(event, handler);
    }
  }

  private static void failure(ServerRequest request, ServerResponse response, Exception e) {
    String id = UUID.randomUUID().toString();
    log.error(
        "{} {} failed (error id {})",
        request.prologue().method().text(),
        loggable(request.path().path()),
        id,
        e);
    ObjectNode body = Json.object();
    body.put("type", "/problems/internal");
    body.put("title", "Internal Server Error");
    body.put("status", 500);
    body.put("detail", "the gateway failed; quote error id " + id);
    Json.send(response, 500, body);
  }

  /**
   * A decoded request path as one log line: control characters (a {@code %0d%0a} in the path)
   * escaped, so a caller cannot forge log entries; long paths cut.
   */
  static String loggable(String path) {
    StringBuilder out = new StringBuilder(Math.min(path.length(), 300));
    for (int i = 0; i < path.length() && i < 300; i++) {
      char c = path.charAt(i);
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return path.length() > 300 ? out + "..." : out.toString();
  }

  /** Stops accepting requests and waits up to the grace period for those in flight. */
  @Override
  public void close() {
    server.stop();
  }
}
