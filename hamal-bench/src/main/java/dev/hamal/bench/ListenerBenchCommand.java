package dev.hamal.bench;

import dev.hamal.binlog.BinlogPosition;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.MariaDbServerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.mariadb.jdbc.MariaDbDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hamal bench listener}: catch-up speed of three readers over the same binlog range, in one
 * run, alternating: (a) the floor, {@code mariadb-binlog --read-from-remote-server --raw} writing
 * the raw bytes to a RAM disk; (b) {@code hamal catchup}, decoding every row into typed values; (c)
 * {@code mysql-binlog-connector-java} decoding the same range ({@link OracleCatchup}). Each
 * contender is a separate process; the Java ones run with the same heap cap. Prints the machine,
 * the workload, the median of the runs for each, and the ratios.
 */
@Command(
    name = "listener",
    mixinStandardHelpOptions = true,
    description =
        "Compare catch-up wall time: mariadb-binlog (floor), hamal, mysql-binlog-connector-java.")
final class ListenerBenchCommand implements Callable<Integer> {
  private static final Pattern RESULT =
      Pattern.compile(
          "RESULT rows=(\\d+) inserts=(\\d+) updates=(\\d+) deletes=(\\d+) seconds=([0-9.]+)");

  @Option(
      names = "--source",
      paramLabel = "URL",
      description =
          "mysql://HOST:PORT of a server holding the workload (with --manifest or --from/--to);"
              + " default: Debian's MariaDB 10.11 started in --data-dir, workload generated on first"
              + " use")
  String source;

