package dev.hamal.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

/**
 * An open-loop load generator at a fixed rate (wrk cannot fix a rate and Debian has no wrk2):
 * request {@code i} is due at {@code start + i / rate}; a scheduler thread waits until then and
 * hands it to a virtual thread, which sends it with {@link HttpClient} (HTTP/1.1, a pool of
 * keep-alive connections that grows with the requests in flight). Latency is measured from the time
 * the request was due, not from when it was sent, so a server (or generator) that falls behind
 * shows it as latency instead of silently lowering the rate (coordinated omission).
 *
 * <p>Runs in the benchmark's JVM, i.e. on the same cores as the gateway; the scheduler reports how
 * far behind schedule it ever was.
 */
final class OpenLoopLoad {

  /**
   * One run's figures.
   *
   * @param sent requests sent
   * @param failed requests that did not get a 200 (or failed to send)
   * @param seconds from the first due time until the last answer
   * @param p50Micros median latency from the due time
   * @param p99Micros 99th percentile latency from the due time
   * @param maxMicros the slowest
   * @param maxBehindMicros how late the scheduler ever handed a request over
   * @param levels how many answers each {@code Hamal-Level} header value had
   * @param firstFailure the first failure's status and body (or exception), for diagnosis
   */
  record Result(
      long sent,
      long failed,
      double seconds,
      long p50Micros,
      long p99Micros,
      long maxMicros,
      long maxBehindMicros,
      Map<String, Long> levels,
      Optional<String> firstFailure) {
    double perSecond() {
      return sent / seconds;
    }
  }

  private final HttpClient client;
  private final String token;

  OpenLoopLoad(HttpClient client, String token) {
    this.client = client;
    this.token = token;
  }

  /** Sends {@code rate} requests per second for {@code duration}, request i to {@code uris(i)}. */
  Result run(LongFunction<URI> uris, int rate, Duration duration) throws InterruptedException {
    int total = (int) Math.min(Integer.MAX_VALUE - 8, (long) rate * duration.toSeconds());
    long[] latencies = new long[total];
    long periodNanos = 1_000_000_000L / rate;
    LongAdder failed = new LongAdder();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    Map<String, LongAdder> levels = new ConcurrentHashMap<>();
    AtomicLong lastDone = new AtomicLong();
    long maxBehind = 0;
    long start = System.nanoTime() + 20_000_000L;
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < total; i++) {
        long due = start + i * periodNanos;
        long now;
        while ((now = System.nanoTime()) < due) {
          LockSupport.parkNanos(due - now);
        }
        maxBehind = Math.max(maxBehind, now - due);
        int index = i;
        URI uri = uris.apply(i);
        threads.execute(() -> {
          String outcome;
          try {
            HttpResponse<String> response =
                client.send(
                    HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + token)
                        .GET()
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            outcome =
                response.statusCode() == 200
                    ? null
                    : response.statusCode() + " " + abbreviate(response.body());
            levels
                .computeIfAbsent(
                    response.headers().firstValue("Hamal-Level").orElse("(none)"),
                    k -> new LongAdder())
                .increment();
          } catch (IOException e) {
            outcome = e.toString();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = e.toString();
          }
          long end = System.nanoTime();
          latencies[index] = end - due;
          lastDone.accumulateAndGet(end, Math::max);
          if (outcome != null) {
            failed.increment();
            firstFailure.compareAndSet(null, outcome);
          }
        });
      }
    } // close() waits for every request
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    Map<String, Long> counts = new TreeMap<>();
    levels.forEach((k, v) -> counts.put(k, v.sum()));
    return new Result(
        total,
        failed.sum(),
        (lastDone.get() - start) / 1e9,
        percentile(sorted, 0.50) / 1_000,
        percentile(sorted, 0.99) / 1_000,
        sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1_000,
        maxBehind / 1_000,
        counts,
        Optional.ofNullable(firstFailure.get()));
  }

  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static String abbreviate(String body) {
    String flat = body.replaceAll("\\s+", " ");
    return flat.length() <= 200 ? flat : flat.substring(0, 200) + "...";
  }
}
