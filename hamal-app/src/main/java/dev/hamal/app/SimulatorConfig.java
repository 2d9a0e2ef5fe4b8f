package dev.hamal.app;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Settings of the {@link OrderSimulator}; build with {@link #builder()}. Every value is validated
 * when the record is built, and a bad one is rejected with a message naming the setting and its
 * accepted range.
 *
 * @param ordersPerSecond mean rate of new orders across all lines outside promotions and bursts
 *     (default 20; 0.01 to 100,000)
 * @param lines the business lines to write (default all; not empty), iterated in declaration order
 * @param seed seed of every random choice (default 1): the same seed gives the same orders with the
 *     same fates in the same order
 * @param duration how long new orders arrive before the simulator stops by itself; {@link
 *     Duration#ZERO} (the default) runs until {@link OrderSimulator#close()}
 * @param timeScale factor on every life-cycle delay (default 1: payment after seconds, fulfilment
 *     seconds later, unpaid orders closed after 30 s); 0.05 makes a test run twenty times faster
 *     (0.001 to 100)
 * @param writers writer threads, each with its own connection (default 4; 1 to 64)
 * @param queueCapacity due steps waiting for a writer (default 1024; 1 to 1,000,000); when full the
 *     scheduler waits for the writers
 * @param maxOpenOrders orders with steps still ahead of them, each held in memory with its rows (a
 *     few KB) until its last step (default 50,000; 1 to 10,000,000); when reached, new arrivals are
 *     dropped and counted as shed. At 20 orders/s about 450 orders are open, 700 after a burst.
 * @param users size of the user population orders are drawn from, with a few heavy buyers (default
 *     100,000; 1 to 1,000,000,000)
 * @param burstsPerMinute mean rate of bursts, each 10 to 100 orders of one line arriving at once (a
 *     partner's batch; default 2; 0 to 600)
 * @param spikes promotions (default none)
 * @param schemaPrefix prefix of the schemas written (default none: {@code topup}, {@code fuelcard},
 *     ...; 0-40 characters from {@code [A-Za-z0-9_]}), to run next to other copies of the lines
 */
public record SimulatorConfig(
    double ordersPerSecond,
    Set<ProductLine> lines,
    long seed,
    Duration duration,
    double timeScale,
    int writers,
    int queueCapacity,
    int maxOpenOrders,
    int users,
    double burstsPerMinute,
    List<PromotionSpike> spikes,
    String schemaPrefix) {
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_]{0,40}");

  public SimulatorConfig {
    range("ordersPerSecond", ordersPerSecond, 0.01, 100_000);
    Objects.requireNonNull(lines, "lines");
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("lines must name at least one product line");
    }
    lines = Collections.unmodifiableSet(EnumSet.copyOf(lines));
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException(
          "duration must be zero (until closed) or positive, was " + duration);
    }
    range("timeScale", timeScale, 0.001, 100);
    range("writers", writers, 1, 64);
    range("queueCapacity", queueCapacity, 1, 1_000_000);
    range("maxOpenOrders", maxOpenOrders, 1, 10_000_000);
    range("users", users, 1, 1_000_000_000);
    range("burstsPerMinute", burstsPerMinute, 0, 600);
    spikes = List.copyOf(spikes);
    Objects.requireNonNull(schemaPrefix, "schemaPrefix");
    if (!PREFIX.matcher(schemaPrefix).matches()) {
      throw new IllegalArgumentException(
          "schemaPrefix must be 0-40 characters from [A-Za-z0-9_], was '" + schemaPrefix + "'");
    }
  }

  /** The schema the simulator writes {@code line} into: the prefix and the line's own schema. */
  public String schema(ProductLine line) {
    return schemaPrefix + line.schema();
  }

  private static void range(String key, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(
          key + " must be in [" + format(min) + ", " + format(max) + "], was " + format(value));
    }
  }

  private static String format(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  /** A builder with every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the simulator runs until closed rather than for {@link #duration()}. */
  public boolean runsUntilClosed() {
    return duration.isZero();
  }

  /** A builder of {@link SimulatorConfig}; see the record's components for defaults. */
  public static final class Builder {
    private double ordersPerSecond = 20;
    private Set<ProductLine> lines = EnumSet.allOf(ProductLine.class);
    private long seed = 1;
    private Duration duration = Duration.ZERO;
    private double timeScale = 1;
    private int writers = 4;
    private int queueCapacity = 1024;
    private int maxOpenOrders = 50_000;
    private int users = 100_000;
    private double burstsPerMinute = 2;
    private List<PromotionSpike> spikes = List.of();
    private String schemaPrefix = "";

    private Builder() {}

    public Builder ordersPerSecond(double value) {
      this.ordersPerSecond = value;
      return this;
    }

    public Builder lines(Collection<ProductLine> value) {
      this.lines = value.isEmpty() ? Set.of() : EnumSet.copyOf(value);
      return this;
    }

    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    public Builder duration(Duration value) {
      this.duration = Objects.requireNonNull(value, "duration");
      return this;
    }

    public Builder timeScale(double value) {
      this.timeScale = value;
      return this;
    }

    public Builder writers(int value) {
      this.writers = value;
      return this;
    }

    public Builder queueCapacity(int value) {
      this.queueCapacity = value;
      return this;
    }

    public Builder maxOpenOrders(int value) {
      this.maxOpenOrders = value;
      return this;
    }

    public Builder users(int value) {
      this.users = value;
      return this;
    }

    public Builder burstsPerMinute(double value) {
      this.burstsPerMinute = value;
      return this;
    }

    public Builder spikes(List<PromotionSpike> value) {
      this.spikes = List.copyOf(value);
      return this;
    }

    public Builder schemaPrefix(String value) {
      this.schemaPrefix = Objects.requireNonNull(value, "schemaPrefix");
      return this;
    }

    public SimulatorConfig build() {
      return new SimulatorConfig(
          ordersPerSecond,
          lines,
          seed,
          duration,
          timeScale,
          writers,
          queueCapacity,
          maxOpenOrders,
          users,
          burstsPerMinute,
          spikes,
          schemaPrefix);
    }
  }
}
