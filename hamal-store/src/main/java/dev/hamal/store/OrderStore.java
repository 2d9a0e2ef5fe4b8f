package dev.hamal.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.hamal.order.OrderChangeCodec;
import dev.hamal.order.OrderChangeRecord;
import dev.hamal.order.OrderHistory;
import dev.hamal.order.OrderLookup;
import dev.hamal.order.OrderPage;
import dev.hamal.order.OrderQuery;
import dev.hamal.order.OrderSearch;
import dev.hamal.order.OrderSink;
import dev.hamal.order.OrderSinkUnavailableException;
import dev.hamal.order.OrderVersion;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.SinkResult;
import dev.hamal.order.SortKey;
import dev.hamal.order.StoredOrder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order store: unified orders in MySQL/MariaDB, sharded by order id over one or more databases,
 * written by version-guarded upserts; the system of record for the gateway's reads.
 *
 * <p><b>Sharding.</b> Order {@code id} lives on shard {@link #shardOf(String, int) floorMod(CRC32(
 * UTF-8 bytes of id), N)} of the N configured databases (CRC32 as an unsigned 32-bit value, as
 * {@link CRC32} computes it). The function is stable across JVMs and releases; changing N, or the
 * order of the shard list, moves orders between shards and needs a re-shard (copy every order to
 * its new shard, then switch), which this class does not do. Each shard has its own HikariCP pool,
 * named {@code hamal-store-shard-<index>}.
 *
 * <p><b>Writes.</b> {@link #apply} keeps the newest write per order id (older duplicates in the
 * batch are stale), groups them by shard and, per shard, in one READ COMMITTED transaction:
 *
 * <ol>
 *   <li>reads the stored versions of the batch's ids ({@code SELECT order_id, version ... WHERE
 *       order_id IN (...) FOR UPDATE}, ids sorted, one statement per chunk) and drops every write
 *       that is not newer: those are stale, and are never sent;
 *   <li>sends the rest as multi-row {@code INSERT ... ON DUPLICATE KEY UPDATE} statements whose
 *       every assignment is guarded by the version (see {@link OrderRows}), in chunks of at most
 *       {@code store.batch-size} rows and {@value #CHUNK_BYTES} bytes;
 *   <li>checks each statement's affected-row count against the prediction (1 per insert, 2 per
 *       update, with {@code useAffectedRows}); on a mismatch (another writer raced on the same ids)
 *       it re-reads the chunk's versions, now locked by this transaction, and counts a write
 *       applied only if the stored version is its own;
 *   <li>commits, then returns.
 * </ol>
 *
 * The guard, not the pre-read, keeps the data right under any interleaving of writers: the pre-read
 * only makes the counts exact and keeps stale rows off the wire (a replay costs one indexed read
 * per chunk). The {@code FOR UPDATE} locks existing rows in primary-key order and READ COMMITTED
 * takes no gap locks for it, but {@code ON DUPLICATE KEY UPDATE} still takes next-key locks on the
 * duplicates it meets, and inserts into those gaps wait for them: two writers can deadlock even on
 * disjoint ids (measured with two callers on one shard), hence the retry below.
 *
 * <p><b>Change history.</b> With {@code store.history} on, the same transaction then records every
 * distinct change of the shard's part of the batch in {@code order_changes} ({@link
 * OrderChangeRows}): each {@code (order id, version)} once, the older duplicates within the batch
 * and the stale writes included (they happened at the source; they just did not win), the writes
 * {@code orders} refused excluded, and those the history holds already (read first from the {@code
 * (order_id, version)} key, so a replay inserts nothing). The multi-row {@code INSERT ... ON
 * DUPLICATE KEY UPDATE order_id = order_id} makes a change a concurrent writer recorded meanwhile a
 * no-op. One transaction holds both, so the history never names a change the order row has not been
 * given, and a failed batch leaves neither. A change the history cannot hold (a value too long for
 * it, possible only for a write that never reached {@code orders}) is returned as a rejection.
 * {@link #history} reads an order's changes newest first; {@link #purgeHistory} deletes those that
 * committed longer than {@code store.history-retention} ago, in statements of at most {@value
 * #PURGE_ROWS} rows, on a daemon thread of the store every {@code historyPurgeInterval}.
 *
 * <p><b>Failure.</b> A chunk that fails with a data error (a value too long, out of range, a bad
 * date: SQLState class 22/23 or the equivalent server codes; see {@link SqlErrors}) is retried row
 * by row in the same transaction (the server rolled back only the failed statement); rows that fail
 * again are returned as {@link SinkResult.Rejection}s with the server's reason, and the rest are
 * applied. A deadlock (error 1213, which rolls the whole transaction back) reruns the shard's
 * transaction, at most {@value #DEADLOCK_ATTEMPTS} times in all. Any other SQL failure (and a
 * deadlock on the last attempt) rolls the shard's transaction back and throws {@link
 * OrderSinkUnavailableException}; shards written before it stay committed (harmless: the caller
 * retries the whole batch and the guard makes the replay a no-op). Reads throw {@link
 * OrderSinkUnavailableException} for any SQL failure and {@link OrderStoreException} for a record
 * that cannot be decoded.
 *
 * <p><b>Searching.</b> {@link #search} sends every shard the query's filters over the typed columns
 * ({@link SearchStatement}: a superset of the query, newest first, {@code LIMIT limit + 1}, keyset
 * continuation on {@code (created_at, order_id)}), checks each decoded order exactly against the
 * query and its position, and merges the shards' lists by {@link SortKey#ORDER}. Several lines (or
 * a line's several statuses) are read one statement each, so every statement reads one index in its
 * order instead of sorting. A statement runs at most {@code store.search-timeout}; running out,
 * like any SQL failure, is {@link OrderSinkUnavailableException}: a search never answers with some
 * shards missing.
 *
 * <p><b>Threading.</b> Thread-safe: every call borrows its own connections from the pools, so
 * several processor threads may share one store; the purge runs on its own thread, stopped by
 * {@link #close}. The shards of one batch are written concurrently, and the shards of one search
 * are searched concurrently, each on a virtual thread of its own (one connection per shard and
 * call, so a shard's pool bounds the statements it runs at once, and a call waits at most {@code
 * store.connection-timeout} for a connection); a call that touches one shard runs on the calling
 * thread.
 */
public final class OrderStore implements OrderSink, OrderLookup, OrderSearch, OrderHistory {
  /**
   * Most bytes of documents one upsert statement carries, well below {@code max_allowed_packet}.
   */
  static final int CHUNK_BYTES = 4 << 20;

  /**
   * How often a shard's transaction runs when the server picks it as a deadlock victim (which rolls
   * the whole transaction back) before the batch fails as unavailable.
   */
  static final int DEADLOCK_ATTEMPTS = 3;

  /** Classpath location of the migrations. */
  static final String MIGRATIONS = "classpath:db/hamal-store";

  /** Flyway's history table in every shard. */
  static final String HISTORY_TABLE = "hamal_store_schema_history";

  /** A session's settings: UTC for DATETIME values, strict mode so bad values fail, not shrink. */
  static final String SESSION_SQL =
      "SET time_zone = '+00:00', sql_mode = 'STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
          + "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'";

  /** Search results' order: {@link SortKey#ORDER} of the records' orders. */
  private static final Comparator<StoredOrder> BY_SORT_KEY =
      Comparator.comparing(o -> SortKey.of(o.order()), SortKey.ORDER);

  private static final Logger log = LoggerFactory.getLogger(OrderStore.class);

  /** Most rows one purge statement deletes, so no statement holds locks on many rows for long. */
  static final int PURGE_ROWS = 10_000;

  private final OrderStoreConfig config;
  private final List<HikariDataSource> shards;
  private final Clock clock;
  private final OrderRows rows;
  private final OrderChangeRows changeRows;
  private final String fullUpsert;
  private final String fullChangeInsert;
  private final Optional<ScheduledExecutorService> purger;

  private OrderStore(OrderStoreConfig config, List<HikariDataSource> shards, Clock clock) {
    this.config = config;
    this.shards = shards;
    this.clock = clock;
    var codec = new OrderChangeCodec();
    this.rows = new OrderRows(codec);
    this.changeRows = new OrderChangeRows(codec);
    this.fullUpsert = OrderRows.upsertSql(config.batchSize());
    this.fullChangeInsert = OrderChangeRows.insertSql(config.batchSize());
    this.purger =
        config.historyPurgeInterval().isZero()
            ? Optional.empty()
            : Optional.of(
                Executors.newSingleThreadScheduledExecutor(task -> {
                  Thread thread = new Thread(task, "hamal-store-history-purge");
                  thread.setDaemon(true);
                  return thread;
                }));
  }

  /**
   * Opens a pool per shard and, when {@code store.migrate} is on, migrates every shard; the history
   * purge measures the retention on the system clock.
   *
   * @throws OrderSinkUnavailableException if a shard cannot be reached
   * @throws OrderStoreException if a migration fails
   */
  public static OrderStore open(OrderStoreConfig config) {
    return open(config, Clock.systemUTC());
  }

  /**
   * Opens a pool per shard and, when {@code store.migrate} is on, migrates every shard; then
   * schedules the history purge (every {@link OrderStoreConfig#historyPurgeInterval()}, the first
   * one interval after opening), which measures {@code store.history-retention} on {@code clock}.
   *
   * @throws OrderSinkUnavailableException if a shard cannot be reached
   * @throws OrderStoreException if a migration fails
   */
  public static OrderStore open(OrderStoreConfig config, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    List<HikariDataSource> pools = new ArrayList<>();
    try {
      for (int i = 0; i < config.shards().size(); i++) {
        pools.add(new HikariDataSource(poolConfig(config, i)));
      }
    } catch (RuntimeException e) {
      pools.forEach(HikariDataSource::close);
      throw new OrderSinkUnavailableException(
          "cannot open order store shard "
              + pools.size()
              + " ("
              + OrderStoreConfig.maskUrl(config.shards().get(pools.size()))
              + ")",
          e);
    }
    var store = new OrderStore(config, List.copyOf(pools), clock);
    log.info("order store open: {}", config);
    if (config.migrate()) {
      try {
        store.migrate();
      } catch (RuntimeException e) {
        store.close();
        throw e;
      }
    }
    store.purger.ifPresent(p -> {
      long millis = config.historyPurgeInterval().toMillis();
      p.scheduleWithFixedDelay(store::purgeOnSchedule, millis, millis, TimeUnit.MILLISECONDS);
    });
    return store;
  }

  private static HikariConfig poolConfig(OrderStoreConfig config, int shard) {
    var hikari = new HikariConfig();
    hikari.setPoolName("hamal-store-shard-" + shard);
    hikari.setJdbcUrl(config.shards().get(shard));
    hikari.setUsername(config.user());
    hikari.setPassword(config.password());
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setMinimumIdle(Math.min(2, config.poolSize()));
    hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
    hikari.setValidationTimeout(Math.min(config.connectionTimeout().toMillis(), 5_000));
    hikari.setAutoCommit(false);
    hikari.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    hikari.setConnectionInitSql(SESSION_SQL);
    hikari.addDataSourceProperty("useAffectedRows", "true");
    hikari.addDataSourceProperty(
        "connectTimeout", Long.toString(config.connectionTimeout().toMillis()));
    hikari.addDataSourceProperty("socketTimeout", Long.toString(config.socketTimeout().toMillis()));
    return hikari;
  }

  /**
   * Brings every shard's schema to the newest migration; idempotent (a migrated shard is left as it
   * is).
   *
   * @throws OrderStoreException if a migration fails or a shard holds a newer schema than this
   *     release knows
   */
  public void migrate() {
    for (int i = 0; i < shards.size(); i++) {
      try {
        var result =
            Flyway.configure(OrderStore.class.getClassLoader())
                .dataSource(shards.get(i))
                .locations(MIGRATIONS)
                .table(HISTORY_TABLE)
                .load()
                .migrate();
        if (result.migrationsExecuted > 0) {
          log.info(
              "order store shard {} migrated to schema version {} ({} migrations)",
              i,
              result.targetSchemaVersion,
              result.migrationsExecuted);
        }
      } catch (FlywayException e) {
        throw new OrderStoreException("cannot migrate order store shard " + i, e);
      }
    }
  }

  /**
   * The shard of {@code orderId} among {@code shards}: {@code floorMod(CRC32(UTF-8 bytes),
   * shards)}.
   */
  public static int shardOf(String orderId, int shards) {
    var crc = new CRC32();
    crc.update(orderId.getBytes(StandardCharsets.UTF_8));
    return (int) Math.floorMod(crc.getValue(), (long) shards);
  }

  /** The shard of {@code orderId} in this store. */
  public int shardOf(String orderId) {
    return shardOf(orderId, shards.size());
  }

  /** The number of shards. */
  public int shardCount() {
    return shards.size();
  }

  @Override
  public String name() {
    return "store";
  }

  @Override
  public SinkResult apply(List<OrderWrite> writes) {
    List<List<OrderWrite>> byShard = new ArrayList<>(shards.size());
    for (int i = 0; i < shards.size(); i++) {
      byShard.add(new ArrayList<>());
    }
    for (OrderWrite write : writes) {
      byShard.get(shardOf(write.orderId())).add(write);
    }
    List<ShardWrite> work = new ArrayList<>();
    for (int i = 0; i < shards.size(); i++) {
      if (!byShard.get(i).isEmpty()) {
        work.add(new ShardWrite(i, byShard.get(i)));
      }
    }
    runAll(work);
    int applied = 0;
    int stale = 0;
    List<SinkResult.Rejection> rejected = new ArrayList<>();
    for (ShardWrite result : work) {
      applied += result.applied.size();
      stale += result.stale;
      rejected.addAll(result.rejected);
    }
    return new SinkResult(applied, stale, rejected);
  }

  /**
   * Runs the shards' transactions: one on the calling thread, several on virtual threads (one per
   * shard, so at most one connection per shard and batch), waiting for all; the first failure is
   * thrown with the others suppressed.
   */
  private static void runAll(List<ShardWrite> work) {
    List<Callable<ShardWrite>> tasks = new ArrayList<>(work.size());
    for (ShardWrite shard : work) {
      tasks.add(shard::run);
    }
    callAll(tasks);
  }

  /** One change of one order: the history's unique key. */
  private record ChangeKey(String orderId, OrderVersion version) {
    static ChangeKey of(OrderWrite write) {
      return new ChangeKey(write.orderId(), write.version());
    }
  }

  /**
   * Orders writes by order id, then version: the order of {@code orders}' primary key and of the
   * history's unique key, so writers lock rows in one order.
   */
  private static final Comparator<OrderWrite> BY_ID_AND_VERSION =
      Comparator.comparing(OrderWrite::orderId).thenComparing(OrderWrite::version);

  /**
   * One shard's part of a batch: one transaction. The newest write of each order id goes to {@code
   * orders}; with the history on, every distinct change (order id and version, the newest write's
   * included) goes to {@code order_changes}, except the writes {@code orders} refused. Not
   * thread-safe; used once.
   */
  private final class ShardWrite {
    private final int shard;

    /** The newest write of each order id, by order id. */
    private final List<OrderWrite> newest;

    /** Writes of the batch that a newer (or equal) write of the same order follows: stale. */
    private final int duplicates;

    /** Every distinct change, by order id and version; empty when the history is off. */
    private final List<OrderWrite> changes;

    private final Set<ChangeKey> applied = new HashSet<>();
    private int stale;
    private final List<SinkResult.Rejection> rejected = new ArrayList<>();

    ShardWrite(int shard, List<OrderWrite> writes) {
      this.shard = shard;
      List<OrderWrite> sorted = new ArrayList<>(writes);
      sorted.sort(BY_ID_AND_VERSION);
      this.newest = new ArrayList<>();
      this.changes = new ArrayList<>();
      for (int i = 0; i < sorted.size(); i++) {
        OrderWrite write = sorted.get(i);
        boolean last = i + 1 == sorted.size();
        if (last || !sorted.get(i + 1).orderId().equals(write.orderId())) {
          newest.add(write);
        }
        if (config.history()
            && (last || !ChangeKey.of(sorted.get(i + 1)).equals(ChangeKey.of(write)))) {
          changes.add(write);
        }
      }
      this.duplicates = writes.size() - newest.size();
    }

    ShardWrite run() {
      try (Connection c = shards.get(shard).getConnection()) {
        for (int attempt = 1; ; attempt++) {
          applied.clear();
          stale = duplicates;
          rejected.clear();
          try {
            write(c);
            c.commit();
            return this;
          } catch (SQLException e) {
            rollbackQuietly(c, e);
            if (!SqlErrors.isDeadlock(e) || attempt == DEADLOCK_ATTEMPTS) {
              throw e;
            }
            log.debug(
                "order store shard {}: deadlock, attempt {}: {}", shard, attempt, e.toString());
          } catch (RuntimeException e) {
            rollbackQuietly(c, e);
            throw e;
          }
        }
      } catch (SQLException e) {
        throw unavailable("write to", shard, e);
      }
    }

    private void write(Connection c) throws SQLException {
      Map<String, String> held =
          versions(c, newest.stream().map(OrderWrite::orderId).toList(), true);
      List<OrderRows.Row> toSend = new ArrayList<>(newest.size());
      List<Boolean> exists = new ArrayList<>(newest.size());
      for (OrderWrite write : newest) {
        String stored = held.get(write.orderId());
        if (stored == null || write.version().toString().compareTo(stored) > 0) {
          toSend.add(rows.encode(write));
          exists.add(stored != null);
        } else {
          stale++;
        }
      }
      int from = 0;
      for (List<OrderRows.Row> chunk : chunks(toSend, OrderRows.Row::approximateBytes)) {
        upsertChunk(c, chunk, exists.subList(from, from + chunk.size()));
        from += chunk.size();
      }
      if (!changes.isEmpty()) {
        record(c, toSend);
      }
    }

    /**
     * Records the batch's distinct changes in {@code order_changes}, but for those {@code orders}
     * refused; {@code sent} are the encoded upserts, whose documents are reused.
     */
    private void record(Connection c, List<OrderRows.Row> sent) throws SQLException {
      Map<ChangeKey, String> encoded = new HashMap<>(sent.size() * 2);
      for (OrderRows.Row row : sent) {
        if (row.write().change().after().isPresent()) {
          encoded.put(ChangeKey.of(row.write()), row.doc());
        }
      }
      Set<ChangeKey> refused = new HashSet<>();
      for (SinkResult.Rejection rejection : rejected) {
        refused.add(ChangeKey.of(rejection.write()));
      }
      Set<ChangeKey> recorded = recordedChanges(c);
      List<OrderChangeRows.Row> toRecord = new ArrayList<>(changes.size());
      for (OrderWrite write : changes) {
        ChangeKey key = ChangeKey.of(write);
        if (!refused.contains(key) && !recorded.contains(key)) {
          toRecord.add(changeRows.encode(write, Optional.ofNullable(encoded.get(key))));
        }
      }
      for (List<OrderChangeRows.Row> chunk :
          chunks(toRecord, OrderChangeRows.Row::approximateBytes)) {
        try {
          insertChanges(c, chunk);
        } catch (SQLException e) {
          if (!SqlErrors.isDataError(e)) {
            throw e;
          }
          log.debug(
              "order store shard {}: history chunk refused, retrying row by row: {}",
              shard,
              e.toString());
          for (OrderChangeRows.Row row : chunk) {
            try {
              insertChanges(c, List.of(row));
            } catch (SQLException rowFailure) {
              if (!SqlErrors.isDataError(rowFailure)) {
                throw rowFailure;
              }
              unrecordable(row.write(), rowFailure);
            }
          }
        }
      }
    }

    /**
     * Which of the batch's changes the history holds already (a redelivery, a replay): read from
     * the {@code (order_id, version)} index alone, so a replay sends no insert at all. A change
     * recorded by another writer after this read is caught by the insert's duplicate key.
     */
    private Set<ChangeKey> recordedChanges(Connection c) throws SQLException {
      List<String> ids = new ArrayList<>(newest.size());
      for (OrderWrite write : newest) {
        ids.add(write.orderId());
      }
      Set<ChangeKey> recorded = new HashSet<>();
      for (int from = 0; from < ids.size(); from += config.batchSize()) {
        List<String> part = ids.subList(from, Math.min(ids.size(), from + config.batchSize()));
        String sql =
            OrderRows.inList(
                "SELECT order_id, version FROM order_changes WHERE order_id IN ", part.size(), "");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          for (int i = 0; i < part.size(); i++) {
            ps.setString(i + 1, part.get(i));
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              recorded.add(new ChangeKey(rs.getString(1), OrderVersion.parse(rs.getString(2))));
            }
          }
        }
      }
      return recorded;
    }

    /**
     * Counts a write whose change the history cannot hold as rejected instead of applied or stale:
     * the order row may hold it, but nothing is dropped without a word.
     */
    private void unrecordable(OrderWrite write, SQLException e) {
      if (!applied.remove(ChangeKey.of(write))) {
        stale--;
      }
      rejected.add(
          new SinkResult.Rejection(
              write,
              "the order's change history cannot hold this change: " + SqlErrors.describe(e)));
    }

    private void insertChanges(Connection c, List<OrderChangeRows.Row> chunk) throws SQLException {
      String sql =
          chunk.size() == config.batchSize()
              ? fullChangeInsert
              : OrderChangeRows.insertSql(chunk.size());
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int at = 1;
        for (OrderChangeRows.Row row : chunk) {
          at = OrderChangeRows.bind(ps, at, row);
        }
        ps.executeUpdate();
      }
    }

    /**
     * {@code all} cut into chunks of at most {@code store.batch-size} rows and {@value
     * #CHUNK_BYTES} bytes (a row larger than that alone).
     */
    private <R> List<List<R>> chunks(List<R> all, java.util.function.ToIntFunction<R> bytesOf) {
      List<List<R>> chunks = new ArrayList<>();
      int from = 0;
      while (from < all.size()) {
        int to = from;
        long bytes = 0;
        while (to < all.size()
            && to - from < config.batchSize()
            && (to == from || bytes + bytesOf.applyAsInt(all.get(to)) <= CHUNK_BYTES)) {
          bytes += bytesOf.applyAsInt(all.get(to));
          to++;
        }
        chunks.add(all.subList(from, to));
        from = to;
      }
      return chunks;
    }

    private void upsertChunk(Connection c, List<OrderRows.Row> chunk, List<Boolean> exists)
        throws SQLException {
      int expected = 0;
      for (boolean e : exists) {
        expected += e ? 2 : 1;
      }
      int affected;
      try {
        affected = upsert(c, chunk);
      } catch (SQLException e) {
        if (!SqlErrors.isDataError(e)) {
          throw e;
        }
        log.debug(
            "order store shard {}: chunk refused, retrying row by row: {}", shard, e.toString());
        rowByRow(c, chunk);
        return;
      }
      if (affected == expected) {
        for (OrderRows.Row row : chunk) {
          applied.add(ChangeKey.of(row.write()));
        }
      } else {
        reconcile(c, chunk);
      }
    }

    private void rowByRow(Connection c, List<OrderRows.Row> chunk) throws SQLException {
      for (OrderRows.Row row : chunk) {
        try {
          if (upsert(c, List.of(row)) > 0) {
            applied.add(ChangeKey.of(row.write()));
          } else {
            stale++;
          }
        } catch (SQLException e) {
          if (!SqlErrors.isDataError(e)) {
            throw e;
          }
          rejected.add(new SinkResult.Rejection(row.write(), SqlErrors.describe(e)));
        }
      }
    }

    /** Counts a chunk whose affected rows were not as predicted: a concurrent writer was there. */
    private void reconcile(Connection c, List<OrderRows.Row> chunk) throws SQLException {
      Map<String, String> now =
          versions(c, chunk.stream().map(OrderRows.Row::orderId).toList(), false);
      for (OrderRows.Row row : chunk) {
        if (row.version().equals(now.get(row.orderId()))) {
          applied.add(ChangeKey.of(row.write()));
        } else {
          stale++;
        }
      }
    }

    private int upsert(Connection c, List<OrderRows.Row> chunk) throws SQLException {
      String sql =
          chunk.size() == config.batchSize() ? fullUpsert : OrderRows.upsertSql(chunk.size());
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int at = 1;
        for (OrderRows.Row row : chunk) {
          at = OrderRows.bind(ps, at, row);
        }
        return ps.executeUpdate();
      }
    }
  }

  /** The stored versions of {@code ids} on the connection's shard, locked when asked. */
  private Map<String, String> versions(Connection c, List<String> ids, boolean lock)
      throws SQLException {
    Map<String, String> versions = new HashMap<>(ids.size() * 2);
    int chunk = config.batchSize();
    for (int from = 0; from < ids.size(); from += chunk) {
      List<String> part = ids.subList(from, Math.min(ids.size(), from + chunk));
      String sql =
          OrderRows.inList(
              "SELECT order_id, version FROM orders WHERE order_id IN ",
              part.size(),
              lock ? " FOR UPDATE" : "");
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < part.size(); i++) {
          ps.setString(i + 1, part.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            versions.put(rs.getString(1), rs.getString(2));
          }
        }
      }
    }
    return versions;
  }

  @Override
  public Map<String, StoredOrder> findAll(Collection<String> orderIds) {
    List<List<String>> byShard = new ArrayList<>(shards.size());
    for (int i = 0; i < shards.size(); i++) {
      byShard.add(new ArrayList<>());
    }
    for (String id : new LinkedHashSet<>(orderIds)) {
      byShard.get(shardOf(id)).add(id);
    }
    Map<String, StoredOrder> found = new HashMap<>(orderIds.size() * 2);
    for (int shard = 0; shard < shards.size(); shard++) {
      List<String> ids = byShard.get(shard);
      if (ids.isEmpty()) {
        continue;
      }
      try (Connection c = shards.get(shard).getConnection()) {
        try {
          for (int from = 0; from < ids.size(); from += config.batchSize()) {
            List<String> part = ids.subList(from, Math.min(ids.size(), from + config.batchSize()));
            String sql =
                OrderRows.inList(
                    "SELECT " + OrderRows.READ_COLUMNS + " FROM orders WHERE order_id IN ",
                    part.size(),
                    "");
            try (PreparedStatement ps = c.prepareStatement(sql)) {
              for (int i = 0; i < part.size(); i++) {
                ps.setString(i + 1, part.get(i));
              }
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  StoredOrder order = rows.read(rs);
                  found.put(order.orderId(), order);
                }
              }
            }
          }
          c.rollback(); // ends the read-only transaction
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly(c, e);
          throw e;
        }
      } catch (SQLException e) {
        throw unavailable("read from", shard, e);
      }
    }
    return found;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Shard by shard, in pages of {@code store.batch-size} records ordered by {@code (created_at,
   * order_id)} (keyset pagination on the {@code (business_line, created_at)} index); no connection
   * is held while {@code each} runs. Records written while the scan runs may or may not be seen.
   */
  @Override
  public void scan(String businessLine, Instant from, Instant to, Consumer<StoredOrder> each) {
    Objects.requireNonNull(businessLine, "businessLine");
    Objects.requireNonNull(each, "each");
    if (!from.isBefore(to)) {
      return;
    }
    LocalDateTime low = OrderRows.floorDateTime(from);
    LocalDateTime high = OrderRows.ceilDateTime(to);
    String base =
        "SELECT "
            + OrderRows.READ_COLUMNS
            + ", created_at FROM orders WHERE business_line = ? AND created_at >= ?"
            + " AND created_at < ?";
    String first = base + " ORDER BY created_at, order_id LIMIT ?";
    String next =
        base
            + " AND (created_at > ? OR (created_at = ? AND order_id > ?))"
            + " ORDER BY created_at, order_id LIMIT ?";
    for (int shard = 0; shard < shards.size(); shard++) {
      LocalDateTime afterCreated = null;
      String afterId = null;
      while (true) {
        List<StoredOrder> page = new ArrayList<>(config.batchSize());
        try (Connection c = shards.get(shard).getConnection()) {
          try {
            try (PreparedStatement ps = c.prepareStatement(afterId == null ? first : next)) {
              int i = 1;
              ps.setString(i++, businessLine);
              ps.setObject(i++, low);
              ps.setObject(i++, high);
              if (afterId != null) {
                ps.setObject(i++, afterCreated);
                ps.setObject(i++, afterCreated);
                ps.setString(i++, afterId);
              }
              ps.setInt(i, config.batchSize());
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  page.add(rows.read(rs));
                  afterId = rs.getString(1);
                  afterCreated = rs.getObject(7, LocalDateTime.class);
                }
              }
            }
            c.rollback(); // ends the read-only transaction
          } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c, e);
            throw e;
          }
        } catch (SQLException e) {
          throw unavailable("scan", shard, e);
        }
        for (StoredOrder order : page) {
          Instant created = order.order().createdAt();
          if (!created.isBefore(from) && created.isBefore(to)) {
            each.accept(order);
          }
        }
        if (page.size() < config.batchSize()) {
          break;
        }
      }
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Every shard answers the same statement ({@link SearchStatement}: the query's filters over
   * the typed columns, {@code state <> 'DELETED'}, {@code ORDER BY created_at DESC, order_id DESC
   * LIMIT limit + 1}); each decoded order is checked exactly with {@link OrderQuery#matches} and
   * {@link SortKey#precedes}, and a shard whose rows were dropped by that check reads on until it
   * has {@code limit + 1} orders or none are left. The shards' lists are merged by {@link
   * SortKey#ORDER} and cut by {@link OrderPage#of}. Several shards are searched concurrently, one
   * virtual thread and one connection each; every statement runs under {@code
   * store.search-timeout}.
   *
   * <p>The order is exactly {@link SortKey#ORDER} for orders created at a whole microsecond (all a
   * MySQL source can hold); the store keeps creation times to the microsecond, so orders created
   * within the same microsecond that differ below it (only possible for orders built by hand) are
   * ordered by id among themselves when a page ends among them.
   *
   * @throws OrderSinkUnavailableException when a shard cannot be reached, refuses the statement or
   *     does not answer within {@code store.search-timeout}
   * @throws OrderStoreException when a stored order cannot be decoded
   */
  @Override
  public OrderPage search(OrderQuery query) {
    return search(query, shards.size() > 1);
  }

  /** {@link #search(OrderQuery)}, with the shards searched concurrently or one after the other. */
  OrderPage search(OrderQuery query, boolean concurrently) {
    Objects.requireNonNull(query, "query");
    List<Callable<List<StoredOrder>>> work = new ArrayList<>(shards.size());
    for (int i = 0; i < shards.size(); i++) {
      int shard = i;
      work.add(() -> searchShard(shard, query));
    }
    List<StoredOrder> merged = new ArrayList<>();
    for (List<StoredOrder> found : concurrently ? callAll(work) : callEach(work)) {
      merged.addAll(found);
    }
    merged.sort(BY_SORT_KEY);
    return OrderPage.of(merged, query.limit());
  }

  /**
   * Up to {@code limit + 1} orders of one shard matching {@code query}, sorted: each of the query's
   * {@link SearchStatement#branches} read in turn on one connection, then merged.
   */
  private List<StoredOrder> searchShard(int shard, OrderQuery query) {
    int wanted = query.limit() + 1;
    List<StoredOrder> found = new ArrayList<>();
    try (Connection c = shards.get(shard).getConnection()) {
      try {
        for (OrderQuery branch : SearchStatement.branches(query)) {
          found.addAll(searchBranch(c, branch, wanted));
        }
        c.rollback(); // ends the read-only transaction
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
    } catch (SQLException e) {
      if (SqlErrors.isTimeout(e)) {
        throw new OrderSinkUnavailableException(
            "order store: search on shard "
                + shard
                + " ran longer than store.search-timeout ("
                + config.searchTimeout().toSeconds()
                + " s): "
                + SqlErrors.describe(e),
            e);
      }
      throw unavailable("search", shard, e);
    }
    found.sort(BY_SORT_KEY);
    return found.size() > wanted ? List.copyOf(found.subList(0, wanted)) : found;
  }

  /**
   * Up to {@code wanted} orders matching {@code query} exactly: reads {@code wanted} rows at a time
   * until that many passed the exact check or the rows ran out.
   */
  private List<StoredOrder> searchBranch(Connection c, OrderQuery query, int wanted)
      throws SQLException {
    List<StoredOrder> found = new ArrayList<>(wanted);
    Optional<SearchStatement.Position> position = Optional.empty();
    int read = wanted;
    while (found.size() < wanted && read == wanted) {
      SearchStatement statement = SearchStatement.of(query, position, wanted);
      read = 0;
      try (PreparedStatement ps = c.prepareStatement(statement.sql())) {
        ps.setQueryTimeout((int) config.searchTimeout().toSeconds());
        statement.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            read++;
            StoredOrder order = rows.read(rs);
            position =
                Optional.of(
                    new SearchStatement.Position(
                        rs.getObject(SearchStatement.CREATED_AT_COLUMN, LocalDateTime.class),
                        rs.getString(1)));
            if (accepts(query, order)) {
              found.add(order);
            }
          }
        }
      }
    }
    return found;
  }

  private static boolean accepts(OrderQuery query, StoredOrder order) {
    return order.state() != StoredOrder.State.DELETED
        && query.matches(order.order())
        && query.after().map(after -> after.precedes(order.order())).orElse(true);
  }

  /**
   * {@inheritDoc}
   *
   * <p>One statement on the order's shard: {@code WHERE order_id = ? ORDER BY version DESC LIMIT
   * ?}, a backward range on the {@code (order_id, version)} key of {@code order_changes}, under
   * {@code store.search-timeout}. Returns what is recorded whether or not {@code store.history} is
   * on now.
   *
   * @throws OrderStoreException when a recorded change cannot be decoded
   */
  @Override
  public List<OrderChangeRecord> history(String orderId, int limit) {
    Objects.requireNonNull(orderId, "orderId");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("a history limit is 1 to " + MAX_LIMIT + ", was " + limit);
    }
    int shard = shardOf(orderId);
    List<OrderChangeRecord> found = new ArrayList<>(Math.min(limit, 64));
    try (Connection c = shards.get(shard).getConnection()) {
      try {
        try (PreparedStatement ps = c.prepareStatement(OrderChangeRows.HISTORY_SQL)) {
          ps.setQueryTimeout((int) config.searchTimeout().toSeconds());
          ps.setString(1, orderId);
          ps.setInt(2, limit);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              found.add(changeRows.read(rs));
            }
          }
        }
        c.rollback(); // ends the read-only transaction
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw unavailable("read the change history from", shard, e);
    }
    return List.copyOf(found);
  }

  /**
   * Deletes the recorded changes that committed more than {@code store.history-retention} ago (on
   * this store's clock) from every shard, at most {@value #PURGE_ROWS} rows per statement, each
   * statement its own transaction, until a statement deletes fewer; the store also runs this every
   * {@link OrderStoreConfig#historyPurgeInterval()}. Safe to run from several instances at once.
   *
   * @return how many changes were deleted
   * @throws OrderSinkUnavailableException when a shard cannot be purged (the other shards are
   *     purged all the same)
   */
  public long purgeHistory() {
    return purgeHistory(PURGE_ROWS);
  }

  /** {@link #purgeHistory()} with {@code rowsPerStatement} rows per statement. */
  long purgeHistory(int rowsPerStatement) {
    LocalDateTime before =
        OrderRows.floorDateTime(clock.instant().minus(config.historyRetention()));
    long deleted = 0;
    OrderSinkUnavailableException failure = null;
    for (int shard = 0; shard < shards.size(); shard++) {
      try (Connection c = shards.get(shard).getConnection()) {
        try (PreparedStatement ps = c.prepareStatement(OrderChangeRows.PURGE_SQL)) {
          ps.setObject(1, before);
          ps.setInt(2, rowsPerStatement);
          int n;
          do {
            n = ps.executeUpdate();
            c.commit();
            deleted += n;
          } while (n == rowsPerStatement && !Thread.currentThread().isInterrupted());
        } catch (SQLException e) {
          rollbackQuietly(c, e);
          throw e;
        }
      } catch (SQLException e) {
        OrderSinkUnavailableException cause = unavailable("purge the change history of", shard, e);
        if (failure == null) {
          failure = cause;
        } else {
          failure.addSuppressed(cause);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return deleted;
  }

  /** The scheduled purge: logs what it did; a failure is logged and the next run tries again. */
  private void purgeOnSchedule() {
    try {
      long deleted = purgeHistory();
      if (deleted > 0) {
        log.info(
            "order store: purged {} recorded changes older than {}",
            deleted,
            config.historyRetention());
      }
    } catch (RuntimeException e) {
      log.warn(
          "order store: the history purge failed; it runs again in {}",
          config.historyPurgeInterval(),
          e);
    }
  }

  /** Runs the tasks one after the other on the calling thread. */
  private static <T> List<T> callEach(List<Callable<T>> tasks) {
    List<T> results = new ArrayList<>(tasks.size());
    for (Callable<T> task : tasks) {
      try {
        results.add(task.call());
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new OrderStoreException("order store shard task failed", e);
      }
    }
    return results;
  }

  /**
   * Runs the tasks concurrently, one virtual thread each, and waits for all (an interrupt is kept
   * for the caller, not acted on: every task ends its transaction before this returns); the first
   * failure is thrown with the others suppressed.
   */
  private static <T> List<T> callAll(List<Callable<T>> tasks) {
    if (tasks.size() <= 1) {
      return callEach(tasks);
    }
    List<Future<T>> running = new ArrayList<>(tasks.size());
    List<T> results = new ArrayList<>(tasks.size());
    RuntimeException failure = null;
    boolean interrupted = false;
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Callable<T> task : tasks) {
        running.add(threads.submit(task));
      }
      for (Future<T> future : running) {
        try {
          while (true) {
            try {
              results.add(future.get());
              break;
            } catch (InterruptedException e) {
              interrupted = true;
            }
          }
        } catch (ExecutionException e) {
          RuntimeException cause =
              e.getCause() instanceof RuntimeException r
                  ? r
                  : new OrderStoreException("order store shard task failed", e.getCause());
          if (failure == null) {
            failure = cause;
          } else {
            failure.addSuppressed(cause);
          }
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
    return results;
  }

  private OrderSinkUnavailableException unavailable(String what, int shard, SQLException e) {
    return new OrderSinkUnavailableException(
        "order store: cannot "
            + what
            + " shard "
            + shard
            + (SqlErrors.isUnavailable(e) ? " (unavailable): " : " (refused): ")
            + SqlErrors.describe(e),
        e);
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * Stops the history purge (interrupting one that runs, waiting up to {@code store.socket-timeout}
   * for it to end) and closes the pools.
   */
  @Override
  public void close() {
    purger.ifPresent(p -> {
      p.shutdownNow();
      try {
        if (!p.awaitTermination(config.socketTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn("order store: the history purge did not stop in time; closing the pools");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    for (HikariDataSource pool : shards) {
      pool.close();
    }
  }

  @Override
  public String toString() {
    return "OrderStore[" + config + "]";
  }
}
