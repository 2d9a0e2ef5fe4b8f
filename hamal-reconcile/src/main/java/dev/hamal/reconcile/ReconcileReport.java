package dev.hamal.reconcile;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one reconciliation found: the source's orders in the window, the rows that could not be
 * mapped, and per target the counts and the first differing order ids of each kind.
 *
 * <p>Kinds of difference, per target: {@code missing} (in the source, absent from the target or
 * only a DELETED tombstone there), {@code stale} (present, but its checksum through the line's
 * {@link dev.hamal.order.DmlFilter#forComparison comparison filter} differs from the source's) and
 * {@code extra} (live or archived in the target within the window, not in the source's window).
 * Extras are only checked for targets that can list orders ({@link TargetReport#extraChecked()}).
 *
 * @param businessLine the line's name
 * @param from the window's start, inclusive
 * @param to the window's end, exclusive
 * @param tables how many source tables were read
 * @param sourceCount source orders mapped in the window
 * @param unmappableCount source rows in the window the mapping refused
 * @param unmappable the first of those, with the reason
 * @param targets per target, in the order they were given
 * @param repair whether a repair was requested
 * @param republished orders re-published and acknowledged by Kafka (0 without repair)
 */
public record ReconcileReport(
    String businessLine,
    Instant from,
    Instant to,
    int tables,
    long sourceCount,
    long unmappableCount,
    List<Unmappable> unmappable,
    Map<String, TargetReport> targets,
    boolean repair,
    long republished) {

  /** Copies the collections. */
  public ReconcileReport {
    Objects.requireNonNull(businessLine, "businessLine");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    unmappable = List.copyOf(unmappable);
    targets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(targets));
  }

  /**
   * A source row the business line could not map.
   *
   * @param schema the row's schema
   * @param table the row's table
   * @param sourceId the id column's value as text ({@code NULL} when it has none)
   * @param reason the mapping's message
   */
  public record Unmappable(String schema, String table, String sourceId, String reason) {}

  /**
   * One target's comparison.
   *
   * @param name the target's name (store, index, cache, ...)
   * @param sourceCount source orders compared with it
   * @param targetCount its live and archived orders in the window (listed by its scan), or, when it
   *     cannot list, those of the source's orders it holds
   * @param extraChecked whether it could list its orders, so extras were looked for
   * @param missing how many source orders it lacks
   * @param stale how many it holds with a different checksum
   * @param extra how many it holds that the source's window lacks
   * @param missingIds the first missing order ids, sorted
   * @param staleIds the first stale order ids, sorted
   * @param extraIds the first extra order ids, sorted
   */
  public record TargetReport(
      String name,
      long sourceCount,
      long targetCount,
      boolean extraChecked,
      long missing,
      long stale,
      long extra,
      List<String> missingIds,
      List<String> staleIds,
      List<String> extraIds) {
    /** Copies the lists. */
    public TargetReport {
      Objects.requireNonNull(name, "name");
      missingIds = List.copyOf(missingIds);
      staleIds = List.copyOf(staleIds);
      extraIds = List.copyOf(extraIds);
    }

    /** Whether this target agrees with the source. */
    public boolean isClean() {
      return missing == 0 && stale == 0 && extra == 0;
    }
  }

  /**
   * Differences summed over the targets.
   *
   * @param missing missing orders, counted once per target
   * @param stale stale orders, counted once per target
   * @param extra extra orders, counted once per target
   */
  public record Totals(long missing, long stale, long extra) {
    /** All three. */
    public long differences() {
      return missing + stale + extra;
    }
  }

  /** The differences of all targets together. */
  public Totals totals() {
    long missing = 0;
    long stale = 0;
    long extra = 0;
    for (TargetReport target : targets.values()) {
      missing += target.missing();
      stale += target.stale();
      extra += target.extra();
    }
    return new Totals(missing, stale, extra);
  }

  /**
   * Whether every target agrees with the source and every source row in the window could be mapped
   * (an unmappable row is in no store: the listener sent it to the dead letters).
   */
  public boolean isClean() {
    return unmappableCount == 0 && totals().differences() == 0;
  }

  /**
   * The report as one JSON object, for the CLI and for monitoring; {@code docs/reconcile.md} shows
   * the shape.
   */
  public String toJson() {
    var out = new StringWriter();
    try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("businessLine", businessLine);
      json.writeStringField("from", from.toString());
      json.writeStringField("to", to.toString());
      json.writeBooleanField("clean", isClean());
      json.writeNumberField("tables", tables);
      json.writeNumberField("sourceCount", sourceCount);
      json.writeNumberField("unmappableCount", unmappableCount);
      json.writeArrayFieldStart("unmappable");
      for (Unmappable row : unmappable) {
        json.writeStartObject();
        json.writeStringField("schema", row.schema());
        json.writeStringField("table", row.table());
        json.writeStringField("sourceId", row.sourceId());
        json.writeStringField("reason", row.reason());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeObjectFieldStart("targets");
      for (TargetReport target : targets.values()) {
        json.writeObjectFieldStart(target.name());
        json.writeNumberField("sourceCount", target.sourceCount());
        json.writeNumberField("targetCount", target.targetCount());
        json.writeBooleanField("extraChecked", target.extraChecked());
        json.writeNumberField("missing", target.missing());
        json.writeNumberField("stale", target.stale());
        json.writeNumberField("extra", target.extra());
        ids(json, "missingIds", target.missingIds());
        ids(json, "staleIds", target.staleIds());
        ids(json, "extraIds", target.extraIds());
        json.writeEndObject();
      }
      json.writeEndObject();
      Totals totals = totals();
      json.writeObjectFieldStart("totals");
      json.writeNumberField("missing", totals.missing());
      json.writeNumberField("stale", totals.stale());
      json.writeNumberField("extra", totals.extra());
      json.writeEndObject();
      json.writeBooleanField("repair", repair);
      json.writeNumberField("republished", republished);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void ids(JsonGenerator json, String name, List<String> ids) throws IOException {
    json.writeArrayFieldStart(name);
    for (String id : ids) {
      json.writeString(id);
    }
    json.writeEndArray();
  }

  /** A few lines for people: the window, the counts per target and whether it is clean. */
  @Override
  public String toString() {
    var text = new StringBuilder();
    text.append("reconcile ")
        .append(businessLine)
        .append(" [")
        .append(from)
        .append(", ")
        .append(to)
        .append("): ")
        .append(isClean() ? "clean" : "DIFFERENCES")
        .append("; source ")
        .append(sourceCount)
        .append(" orders in ")
        .append(tables)
        .append(" tables, ")
        .append(unmappableCount)
        .append(" unmappable");
    for (TargetReport t : targets.values()) {
      text.append("\n  ")
          .append(t.name())
          .append(": ")
          .append(t.targetCount())
          .append(" orders, missing ")
          .append(t.missing())
          .append(", stale ")
          .append(t.stale())
          .append(", extra ")
          .append(t.extraChecked() ? Long.toString(t.extra()) : "not checked");
    }
    if (repair) {
      text.append("\n  republished ").append(republished);
    }
    return text.toString();
  }
}
