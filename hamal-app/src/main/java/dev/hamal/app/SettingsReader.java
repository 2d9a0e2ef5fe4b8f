package dev.hamal.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Strict reading of the configuration file {@code hamal.yaml} ({@code docs/configuration.md}):
 * values by dotted key ({@code kafka.bootstrap-servers}), each overridable by an environment
 * variable {@code HAMAL_<KEY>} ({@link #envName}); every problem (unknown key, wrong shape, out of
 * range, unreadable secret) collected and reported together in one {@link SettingsException} naming
 * the file or variable, the key and what is accepted.
 *
 * <p><b>One file, several roles.</b> Every role reads the whole file through one reader: the shared
 * sections ({@link SharedSettings}) and its own section strictly, the other roles' sections {@link
 * #leniently} — their keys are read, so they count as known, but their problems are dropped (they
 * are that role's to report). {@link #finish} then refuses what no role read: the set of known keys
 * is the union of every role's keys, so a typo fails every role, while a bad value in the gateway's
 * section does not stop a listener.
 *
 * <p><b>Shapes.</b> Mappings are flattened into dotted keys (a dotted key in the file is the same
 * key, and giving one key twice is refused); only the free-form mapping {@code kafka.producer}
 * keeps its own names (Kafka's). Whether a key is a section or a value is learned from what the
 * roles read, so messages can say "must be a mapping with the keys host, port" or "must be a single
 * value".
 *
 * <p><b>Environment.</b> A non-blank variable wins over the file; a variable under a known section
 * ({@code HAMAL_KAFKA_...}) that overrides no key is refused like an unknown key, unless a secret
 * reference names it. Relative paths are resolved against the file's directory, or against the
 * working directory when they come from a variable.
 *
 * <p>Not thread-safe: one reader per read of a file, on one thread.
 */
final class SettingsReader {
  /** Prefix of every environment variable that overrides a key. */
  static final String ENV_PREFIX = "HAMAL_";

  /** Keys whose mappings hold a Kafka client's own settings, passed on by name. */
  static final Set<String> FREE_FORM = Set.of("kafka.producer");

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
  private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");
  private static final String DURATION_FORM = "a duration such as 500ms, 15s, 2m, 1h or 30d";
  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final String file;
  private final Path directory;
  private final Map<String, String> environment;
  private final Map<String, JsonNode> values = new LinkedHashMap<>();
  private final Set<String> mappings = new LinkedHashSet<>();
  private final Set<String> given = new LinkedHashSet<>();
  private final Map<String, Map<String, String>> freeForm = new HashMap<>();
  private final Set<String> known = new LinkedHashSet<>();
  private final Map<String, String> secretVariables = new LinkedHashMap<>();
  private final Set<String> referencedVariables = new LinkedHashSet<>();
  private final List<String> problems = new ArrayList<>();
  private final Set<String> refused = new LinkedHashSet<>();
  private int lenient;

  /**
   * A reader of one file's tree.
   *
   * @param file the file, as named in messages; relative paths in it resolve against its directory
   * @param root the parsed file; null or missing for an empty file
   * @param environment the variables that override keys and hold secrets
   */
  SettingsReader(Path file, JsonNode root, Map<String, String> environment) {
    this.file = file.toString();
    this.directory = file.toAbsolutePath().normalize().getParent();
    this.environment = Map.copyOf(environment);
    if (root == null || root.isMissingNode() || root.isNull()) {
      return; // an empty file: everything from defaults and the environment
    }
    if (!root.isObject()) {
      problems.add(
          this.file + ": the file must be a mapping of keys to values, like examples/hamal.yaml");
      return;
    }
    flatten("", root);
  }

  /**
   * A reader of {@code yaml}, as read from {@code file}.
   *
   * @throws SettingsException naming the file and line when it is not valid YAML
   */
  static SettingsReader of(Path file, String yaml, Map<String, String> environment) {
    return new SettingsReader(file, parseYaml(file, yaml), environment);
  }

  /**
   * The text of a settings file.
   *
   * @throws SettingsException naming the file when it cannot be read
   */
  static String readFile(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
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
  static JsonNode parseYaml(Path file, String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      var location = e.getLocation();
      throw new SettingsException(
          List.of(
              file
                  + (location == null ? "" : ":" + location.getLineNr())
                  + ": not valid YAML: "
                  + e.getOriginalMessage()));
    }
  }

  private void flatten(String prefix, JsonNode node) {
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      JsonNode value = e.getValue();
      if (values.containsKey(key) || (mappings.contains(key) && !value.isObject())) {
        add(file + ": " + key + ": is given twice (once as a dotted key, once nested)");
        continue;
      }
      given.add(key);
      if (FREE_FORM.contains(key)) {
        mappings.add(key);
        if (value.isObject()) {
          flattenFreeForm(key, "", value);
        } else if (!value.isNull()) {
          add(
              file
                  + ": "
                  + key
                  + ": must be a mapping of Kafka client settings, e.g. { compression.type: lz4 }");
        }
      } else if (value.isObject()) {
        mappings.add(key);
        flatten(key, value);
      } else {
        values.put(key, value);
      }
    }
  }

  private void flattenFreeForm(String section, String prefix, JsonNode node) {
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String name = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      JsonNode value = e.getValue();
      if (value.isObject()) {
        flattenFreeForm(section, name, value);
      } else if (value.isValueNode() && !value.isNull()) {
        Map<String, String> settings = freeForm.computeIfAbsent(section, s -> new TreeMap<>());
        if (settings.putIfAbsent(name, value.asText()) != null) {
          add(file + ": " + section + "." + name + ": is given twice");
        }
      } else {
        add(file + ": " + section + "." + name + ": must be a single value");
      }
    }
  }

  /**
   * Runs {@code readSection} for another role's section: its keys become known, its problems are
   * dropped (that role reports them), and it resolves nothing.
   */
  void leniently(Runnable readSection) {
    lenient++;
    try {
      readSection.run();
    } finally {
      lenient--;
    }
  }

  private void add(String problem) {
    if (lenient == 0) {
      problems.add(problem);
    }
  }

  /** A problem of {@code key}'s value; {@link #need} then does not also call the key missing. */
  private void refuse(String key, String problem) {
    if (lenient == 0) {
      refused.add(key);
    }
    add(problem);
  }

  /** The raw text of a key and where it came from, if given. */
  private Optional<Raw> raw(String key) {
    known.add(key);
    String variable = envName(key);
    String fromEnv = environment.get(variable);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(
          new Raw(fromEnv.strip(), variable + " (overrides " + key + " of " + file + ")", true));
    }
    if (mappings.contains(key)) {
      refuse(key, file + ": " + key + ": must be a single value, not a mapping");
      return Optional.empty();
    }
    JsonNode node = values.get(key);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isValueNode()) {
      refuse(key, file + ": " + key + ": must be a single value, not a list");
      return Optional.empty();
    }
    return Optional.of(new Raw(node.asText().strip(), file + ": " + key, false));
  }

  /** A key's text if given (not blank), checked by {@code ok}. */
  Optional<String> optional(String key, String accepted, Predicate<String> ok) {
    Optional<Raw> raw = raw(key).filter(r -> !r.text().isEmpty());
    if (raw.isPresent() && !ok.test(raw.get().text())) {
      refuse(
          key,
          raw.get().where() + ": '" + raw.get().text() + "' is not accepted; expected " + accepted);
      return Optional.empty();
    }
    return raw.map(Raw::text);
  }

  /**
   * Reports a key a role needs when it was not given.
   *
   * @param value the key's value as read
   * @param form what is accepted
   * @param needer why it is needed, e.g. "the listener" or "gateway.product-lines"
   */
  <T> Optional<T> need(String key, Optional<T> value, String form, String needer) {
    if (value.isEmpty() && !refused.contains(key)) {
      add(
          file
              + ": "
              + key
              + ": is required by "
              + needer
              + " ("
              + form
              + "); or set "
              + envName(key));
    }
    return value;
  }

  String text(String key, String fallback, String accepted, Predicate<String> ok) {
    Optional<Raw> raw = raw(key);
    if (raw.isEmpty()) {
      return fallback;
    }
    if (!ok.test(raw.get().text())) {
      refuse(
          key,
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

  boolean flag(String key, boolean fallback) {
    return convert(
        key,
        fallback,
        "true or false",
        s ->
            switch (s) {
              case "true" -> true;
              case "false" -> false;
              default -> throw new IllegalArgumentException(s);
            },
        b -> true);
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

  /**
   * A path: relative to the file's directory, or to the working directory when the variable gives
   * it.
   */
  Path path(String key, String fallback, String accepted) {
    Optional<Raw> raw = raw(key);
    String text = raw.map(Raw::text).filter(s -> !s.isEmpty()).orElse(fallback);
    boolean fromEnvironment = raw.map(Raw::fromEnvironment).orElse(false);
    try {
      return fromEnvironment
          ? Path.of(text).toAbsolutePath().normalize()
          : directory.resolve(text).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      add(raw.map(Raw::where).orElse(key) + ": '" + text + "' is not " + accepted);
      return directory.resolve(fallback).normalize();
    }
  }

  /**
   * A secret's reference, {@code env:VARIABLE} or {@code file:PATH}; the value itself is refused,
   * and not repeated in the message.
   */
  Optional<SecretRef> secret(String key) {
    Optional<Raw> raw = raw(key).filter(r -> !r.text().isEmpty());
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    Optional<SecretRef> ref = reference(key, raw.get().text(), raw.get().fromEnvironment());
    if (ref.isEmpty()) {
      refuse(
          key,
          raw.get().where()
              + ": must be a reference env:VARIABLE or file:PATH; a secret itself is never"
              + " accepted in the configuration (the value given is not shown)"
              + (raw.get().fromEnvironment()
                  ? ". If this variable holds the secret, give it another name (without HAMAL_)"
                      + " and set "
                      + key
                      + ": env:THAT_NAME"
                  : ""));
    }
    return ref;
  }

  /** Parses a reference of {@code key}; empty when {@code text} is not one. */
  Optional<SecretRef> reference(String key, String text, boolean fromEnvironment) {
    if (text.startsWith("env:") && VARIABLE.matcher(text.substring(4)).matches()) {
      String variable = text.substring(4);
      referencedVariables.add(variable);
      if (lenient == 0) {
        secretVariables.putIfAbsent(variable, key);
      }
      return Optional.of(new SecretRef.Variable(key, variable));
    }
    if (text.startsWith("file:") && text.length() > 5) {
      try {
        Path path =
            fromEnvironment
                ? Path.of(text.substring(5)).toAbsolutePath().normalize()
                : directory.resolve(text.substring(5)).normalize();
        return Optional.of(new SecretRef.File(key, path));
      } catch (java.nio.file.InvalidPathException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * Resolves a secret the role uses now, at start, so a missing variable or unreadable file is
   * reported with the other problems; the value is dropped.
   */
  void checkReadable(Optional<SecretRef> secret) {
    checkReadable(secret, 1);
  }

  /** As {@link #checkReadable(Optional)}, and the secret must have at least {@code minBytes}. */
  void checkReadable(Optional<SecretRef> secret, int minBytes) {
    if (secret.isEmpty() || lenient > 0) {
      return;
    }
    try {
      int bytes = secret.get().resolve(environment).getBytes(StandardCharsets.UTF_8).length;
      if (bytes < minBytes) {
        add(
            file
                + ": "
                + secret.get().key()
                + " ("
                + secret.get()
                + "): the secret has "
                + bytes
                + " bytes; it needs at least "
                + minBytes);
      }
    } catch (SettingsException e) {
      e.problems().forEach(p -> add(file + ": " + p));
    }
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
    refuse(
        key,
        raw.get().where() + ": '" + raw.get().text() + "' is not accepted; expected " + accepted);
    return fallback;
  }

  /**
   * The settings of a free-form section ({@link #FREE_FORM}), by their own names, with the
   * environment's {@code HAMAL_<SECTION>_<NAME>} ({@code _} becomes {@code .}, lower case) over the
   * file's.
   */
  Map<String, String> freeForm(String section) {
    known.add(section + ".*");
    String prefix = envName(section) + "_";
    Map<String, String> merged = new TreeMap<>(freeForm.getOrDefault(section, Map.of()));
    for (Map.Entry<String, String> e : environment.entrySet()) {
      if (e.getKey().startsWith(prefix) && !e.getValue().isBlank()) {
        String name =
            e.getKey().substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        if (!name.isEmpty()) {
          merged.put(name, e.getValue().strip());
        }
      }
    }
    return merged;
  }

  /**
   * Whether the file gives {@code section} (a mapping, even empty, or the bare key) or a variable
   * overrides a key under it.
   */
  boolean present(String section) {
    String prefix = section + ".";
    if (mappings.contains(section) || values.containsKey(section)) {
      return true;
    }
    if (given.stream().anyMatch(k -> k.startsWith(prefix))) {
      return true;
    }
    String variables = envName(section) + "_";
    return environment.entrySet().stream()
        .anyMatch(e -> e.getKey().startsWith(variables) && !e.getValue().isBlank());
  }

  /**
   * Whether an optional section is on: {@code section.enabled}, which defaults to whether the
   * section is {@link #present}.
   */
  boolean enabled(String section) {
    return flag(section + ".enabled", present(section));
  }

  /** Records a problem found after reading a key (a value that parsed but does not fit). */
  void problem(String key, String reason) {
    refuse(key, file + ": " + key + ": " + reason);
  }

  /** Records a problem of the file as a whole. */
  void fileProblem(String reason) {
    add(file + ": " + reason);
  }

  /** The file as messages name it. */
  String file() {
    return file;
  }

  /** Whether problems have been found so far. */
  boolean hasProblems() {
    return !problems.isEmpty();
  }

  /** Every key any role read so far, for the documentation check. */
  Set<String> knownKeys() {
    return Set.copyOf(known);
  }

  /**
   * Ends the read: reports keys and variables no role knows and secret references that name a
   * variable of a key, then throws if anything was found.
   *
   * @throws SettingsException with every problem found
   */
  void finish() {
    Set<String> sections = new LinkedHashSet<>(FREE_FORM);
    Set<String> scalars = new LinkedHashSet<>();
    for (String key : known) {
      if (key.endsWith(".*")) {
        continue;
      }
      scalars.add(key);
      for (int dot = key.indexOf('.'); dot > 0; dot = key.indexOf('.', dot + 1)) {
        sections.add(key.substring(0, dot));
      }
    }
    List<String> unknown = new ArrayList<>();
    for (String key : given) {
      if (hasProperPrefixIn(key, unknown)
          || hasProperPrefixIn(key, scalars)
          || FREE_FORM.contains(key)
          || scalars.contains(key)) {
        continue; // reported with its parent, or when read
      }
      if (sections.contains(key)) {
        JsonNode value = values.get(key);
        if (value != null && !value.isNull()) {
          add(file + ": " + key + ": must be a mapping with the keys " + keysUnder(key));
        }
        continue;
      }
      unknown.add(key);
      int dot = key.lastIndexOf('.');
      String section = dot < 0 ? "" : key.substring(0, dot);
      while (!section.isEmpty() && !sections.contains(section)) {
        int up = section.lastIndexOf('.');
        section = up < 0 ? "" : section.substring(0, up);
      }
      add(
          file
              + ": "
              + key
              + ": unknown key; accepted "
              + (section.isEmpty() ? "top-level keys" : "keys under " + section)
              + ": "
              + keysUnder(section));
    }
    checkVariables(sections);
    if (!problems.isEmpty()) {
      throw new SettingsException(problems);
    }
  }

  private void checkVariables(Set<String> sections) {
    Map<String, String> keyOfVariable = new HashMap<>();
    for (String key : known) {
      if (!key.endsWith(".*")) {
        keyOfVariable.put(envName(key), key);
      }
    }
    secretVariables.forEach((variable, key) -> {
      if (keyOfVariable.containsKey(variable)) {
        add(
            file
                + ": "
                + key
                + ": env:"
                + variable
                + " names the variable that overrides "
                + keyOfVariable.get(variable)
                + "; give the secret's variable a name without the HAMAL_ prefix");
      }
    });
    List<String> names = new ArrayList<>(environment.keySet());
    names.sort(null);
    for (String name : names) {
      if (!name.startsWith(ENV_PREFIX)
          || environment.get(name).isBlank()
          || keyOfVariable.containsKey(name)
          || referencedVariables.contains(name)
          || FREE_FORM.stream().anyMatch(s -> name.startsWith(envName(s) + "_"))) {
        continue;
      }
      String section = "";
      for (String s : sections) {
        String variable = envName(s);
        if ((name.equals(variable) || name.startsWith(variable + "_"))
            && s.length() > section.length()) {
          section = s;
        }
      }
      if (!section.isEmpty()) {
        add(
            name
                + ": overrides no key (a variable is HAMAL_ and the key in upper case, '.' and '-'"
                + " as '_'); keys under "
                + section
                + ": "
                + keysUnder(section));
      }
    }
  }

  private static boolean hasProperPrefixIn(String key, Iterable<String> candidates) {
    for (String c : candidates) {
      if (key.startsWith(c + ".")) {
        return true;
      }
    }
    return false;
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

  private record Raw(String text, String where, boolean fromEnvironment) {}

  /** The environment variable that overrides {@code key}: {@code HAMAL_} + key, upper case, _. */
  static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * Parses a duration such as {@code 500ms}, {@code 15s}, {@code 2m}, {@code 1h} or {@code 30d}.
   *
   * @throws IllegalArgumentException when the text has another form
   */
  static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not " + DURATION_FORM);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  /** How durations are printed in messages and docs: the largest exact unit. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000 == 0 && ms > 0) {
      return ms / 86_400_000 + "d";
    }
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1_000 == 0 && ms > 0) {
      return ms / 1_000 + "s";
    }
    return ms + "ms";
  }
}
