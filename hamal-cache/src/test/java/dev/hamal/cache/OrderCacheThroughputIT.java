package dev.hamal.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.order.OrderWrite;
import dev.hamal.order.SinkResult;
import dev.hamal.testkit.OrderHistories;
import dev.hamal.testkit.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How fast the cache applies a realistic history in batches of 1,000 (about 200,000 writes), on the
 * shared embedded Redis. Logs writes per second; asserts only correctness and a generous floor, so
 * a loaded machine does not fail it. Run alone: {@code lit hamal-cache OrderCacheThroughputIT}.
 */
class OrderCacheThroughputIT {

  private static final Logger log = LoggerFactory.getLogger(OrderCacheThroughputIT.class);
  private static final int BATCH = 1_000;

  @Test
  void shouldApplyAboutTwoHundredThousandWritesInBatchesOfAThousand() {
    OrderHistories histories =
        OrderHistories.generate("bench", 51_500, Instant.parse("2025-06-18T00:00:00Z"), 21);
    List<OrderWrite> writes = histories.writes();
    OrderCacheConfig config =
        OrderCacheConfig.builder(TestServers.redis().uri())
            .keyPrefix("it:throughput:order:")
            .invalidationChannel("it:throughput:invalidate")
            .build();
    try (OrderCache cache = OrderCache.connect(config)) {
      cache.apply(writes.subList(0, BATCH)); // warm-up: connections, script, JIT
      long started = System.nanoTime();
      int applied = 0;
      for (int from = BATCH; from < writes.size(); from += BATCH) {
        SinkResult result =
            cache.apply(writes.subList(from, Math.min(writes.size(), from + BATCH)));
        assertThat(result.rejected()).isEmpty();
        applied += result.applied();
      }
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      int measured = writes.size() - BATCH;
      log.info(
          "Applied {} writes ({} changed Redis) in batches of {} in {} ms: {} writes/s"
              + " (Redis {}, {} cores)",
          measured,
          applied,
          BATCH,
          took.toMillis(),
          (long) (measured / (took.toNanos() / 1e9)),
          TestServers.redis().version(),
          Runtime.getRuntime().availableProcessors());
      List<String> ids = List.copyOf(histories.finalStates().keySet());
      int found = 0;
      for (int from = 0; from < ids.size(); from += BATCH) {
        found += cache.findAll(ids.subList(from, Math.min(ids.size(), from + BATCH))).size();
      }
      assertThat(found).isEqualTo(ids.size());
      assertThat(took).isLessThan(Duration.ofMinutes(5));
    }
  }
}
