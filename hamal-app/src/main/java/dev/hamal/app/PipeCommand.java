package dev.hamal.app;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hamal.coordination.Coordinator;
import dev.hamal.coordination.PipeDefinition;
import dev.hamal.coordination.PipeMetrics;
import dev.hamal.coordination.PipePosition;
import dev.hamal.coordination.PipeRegistry;
import dev.hamal.coordination.PipeStatus;
import dev.hamal.coordination.StartPosition;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hamal pipe ...}: the operator's commands on the cluster's pipes, through {@link
 * PipeRegistry}. Each subcommand connects to ZooKeeper ({@link ZooKeeperOptions}), does one thing,
 * prints the result on standard output and closes the session. Errors are one line on standard
 * error: exit code 2 for a wrong option or value, 1 for what the cluster refuses (a duplicate, an
 * unknown pipe, a reset or removal of a running pipe) or an unreachable ZooKeeper.
 *
 * <p>Passwords are never handled here: {@code add} stores a reference ({@code env:VAR} or {@code
 * file:PATH}) that the owning listener instance resolves on its own host.
 */
@Command(
    name = "pipe",
    mixinStandardHelpOptions = true,
    description =
        "Add, inspect and control pipes (one pipe = one source server read as a replica).",
    subcommands = {
      PipeCommand.Add.class,
      PipeCommand.ListPipes.class,
      PipeCommand.Show.class,
      PipeCommand.Pause.class,
      PipeCommand.Resume.class,
      PipeCommand.ResetPosition.class,
      PipeCommand.Remove.class
    })
