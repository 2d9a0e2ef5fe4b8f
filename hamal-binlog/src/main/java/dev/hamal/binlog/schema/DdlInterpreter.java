package dev.hamal.binlog.schema;

import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.TableName;
import dev.hamal.binlog.schema.DdlStatement.AddColumns;
import dev.hamal.binlog.schema.DdlStatement.AddPrimaryKey;
import dev.hamal.binlog.schema.DdlStatement.AlterColumn;
import dev.hamal.binlog.schema.DdlStatement.AlterDatabase;
import dev.hamal.binlog.schema.DdlStatement.AlterSpec;
import dev.hamal.binlog.schema.DdlStatement.AlterTable;
import dev.hamal.binlog.schema.DdlStatement.ChangeColumn;
import dev.hamal.binlog.schema.DdlStatement.CharsetSpec;
import dev.hamal.binlog.schema.DdlStatement.ColumnSpec;
import dev.hamal.binlog.schema.DdlStatement.Columns;
import dev.hamal.binlog.schema.DdlStatement.ConvertCharset;
import dev.hamal.binlog.schema.DdlStatement.CreateDatabase;
import dev.hamal.binlog.schema.DdlStatement.CreateSequence;
import dev.hamal.binlog.schema.DdlStatement.CreateTable;
import dev.hamal.binlog.schema.DdlStatement.DropColumn;
import dev.hamal.binlog.schema.DdlStatement.DropDatabase;
import dev.hamal.binlog.schema.DdlStatement.DropPrimaryKey;
import dev.hamal.binlog.schema.DdlStatement.DropTables;
import dev.hamal.binlog.schema.DdlStatement.Like;
import dev.hamal.binlog.schema.DdlStatement.NoChange;
import dev.hamal.binlog.schema.DdlStatement.PartitionToTable;
import dev.hamal.binlog.schema.DdlStatement.Position;
import dev.hamal.binlog.schema.DdlStatement.Rename;
import dev.hamal.binlog.schema.DdlStatement.RenameColumn;
import dev.hamal.binlog.schema.DdlStatement.RenameTables;
import dev.hamal.binlog.schema.DdlStatement.RenameTo;
import dev.hamal.binlog.schema.DdlStatement.TableCharset;
import dev.hamal.binlog.schema.DdlStatement.TableRef;
import dev.hamal.binlog.schema.DdlStatement.TableToPartition;
import dev.hamal.binlog.schema.DdlStatement.Uninterpretable;
import dev.hamal.binlog.schema.DdlStatement.Unparsed;
import dev.hamal.binlog.schema.DdlStatement.UnsupportedSpec;
import dev.hamal.binlog.schema.SchemaChange.DatabaseDefined;
import dev.hamal.binlog.schema.SchemaChange.DatabaseDropped;
import dev.hamal.binlog.schema.SchemaChange.Entry;
import dev.hamal.binlog.schema.SchemaChange.TableDefined;
import dev.hamal.binlog.schema.SchemaChange.TableDropped;
import dev.hamal.binlog.schema.SchemaChange.TableUnknown;
import dev.hamal.binlog.schema.SchemaChange.TableUntracked;
import dev.hamal.binlog.schema.TableDefinition.ResolvedColumn;
import dev.hamal.binlog.schema.TableState.Defined;
import dev.hamal.binlog.schema.TableState.Unknown;
import dev.hamal.binlog.schema.TableState.Untracked;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Applies one parsed DDL statement to the latest state of the history and reports the new state of
 * every table and database that changed.
 *
 * <p>Invariants: it never guesses. A table whose new columns cannot be derived exactly becomes
 * {@link Unknown} with the reason; an ALTER of a table the history has no definition for makes it
 * unknown too (unless it is {@link Untracked}, which stays untracked and only follows renames).
 * Changes inside one statement are applied in order on an overlay (so {@code RENAME TABLE a TO tmp,
 * b TO a, tmp TO b} swaps), and only the final states that differ from the base are reported.
 * Tables in the system schemas are ignored.
 *
 * <p>ALTER TABLE follows the server's algorithm for column order, verified against MariaDB: drops,
 * CHANGE/MODIFY without a position and RENAME COLUMN are applied in place; then ADDs and positioned
 * CHANGE/MODIFY are placed in statement order ({@code FIRST}, {@code AFTER x} with {@code x} looked
 * up in the columns built so far, else appended); {@code CONVERT TO} then converts every text
 * column, including new ones.
 *
 * <p>Threading: one instance per statement, on the reader thread.
 */
