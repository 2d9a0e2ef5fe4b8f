package dev.hamal.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.testkit.TestServers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Runs the generator against MariaDB 11.4 and 10.11 and checks tables and binlog. */
class WorkloadGeneratorIT {

  private static WorkloadResult generate(
      MariaDbServer server, long seed, long rows, int connections, String prefix) throws Exception {
    DataSource dataSource = TestDatabases.dataSource(server);
    var config = new WorkloadConfig(seed, rows, connections, prefix, true);
    return new WorkloadGenerator(
            dataSource, config, System::nanoTime, Thread.ofPlatform().factory(), (d, t, e) -> {})
        .run();
  }

  /** Checksums by table name without the schema prefix. */
  private static Map<String, Long> checksums(WorkloadResult result) {
    var byTable = new HashMap<String, Long>();
    String prefix = result.config().schemaPrefix();
    result.checksums().forEach((table, sum) -> byTable.put(table.substring(prefix.length()), sum));
    return byTable;
  }

  @Test
  void shouldWriteIdenticalTablesForTheSameSeedOnTwoServersWhateverTheConnections()
      throws Exception {
    MariaDbServer first = TestServers.mariaDb114();
    MariaDbServer second = TestServers.mariaDb1011();
    WorkloadResult serial = generate(first, 5, 30_000, 1, "det_a_");
    WorkloadResult parallel = generate(second, 5, 30_000, 4, "det_b_");
    WorkloadResult otherSeed = generate(first, 6, 30_000, 4, "det_c_");

    assertThat(checksums(serial)).hasSize(19).doesNotContainValue(0L);
    assertThat(checksums(parallel)).isEqualTo(checksums(serial));
    Map<String, Long> other = checksums(otherSeed);
    checksums(serial)
        .forEach((table, sum) -> assertThat(other.get(table)).as(table).isNotEqualTo(sum));

    assertThat(serial.transactions()).isEqualTo(parallel.transactions());
    assertThat(serial.ddl()).isEqualTo(parallel.ddl()).isEqualTo(21);
    try (Connection connection = TestDatabases.dataSource(first).getConnection();
        Statement statement = connection.createStatement()) {
      long rows = 0;
      for (String table : serial.tables()) {
        try (ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
          count.next();
          rows += count.getLong(1);
        }
      }
      assertThat(rows).isEqualTo(serial.inserts() - serial.deletes()).isEqualTo(14_250);
      try (ResultSet column =
          statement.executeQuery(
              "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = 'det_a_ticket'"
                  + " AND column_name = 'seat_pref'")) {
        column.next();
        assertThat(column.getLong(1)).as("shards altered").isEqualTo(16);
      }
    }
  }

  @Test
  void shouldReportTheBinlogRangeHoldingExactlyItsRowChangesWithFullImages() throws Exception {
    MariaDbServer server = TestServers.mariaDb114();
    WorkloadResult result = generate(server, 11, 20_000, 2, "range_");

    var client =
        new BinaryLogClient(
            server.host(), server.port(), server.adminUser(), server.adminPassword());
    client.setServerId(4_000 + (int) (System.nanoTime() & 0xFFF));
    client.setBlocking(false); // read to the end of the log, then return
    client.setBinlogFilename(result.from().file());
    client.setBinlogPosition(result.from().position());
    var tables = new HashMap<Long, TableMapEventData>();
    var inserted = new AtomicLong();
    var updated = new AtomicLong();
    var deleted = new AtomicLong();
    var ddl = new AtomicLong();
    var commits = new AtomicLong();
    var otherQueries = new AtomicLong();
    var partialImages = new AtomicLong();
    client.registerEventListener(event -> {
      EventType type = event.getHeader().getEventType();
      switch (event.getData()) {
        case TableMapEventData map -> tables.put(map.getTableId(), map);
        case WriteRowsEventData rows -> {
          if (ours(tables.get(rows.getTableId()))) {
            inserted.addAndGet(rows.getRows().size());
          }
        }
        case UpdateRowsEventData rows -> {
          TableMapEventData map = tables.get(rows.getTableId());
          if (ours(map)) {
            updated.addAndGet(rows.getRows().size());
            int columns = map.getColumnTypes().length;
            if (rows.getIncludedColumnsBeforeUpdate().cardinality() != columns
                || rows.getIncludedColumns().cardinality() != columns) {
              partialImages.incrementAndGet();
            }
          }
        }
        case DeleteRowsEventData rows -> {
          if (ours(tables.get(rows.getTableId()))) {
            deleted.addAndGet(rows.getRows().size());
          }
        }
        case QueryEventData query -> {
          String sql = query.getSql().toUpperCase(Locale.ROOT);
          if (sql.startsWith("ALTER TABLE")) {
            ddl.incrementAndGet();
          } else if (!sql.equals("BEGIN") && !sql.equals("COMMIT")) {
            otherQueries.incrementAndGet();
          }
        }
        case null, default -> {
          if (type == EventType.XID) {
            commits.incrementAndGet();
          }
        }
      }
    });
    var failures = new java.util.ArrayList<Exception>();
    client.registerLifecycleListener(
        new BinaryLogClient.AbstractLifecycleListener() {
          @Override
          public void onCommunicationFailure(BinaryLogClient c, Exception e) {
            failures.add(e);
          }

          @Override
          public void onEventDeserializationFailure(BinaryLogClient c, Exception e) {
            failures.add(e);
          }
        });
    client.connect(); // non-blocking: returns at the end of the log
    assertThat(failures).isEmpty();

    assertThat(inserted.get()).isEqualTo(result.inserts()).isEqualTo(10_000);
    assertThat(updated.get()).isEqualTo(result.updates()).isEqualTo(9_500);
    assertThat(deleted.get()).isEqualTo(result.deletes()).isEqualTo(500);
    assertThat(ddl.get()).isEqualTo(result.ddl()).isEqualTo(21);
    assertThat(commits.get()).isEqualTo(result.transactions());
    assertThat(otherQueries.get()).as("no setup statements inside the range").isZero();
    assertThat(partialImages.get()).as("updates without FULL images").isZero();
    try (Connection connection = TestDatabases.dataSource(server).getConnection()) {
      assertThat(WorkloadGenerator.binlogPosition(connection)).isEqualTo(result.to());
    }
  }

  private static boolean ours(TableMapEventData map) {
    return map != null && map.getDatabase().startsWith("range_");
  }
}
