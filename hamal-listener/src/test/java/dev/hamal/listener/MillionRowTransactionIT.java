package dev.hamal.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hamal.coordination.PipeState;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.testkit.TestServers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One source transaction of 1,000,000 order rows flows through one listener process with a 512 MB
 * heap: the pipe's window and the producer's buffer bound what is held, so the transaction is never
 * held whole. Its own class because it takes a minute or two on two cores.
 */
class MillionRowTransactionIT {
  private static final int ROWS = 1_000_000;

  @TempDir Path dir;
  private ChaosCluster cluster;

  @AfterEach
  void tearDown() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void shouldPublishAMillionRowTransactionWithinA512MegabyteHeap() throws Exception {
    MariaDbServer source = TestServers.mariaDb114();
    cluster =
        new ChaosCluster(
            TestServers.zooKeeper().connectString(),
            TestServers.kafka().bootstrapServers(),
            source,
            dir);
    cluster.addPipe(source.host(), source.port());
    InstanceProcess process = cluster.startProcess("million-" + cluster.suffix, "512m");
    await("the pipe running")
        .atMost(Duration.ofSeconds(60))
        .until(() -> cluster.status().state() == PipeState.RUNNING);

    long started = System.nanoTime();
    try (Connection c = cluster.admin();
        Statement s = c.createStatement()) {
      s.execute("SET SESSION max_statement_time = 0");
      int inserted =
          s.executeUpdate(
              "INSERT INTO "
                  + cluster.schema
                  + ".orders_00 (id, user_id, status, amount, step, created)"
                  + " SELECT seq, seq % 97, 0, 1.00, 0, '2026-11-24 10:00:00.000'"
                  + " FROM "
                  + cluster.schema
                  + ".seq_1_to_"
                  + ROWS);
      assertThat(inserted).isEqualTo(ROWS);
    }
    long written = System.nanoTime();
    String end = cluster.awaitCaughtUp(Duration.ofMinutes(5));
    long committed = System.nanoTime();

    assertThat(process.isAlive()).as("the listener process is alive").isTrue();
    assertThat(process.log()).doesNotContain("OutOfMemoryError");

    Set<String> keys = new HashSet<>(2 * ROWS);
    long records = readKeys(cluster.topic(), keys);
    System.out.printf(
        "[chaos] 1M-row transaction: inserted in %d ms, committed position %s reached %d ms"
            + " later; %d messages, %d distinct orders%n",
        Duration.ofNanos(written - started).toMillis(),
        end,
        Duration.ofNanos(committed - written).toMillis(),
        records,
        keys.size());
    assertThat(keys).hasSize(ROWS);
    assertThat(keys).contains(cluster.orderIdPrefix() + 1, cluster.orderIdPrefix() + ROWS);
    assertThat(records).as("one run, no failover: no duplicates").isEqualTo(ROWS);
  }

  private static long readKeys(String topic, Set<String> keys) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrapServers());
    settings.put(ConsumerConfig.GROUP_ID_CONFIG, "million-" + UUID.randomUUID());
    settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    long records = 0;
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        assertThat(System.nanoTime()).as("reading %s in time", topic).isLessThan(deadline);
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          keys.add(r.key());
          records++;
        }
      }
    }
    return records;
  }
}
