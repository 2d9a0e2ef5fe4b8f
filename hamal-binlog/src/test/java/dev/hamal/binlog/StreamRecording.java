package dev.hamal.binlog;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a {@link BinlogStream} on a thread of its own and records everything its handler is given
 * (rows, commits, reconnects with their resume position and delay) and how {@code run} ended; the
 * sleeper it hands out records the back-off delays instead of waiting them. Close it before the
 * server it streams from, so that a failed test does not leave the stream reconnecting.
 */
final class StreamRecording implements ChangeHandler, AutoCloseable {

  /** One {@link ChangeHandler#onReconnect} call. */
  record Reconnect(BinlogException cause, BinlogPosition resumeAt, long delayMillis) {}

  final List<RowChange> rows = Collections.synchronizedList(new ArrayList<>());
  final List<TransactionEnd> commits = Collections.synchronizedList(new ArrayList<>());
  final List<Reconnect> reconnects = Collections.synchronizedList(new ArrayList<>());
  final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean finished;
  private BinlogStream stream;

  /** A sleeper that records the delay and returns at once. */
  BinlogStream.Sleeper sleeper() {
    return sleeps::add;
  }

  /** Starts {@code stream.run(this)} on a new thread. */
  StreamRecording start(BinlogStream value) {
    this.stream = value;
    Thread thread =
        new Thread(
            () -> {
              try {
                value.run(this);
              } catch (Throwable t) {
                failure.set(t);
              } finally {
                finished = true;
              }
            },
            "scripted-stream");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /** Waits until {@code run} has returned or thrown; returns what it threw, or null. */
  Throwable awaitEnd(Duration timeout) {
    await().atMost(timeout).pollInterval(Duration.ofMillis(10)).until(() -> finished);
    return failure.get();
  }

  /** Waits for {@code count} commits while the stream runs. */
  void awaitCommits(int count, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(10))
        .failFast(() -> {
          if (finished) {
            throw new AssertionError("the stream ended: " + failure.get(), failure.get());
          }
        })
        .until(() -> commits.size() >= count);
  }

  /** Closes the stream and waits for {@code run} to return. */
  Throwable closeAndAwaitEnd(Duration timeout) {
    stream.close();
    return awaitEnd(timeout);
  }

  /** Closes the stream (a test that failed early must not leave it reconnecting). */
  @Override
  public void close() {
    if (stream != null) {
      stream.close();
    }
  }

  @Override
  public void onRow(RowChange change) {
    rows.add(change);
  }

  @Override
  public void onCommit(TransactionEnd end) {
    commits.add(end);
  }

  @Override
  public void onReconnect(BinlogException cause, BinlogPosition resumeAt, long delayMillis) {
    reconnects.add(new Reconnect(cause, resumeAt, delayMillis));
  }
}
