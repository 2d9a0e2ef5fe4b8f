package dev.hamal.app;

import java.time.LocalDateTime;
import java.util.Objects;

/**
 * What the caller decides about a new order; the product line's model draws everything else
 * (product, amounts, passengers, ...) from a random generator.
 *
 * @param id the order's primary key, unique within the line (the simulator uses time-based ids, the
 *     benchmark a sequence); order numbers shown to users are derived from it
 * @param userId the buyer; for a sharded line it also selects the shard
 * @param createdAt the local (UTC+8) time the order was placed
 * @param promotion whether a promotion is on: more coupons, hot products
 */
public record OrderSpec(long id, long userId, LocalDateTime createdAt, boolean promotion) {
  public OrderSpec {
    if (id <= 0) {
      throw new IllegalArgumentException("order id must be positive, was " + id);
    }
    if (userId <= 0) {
      throw new IllegalArgumentException("user id must be positive, was " + userId);
    }
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
