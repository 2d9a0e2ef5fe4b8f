package dev.hamal.bench;

import dev.hamal.binlog.BinlogPosition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a workload run wrote, and where in the binlog: every event of the run lies between {@code
 * from} (inclusive) and {@code to} (exclusive), unless other clients wrote to the server at the
 * same time.
 *
 * @param server the server's {@code VERSION()}
 * @param from binlog position before the first workload event
 * @param to binlog position after the last workload event
 * @param gtidFrom the server's GTID position before ({@code @@gtid_binlog_pos} on MariaDB,
 *     {@code @@gtid_executed} on MySQL); empty when the server has none
 * @param gtidTo the GTID position after
 * @param inserts rows inserted
 * @param updates rows updated (each one a change of the row)
 * @param deletes rows deleted
 * @param transactions DML transactions committed
 * @param ddl schema changes made during the run
 * @param elapsed wall time from {@code from} to {@code to}
 * @param tables the order tables written, schema-qualified (the lines' child tables exist, empty)
 * @param checksums {@code CHECKSUM TABLE} per table, when requested; empty otherwise
 */
public record WorkloadResult(
    WorkloadConfig config,
    String server,
    BinlogPosition from,
    BinlogPosition to,
    String gtidFrom,
    String gtidTo,
    long inserts,
    long updates,
    long deletes,
    long transactions,
    long ddl,
    Duration elapsed,
    List<String> tables,
    Map<String, Long> checksums) {

  public WorkloadResult {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    tables = List.copyOf(tables);
    checksums = Map.copyOf(checksums);
  }

  /** Inserts, updates and deletes: the row events a binlog reader sees for the range. */
  public long rowChanges() {
    return inserts + updates + deletes;
  }

  /** Row changes per second of {@link #elapsed()}. */
  public double rowsPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds > 0 ? rowChanges() / seconds : 0;
  }
}
