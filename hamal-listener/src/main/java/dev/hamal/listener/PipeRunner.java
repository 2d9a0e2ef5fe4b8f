package dev.hamal.listener;

import dev.hamal.binlog.BinlogException;
import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.BinlogStream;
import dev.hamal.binlog.ChangeHandler;
import dev.hamal.binlog.Checkpoint;
import dev.hamal.binlog.RowChange;
import dev.hamal.binlog.TransactionEnd;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one pipe: its binlog stream, decoded and mapped in parallel by the stream's workers (the
 * mapper turns each row into {@link Outgoing} records), published in binlog order, and its position
 * committed for acknowledged work only.
 *
 * <p>The sliding window: the stream's window bounds the batches read and not yet delivered (by
 * count and bytes); the producer's buffer bounds the records delivered and not yet acknowledged;
 * the {@link PublishTracker} slides the committable checkpoint forward as acknowledgements arrive.
 * A huge transaction therefore flows through in pieces and is never held whole; its position is
 * committed once its last record is acknowledged.
 *
 * <p>Threads: {@link #run()} is the stream's handler thread (hands records to the producer); the
 * producer's I/O thread reports acknowledgements; the given scheduler commits every {@code
 * commitInterval}. {@link #stop()} may be called from any thread.
 *
 * <p>Failure: a record Kafka does not acknowledge, a mapper or stream failure, or a refused commit
 * (fenced: another instance owns the pipe now) stops the pipe; {@code run} throws it. What was
 * acknowledged before is still committed on the way out, unless the commit itself was refused.
 * Nothing after the first unacknowledged record is ever committed.
 */
public final class PipeRunner {
  private static final Logger log = LoggerFactory.getLogger(PipeRunner.class);

  private final String name;
  private final BinlogStream stream;
  private final KafkaPublisher publisher;
  private final PublishTracker tracker;
  private final CheckpointStore store;
  private final ScheduledExecutorService scheduler;
  private final Duration commitInterval;
  private final Clock clock;
  private final AtomicReference<Optional<Checkpoint>> committed;
  private final AtomicReference<RuntimeException> commitFailure = new AtomicReference<>();
  private volatile Instant lastCommitTime;
  private volatile boolean idle;
  private volatile String retrying;
  private Instant rateSince;
  private long rowsAtRateSince;

  PipeRunner(
      String name,
      BinlogStream stream,
      KafkaPublisher publisher,
      PublishTracker tracker,
      Optional<Checkpoint> start,
      CheckpointStore store,
      ScheduledExecutorService scheduler,
      Duration commitInterval,
      Clock clock) {
    this.name = Objects.requireNonNull(name, "name");
    this.stream = Objects.requireNonNull(stream, "stream");
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.tracker = Objects.requireNonNull(tracker, "tracker");
    this.committed = new AtomicReference<>(Objects.requireNonNull(start, "start"));
    this.store = Objects.requireNonNull(store, "store");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.commitInterval = Objects.requireNonNull(commitInterval, "commitInterval");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Streams until {@link #stop()} or a failure, then flushes the producer and commits what Kafka
   * acknowledged.
   *
   * @throws ListenerException or a binlog exception: why the pipe stopped, when it was not asked to
   */
  public void run() throws InterruptedException {
    long millis = commitInterval.toMillis();
    ScheduledFuture<?> committer =
        scheduler.scheduleWithFixedDelay(
            this::commitQuietly, millis, millis, TimeUnit.MILLISECONDS);
    RuntimeException failure = null;
    try {
      stream.run(new Handler());
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      committer.cancel(false);
      stream.close();
      try {
        publisher.flush();
        commit();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      } finally {
        publisher.close();
      }
    }
    RuntimeException refused = commitFailure.get();
    if (failure == null && refused != null) {
      failure = refused;
    }
    if (failure != null) {
      throw failure;
    }
    log.info(
        "pipe {} stopped at {}",
        name,
        committed.get().map(c -> c.position().toString()).orElse("its start (nothing committed)"));
  }

  /** Asks the pipe to stop; {@link #run()} returns once it committed what was acknowledged. */
  public void stop() {
    stream.close();
  }

  /** The last checkpoint committed to the store (or started from), once there is one. */
  public Optional<Checkpoint> committed() {
    return committed.get();
  }

  /** Seconds between the newest delivered transaction's commit on the source and now; 0 idle. */
  public double lagSeconds() {
    Instant last = lastCommitTime;
    if (idle || last == null) {
      return 0;
    }
    return Math.max(0, Duration.between(last, clock.instant()).toMillis() / 1000.0);
  }

  /** Rows per second delivered since the previous call (the first call: since the start). */
  public synchronized double rowsPerSecond(Clock now) {
    long rows = stream.stats().rowsDelivered();
    Instant at = now.instant();
    double rate =
        rateSince == null
            ? 0
            : (rows - rowsAtRateSince)
                / Math.max(0.001, Duration.between(rateSince, at).toMillis() / 1000.0);
    rateSince = at;
    rowsAtRateSince = rows;
    return rate;
  }

  /**
   * Why the stream is reconnecting to the source, while it is: set when a connection fails, cleared
   * by the next change, commit or heartbeat.
   */
  public Optional<String> retrying() {
    return Optional.ofNullable(retrying);
  }

  /** Records handed to Kafka and not yet acknowledged. */
  public long recordsInFlight() {
    return tracker.inFlight();
  }

  /** The stream's counters. */
  public BinlogStream.Stats streamStats() {
    return stream.stats();
  }

  private void commitQuietly() {
    try {
      commit();
    } catch (RuntimeException e) {
      if (commitFailure.compareAndSet(null, e)) {
        log.error("pipe {}: committing its position failed; stopping it", name, e);
      }
      stream.close();
    }
  }

  private synchronized void commit() {
    if (commitFailure.get() != null) {
      return; // refused once (fenced): never write again
    }
    Optional<Checkpoint> next = tracker.committable();
    if (next.isPresent() && !next.equals(committed.get())) {
      store.commit(next.get());
      committed.set(next);
    }
  }

  private final class Handler implements ChangeHandler {
    @Override
    public void onRow(RowChange change) {
      idle = false;
      retrying = null;
      Object mapped = change.mapped().orElse(null);
      if (mapped instanceof Outgoing record) {
        publisher.send(record);
      } else if (mapped instanceof List<?> records) {
        for (Object record : records) {
          publisher.send((Outgoing) record);
        }
      } else if (mapped != null) {
        throw new IllegalStateException(
            "the pipe's mapper returned a " + mapped.getClass().getName() + ", not Outgoing");
      }
    }

    @Override
    public void onCommit(TransactionEnd end) {
      lastCommitTime = end.transaction().commitTime();
      retrying = null;
      tracker.transactionEnded(end.checkpoint());
    }

    @Override
    public void onHeartbeat(Checkpoint checkpoint) {
      idle = true;
      retrying = null;
      tracker.idle(checkpoint);
    }

    @Override
    public void onReconnect(BinlogException cause, BinlogPosition resumeAt, long delayMillis) {
      retrying = "retrying the source: " + cause.getMessage();
    }
  }
}
