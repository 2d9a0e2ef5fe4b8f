package dev.hamal.reconcile;

import dev.hamal.order.BusinessLine;
import dev.hamal.order.MappingException;
import dev.hamal.order.SourceColumn;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A read-only session on a product-line server: which tables a business line maps, their columns,
 * consistent snapshots with the binlog position they correspond to, and rows streamed in a window
 * of the created-at column.
 *
 * <p>One JDBC connection, opened by {@link #open} and closed by {@link #close}; no pool, because a
 * reconciliation reads one table at a time. The session is {@code READ ONLY} (the server refuses
 * any write) and its {@code time_zone} is {@code +00:00}, so TIMESTAMP values are read and compared
 * in UTC; DATETIME values are never converted by the server.
 *
 * <p>Not thread-safe: one reconciliation uses it at a time. Every failure is a {@link
 * ReconcileException} naming the statement; the connection is not retried (a reconciliation is
 * rerun as a whole).
 */
public final class SourceDatabase implements AutoCloseable {
  /** Server error of a statement the server does not know ({@code ER_PARSE_ERROR}). */
  private static final int PARSE_ERROR = 1064;

  private final SourceDatabaseConfig config;
  private final Connection connection;
  private final boolean mariaDb;

  private SourceDatabase(SourceDatabaseConfig config, Connection connection, boolean mariaDb) {
    this.config = config;
    this.connection = connection;
    this.mariaDb = mariaDb;
  }

  /**
   * Connects and sets the session up (read only, UTC).
   *
   * @throws ReconcileException when the server cannot be reached or refuses the session settings
   */
  public static SourceDatabase open(SourceDatabaseConfig config) {
    Objects.requireNonNull(config, "config");
    Connection connection;
    try {
      connection = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
    } catch (SQLException e) {
      throw new ReconcileException("cannot connect to the source " + config, e);
    }
    boolean mariaDb;
    try (Statement s = connection.createStatement()) {
      s.execute("SET SESSION TRANSACTION READ ONLY");
      s.execute("SET SESSION time_zone = '+00:00'");
      connection.setAutoCommit(true);
      try (ResultSet version = s.executeQuery("SELECT VERSION()")) {
        mariaDb = version.next() && version.getString(1).contains("MariaDB");
      }
    } catch (SQLException e) {
      closeQuietly(connection, e);
      throw new ReconcileException("cannot set up a read-only session on " + config, e);
    }
    return new SourceDatabase(config, connection, mariaDb);
  }

  /** The configuration, password masked in its {@code toString}. */
  public SourceDatabaseConfig config() {
    return config;
  }

  /** A binlog position: the file and the offset where the next event would be written. */
  record BinlogPoint(String file, long position) {}

  /** One table of the line, its columns in ordinal order and the created-at column's type. */
  record SourceTable(String schema, String table, List<Column> columns, Column createdAt) {
    String qualified() {
      return quote(schema) + "." + quote(table);
    }

    @Override
    public String toString() {
      return schema + "." + table;
    }
  }

  /** A column the mapping reads, with the reader of its values. */
  record Column(String name, String columnType, ColumnValues.Kind kind) {}

  /**
   * The tables {@code line} maps, each checked against the mapping the way the listener checks a
   * table before its first row: a table that does not fit is an error, not a source of guesses.
   *
   * @throws ReconcileException when a table does not fit the mapping or the catalog cannot be read
   */
  List<SourceTable> tables(BusinessLine line) {
    String createdColumn =
        line.columnOf("created_at")
            .orElseThrow(() ->
                new ReconcileException(
                    "business line " + line.name() + " maps no created_at column"));
    List<String[]> names = new ArrayList<>();
    String query =
        "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES"
            + " WHERE TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_SCHEMA, TABLE_NAME";
    try (Statement s = connection.createStatement();
        ResultSet rows = s.executeQuery(query)) {
      while (rows.next()) {
        String schema = rows.getString(1);
        String table = rows.getString(2);
        if (line.mapsTable(schema, table)) {
          names.add(new String[] {schema, table});
        }
      }
    } catch (SQLException e) {
      throw new ReconcileException(query + " failed on " + config, e);
    }
    List<SourceTable> tables = new ArrayList<>(names.size());
    for (String[] name : names) {
      tables.add(describe(line, name[0], name[1], createdColumn));
    }
    return tables;
  }

  private SourceTable describe(BusinessLine line, String schema, String table, String created) {
    String query =
        "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE FROM information_schema.COLUMNS"
            + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";
    List<SourceColumn> all = new ArrayList<>();
    List<Column> read = new ArrayList<>();
    try (PreparedStatement s = connection.prepareStatement(query)) {
      s.setString(1, schema);
      s.setString(2, table);
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          String name = rows.getString(1);
          String columnType = rows.getString(3);
          all.add(new SourceColumn(name, columnType));
          if (line.columns().contains(name)) {
            read.add(
                new Column(name, columnType, ColumnValues.kindOf(rows.getString(2), columnType)));
          }
        }
      }
    } catch (SQLException e) {
      throw new ReconcileException(query + " failed for " + schema + "." + table, e);
    }
    try {
      line.validateAgainst(schema, table, all);
    } catch (MappingException e) {
      throw new ReconcileException(
          "business line "
              + line.name()
              + " does not fit table "
              + schema
              + "."
              + table
              + ": "
              + e.getMessage(),
          e);
    }
    Column createdAt =
        read.stream()
            .filter(c -> c.name().equals(created))
            .findFirst()
            .orElseThrow(() -> new ReconcileException(schema + "." + table + " has no " + created));
    return new SourceTable(schema, table, List.copyOf(read), createdAt);
  }

  /**
   * Starts a consistent-snapshot transaction and returns the binlog position it corresponds to when
   * {@code wantPosition}: every transaction whose events lie before it is visible, none that lies
   * at or after it. MariaDB reports that position exactly ({@code binlog_snapshot_file} and {@code
   * binlog_snapshot_position}); elsewhere the end of the binlog read just before the snapshot
   * starts stands in (see {@link Repairer} for the consequence).
   *
   * @throws ReconcileException when the snapshot cannot start, or a position is wanted and binary
   *     logging is off
   */
  Optional<BinlogPoint> beginSnapshot(boolean wantPosition) {
    Optional<BinlogPoint> before =
        wantPosition && !mariaDb ? Optional.of(binlogEnd()) : Optional.empty();
    try (Statement s = connection.createStatement()) {
      s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
    } catch (SQLException e) {
      throw new ReconcileException("cannot start a consistent snapshot on " + config, e);
    }
    if (!wantPosition || !mariaDb) {
      return before;
    }
    try {
      return Optional.of(
          snapshotPosition()
              .orElseThrow(() ->
                  new ReconcileException(
                      "the snapshot on "
                          + config
                          + " has no binlog position: binary logging is off, so repairs"
                          + " cannot be versioned")));
    } catch (ReconcileException e) {
      endSnapshotAfter(e);
      throw e;
    }
  }

  private void endSnapshotAfter(Exception failure) {
    try {
      endSnapshot();
    } catch (ReconcileException e) {
      failure.addSuppressed(e);
    }
  }

  /** Ends the snapshot transaction (nothing was written; it only releases the read view). */
  void endSnapshot() {
    try (Statement s = connection.createStatement()) {
      s.execute("COMMIT");
    } catch (SQLException e) {
      throw new ReconcileException("cannot end the snapshot transaction on " + config, e);
    }
  }

  private Optional<BinlogPoint> snapshotPosition() {
    String query = "SHOW STATUS LIKE 'binlog_snapshot_%'";
    String file = null;
    long position = -1;
    try (Statement s = connection.createStatement();
        ResultSet rows = s.executeQuery(query)) {
      while (rows.next()) {
        String name = rows.getString(1);
        String value = rows.getString(2);
        if ("binlog_snapshot_file".equalsIgnoreCase(name)) {
          file = value;
        } else if ("binlog_snapshot_position".equalsIgnoreCase(name)) {
          position = Long.parseLong(value);
        }
      }
    } catch (SQLException | NumberFormatException e) {
      throw new ReconcileException(query + " failed on " + config, e);
    }
    if (file == null || file.isEmpty() || position < 4) {
      return Optional.empty();
    }
    return Optional.of(new BinlogPoint(file, position));
  }

  /**
   * Where the next binlog event will be written: {@code SHOW MASTER STATUS}, or {@code SHOW BINARY
   * LOG STATUS} on servers that no longer know the former (MySQL 8.4).
   */
  BinlogPoint binlogEnd() {
    try {
      return binlogEnd("SHOW MASTER STATUS");
    } catch (SQLException e) {
      if (e.getErrorCode() != PARSE_ERROR) {
        throw new ReconcileException("SHOW MASTER STATUS failed on " + config, e);
      }
    }
    try {
      return binlogEnd("SHOW BINARY LOG STATUS");
    } catch (SQLException e) {
      throw new ReconcileException("SHOW BINARY LOG STATUS failed on " + config, e);
    }
  }

  private BinlogPoint binlogEnd(String query) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rows = s.executeQuery(query)) {
      if (!rows.next()) {
        throw new ReconcileException(
            query
                + " returned nothing on "
                + config
                + ": binary logging is off, nothing to repair");
      }
      return new BinlogPoint(rows.getString(1), rows.getLong(2));
    }
  }

  /**
   * Streams the rows of {@code table} whose created-at column lies in {@code [lower, upper)}, given
   * in the column's own terms (see {@link ColumnValues#bound}); {@code each} sees every row once.
   * Rows are fetched {@link SourceDatabaseConfig#fetchSize()} at a time, never all at once.
   */
  void stream(SourceTable table, String lower, String upper, Consumer<JdbcRow> each) {
    var select = new StringBuilder("SELECT ");
    for (int i = 0; i < table.columns().size(); i++) {
      Column column = table.columns().get(i);
      String name = quote(column.name());
      select.append(i == 0 ? "" : ", ");
      switch (column.kind()) {
        // Temporal values as the server prints them (every fraction digit the column has): the
        // MariaDB driver's own text of a DATETIME(3) drops a fraction's leading zeros (.085 read
        // back as .85), so it is never asked to format one.
        case DATE, DATETIME, TIMESTAMP, TIME ->
            select.append("CAST(").append(name).append(" AS CHAR) AS ").append(name);
        default -> select.append(name);
      }
    }
    String created = quote(table.createdAt().name());
    select
        .append(" FROM ")
        .append(table.qualified())
        .append(" WHERE ")
        .append(created)
        .append(" >= ? AND ")
        .append(created)
        .append(" < ?");
    String query = select.toString();
    JdbcRow.Shape shape = JdbcRow.Shape.of(table);
    try (PreparedStatement s =
        connection.prepareStatement(
            query, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
      s.setFetchSize(config.fetchSize());
      s.setString(1, lower);
      s.setString(2, upper);
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          each.accept(JdbcRow.read(shape, rows));
        }
      }
    } catch (SQLException e) {
      throw new ReconcileException(query + " failed on " + config, e);
    }
  }

  static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new ReconcileException("cannot close the connection to " + config, e);
    }
  }

  private static void closeQuietly(Connection connection, Exception failure) {
    try {
      connection.close();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  @Override
  public String toString() {
    return "SourceDatabase[" + config + "]";
  }
}
