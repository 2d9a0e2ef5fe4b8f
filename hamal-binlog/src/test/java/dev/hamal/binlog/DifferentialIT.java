package dev.hamal.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.binlog.OracleBinlogFiles.Row;
import dev.hamal.binlog.event.OracleComparison;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.testkit.Sql;
import dev.hamal.testkit.Sql.MasterStatus;
import dev.hamal.testkit.TestServers;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hamal against mysql-binlog-connector-java, value by value, on a live server's binlog: a seeded
 * random workload of at least {@value #DEFAULT_ROWS} row changes over every column type MariaDB
 * writes ({@link DifferentialWorkload}) is streamed by a {@link BinlogStream} over exactly its
 * binlog range, and every delivered row is compared with the oracle's decoding of the same bytes,
 * read from the server's binlog files on disk ({@link OracleBinlogFiles}).
 *
 * <p>The comparison runs in lockstep, row by row: same operation, table, transaction (its GTID
 * event's position), rows event (rows are grouped into the same events) and index in the event;
 * then every value of the before and after images per {@link OracleComparison}, whose class comment
 * lists where the two libraries legitimately differ. A structural difference stops the stream at
 * once (later rows could not be paired); value differences are collected and reported together. The
 * number of rows must also equal the row changes the server reported to the workload (affected-row
 * counts), so a row that both decoders missed would still fail the test.
 *
 * <p>Knobs: {@code -Dhamal.differential.seed=N} (default fixed, printed) and {@code
 * -Dhamal.differential.rows=N} (at least this many row changes per server).
 */
class DifferentialIT {
  private static final String SCHEMA = "differential";
  private static final long DEFAULT_ROWS = 100_000;
  private static final long SEED = Long.getLong("hamal.differential.seed", 20_240_611L);
  private static final long ROWS = Long.getLong("hamal.differential.rows", DEFAULT_ROWS);
  private static final int SAMPLES = 40;
  private static final LocalDateTime GREGORIAN_CUTOVER = LocalDateTime.of(1582, 10, 15, 0, 0);

  static Stream<MariaDbServer> servers() {
    return TestServers.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void shouldDecodeEveryRowOfARandomWorkloadExactlyAsTheOracleDecodesTheSameBytes(
      MariaDbServer server) throws Exception {
    List<String> ddl = new ArrayList<>();
    ddl.add("DROP DATABASE IF EXISTS " + SCHEMA);
    ddl.add("CREATE DATABASE " + SCHEMA + " CHARACTER SET utf8mb4");
    ddl.addAll(DifferentialWorkload.createTables(SCHEMA));
    ddl.add("CREATE TABLE " + SCHEMA + ".fence (id INT PRIMARY KEY)");
    Sql.execute(server, ddl.toArray(String[]::new));

    long started = System.nanoTime();
    MasterStatus before = Sql.masterStatus(server);
    DifferentialWorkload workload = new DifferentialWorkload(SEED, SCHEMA);
    try (Connection c =
            DriverManager.getConnection(
                server.jdbcUrl(SCHEMA) + "&useAffectedRows=true",
                server.adminUser(),
                server.adminPassword());
        Statement s = c.createStatement()) {
      s.execute("SET sql_mode = ''"); // zero dates, clipped values
      s.execute("SET time_zone = '+00:00'");
      s.execute("SET max_statement_time = 0");
      workload.run(c, ROWS);
    }
    MasterStatus after = Sql.masterStatus(server);
    // an event at the stop position, so that the stream sees where the range ends
    Sql.execute(server, "INSERT INTO " + SCHEMA + ".fence VALUES (1)");
    long generated = System.nanoTime();

    BinlogPosition from = new BinlogPosition(before.file(), before.position());
    BinlogPosition to = new BinlogPosition(after.file(), after.position());
    List<String> tables =
        List.of(SCHEMA + "." + DifferentialWorkload.WIDE, SCHEMA + "." + DifferentialWorkload.SIDE);
    Differ differ;
    long reconnects;
    long binlogBytes;
    try (OracleBinlogFiles oracle =
        new OracleBinlogFiles(server.dataDir(), from, to, Set.copyOf(tables))) {
      differ = new Differ(oracle);
      BinlogStream stream =
          BinlogStream.builder(StreamRunner.source(server, 0).build())
              .start(StartPosition.at(from))
              .stopAt(to)
              .tables(TableFilter.of(tables, List.of()))
              .build();
      stream.run(differ);
      reconnects = stream.stats().reconnects();
      Row extra = oracle.next();
      assertThat(extra).as("a row the oracle decoded and Hamal did not deliver").isNull();
      binlogBytes = oracle.bytesRead();
    }
    long compared = System.nanoTime();

    System.out.printf(
        Locale.ROOT,
        "DifferentialIT %s: %,d rows (%,d inserts, %,d updates, %,d deletes) in %,d rows events,"
            + " %,d transactions (%,d rolled back), %,d images (%,d partial: MINIMAL or"
            + " NOBLOB), %,d values compared (%,d NULL), %,d mismatches; rows events whose"
            + " position is their file offset: %,d of %,d; %.1f MB of binlog read, range"
            + " %s..%s; seed %d; generate %.1f s, stream and compare %.1f s%n",
        server,
        differ.rows,
        differ.byOperation.get(Operation.INSERT),
        differ.byOperation.get(Operation.UPDATE),
        differ.byOperation.get(Operation.DELETE),
        differ.events,
        workload.transactions(),
        workload.rolledBack(),
        differ.images,
        differ.partialImages,
        differ.values,
        differ.nulls,
        differ.mismatches,
        differ.positionsAtFileOffsets,
        differ.events,
        binlogBytes / 1e6,
        from,
        to,
        SEED,
        (generated - started) / 1e9,
        (compared - generated) / 1e9);
    System.out.printf(
        Locale.ROOT,
        "DifferentialIT %s: non-NULL values per type %s; the oracle cannot judge %,d negative TIME"
            + " values and %,d dates before 1582-10-15 (OracleComparison)%n",
        server,
        differ.perType(),
        differ.negativeTimes,
        differ.julianDates);

    assertThat(differ.mismatches)
        .as(
            "values on which Hamal and the oracle disagree, by column %s; first ones:%n  %s",
            differ.mismatchesByColumn, String.join("\n  ", differ.samples))
        .isZero();
    assertThat(differ.rows)
        .as("rows compared: the row changes the server reported for the workload")
        .isEqualTo(workload.rowChanges())
        .isGreaterThanOrEqualTo(ROWS);
    for (String column : differ.wideColumns()) {
      long[] counts = differ.perColumn.get(column);
      assertThat(counts).as("values of %s compared", column).isNotNull();
      assertThat(counts[0]).as("non-NULL values of %s compared", column).isPositive();
    }
    assertThat(reconnects).as("reconnects").isZero();
  }

  /** Compares each row Hamal delivers with the oracle's next row. Runs on the stream's thread. */
  private static final class Differ implements ChangeHandler {
    private final OracleBinlogFiles oracle;
    long rows;
    long events;
    long positionsAtFileOffsets;
    long values;
    long nulls;
    long images;
    long partialImages;
    long negativeTimes; // compared, but the oracle ignores the sign (see OracleComparison)
    long julianDates; // compared, but the oracle's calendar differs before 1582-10-15
    long mismatches;
    final Map<Operation, Long> byOperation = new EnumMap<>(Operation.class);
    final Map<ColumnType, long[]> byType = new EnumMap<>(ColumnType.class);
    final Map<String, long[]> perColumn = new LinkedHashMap<>(); // table.column: values, NULLs
    final Map<String, Long> mismatchesByColumn = new TreeMap<>();
    final List<String> samples = new ArrayList<>();
    private BinlogPosition lastEvent;
    private long lastOracleEvent = -1;
    private BinlogTable wide;

    Differ(OracleBinlogFiles oracle) {
      this.oracle = oracle;
      for (Operation op : Operation.values()) {
        byOperation.put(op, 0L);
      }
    }

    @Override
    public void onRow(RowChange h) {
      Row o;
      try {
        o = oracle.next();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      String where = "row " + rows + " (" + describe(h) + ")";
      if (o == null) {
        throw new AssertionError(where + ": Hamal delivered a row the oracle does not have");
      }
      boolean newEvent = !h.position().equals(lastEvent);
      List<String> problems = new ArrayList<>();
      if (h.operation() != o.operation()) {
        problems.add("operation");
      }
      if (!h.table().name().equals(o.table())) {
        problems.add("table");
      }
      if (h.rowIndex() != o.index()) {
        problems.add("index in the rows event");
      }
      if (newEvent != (o.event() != lastOracleEvent)) {
        problems.add("rows event boundary");
      }
      if (!h.transaction().begin().equals(o.transaction())) {
        problems.add("transaction begin (Hamal " + h.transaction().begin() + ")");
      }
      if (!problems.isEmpty()) {
        throw new AssertionError(
            where
                + " and the oracle's ("
                + o
                + ", transaction "
                + o.transaction()
                + ") differ in "
                + problems);
      }
      if (newEvent) {
        events++;
        if (h.position().equals(o.position())) {
          positionsAtFileOffsets++;
        }
      }
      lastEvent = h.position();
      lastOracleEvent = o.event();
      rows++;
      byOperation.merge(h.operation(), 1L, Long::sum);
      if (h.table().name().table().equals(DifferentialWorkload.WIDE)) {
        wide = h.table();
      }
      h.before().ifPresent(img -> image(where, "before", img, o.beforeColumns(), o.before()));
      h.after().ifPresent(img -> image(where, "after", img, o.afterColumns(), o.after()));
    }

    private void image(
        String where, String which, RowImage img, BitSet columns, Serializable[] oracleValues) {
      BinlogTable table = img.table();
      if (columns == null) {
        throw new AssertionError(where + ": Hamal has a " + which + " image, the oracle none");
      }
      for (OracleComparison.Mismatch m :
          OracleComparison.compareImage(img, columns, oracleValues)) {
        mismatches++;
        String column =
            m.column() < 0
                ? "-"
                : table.name().table()
                    + "."
                    + table.columnName(m.column())
                    + " "
                    + table.columnType(m.column());
        mismatchesByColumn.merge(column, 1L, Long::sum);
        if (samples.size() < SAMPLES) {
          String what = m.what();
          samples.add(
              where
                  + " "
                  + which
                  + " "
                  + column
                  + ": "
                  + (what.length() > 400 ? what.substring(0, 400) + "..." : what));
        }
      }
      images++;
      boolean partial = false;
      for (int c = 0; c < img.columnCount(); c++) {
        if (!img.isPresent(c)) {
          partial = true;
          continue;
        }
        boolean isNull = img.isNull(c);
        long[] t = byType.computeIfAbsent(table.columnType(c), k -> new long[2]);
        long[] col =
            perColumn.computeIfAbsent(
                table.name().table() + "." + table.columnName(c), k -> new long[2]);
        int slot = isNull ? 1 : 0;
        t[slot]++;
        col[slot]++;
        if (isNull) {
          nulls++;
        } else {
          values++;
          unjudged(img, c);
        }
      }
      if (partial) {
        partialImages++;
      }
    }

    /** Counts the values on which OracleComparison documents that the oracle cannot judge. */
    private void unjudged(RowImage img, int c) {
      switch (img.table().columnType(c)) {
        case TIME -> {
          if (img.getLong(c) < 0) {
            negativeTimes++;
          }
        }
        case DATE, DATETIME -> {
          if (img.getDateTime(c).filter(t -> t.isBefore(GREGORIAN_CUTOVER)).isPresent()) {
            julianDates++;
          }
        }
        default -> {}
      }
    }

    /** The wide table's columns as Hamal named them. */
    List<String> wideColumns() {
      assertThat(wide).as("rows of the wide table were delivered").isNotNull();
      List<String> names = new ArrayList<>();
      for (int c = 0; c < wide.columnCount(); c++) {
        names.add(DifferentialWorkload.WIDE + "." + wide.columnName(c));
      }
      assertThat(names).hasSize(DifferentialWorkload.COLUMNS.size() + 1);
      return names;
    }

    String perType() {
      StringBuilder b = new StringBuilder();
      byType.forEach((type, n) ->
          b.append(b.isEmpty() ? "" : ", ")
              .append(type)
              .append(String.format(Locale.ROOT, " %,d", n[0]))
              .append(String.format(Locale.ROOT, " (+%,d NULL)", n[1])));
      return b.toString();
    }

    private static String describe(RowChange h) {
      return h.operation() + " " + h.table().name() + " at " + h.position() + "#" + h.rowIndex();
    }
  }
}