final class DdlInterpreter {

  private final Catalog base;
  private final BinlogPosition position;
  private final String defaultSchema;
  private final String serverCharset;
  private final SqlDialect dialect;
  private final Map<TableName, TableState> tables = new LinkedHashMap<>();
  private final Map<TableName, TableName> names = new HashMap<>();
  private final Map<String, Optional<DatabaseDefined>> databases = new LinkedHashMap<>();

  /**
   * @param serverCharset the server's default character set at this event, for databases created
   *     without one; {@code ""} when unknown
   */
  DdlInterpreter(
      Catalog base,
      BinlogPosition position,
      String defaultSchema,
      String serverCharset,
      SqlDialect dialect) {
    this.base = base;
    this.position = position;
    this.defaultSchema = defaultSchema;
    this.serverCharset = serverCharset;
    this.dialect = dialect;
  }

  /** The entries that record the statement's effect; empty when nothing changed. */
  List<Entry> apply(DdlStatement statement) {
    switch (statement) {
      case CreateTable create -> createTable(create);
      case AlterTable alter -> alterTable(alter);
      case RenameTables rename -> {
        for (Rename r : rename.renames()) {
          renameTable(resolve(r.from()), resolve(r.to()));
        }
      }
      case DropTables drop -> {
        if (!drop.temporary()) {
          for (TableRef ref : drop.tables()) {
            dropTable(resolve(ref));
          }
        }
      }
      case CreateDatabase create -> createDatabase(create);
      case AlterDatabase alter -> alterDatabase(alter);
      case DropDatabase drop -> dropDatabase(drop.name());
      case CreateSequence sequence -> createSequence(sequence);
      case NoChange ignored -> {}
      case Unparsed unparsed -> unparsed(unparsed);
    }
    return entries();
  }

  // ---------------------------------------------------------------- tables

  private void createTable(CreateTable create) {
    if (create.temporary()) {
      return;
    }
    TableName name = resolve(create.table());
    if (isIgnored(name) || (create.ifNotExists() && state(name).exists())) {
      return;
    }
    TableState created =
        switch (create.body()) {
          case Columns columns -> defineColumns(name, columns);
          case Like like -> {
            TableName source = resolve(like.source());
            if (state(source) instanceof Defined defined) {
              yield new Defined(defined.definition().renamed(name));
            }
            yield unknown("created LIKE " + source + ", whose columns are not known");
          }
          case Uninterpretable body -> unknown(body.reason());
        };
    put(name, created);
  }

  private TableState defineColumns(TableName name, Columns body) {
    try {
      if (body.systemVersioning() && body.columns().stream().noneMatch(ColumnSpec::rowPeriod)) {
        throw new DdlException("WITH SYSTEM VERSIONING adds hidden row_start/row_end columns");
      }
      String charset = tableCharset(body.charset(), "", databaseCharset(name.schema()));
      List<ResolvedColumn> columns = new ArrayList<>();
      for (ColumnSpec spec : body.columns()) {
        if (indexOf(columns, spec.name()) >= 0) {
          throw new DdlException("duplicate column " + spec.name());
        }
        columns.add(ColumnTypes.resolve(spec, charset, dialect));
      }
      List<String> primaryKey = primaryKeyNames(columns, body.primaryKey());
      return new Defined(TableDefinition.of(name, columns, primaryKey, charset));
    } catch (DdlException e) {
      return unknown("CREATE TABLE not understood: " + e.getMessage());
    }
  }

  private void alterTable(AlterTable alter) {
    TableName name = resolve(alter.table());
    if (isIgnored(name)) {
      return;
    }
    TableState current = state(name);
    if (!current.exists() && alter.ifExists()) {
      return;
    }
    TableName target = name;
    for (AlterSpec spec : alter.specs()) {
      switch (spec) {
        case RenameTo rename -> target = resolve(rename.target());
        case TableToPartition absorbed -> dropTable(resolve(absorbed.source()));
        default -> {}
      }
    }
    TableState altered =
        switch (current) {
          case Defined defined -> {
            try {
              yield new Defined(
                  alterDefinition(defined.definition(), alter.specs()).renamed(target));
            } catch (DdlException e) {
              yield unknown("ALTER TABLE not understood: " + e.getMessage());
            }
          }
          case Unknown unknown -> unknown;
          case Untracked untracked -> untracked;
          case TableState.Dropped dropped ->
              unknown("ALTER TABLE of a table the history has no definition for");
        };
    for (AlterSpec spec : alter.specs()) {
      if (spec instanceof PartitionToTable split) {
        TableName splitName = resolve(split.target());
        put(splitName, copyOf(altered, splitName));
      }
    }
    if (!target.equals(name)) {
      put(name, TableState.DROPPED);
    }
    put(target, altered);
  }

