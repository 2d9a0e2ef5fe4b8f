package dev.hamal.app;

import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.BinlogStream;
import dev.hamal.binlog.ChangeHandler;
import dev.hamal.binlog.RowChange;
import dev.hamal.binlog.RowMapper;
import dev.hamal.binlog.StartPosition;
import dev.hamal.binlog.TableFilter;
import dev.hamal.binlog.ValueVisitor;
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
    builder.mapper(counter);
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

  /**
   * Reads every value of every row through the typed {@link ValueVisitor} on the decode worker that
   * decoded it (as the order pipeline maps rows), folding them into a per-row digest; the handler
   * then counts rows in binlog order and combines the digests.
   */
  static final class Counter implements ChangeHandler, RowMapper {
    long inserts;
    long updates;
    long deletes;
    long digest;

    @Override
    public Object map(RowChange change) {
      Digest d = new Digest();
      change.before().ifPresent(row -> row.accept(d));
      change.after().ifPresent(row -> row.accept(d));
      return d.value;
    }

    @Override
    public void onRow(RowChange change) {
      switch (change.operation()) {
        case INSERT -> inserts++;
        case UPDATE -> updates++;
        case DELETE -> deletes++;
      }
      digest = digest * 31 + (Long) change.mapped().orElse(0L);
    }
  }

  /** Folds values into a hash: numbers by value, text and bytes by length. */
  private static final class Digest implements ValueVisitor {
    long value;

    @Override
    public void nullValue(int column) {
      value = value * 31 + column;
    }

    @Override
    public void longValue(int column, long v) {
      value = value * 31 + v;
    }

    @Override
    public void doubleValue(int column, double v) {
      value = value * 31 + Double.doubleToRawLongBits(v);
    }

    @Override
    public void decimalValue(int column, long unscaled, int scale) {
      value = value * 31 + unscaled + scale;
    }

    @Override
    public void objectValue(int column, Object v) {
      long h =
          switch (v) {
            case String s -> s.length();
            case byte[] b -> b.length;
            case java.math.BigDecimal d -> d.scale();
            default -> v.hashCode();
          };
      value = value * 31 + h;
    }
  }
}
