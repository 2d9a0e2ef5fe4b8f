package dev.hamal.app;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the simulator has committed so far. Only transactions that committed are counted, so the
 * numbers match what a binlog reader sees for the simulator's schemas.
 *
 * @param lines counts per business line (every configured line is present)
 * @param shed arrivals dropped because too many orders were open
 * @param reorders orders placed by buyers ordering again after a failed or closed order
 */
public record SimulatorCounts(Map<ProductLine, LineCounts> lines, long shed, long reorders) {
  public SimulatorCounts {
    lines = Map.copyOf(lines);
  }

  /** The counts of one line; all zero for a line the simulator does not write. */
  public LineCounts line(ProductLine line) {
    return lines.getOrDefault(Objects.requireNonNull(line, "line"), LineCounts.ZERO);
  }

  /** The sum over all lines. */
  public LineCounts total() {
    LineCounts total = LineCounts.ZERO;
    for (LineCounts counts : lines.values()) {
      total = total.plus(counts);
    }
    return total;
  }

  /**
   * Committed work of one line.
   *
   * @param reached how many orders reached each status (CREATED counts placed orders, SUCCEEDED
   *     fulfilled ones); every status is present
   * @param transactions committed transactions
   * @param rowsInserted rows inserted (orders and their child rows)
   * @param rowsUpdated rows updated (orders and their child rows)
   */
  public record LineCounts(
      Map<OrderStatus, Long> reached, long transactions, long rowsInserted, long rowsUpdated) {
    static final LineCounts ZERO = new LineCounts(Map.of(), 0, 0, 0);

    public LineCounts {
      var all = new EnumMap<OrderStatus, Long>(OrderStatus.class);
      for (OrderStatus status : OrderStatus.values()) {
        all.put(status, reached.getOrDefault(status, 0L));
      }
      reached = java.util.Collections.unmodifiableMap(all);
    }

    /** How many orders reached {@code status}. */
    public long reached(OrderStatus status) {
      return reached.get(status);
    }

    public long created() {
      return reached(OrderStatus.CREATED);
    }

    public long paid() {
      return reached(OrderStatus.PAID);
    }

    /** Orders delivered successfully (SUCCEEDED). */
    public long fulfilled() {
      return reached(OrderStatus.SUCCEEDED);
    }

    public long failed() {
      return reached(OrderStatus.FAILED);
    }

    public long refunded() {
      return reached(OrderStatus.REFUNDED);
    }

    public long closed() {
      return reached(OrderStatus.CLOSED);
    }

    LineCounts plus(LineCounts other) {
      var sum = new EnumMap<OrderStatus, Long>(OrderStatus.class);
      for (OrderStatus status : OrderStatus.values()) {
        sum.put(status, reached(status) + other.reached(status));
      }
      return new LineCounts(
          sum,
          transactions + other.transactions,
          rowsInserted + other.rowsInserted,
          rowsUpdated + other.rowsUpdated);
    }
  }
}
