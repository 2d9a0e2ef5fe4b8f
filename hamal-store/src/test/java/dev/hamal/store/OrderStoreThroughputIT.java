package dev.hamal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.MariaDbServerConfig;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.SinkResult;
import dev.hamal.testkit.OrderHistories;
import dev.hamal.testkit.Sql;
import dev.hamal.testkit.TestServers;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How fast the store applies changes: ~200k writes of 51k orders in binlog order, in batches of
 * 2,000, against the embedded MariaDB 11.4, by one caller and then by two concurrent callers that
 * each own half of the order ids (as two processor threads owning Kafka partitions would), each
 * into a fresh database; then the same writes again (every one stale). Each is run with the change
 * history off (the baseline) and on, in the same run, one after the other. Logs one line per pass
 * with the wall-clock rate and the client's and the server's CPU time per write, and the ratio of
 * each history-on pass to its baseline; asserts only that every write was accounted for (throughput
 * on a shared machine is reported, not enforced).
 *
 * <p>Run: {@code ./mvnw -B -pl hamal-store -am verify -Dtest=NoSuchTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=OrderStoreThroughputIT
 * -Dfailsafe.failIfNoSpecifiedTests=false}. Options ({@code -Dname=value}): {@code
 * store.bench.orders} (51000), {@code store.bench.batch} (2000 writes per apply), {@code
 * store.bench.rows} (500 rows per statement), {@code store.bench.callers} ({@code 1,2}), {@code
 * store.bench.history} ({@code off,on}), {@code store.bench.server-args} (comma-separated {@code
 * mariadbd} options: runs a dedicated server with them instead of the shared one, e.g. {@code
 * --skip-log-bin,--innodb-buffer-pool-size=1G}).
 */
class OrderStoreThroughputIT {
  private static final Logger log = LoggerFactory.getLogger(OrderStoreThroughputIT.class);
  private static final int ORDERS = Integer.getInteger("store.bench.orders", 51_000);
  private static final int BATCH = Integer.getInteger("store.bench.batch", 2_000);
  private static final int ROWS = Integer.getInteger("store.bench.rows", 500);
  private static final String CALLERS = System.getProperty("store.bench.callers", "1,2");
  private static final String HISTORY = System.getProperty("store.bench.history", "off,on");

  @Test
  void shouldApplyTwoHundredThousandWritesAndReportTheRate() throws Exception {
    String serverArgs = System.getProperty("store.bench.server-args", "");
    if (serverArgs.isBlank()) {
      run(TestServers.mariaDb114(), "shared server's settings");
    } else {
      try (MariaDbServer server =
          TestServers.dedicated(
              MariaDbServerConfig.builder(MariaDbServer.Distribution.BUNDLED)
                  .serverId(8)
                  .serverArgs(List.of(serverArgs.split(",")))
                  .build())) {
        run(server, serverArgs);
      }
    }
  }

  private static void run(MariaDbServer server, String settings) throws Exception {
    List<OrderWrite> writes =
        OrderHistories.generate("topup", ORDERS, Instant.parse("2025-06-18T00:00:00Z"), 1).writes();
    for (String count : CALLERS.split(",")) {
      int callers = Integer.parseInt(count.trim());
      Map<String, Double> baseline = new HashMap<>();
      for (String mode : HISTORY.split(",")) {
        boolean history = mode.trim().equals("on");
        String name = "store_throughput_" + callers + (history ? "_h" : "_n");
        OrderStoreConfig config =
            StoreDatabases.oneShard(server, name)
                .poolSize(callers + 1)
                .batchSize(ROWS)
                .history(history)
                .build();
        try (var store = OrderStore.open(config)) {
          store.apply(writes.subList(0, 1)); // warm the pool and the statement path
          var bench = new Pass(store, server, settings, callers, history);
          for (String pass : List.of("first", "replay")) {
            double rate =
                bench.run(pass.equals("first") ? writes.subList(1, writes.size()) : writes, pass);
            if (!history) {
              baseline.put(pass, rate);
            } else if (baseline.containsKey(pass)) {
              log.info(
                  "order store {} pass, {} caller(s): history on / off = {} writes/s / {} writes/s"
                      + " = {}",
                  pass,
                  callers,
                  String.format("%.0f", rate),
                  String.format("%.0f", baseline.get(pass)),
                  String.format("%.2f", rate / baseline.get(pass)));
            }
          }
          String database = name + "_" + server.config().serverId() + "_0";
          for (String table : List.of("orders", "order_changes")) {
            Sql.execute(server, "ANALYZE TABLE " + database + "." + table);
            long bytes =
                Sql.queryLong(
                    server,
                    "SELECT data_length + index_length FROM information_schema.tables"
                        + " WHERE table_schema = '"
                        + database
                        + "' AND table_name = '"
                        + table
                        + "'");
            log.info(
                "{} table (history {}): {} MB with indexes, {} bytes per order",
                table,
                history ? "on" : "off",
                bytes >> 20,
                bytes / ORDERS);
          }
        }
      }
    }
  }

