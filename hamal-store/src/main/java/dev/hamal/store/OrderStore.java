package dev.hamal.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.hamal.order.OrderChangeCodec;
import dev.hamal.order.OrderLookup;
import dev.hamal.order.OrderPage;
import dev.hamal.order.OrderQuery;
import dev.hamal.order.OrderSearch;
import dev.hamal.order.OrderSink;
import dev.hamal.order.OrderSinkUnavailableException;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.SinkResult;
import dev.hamal.order.SortKey;
import dev.hamal.order.StoredOrder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * several processor threads may share one store. The shards of one batch are written concurrently,
 * and the shards of one search are searched concurrently, each on a virtual thread of its own (one
 * connection per shard and call, so a shard's pool bounds the statements it runs at once, and a
 * call waits at most {@code store.connection-timeout} for a connection); a call that touches one
 * shard runs on the calling thread.
 */
public final class OrderStore implements OrderSink, OrderLookup, OrderSearch {
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

  private final OrderStoreConfig config;
  private final List<HikariDataSource> shards;
  private final OrderRows rows = new OrderRows(new OrderChangeCodec());
  private final String fullUpsert;

  private OrderStore(OrderStoreConfig config, List<HikariDataSource> shards) {
    this.config = config;
    this.shards = shards;
    this.fullUpsert = OrderRows.upsertSql(config.batchSize());
  }

  /**
   * Opens a pool per shard and, when {@code store.migrate} is on, migrates every shard.
   *
   * @throws OrderSinkUnavailableException if a shard cannot be reached
   * @throws OrderStoreException if a migration fails
   */
  public static OrderStore open(OrderStoreConfig config) {
    Objects.requireNonNull(config, "config");
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
    var store = new OrderStore(config, List.copyOf(pools));
    log.info("order store open: {}", config);
    if (config.migrate()) {
      try {
        store.migrate();
      } catch (RuntimeException e) {
        store.close();
        throw e;
      }
    }
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
    Map<String, OrderWrite> newest = new HashMap<>(writes.size() * 2);
    int stale = 0;
    for (OrderWrite write : writes) {
      OrderWrite held = newest.get(write.orderId());
      if (held == null) {
        newest.put(write.orderId(), write);
      } else {
        stale++;
        if (write.version().isNewerThan(held.version())) {
          newest.put(write.orderId(), write);
        }
      }
    }
    List<List<OrderWrite>> byShard = new ArrayList<>(shards.size());
    for (int i = 0; i < shards.size(); i++) {
      byShard.add(new ArrayList<>());
    }
    for (OrderWrite write : newest.values()) {
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
    List<SinkResult.Rejection> rejected = new ArrayList<>();
    for (ShardWrite result : work) {
      applied += result.applied;
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

  /** One shard's part of a batch: one transaction. Not thread-safe; used once. */
  private final class ShardWrite {
    private final int shard;
    private final List<OrderWrite> writes;
    private int applied;
    private int stale;
    private final List<SinkResult.Rejection> rejected = new ArrayList<>();

    ShardWrite(int shard, List<OrderWrite> writes) {
      this.shard = shard;
      this.writes = new ArrayList<>(writes);
      this.writes.sort((a, b) -> a.orderId().compareTo(b.orderId()));
    }

    ShardWrite run() {
      try (Connection c = shards.get(shard).getConnection()) {
        for (int attempt = 1; ; attempt++) {
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
            applied = 0;
            stale = 0;
            rejected.clear();
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
          versions(c, writes.stream().map(OrderWrite::orderId).toList(), true);
      List<OrderRows.Row> toSend = new ArrayList<>(writes.size());
      List<Boolean> exists = new ArrayList<>(writes.size());
      for (OrderWrite write : writes) {
        String stored = held.get(write.orderId());
        if (stored == null || write.version().toString().compareTo(stored) > 0) {
          toSend.add(rows.encode(write));
          exists.add(stored != null);
        } else {
          stale++;
        }
      }
      int from = 0;
      for (List<OrderRows.Row> chunk : chunks(toSend)) {
        upsertChunk(c, chunk, exists.subList(from, from + chunk.size()));
        from += chunk.size();
      }
    }

    private List<List<OrderRows.Row>> chunks(List<OrderRows.Row> all) {
      List<List<OrderRows.Row>> chunks = new ArrayList<>();
      int from = 0;
      while (from < all.size()) {
        int to = from;
        long bytes = 0;
        while (to < all.size()
            && to - from < config.batchSize()
            && (to == from || bytes + all.get(to).approximateBytes() <= CHUNK_BYTES)) {
          bytes += all.get(to).approximateBytes();
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
        applied += chunk.size();
      } else {
        reconcile(c, chunk);
      }
    }

    private void rowByRow(Connection c, List<OrderRows.Row> chunk) throws SQLException {
      for (OrderRows.Row row : chunk) {
        try {
          if (upsert(c, List.of(row)) > 0) {
            applied++;
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
          applied++;
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

  @Override
  public void close() {
    for (HikariDataSource pool : shards) {
      pool.close();
    }
  }

  @Override
  public String toString() {
    return "OrderStore[" + config + "]";
  }
}
