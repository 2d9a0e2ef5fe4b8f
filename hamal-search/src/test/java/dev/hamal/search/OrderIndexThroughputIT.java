package dev.hamal.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.embedded.OpenSearchNode;
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
 * A quick measurement of bulk indexing on the embedded node, logged, not a benchmark (the lead's
 * hamal-bench owns those): one thread applies seeded order histories in batches, as a processor
 * would, for a few batch sizes and refresh intervals. About 50,000 writes by default; {@code
 * -Dhamal.search.throughput.writes=200000} for the figure in {@code docs/search-index.md}.
 *
 * <p>Run: {@code lit hamal-search OrderIndexThroughputIT -Dhamal.search.throughput.writes=200000}
 */
class OrderIndexThroughputIT {

  private static final Logger log = LoggerFactory.getLogger(OrderIndexThroughputIT.class);
  private static final double WRITES_PER_ORDER = 3.9; // what OrderHistories generates on average

  @Test
  void shouldAccountForEveryWriteOfALargeLoadAndLogTheRate() {
    OpenSearchNode node = TestServers.openSearch();
    int target = Integer.getInteger("hamal.search.throughput.writes", 50_000);
    OrderHistories histories =
        OrderHistories.generate(
            "bench", (int) (target / WRITES_PER_ORDER), Instant.parse("2025-06-01T00:00:00Z"), 1L);
    List<OrderWrite> writes = histories.writes();
    record Run(String prefix, int batch, Duration refresh) {}
    for (Run run :
        List.of(
            new Run("tp-warm-up", 5_000, Duration.ofSeconds(1)),
            new Run("tp-b1000-r1s", 1_000, Duration.ofSeconds(1)),
            new Run("tp-b5000-r1s", 5_000, Duration.ofSeconds(1)),
            new Run("tp-b5000-r30s", 5_000, Duration.ofSeconds(30)))) {
      OrderIndexConfig config =
          OrderIndexConfig.builder(node.httpUri())
              .indexPrefix(run.prefix())
              .refreshInterval(run.refresh())
              .build();
      try (OrderIndex index = OrderIndex.open(config)) {
        long started = System.nanoTime();
        long applied = 0;
        for (int from = 0; from < writes.size(); from += run.batch()) {
          SinkResult result =
              index.apply(writes.subList(from, Math.min(writes.size(), from + run.batch())));
          assertThat(result.rejected()).isEmpty();
          applied += result.applied();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        log.info(
            "bulk indexing: {} writes ({} applied) in batches of {}, refresh {}: {} s, {} writes/s"
                + " on {} cores",
            writes.size(),
            applied,
            run.batch(),
            run.refresh(),
            String.format("%.1f", seconds),
            Math.round(writes.size() / seconds),
            Runtime.getRuntime().availableProcessors());
        index.refresh();
        assertThat(index.findAll(List.of("bench:1"))).hasSize(1);
      }
    }
  }
}
