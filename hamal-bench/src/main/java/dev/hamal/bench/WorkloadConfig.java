package dev.hamal.bench;

import java.util.regex.Pattern;

/**
 * What {@code hamal bench generate} writes.
 *
 * @param seed seed of the whole workload (default 1): the same seed and row count always produce
 *     the same row changes and the same table contents
 * @param rows row changes to write (default 2,000,000; 1,000 to 2,000,000,000): half inserts, 2.5%
 *     deletes, the rest updates
 * @param connections connections writing in parallel (default 4; 1 to 4): each owns whole product
 *     lines, so the table contents do not depend on it; with 1 the binlog order is deterministic
 *     too
 * @param schemaPrefix prefix of the four schemas written ({@code <prefix>topup}, ...; default
 *     {@code bench_}); they are dropped and recreated first
 * @param checksums whether to run {@code CHECKSUM TABLE} on every table at the end (default false)
 */
public record WorkloadConfig(
    long seed, long rows, int connections, String schemaPrefix, boolean checksums) {
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_]{1,40}");

  public static final long DEFAULT_ROWS = 2_000_000;

  public WorkloadConfig {
    if (rows < 1_000 || rows > 2_000_000_000L) {
      throw new IllegalArgumentException("rows must be in [1000, 2000000000], was " + rows);
    }
    if (connections < 1 || connections > 4) {
      throw new IllegalArgumentException("connections must be in [1, 4], was " + connections);
    }
    if (!PREFIX.matcher(schemaPrefix).matches()) {
      throw new IllegalArgumentException(
          "schemaPrefix must be 1-40 characters from [A-Za-z0-9_], was '" + schemaPrefix + "'");
    }
  }

  /** The defaults: seed 1, 2,000,000 rows, 4 connections, prefix {@code bench_}, no checksums. */
  public static WorkloadConfig defaults() {
    return new WorkloadConfig(1, DEFAULT_ROWS, 4, "bench_", false);
  }

  public long inserts() {
    return rows / 2;
  }

  public long deletes() {
    return rows / 40;
  }

  public long updates() {
    return rows - inserts() - deletes();
  }
}
