package dev.hamal.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The class path of the broker's child JVM, as the build of {@code hamal-kafka-broker} recorded it.
 *
 * <p>That module's jar is the only part of the broker on the application's class path. It holds
 * {@code classpath.txt} (every run-time dependency, relative to a Maven local repository, written
 * by {@code maven-dependency-plugin:build-classpath}) and {@code broker.properties} (the main
 * class, the log4j configuration, and the local repository the build used). The child's class path
 * is that jar (or {@code target/classes} in a reactor build) followed by the dependencies, found in
 * the first repository that holds all of them: the system property {@value #REPOSITORY_PROPERTY},
 * the build's repository, {@code maven.repo.local}, {@code ~/.m2/repository}. Nothing is downloaded
 * at run time.
 */
final class KafkaBrokerClassPath {

  /** System property naming the Maven repository that holds the broker's jars. */
  static final String REPOSITORY_PROPERTY = "hamal.embedded.kafka.repository";

  /** Property of {@code server.properties} with the id to format a new log dir with. */
  static final String CLUSTER_ID_PROPERTY = "hamal.cluster.id"; // KafkaBrokerMain.CLUSTER_ID

  private static final String RESOURCES = "dev/hamal/kafka/broker/";
  private static final String REPO_PREFIX = "REPO/";

  private final List<Path> entries;
  private final String mainClass;
  private final String log4jConfig;
  private final String kafkaVersion;

  private KafkaBrokerClassPath(
      List<Path> entries, String mainClass, String log4jConfig, String kafkaVersion) {
    this.entries = List.copyOf(entries);
    this.mainClass = mainClass;
    this.log4jConfig = log4jConfig;
    this.kafkaVersion = kafkaVersion;
  }

  /**
   * Reads and resolves the recorded class path.
   *
   * @throws KafkaBrokerException when hamal-kafka-broker is not on the class path or a jar is
   *     missing from every candidate repository
   */
  static KafkaBrokerClassPath load() {
    ClassLoader loader = KafkaBrokerClassPath.class.getClassLoader();
    URL listing = loader.getResource(RESOURCES + "classpath.txt");
    URL settings = loader.getResource(RESOURCES + "broker.properties");
    if (listing == null || settings == null) {
      throw new KafkaBrokerException(
          "the Kafka broker's class path is missing: dev.hamal:hamal-kafka-broker must be on the"
              + " class path (a dependency of hamal-embedded; build with ./mvnw package)");
    }
    Properties properties = new Properties();
    List<String> relative = new ArrayList<>();
    try (InputStream in = settings.openStream()) {
      properties.load(in);
      String text;
      try (InputStream list = listing.openStream()) {
        text = new String(list.readAllBytes(), StandardCharsets.UTF_8);
      }
      for (String entry : text.split("[:\\n]")) {
        if (!entry.isBlank()) {
          relative.add(entry.trim());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Kafka broker's class path", e);
    }
    Path repository = repository(relative, properties.getProperty("build.repository", ""));
    List<Path> entries = new ArrayList<>();
    entries.add(root(listing));
    for (String entry : relative) {
      entries.add(
          entry.startsWith(REPO_PREFIX)
              ? repository.resolve(entry.substring(REPO_PREFIX.length()))
              : Path.of(entry));
    }
    return new KafkaBrokerClassPath(
        entries,
        properties.getProperty("main.class"),
        properties.getProperty("log4j.config"),
        properties.getProperty("kafka.version", "?"));
  }

  /** The jars and directories, in order. */
  List<Path> entries() {
    return entries;
  }

  /** The class path as the {@code -cp} argument of {@code java}. */
  String asArgument() {
    return String.join(java.io.File.pathSeparator, entries.stream().map(Path::toString).toList());
  }

  String mainClass() {
    return mainClass;
  }

  /** The class-path resource holding the child's log4j2 configuration. */
  String log4jConfig() {
    return log4jConfig;
  }

  String kafkaVersion() {
    return kafkaVersion;
  }

  private static Path repository(List<String> relative, String buildRepository) {
    Set<Path> candidates = new LinkedHashSet<>();
    Optional.ofNullable(System.getProperty(REPOSITORY_PROPERTY))
        .filter(s -> !s.isBlank())
        .ifPresent(s -> candidates.add(Path.of(s)));
    if (!buildRepository.isBlank() && !buildRepository.startsWith("${")) {
      candidates.add(Path.of(buildRepository));
    }
    Optional.ofNullable(System.getProperty("maven.repo.local"))
        .filter(s -> !s.isBlank())
        .ifPresent(s -> candidates.add(Path.of(s)));
    candidates.add(Path.of(System.getProperty("user.home"), ".m2", "repository"));
    String firstMissing = "";
    for (Path candidate : candidates) {
      Optional<String> missing =
          relative.stream()
              .filter(e -> e.startsWith(REPO_PREFIX))
              .filter(
                  e -> !Files.isRegularFile(candidate.resolve(e.substring(REPO_PREFIX.length()))))
              .findFirst();
      if (missing.isEmpty()) {
        return candidate;
      }
      if (firstMissing.isEmpty()) {
        firstMissing = candidate.resolve(missing.get().substring(REPO_PREFIX.length())).toString();
      }
    }
    throw new KafkaBrokerException(
        "the Kafka broker's jars are not in any local Maven repository (looked in "
            + candidates
            + "; first missing: "
            + firstMissing
            + "); build hamal-kafka-broker with ./mvnw to fetch them, or set -D"
            + REPOSITORY_PROPERTY
            + " to the repository that holds them");
  }

  /** The jar or class directory a resource was loaded from. */
  private static Path root(URL resource) {
    String url = resource.toString();
    try {
      if (url.startsWith("jar:")) {
        String jar = url.substring("jar:".length(), url.indexOf("!/"));
        return Path.of(new java.net.URI(jar));
      }
      Path file = Path.of(resource.toURI());
      int depth = (RESOURCES + "classpath.txt").split("/").length;
      for (int i = 0; i < depth; i++) {
        file = file.getParent();
      }
      return file;
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new KafkaBrokerException("cannot locate hamal-kafka-broker from " + url, e);
    }
  }
}