  private record Pass(
      OrderStore store, MariaDbServer server, String settings, int callers, boolean history) {
    /** Applies {@code writes} and returns the rate in writes per second. */
    double run(List<OrderWrite> writes, String name) throws Exception {
      List<List<OrderWrite>> parts = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        parts.add(new ArrayList<>());
      }
      for (OrderWrite write : writes) {
        parts.get(Math.floorMod(write.orderId().hashCode(), callers)).add(write);
      }
      long start = System.nanoTime();
      long clientCpu = clientCpuNanos();
      long serverCpu = serverCpuNanos(server);
      int applied = 0;
      int stale = 0;
      try (ExecutorService threads = Executors.newFixedThreadPool(callers)) {
        List<Future<SinkResult>> results = new ArrayList<>();
        for (List<OrderWrite> part : parts) {
          results.add(threads.submit(() -> applyInBatches(part)));
        }
        for (Future<SinkResult> result : results) {
          try {
            applied += result.get().applied();
            stale += result.get().stale();
          } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
          }
        }
      }
      assertThat(applied + stale).isEqualTo(writes.size());
      double seconds = (System.nanoTime() - start) / 1e9;
      double clientMicros = (clientCpuNanos() - clientCpu) / 1e3 / writes.size();
      double serverMicros = (serverCpuNanos(server) - serverCpu) / 1e3 / writes.size();
      log.info(
          "order store {} pass, history {}, {} caller(s): {} writes ({} applied, {} stale) in"
              + " batches of {},"
              + " {} rows per statement, {} cores, MariaDB {} ({}): {} s, {} writes/s; CPU per"
              + " write: client {} us, server {} us (load average {})",
          name,
          history ? "on" : "off",
          callers,
          writes.size(),
          applied,
          stale,
          BATCH,
          ROWS,
          Runtime.getRuntime().availableProcessors(),
          server.version(),
          settings,
          String.format("%.2f", seconds),
          String.format("%.0f", writes.size() / seconds),
          String.format("%.1f", clientMicros),
          String.format("%.1f", serverMicros),
          String.format(
              "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
      return writes.size() / seconds;
    }

    private SinkResult applyInBatches(List<OrderWrite> writes) {
      int applied = 0;
      int stale = 0;
      for (int from = 0; from < writes.size(); from += BATCH) {
        List<OrderWrite> batch = writes.subList(from, Math.min(writes.size(), from + BATCH));
        SinkResult result = store.apply(batch);
        assertThat(result.total()).isEqualTo(batch.size());
        assertThat(result.rejected()).isEmpty();
        applied += result.applied();
        stale += result.stale();
      }
      return new SinkResult(applied, stale, List.of());
    }
  }

  /** CPU time of this JVM (every thread: the store, the driver, JIT and GC). */
  private static long clientCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** CPU time of the server process, from /proc (user + system, in clock ticks of 10 ms). */
  private static long serverCpuNanos(MariaDbServer server) {
    try {
      String stat = Files.readString(Path.of("/proc/" + server.pid().orElseThrow() + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
