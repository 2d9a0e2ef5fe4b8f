package dev.hamal.order;

import java.util.List;
import java.util.Objects;

/**
 * What {@link OrderSink#apply} did with a batch. {@code applied + stale + rejected.size()} is the
 * batch's size: every write is accounted for.
 *
 * @param applied writes that changed the store
 * @param stale writes not newer than what the store holds (duplicates, replays, reordering)
 * @param rejected writes the store refused for a reason that retrying will not cure (a value the
 *     store cannot hold); the processor dead-letters them
 */
public record SinkResult(int applied, int stale, List<Rejection> rejected) {

  /**
   * A write the store refused.
   *
   * @param write the write
   * @param reason why, for the dead-letter record
   */
  public record Rejection(OrderWrite write, String reason) {
    /** Checks the parts are present. */
    public Rejection {
      Objects.requireNonNull(write, "write");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Checks the counts are not negative and copies the list. */
  public SinkResult {
    if (applied < 0 || stale < 0) {
      throw new IllegalArgumentException("counts must not be negative");
    }
    rejected = List.copyOf(rejected);
  }

  /** The number of writes accounted for. */
  public int total() {
    return applied + stale + rejected.size();
  }
}
