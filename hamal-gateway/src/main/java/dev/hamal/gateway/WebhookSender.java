package dev.hamal.gateway;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Makes one webhook call: POSTs a delivery's payload with its headers and signature and says how it
 * went. Success is a 2xx answer within the timeout; redirects are not followed (a 3xx is a
 * failure), and the answer's body is read and discarded.
 *
 * <p>Thread-safe; the HTTP client is shared by every subscription of the instance.
 */
final class WebhookSender {

  /** How one attempt went. */
  record Attempt(
      boolean delivered, Optional<Integer> status, Optional<String> error, Duration took) {
    String describe() {
      return error.orElseGet(() -> "HTTP " + status.orElse(0));
    }
  }

  private final HttpClient client;
  private final Duration timeout;
  private final Clock clock;

  WebhookSender(HttpClient client, Duration timeout, Clock clock) {
    this.client = client;
    this.timeout = timeout;
    this.clock = clock;
  }

  static HttpClient client(Duration timeout) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /**
   * Sends {@code delivery} to {@code webhook}.
   *
   * @throws InterruptedException when the calling thread is interrupted (the instance stops)
   */
  Attempt send(Subscription.Webhook webhook, Delivery delivery) throws InterruptedException {
    byte[] body = delivery.payload().getBytes(StandardCharsets.UTF_8);
    long now = clock.instant().getEpochSecond();
    HttpRequest request =
        HttpRequest.newBuilder(webhook.url())
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "hamal-webhooks/1")
            .header("Hamal-Delivery-Id", delivery.deliveryId())
            .header("Hamal-Event-Id", delivery.eventId())
            .header("Hamal-Timestamp", Long.toString(now))
            .header("Hamal-Signature", WebhookSignature.header(webhook.secret(), now, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    long started = System.nanoTime();
    try {
      HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      int status = response.statusCode();
      return new Attempt(
          status >= 200 && status < 300, Optional.of(status), Optional.empty(), took);
    } catch (HttpTimeoutException e) {
      return new Attempt(
          false,
          Optional.empty(),
          Optional.of("timed out after " + timeout.toMillis() + " ms"),
          Duration.ofNanos(System.nanoTime() - started));
    } catch (IOException e) {
      return new Attempt(
          false,
          Optional.empty(),
          Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage()),
          Duration.ofNanos(System.nanoTime() - started));
    }
  }
}
