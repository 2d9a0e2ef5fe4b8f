package dev.hamal.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Strict reading of one role's YAML configuration: values by dotted key, each overridable by an
 * environment variable {@code HAMAL_<KEY>} ({@link #envName}); every problem (unknown key, wrong
 * shape, out of range) collected and reported together in one {@link SettingsException} naming the
 * file or variable, the key and what is accepted. Used by each role's settings record.
 */
final class SettingsReader {
  private final String file;
  private final Map<String, String> environment;
  private final Set<String> sections;
  private final Optional<String> producerKey;
  private final Map<String, JsonNode> values = new LinkedHashMap<>();
  private final Map<String, String> producerValues = new TreeMap<>();
  private final Set<String> known = new LinkedHashSet<>();
  private final List<String> problems = new ArrayList<>();

  private static final com.fasterxml.jackson.databind.ObjectMapper YAML =
      new com.fasterxml.jackson.databind.ObjectMapper(
          com.fasterxml.jackson.dataformat.yaml.YAMLFactory.builder()
              .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .build());

  /**
   * The text of a settings file.
   *
   * @throws SettingsException naming the file when it cannot be read
   */
  static String readFile(java.nio.file.Path file) {
    try {
      return java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new SettingsException(
          List.of(
              file
                  + ": cannot be read ("
                  + e.getClass().getSimpleName()
                  + ": "
                  + e.getMessage()
                  + ")"));
    }
  }

  /**
   * {@code yaml} as a tree (duplicate keys refused), as read from {@code file}.
   *
   * @throws SettingsException naming the file and line when it is not valid YAML
   */
  static JsonNode parseYaml(java.nio.file.Path file, String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      var location = e.getLocation();
      throw new SettingsException(
          List.of(
              file
                  + (location == null ? "" : ":" + location.getLineNr())
                  + ": not valid YAML: "
                  + e.getOriginalMessage()));
    }
  }

  /**
   * A reader of one file's tree.
   *
   * @param sections keys whose mappings hold further keys ({@code kafka}, {@code zookeeper.retry})
   * @param producerKey the key of a free-form mapping of Kafka client settings, if the file has one
   */
  SettingsReader(
      String file,
      JsonNode root,
      Map<String, String> environment,
      Set<String> sections,
      Optional<String> producerKey) {
    this.file = file;
    this.environment = environment;
    this.sections = Set.copyOf(sections);
    this.producerKey = producerKey;
    if (root == null || root.isMissingNode() || root.isNull()) {
      return; // an empty file: everything from defaults and the environment
    }
    if (!root.isObject()) {
      problems.add(
          file + ": the file must be a mapping of keys to values, like examples/listener.yaml");
      return;
    }
    flatten("", root);
  }

  private void flatten(String prefix, JsonNode node) {
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      JsonNode value = e.getValue();
      if (producerKey.isPresent() && key.equals(producerKey.get())) {
        if (value.isObject()) {
          flattenProducer("", value);
        } else if (!value.isNull()) {
          problems.add(
              file
                  + ": "
                  + key
                  + ": must be a mapping of Kafka producer settings, e.g. { compression.type: lz4 }");
        }
      } else if (value.isObject() && sections.contains(key)) {
        flatten(key, value);
      } else {
        values.put(key, value);
      }
    }
  }

  private void flattenProducer(String prefix, JsonNode node) {
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue().isObject()) {
        flattenProducer(key, e.getValue());
      } else if (e.getValue().isValueNode() && !e.getValue().isNull()) {
        producerValues.put(key, e.getValue().asText());
      } else {
        problems.add(
            file + ": " + producerKey.orElseThrow() + "." + key + ": must be a single value");
      }
    }
  }

  /** The raw text of a key and where it came from, if given. */
  private Optional<Raw> raw(String key) {
    known.add(key);
    String variable = envName(key);
    String fromEnv = environment.get(variable);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(
          new Raw(fromEnv.strip(), variable + " (overrides " + key + " of " + file + ")"));
    }
    JsonNode node = values.get(key);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isValueNode()) {
      problems.add(
          file
              + ": "
              + key
              + ": must be a single value, not a "
              + (node.isArray() ? "list" : "mapping"));
      return Optional.empty();
    }
    return Optional.of(new Raw(node.asText().strip(), file + ": " + key));
  }

  boolean fromEnvironment(String key) {
    String v = environment.get(envName(key));
    return v != null && !v.isBlank();
  }

  Optional<String> required(String key, String form) {
    Optional<String> value = raw(key).map(Raw::text).filter(s -> !s.isEmpty());
    if (value.isEmpty()) {
      problems.add(file + ": " + key + ": is required (" + form + "); or set " + envName(key));
    }
    return value;
  }

  String text(String key, String fallback, String accepted, Predicate<String> ok) {
    Optional<Raw> raw = raw(key);
    if (raw.isEmpty()) {
      return fallback;
    }
    if (!ok.test(raw.get().text())) {
      problems.add(
          raw.get().where() + ": '" + raw.get().text() + "' is not accepted; expected " + accepted);
      return fallback;
    }
    return raw.get().text();
  }

  Duration duration(String key, String fallback, Duration min, Duration max) {
    return convert(
        key,
        parseDuration(fallback),
        "a duration from " + format(min) + " to " + format(max) + " (such as 500ms, 15s, 2m, 1h)",
        SettingsReader::parseDuration,
        d -> d.compareTo(min) >= 0 && d.compareTo(max) <= 0);
  }

  int integer(String key, int fallback, int min, int max) {
    return convert(
        key,
        fallback,
        "a whole number from " + min + " to " + max,
        Integer::parseInt,
        n -> n >= min && n <= max);
  }

  <E extends Enum<E>> E choice(String key, Class<E> type, E fallback) {
    String accepted =
        "one of "
            + Arrays.stream(type.getEnumConstants())
                .map(Enum::name)
                .collect(Collectors.joining(", "));
    return convert(
        key, fallback, accepted, s -> Enum.valueOf(type, s.toUpperCase(Locale.ROOT)), e -> true);
  }

  private <T> T convert(
      String key, T fallback, String accepted, Function<String, T> parser, Predicate<T> ok) {
    Optional<Raw> raw = raw(key);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      T value = parser.apply(raw.get().text());
      if (ok.test(value)) {
        return value;
      }
    } catch (IllegalArgumentException e) {
      // reported below; NumberFormatException is one of these
    }
    problems.add(
        raw.get().where() + ": '" + raw.get().text() + "' is not accepted; expected " + accepted);
    return fallback;
  }

  Map<String, String> producer() {
    String producer = producerKey.orElseThrow();
    String producerEnv = envName(producer) + "_";
    known.add(producer + ".*");
    Map<String, String> merged = new TreeMap<>(producerValues);
    for (Map.Entry<String, String> e : environment.entrySet()) {
      if (e.getKey().startsWith(producerEnv) && !e.getValue().isBlank()) {
        String setting =
            e.getKey().substring(producerEnv.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        if (!setting.isEmpty()) {
          merged.put(setting, e.getValue().strip());
        }
      }
    }
    return merged;
  }

  void rejectUnknownKeys() {
    for (String key : values.keySet()) {
      if (known.contains(key)) {
        continue;
      }
      if (sections.contains(key)) {
        problems.add(file + ": " + key + ": must be a mapping with the keys " + keysUnder(key));
        continue;
      }
      int dot = key.lastIndexOf('.');
      String section = dot < 0 ? "" : key.substring(0, dot);
      problems.add(
          file
              + ": "
              + key
              + ": unknown key; accepted "
              + (section.isEmpty() ? "top-level keys" : "keys under " + section)
              + ": "
              + keysUnder(section));
    }
  }

  private String keysUnder(String section) {
    Set<String> names = new LinkedHashSet<>();
    String prefix = section.isEmpty() ? "" : section + ".";
    for (String k : known) {
      if (k.startsWith(prefix)) {
        String rest = k.substring(prefix.length());
        int dot = rest.indexOf('.');
        names.add(dot < 0 ? rest : rest.substring(0, dot));
      }
    }
    return String.join(", ", names);
  }

  /** Whether the file has a mapping at {@code section} (a key below it was given). */
  boolean hasSection(String section) {
    String prefix = section + ".";
    return values.keySet().stream().anyMatch(k -> k.startsWith(prefix) || k.equals(section));
  }

  /** Records a problem found after reading a key (a value that parsed but does not fit). */
  void problem(String key, String reason) {
    problems.add(file + ": " + key + ": " + reason);
  }

  void throwIfProblems() {
    if (!problems.isEmpty()) {
      throw new SettingsException(problems);
    }
  }

  private record Raw(String text, String where) {}

  /** The environment variable that overrides {@code key}: {@code HAMAL_} + key, upper case, _. */
  static String envName(String key) {
    return ListenerSettings.envName(key);
  }

  /** Parses a duration such as {@code 500ms}, {@code 15s}, {@code 2m} or {@code 1h}. */
  static Duration parseDuration(String text) {
    return ListenerSettings.parseDuration(text);
  }

  /** How durations are printed in messages: the largest exact unit. */
  static String format(Duration d) {
    return ListenerSettings.format(d);
  }
}
