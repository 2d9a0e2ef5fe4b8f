package dev.hamal.reconcile;

import dev.hamal.order.BusinessLine;
import dev.hamal.order.DmlFilter;
import dev.hamal.order.MappingException;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChecksum;
import dev.hamal.order.OrderLookup;
import dev.hamal.order.StoredOrder;
import dev.hamal.order.UnifiedOrder;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares a business line's orders in a product-line database, through the line's mapping, with
 * the order stores, and optionally repairs what differs (see {@code docs/reconcile.md}).
 *
 * <p><b>How.</b> The window {@code [from, to)} selects orders by their created-at instant. First,
 * every target that can list orders ({@link OrderLookup#scan}) lists the ids of its live and
 * archived orders in the window (DELETED tombstones count as absent). Then each table the line maps
 * is read inside a consistent snapshot, its created-at column compared with the window in the
 * column's own terms (local time in the line's zone for DATETIME and DATE, UTC for TIMESTAMP), and
 * every row mapped as the listener maps it; a row the mapping refuses is reported as unmappable,
 * not fatal. Mapped orders are compared in chunks of {@link Builder#chunkSize} ids: each target's
 * {@link OrderLookup#findAll} gives its records, and the checksums ({@link OrderChecksum} of the
 * order through {@link DmlFilter#forComparison}) say whether they agree. Source ids are struck from
 * the listed ids as they go; what remains at the end are the extras.
 *
 * <p><b>Memory</b> is bounded by one chunk of source orders and their target records, the listed
 * ids of each listing target (ids only: the ids of one window), and {@link Builder#reportLimit} ids
 * per kind and target in the report. Source rows are streamed, never held per table.
 *
 * <p><b>Threading.</b> Immutable and thread-safe; each call runs on the caller's thread and uses
 * the {@link SourceDatabase} it is given, which serves one call at a time. Targets and the repairer
 * are called from that thread.
 *
 * <p><b>Failure.</b> A source or target that fails throws out of {@link #reconcile} (a {@link
 * ReconcileException} for the source and for repairs, the target's own exception otherwise); the
 * partial report is not returned, since a partial comparison would misreport counts. Repairs
 * already acknowledged by then are harmless (see {@link Repairer}). A target whose scan throws
 * {@link UnsupportedOperationException} is compared by {@code findAll} only.
 */
public final class Reconciler {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  /** Default {@link Builder#chunkSize}. */
  public static final int DEFAULT_CHUNK_SIZE = 5_000;

  /** Default {@link Builder#reportLimit}. */
  public static final int DEFAULT_REPORT_LIMIT = 100;

  private final Clock clock;
  private final int chunkSize;
  private final int reportLimit;

  private Reconciler(Builder builder) {
    this.clock = builder.clock;
    this.chunkSize = builder.chunkSize;
    this.reportLimit = builder.reportLimit;
  }

  /** A reconciler with the defaults and the system clock. */
  public static Reconciler create() {
    return builder().build();
  }

  /** Settings of a reconciler. */
  public static Builder builder() {
    return new Builder();
  }

  /** Settings of a {@link Reconciler}. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private int reportLimit = DEFAULT_REPORT_LIMIT;

    private Builder() {}

    /** The clock whose time repairs carry as commit time (default: the system's, UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Orders compared per {@code findAll}, 1 to 100,000 (default {@value #DEFAULT_CHUNK_SIZE}).
     *
     * @throws IllegalArgumentException outside that range
     */
    public Builder chunkSize(int chunkSize) {
      if (chunkSize < 1 || chunkSize > 100_000) {
        throw new IllegalArgumentException(
            "reconcile.chunk-size must be in [1, 100000]: " + chunkSize);
      }
      this.chunkSize = chunkSize;
      return this;
    }

    /**
     * Order ids listed per kind and target, and unmappable rows listed, 0 to 100,000 (default
     * {@value #DEFAULT_REPORT_LIMIT}); counts are always complete.
     *
     * @throws IllegalArgumentException outside that range
     */
    public Builder reportLimit(int reportLimit) {
      if (reportLimit < 0 || reportLimit > 100_000) {
        throw new IllegalArgumentException(
            "reconcile.report-limit must be in [0, 100000]: " + reportLimit);
      }
      this.reportLimit = reportLimit;
      return this;
    }

    /** The reconciler. */
    public Reconciler build() {
      return new Reconciler(this);
    }
  }

  /**
   * Compares the line's orders created in {@code [from, to)} at the source with each target, and
   * with {@code repair} re-publishes the source's image of every order missing from or stale in
   * some target.
   *
   * @param line the business line (its mapping, zone and DML filter)
   * @param source a session on the line's source server
   * @param from the window's start, inclusive
   * @param to the window's end, exclusive
   * @param targets the stores by name (e.g. {@code store}, {@code index}, {@code cache}), compared
   *     in this map's iteration order
   * @param repair where to re-publish, or empty to only report
   * @throws IllegalArgumentException when {@code from} is not before {@code to}
   * @throws ReconcileException when the source cannot be read, a table does not fit the mapping, or
   *     Kafka does not acknowledge a repair
   */
  public ReconcileReport reconcile(
      BusinessLine line,
      SourceDatabase source,
      Instant from,
      Instant to,
      Map<String, OrderLookup> targets,
      Optional<Repairer> repair) {
    Objects.requireNonNull(line, "line");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(targets, "targets");
    Objects.requireNonNull(repair, "repair");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException(
          "the window [from, to) must not be empty: from " + from + " is not before to " + to);
    }
    Run run = new Run(line, from, to, repair);
    for (Map.Entry<String, OrderLookup> target : targets.entrySet()) {
      run.tallies.add(list(line, from, to, target.getKey(), target.getValue()));
    }
    List<SourceDatabase.SourceTable> tables = source.tables(line);
    for (SourceDatabase.SourceTable table : tables) {
      run.read(source, table);
    }
    long republished = 0;
    if (repair.isPresent()) {
      repair.get().finish();
      republished = run.republished;
    }
    Map<String, ReconcileReport.TargetReport> reports = new LinkedHashMap<>();
    for (Tally tally : run.tallies) {
      reports.put(tally.name, tally.report(run.sourceCount, reportLimit));
    }
    var report =
        new ReconcileReport(
            line.name(),
            from,
            to,
            tables.size(),
            run.sourceCount,
            run.unmappableCount,
            run.unmappable,
            reports,
            repair.isPresent(),
            republished);
    log.info("{}", report);
    return report;
  }

  /** A target's listing of the window, or none when it cannot list. */
  private static Tally list(
      BusinessLine line, Instant from, Instant to, String name, OrderLookup lookup) {
    Objects.requireNonNull(name, "target name");
    Objects.requireNonNull(lookup, "target " + name);
    Set<String> listed = new HashSet<>();
    try {
      lookup.scan(
          line.name(),
          from,
          to,
          stored -> {
            if (stored.state() != StoredOrder.State.DELETED) {
              listed.add(stored.orderId());
            }
          });
    } catch (UnsupportedOperationException e) {
      return new Tally(name, lookup, Optional.empty());
    }
    return new Tally(name, lookup, Optional.of(listed));
  }

  /** The counts of one target, and what it listed that the source has not (yet) claimed. */
  private static final class Tally {
    final String name;
    final OrderLookup lookup;
    final Optional<Set<String>> unclaimed;
    final long listedCount;
    long foundCount;
    long missing;
    long stale;
    final TreeSet<String> missingIds = new TreeSet<>();
    final TreeSet<String> staleIds = new TreeSet<>();

    Tally(String name, OrderLookup lookup, Optional<Set<String>> listed) {
      this.name = name;
      this.lookup = lookup;
      this.unclaimed = listed;
      this.listedCount = listed.map(Set::size).orElse(0);
    }

    static void keepFirst(TreeSet<String> ids, String id, int limit) {
      if (limit == 0) {
        return;
      }
      if (ids.size() < limit) {
        ids.add(id);
      } else if (id.compareTo(ids.last()) < 0) {
        ids.add(id);
        ids.pollLast();
      }
    }

    ReconcileReport.TargetReport report(long sourceCount, int limit) {
      long extra = unclaimed.map(Set::size).orElse(0);
      List<String> extraIds = new ArrayList<>();
      unclaimed.ifPresent(ids -> {
        TreeSet<String> first = new TreeSet<>();
        for (String id : ids) {
          keepFirst(first, id, limit);
        }
        extraIds.addAll(first);
      });
      return new ReconcileReport.TargetReport(
          name,
          sourceCount,
          unclaimed.isPresent() ? listedCount : foundCount,
          unclaimed.isPresent(),
          missing,
          stale,
          extra,
          List.copyOf(missingIds),
          List.copyOf(staleIds),
          extraIds);
    }
  }

  /** The state of one reconciliation. */
  private final class Run {
    final BusinessLine line;
    final DmlFilter filter;
    final Instant from;
    final Instant to;
    final Optional<Repairer> repair;
    final List<Tally> tallies = new ArrayList<>();
    final List<ReconcileReport.Unmappable> unmappable = new ArrayList<>();
    long sourceCount;
    long unmappableCount;
    long republished;

    Run(BusinessLine line, Instant from, Instant to, Optional<Repairer> repair) {
      this.line = line;
      this.filter = line.filter();
      this.from = from;
      this.to = to;
      this.repair = repair;
    }

    void read(SourceDatabase source, SourceDatabase.SourceTable table) {
      ColumnValues.Kind kind = table.createdAt().kind();
      String lower = ColumnValues.bound(kind, from, line.timeZone());
      String upper = ColumnValues.bound(kind, to, line.timeZone());
      Optional<SourceDatabase.BinlogPoint> point = source.beginSnapshot(repair.isPresent());
      Optional<OrderChange.SourcePosition> position =
          point.map(p -> Repairer.positionFor(line.pipe(), p));
      Instant readAt = clock.instant();
      Map<String, UnifiedOrder> chunk = new LinkedHashMap<>();
      long before = sourceCount;
      try {
        source.stream(
            table,
            lower,
            upper,
            row -> {
              UnifiedOrder order;
              try {
                order = line.map(row);
              } catch (MappingException | IllegalArgumentException e) {
                unmappableCount++;
                if (unmappable.size() < reportLimit) {
                  unmappable.add(
                      new ReconcileReport.Unmappable(
                          row.schema(), row.table(), row.text(line.idColumn()), e.getMessage()));
                }
                return;
              }
              if (order.createdAt().isBefore(from) || !order.createdAt().isBefore(to)) {
                return; // outside the window after all (a zone's ambiguous local hour)
              }
              sourceCount++;
              chunk.put(order.orderId(), order);
              if (chunk.size() >= chunkSize) {
                compare(chunk, position, readAt);
                chunk.clear();
              }
            });
        compare(chunk, position, readAt);
      } catch (RuntimeException e) {
        try {
          source.endSnapshot();
        } catch (ReconcileException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      source.endSnapshot();
      log.debug(
          "reconcile {}: {} orders in {} (snapshot at {})",
          line.name(),
          sourceCount - before,
          table,
          point);
    }

    /** Compares one chunk with every target; re-publishes what some target lacks or has stale. */
    void compare(
        Map<String, UnifiedOrder> chunk,
        Optional<OrderChange.SourcePosition> position,
        Instant readAt) {
      if (chunk.isEmpty()) {
        return;
      }
      Map<String, String> checksums = new HashMap<>();
      for (UnifiedOrder order : chunk.values()) {
        checksums.put(order.orderId(), OrderChecksum.of(filter.forComparison(order)));
      }
      Set<String> toRepair = new LinkedHashSet<>();
      for (Tally tally : tallies) {
        Map<String, StoredOrder> found = tally.lookup.findAll(List.copyOf(chunk.keySet()));
        for (String id : chunk.keySet()) {
          tally.unclaimed.ifPresent(ids -> ids.remove(id));
          StoredOrder stored = found.get(id);
          if (stored == null || stored.state() == StoredOrder.State.DELETED) {
            tally.missing++;
            Tally.keepFirst(tally.missingIds, id, reportLimit);
            toRepair.add(id);
            continue;
          }
          tally.foundCount++;
          if (!checksums.get(id).equals(OrderChecksum.of(filter.forComparison(stored.order())))) {
            tally.stale++;
            Tally.keepFirst(tally.staleIds, id, reportLimit);
            toRepair.add(id);
          }
        }
      }
      if (repair.isEmpty() || toRepair.isEmpty()) {
        return;
      }
      OrderChange.SourcePosition at =
          position.orElseThrow(
              () -> new ReconcileException("no binlog position for a repair of " + line.name()));
      for (String id : toRepair) {
        repair.get().republish(line, chunk.get(id), at, readAt);
        republished++;
      }
    }
  }

  @Override
  public String toString() {
    return "Reconciler[chunkSize=" + chunkSize + ", reportLimit=" + reportLimit + "]";
  }
}
