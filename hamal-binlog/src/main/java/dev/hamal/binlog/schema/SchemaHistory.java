package dev.hamal.binlog.schema;

import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.TableName;
import dev.hamal.binlog.TableSchema;
import dev.hamal.binlog.schema.DdlStatement.AlterSpec;
import dev.hamal.binlog.schema.DdlStatement.AlterTable;
import dev.hamal.binlog.schema.DdlStatement.CreateTable;
import dev.hamal.binlog.schema.DdlStatement.RenameTo;
import dev.hamal.binlog.schema.DdlStatement.Uninterpretable;
import dev.hamal.binlog.schema.DdlStatement.UnsupportedSpec;
import dev.hamal.binlog.schema.SchemaChange.DatabaseDefined;
import dev.hamal.binlog.schema.SchemaChange.DatabaseDropped;
import dev.hamal.binlog.schema.SchemaChange.Entry;
import dev.hamal.binlog.schema.SchemaChange.ServerFacts;
import dev.hamal.binlog.schema.SchemaChange.TableDefined;
import dev.hamal.binlog.schema.SchemaChange.TableDropped;
import dev.hamal.binlog.schema.SchemaChange.TableUnknown;
import dev.hamal.binlog.schema.SchemaChange.TableUntracked;
import dev.hamal.binlog.schema.TableState.Defined;
import dev.hamal.binlog.schema.TableState.Untracked;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The columns of every table at every binlog position, for binlogs that do not carry column names
 * ({@code binlog_row_metadata=MINIMAL}). Seeded from {@code information_schema}, advanced by the
 * DDL statements of QUERY events, versioned by binlog position and persisted in a {@link
 * SchemaHistoryStore} so that a restart does not need the binlog's past.
 *
 * <p><b>Invariants.</b>
 *
 * <ul>
 *   <li>It never guesses. When a DDL statement that touches a table cannot be interpreted exactly
 *       (an unknown clause or data type, {@code CREATE TABLE ... SELECT}, system versioning, an
 *       ALTER of a table it has no definition for), the table's schema is {@link Unknown} from that
 *       position on and the statement is logged at WARN. Only a later CREATE (or DROP) of the
 *       table, or a re-seed, makes it known again.
 *   <li>Every change is appended to the store, durably, before {@link #applyDdl} or {@link #seed}
 *       returns, and only then applied in memory; a failing store leaves the history unchanged.
 *   <li>Versions are kept, not replaced: {@link #lookup} answers for any position at or after the
 *       first seed, so a restart from an older position after a crash gets the old schema.
 *   <li>Changes are applied in binlog order, exactly once. A seed at position S describes the state
 *       before the event at S; a DDL change at P describes the state after the event at P. {@link
 *       #applyDdl} for a position the history has already passed (a re-read after reconnecting, a
 *       restart from an older committed position) changes nothing and returns what that statement
 *       changed then. The binlog must come from one server: positions of another server (after a
 *       failover) need a new history, seeded afresh.
 * </ul>
 *
 * <p><b>What a DDL statement may be.</b> See {@link DdlParser} for the statements understood:
 * CREATE [OR REPLACE] TABLE (columns, LIKE; AS SELECT is unknown), ALTER TABLE (ADD/DROP/MODIFY/
 * CHANGE/RENAME COLUMN, positions, primary keys, RENAME TO, CONVERT TO CHARACTER SET, default
 * character set; index, constraint, partition and option clauses are ignored), RENAME TABLE, DROP
 * TABLE, TRUNCATE, CREATE/ALTER/DROP DATABASE; statements that shape no table (users, views,
 * triggers, routines, indexes, transactions) change nothing. Character sets are inherited column →
 * table default → database default → server default ({@code serverDefaultCharset}, which the QUERY
 * event's status variables carry, else the one read at the last seed).
 *
 * <p><b>Threading.</b> Not thread-safe: the stream's reader thread owns it and calls it in binlog
 * order. The {@link TableSchema}s it returns are immutable and may be handed to decoding threads.
 *
 * <p><b>Failure.</b> {@link SchemaHistoryStorageException} when the store cannot write; {@link
 * SchemaHistoryCorruptException} from {@link #open} when the stored records are damaged or out of
 * order. The seed's query failures propagate from the {@link SqlQueryRunner}.
 */
public final class SchemaHistory {

  /** What the schema history knows about one table at one binlog position. */
  public sealed interface Lookup permits Known, Unknown, Absent {}

  /** The table's columns and primary key at that position. */
  public record Known(TableSchema schema) implements Lookup {
    public Known {
      Objects.requireNonNull(schema, "schema");
    }
  }

  /**
   * The table exists but its columns are not known: a DDL statement the history could not
   * interpret, a table excluded from the seed, or a position before the history starts. Rows of
   * such a table must not be decoded; the stream stops naming the table and the position.
   *
   * @param reason why, for the operator (often with the statement that was not understood)
   * @param since the position from which the columns are unknown
   */
  public record Unknown(String reason, BinlogPosition since) implements Lookup {
    public Unknown {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(since, "since");
    }
  }

  /** The table does not exist at that position (never created, or dropped). */
  public record Absent() implements Lookup {
    /** The only value anyone needs. */
    public static final Absent INSTANCE = new Absent();
  }

  private static final Logger LOG = LoggerFactory.getLogger(SchemaHistory.class);

  private final SchemaHistoryStore store;
  private final Map<TableName, NavigableMap<BinlogPosition, TableState>> versions = new HashMap<>();
  private final Map<String, DatabaseDefined> databases = new HashMap<>();
  private final NavigableMap<BinlogPosition, List<TableName>> changedAt = new TreeMap<>();
  private final Catalog latest = new LatestCatalog();
  private ServerFacts server;
  private boolean ignoreCase;
  private BinlogPosition firstPosition;
  private BinlogPosition firstSeed;
  private BinlogPosition frontier;
  private boolean frontierApplied;
  private int records;

  private SchemaHistory(SchemaHistoryStore store) {
    this.store = store;
  }

  /**
   * The history the store holds (empty for a new store). The caller keeps owning the store.
   *
   * @throws SchemaHistoryCorruptException naming the record that cannot be decoded or is out of
   *     binlog order
   */
  public static SchemaHistory open(SchemaHistoryStore store) {
    SchemaHistory history = new SchemaHistory(Objects.requireNonNull(store, "store"));
    List<String> stored = store.load();
    for (int i = 0; i < stored.size(); i++) {
      SchemaChange change;
      try {
        change = SchemaChangeCodec.decode(stored.get(i));
      } catch (IllegalArgumentException e) {
        throw new SchemaHistoryCorruptException(store.locate(i), e.getMessage(), e);
      }
      if (history.alreadyApplied(change.position())) {
        throw new SchemaHistoryCorruptException(
            store.locate(i),
            "change at "
                + change.position()
                + " is not after the previous one at "
                + history.frontier);
      }
      history.applyChange(change);
    }
    LOG.debug("Loaded {} schema history records", stored.size());
    return history;
  }

  /** A history kept only in memory, for tests and for sources whose past is not needed. */
  public static SchemaHistory inMemory() {
    return new SchemaHistory(new MemorySchemaHistoryStore());
  }

  /** Whether nothing was ever recorded: the history must be seeded before it can answer. */
  public boolean isEmpty() {
    return records == 0;
  }

  /**
   * Seeds (or re-seeds) the history from {@code information_schema}, as the state before the event
   * at {@code at}. Tables matching {@code tables} are recorded with their columns; every other
   * table is recorded as existing but untracked ({@link Unknown} when looked up; DDL on it is
   * followed only for renames and drops). A re-seed replaces the latest state completely and keeps
   * older versions.
   *
   * <p>The caller reads {@code at} and the schema consistently (no DDL in between), for instance
   * with the server's {@code SHOW MASTER STATUS} under a global read lock, or accepts that a DDL
   * racing the seed makes its table unknown.
   *
   * @throws IllegalArgumentException when {@code at} is before what the history already covers
   */
  public void seed(BinlogPosition at, SqlQueryRunner source, Predicate<TableName> tables) {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(tables, "tables");
    if (alreadyApplied(at)) {
      throw new IllegalArgumentException(
          "cannot seed at "
              + at
              + ": the history already covers the binlog up to "
              + frontier
              + "; remove the history to start it over");
    }
    SchemaChange change = InformationSchemaSeeder.read(at, source, tables);
    record(change);
    long known = change.entries().stream().filter(e -> e instanceof TableDefined).count();
    LOG.info(
        "Seeded schema history at {} from information_schema: {} tables tracked, {} entries in all",
        at,
        known,
        change.entries().size());
  }

  /**
   * The schema of {@code table} valid at {@code position}: the latest version at or before it.
   *
   * @return {@link Known}; {@link Unknown} when the table exists but its columns cannot be known
   *     (including positions before the history starts); {@link Absent} when it does not exist
   *     there
   */
  public Lookup lookup(TableName table, BinlogPosition position) {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(position, "position");
    if (firstPosition == null) {
      return new Unknown("the schema history is empty: it was never seeded", position);
    }
    if (position.compareTo(firstPosition) < 0) {
      return new Unknown(
          "position is before the schema history starts at " + firstPosition, firstPosition);
    }
    NavigableMap<BinlogPosition, TableState> tableVersions = versions.get(latest.key(table));
    Map.Entry<BinlogPosition, TableState> version =
        tableVersions == null ? null : tableVersions.floorEntry(position);
    if (version == null) {
      if (firstSeed == null || position.compareTo(firstSeed) < 0) {
        return new Unknown(
            "no seed before this position, and no DDL since defined the table", firstPosition);
      }
      return Absent.INSTANCE;
    }
    return switch (version.getValue()) {
      case Defined defined -> new Known(defined.definition().schema());
      case TableState.Unknown unknown -> new Unknown(unknown.reason(), unknown.since());
      case Untracked untracked ->
          new Unknown(
              "not tracked: the table was excluded from the seed by its table filter",
              untracked.since());
      case TableState.Dropped dropped -> Absent.INSTANCE;
    };
  }

  /**
   * Applies one DDL statement of a QUERY event, assuming the session's default {@code sql_mode}
   * flags (backslash escapes, no ANSI_QUOTES); see {@link #applyDdl(BinlogPosition, String, String,
   * Optional, long)}.
   */
  public List<TableName> applyDdl(
      BinlogPosition position,
      String defaultSchema,
      String sql,
      Optional<String> serverDefaultCharset) {
    return applyDdl(position, defaultSchema, sql, serverDefaultCharset, 0L);
  }

  /**
   * Applies one DDL statement from a QUERY event and records its effect durably before returning.
   *
   * @param position the QUERY event's start position
   * @param defaultSchema the event's current database, {@code ""} when none
   * @param sql the statement text
   * @param serverDefaultCharset the character set of the event's {@code collation_server} (from its
   *     status variables), used for databases created without one; empty when not carried
   * @param sqlMode the event's {@code sql_mode} flags (status variable {@code Q_SQL_MODE_CODE});
   *     ANSI_QUOTES, NO_BACKSLASH_ESCAPES and REAL_AS_FLOAT change how the statement reads, and a
   *     statement written under ORACLE mode makes the tables it creates or alters unknown
   * @return the tables whose schema changed (including ones dropped, renamed or now unknown), in
   *     the order the statement touched them; for an already applied position, what it changed when
   *     it was applied
   * @throws SchemaHistoryStorageException when the change cannot be recorded; the history is then
   *     unchanged
   */
  public List<TableName> applyDdl(
      BinlogPosition position,
      String defaultSchema,
      String sql,
      Optional<String> serverDefaultCharset,
      long sqlMode) {
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(defaultSchema, "defaultSchema");
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(serverDefaultCharset, "serverDefaultCharset");
    if (alreadyApplied(position)) {
      return changedAt.getOrDefault(position, List.of());
    }
    SqlDialect dialect =
        (server == null ? SqlDialect.UNKNOWN : server.dialect()).withSqlMode(sqlMode);
    String serverCharset =
        serverDefaultCharset
            .flatMap(Charsets::canonical)
            .orElse(server == null ? "" : server.charset());
    List<Entry> entries = interpret(position, defaultSchema, sql, dialect, serverCharset);
    if (entries.isEmpty()) {
      frontier = position;
      frontierApplied = true;
      return List.of();
    }
    SchemaChange change = new SchemaChange(position, Optional.empty(), sql, entries);
    record(change);
    for (Entry entry : entries) {
      if (entry instanceof TableUnknown unknown) {
        LOG.warn(
            "Schema of table {} is UNKNOWN from binlog position {}: {}; statement: {}",
            unknown.name(),
            position,
            unknown.reason(),
            sql);
      }
    }
    LOG.debug("Applied DDL at {}: {} -> {}", position, sql, entries);
    return changedAt.getOrDefault(position, List.of());
  }

  /**
   * Whether a QUERY event's statement may change a table and must go to {@link #applyDdl}: its
   * first keyword (after comments, counting the content of versioned comments) is CREATE, ALTER,
   * DROP, RENAME or TRUNCATE. Cheap enough for every QUERY event; {@code BEGIN}, {@code COMMIT},
   * {@code SAVEPOINT}, {@code XA}, DML and the like answer false.
   */
  public static boolean isDdl(String sql) {
    return SqlLexer.startsWithDdlKeyword(sql);
  }

  // ---------------------------------------------------------------- internals

  private static DdlStatement uninterpretable(DdlStatement statement, String reason) {
    if (statement instanceof CreateTable create) {
      return new CreateTable(
          create.table(),
          create.orReplace(),
          create.temporary(),
          create.ifNotExists(),
          new Uninterpretable(reason));
    }
    if (statement instanceof AlterTable alter) {
      List<AlterSpec> specs = new ArrayList<>();
      specs.add(new UnsupportedSpec(reason));
      alter.specs().stream().filter(s -> s instanceof RenameTo).forEach(specs::add);
      return new AlterTable(alter.table(), alter.ifExists(), specs);
    }
    return statement;
  }

  /**
   * The entries that record what {@code sql} does. A statement the interpreter fails on, whatever
   * the reason (an unqualified name without a default database, a bug), makes every tracked table
   * it names unknown instead of stopping the stream at this event forever.
   */
  private List<Entry> interpret(
      BinlogPosition position,
      String defaultSchema,
      String sql,
      SqlDialect dialect,
      String serverCharset) {
    try {
      DdlStatement statement = DdlParser.parse(sql, dialect);
      if (dialect.oracleMode()) {
        statement = uninterpretable(statement, "written under sql_mode=ORACLE");
      }
      return new DdlInterpreter(latest, position, defaultSchema, serverCharset, dialect)
          .apply(statement);
    } catch (RuntimeException e) {
      String reason =
          e instanceof DdlException ? e.getMessage() : "internal error interpreting it: " + e;
      LOG.warn(
          "Could not interpret the DDL statement at binlog position {} ({}); the tracked tables it"
              + " names become UNKNOWN; statement: {}",
          position,
          reason,
          sql,
          e instanceof DdlException ? null : e);
      return new DdlInterpreter(latest, position, defaultSchema, serverCharset, dialect)
          .apply(new DdlStatement.Unparsed(reason, DdlParser.mentionedNames(sql, dialect)));
    }
  }

  /** Whether the event at {@code position} is already reflected in the history. */
  private boolean alreadyApplied(BinlogPosition position) {
    if (frontier == null) {
      return false;
    }
    int order = position.compareTo(frontier);
    return order < 0 || (order == 0 && frontierApplied);
  }

  private void record(SchemaChange change) {
    store.append(SchemaChangeCodec.encode(change));
    applyChange(change);
  }

  private void applyChange(SchemaChange change) {
    BinlogPosition at = change.position();
    Set<TableName> touched = new HashSet<>();
    List<TableName> changed = new ArrayList<>();
    if (change.isSeed()) {
      server = change.server().orElseThrow();
      ignoreCase = server.lowerCaseTableNames() != 0;
      databases.clear();
      if (firstSeed == null) {
        firstSeed = at;
      }
    }
    for (Entry entry : change.entries()) {
      switch (entry) {
        case DatabaseDefined database ->
            databases.put(latest.databaseKey(database.name()), database);
        case DatabaseDropped database -> databases.remove(latest.databaseKey(database.name()));
        case TableDefined table ->
            put(touched, changed, table.definition().name(), at, new Defined(table.definition()));
        case TableUnknown table ->
            put(touched, changed, table.name(), at, new TableState.Unknown(table.reason(), at));
        case TableUntracked table -> put(touched, changed, table.name(), at, new Untracked(at));
        case TableDropped table -> put(touched, changed, table.name(), at, TableState.DROPPED);
      }
    }
    if (change.isSeed()) {
      for (Map.Entry<TableName, NavigableMap<BinlogPosition, TableState>> table :
          versions.entrySet()) {
        if (!touched.contains(table.getKey()) && table.getValue().lastEntry().getValue().exists()) {
          table.getValue().put(at, TableState.DROPPED);
        }
      }
      frontierApplied = false;
    } else {
      changedAt.put(at, List.copyOf(changed));
      frontierApplied = true;
    }
    frontier = at;
    if (firstPosition == null) {
      firstPosition = at;
    }
    records++;
  }

  private void put(
      Set<TableName> touched,
      List<TableName> changed,
      TableName name,
      BinlogPosition at,
      TableState state) {
    TableName key = latest.key(name);
    touched.add(key);
    changed.add(name);
    versions.computeIfAbsent(key, k -> new TreeMap<>()).put(at, state);
  }

  /** The latest state, as the DDL interpreter reads it. */
  private final class LatestCatalog implements Catalog {
    @Override
    public TableName key(TableName name) {
      return ignoreCase
          ? new TableName(
              name.schema().toLowerCase(Locale.ROOT), name.table().toLowerCase(Locale.ROOT))
          : name;
    }

    @Override
    public String databaseKey(String name) {
      return ignoreCase ? name.toLowerCase(Locale.ROOT) : name;
    }

    @Override
    public TableState table(TableName name) {
      NavigableMap<BinlogPosition, TableState> tableVersions = versions.get(key(name));
      return tableVersions == null ? TableState.DROPPED : tableVersions.lastEntry().getValue();
    }

    @Override
    public Optional<String> database(String name) {
      return Optional.ofNullable(databases.get(databaseKey(name))).map(DatabaseDefined::charset);
    }

    @Override
    public List<TableName> tablesIn(String database) {
      String key = databaseKey(database);
      List<TableName> tables = new ArrayList<>();
      for (Map.Entry<TableName, NavigableMap<BinlogPosition, TableState>> table :
          versions.entrySet()) {
        if (table.getKey().schema().equals(key)
            && table.getValue().lastEntry().getValue().exists()) {
          tables.add(table.getKey());
        }
      }
      return tables;
    }

    @Override
    public Optional<ServerFacts> server() {
      return Optional.ofNullable(server);
    }
  }
}
