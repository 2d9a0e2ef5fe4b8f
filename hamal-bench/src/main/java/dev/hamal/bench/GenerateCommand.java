package dev.hamal.bench;

import dev.hamal.app.Passwords;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.mariadb.jdbc.MariaDbDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hamal bench generate}: writes the deterministic workload and reports its binlog range. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a deterministic workload (copies of the product lines' order tables; half inserts,"
          + " 2.5%% deletes, the rest updates; transactions of 1-200 rows; schema changes in the"
          + " middle) and prints the binlog range it wrote as FROM file:pos TO file:pos.",
      "The schemas <prefix>topup, <prefix>fuelcard, <prefix>ticket and <prefix>gamecard are"
          + " DROPPED and recreated first."
    })
final class GenerateCommand implements Callable<Integer> {
  /**
   * Driver options for speed: batched UPDATEs rewritten into one round trip, client-side prepared
   * statements (the INSERTs are different texts every time), affected rows counted as changed rows,
   * so the executor can check that every update changed its row.
   */
  static final String DRIVER_OPTIONS =
      "rewriteBatchedStatements=true&allowMultiQueries=true&useServerPrepStmts=false"
          + "&useBulkStmts=false&useAffectedRows=true&cachePrepStmts=false";

  @Spec CommandSpec spec;

  @Option(
      names = "--url",
      required = true,
      paramLabel = "JDBC_URL",
      description = "Server, e.g. jdbc:mariadb://127.0.0.1:3306/?sslMode=disable")
  String url;

  @Option(
      names = "--user",
      paramLabel = "USER",
      defaultValue = "root",
      description = "User (default: ${DEFAULT-VALUE}).")
  String user;

  @Option(
      names = "--password-env",
      paramLabel = "VAR",
      description = "Environment variable holding the password.")
  String passwordEnv;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "File holding the password (first line).")
  Path passwordFile;

  @Option(
      names = "--rows",
      paramLabel = "N",
      defaultValue = "2000000",
      description = "Row changes to write (default: ${DEFAULT-VALUE}).")
  long rows;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      defaultValue = "1",
      description = "Seed of the workload (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--connections",
      paramLabel = "N",
      defaultValue = "4",
      description =
          "Parallel connections, 1-4 (default: ${DEFAULT-VALUE}); table contents are the same for"
              + " any number, with 1 the binlog order is deterministic too.")
  int connections;

  @Option(
      names = "--schema-prefix",
      paramLabel = "PREFIX",
      defaultValue = "bench_",
      description = "Prefix of the schemas written (default: ${DEFAULT-VALUE}).")
  String schemaPrefix;

  @Option(
      names = "--checksum",
      description = "Run CHECKSUM TABLE on every table at the end and report the results.")
  boolean checksum;

  @Option(
      names = "--manifest",
      paramLabel = "FILE",
      description = "Also write the range, counts and timing to this JSON file.")
  Path manifest;

  private final Map<String, String> environment;

  GenerateCommand() {
    this(System.getenv());
  }

  GenerateCommand(Map<String, String> environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws IOException {
    var config = new WorkloadConfig(seed, rows, connections, schemaPrefix, checksum);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    MariaDbDataSource dataSource;
    try {
      dataSource = new MariaDbDataSource(withDriverOptions(url));
      dataSource.setUser(user);
      dataSource.setPassword(password());
    } catch (SQLException e) {
      throw new IllegalArgumentException("--url: " + e.getMessage(), e);
    }
    out.printf(
        Locale.ROOT,
        "generating %,d row changes (seed %d, %d connection%s) into %s{topup,fuelcard,ticket,gamecard}%n",
        rows,
        seed,
        connections,
        connections == 1 ? "" : "s",
        schemaPrefix);
    out.flush();
    var generator =
        new WorkloadGenerator(
            dataSource,
            config,
            System::nanoTime,
            Thread.ofPlatform().factory(),
            new ProgressPrinter(err));
    WorkloadResult result = generator.run();
    out.println("FROM " + result.from() + " TO " + result.to());
    out.printf(
        Locale.ROOT,
        "inserts %d updates %d deletes %d rowChanges %d transactions %d ddl %d%n",
        result.inserts(),
        result.updates(),
        result.deletes(),
        result.rowChanges(),
        result.transactions(),
        result.ddl());
    out.printf(
        Locale.ROOT,
        "elapsed %.1f s (%,.0f row changes/s) on %s%n",
        result.elapsed().toMillis() / 1000.0,
        result.rowsPerSecond(),
        result.server());
    if (!result.gtidFrom().isEmpty() || !result.gtidTo().isEmpty()) {
      out.println("GTID FROM " + result.gtidFrom() + " TO " + result.gtidTo());
    }
    new TreeMap<>(result.checksums())
        .forEach((table, sum) -> out.println("checksum " + table + " " + sum));
    if (manifest != null) {
      WorkloadManifest.write(result, manifest);
      out.println("manifest " + manifest);
    }
    return 0;
  }

  /** Appends {@link #DRIVER_OPTIONS} that the URL does not set itself. */
  static String withDriverOptions(String url) {
    if (!url.startsWith("jdbc:mariadb:") && !url.startsWith("jdbc:mysql:")) {
      throw new IllegalArgumentException(
          "--url: expected jdbc:mariadb://host[:port]/[?options], got '" + url + "'");
    }
    var result = new StringBuilder(url);
    if (url.indexOf('/', url.indexOf("//") + 2) < 0) {
      result.append('/');
    }
    char separator = url.contains("?") ? '&' : '?';
    for (String option : DRIVER_OPTIONS.split("&")) {
      String name = option.substring(0, option.indexOf('=') + 1);
      if (!url.contains("?" + name) && !url.contains("&" + name)) {
        result.append(separator).append(option);
        separator = '&';
      }
    }
    return result.toString();
  }

  private String password() {
    return Passwords.read(passwordEnv, passwordFile, environment);
  }

  /** Prints progress to standard error at most every five seconds. */
  private static final class ProgressPrinter implements WorkloadGenerator.Progress {
    private final PrintWriter err;
    private Duration last = Duration.ZERO;

    ProgressPrinter(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void report(long rowsDone, long rowsTotal, Duration elapsed) {
      if (elapsed.minus(last).compareTo(Duration.ofSeconds(5)) < 0 && rowsDone < rowsTotal) {
        return;
      }
      last = elapsed;
      double seconds = Math.max(1e-3, elapsed.toNanos() / 1e9);
      err.printf(
          Locale.ROOT,
          "  %5.1f%%  %,d rows  %.0f s  %,.0f rows/s%n",
          100.0 * rowsDone / rowsTotal,
          rowsDone,
          seconds,
          rowsDone / seconds);
      err.flush();
    }
  }
}