  @Option(names = "--user", defaultValue = "root", description = "User (default root).")
  String user;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Embedded server's data and workload manifest, kept between runs (default"
              + " ~/.cache/hamal/bench)")
  Path dataDir;

  @Option(
      names = "--rows",
      defaultValue = "2000000",
      description = "Row changes of the generated workload (default 2000000).")
  long rows;

  @Option(names = "--password-env", paramLabel = "VAR", description = "Variable with the password.")
  String passwordEnv;

  @Option(names = "--manifest", paramLabel = "FILE", description = "Written by 'bench generate'.")
  Path manifest;

  @Option(names = "--from", paramLabel = "FILE:POS", description = "Range start (else manifest).")
  String from;

  @Option(names = "--to", paramLabel = "FILE:POS", description = "Range end (else manifest).")
  String to;

  @Option(names = "--runs", defaultValue = "5", description = "Runs per contender (default 5).")
  int runs;

  @Option(names = "--heap", defaultValue = "256m", description = "Java heap cap (default 256m).")
  String heap;

  @Option(
      names = "--decode-threads",
      paramLabel = "N",
      description = "Passed to hamal catchup (default: its own default).")
  Integer decodeThreads;

  @Option(
      names = "--mariadb-binlog",
      defaultValue = "mariadb-binlog",
      description = "The mariadb-binlog program (default: from PATH).")
  String mariadbBinlog;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (source == null) {
      return onEmbeddedServer();
    }
    URI uri = URI.create(source);
    String password = passwordEnv == null ? "" : System.getenv(passwordEnv);
    if (password == null) {
      throw new IllegalArgumentException("--password-env: " + passwordEnv + " is not set");
    }
    Properties workload = new Properties();
    if (manifest != null) {
      WorkloadResult result = WorkloadManifest.read(manifest);
      describe(result, workload);
    }
    BinlogPosition start = BinlogPosition.parse(from != null ? from : require(workload, "from"));
    BinlogPosition end = BinlogPosition.parse(to != null ? to : require(workload, "to"));
    return measure(
        uri.getHost(),
        uri.getPort() < 0 ? 3306 : uri.getPort(),
        user,
        password,
        start,
        end,
        workload);
  }

  /**
   * Starts (or reuses) Debian's MariaDB 10.11 with a data directory that persists in {@code
   * --data-dir}, generates the workload there the first time, and measures it.
   */
  private int onEmbeddedServer() throws Exception {
    Path dir = dataDir != null ? dataDir : defaultDataDir();
    try (MariaDbServer server = MariaDbServer.start(cachedServerConfig(dir))) {
      WorkloadResult workload = cachedWorkload(server, dir, rows, out);
      Properties described = new Properties();
      describe(workload, described);
      return measure(
          server.host(),
          server.port(),
          server.adminUser(),
          server.adminPassword(),
          workload.from(),
          workload.to(),
          described);
    }
  }

  /** {@code ~/.cache/hamal/bench}: where the embedded server's data and the manifests live. */
  static Path defaultDataDir() {
    return Path.of(System.getProperty("user.home"), ".cache", "hamal", "bench");
  }

  /** Debian's MariaDB 10.11 on the data directory kept in {@code dir}. */
  static MariaDbServerConfig cachedServerConfig(Path dir) throws IOException {
    Files.createDirectories(dir);
    // Debian's MariaDB 10.11: its mariadb-binlog (the floor) refuses to read from 11.4
    return MariaDbServerConfig.builder(MariaDbServer.Distribution.SYSTEM)
        .dataDir(dir.resolve("mariadb-10.11"))
        .serverId(42)
        .serverArgs(List.of("--innodb-buffer-pool-size=1G", "--max-connections=200"))
        .build();
  }

  /**
   * The workload of {@code rows} row changes on {@code server}, from its manifest in {@code dir}
   * when the server still holds its binlog range, else generated now (once) and recorded.
   */
  static WorkloadResult cachedWorkload(MariaDbServer server, Path dir, long rows, PrintStream out)
      throws Exception {
    Path manifestFile = dir.resolve("workload-" + rows + ".json");
    WorkloadResult workload = null;
    if (Files.exists(manifestFile)) {
      workload = WorkloadManifest.read(manifestFile);
      if (!rangeExists(server, workload)) {
        out.println(
            "workload manifest " + manifestFile + " does not match the server; regenerating");
        workload = null;
      }
    }
    if (workload == null) {
      out.printf(
          Locale.ROOT,
          "generating the workload (%,d row changes) into %s; this runs once%n",
          rows,
          server.name());
      out.flush();
      MariaDbDataSource dataSource = new MariaDbDataSource(server.jdbcUrl(""));
      dataSource.setUser(server.adminUser());
      dataSource.setPassword(server.adminPassword());
      WorkloadConfig defaults = WorkloadConfig.defaults();
      WorkloadConfig wanted =
          new WorkloadConfig(
              defaults.seed(), rows, defaults.connections(), defaults.schemaPrefix(), false);
      workload =
          new WorkloadGenerator(
                  dataSource,
                  wanted,
                  System::nanoTime,
                  Thread.ofPlatform().factory(),
                  (done, total, elapsed) -> {})
              .run();
      WorkloadManifest.write(workload, manifestFile);
    }
    return workload;
  }

  private static boolean rangeExists(MariaDbServer server, WorkloadResult workload)
      throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                server.jdbcUrl(""), server.adminUser(), server.adminPassword());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
      boolean first = false;
      boolean last = false;
      while (rs.next()) {
        first |= rs.getString(1).equals(workload.from().file());
        last |=
            rs.getString(1).equals(workload.to().file())
                && rs.getLong(2) >= workload.to().position();
      }
      return first && last;
    }
  }

  static void describe(WorkloadResult result, Properties into) {
    into.setProperty("inserts", Long.toString(result.inserts()));
    into.setProperty("updates", Long.toString(result.updates()));
    into.setProperty("deletes", Long.toString(result.deletes()));
    into.setProperty("transactions", Long.toString(result.transactions()));
    into.setProperty("ddl", Long.toString(result.ddl()));
  }

  private int measure(
      String host,
      int port,
      String user,
      String password,
      BinlogPosition start,
      BinlogPosition end,
      Properties workload)
      throws Exception {
    String serverVersion;
    long rangeBytes;
    List<String> files = new ArrayList<>();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:mariadb://" + host + ":" + port + "/?sslMode=disable", user, password);
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT VERSION()")) {
        rs.next();
        serverVersion = rs.getString(1);
      }
      rangeBytes = rangeBytes(s, start, end, files);
    }

    Path jar =
        Path.of(
            ListenerBenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> hamal =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx" + heap,
                "-cp",
                jar.toString(),
                "dev.hamal.app.Main",
                "catchup",
                "--source",
                "mysql://" + host + ":" + port,
                "--user",
                user,
                "--password-env",
                "HAMAL_BENCH_PASSWORD",
                "--from",
                start.toString(),
                "--to",
                end.toString()));
    if (decodeThreads != null) {
      hamal.add("--decode-threads");
      hamal.add(decodeThreads.toString());
    }
    List<String> oracle =
        List.of(
            java,
            "-Xmx" + heap,
            "-cp",
            jar.toString(),
            OracleCatchup.class.getName(),
            host,
            Integer.toString(port),
            user,
            "HAMAL_BENCH_PASSWORD",
            start.file(),
            Long.toString(start.position()),
            end.file(),
            Long.toString(end.position()));
    // mariadb-binlog --raw writes each binlog to <prefix><file name>: point those names at
    // /dev/null so the floor is the network read alone, as in "--raw ... into /dev/null"
    Path rawDir = Files.createTempDirectory("hamal-bench-raw");
    for (String file : files) {
      Files.createSymbolicLink(rawDir.resolve(file), Path.of("/dev/null"));
    }
    List<String> floor = new ArrayList<>();
    floor.addAll(
        List.of(
            mariadbBinlog,
            "--read-from-remote-server",
            "--raw",
            "--host=" + host,
            "--port=" + port,
            "--user=" + user,
            "--start-position=" + start.position(),
            "--result-file=" + rawDir + "/"));
    floor.addAll(files);

    Map<String, Contender> contenders = new LinkedHashMap<>();
    contenders.put("floor", new Contender("(a) mariadb-binlog --raw > /dev/null (floor)", floor));
    contenders.put("hamal", new Contender("(b) hamal catchup", hamal));
    contenders.put("oracle", new Contender("(c) mysql-binlog-connector-java 0.30.1", oracle));

    out.println("hamal bench listener");
    out.println("machine   : " + Machine.describe());
    out.println("source    : " + host + ":" + port + " " + serverVersion);
    out.printf(
        "workload  : %s .. %s, %,d binlog bytes in %d file(s)%s%n",
        start, end, rangeBytes, files.size(), describeCounts(workload));
    out.printf(
        "runs      : %d per contender, alternating, median reported; Java with -Xmx%s%n%n",
        runs, heap);
    List<String> order = new ArrayList<>(contenders.keySet());
    for (int run = 1; run <= runs; run++) {
      for (String key : order) {
        Contender c = contenders.get(key);
        Measurement m = runOnce(c.command, password);
        c.measurements.add(m);
        out.printf(
            "run %d %-40s %8.3f s  peak RSS %5d MiB%s%n",
            run,
            c.label,
            m.wallSeconds,
            m.peakRssKiB / 1024,
            m.result == null ? "" : "  " + m.result);
      }
      order.add(order.remove(0)); // rotate so no contender always runs first
    }
    deleteTree(rawDir);
    checkSameRows(contenders.get("hamal"), contenders.get("oracle"));

    out.println();
    out.printf(
        "%-40s %9s %8s %8s %12s %10s%n",
        "contender", "median s", "min s", "max s", "rows/s", "peak RSS");
    long rows = contenders.get("hamal").measurements.get(0).rows;
    for (Contender c : contenders.values()) {
      double median = c.median();
      out.printf(
          "%-40s %9.3f %8.3f %8.3f %12s %7d MiB%n",
          c.label,
          median,
          c.min(),
          c.max(),
          rows > 0 ? String.format(Locale.ROOT, "%,.0f", rows / median) : "-",
          c.peakRssKiB() / 1024);
    }
    double floorMedian = contenders.get("floor").median();
    double hamalMedian = contenders.get("hamal").median();
    double oracleMedian = contenders.get("oracle").median();
    out.printf(
        "%nratios    : hamal / floor = %.2f (target <= 1.5)   hamal / connector = %.2f (target <="
            + " 0.6)%n",
        hamalMedian / floorMedian, hamalMedian / oracleMedian);
    return 0;
  }

  /**
   * The binlog bytes between {@code start} and {@code end} on the server; the files they span are
   * added to {@code files}.
   */
  static long rangeBytes(Statement s, BinlogPosition start, BinlogPosition end, List<String> files)
      throws java.sql.SQLException {
    long bytes = 0;
    try (ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
      while (rs.next()) {
        String name = rs.getString(1);
        long size = rs.getLong(2);
        BinlogPosition first = new BinlogPosition(name, 4);
        BinlogPosition last = new BinlogPosition(name, Math.max(4, size));
        if (last.compareTo(start) < 0 || first.compareTo(end) > 0) {
          continue;
        }
        files.add(name);
        long lo = name.equals(start.file()) ? start.position() : 4;
        long hi = name.equals(end.file()) ? end.position() : size;
        bytes += Math.max(0, hi - lo);
      }
    }
    return bytes;
  }

  private static String require(Properties p, String key) {
    String v = p.getProperty(key);
    if (v == null) {
      throw new IllegalArgumentException("give --" + key + " or a --manifest with '" + key + "'");
    }
    return v;
  }

  static String describeCounts(Properties workload) {
    if (!workload.containsKey("inserts")) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        ", %,d row changes (%,d inserts, %,d updates, %,d deletes) in %,d transactions, %d DDL",
        Long.parseLong(workload.getProperty("inserts"))
            + Long.parseLong(workload.getProperty("updates"))
            + Long.parseLong(workload.getProperty("deletes")),
        Long.parseLong(workload.getProperty("inserts")),
        Long.parseLong(workload.getProperty("updates")),
        Long.parseLong(workload.getProperty("deletes")),
        Long.parseLong(workload.getProperty("transactions", "0")),
        Long.parseLong(workload.getProperty("ddl", "0")));
  }

  /** Both decoders must have seen the same rows, or the timing compares different work. */
  private static void checkSameRows(Contender hamal, Contender oracle) {
    for (int i = 0; i < hamal.measurements.size(); i++) {
      String h = hamal.measurements.get(i).result;
      String o = oracle.measurements.get(i).result;
      if (h == null || !h.equals(o)) {
        throw new IllegalStateException(
            "hamal and the connector decoded different rows: " + h + " versus " + o);
      }
    }
  }

  static Measurement runOnce(List<String> command, String password)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("HAMAL_BENCH_PASSWORD", password);
    pb.environment().put("MYSQL_PWD", password);
    long started = System.nanoTime();
    Process p = pb.start();
    RssSampler rss = new RssSampler(p.pid());
    rss.start();
    List<String> output = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        output.add(line);
      }
    }
    int exit = p.waitFor();
    double wall = (System.nanoTime() - started) / 1e9;
    rss.stop();
    if (exit != 0) {
      throw new IllegalStateException(
          "command failed (exit "
              + exit
              + "): "
              + String.join(" ", command)
              + "\n"
              + String.join("\n", output));
    }
    String result = null;
    long rows = -1;
    for (String line : output) {
      Matcher m = RESULT.matcher(line);
      if (m.find()) {
        result =
            "rows="
                + m.group(1)
                + " inserts="
                + m.group(2)
                + " updates="
                + m.group(3)
                + " deletes="
                + m.group(4);
        rows = Long.parseLong(m.group(1));
      }
    }
    return new Measurement(wall, rss.peakKiB(), result, rows);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  record Measurement(double wallSeconds, long peakRssKiB, String result, long rows) {}

  private static final class Contender {
    final String label;
    final List<String> command;
    final List<Measurement> measurements = new ArrayList<>();

    Contender(String label, List<String> command) {
      this.label = label;
      this.command = command;
    }

    double median() {
      double[] w = measurements.stream().mapToDouble(Measurement::wallSeconds).sorted().toArray();
      return w.length % 2 == 1 ? w[w.length / 2] : (w[w.length / 2 - 1] + w[w.length / 2]) / 2;
    }

    double min() {
      return measurements.stream().mapToDouble(Measurement::wallSeconds).min().orElse(0);
    }

    double max() {
      return measurements.stream().mapToDouble(Measurement::wallSeconds).max().orElse(0);
    }

    long peakRssKiB() {
      return measurements.stream().mapToLong(Measurement::peakRssKiB).max().orElse(0);
    }
  }

  /** Polls a process's VmHWM (peak resident set) from /proc while it runs. */
  static final class RssSampler {
    private final long pid;
    private volatile boolean running = true;
    private volatile long peak;
    private final Thread thread;

    RssSampler(long pid) {
      this.pid = pid;
      this.thread = new Thread(this::loop, "rss-sampler-" + pid);
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join();
    }

    long peakKiB() {
      return peak;
    }

    private void loop() {
      Path status = Path.of("/proc", Long.toString(pid), "status");
      while (running) {
        try {
          for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
              long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
              peak = Math.max(peak, kib);
            }
          }
        } catch (IOException | RuntimeException e) {
          return; // the process has ended
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** A one-line description of the machine the benchmark runs on. */
  static final class Machine {
    private Machine() {}

    static String describe() {
      String cpu = "unknown CPU";
      long memKiB = 0;
      try {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
          if (line.startsWith("model name")) {
            cpu = line.substring(line.indexOf(':') + 1).trim();
            break;
          }
        }
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
          if (line.startsWith("MemTotal:")) {
            memKiB = Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (IOException e) {
        // not Linux: keep the defaults
      }
      return String.format(
          Locale.ROOT,
          "%s, %d cores, %.1f GiB RAM, %s %s, Java %s (%s)",
          cpu,
          Runtime.getRuntime().availableProcessors(),
          memKiB / 1024.0 / 1024.0,
          System.getProperty("os.name"),
          System.getProperty("os.version"),
          System.getProperty("java.version"),
          System.getProperty("java.vm.vendor"));
    }
  }
}