  private TableState copyOf(TableState state, TableName newName) {
    return switch (state) {
      case Defined defined -> new Defined(defined.definition().renamed(newName));
      case Untracked untracked -> new Untracked(position);
      default -> unknown("created from a partition of a table whose columns are not known");
    };
  }

  private TableDefinition alterDefinition(TableDefinition table, List<AlterSpec> specs) {
    String database = databaseCharset(table.name().schema());
    String charset = table.defaultCharset();
    String convertTo = "";
    List<ResolvedColumn> old = table.columns();
    Set<String> dropped = new HashSet<>();
    Map<String, Change> changes = new HashMap<>();
    List<Object> placements = new ArrayList<>();
    List<String> newPrimaryKey = null;
    boolean dropPrimaryKey = false;
    for (AlterSpec spec : specs) {
      switch (spec) {
        case TableCharset option -> charset = tableCharset(option.charset(), charset, database);
        case ConvertCharset convert -> {
          charset = tableCharset(convert.charset(), charset, database);
          if (charset.isEmpty()) {
            throw new DdlException("CONVERT TO the database default, which is unknown");
          }
          convertTo = charset;
        }
        case UnsupportedSpec unsupported -> throw new DdlException(unsupported.reason());
        default -> {}
      }
    }
    for (AlterSpec spec : specs) {
      switch (spec) {
        case DropColumn drop -> {
          String key = lower(drop.name());
          if (indexOf(old, drop.name()) < 0 || dropped.contains(key)) {
            if (!drop.ifExists()) {
              throw new DdlException("DROP of unknown column " + drop.name());
            }
          } else {
            dropped.add(key);
          }
        }
        case ChangeColumn change -> {
          int index = indexOf(old, change.oldName());
          if (index < 0) {
            if (!change.ifExists()) {
              throw new DdlException("CHANGE/MODIFY of unknown column " + change.oldName());
            }
            continue;
          }
          ResolvedColumn resolved = ColumnTypes.resolve(change.column(), charset, dialect);
          Change c = new Change(resolved, change.column().position(), change.column());
          addChange(changes, change.oldName(), c);
          if (c.position.isGiven()) {
            placements.add(c);
          }
          if (change.column().primaryKey()) {
            newPrimaryKey = List.of(resolved.name());
          }
        }
        case RenameColumn rename -> {
          int index = indexOf(old, rename.oldName());
          if (index < 0) {
            if (!rename.ifExists()) {
              throw new DdlException("RENAME COLUMN of unknown column " + rename.oldName());
            }
            continue;
          }
          ResolvedColumn renamed = old.get(index).renamed(rename.newName());
          addChange(changes, rename.oldName(), new Change(renamed, Position.NONE, null));
        }
        case AddColumns add -> {
          for (ColumnSpec column : add.columns()) {
            placements.add(new Add(column, add.ifNotExists()));
          }
        }
        case AddPrimaryKey key -> newPrimaryKey = key.columns();
        case DropPrimaryKey drop -> dropPrimaryKey = true;
        case AlterColumn column -> {
          if (indexOf(old, column.name()) < 0) {
            throw new DdlException("ALTER COLUMN of unknown column " + column.name());
          }
        }
        default -> {}
      }
    }
    for (String key : changes.keySet()) {
      if (dropped.contains(key)) {
        throw new DdlException("column " + key + " both dropped and changed");
      }
    }
    List<ResolvedColumn> result = new ArrayList<>();
    for (ResolvedColumn column : old) {
      String key = lower(column.name());
      if (dropped.contains(key)) {
        continue;
      }
      Change change = changes.get(key);
      if (change == null) {
        result.add(column);
      } else if (!change.position.isGiven()) {
        result.add(change.column);
      }
    }
    for (Object placement : placements) {
      if (placement instanceof Add add) {
        if (add.ifNotExists && indexOf(result, add.spec.name()) >= 0) {
          continue;
        }
        ResolvedColumn column = ColumnTypes.resolve(add.spec, charset, dialect);
        place(result, column, add.spec.position());
        if (add.spec.primaryKey()) {
          newPrimaryKey = List.of(column.name());
        }
      } else {
        Change change = (Change) placement;
        place(result, change.column, change.position);
      }
    }
    Set<String> seen = new HashSet<>();
    for (ResolvedColumn column : result) {
      if (!seen.add(lower(column.name()))) {
        throw new DdlException("duplicate column " + column.name());
      }
    }
    if (!convertTo.isEmpty()) {
      for (int i = 0; i < result.size(); i++) {
        result.set(i, ColumnTypes.convert(result.get(i), convertTo));
      }
    }
    List<String> primaryKey = new ArrayList<>();
    if (!dropPrimaryKey) {
      for (String column : table.schema().primaryKey()) {
        String key = lower(column);
        if (dropped.contains(key)) {
          continue;
        }
        Change change = changes.get(key);
        primaryKey.add(change == null ? column : change.column.name());
      }
    }
    if (newPrimaryKey != null) {
      primaryKey = new ArrayList<>(newPrimaryKey);
    }
    return TableDefinition.of(table.name(), result, primaryKeyNames(result, primaryKey), charset);
  }

