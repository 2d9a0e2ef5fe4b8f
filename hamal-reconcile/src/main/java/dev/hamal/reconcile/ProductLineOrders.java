package dev.hamal.reconcile;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.hamal.order.BusinessLine;
import dev.hamal.order.MappingException;
import dev.hamal.order.OrderIdParts;
import dev.hamal.order.OrderLookup;
import dev.hamal.order.OrderPage;
import dev.hamal.order.OrderQuery;
import dev.hamal.order.OrderSearch;
import dev.hamal.order.OrderSinkUnavailableException;
import dev.hamal.order.OrderStatus;
import dev.hamal.order.OrderVersion;
import dev.hamal.order.SortKey;
import dev.hamal.order.StoredOrder;
import dev.hamal.reconcile.ProductLineCatalog.LineTables;
import dev.hamal.reconcile.ProductLineCatalog.Misfit;
import dev.hamal.reconcile.ProductLineCatalog.TableGroup;
import dev.hamal.reconcile.SourceDatabase.Column;
import dev.hamal.reconcile.SourceDatabase.SourceTable;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's last search level: orders read straight from one product-line server (one pipe's
 * source) through the reverse of its business lines' mappings. See {@code
 * docs/product-line-reads.md}.
 *
 * <p><b>Reads by id.</b> {@link #findAll} reads each id back through every line's {@code
 * order_id.format} ({@link BusinessLine#parseOrderId}); an id no line reads is absent without a
 * statement. A reading that names a table ({@code {table}}, {@code {schema}}) is looked up in that
 * table only, and only when the catalog lists it as a table of the line; one that does not is
 * looked up in every table of the line on this server. Ids are always bound as statement parameters
 * of the id column's type, identifiers always come from the catalog, so no text of an id ever
 * becomes SQL. The tables of one line with the same column types are read by one {@code SELECT ...
 * WHERE id IN (...) UNION ALL ...} statement (at most {@value #MAX_BRANCHES} tables and {@value
 * #MAX_PARAMETERS} ids per statement). Every row is mapped with {@link BusinessLine#map} and kept
 * only when the mapped id is one that was asked for (a collation that matches {@code ABC} for
 * {@code abc} cannot return another order).
 *
 * <p><b>Search.</b> {@link #search} translates the user, status and created-at filters into
 * conditions on the mapped columns (statuses through the reverse of the line's status codes,
 * instants into the created-at column's terms: local time in the line's zone for DATETIME and DATE,
 * UTC for TIMESTAMP), reads each group of tables newest first, {@code limit + 1} rows at a time,
 * and applies the whole query ({@link OrderQuery#matches}, {@link SortKey#precedes}) to the mapped
 * orders, so the SQL conditions only need to let every matching row through. Rows with the
 * created-at value of a chunk's last row are read completely before the next chunk starts below it,
 * so chunks never split a group of equal created-at values (at most {@value #MAX_TIED_ROWS} such
 * rows). Chunks continue, doubling up to {@value #MAX_SEARCH_CHUNK} rows, until a group gives
 * {@code limit + 1} matches or has no more rows; the groups' results are merged in {@link
 * SortKey#ORDER} and cut by {@link OrderPage#of}. The query must name its business lines; lines not
 * served here are skipped.
 *
 * <p><b>Versions.</b> A row read here has no binlog position. Its {@link StoredOrder} carries
 * {@link #SOURCE_READ_VERSION}, the lowest version there is, so every version a store holds is
 * newer; state {@code LIVE} (a deleted row is simply absent) and commit time the injected clock's
 * now.
 *
 * <p><b>Connections.</b> A HikariCP pool of its own, at most {@code product-line.max-connections}
 * (default 2) connections opened on demand and closed after 10 idle minutes, each read-only and
 * with {@code time_zone} {@code +00:00}. Every call borrows one connection for all its statements,
 * so a pool of one serves one call at a time and never deadlocks. Every statement carries the
 * server-side timeout {@code product-line.query-timeout}; the socket timeout backs it up.
 *
 * <p><b>Catalog.</b> The lines' tables and columns come from {@code information_schema} and are
 * checked against the mappings ({@link ProductLineCatalog}); the result is reused for {@code
 * product-line.table-cache-ttl} and reloaded at once, and the call retried once, when a statement
 * finds a table or column gone (server errors 1146 and 1054).
 *
 * <p><b>Threading.</b> Thread-safe: calls share only the pool and the catalog snapshot (replaced
 * atomically; one thread reloads it while others wait). An interrupted caller stops between
 * statements with the interrupt flag kept.
 *
 * <p><b>Failure.</b> A connection not obtained within {@code product-line.connection-timeout}, a
 * statement cut by the query timeout, or any other SQL failure is an {@link
 * OrderSinkUnavailableException} with the cause; retrying may succeed. A table of the line that
 * does not fit its mapping, a row the mapping refuses, two rows that compose the same order id, or
 * too many orders sharing one created-at value are a {@link ProductLineOrdersException}: wrong
 * data, not an outage.
 */
public final class ProductLineOrders implements OrderLookup, OrderSearch, AutoCloseable {
  /**
   * The version of every order read from a product line: {@code 0000000000.000000000000.000000000},
   * the lowest there is, so that any version a store holds (every change carries one from the
   * binlog) is newer than a direct read.
   */
  public static final OrderVersion SOURCE_READ_VERSION = new OrderVersion(0, 0, 0);

  /** Most tables one statement reads. */
  static final int MAX_BRANCHES = 64;

  /** Most ids one statement looks up. */
  static final int MAX_PARAMETERS = 1_000;

  /** Most rows a search reads from one group of tables in one statement. */
  static final int MAX_SEARCH_CHUNK = 4_000;

  /** Most rows of one group that may share the created-at value at a chunk's end. */
  static final int MAX_TIED_ROWS = 10_000;

  /** Server errors that mean the catalog is out of date: no such table, no such column. */
  private static final Set<Integer> SCHEMA_CHANGED = Set.of(1146, 1054);

  /** Server errors of a statement cut by its time limit: MariaDB's and MySQL's. */
  private static final Set<Integer> STATEMENT_TIMEOUT = Set.of(1969, 3024);

  private static final String TABLE_COLUMN = "hamal_table";
  private static final String CREATED_COLUMN = "hamal_created";

  private static final Logger log = LoggerFactory.getLogger(ProductLineOrders.class);

  private final ProductLineOrdersConfig config;
  private final List<BusinessLine> lines;
  private final String pipe;
  private final Clock clock;
  private final HikariDataSource pool;
  private final AtomicReference<ProductLineCatalog> catalog = new AtomicReference<>();
  private final ReentrantLock catalogLoad = new ReentrantLock();
  private volatile Boolean mariaDb;
  private volatile boolean closed;

  private ProductLineOrders(
      ProductLineOrdersConfig config,
      List<BusinessLine> lines,
      String pipe,
      Clock clock,
      HikariDataSource pool) {
    this.config = config;
    this.lines = lines;
    this.pipe = pipe;
    this.clock = clock;
    this.pool = pool;
  }

  /**
   * Reads the lines of one product-line server with the system clock (UTC).
   *
   * @see #open(ProductLineOrdersConfig, Collection, Clock)
   */
  public static ProductLineOrders open(
      ProductLineOrdersConfig config, Collection<BusinessLine> lines) {
    return open(config, lines, Clock.systemUTC());
  }

  /**
   * Reads the lines of one product-line server. Nothing is connected yet: the pool opens
   * connections when the first call needs one, so a server that is down does not stop the gateway
   * from starting.
   *
   * @param lines the business lines the server serves, at least one, all of one pipe
   * @param clock the commit time of the orders read
   * @throws IllegalArgumentException if {@code lines} is empty, names a line twice or spans pipes
   */
  public static ProductLineOrders open(
      ProductLineOrdersConfig config, Collection<BusinessLine> lines, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    List<BusinessLine> served = List.copyOf(lines);
    if (served.isEmpty()) {
      throw new IllegalArgumentException("a product-line server serves at least one business line");
    }
    String pipe = served.getFirst().pipe();
    Set<String> names = new HashSet<>();
    for (BusinessLine line : served) {
      if (!line.pipe().equals(pipe)) {
        throw new IllegalArgumentException(
            "the business lines of one product-line server read one pipe: "
                + served.getFirst().name()
                + " reads "
                + pipe
                + ", "
                + line.name()
                + " reads "
                + line.pipe());
      }
      if (!names.add(line.name())) {
        throw new IllegalArgumentException("business line " + line.name() + " is given twice");
      }
    }
    HikariDataSource pool = new HikariDataSource(poolConfig(config, pipe));
    var orders = new ProductLineOrders(config, served, pipe, clock, pool);
    log.info("product-line reads of pipe {} for lines {}: {}", pipe, names, config);
    return orders;
  }

  private static HikariConfig poolConfig(ProductLineOrdersConfig config, String pipe) {
    long connectionTimeout = config.connectionTimeout().toMillis();
    var hikari = new HikariConfig();
    hikari.setPoolName("hamal-product-line-" + pipe);
    hikari.setJdbcUrl(config.source().jdbcUrl());
    hikari.setUsername(config.source().user());
    hikari.setPassword(config.source().password());
    hikari.setMaximumPoolSize(config.maxConnections());
    hikari.setMinimumIdle(0);
    hikari.setConnectionTimeout(connectionTimeout);
    hikari.setValidationTimeout(Math.max(250, Math.min(connectionTimeout, 5_000)));
    hikari.setInitializationFailTimeout(-1);
    hikari.setReadOnly(true);
    hikari.setAutoCommit(true);
    hikari.setConnectionInitSql("SET time_zone = '+00:00'");
    hikari.addDataSourceProperty("connectTimeout", Long.toString(connectionTimeout));
    hikari.addDataSourceProperty("socketTimeout", Long.toString(config.socketTimeout().toMillis()));
    return hikari;
  }

  /** The settings. */
  public ProductLineOrdersConfig config() {
    return config;
  }

  /** The business lines this server serves. */
  public List<BusinessLine> lines() {
    return lines;
  }

  // ---------------------------------------------------------------------------------------------
  // Reads by id

  /**
   * The orders with the given ids that rows of this server compose, as {@link #SOURCE_READ_VERSION}
   * {@code LIVE} records; ids of lines this server does not serve, ids that fit no line's format
   * and ids no row composes are absent.
   *
   * @throws OrderSinkUnavailableException when the server cannot be reached or does not answer in
   *     time
   * @throws ProductLineOrdersException when a table to read does not fit its mapping, a row read
   *     cannot be mapped, or two rows compose one of the ids
   */
  @Override
  public Map<String, StoredOrder> findAll(Collection<String> orderIds) {
    Objects.requireNonNull(orderIds, "orderIds");
    Set<String> wanted = new LinkedHashSet<>();
    for (String id : orderIds) {
      wanted.add(Objects.requireNonNull(id, "orderIds holds null"));
    }
    Map<BusinessLine, Map<String, List<OrderIdParts>>> readings = new LinkedHashMap<>();
    for (String id : wanted) {
      for (BusinessLine line : lines) {
        List<OrderIdParts> parts = line.parseOrderId(id);
        if (!parts.isEmpty()) {
          readings.computeIfAbsent(line, l -> new LinkedHashMap<>()).put(id, parts);
        }
      }
    }
    if (readings.isEmpty()) {
      return Map.of();
    }
    return withConnection(
        "a look-up of " + wanted.size() + " order ids",
        connection ->
            withCatalog(connection, current -> find(connection, current, readings, wanted)));
  }

  private Map<String, StoredOrder> find(
      Connection connection,
      ProductLineCatalog current,
      Map<BusinessLine, Map<String, List<OrderIdParts>>> readings,
      Set<String> wanted)
      throws SQLException {
    Instant now = clock.instant();
    Map<String, StoredOrder> found = new HashMap<>();
    for (Map.Entry<BusinessLine, Map<String, List<OrderIdParts>>> entry : readings.entrySet()) {
      BusinessLine line = entry.getKey();
      LineTables tables = current.of(line);
      // Per table, the id texts to look up there and their parameters.
      Map<SourceTable, Map<String, Object>> plan = new LinkedHashMap<>();
      for (List<OrderIdParts> parts : entry.getValue().values()) {
        for (OrderIdParts reading : parts) {
          for (Misfit misfit : tables.misfits()) {
            if (names(reading, misfit.schema(), misfit.table())) {
              throw misfit(line, misfit);
            }
          }
          for (TableGroup group : tables.groups()) {
            ColumnValues.Kind kind = group.kindOf(line.idColumn());
            for (SourceTable table : group.tables()) {
              if (names(reading, table.schema(), table.table())) {
                ColumnValues.parameterFor(kind, reading.id())
                    .ifPresent(p ->
                        plan.computeIfAbsent(table, t -> new LinkedHashMap<>())
                            .putIfAbsent(reading.id(), p));
              }
            }
          }
        }
      }
      for (TableGroup group : tables.groups()) {
        List<Branch> branches = new ArrayList<>();
        for (SourceTable table : group.tables()) {
          List<Object> ids = new ArrayList<>(plan.getOrDefault(table, Map.of()).values());
          for (int from = 0; from < ids.size(); from += MAX_PARAMETERS) {
            branches.add(
                new Branch(table, ids.subList(from, Math.min(ids.size(), from + MAX_PARAMETERS))));
          }
        }
        for (List<Branch> statement : statements(branches)) {
          checkInterrupted();
          lookUp(connection, line, statement, row -> keep(line, row, now, wanted, found));
        }
      }
    }
    return found;
  }

  /** Whether a reading of an id can name {@code schema.table}. */
  private static boolean names(OrderIdParts reading, String schema, String table) {
    return reading.schema().map(schema::equals).orElse(true)
        && reading.table().map(table::equals).orElse(true);
  }

  /** One table of a look-up statement and the ids to look up there. */
  private record Branch(SourceTable table, List<Object> ids) {}

  /**
   * Branches cut into statements of at most {@link #MAX_BRANCHES} tables and {@link
   * #MAX_PARAMETERS} ids.
   */
  private static List<List<Branch>> statements(List<Branch> branches) {
    List<List<Branch>> statements = new ArrayList<>();
    List<Branch> current = new ArrayList<>();
    int parameters = 0;
    for (Branch branch : branches) {
      if (!current.isEmpty()
          && (current.size() == MAX_BRANCHES
              || parameters + branch.ids().size() > MAX_PARAMETERS)) {
        statements.add(current);
        current = new ArrayList<>();
        parameters = 0;
      }
      current.add(branch);
      parameters += branch.ids().size();
    }
    if (!current.isEmpty()) {
      statements.add(current);
    }
    return statements;
  }

  private void lookUp(
      Connection connection, BusinessLine line, List<Branch> branches, Consumer<JdbcRow> each)
      throws SQLException {
    var sql = new StringBuilder();
    List<Object> parameters = new ArrayList<>();
    List<JdbcRow.Shape> shapes = new ArrayList<>();
    for (Branch branch : branches) {
      if (!shapes.isEmpty()) {
        sql.append(" UNION ALL ");
      }
      select(sql, branch.table(), shapes.size(), false);
      sql.append(" WHERE ")
          .append(SourceDatabase.quote(line.idColumn()))
          .append(" IN (")
          .append(String.join(", ", java.util.Collections.nCopies(branch.ids().size(), "?")))
          .append(')');
      parameters.addAll(branch.ids());
      shapes.add(JdbcRow.Shape.of(branch.table()));
    }
    query(
        connection, sql.toString(), parameters, shapes, false, (row, created) -> each.accept(row));
  }

  private void keep(
      BusinessLine line,
      JdbcRow row,
      Instant now,
      Set<String> wanted,
      Map<String, StoredOrder> found) {
    StoredOrder stored = map(line, row, now);
    String id = stored.orderId();
    if (!wanted.contains(id)) {
      return; // another spelling of the id the collation let through
    }
    StoredOrder earlier = found.putIfAbsent(id, stored);
    if (earlier != null && !sameRow(earlier, stored)) {
      throw new ProductLineOrdersException(
          "order id "
              + id
              + " is composed by two rows on "
              + server()
              + ", of "
              + earlier.order().sourceSchema()
              + "."
              + earlier.order().sourceTable()
              + " and "
              + stored.order().sourceSchema()
              + "."
              + stored.order().sourceTable()
              + ": the order_id.format of business line "
              + line.name()
              + " ("
              + line.file()
              + ") needs {table} (or {schema})");
    }
  }

  private static boolean sameRow(StoredOrder a, StoredOrder b) {
    return a.order().sourceSchema().equals(b.order().sourceSchema())
        && a.order().sourceTable().equals(b.order().sourceTable())
        && a.order().sourceId().equals(b.order().sourceId());
  }

  // ---------------------------------------------------------------------------------------------
  // Search

  /**
   * One page of the orders of the query's business lines served here, read from the source tables;
   * see the class comment for how.
   *
   * @throws IllegalArgumentException if the query names no business line (a product-line search
   *     never reads every line of a server unasked)
   * @throws OrderSinkUnavailableException when the server cannot be reached or does not answer in
   *     time
   * @throws ProductLineOrdersException when a table of a searched line does not fit its mapping, a
   *     row read cannot be mapped, or more than {@value #MAX_TIED_ROWS} rows share a created-at
   *     value at a chunk's end
   */
  @Override
  public OrderPage search(OrderQuery query) {
    Objects.requireNonNull(query, "query");
    if (query.businessLines().isEmpty()) {
      throw new IllegalArgumentException(
          "a product-line search names its business lines (OrderQuery.businessLines); "
              + server()
              + " serves "
              + lines.stream().map(BusinessLine::name).toList());
    }
    List<BusinessLine> searched =
        lines.stream().filter(l -> query.businessLines().contains(l.name())).toList();
    if (searched.isEmpty()) {
      return new OrderPage(List.of(), Optional.empty());
    }
    return withConnection(
        "a search of " + searched.stream().map(BusinessLine::name).toList(),
        connection ->
            withCatalog(
                connection,
                current -> {
                  Instant now = clock.instant();
                  List<StoredOrder> found = new ArrayList<>();
                  for (BusinessLine line : searched) {
                    LineTables tables = current.of(line);
                    if (!tables.misfits().isEmpty()) {
                      throw misfit(line, tables.misfits().getFirst());
                    }
                    for (TableGroup group : tables.groups()) {
                      Optional<Conditions> where = conditions(line, group, query);
                      if (where.isPresent()) {
                        found.addAll(search(connection, line, group, where.get(), query, now));
                      }
                    }
                  }
                  found.sort(Comparator.comparing(o -> SortKey.of(o.order()), SortKey.ORDER));
                  return OrderPage.of(found, query.limit());
                }));
  }

  /** SQL conditions on a group's columns, ANDed, with their parameters in order. */
  record Conditions(List<String> sql, List<Object> parameters) {}

  /**
   * The conditions {@code query} puts on the rows of {@code group}: they let every row through
   * whose order matches; empty when none can (the line maps no user, or no code of the wanted
   * statuses can occur in the column).
   */
  static Optional<Conditions> conditions(BusinessLine line, TableGroup group, OrderQuery query) {
    List<String> sql = new ArrayList<>();
    List<Object> parameters = new ArrayList<>();
    String createdName = line.columnOf("created_at").orElseThrow();
    String created = SourceDatabase.quote(createdName);
    ColumnValues.Kind createdKind = group.kindOf(createdName);
    sql.add(created + " IS NOT NULL");
    if (query.userId().isPresent()) {
      Optional<String> column = line.columnOf("user_id");
      if (column.isEmpty()) {
        return Optional.empty();
      }
      Optional<Object> user =
          ColumnValues.parameterFor(group.kindOf(column.get()), query.userId().get());
      if (user.isEmpty()) {
        return Optional.empty();
      }
      sql.add(SourceDatabase.quote(column.get()) + " = ?");
      parameters.add(user.get());
    }
    if (!query.statuses().isEmpty()) {
      String column = line.columnOf("status").orElseThrow();
      ColumnValues.Kind kind = group.kindOf(column);
      Map<String, Object> codes = new LinkedHashMap<>();
      for (Map.Entry<String, OrderStatus> code : line.statusCodes().entrySet()) {
        if (query.statuses().contains(code.getValue())) {
          ColumnValues.parameterFor(kind, code.getKey())
              .ifPresent(p -> codes.putIfAbsent(code.getKey(), p));
        }
      }
      if (codes.isEmpty()) {
        return Optional.empty();
      }
      sql.add(
          SourceDatabase.quote(column)
              + " IN ("
              + String.join(", ", java.util.Collections.nCopies(codes.size(), "?"))
              + ")");
      parameters.addAll(codes.values());
    }
    if (query.createdFrom().isPresent()) {
      sql.add(created + " >= ?");
      parameters.add(ColumnValues.bound(createdKind, query.createdFrom().get(), line.timeZone()));
    }
    if (query.createdTo().isPresent()) {
      sql.add(created + " <= ?");
      parameters.add(
          ColumnValues.upperBound(createdKind, query.createdTo().get(), line.timeZone()));
    }
    if (query.after().isPresent()) {
      sql.add(created + " <= ?");
      parameters.add(
          ColumnValues.upperBound(createdKind, query.after().get().createdAt(), line.timeZone()));
    }
    return Optional.of(new Conditions(List.copyOf(sql), List.copyOf(parameters)));
  }

  /** A row of a search and its created-at value as the server prints it. */
  private record Found(JdbcRow row, String created) {}

  /**
   * The matches of one group: complete down to the oldest one, at least {@code limit + 1} if any.
   */
  private List<StoredOrder> search(
      Connection connection,
      BusinessLine line,
      TableGroup group,
      Conditions where,
      OrderQuery query,
      Instant now)
      throws SQLException {
    int wanted = query.limit() + 1;
    int chunk = wanted;
    List<StoredOrder> matches = new ArrayList<>();
    Optional<String> below = Optional.empty();
    while (true) {
      checkInterrupted();
      List<Found> rows = page(connection, line, group, where, below, chunk);
      boolean exhausted = rows.size() < chunk;
      if (!exhausted) {
        String last = rows.getLast().created();
        rows.removeIf(r -> r.created().equals(last));
        rows.addAll(tied(connection, line, group, where, last));
        below = Optional.of(last);
      }
      for (Found found : rows) {
        StoredOrder stored = map(line, found.row(), now);
        if (query.matches(stored.order())
            && query.after().map(after -> after.precedes(stored.order())).orElse(true)) {
          matches.add(stored);
        }
      }
      if (exhausted || matches.size() >= wanted) {
        return matches;
      }
      chunk = Math.min(chunk * 2, MAX_SEARCH_CHUNK);
    }
  }

  /** The newest {@code limit} rows of the group below {@code below}, newest first. */
  private List<Found> page(
      Connection connection,
      BusinessLine line,
      TableGroup group,
      Conditions where,
      Optional<String> below,
      int limit)
      throws SQLException {
    String created = SourceDatabase.quote(line.columnOf("created_at").orElseThrow());
    boolean union = group.tables().size() > 1;
    var sql = new StringBuilder();
    List<Object> parameters = new ArrayList<>();
    List<JdbcRow.Shape> shapes = new ArrayList<>();
    for (SourceTable table : group.tables()) {
      if (!shapes.isEmpty()) {
        sql.append(" UNION ALL ");
      }
      sql.append(union ? "(" : "");
      select(sql, table, shapes.size(), true);
      where(sql, where, parameters);
      if (below.isPresent()) {
        sql.append(" AND ").append(created).append(" < ?");
        parameters.add(below.get());
      }
      // Qualified: the select list's alias of the same name is the column as text.
      sql.append(" ORDER BY ")
          .append(table.qualified())
          .append('.')
          .append(created)
          .append(" DESC LIMIT ")
          .append(limit);
      sql.append(union ? ")" : "");
      shapes.add(JdbcRow.Shape.of(table));
    }
    if (union) {
      sql.append(" ORDER BY ").append(CREATED_COLUMN).append(" DESC LIMIT ").append(limit);
    }
    List<Found> rows = new ArrayList<>();
    query(
        connection,
        sql.toString(),
        parameters,
        shapes,
        true,
        (row, at) -> rows.add(new Found(row, at)));
    return rows;
  }

  /** Every row of the group whose created-at value is {@code created}. */
  private List<Found> tied(
      Connection connection, BusinessLine line, TableGroup group, Conditions where, String created)
      throws SQLException {
    String column = SourceDatabase.quote(line.columnOf("created_at").orElseThrow());
    var sql = new StringBuilder();
    List<Object> parameters = new ArrayList<>();
    List<JdbcRow.Shape> shapes = new ArrayList<>();
    for (SourceTable table : group.tables()) {
      if (!shapes.isEmpty()) {
        sql.append(" UNION ALL ");
      }
      select(sql, table, shapes.size(), true);
      where(sql, where, parameters);
      sql.append(" AND ").append(column).append(" = ?");
      parameters.add(created);
      shapes.add(JdbcRow.Shape.of(table));
    }
    sql.append(" LIMIT ").append(MAX_TIED_ROWS + 1);
    List<Found> rows = new ArrayList<>();
    query(
        connection,
        sql.toString(),
        parameters,
        shapes,
        true,
        (row, at) -> rows.add(new Found(row, at)));
    if (rows.size() > MAX_TIED_ROWS) {
      throw new ProductLineOrdersException(
          "more than "
              + MAX_TIED_ROWS
              + " orders of business line "
              + line.name()
              + " on "
              + server()
              + " share the created-at value "
              + created
              + " in "
              + group.tables()
              + ": a search cannot page through them; narrow it (by user or status)");
    }
    return rows;
  }

  private static void where(StringBuilder sql, Conditions where, List<Object> parameters) {
    sql.append(" WHERE ").append(String.join(" AND ", where.sql()));
    parameters.addAll(where.parameters());
  }

  /**
   * {@code scan} is not offered: a product-line server is read by id and by search; reconciliation
   * reads it in windows through {@link SourceDatabase}.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public void scan(String businessLine, Instant from, Instant to, Consumer<StoredOrder> each) {
    throw new UnsupportedOperationException(
        "a product-line server is read by id and by search; reconciliation reads it through"
            + " SourceDatabase");
  }

  // ---------------------------------------------------------------------------------------------
  // Statements

  /**
   * Appends {@code SELECT <read columns>, <index> AS hamal_table[, created as text] FROM table}.
   * Temporal columns are read as the server prints them (see {@link SourceDatabase#stream}).
   */
  private static void select(StringBuilder sql, SourceTable table, int index, boolean created) {
    sql.append("SELECT ");
    for (Column column : table.columns()) {
      String name = SourceDatabase.quote(column.name());
      switch (column.kind()) {
        case DATE, DATETIME, TIMESTAMP, TIME ->
            sql.append("CAST(").append(name).append(" AS CHAR) AS ").append(name);
        default -> sql.append(name);
      }
      sql.append(", ");
    }
    sql.append(index).append(" AS ").append(TABLE_COLUMN);
    if (created) {
      sql.append(", CAST(")
          .append(SourceDatabase.quote(table.createdAt().name()))
          .append(" AS CHAR) AS ")
          .append(CREATED_COLUMN);
    }
    sql.append(" FROM ").append(table.qualified());
  }

  /** What a statement hands on per row: the row and, when selected, its created-at text. */
  @FunctionalInterface
  private interface RowSink {
    void accept(JdbcRow row, String created);
  }

  private void query(
      Connection connection,
      String sql,
      List<Object> parameters,
      List<JdbcRow.Shape> shapes,
      boolean created,
      RowSink each)
      throws SQLException {
    String timed = timed(connection).apply(sql);
    try (PreparedStatement statement = connection.prepareStatement(timed)) {
      for (int i = 0; i < parameters.size(); i++) {
        bind(statement, i + 1, parameters.get(i));
      }
      int columns = shapes.getFirst().columns().size();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          JdbcRow.Shape shape = shapes.get(rows.getInt(columns + 1));
          each.accept(JdbcRow.read(shape, rows), created ? rows.getString(columns + 2) : null);
        }
      }
    }
  }

  private static void bind(PreparedStatement statement, int index, Object value)
      throws SQLException {
    switch (value) {
      case Long n -> statement.setLong(index, n);
      case BigDecimal d -> statement.setBigDecimal(index, d);
      case byte[] bytes -> statement.setBytes(index, bytes);
      case String text -> statement.setString(index, text);
      default -> throw new IllegalArgumentException("no binding for " + value.getClass());
    }
  }

  /** The statement timeout for this server's kind, learnt from the first connection. */
  private UnaryOperator<String> timed(Connection connection) throws SQLException {
    Boolean known = mariaDb;
    if (known == null) {
      var metaData = connection.getMetaData();
      known =
          metaData.getDatabaseProductName().contains("MariaDB")
              || metaData.getDatabaseProductVersion().contains("MariaDB");
      mariaDb = known;
    }
    boolean maria = known;
    return sql -> withTimeout(sql, maria, config.queryTimeout());
  }

  /**
   * {@code sql} limited to {@code limit} by the server: {@code SET STATEMENT max_statement_time=s
   * FOR ...} on MariaDB (10.1 and later), the optimizer hint {@code MAX_EXECUTION_TIME(ms)} after
   * the first {@code SELECT} on MySQL (5.7.8 and later; it applies to the whole statement).
   */
  static String withTimeout(String sql, boolean mariaDb, Duration limit) {
    long millis = Math.max(1, limit.toMillis());
    if (mariaDb) {
      return "SET STATEMENT max_statement_time="
          + BigDecimal.valueOf(millis, 3).toPlainString()
          + " FOR "
          + sql;
    }
    int select = sql.indexOf("SELECT ");
    return sql.substring(0, select + 7)
        + "/*+ MAX_EXECUTION_TIME("
        + millis
        + ") */ "
        + sql.substring(select + 7);
  }

  // ---------------------------------------------------------------------------------------------
  // Connections, catalog, failures

  @FunctionalInterface
  private interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  @FunctionalInterface
  private interface CatalogWork<T> {
    T run(ProductLineCatalog catalog) throws SQLException;
  }

  private <T> T withConnection(String what, SqlWork<T> work) {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
    checkInterrupted();
    Connection connection;
    try {
      connection = pool.getConnection();
    } catch (SQLException e) {
      if (e.getCause() instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new OrderSinkUnavailableException(
          "no connection to "
              + server()
              + " within product-line.connection-timeout="
              + config.connectionTimeout()
              + " for "
              + what
              + " (all "
              + config.maxConnections()
              + " busy, or the server cannot be reached)",
          e);
    }
    try (connection) {
      return work.run(connection);
    } catch (SQLException e) {
      if (e instanceof SQLTimeoutException || STATEMENT_TIMEOUT.contains(e.getErrorCode())) {
        throw new OrderSinkUnavailableException(
            what
                + " on "
                + server()
                + " did not finish within product-line.query-timeout="
                + config.queryTimeout(),
            e);
      }
      throw new OrderSinkUnavailableException(what + " failed on " + server() + ": " + e, e);
    }
  }

  /**
   * Runs {@code work} on the current catalog; once more on a fresh one if a table or column went.
   */
  private <T> T withCatalog(Connection connection, CatalogWork<T> work) throws SQLException {
    ProductLineCatalog current = catalog(connection);
    try {
      return work.run(current);
    } catch (SQLException e) {
      if (!SCHEMA_CHANGED.contains(e.getErrorCode())) {
        throw e;
      }
      log.info("{}: the tables changed ({}); reloading the catalog", server(), e.getMessage());
      catalog.compareAndSet(current, null);
      return work.run(catalog(connection));
    }
  }

  private ProductLineCatalog catalog(Connection connection) throws SQLException {
    ProductLineCatalog current = catalog.get();
    if (fresh(current)) {
      return current;
    }
    catalogLoad.lock();
    try {
      current = catalog.get();
      if (fresh(current)) {
        return current;
      }
      UnaryOperator<String> timed = timed(connection);
      ProductLineCatalog loaded =
          ProductLineCatalog.load(connection, lines, clock.instant(), timed);
      catalog.set(loaded);
      return loaded;
    } finally {
      catalogLoad.unlock();
    }
  }

  private boolean fresh(ProductLineCatalog current) {
    return current != null
        && current.loadedAt().plus(config.tableCacheTtl()).isAfter(clock.instant());
  }

  private StoredOrder map(BusinessLine line, JdbcRow row, Instant now) {
    try {
      return new StoredOrder(line.map(row), SOURCE_READ_VERSION, StoredOrder.State.LIVE, now);
    } catch (MappingException e) {
      throw new ProductLineOrdersException(
          "a row of "
              + row.schema()
              + "."
              + row.table()
              + " on "
              + server()
              + " (id "
              + row.text(line.idColumn())
              + ") cannot be mapped: "
              + e.getMessage(),
          e);
    }
  }

  private ProductLineOrdersException misfit(BusinessLine line, Misfit misfit) {
    return new ProductLineOrdersException(
        "table "
            + misfit.schema()
            + "."
            + misfit.table()
            + " on "
            + server()
            + " does not fit business line "
            + line.name()
            + ": "
            + misfit.reason());
  }

  private static void checkInterrupted() {
    if (Thread.currentThread().isInterrupted()) {
      throw new OrderSinkUnavailableException(
          "interrupted before a product-line statement", new InterruptedException());
    }
  }

  private String server() {
    return "the product-line server of pipe " + pipe;
  }

  /** Closes the pool; calls made afterwards throw {@link IllegalStateException}. */
  @Override
  public void close() {
    closed = true;
    pool.close();
  }

  @Override
  public String toString() {
    return "ProductLineOrders[pipe="
        + pipe
        + ", lines="
        + lines.stream().map(BusinessLine::name).toList()
        + ", "
        + config
        + "]";
  }
}
