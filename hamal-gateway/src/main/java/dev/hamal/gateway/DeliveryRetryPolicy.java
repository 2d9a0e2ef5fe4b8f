package dev.hamal.gateway;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How a failed webhook call is retried: exponential back-off with jitter. The delay before attempt
 * {@code n + 1} is drawn uniformly from {@code [b/2, b]} where {@code b = min(max, initial ×
 * factor^(n-1))} ("equal jitter": never less than half the back-off, so a receiver that is down is
 * not hammered, and spread so that many subscriptions do not retry in lockstep). After {@code
 * maxAttempts} failed attempts the delivery is dead-lettered.
 *
 * @param initial the back-off after the first failure (default 500 ms)
 * @param factor how much each further failure multiplies it (default 2)
 * @param max the largest back-off (default 60 s)
 * @param maxAttempts attempts before the delivery is dead-lettered, the first included (default 8)
 */
public record DeliveryRetryPolicy(Duration initial, double factor, Duration max, int maxAttempts) {

  /** Checks the values; messages name the setting. */
  public DeliveryRetryPolicy {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException(
          "subscriptions.retry.initial must be above 0, was " + initial);
    }
    if (max.compareTo(initial) < 0 || max.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "subscriptions.retry.max must be from retry.initial to 1h, was " + max);
    }
    if (!(factor >= 1.0 && factor <= 10.0)) {
      throw new IllegalArgumentException(
          "subscriptions.retry.factor must be 1 to 10, was " + factor);
    }
    if (maxAttempts < 1 || maxAttempts > 100) {
      throw new IllegalArgumentException(
          "subscriptions.retry.max-attempts must be 1 to 100, was " + maxAttempts);
    }
  }

  /** 500 ms, doubling, at most 60 s, 8 attempts. */
  public static DeliveryRetryPolicy defaults() {
    return new DeliveryRetryPolicy(Duration.ofMillis(500), 2.0, Duration.ofSeconds(60), 8);
  }

  /** The back-off before the attempt after failed attempt {@code failed} (1 for the first). */
  Duration backoff(int failed, RandomGenerator random) {
    double base = initial.toNanos() * Math.pow(factor, Math.max(0, failed - 1));
    long capped = (long) Math.min(base, (double) max.toNanos());
    long half = capped / 2;
    return Duration.ofNanos(half + (half == 0 ? 0 : random.nextLong(capped - half + 1)));
  }
}
