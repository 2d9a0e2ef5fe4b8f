package dev.hamal.gateway;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the level chain found and how: the value, the level that answered (empty when none did),
 * whether the answer is degraded (a level ahead of the one that answered failed, timed out or had
 * its circuit open, so a fresher answer may exist), and what happened at each level tried.
 *
 * @param <T> the value: an order, or a page of orders
 */
public record LevelAnswer<T>(
    Optional<T> value, Optional<SearchLevel> level, boolean degraded, List<Attempt> attempts) {

  /** What happened at one level. */
  public enum Outcome {
    /** The level answered with the value. */
    HIT,
    /** The level answered that it does not hold the order. */
    MISS,
    /** The level failed. */
    ERROR,
    /** The level did not answer within its timeout. */
    TIMEOUT,
    /** The level's circuit breaker is open; it was not asked. */
    CIRCUIT_OPEN,
    /** The level's rate limit is exhausted (the product-line level); it was not asked. */
    RATE_LIMITED,
    /** Too many calls to the level are still running (its bulkhead is full); it was not asked. */
    BUSY,
    /** The level cannot answer this kind of request (the cache cannot search). */
    UNSUPPORTED;

    /** Whether this outcome means the level was unavailable (the answer is degraded). */
    boolean unavailable() {
      return this == ERROR
          || this == TIMEOUT
          || this == CIRCUIT_OPEN
          || this == RATE_LIMITED
          || this == BUSY;
    }
  }

  /**
   * One level's attempt.
   *
   * @param level the level
   * @param outcome what happened
   * @param micros how long it took, in microseconds (0 when not asked)
   */
  public record Attempt(SearchLevel level, Outcome outcome, long micros) {
    /** Checks the parts. */
    public Attempt {
      Objects.requireNonNull(level, "level");
      Objects.requireNonNull(outcome, "outcome");
    }
  }

  /** Copies the attempts. */
  public LevelAnswer {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(level, "level");
    attempts = List.copyOf(attempts);
  }

  /** Whether any level tried was unavailable. */
  public boolean anyUnavailable() {
    return attempts.stream().anyMatch(a -> a.outcome().unavailable());
  }
}
