package dev.hamal.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The HTTP endpoint of the listener and the processor, on the JDK's {@link HttpServer}: {@code GET
 * /metrics} (Prometheus text format, 0.0.4), {@code GET /health} (liveness: 200 {@code UP} while
 * the process can still do its work, 503 {@code DOWN} when only a restart helps, e.g. a processor
 * whose consumer thread died) and {@code GET /ready} (readiness: 200 when every {@link Readiness}
 * check is up, 503 otherwise, with a JSON body naming each check and why a check is down, in the
 * gateway's shape). Anything else is 404; a method other than GET or HEAD is 405.
 *
 * <p>Threads: two daemon threads {@code hamal-metrics-N} and a queue of 16 exchanges; when both are
 * full the server rejects the exchange (the JDK closes its connection) rather than queue scrapes
 * without bound. A scrape reads the registry's meters, which are thread-safe.
 */
final class MetricsEndpoint implements AutoCloseable {
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String JSON = "application/json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final Readiness readiness;

  private MetricsEndpoint(HttpServer server, ThreadPoolExecutor executor, Readiness readiness) {
    this.server = server;
    this.executor = executor;
    this.readiness = readiness;
  }

  /**
   * Binds and starts serving.
   *
   * @param host the address to bind ({@code listener.metrics.host}, {@code processor.metrics.host})
   * @param port the port ({@code <role>.metrics.port}); 0 binds an ephemeral port
   * @param registry what {@code /metrics} shows
   * @param alive what {@code /health} reports
   * @param readiness what {@code /ready} reports
   * @throws IOException when the address cannot be bound (e.g. the port is in use)
   */
  static MetricsEndpoint start(
      String host,
      int port,
      PrometheusMeterRegistry registry,
      BooleanSupplier alive,
      Readiness readiness)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            2,
            2,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(16),
            r -> {
              Thread t = new Thread(r, "hamal-metrics-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    server.setExecutor(executor);
    server.createContext(
        "/metrics", exchange -> respond(exchange, 200, PROMETHEUS_TEXT, registry.scrape()));
    server.createContext(
        "/health",
        exchange -> {
          boolean up = alive.getAsBoolean();
          respond(exchange, up ? 200 : 503, "text/plain; charset=utf-8", up ? "UP\n" : "DOWN\n");
        });
    server.createContext(
        "/ready",
        exchange -> {
          Readiness.Report report = readiness.check();
          respond(exchange, report.ready() ? 200 : 503, JSON, json(report));
        });
    server.createContext(
        "/", exchange -> respond(exchange, 404, "text/plain; charset=utf-8", "not found\n"));
    server.start();
    return new MetricsEndpoint(server, executor, readiness);
  }

  /** {@code {"status":"UP","checks":{"zookeeper":"UP"},"reasons":{}}}. */
  private static String json(Readiness.Report report) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("status", report.ready() ? "UP" : "DOWN");
    ObjectNode checks = body.putObject("checks");
    report.checks().forEach(checks::put);
    ObjectNode reasons = body.putObject("reasons");
    report.reasons().forEach(reasons::put);
    return body.toString() + "\n";
  }

  /** The port actually bound. */
  int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      boolean head = method.equals("HEAD");
      if (!head && !method.equals("GET")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if (status != 404 && !path.equals(exchange.getHttpContext().getPath())) {
        status = 404;
        type = "text/plain; charset=utf-8";
        body = "not found\n";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  /** Stops accepting, lets exchanges in progress finish for up to a second. */
  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
    readiness.close();
  }
}