final class PipeCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What every subcommand shares: the connection and the output. */
  abstract static class Subcommand implements Callable<Integer> {
    @Mixin ZooKeeperOptions zooKeeper = new ZooKeeperOptions();
    @Spec CommandSpec spec;

    @Override
    public final Integer call() {
      quietClientLogs();
      try (Coordinator coordinator = Coordinator.connect(zooKeeper.toConfig(System.getenv()))) {
        PrintWriter out = spec.commandLine().getOut();
        run(coordinator.pipes(), out);
        out.flush();
        return 0;
      }
    }

    abstract void run(PipeRegistry pipes, PrintWriter out);
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Define a pipe; a listener instance takes it over at once.",
        "The password is stored as a reference (env:VAR or file:PATH) that the owning listener"
            + " resolves on its host; never the secret."
      })
  static final class Add extends Subcommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "[a-z0-9][a-z0-9_-]{0,62}")
    String name;

    @Option(
        names = "--source",
        required = true,
        paramLabel = "URL",
        description = "mysql://HOST[:PORT] (port 3306 by default; MariaDB too).")
    String source;

    @Option(
        names = "--user",
        required = true,
        paramLabel = "USER",
        description = "Replication user.")
    String user;

    @ArgGroup(multiplicity = "1")
    Password password;

    static final class Password {
      @Option(
          names = "--password-env",
          paramLabel = "VAR",
          description = "The listener reads the password from this environment variable.")
      String variable;

      @Option(
          names = "--password-file",
          paramLabel = "PATH",
          description = "The listener reads the password from the first line of this file.")
      String file;

      String reference() {
        return variable != null ? "env:" + variable : "file:" + file;
      }
    }

    @Option(
        names = "--server-id",
        required = true,
        paramLabel = "N",
        description = "Replica server id, 1..4294967295, unique among the source's replicas.")
    long serverId;

    @Option(
        names = "--report-host",
        paramLabel = "HOST",
        description = "Host name shown in the source's SHOW SLAVE HOSTS.")
    String reportHost;

    @Option(
        names = "--business-line",
        required = true,
        paramLabel = "LINE",
        description = "A business line this pipe feeds (repeatable).")
    List<String> businessLines = new ArrayList<>();

    @Option(
        names = "--start",
        paramLabel = "POSITION",
        description =
            "Where to start: earliest, latest (default), FILE:POS, gtid:SET or"
                + " timestamp:ISO-INSTANT.")
    String start;

    @Override
    void run(PipeRegistry pipes, PrintWriter out) {
      PipeDefinition.Builder b =
          PipeDefinition.builder(name)
              .sourceUrl(sourceUrl(source))
              .user(user)
              .passwordRef(password.reference())
              .serverId(serverId)
              .businessLines(businessLines);
      if (reportHost != null) {
        b.reportHost(reportHost);
      }
      if (start != null) {
        b.start(startPosition("--start", start));
      }
      PipeDefinition definition = b.build();
      pipes.add(definition);
      out.println(
          "pipe "
              + name
              + " added: "
              + definition.sourceAddress()
              + " as server id "
              + serverId
              + ", business lines "
              + String.join(", ", definition.businessLines())
              + ", starts at "
              + definition.start().map(StartPosition::text).orElse("latest"));
    }

    /** {@code mysql://host[:port]} with the default port made explicit, as the registry wants. */
    static String sourceUrl(String url) {
      try {
        URI uri = new URI(url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if ((scheme.equals("mysql") || scheme.equals("mariadb"))
            && uri.getHost() != null
            && uri.getUserInfo() == null
            && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
            && uri.getRawQuery() == null) {
          return "mysql://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 3306 : uri.getPort());
        }
      } catch (URISyntaxException e) {
        // reported below
      }
      throw new IllegalArgumentException(
          "--source: expected mysql://HOST[:PORT] (no user, password or options), got '"
              + url
              + "'");
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Every pipe: state, owner, epoch, committed position, lag, rows/s, reason.")
  static final class ListPipes extends Subcommand {
    @Option(names = "--json", description = "One JSON array, for scripts.")
    boolean json;

    @Override
    void run(PipeRegistry pipes, PrintWriter out) {
      List<PipeStatus> statuses = pipes.statuses();
      if (json) {
        ArrayNode array = JSON.createArrayNode();
        statuses.forEach(s -> array.add(statusJson(s)));
        out.println(write(array));
        return;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(
          new String[] {
            "NAME", "STATE", "OWNER", "EPOCH", "POSITION", "LAG_S", "LAG_BYTES", "ROWS/S", "REASON"
          });
      for (PipeStatus s : statuses) {
        PipeMetrics m = s.metrics();
        rows.add(
            new String[] {
              s.pipe(),
              s.state().name(),
              s.owner().orElse("-"),
              Long.toString(s.epoch()),
              position(s),
              known(m.lagSeconds()),
              known(m.lagBytes()),
              m.rowsPerSecond() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", m.rowsPerSecond()),
              s.reason().orElse("")
            });
      }
      printTable(out, rows);
      if (statuses.isEmpty()) {
        out.println("(no pipes; add one with: hamal pipe add NAME --source mysql://HOST:PORT ...)");
      }
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "A pipe's definition and status.")
  static final class Show extends Subcommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--json", description = "One JSON object, for scripts.")
    boolean json;

    @Override
    void run(PipeRegistry pipes, PrintWriter out) {
      PipeDefinition d = pipes.get(name);
      PipeStatus s = pipes.status(name);
      if (json) {
        ObjectNode node = JSON.createObjectNode();
        node.set("definition", definitionJson(d));
        node.set("status", statusJson(s));
        out.println(write(node));
        return;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"pipe", d.name()});
      rows.add(new String[] {"source", d.sourceUrl()});
      rows.add(new String[] {"user", d.user()});
      rows.add(new String[] {"password", d.passwordRef()});
      rows.add(new String[] {"server id", Long.toString(d.serverId())});
      rows.add(new String[] {"report host", d.reportHost().orElse("-")});
      rows.add(new String[] {"business lines", String.join(", ", d.businessLines())});
      rows.add(new String[] {"start", d.start().map(StartPosition::text).orElse("latest")});
      rows.add(new String[] {"options", d.options().isEmpty() ? "-" : d.options().toString()});
      rows.add(new String[] {"state", s.state().name()});
      rows.add(new String[] {"reason", s.reason().orElse("-")});
      rows.add(new String[] {"owner", s.owner().orElse("-")});
      rows.add(new String[] {"epoch", Long.toString(s.epoch())});
      rows.add(
          new String[] {
            "committed",
            s.committed()
                .map(p ->
                    p.file()
                        + ":"
                        + p.position()
                        + p.gtidSet().map(g -> " gtid " + g).orElse("")
                        + " at "
                        + p.committedAt())
                .orElse("-")
          });
      rows.add(
          new String[] {"pending start", s.pendingStart().map(StartPosition::text).orElse("-")});
      rows.add(new String[] {"lag seconds", known(s.metrics().lagSeconds())});
      rows.add(new String[] {"lag bytes", known(s.metrics().lagBytes())});
      rows.add(
          new String[] {
            "rows/s",
            s.metrics().rowsPerSecond() < 0
                ? "-"
                : String.format(Locale.ROOT, "%.1f", s.metrics().rowsPerSecond())
          });
      rows.add(new String[] {"updated", s.updatedAt().toString()});
      printTable(out, rows);
    }
  }

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Stop a pipe (its owner commits its final position) until resumed.")
  static final class Pause extends Subcommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    void run(PipeRegistry pipes, PrintWriter out) {
      pipes.pause(name);
      out.println("pipe " + name + " paused");
    }
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Run a paused or failed pipe again (clears the failure).")
  static final class Resume extends Subcommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    void run(PipeRegistry pipes, PrintWriter out) {
      pipes.resume(name);
      out.println("pipe " + name + " resumed");
    }
  }

  @Command(
      name = "reset-position",
      mixinStandardHelpOptions = true,
      description = {
        "Drop a pipe's committed position: its next owner starts at --to.",
        "Refused while the pipe runs: pause it first."
      })
  static final class ResetPosition extends Subcommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "POSITION",
        description = "earliest, latest, FILE:POS, gtid:SET or timestamp:ISO-INSTANT.")
    String to;

    @Override
    void run(PipeRegistry pipes, PrintWriter out) {
      StartPosition position = startPosition("--to", to);
      pipes.resetPosition(name, position);
      out.println("pipe " + name + " will start at " + position.text() + " when it next runs");
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Delete a pipe and its position. Refused while the pipe runs: pause it first.")
  static final class Remove extends Subcommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    void run(PipeRegistry pipes, PrintWriter out) {
      pipes.remove(name);
      out.println("pipe " + name + " removed");
    }
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private static StartPosition startPosition(String option, String text) {
    try {
      return StartPosition.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
    }
  }

  private static String position(PipeStatus s) {
    Optional<PipePosition> committed = s.committed();
    if (committed.isPresent()) {
      return committed.get().file() + ":" + committed.get().position();
    }
    return s.pendingStart().map(p -> "start " + p.text()).orElse("start latest");
  }

  private static String known(long value) {
    return value < 0 ? "-" : Long.toString(value);
  }

  static ObjectNode statusJson(PipeStatus s) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", s.pipe());
    node.put("state", s.state().name());
    node.put("owner", s.owner().orElse(null));
    node.put("epoch", s.epoch());
    if (s.committed().isPresent()) {
      PipePosition p = s.committed().get();
      ObjectNode committed = node.putObject("committed");
      committed.put("file", p.file());
      committed.put("position", p.position());
      committed.put("gtidSet", p.gtidSet().orElse(null));
      committed.put("committedAt", p.committedAt().toString());
    } else {
      node.putNull("committed");
    }
    node.put("pendingStart", s.pendingStart().map(StartPosition::text).orElse(null));
    PipeMetrics m = s.metrics();
    node.put("lagSeconds", m.lagSeconds() < 0 ? null : m.lagSeconds());
    node.put("lagBytes", m.lagBytes() < 0 ? null : m.lagBytes());
    node.put("rowsPerSecond", m.rowsPerSecond() < 0 ? null : m.rowsPerSecond());
    node.put("reason", s.reason().orElse(null));
    node.put("updatedAt", s.updatedAt().toString());
    return node;
  }

  private static ObjectNode definitionJson(PipeDefinition d) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", d.name());
    node.put("source", d.sourceUrl());
    node.put("user", d.user());
    node.put("passwordRef", d.passwordRef());
    node.put("serverId", d.serverId());
    node.put("reportHost", d.reportHost().orElse(null));
    ArrayNode lines = node.putArray("businessLines");
    d.businessLines().forEach(lines::add);
    node.put("start", d.start().map(StartPosition::text).orElse(null));
    ObjectNode options = node.putObject("options");
    d.options().forEach(options::put);
    return node;
  }

  private static String write(Object node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** Left-aligned columns, two spaces apart; the last column is not padded. */
  private static void printTable(PrintWriter out, List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(row[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }

  /**
   * ZooKeeper's and Curator's clients log every failed connection attempt; the command reports the
   * outcome itself, so their logs are shown only at {@code HAMAL_LOG_LEVEL=DEBUG} or finer.
   */
  private static void quietClientLogs() {
    if (Main.debug()) {
      return;
    }
    for (String name : List.of("org.apache.zookeeper", "org.apache.curator")) {
      if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
        logger.setLevel(Level.OFF);
      }
    }
    if (LoggerFactory.getLogger("dev.hamal.coordination")
        instanceof ch.qos.logback.classic.Logger logger) {
      logger.setLevel(Level.WARN);
    }
  }
}