  private static void addChange(Map<String, Change> changes, String oldName, Change change) {
    if (changes.putIfAbsent(lower(oldName), change) != null) {
      throw new DdlException("column " + oldName + " changed twice");
    }
  }

  private record Change(ResolvedColumn column, Position position, ColumnSpec spec) {}

  private record Add(ColumnSpec spec, boolean ifNotExists) {}

  private static void place(List<ResolvedColumn> columns, ResolvedColumn column, Position at) {
    if (at.first()) {
      columns.add(0, column);
    } else if (!at.after().isEmpty()) {
      int index = indexOf(columns, at.after());
      if (index < 0) {
        throw new DdlException("AFTER unknown column " + at.after());
      }
      columns.add(index + 1, column);
    } else {
      columns.add(column);
    }
  }

  /** The primary key with each name spelled as its column is. */
  private static List<String> primaryKeyNames(List<ResolvedColumn> columns, List<String> key) {
    List<String> names = new ArrayList<>(key.size());
    for (String name : key) {
      int index = indexOf(columns, name);
      if (index < 0) {
        throw new DdlException("primary key on unknown column " + name);
      }
      names.add(columns.get(index).name());
    }
    return names;
  }

  private static int indexOf(List<ResolvedColumn> columns, String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }

  private void renameTable(TableName from, TableName to) {
    if (isIgnored(from) || isIgnored(to)) {
      return;
    }
    TableState moved = state(from);
    put(from, TableState.DROPPED);
    put(
        to,
        switch (moved) {
          case Defined defined -> new Defined(defined.definition().renamed(to));
          case Untracked untracked -> new Untracked(position);
          case Unknown unknown -> unknown;
          case TableState.Dropped dropped ->
              unknown("renamed from " + from + ", which the history has no definition for");
        });
  }

  private void dropTable(TableName name) {
    if (!isIgnored(name)) {
      put(name, TableState.DROPPED);
    }
  }

  private void createSequence(CreateSequence sequence) {
    TableName name = resolve(sequence.table());
    if (sequence.temporary()
        || isIgnored(name)
        || (sequence.ifNotExists() && state(name).exists())) {
      return;
    }
    put(name, unknown("a sequence; the history does not describe sequence tables"));
  }

  private void unparsed(Unparsed unparsed) {
    Set<TableName> seen = new HashSet<>();
    for (TableRef ref : unparsed.mentioned()) {
      if (ref.schema().isEmpty() && defaultSchema.isEmpty()) {
        continue;
      }
      TableName name = resolve(ref);
      if (!seen.add(base.key(name)) || isIgnored(name)) {
        continue;
      }
      TableState state = state(name);
      if (state instanceof Defined) {
        put(name, unknown("statement not understood: " + unparsed.reason()));
      }
    }
  }

  // ---------------------------------------------------------------- databases

  private void createDatabase(CreateDatabase create) {
    if (Catalog.isSystemSchema(create.name())) {
      return;
    }
    if (create.ifNotExists() && databaseState(create.name()).isPresent()) {
      return;
    }
    if (create.orReplace()) {
      dropDatabase(create.name());
    }
    String charset;
    try {
      charset = charsetChoice(create.charset(), "", serverCharset);
    } catch (DdlException e) {
      charset = "";
    }
    databases.put(
        base.databaseKey(create.name()), Optional.of(new DatabaseDefined(create.name(), charset)));
  }

