package dev.hamal.app;

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
 * The listener's HTTP endpoint, on the JDK's {@link HttpServer}: {@code GET /metrics} (Prometheus
 * text format, 0.0.4) and {@code GET /health} (200 {@code UP} while the ZooKeeper session is
 * connected, 503 {@code DOWN} otherwise, so an orchestrator can restart an instance that lost the
 * cluster for good). Anything else is 404; a method other than GET or HEAD is 405.
 *
 * <p>Threads: two daemon threads {@code hamal-metrics-N} and a queue of 16 exchanges; when both are
 * full the server rejects the exchange (the JDK closes its connection) rather than queue scrapes
 * without bound. A scrape reads the registry's meters, which are thread-safe.
 */
final class MetricsEndpoint implements AutoCloseable {
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ThreadPoolExecutor executor;

  private MetricsEndpoint(HttpServer server, ThreadPoolExecutor executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds and starts serving.
   *
   * @param host the address to bind ({@code metrics.host})
   * @param port the port ({@code metrics.port}); 0 binds an ephemeral port
   * @param registry what {@code /metrics} shows
   * @param healthy what {@code /health} reports
   * @throws IOException when the address cannot be bound (e.g. the port is in use)
   */
  static MetricsEndpoint start(
      String host, int port, PrometheusMeterRegistry registry, BooleanSupplier healthy)
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
          boolean up = healthy.getAsBoolean();
          respond(exchange, up ? 200 : 503, "text/plain; charset=utf-8", up ? "UP\n" : "DOWN\n");
        });
    server.createContext(
        "/", exchange -> respond(exchange, 404, "text/plain; charset=utf-8", "not found\n"));
    server.start();
    return new MetricsEndpoint(server, executor);
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
  }
}
