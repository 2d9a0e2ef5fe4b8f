package dev.hamal.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.Checkpoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PublishTrackerTest {
  private static Checkpoint at(long position) {
    return new Checkpoint(new BinlogPosition("mysql-bin.000001", position), Optional.empty());
  }

  @Test
  void shouldNotCommitATransactionBeforeEveryRecordOfItIsAcknowledged() {
    PublishTracker tracker = new PublishTracker(Optional.of(at(4)));
    long a = tracker.handOut();
    long b = tracker.handOut();
    tracker.transactionEnded(at(100));

    tracker.acknowledged(b);
    assertThat(tracker.committable()).contains(at(4));

    tracker.acknowledged(a);
    assertThat(tracker.committable()).contains(at(100));
    assertThat(tracker.inFlight()).isZero();
  }

  @Test
  void shouldNotCommitALaterTransactionWhileAnEarlierOneIsUnacknowledged() {
    PublishTracker tracker = new PublishTracker(Optional.of(at(4)));
    long first = tracker.handOut();
    tracker.transactionEnded(at(100));
    long second = tracker.handOut();
    tracker.transactionEnded(at(200));

    tracker.acknowledged(second);
    assertThat(tracker.committable()).contains(at(4));
    assertThat(tracker.pendingTransactions()).isEqualTo(2);

    tracker.acknowledged(first);
    assertThat(tracker.committable()).contains(at(200));
  }

  @Test
  void shouldNeverCommitPastAFailedRecord() {
    PublishTracker tracker = new PublishTracker(Optional.of(at(4)));
    long failed = tracker.handOut();
    tracker.transactionEnded(at(100));
    long later = tracker.handOut();
    tracker.transactionEnded(at(200));

    tracker.failed(failed, new IllegalStateException("broker gone"));
    tracker.acknowledged(later);

    assertThat(tracker.committable()).contains(at(4));
    assertThat(tracker.failure()).get().hasToString("java.lang.IllegalStateException: broker gone");
  }

  @Test
  void shouldMakeAnIdleCheckpointCommittableOnceEarlierRecordsAreAcknowledged() {
    PublishTracker tracker = new PublishTracker(Optional.of(at(4)));
    long a = tracker.handOut();
    tracker.transactionEnded(at(100));
    tracker.idle(at(150));
    assertThat(tracker.committable()).contains(at(4));

    tracker.acknowledged(a);
    assertThat(tracker.committable()).contains(at(150));

    tracker.idle(at(300));
    assertThat(tracker.committable()).as("nothing in flight").contains(at(300));
  }

  @Test
  void shouldRejectAnAcknowledgementOfARecordNeverHandedOutOrAcknowledgedTwice() {
    PublishTracker tracker = new PublishTracker(Optional.of(at(4)));
    long a = tracker.handOut();
    tracker.acknowledged(a);

    assertThatThrownBy(() -> tracker.acknowledged(a)).hasMessageContaining("outside");
    assertThatThrownBy(() -> tracker.acknowledged(5)).hasMessageContaining("outside");
  }

  /**
   * Many transactions, acknowledgements in a random order: after each acknowledgement the
   * committable checkpoint is the newest transaction end below the lowest unacknowledged record,
   * computed here from the plain list of what was acknowledged.
   */
  @Test
  void shouldAlwaysCommitTheNewestFullyAcknowledgedTransactionWhateverTheAckOrder() {
    for (long seed = 0; seed < 50; seed++) {
      Random random = new Random(seed);
      PublishTracker tracker = new PublishTracker(Optional.of(at(4)));
      List<long[]> ends = new ArrayList<>(); // {boundary, position}
      List<Long> records = new ArrayList<>();
      int transactions = 1 + random.nextInt(300);
      for (int t = 1; t <= transactions; t++) {
        int rows = random.nextInt(random.nextInt(10) == 0 ? 2_000 : 20);
        for (int r = 0; r < rows; r++) {
          records.add(tracker.handOut());
        }
        tracker.transactionEnded(at(t * 10L));
        ends.add(new long[] {records.size(), t * 10L});
      }
      // a shuffle that keeps acknowledgements roughly in order, as partitions do
      List<Long> order = new ArrayList<>(records);
      for (int i = 0; i < order.size(); i += 64) {
        Collections.shuffle(
            order.subList(i, Math.min(order.size(), i + 64 + random.nextInt(64))), random);
      }
      boolean[] acked = new boolean[records.size()];
      int lowest = 0;
      for (long sequence : order) {
        tracker.acknowledged(sequence);
        acked[(int) sequence] = true;
        while (lowest < acked.length && acked[lowest]) {
          lowest++;
        }
        long expected = 4;
        for (long[] end : ends) {
          if (end[0] <= lowest) {
            expected = end[1];
          }
        }
        assertThat(tracker.committable()).as("seed %d", seed).contains(at(expected));
      }
      assertThat(tracker.committable()).contains(at(transactions * 10L));
      assertThat(tracker.inFlight()).isZero();
    }
  }
}
