package dev.hamal.binlog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Which tables a stream decodes. Patterns are {@code schema.table} with {@code *} (any run of
 * characters) and {@code ?} (one character), case-insensitive, e.g. {@code topup.orders_*} or
 * {@code *.orders}. A table is included when it matches an include pattern (or there are none) and
 * no exclude pattern. Rows of other tables are skipped without being decoded. System schemas
 * ({@code mysql}, {@code information_schema}, {@code performance_schema}, {@code sys}) are excluded
 * unless an include pattern names them explicitly.
 */
public final class TableFilter implements Predicate<TableName> {
  private static final List<String> SYSTEM =
      List.of("mysql", "information_schema", "performance_schema", "sys");

  private final List<String> includeText;
  private final List<String> excludeText;
  private final List<Pattern> include;
  private final List<Pattern> exclude;
  private final List<Pattern> explicitSystemIncludes;
  private final Predicate<TableName> claim;
  private final String claimText;

  private TableFilter(List<String> include, List<String> exclude) {
    this(include, exclude, table -> true, "");
  }

  private TableFilter(
      List<String> include, List<String> exclude, Predicate<TableName> claim, String claimText) {
    this.includeText = List.copyOf(include);
    this.excludeText = List.copyOf(exclude);
    this.include = compile(include);
    this.exclude = compile(exclude);
    this.explicitSystemIncludes =
        compile(
            include.stream()
                .filter(p ->
                    SYSTEM.contains(
                        p.trim().substring(0, p.trim().indexOf('.')).toLowerCase(Locale.ROOT)))
                .toList());
    this.claim = claim;
    this.claimText = claimText;
  }

  /** Every non-system table. */
  public static TableFilter all() {
    return new TableFilter(List.of(), List.of());
  }

  /**
   * @throws IllegalArgumentException naming a pattern that is not {@code schema.table}
   */
  public static TableFilter of(List<String> include, List<String> exclude) {
    return new TableFilter(include, exclude);
  }

  /**
   * This filter narrowed further to the tables {@code claim} accepts (for example the tables some
   * business line maps); {@code description} says which in {@link #toString()}. The predicate is
   * asked once per table map event, from the reader thread: keep it cheap and thread-safe.
   */
  public TableFilter claimedBy(Predicate<TableName> claim, String description) {
    Objects.requireNonNull(claim, "claim");
    Objects.requireNonNull(description, "description");
    Predicate<TableName> both = this.claim.and(claim);
    String text = claimText.isEmpty() ? description : claimText + " and " + description;
    return new TableFilter(includeText, excludeText, both, text);
  }

  private static List<Pattern> compile(List<String> patterns) {
    List<Pattern> compiled = new ArrayList<>();
    for (String p : patterns) {
      String trimmed = p.trim();
      if (!trimmed.contains(".") || trimmed.startsWith(".") || trimmed.endsWith(".")) {
        throw new IllegalArgumentException(
            "table pattern '" + p + "' must be schema.table, e.g. topup.orders_* or *.orders");
      }
      StringBuilder regex = new StringBuilder();
      for (char c : trimmed.toLowerCase(Locale.ROOT).toCharArray()) {
        switch (c) {
          case '*' -> regex.append(".*");
          case '?' -> regex.append('.');
          default -> regex.append(Pattern.quote(String.valueOf(c)));
        }
      }
      compiled.add(Pattern.compile(regex.toString()));
    }
    return compiled;
  }

  @Override
  public boolean test(TableName table) {
    String name = (table.schema() + "." + table.table()).toLowerCase(Locale.ROOT);
    if (matches(exclude, name) || !claim.test(table)) {
      return false;
    }
    boolean system = SYSTEM.contains(table.schema().toLowerCase(Locale.ROOT));
    if (include.isEmpty()) {
      return !system;
    }
    // a system schema is only included by a pattern that spells its name out
    return matches(system ? explicitSystemIncludes : include, name);
  }

  private static boolean matches(List<Pattern> patterns, String name) {
    for (Pattern p : patterns) {
      if (p.matcher(name).matches()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "include="
        + includeText
        + " exclude="
        + excludeText
        + (claimText.isEmpty() ? "" : " claimed by " + claimText);
  }
}
