package dev.hamal.binlog;

import dev.hamal.binlog.schema.SchemaHistory;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a source's binlog as a replica and delivers decoded row changes to a {@link
 * ChangeHandler}, in binlog order, reconnecting by itself after recoverable failures.
 *
 * <pre>{@code
 * BinlogStream stream = BinlogStream.builder(source)
 *     .start(StartPosition.now())
 *     .tables(TableFilter.of(List.of("topup.*"), List.of()))
 *     .build();
 * stream.run(change -> System.out.println(change));   // blocks; stream.close() from elsewhere
 * }</pre>
 *
 * <p><b>Pipeline and threads.</b> A reader thread per connection frames events (it never decodes
 * rows) and groups them into batches; a fixed pool of decode threads decodes the rows of each batch
 * in parallel with the others; the thread that called {@link #run} takes the batches in order from
 * a bounded {@link Window}, waits for each to be decoded and calls the handler. The window is
 * bounded by batch count and bytes: when the handler is slow the reader stops reading the socket
 * and the source's dump thread waits on TCP.
 *
 * <p><b>Failures.</b> Retriable failures ({@link BinlogException#isRetriable()}: connection loss,
 * silence longer than the dead-connection timeout, checksum mismatch, truncated or garbled events)
 * end the session after every row before them has been delivered; the stream logs the failure,
 * waits with exponential back-off and jitter, and reconnects at the start of the transaction it was
 * in, skipping the rows it already delivered — nothing is lost or delivered twice. After {@code
 * maxAttemptsAtSamePosition} failures at the same transaction boundary it gives up with a {@link
 * RepeatedFailureException}. Fatal failures (purged position, schema mismatch, authentication,
 * configuration, incident) end {@code run} at once.
 */
public final class BinlogStream implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BinlogStream.class);

  /** Waits between reconnect attempts; tests substitute one that does not sleep. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final StreamSettings settings;
  private final StreamState state;
  private final Sleeper sleeper;
  private final RandomGenerator random;
  private final String server;

  private volatile boolean closed;
  private volatile ReaderSession session;
  private volatile Window window;
  private volatile Thread runner;

  // written by the consumer thread only, read by stats()
  private volatile long rowsDelivered;
  private volatile long transactions;
  private volatile long reconnects;
  private volatile Checkpoint lastCheckpoint;
  private volatile TransactionInfo lastTransaction;

  private BinlogStream(Builder b) {
    this.settings =
        new StreamSettings(
            b.source,
            b.start,
            b.stopAt,
            b.nonBlocking,
            b.annotateRows,
            b.tables,
            b.heartbeatInterval,
            b.deadConnectionTimeout != null
                ? b.deadConnectionTimeout
                : b.heartbeatInterval.multipliedBy(3),
            b.serverWriteTimeoutSeconds,
            b.decodeThreads,
            b.maxBatchesInFlight,
            b.maxBytesInFlight,
            b.batchMaxEvents,
            b.batchMaxBytes,
            b.reconnectInitialDelay,
            b.reconnectMaxDelay,
            b.maxAttemptsAtSamePosition,
            b.mapper);
    this.state = new StreamState(b.schemaHistory);
    this.sleeper = b.sleeper;
    this.random = b.random;
    this.server = b.source.name();
  }

  public static Builder builder(BinlogSource source) {
    return new Builder(source);
  }

  /**
   * Streams until {@link #close()} is called, the stop position is reached, or a fatal failure.
   *
   * @throws BinlogException the fatal failure (or {@link RepeatedFailureException})
   * @throws RuntimeException whatever the handler threw
   */
  public void run(ChangeHandler handler) throws InterruptedException {
    Objects.requireNonNull(handler, "handler");
    runner = Thread.currentThread();
    ThreadPoolExecutor decoders = decodePool();
    StartPosition resumeAt = settings.start();
    GtidState gtids = GtidState.unknown();
    Delivery delivery = new Delivery(handler);
    BinlogPosition failedAt = null;
    int attempts = 0; // consecutive failures at the same boundary: drives the back-off
    int contentFailures = 0; // of those, failures of the binlog's bytes: bounded
    try {
      while (!closed) {
        Window w = new Window(settings.maxBatchesInFlight(), settings.maxBytesInFlight());
        ReaderSession s = new ReaderSession(settings, w, decoders, resumeAt, gtids, state);
        window = w;
        session = s;
        s.start();
        BinlogException failure;
        try {
          failure = consume(w, delivery);
        } finally {
          s.stop();
          s.join();
        }
        if (failure == null) {
          return; // closed or end reached
        }
        if (!failure.isRetriable()) {
          throw failure;
        }
        // Where to resume: the transaction being delivered, or the last boundary.
        Optional<BinlogPosition> from = delivery.resumePosition();
        BinlogPosition key = from.orElse(null);
        boolean samePlace = Objects.equals(key, failedAt);
        attempts = samePlace ? attempts + 1 : 1;
        contentFailures = (samePlace ? contentFailures : 0) + (isContentFailure(failure) ? 1 : 0);
        failedAt = key;
        if (contentFailures >= settings.maxAttemptsAtSamePosition()) {
          throw new RepeatedFailureException(server, key, contentFailures, failure);
        }
        if (from.isPresent()) {
          resumeAt = StartPosition.at(from.get());
          gtids = delivery.gtidsAtResume();
          delivery.prepareResume();
        }
        long delay = backoff(attempts);
        reconnects++;
        log.warn(
            "{}: {}; reconnecting in {} ms from {} (attempt {}, {} failed reading the binlog there)",
            server,
            failure.getMessage(),
            delay,
            from.map(Object::toString).orElse(resumeAt.toString()),
            attempts,
            contentFailures);
        handler.onReconnect(failure, from.orElse(null), delay);
        sleeper.sleep(Duration.ofMillis(delay));
      }
    } finally {
      runner = null;
      decoders.shutdownNow();
    }
  }

  /**
   * Whether the failure is about the bytes read (corrupt, unsupported) rather than the connection:
   * only those are counted toward giving up, because a source that is down for a while (restart,
   * network cut) must be waited for, however long it takes.
   */
  private static boolean isContentFailure(BinlogException failure) {
    return failure instanceof CorruptEventException || failure instanceof UnsupportedEventException;
  }

  private long backoff(int attempt) {
    long initial = settings.reconnectInitialDelay().toMillis();
    long max = settings.reconnectMaxDelay().toMillis();
    long exp = initial << Math.min(attempt - 1, 20);
    long capped = Math.min(max, exp);
    return capped / 2 + (capped > 1 ? random.nextLong(capped / 2 + 1) : 0);
  }

  /**
   * Delivers batches until the session ends.
   *
   * @return the failure that ended the session, or null when it ended normally (end reached or
   *     closed)
   */
  private BinlogException consume(Window w, Delivery delivery) throws InterruptedException {
    while (!closed) {
      Batch batch = w.poll(100, TimeUnit.MILLISECONDS);
      if (batch == null) {
        continue;
      }
      batch.decoded.await();
      try {
        for (Batch.Item item : batch.items) {
          switch (item) {
            case Batch.RowsItem r -> {
              if (r.failure != null) {
                return r.failure;
              }
              delivery.rows(batch, r);
            }
            case Batch.CommitItem c -> delivery.commit(c.end());
            case Batch.SchemaItem s -> delivery.handler.onSchemaChange(s.change());
            case Batch.PositionItem p -> delivery.position(p);
            case Batch.FailureItem f -> {
              return f.failure();
            }
            case Batch.EndItem e -> {
              return null;
            }
          }
        }
      } finally {
        w.release(batch);
      }
    }
    return null;
  }

  /**
   * The consumer's record of what it delivered, which decides where a reconnect resumes and which
   * rows of the re-read transaction it skips.
   */
  private final class Delivery {
    final ChangeHandler handler;
    private Checkpoint boundary; // after the last delivered commit, or where the reader started
    private TransactionInfo current; // transaction whose rows are being delivered
    private long rowsInCurrent;
    private BinlogPosition skipBegin; // after a reconnect: the transaction to skip rows of
    private long skipRows;

    Delivery(ChangeHandler handler) {
      this.handler = handler;
    }

    void rows(Batch batch, Batch.RowsItem r) {
      TransactionInfo tx = r.transaction;
      if (current == null || !current.begin().equals(tx.begin())) {
        current = tx;
        rowsInCurrent = 0;
        lastTransaction = tx;
      }
      boolean skipping = skipBegin != null && skipBegin.equals(tx.begin());
      if (skipBegin != null && !skipping) {
        skipBegin = null; // the re-read transaction is over
      }
      if (r.mapperFailure != null) {
        throw r.mapperFailure;
      }
      int n = r.rows.rowCount();
      for (int i = 0; i < n; i++) {
        if (skipping && skipRows > 0) {
          skipRows--;
          rowsInCurrent++;
          continue;
        }
        handler.onRow(batch.change(r, i));
        rowsInCurrent++;
        rowsDelivered++;
      }
    }

    void commit(TransactionEnd end) {
      if (skipBegin != null && skipBegin.equals(end.transaction().begin())) {
        skipBegin = null;
      }
      handler.onCommit(end);
      boundary = end.checkpoint();
      lastCheckpoint = boundary;
      current = null;
      rowsInCurrent = 0;
      transactions++;
    }

    void position(Batch.PositionItem p) {
      if (current == null) {
        boundary = p.checkpoint();
        lastCheckpoint = boundary;
        if (p.heartbeat()) {
          handler.onHeartbeat(p.checkpoint());
        }
      }
    }

    Optional<BinlogPosition> resumePosition() {
      if (current != null) {
        return Optional.of(current.begin());
      }
      return boundary == null ? Optional.empty() : Optional.of(boundary.position());
    }

    GtidState gtidsAtResume() {
      if (boundary == null || boundary.gtidState().isEmpty()) {
        return GtidState.unknown();
      }
      String text = boundary.gtidState().get();
      return GtidState.looksLikeMariaDb(text)
          ? GtidState.mariaDb(text)
          : GtidState.mySql(MySqlGtidSet.parse(text));
    }

    /** The next session starts at the current transaction's begin: skip what was delivered. */
    void prepareResume() {
      if (current != null) {
        skipBegin = current.begin();
        skipRows = rowsInCurrent;
        current = null;
        rowsInCurrent = 0;
      }
    }
  }

  private ThreadPoolExecutor decodePool() {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, "hamal-decode-" + server + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    // The window admits at most maxBatchesInFlight batches, so the queue can never overflow;
    // AbortPolicy would expose a bug rather than drop work silently.
    return new ThreadPoolExecutor(
        settings.decodeThreads(),
        settings.decodeThreads(),
        0,
        TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(settings.maxBatchesInFlight() + 1),
        factory,
        new ThreadPoolExecutor.AbortPolicy());
  }

  /** Stops the stream; {@link #run} returns after delivering nothing more. Idempotent. */
  @Override
  public void close() {
    closed = true;
    ReaderSession s = session;
    if (s != null) {
      s.stop();
    }
  }

  /** A snapshot of the stream's counters, safe to call from any thread. */
  public Stats stats() {
    Window w = window;
    ReaderSession s = session;
    return new Stats(
        rowsDelivered,
        transactions,
        s == null ? 0 : s.eventsRead(),
        w == null ? 0 : w.batchesInFlight(),
        w == null ? 0 : w.bytesInFlight(),
        reconnects,
        Optional.ofNullable(lastCheckpoint),
        Optional.ofNullable(lastTransaction));
  }

  /**
   * Counters of a stream.
   *
   * @param rowsDelivered rows handed to the handler
   * @param transactions commits handed to the handler
   * @param eventsRead events framed by the current session
   * @param batchesInFlight batches read and not yet fully delivered
   * @param bytesInFlight bytes reserved by those batches
   * @param reconnects reconnects so far
   * @param lastCheckpoint the last transaction boundary delivered
   * @param lastTransaction the transaction of the last delivered row
   */
  public record Stats(
      long rowsDelivered,
      long transactions,
      long eventsRead,
      int batchesInFlight,
      long bytesInFlight,
      long reconnects,
      Optional<Checkpoint> lastCheckpoint,
      Optional<TransactionInfo> lastTransaction) {}

  /** Builder of {@link BinlogStream}; every setting has a default except the source. */
  public static final class Builder {
    private final BinlogSource source;
    private StartPosition start = StartPosition.now();
    private BinlogPosition stopAt;
    private boolean nonBlocking;
    private boolean annotateRows;
    private TableFilter tables = TableFilter.all();
    private SchemaHistory schemaHistory;
    private Duration heartbeatInterval = Duration.ofSeconds(5);
    private Duration deadConnectionTimeout;
    private int serverWriteTimeoutSeconds = 3600;
    private int decodeThreads = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    private int maxBatchesInFlight = 16;
    private long maxBytesInFlight = 16L << 20;
    private int batchMaxEvents = 512;
    private long batchMaxBytes = 1L << 20;
    private Duration reconnectInitialDelay = Duration.ofMillis(200);
    private Duration reconnectMaxDelay = Duration.ofSeconds(30);
    private int maxAttemptsAtSamePosition = 5;
    private RowMapper mapper;
    private Sleeper sleeper = d -> Thread.sleep(d.toMillis());
    private RandomGenerator random = RandomGenerator.getDefault();

    private Builder(BinlogSource source) {
      this.source = Objects.requireNonNull(source, "source");
    }

    /** Where to start; default {@link StartPosition#now()}. */
    public Builder start(StartPosition value) {
      this.start = Objects.requireNonNull(value, "start");
      return this;
    }

    /** Stop before the event at this position (exclusive); default: never. */
    public Builder stopAt(BinlogPosition value) {
      this.stopAt = Objects.requireNonNull(value, "stopAt");
      return this;
    }

    /** Stop at the source's current end instead of waiting for new events; default false. */
    public Builder nonBlocking(boolean value) {
      this.nonBlocking = value;
      return this;
    }

    /**
     * Asks a MariaDB source for its ANNOTATE_ROWS events (the SQL text of each row statement),
     * which the stream then skips; default false. They can make up a third of a MariaDB binlog, but
     * without them a MariaDB 11.4 source ({@code binlog_legacy_event_pos=OFF}) tells no positions
     * inside transactions, and the positions of rows events are then counted from the events that
     * did arrive: still increasing and unique, but not the file offsets {@code SHOW BINLOG EVENTS}
     * lists. Transaction boundaries are exact either way.
     */
    public Builder annotateRows(boolean value) {
      this.annotateRows = value;
      return this;
    }

    /** Tables to decode; default {@link TableFilter#all()}. */
    public Builder tables(TableFilter value) {
      this.tables = Objects.requireNonNull(value, "tables");
      return this;
    }

    /**
     * The schema history used when the binlog carries no column names ({@code binlog_row_metadata}
     * not FULL); default: an in-memory history seeded from {@code information_schema} when the
     * stream starts.
     */
    public Builder schemaHistory(SchemaHistory value) {
      this.schemaHistory = Objects.requireNonNull(value, "schemaHistory");
      return this;
    }

    /** How often an idle source sends a heartbeat; default 5 s. */
    public Builder heartbeatInterval(Duration value) {
      this.heartbeatInterval = positive("heartbeatInterval", value);
      return this;
    }

    /** Silence after which the connection counts as dead; default 3 heartbeat intervals. */
    public Builder deadConnectionTimeout(Duration value) {
      this.deadConnectionTimeout = positive("deadConnectionTimeout", value);
      return this;
    }

    /** Decode worker threads; default: processors - 1, at least 1. */
    public Builder decodeThreads(int value) {
      this.decodeThreads = range("decodeThreads", value, 1, 256);
      return this;
    }

    /** Batches read ahead of the handler; default 16. */
    public Builder maxBatchesInFlight(int value) {
      this.maxBatchesInFlight = range("maxBatchesInFlight", value, 1, 1 << 16);
      return this;
    }

    /** Bytes read ahead of the handler (events and decoded values); default 16 MiB. */
    public Builder maxBytesInFlight(long value) {
      if (value < 1 << 16) {
        throw new IllegalArgumentException(
            "maxBytesInFlight must be at least 64 KiB, was " + value);
      }
      this.maxBytesInFlight = value;
      return this;
    }

    /** A batch closes after this many events; default 512. */
    public Builder batchMaxEvents(int value) {
      this.batchMaxEvents = range("batchMaxEvents", value, 1, 1 << 20);
      return this;
    }

    /** A batch closes after this many event bytes; default 1 MiB. */
    public Builder batchMaxBytes(long value) {
      if (value < 1) {
        throw new IllegalArgumentException("batchMaxBytes must be positive, was " + value);
      }
      this.batchMaxBytes = value;
      return this;
    }

    /** First reconnect delay (doubled per attempt, with jitter); default 200 ms. */
    public Builder reconnectInitialDelay(Duration value) {
      this.reconnectInitialDelay = positive("reconnectInitialDelay", value);
      return this;
    }

    /** Longest reconnect delay; default 30 s. */
    public Builder reconnectMaxDelay(Duration value) {
      this.reconnectMaxDelay = positive("reconnectMaxDelay", value);
      return this;
    }

    /**
     * Failures reading the binlog's bytes (corrupt or unsupported events) at the same transaction
     * boundary before the stream gives up; default 5. Connection failures (a source that is down,
     * restarting or unreachable) do not count: they are retried with back-off for as long as it
     * takes.
     */
    public Builder maxAttemptsAtSamePosition(int value) {
      this.maxAttemptsAtSamePosition = range("maxAttemptsAtSamePosition", value, 1, 1000);
      return this;
    }

    /** The source session's {@code net_write_timeout} while the handler applies back-pressure. */
    public Builder serverWriteTimeoutSeconds(int value) {
      this.serverWriteTimeoutSeconds = range("serverWriteTimeoutSeconds", value, 1, 31_536_000);
      return this;
    }

    /**
     * Work to run on every row change on the decode worker that decoded it (see {@link RowMapper});
     * its result reaches the handler with the change. Default: none.
     */
    public Builder mapper(RowMapper value) {
      this.mapper = Objects.requireNonNull(value, "mapper");
      return this;
    }

    public Builder sleeper(Sleeper value) {
      this.sleeper = Objects.requireNonNull(value, "sleeper");
      return this;
    }

    public Builder random(RandomGenerator value) {
      this.random = Objects.requireNonNull(value, "random");
      return this;
    }

    public BinlogStream build() {
      if (reconnectMaxDelay.compareTo(reconnectInitialDelay) < 0) {
        throw new IllegalArgumentException(
            "reconnectMaxDelay "
                + reconnectMaxDelay
                + " < reconnectInitialDelay "
                + reconnectInitialDelay);
      }
      return new BinlogStream(this);
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
    }

    private static int range(String name, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            name + " must be in " + min + ".." + max + ", was " + value);
      }
      return value;
    }
  }
}
