package dev.hamal.coordination;

import java.util.Objects;

/**
 * Proof of ownership of a pipe: its name and the epoch under which it was claimed. Every fenced
 * write carries one; a write whose epoch is no longer the pipe's current epoch, or whose owner node
 * is gone, fails with {@link FencedException}.
 *
 * @param pipe the pipe name
 * @param epoch the ownership epoch, positive and strictly increasing per pipe
 */
public record OwnershipToken(String pipe, long epoch) {
  /** Validates the parts. */
  public OwnershipToken {
    Objects.requireNonNull(pipe, "pipe");
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch must be positive, was " + epoch);
    }
  }

  @Override
  public String toString() {
    return pipe + "@" + epoch;
  }
}
