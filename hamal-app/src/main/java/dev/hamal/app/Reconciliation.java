package dev.hamal.app;

import dev.hamal.coordination.Coordinator;
import dev.hamal.coordination.PipeDefinition;
import dev.hamal.order.BusinessLine;
import dev.hamal.order.BusinessLines;
import dev.hamal.order.OrderLookup;
import dev.hamal.reconcile.ReconcileReport;
import dev.hamal.reconcile.Reconciler;
import dev.hamal.reconcile.Repairer;
import dev.hamal.reconcile.SourceDatabase;
import dev.hamal.reconcile.SourceDatabaseConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reconciles business lines against the stores, reading each line's source server as its pipe (from
 * ZooKeeper) defines it: the pipe's user and password reference. Used by {@code hamal reconcile}
 * and by the processors' periodic run.
 */
final class Reconciliation {
  /** The driver's TLS modes a source connection may use. */
  static final java.util.Set<String> SSL_MODES =
      java.util.Set.of("disable", "trust", "verify-ca", "verify-full");

  private Reconciliation() {}

  /**
   * Reconciles each line of {@code names} (every loaded line when empty) for orders created in
   * {@code [from, to)}.
   *
   * @param sslMode the MariaDB driver's {@code sslMode} towards the sources: {@code disable},
   *     {@code trust}, {@code verify-ca} or {@code verify-full}
   * @throws IllegalArgumentException naming a line that is not loaded or whose pipe is not defined
   */
  static List<ReconcileReport> run(
      BusinessLines lines,
      List<String> names,
      Coordinator coordinator,
      Map<String, String> environment,
      Map<String, OrderLookup> targets,
      Instant from,
      Instant to,
      Optional<Repairer> repair,
      String sslMode) {
    List<BusinessLine> chosen = new ArrayList<>();
    if (names.isEmpty()) {
      chosen.addAll(lines.lines());
    } else {
      for (String name : names) {
        chosen.add(
            lines
                .line(name)
                .orElseThrow(() ->
                    new IllegalArgumentException(
                        "--business-line: '" + name + "' is not a loaded business line")));
      }
    }
    List<ReconcileReport> reports = new ArrayList<>();
    Reconciler reconciler = Reconciler.create();
    for (BusinessLine line : chosen) {
      PipeDefinition pipe =
          coordinator
              .pipes()
              .find(line.pipe())
              .orElseThrow(() ->
                  new IllegalArgumentException(
                      "business line "
                          + line.name()
                          + " reads pipe "
                          + line.pipe()
                          + ", which is not defined in ZooKeeper"));
      String url =
          "jdbc:mariadb://"
              + pipe.sourceUrl().substring("mysql://".length())
              + "/?sslMode="
              + sslMode;
      String password = Passwords.resolve(pipe.passwordRef(), environment);
      try (SourceDatabase source =
          SourceDatabase.open(SourceDatabaseConfig.of(url, pipe.user(), password))) {
        reports.add(reconciler.reconcile(line, source, from, to, targets, repair));
      }
    }
    return reports;
  }
}
