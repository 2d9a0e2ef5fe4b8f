package dev.hamal.app;

import dev.hamal.binlog.BinlogStream;
import dev.hamal.binlog.ChangeHandler;
import dev.hamal.binlog.Checkpoint;
import dev.hamal.binlog.RowChange;
import dev.hamal.binlog.TableFilter;
import dev.hamal.binlog.TransactionEnd;
import dev.hamal.binlog.schema.FileSchemaHistoryStore;
import dev.hamal.binlog.schema.SchemaHistory;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hamal tail}: streams a source's row changes to standard output as JSON lines (format in
 * {@link RowJson}) until Ctrl-C. Diagnostics go to standard error.
 */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = {
      "Print one JSON line per row change of a MySQL/MariaDB source, read as a replica.",
      "Credentials come from --password-env or --password-file, never from the command line."
    })
final class TailCommand implements Callable<Integer> {
  @Mixin SourceOptions source = new SourceOptions();
  @Mixin StartOptions start = new StartOptions();

  @Option(
      names = "--include",
      paramLabel = "PATTERN",
      description = "Tables to print, schema.table with * and ? (repeatable; default all).")
  List<String> include = new ArrayList<>();

  @Option(
      names = "--exclude",
      paramLabel = "PATTERN",
      description = "Tables to leave out (repeatable).")
  List<String> exclude = new ArrayList<>();

  @Option(
      names = "--schema-history",
      paramLabel = "FILE",
      description =
          "Persist the schema history here (used when binlog_row_metadata is not FULL);"
              + " default: in memory, seeded from information_schema at start.")
  Path schemaHistory;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Stop after N row changes (default: run until Ctrl-C).")
  long limit = Long.MAX_VALUE;

  private final OutputStream out;
  private final Map<String, String> environment;

  TailCommand() {
    this(System.out, System.getenv());
  }

  /** For tests: where the JSON lines go, and the environment credentials are read from. */
  TailCommand(OutputStream out, Map<String, String> environment) {
    this.out = out;
    this.environment = environment;
  }

  @Override
  public Integer call() throws Exception {
    BinlogStream.Builder builder =
        BinlogStream.builder(source.toSource(environment))
            .start(start.toStartPosition())
            .tables(TableFilter.of(include, exclude));
    if (schemaHistory != null) {
      builder.schemaHistory(SchemaHistory.open(FileSchemaHistoryStore.open(schemaHistory)));
    }
    BinlogStream stream = builder.build();
    try (PrintStream printed = new PrintStream(new BufferedOutputStream(out, 1 << 16), false);
        RowJson json = new RowJson(printed)) {
      Thread hook = new Thread(stream::close, "hamal-tail-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        stream.run(
            new ChangeHandler() {
              private long printed;

              @Override
              public void onRow(RowChange change) {
                json.write(change);
                if (++printed >= limit) {
                  json.flush();
                  stream.close();
                }
              }

              @Override
              public void onCommit(TransactionEnd end) {
                json.flush();
              }

              @Override
              public void onHeartbeat(Checkpoint checkpoint) {
                json.flush();
              }
            });
      } finally {
        json.flush();
        printed.flush();
        removeHook(hook);
      }
    } finally {
      stream.close();
    }
    return 0;
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down (Ctrl-C): the hook is running
    }
  }
}
