package dev.hamal.listener;

import dev.hamal.binlog.Checkpoint;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Optional;

/**
 * What a pipe handed to Kafka, what Kafka acknowledged, and from the two the checkpoint that may be
 * committed: the end of the last transaction whose every record was acknowledged.
 *
 * <p>Every record handed out gets the next sequence number. Acknowledgements arrive in any order
 * across partitions; the tracker keeps the <em>acknowledged prefix</em> ({@code acknowledged} = the
 * lowest sequence not yet acknowledged, so every record below it is acknowledged) and a bit set of
 * the acknowledgements ahead of it. A transaction end is recorded with the sequence boundary at
 * that moment (every record of the transaction and of all before it lies below it); it becomes
 * committable once the acknowledged prefix reaches the boundary. Handed out and acknowledged are
 * therefore tracked separately, and nothing is committable past a record that was not acknowledged:
 * a failed record stops the prefix for good.
 *
 * <p>Threading: {@link #handOut()}, {@link #transactionEnded} and {@link #idle} are called by the
 * stream's handler thread; {@link #acknowledged} and {@link #failed} by the producer's I/O thread;
 * {@link #committable()} by the committer. One lock guards the state; every operation is O(1)
 * amortised. Memory: one bit per record between the acknowledged prefix and the newest record, and
 * one entry per transaction not yet committable; both are bounded by what the producer may hold in
 * flight, which is bounded by its buffer.
 */
final class PublishTracker {

  private record End(long boundary, Checkpoint checkpoint) {}

  private final Object lock = new Object();
  private final ArrayDeque<End> ends = new ArrayDeque<>();
  private final BitSet ahead = new BitSet();
  private long handedOut; // next sequence number
  private long acknowledged; // lowest sequence not acknowledged
  private long aheadBase; // sequence of bit 0 in ahead
  private Checkpoint committable;
  private RuntimeException failure;

  /**
   * @param start the checkpoint the pipe started from, committable until something newer is; empty
   *     when the stream starts at a GTID set and the first checkpoint is its first commit
   */
  PublishTracker(Optional<Checkpoint> start) {
    this.committable = start.orElse(null);
  }

  /** Reserves the next sequence number for a record about to be sent. */
  long handOut() {
    synchronized (lock) {
      return handedOut++;
    }
  }

  /** A transaction ended after every record handed out so far. */
  void transactionEnded(Checkpoint checkpoint) {
    synchronized (lock) {
      ends.addLast(new End(handedOut, checkpoint));
      advance();
    }
  }

  /**
   * The source is idle at {@code checkpoint}: nothing is in the stream between the last transaction
   * and it, so it becomes committable with the records handed out so far.
   */
  void idle(Checkpoint checkpoint) {
    transactionEnded(checkpoint);
  }

  /** Kafka acknowledged the record with this sequence number. */
  void acknowledged(long sequence) {
    synchronized (lock) {
      if (sequence < acknowledged || sequence >= handedOut) {
        throw new IllegalStateException(
            "acknowledgement of record "
                + sequence
                + " outside the open range ["
                + acknowledged
                + ", "
                + handedOut
                + ")");
      }
      if (sequence == acknowledged) {
        acknowledged++;
        while (acknowledged - aheadBase < Integer.MAX_VALUE
            && ahead.get((int) (acknowledged - aheadBase))) {
          acknowledged++;
        }
        compact();
        advance();
      } else {
        long offset = sequence - aheadBase;
        if (offset >= Integer.MAX_VALUE) {
          throw new IllegalStateException("more than 2^31 records awaiting acknowledgement");
        }
        ahead.set((int) offset);
      }
    }
  }

  /** Kafka gave up on the record with this sequence number: nothing after it may be committed. */
  void failed(long sequence, RuntimeException cause) {
    synchronized (lock) {
      if (failure == null) {
        failure = cause;
      }
    }
  }

  /** The first send failure, if any; once set it stays. */
  Optional<RuntimeException> failure() {
    synchronized (lock) {
      return Optional.ofNullable(failure);
    }
  }

  /**
   * @throws PublishException carrying the first send failure, if there was one
   */
  void throwIfFailed() {
    RuntimeException cause;
    synchronized (lock) {
      cause = failure;
    }
    if (cause != null) {
      throw new PublishException("an earlier record was not acknowledged by Kafka", cause);
    }
  }

  /** The newest checkpoint every record before which was acknowledged, once there is one. */
  Optional<Checkpoint> committable() {
    synchronized (lock) {
      return Optional.ofNullable(committable);
    }
  }

  /** Records handed out and not yet acknowledged. */
  long inFlight() {
    synchronized (lock) {
      return handedOut - acknowledged;
    }
  }

  /** Transactions ended whose records are not all acknowledged yet. */
  int pendingTransactions() {
    synchronized (lock) {
      return ends.size();
    }
  }

  private void advance() {
    while (!ends.isEmpty() && ends.peekFirst().boundary() <= acknowledged) {
      committable = ends.pollFirst().checkpoint();
    }
  }

  /** Drops the bits below the acknowledged prefix once they are a good share of the set. */
  private void compact() {
    long shift = acknowledged - aheadBase;
    if (shift >= 4096 && shift * 2 >= ahead.length()) {
      BitSet kept = ahead.get((int) shift, Math.max((int) shift, ahead.length()));
      ahead.clear();
      ahead.or(kept);
      aheadBase = acknowledged;
    }
  }
}
