package dev.hamal.binlog;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded, ordered hand-off between the reader (producer) and the consumer: at most {@code
 * maxBatches} batches and {@code maxBytes} reserved bytes in flight. A full window blocks the
 * reader, which stops reading the socket, so back-pressure reaches the source through TCP. A batch
 * larger than the byte budget is admitted alone (when the window is empty), so one huge event
 * cannot deadlock the stream.
 *
 * <p>"Handed out" (taken by the consumer) and "released" (consumer done with it) are tracked
 * separately: bytes stay reserved until {@link #release}, because the decoded rows are still
 * referenced while the consumer delivers them.
 */
final class Window {
  private final int maxBatches;
  private final long maxBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notFull = lock.newCondition();
  private final Condition notEmpty = lock.newCondition();
  private final ArrayDeque<Batch> queue = new ArrayDeque<>();
  private int inFlight; // queued + handed out, not yet released
  private long reservedBytes;
  private boolean closed;

  Window(int maxBatches, long maxBytes) {
    this.maxBatches = maxBatches;
    this.maxBytes = maxBytes;
  }

  /**
   * Adds a batch, waiting while the window is full.
   *
   * @return false when the window was closed (the batch was not added)
   */
  boolean put(Batch batch) throws InterruptedException {
    long need = batch.reservation();
    lock.lockInterruptibly();
    try {
      while (!closed
          && (inFlight >= maxBatches || (reservedBytes > 0 && reservedBytes + need > maxBytes))) {
        notFull.await();
      }
      if (closed) {
        return false;
      }
      inFlight++;
      reservedBytes += need;
      queue.addLast(batch);
      notEmpty.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The oldest batch, or {@code null} after {@code timeout} without one. */
  Batch poll(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lockInterruptibly();
    try {
      while (queue.isEmpty()) {
        if (nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      return queue.pollFirst();
    } finally {
      lock.unlock();
    }
  }

  /** The consumer is done with a batch it took: its budget returns to the reader. */
  void release(Batch batch) {
    lock.lock();
    try {
      inFlight--;
      reservedBytes -= batch.reservation();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Unblocks the reader for good (end of a session); queued batches are dropped. */
  void close() {
    lock.lock();
    try {
      closed = true;
      queue.clear();
      notFull.signalAll();
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  int batchesInFlight() {
    lock.lock();
    try {
      return inFlight;
    } finally {
      lock.unlock();
    }
  }

  long bytesInFlight() {
    lock.lock();
    try {
      return reservedBytes;
    } finally {
      lock.unlock();
    }
  }
}
