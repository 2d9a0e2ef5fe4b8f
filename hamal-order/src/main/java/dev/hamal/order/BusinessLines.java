package dev.hamal.order;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A validated set of business lines, and the lookup from a source table to the line that maps it.
 *
 * <p>Loading checks each file on its own (see {@link BusinessLine}) and the set as a whole: line
 * names are unique, and no two lines on the same pipe can claim one table (their schema and table
 * patterns are checked for any common name, not only for equal text). All problems of all files are
 * reported together in one {@link MappingException}.
 *
 * <p>Thread-safe. {@link #forTable} is called for every row: the answer for each table is cached
 * after its first lookup in a two-level map keyed by schema then table, so a hit allocates nothing.
 * The cache grows with the number of distinct tables seen, up to {@value #MAX_CACHED} per schema;
 * beyond that lookups are computed (correct, slower).
 */
public final class BusinessLines {
  static final int MAX_CACHED = 100_000;

  private final List<BusinessLine> lines;
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Match>> cache =
      new ConcurrentHashMap<>();

  /** A cached answer; the Optional is built once so that hits do not allocate. */
  private record Match(Optional<BusinessLine> line, boolean ignored) {}

  private static final Match NONE = new Match(Optional.empty(), false);

  private BusinessLines(List<BusinessLine> lines) {
    this.lines = List.copyOf(lines);
  }

  /**
   * Loads and validates business-line files.
   *
   * @throws MappingException naming file, key and reason for every problem, including a file that
   *     cannot be read
   */
  public static BusinessLines load(List<Path> files) {
    var sources = new ArrayList<Source>(files.size());
    var problems = new ArrayList<String>();
    for (Path file : files) {
      try {
        sources.add(new Source(file.toString(), Files.readString(file, StandardCharsets.UTF_8)));
      } catch (IOException e) {
        problems.add(file + ": (file): cannot be read: " + e);
      }
    }
    if (!problems.isEmpty()) {
      throw new MappingException(problems);
    }
    return parse(sources);
  }

  /**
   * Loads every {@code *.yaml} and {@code *.yml} file directly in {@code directory}, in name order.
   *
   * @throws MappingException if the directory cannot be listed, holds no such file, or a file has
   *     problems
   */
  public static BusinessLines loadDirectory(Path directory) {
    List<Path> files;
    try (Stream<Path> listing = Files.list(directory)) {
      files =
          listing
              .filter(Files::isRegularFile)
              .filter(p -> p.getFileName().toString().matches(".*\\.ya?ml"))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new MappingException(directory + ": (directory): cannot be listed: " + e, e);
    }
    if (files.isEmpty()) {
      throw new MappingException(directory + ": (directory): holds no *.yaml or *.yml file");
    }
    return load(files);
  }

  /**
   * Loads business-line files from the class path, e.g. {@code business-lines/topup.yaml}.
   *
   * @throws MappingException if a resource is missing or has problems
   */
  public static BusinessLines loadResources(ClassLoader loader, List<String> resources) {
    var sources = new ArrayList<Source>(resources.size());
    var problems = new ArrayList<String>();
    for (String resource : resources) {
      try (InputStream in = loader.getResourceAsStream(resource)) {
        if (in == null) {
          problems.add(resource + ": (file): no such resource on the class path");
          continue;
        }
        sources.add(new Source(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        problems.add(resource + ": (file): cannot be read: " + e);
      }
    }
    if (!problems.isEmpty()) {
      throw new MappingException(problems);
    }
    return parse(sources);
  }

  /** No business lines: every change is processed with {@link DmlFilter#DEFAULT}. */
  public static BusinessLines none() {
    return parse(List.of());
  }

  /**
   * Lines from YAML texts, named as if they were files (tests, and configuration held elsewhere).
   *
   * @param texts file name to YAML text
   * @throws MappingException listing every problem of every text
   */
  public static BusinessLines fromTexts(java.util.Map<String, String> texts) {
    var sources = new ArrayList<Source>();
    texts.forEach((file, yaml) -> sources.add(new Source(file, yaml)));
    return parse(sources);
  }

  /** A file's name and text. */
  record Source(String file, String yaml) {}

  /** Parses and cross-checks files given as text; tests and {@code load*} use it. */
  static BusinessLines parse(List<Source> sources) {
    var problems = new ArrayList<String>();
    var parsed = new ArrayList<BusinessLine>();
    for (Source source : sources) {
      try {
        parsed.add(BusinessLineParser.parse(source.file(), source.yaml()));
      } catch (MappingException e) {
        problems.addAll(e.problems());
      }
    }
    var byName = new LinkedHashMap<String, BusinessLine>();
    for (BusinessLine line : parsed) {
      BusinessLine earlier = byName.putIfAbsent(line.name(), line);
      if (earlier != null) {
        problems.add(
            line.file()
                + ": name: business line '"
                + line.name()
                + "' is already defined in "
                + earlier.file());
        continue;
      }
      for (BusinessLine other : byName.values()) {
        if (other != line) {
          conflicts(other, line, problems);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new MappingException(problems);
    }
    return new BusinessLines(List.copyOf(byName.values()));
  }

  /** Reports every table pattern of {@code line} that may name a table {@code earlier} claims. */
  private static void conflicts(BusinessLine earlier, BusinessLine line, List<String> problems) {
    if (!earlier.pipe().equals(line.pipe())
        || !earlier.schemaPattern().overlaps(line.schemaPattern())) {
      return;
    }
    report(earlier, line, line.tablePatterns(), earlier.tablePatterns(), problems);
    report(earlier, line, line.tablePatterns(), earlier.ignoredTablePatterns(), problems);
    report(earlier, line, line.ignoredTablePatterns(), earlier.tablePatterns(), problems);
  }

  /**
   * Reports each of {@code mine} that overlaps one of {@code theirs}. Two lines may both list a
   * table as ignored; only a table that would be mapped must belong to one line alone.
   */
  private static void report(
      BusinessLine earlier,
      BusinessLine line,
      List<NamePattern> mine,
      List<NamePattern> theirs,
      List<String> problems) {
    for (NamePattern table : mine) {
      for (NamePattern other : theirs) {
        if (table.overlaps(other)) {
          problems.add(
              line.file()
                  + ": "
                  + table.key()
                  + ": '"
                  + line.schemaPattern()
                  + "."
                  + table
                  + "' claims tables that "
                  + earlier.file()
                  + " (line "
                  + earlier.name()
                  + ") claims with "
                  + other.key()
                  + " '"
                  + earlier.schemaPattern()
                  + "."
                  + other
                  + "' on pipe "
                  + line.pipe());
        }
      }
    }
  }

  /** The lines, in load order. */
  public List<BusinessLine> lines() {
    return lines;
  }

  /** The line called {@code name}. */
  public Optional<BusinessLine> line(String name) {
    for (BusinessLine line : lines) {
      if (line.name().equals(name)) {
        return Optional.of(line);
      }
    }
    return Optional.empty();
  }

  /** The pipes the lines read, in load order. */
  public Set<String> pipes() {
    var pipes = new LinkedHashSet<String>();
    for (BusinessLine line : lines) {
      pipes.add(line.pipe());
    }
    return pipes;
  }

  /**
   * The lines that read {@code pipe}. Different pipes (servers) may have tables of the same name; a
   * listener looks tables up in the lines of its own pipe.
   */
  public BusinessLines forPipe(String pipe) {
    var mine = new ArrayList<BusinessLine>();
    for (BusinessLine line : lines) {
      if (line.pipe().equals(pipe)) {
        mine.add(line);
      }
    }
    return new BusinessLines(mine);
  }

  /**
   * The line whose orders live in {@code schema.table}; empty for tables no line maps (and for the
   * tables lines list as {@code ignored_tables}). Cached per table; safe from any thread.
   */
  public Optional<BusinessLine> forTable(String schema, String table) {
    return match(schema, table).line();
  }

  /** Whether some line maps {@code schema.table}, i.e. its rows are worth decoding. */
  public boolean claims(String schema, String table) {
    return match(schema, table).line().isPresent();
  }

  /** Whether a line lists {@code schema.table} as a known table that holds no orders. */
  public boolean ignores(String schema, String table) {
    return match(schema, table).ignored();
  }

  private Match match(String schema, String table) {
    ConcurrentHashMap<String, Match> tables = cache.get(schema);
    if (tables == null) {
      tables = cache.computeIfAbsent(schema, s -> new ConcurrentHashMap<>());
    }
    Match match = tables.get(table);
    if (match == null) {
      match = resolve(schema, table);
      if (tables.size() < MAX_CACHED) {
        tables.putIfAbsent(table, match);
      }
    }
    return match;
  }

  private Match resolve(String schema, String table) {
    for (BusinessLine line : lines) {
      if (line.mapsTable(schema, table)) {
        return new Match(Optional.of(line), false);
      }
      if (line.ignoresTable(schema, table)) {
        return new Match(Optional.empty(), true);
      }
    }
    return NONE;
  }

  @Override
  public String toString() {
    var names = new ArrayList<String>();
    for (BusinessLine line : lines) {
      names.add(line.name());
    }
    return "BusinessLines" + names;
  }

  /** For tests: the number of cached table answers. */
  int cachedTables() {
    int n = 0;
    for (Map<String, Match> tables : cache.values()) {
      n += tables.size();
    }
    return n;
  }
}
