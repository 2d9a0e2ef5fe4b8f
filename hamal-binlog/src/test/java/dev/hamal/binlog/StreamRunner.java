package dev.hamal.binlog;

import static org.awaitility.Awaitility.await;

import dev.hamal.embedded.MariaDbServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs a {@link BinlogStream} on a background thread for a test and records everything it delivers:
 * rows, commits, schema changes, heartbeats, reconnects, and how it ended.
 */
final class StreamRunner implements ChangeHandler, AutoCloseable {
  private static final java.util.concurrent.atomic.AtomicInteger NEXT_SERVER_ID =
      new java.util.concurrent.atomic.AtomicInteger(7000);
  final List<RowChange> rows = Collections.synchronizedList(new ArrayList<>());
  final List<TransactionEnd> commits = Collections.synchronizedList(new ArrayList<>());
  final List<SchemaChange> schemaChanges = Collections.synchronizedList(new ArrayList<>());
  final List<Checkpoint> heartbeats = Collections.synchronizedList(new ArrayList<>());
  final List<BinlogException> reconnects = Collections.synchronizedList(new ArrayList<>());
  final AtomicReference<Throwable> ended = new AtomicReference<>();
  private volatile boolean finished;
  private final BinlogStream stream;
  private final Thread thread;

  private StreamRunner(BinlogStream stream) {
    this.stream = stream;
    this.thread =
        new Thread(
            () -> {
              try {
                stream.run(this);
              } catch (Throwable t) {
                ended.set(t);
              } finally {
                finished = true;
              }
            },
            "test-stream");
    thread.setDaemon(true);
  }

  /** Starts a stream built by {@code configure} from a builder for the server's replica user. */
  static StreamRunner start(MariaDbServer server, Consumer<BinlogStream.Builder> configure) {
    return start(server, configure, source -> {});
  }

  static StreamRunner start(
      MariaDbServer server,
      Consumer<BinlogStream.Builder> configure,
      Consumer<BinlogSource.Builder> configureSource) {
    return start(server, configure, configureSource, 0);
  }

  /** A stream to {@code port} (a fault proxy in front of the server) or the server itself (0). */
  static StreamRunner start(
      MariaDbServer server,
      Consumer<BinlogStream.Builder> configure,
      Consumer<BinlogSource.Builder> configureSource,
      int port) {
    BinlogSource.Builder source = source(server, port);
    configureSource.accept(source);
    BinlogStream.Builder b = BinlogStream.builder(source.build());
    b.reconnectInitialDelay(Duration.ofMillis(50)).reconnectMaxDelay(Duration.ofMillis(500));
    configure.accept(b);
    StreamRunner runner = new StreamRunner(b.build());
    runner.thread.start();
    return runner;
  }

  static BinlogSource.Builder source(MariaDbServer server, int port) {
    return BinlogSource.builder(server.host(), port == 0 ? server.port() : port)
        .user(server.replicationUser())
        .password(server.replicationPassword())
        .sslMode(SslMode.DISABLED)
        .serverId(NEXT_SERVER_ID.incrementAndGet());
  }

  BinlogStream stream() {
    return stream;
  }

  boolean isFinished() {
    return finished;
  }

  /** Fails (for Awaitility's fail-fast) once the stream has ended, saying how. */
  void assertRunning() {
    if (finished) {
      throw new AssertionError("the stream ended: " + ended.get(), ended.get());
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
  public void onSchemaChange(SchemaChange change) {
    schemaChanges.add(change);
  }

  @Override
  public void onHeartbeat(Checkpoint checkpoint) {
    heartbeats.add(checkpoint);
  }

  @Override
  public void onReconnect(BinlogException cause, BinlogPosition resumeAt, long delayMillis) {
    reconnects.add(cause);
  }

  /** Rows of one table, in delivery order. */
  List<RowChange> rowsOf(String schema, String table) {
    synchronized (rows) {
      return rows.stream()
          .filter(r -> r.table().name().equals(new TableName(schema, table)))
          .toList();
    }
  }

  void awaitRows(String schema, String table, int count, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(20))
        .failFast(this::assertRunning)
        .until(() -> rowsOf(schema, table).size() >= count);
  }

  /** Waits until the stream has started (delivered its first position). */
  void awaitStarted(Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(20))
        .failFast(this::assertRunning)
        .until(() -> stream.stats().lastCheckpoint().isPresent());
  }

  Throwable awaitEnd(Duration timeout) {
    await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> finished);
    return ended.get();
  }

  @Override
  public void close() {
    stream.close();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void sql(MariaDbServer server, String... statements) {
    try (Connection c =
            DriverManager.getConnection(
                server.jdbcUrl(""), server.adminUser(), server.adminPassword());
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
