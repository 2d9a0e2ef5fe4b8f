package dev.hamal.app;

import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.BinlogStream;
import dev.hamal.binlog.BinlogTable;
import dev.hamal.binlog.ChangeHandler;
import dev.hamal.binlog.RowChange;
import dev.hamal.binlog.RowImage;
import dev.hamal.binlog.StartPosition;
import dev.hamal.binlog.TableFilter;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hamal catchup}: reads a binlog range as fast as possible, decodes every row into typed
 * column values and reads each value once through its typed accessor, then prints counts. The
 * interface is fixed so that other binlog readers can be compared with the same command line:
 *
 * <pre>
 * hamal catchup --source mysql://HOST:PORT --user USER --password-env VAR --from F:P --to F:P
 * </pre>
 *
 * <p>The last line is {@code RESULT rows=N inserts=I updates=U deletes=D seconds=S}; a line before
 * it carries a digest of all values, so two runs over the same range can be compared.
 */
@Command(
    name = "catchup",
    mixinStandardHelpOptions = true,
    description = "Decode every row of a binlog range and print counts and the wall time.")
final class CatchupCommand implements Callable<Integer> {
  @Mixin SourceOptions source = new SourceOptions();

  @Option(names = "--from", required = true, paramLabel = "FILE:POS", description = "First event.")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "FILE:POS",
      description = "End of the range (exclusive): the position after the last event to read.")
  String to;

  @Option(
      names = "--decode-threads",
      paramLabel = "N",
      description = "Decode worker threads (default: processors - 1, at least 1).")
  Integer decodeThreads;

  private final PrintStream out;

  CatchupCommand() {
    this(System.out);
  }

  CatchupCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    BinlogPosition first = parse("--from", from);
    BinlogPosition end = parse("--to", to);
    if (end.compareTo(first) <= 0) {
      throw new IllegalArgumentException("--to " + end + " must be after --from " + first);
    }
    BinlogStream.Builder builder =
        BinlogStream.builder(source.toSource(System.getenv()))
            .start(StartPosition.at(first))
            .stopAt(end)
            .tables(TableFilter.all());
    if (decodeThreads != null) {
      builder.decodeThreads(decodeThreads);
    }
    Counter counter = new Counter();
    long started = System.nanoTime();
    try (BinlogStream stream = builder.build()) {
      stream.run(counter);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    out.printf("DIGEST %016x%n", counter.digest);
    out.printf(
        "RESULT rows=%d inserts=%d updates=%d deletes=%d seconds=%.3f%n",
        counter.inserts + counter.updates + counter.deletes,
        counter.inserts,
        counter.updates,
        counter.deletes,
        seconds);
    out.flush();
    return 0;
  }

  private static BinlogPosition parse(String option, String text) {
    try {
      return BinlogPosition.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage());
    }
  }

  /** Counts rows and folds every value read through its typed accessor into a digest. */
  static final class Counter implements ChangeHandler {
    long inserts;
    long updates;
    long deletes;
    long digest;

    @Override
    public void onRow(RowChange change) {
      switch (change.operation()) {
        case INSERT -> inserts++;
        case UPDATE -> updates++;
        case DELETE -> deletes++;
      }
      change.before().ifPresent(this::visit);
      change.after().ifPresent(this::visit);
    }

    private void visit(RowImage row) {
      BinlogTable table = row.table();
      long h = digest;
      for (int c = 0; c < row.columnCount(); c++) {
        if (!row.isPresent(c) || row.isNull(c)) {
          h = h * 31 + c;
          continue;
        }
        h = h * 31 + valueHash(row, table, c);
      }
      digest = h;
    }

    private static long valueHash(RowImage row, BinlogTable table, int c) {
      return switch (table.columnType(c)) {
        case TINYINT, SMALLINT, MEDIUMINT, INT, BIGINT, YEAR, BIT, ENUM, SET, TIMESTAMP, TIME ->
            row.getLong(c);
        case FLOAT, DOUBLE -> Double.doubleToLongBits(row.getDouble(c));
        case DECIMAL -> row.getDecimal(c).hashCode();
        case DATE, DATETIME -> row.getDateTime(c).hashCode();
        case CHAR, VARCHAR, TEXT, JSON -> row.getString(c).hashCode();
        case BINARY, VARBINARY, BLOB, GEOMETRY, VECTOR -> row.getBytes(c).length;
        case NULL -> 0;
      };
    }
  }
}
