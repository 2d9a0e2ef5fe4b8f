package dev.hamal.app;

import java.time.Duration;
import java.util.Objects;

/**
 * A promotion (a flash sale, 双11) during which orders arrive {@code rateMultiplier} times faster,
 * coupons are common and the hottest products dominate.
 *
 * @param start how long after the simulator starts the promotion begins
 * @param length how long it lasts, positive
 * @param rateMultiplier factor on the configured order rate, 1 to 1000
 */
public record PromotionSpike(Duration start, Duration length, double rateMultiplier) {
  public PromotionSpike {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(length, "length");
    if (start.isNegative()) {
      throw new IllegalArgumentException("promotion start must not be negative, was " + start);
    }
    if (length.isNegative() || length.isZero()) {
      throw new IllegalArgumentException("promotion length must be positive, was " + length);
    }
    if (!(rateMultiplier >= 1 && rateMultiplier <= 1000)) {
      throw new IllegalArgumentException(
          "promotion rateMultiplier must be in [1, 1000], was " + rateMultiplier);
    }
  }

  /** Whether the promotion is on at {@code elapsed} since the simulator started. */
  public boolean isActiveAt(Duration elapsed) {
    return elapsed.compareTo(start) >= 0 && elapsed.compareTo(start.plus(length)) < 0;
  }
}
