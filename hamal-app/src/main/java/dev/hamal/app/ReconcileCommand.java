package dev.hamal.app;

import dev.hamal.cache.OrderCache;
import dev.hamal.coordination.Coordinator;
import dev.hamal.coordination.CoordinatorConfig;
import dev.hamal.order.BusinessLines;
import dev.hamal.order.OrderLookup;
import dev.hamal.reconcile.ReconcileReport;
import dev.hamal.reconcile.Repairer;
import dev.hamal.reconcile.RepairerConfig;
import dev.hamal.search.OrderIndex;
import dev.hamal.store.OrderStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hamal reconcile}: compares business lines' source tables (through their mappings) with the
 * stores a processor configuration names, for orders created in a window; reports the differences
 * and, with {@code --repair}, re-publishes the missing and stale orders from the source. Exit
 * status 0 when every store matches, 3 when differences were found (after a repair: found and
 * re-published), 1 or 2 on errors.
 */
@Command(
    name = "reconcile",
    mixinStandardHelpOptions = true,
    description = {
      "Compare product-line databases with the order store, the index and the cache (counts and"
          + " per-order checksums) for orders created in [--from, --to).",
      "Exit status: 0 no differences, 3 differences found (re-published with --repair)."
    })
final class ReconcileCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description =
          "The configuration file (hamal.yaml), read as the processor reads it: the stores to"
              + " compare, Kafka for repairs, ZooKeeper for the pipes.")
  Path config;

  @Option(
      names = "--zookeeper",
      paramLabel = "HOST:PORT",
      description =
          "ZooKeeper, where the pipes (the source servers) are defined (default: the file's"
              + " zookeeper.connect).")
  String zookeeper;

  @Option(
      names = "--namespace",
      description = "ZooKeeper namespace (default: the file's zookeeper.namespace, else hamal).")
  String namespace;

  @Option(
      names = "--business-line",
      paramLabel = "LINE",
      description = "A business line to reconcile (repeatable; default every loaded line).")
  List<String> lines = List.of();

  @Option(
      names = "--from",
      required = true,
      paramLabel = "TIME",
      description = "Start of the window, inclusive: ISO-8601 (2026-11-24T00:00:00Z).")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "TIME",
      description = "End of the window, exclusive: ISO-8601.")
  String to;

  @Option(names = "--repair", description = "Re-publish missing and stale orders from the source.")
  boolean repair;

  @Option(names = "--json", description = "Print the reports as JSON, one per line.")
  boolean json;

  @Option(
      names = "--source-ssl-mode",
      defaultValue = "verify-full",
      paramLabel = "MODE",
      description =
          "TLS towards the source servers: disable, trust, verify-ca, verify-full (default"
              + " ${DEFAULT-VALUE}).")
  String sslMode;

  private final Map<String, String> environment;

  ReconcileCommand() {
    this(System.getenv());
  }

  ReconcileCommand(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  @Override
  public Integer call() throws Exception {
    if (!Reconciliation.SSL_MODES.contains(sslMode)) {
      throw new IllegalArgumentException(
          "--source-ssl-mode: '" + sslMode + "' is not one of " + Reconciliation.SSL_MODES);
    }
    Instant start = instant("--from", from);
    Instant end = instant("--to", to);
    ProcessorSettings settings = ProcessorSettings.load(config, environment);
    BusinessLines businessLines = BusinessLines.loadDirectory(settings.businessLines());
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    try {
      Map<String, OrderLookup> targets = new LinkedHashMap<>();
      for (var sink :
          ProcessorCommand.openSinks(settings, environment, Optional.empty(), resources)) {
        if (sink instanceof OrderStore
            || sink instanceof OrderIndex
            || sink instanceof OrderCache) {
          targets.put(sink.name(), (OrderLookup) sink);
        }
      }
      for (OrderLookup target : targets.values()) {
        if (target instanceof OrderIndex index) {
          index.refresh(); // compare what has been written, not what the last refresh showed
        }
      }
      Coordinator coordinator = Coordinator.connect(coordination(settings));
      resources.push(coordinator);
      Optional<Repairer> repairer = Optional.empty();
      if (repair) {
        Repairer r = Repairer.connect(RepairerConfig.of(settings.processor().bootstrapServers()));
        resources.push(r);
        repairer = Optional.of(r);
      }
      List<ReconcileReport> reports =
          Reconciliation.run(
              businessLines,
              lines,
              coordinator,
              environment,
              targets,
              start,
              end,
              repairer,
              sslMode);
      PrintWriter out = spec.commandLine().getOut();
      boolean clean = true;
      for (ReconcileReport report : reports) {
        out.println(json ? report.toJson() : report.toString());
        clean &= report.isClean();
      }
      out.flush();
      return clean ? 0 : 3;
    } finally {
      ProcessorCommand.closeAll(resources);
    }
  }

  /** The file's ZooKeeper settings, the options over them. */
  private CoordinatorConfig coordination(ProcessorSettings settings) {
    Optional<CoordinatorConfig> file =
        settings
            .reconcile()
            .map(ProcessorSettings.Reconcile::coordination)
            .or(() -> fileZooKeeper());
    String ensemble =
        Optional.ofNullable(zookeeper)
            .or(() -> file.map(CoordinatorConfig::connectString))
            .orElseThrow(() ->
                new IllegalArgumentException(
                    "no ZooKeeper ensemble given: use --zookeeper HOST:PORT, or zookeeper.connect"
                        + " in "
                        + config));
    return ZooKeeperOptions.coordinatorConfig(ensemble, Optional.ofNullable(namespace), file);
  }

  private Optional<CoordinatorConfig> fileZooKeeper() {
    return SharedSettings.load(config, environment).zookeeper();
  }

  private static Instant instant(String option, String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          option + ": '" + text + "' is not an ISO-8601 time such as 2026-11-24T00:00:00Z");
    }
  }
}