  private void alterDatabase(AlterDatabase alter) {
    String name = alter.name().isEmpty() ? defaultSchema : alter.name();
    if (name.isEmpty() || Catalog.isSystemSchema(name) || !alter.charset().isGiven()) {
      return;
    }
    Optional<String> current = databaseState(name);
    String charset;
    try {
      charset = charsetChoice(alter.charset(), current.orElse(""), serverCharset);
    } catch (DdlException e) {
      charset = "";
    }
    databases.put(base.databaseKey(name), Optional.of(new DatabaseDefined(name, charset)));
  }

  private void dropDatabase(String name) {
    if (Catalog.isSystemSchema(name)) {
      return;
    }
    String key = base.databaseKey(name);
    for (TableName table : base.tablesIn(name)) {
      put(table, TableState.DROPPED);
    }
    for (Map.Entry<TableName, TableState> table : new ArrayList<>(tables.entrySet())) {
      if (base.databaseKey(table.getKey().schema()).equals(key)) {
        put(table.getKey(), TableState.DROPPED);
      }
    }
    databases.put(key, Optional.empty());
  }

  private Optional<String> databaseState(String name) {
    String key = base.databaseKey(name);
    if (databases.containsKey(key)) {
      return databases.get(key).map(DatabaseDefined::charset);
    }
    return base.database(name);
  }

  private String databaseCharset(String name) {
    return databaseState(name).orElse("");
  }

  /**
   * A table's default character set from its options: the given set, the set of the given
   * collation, or (nothing given, or DEFAULT) {@code fallback}; a collation without a set prefix
   * takes {@code current}.
   */
  private static String tableCharset(CharsetSpec spec, String current, String fallback) {
    if (!spec.isGiven()) {
      return current.isEmpty() ? fallback : current;
    }
    return charsetChoice(spec, current.isEmpty() ? fallback : current, fallback);
  }

  private static String charsetChoice(CharsetSpec spec, String context, String fallback) {
    if (!spec.charset().isEmpty()) {
      return Charsets.canonical(spec.charset())
          .orElseThrow(() -> new DdlException("unknown character set " + spec.charset()));
    }
    if (spec.useDefault()) {
      return fallback;
    }
    if (!spec.collation().isEmpty()) {
      return Charsets.ofCollation(
              spec.collation(), context.isEmpty() ? Optional.empty() : Optional.of(context))
          .orElseThrow(() -> new DdlException("unknown collation " + spec.collation()));
    }
    return fallback;
  }

  // ---------------------------------------------------------------- overlay

  private TableName resolve(TableRef ref) {
    String schema = ref.schema().isEmpty() ? defaultSchema : ref.schema();
    if (schema.isEmpty()) {
      throw new DdlException(
          "table " + ref.table() + " is not qualified and no database is in use");
    }
    return new TableName(schema, ref.table());
  }

  private boolean isIgnored(TableName name) {
    return Catalog.isSystemSchema(name.schema());
  }

  private TableState state(TableName name) {
    TableName key = base.key(name);
    TableState state = tables.get(key);
    return state != null ? state : base.table(key);
  }

  private void put(TableName name, TableState state) {
    TableName key = base.key(name);
    TableName stored = base.storedName(name);
    if (state instanceof Defined defined && !defined.definition().name().equals(stored)) {
      state = new Defined(defined.definition().renamed(stored));
    }
    tables.put(key, state);
    names.put(key, stored);
  }

  private Unknown unknown(String reason) {
    return new Unknown(reason, position);
  }

  private List<Entry> entries() {
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<String, Optional<DatabaseDefined>> database : databases.entrySet()) {
      Optional<DatabaseDefined> now = database.getValue();
      Optional<String> before = base.database(database.getKey());
      if (now.isEmpty()) {
        if (before.isPresent()) {
          entries.add(new DatabaseDropped(database.getKey()));
        }
      } else if (before.isEmpty() || !before.get().equals(now.get().charset())) {
        entries.add(now.get());
      }
    }
    for (Map.Entry<TableName, TableState> table : tables.entrySet()) {
      TableState now = table.getValue();
      TableState before = base.table(table.getKey());
      if (sameState(before, now)) {
        continue;
      }
      TableName name = names.get(table.getKey());
      entries.add(
          switch (now) {
            case Defined defined -> new TableDefined(defined.definition());
            case Unknown unknown -> new TableUnknown(name, unknown.reason());
            case Untracked untracked -> new TableUntracked(name);
            case TableState.Dropped dropped -> new TableDropped(name);
          });
    }
    return entries;
  }

  private static boolean sameState(TableState before, TableState now) {
    if (before == now) {
      return true;
    }
    if (before instanceof Defined a && now instanceof Defined b) {
      return a.equals(b);
    }
    return !before.exists() && !now.exists();
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
