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
 * The class path of a server's child JVM, as the build of its launcher module ({@code
 * hamal-kafka-broker}, {@code hamal-opensearch-node}) recorded it.
 *
 * <p>That module's jar is the only part of the server on the application's class path. It holds
 * {@code classpath.txt} (every run-time dependency, relative to a Maven local repository, written
 * by {@code maven-dependency-plugin:build-classpath}) and a settings file (the main class, the
 * log4j configuration, the server's version, and the local repository the build used). The child's
 * class path is that jar (or {@code target/classes} in a reactor build) followed by the
 * dependencies, found in the first repository that holds all of them: the given system property,
 * the build's repository, {@code maven.repo.local}, {@code ~/.m2/repository}. Nothing is downloaded
 * at run time.
 */
final class ChildClassPath {

  /** Makes the server's own exception type. */
  @FunctionalInterface
  interface Failure {
    RuntimeException of(String message, Throwable cause);
  }

  private static final String REPO_PREFIX = "REPO/";

  private final List<Path> entries;
  private final Properties settings;

  private ChildClassPath(List<Path> entries, Properties settings) {
    this.entries = List.copyOf(entries);
    this.settings = settings;
  }

  /**
   * Reads and resolves a recorded class path.
   *
   * @param server the server's name for messages ("the Kafka broker")
   * @param artifact the launcher module ({@code hamal-kafka-broker})
   * @param resources the folder of the two resources, ending in {@code /}
   * @param settingsFile the settings resource's name in that folder
   * @param repositoryProperty the system property that may name the repository to use
   * @param failure makes the exception thrown when the class path cannot be resolved
   */
  static ChildClassPath load(
      String server,
      String artifact,
      String resources,
      String settingsFile,
      String repositoryProperty,
      Failure failure) {
    ClassLoader loader = ChildClassPath.class.getClassLoader();
    URL listing = loader.getResource(resources + "classpath.txt");
    URL settings = loader.getResource(resources + settingsFile);
    if (listing == null || settings == null) {
      throw failure.of(
          server
              + "'s class path is missing: dev.hamal:"
              + artifact
              + " must be on the class path (a dependency of hamal-embedded; build with ./mvnw"
              + " package)",
          null);
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
      throw new UncheckedIOException("cannot read " + server + "'s class path", e);
    }
    Path repository =
        repository(
            server,
            artifact,
            repositoryProperty,
            relative,
            properties.getProperty("build.repository", ""),
            failure);
    List<Path> entries = new ArrayList<>();
    entries.add(root(listing, resources, artifact, failure));
    for (String entry : relative) {
      entries.add(
          entry.startsWith(REPO_PREFIX)
              ? repository.resolve(entry.substring(REPO_PREFIX.length()))
              : Path.of(entry));
    }
    return new ChildClassPath(entries, properties);
  }

  /** The jars and directories, in order. */
  List<Path> entries() {
    return entries;
  }

  /** The class path as the {@code -cp} argument of {@code java}. */
  String asArgument() {
    return String.join(java.io.File.pathSeparator, entries.stream().map(Path::toString).toList());
  }

  /** A value of the settings file, or {@code orElse}. */
  String setting(String key, String orElse) {
    return settings.getProperty(key, orElse);
  }

  /** The child's main class. */
  String mainClass() {
    return settings.getProperty("main.class");
  }

  /** The class-path resource holding the child's log4j2 configuration. */
  String log4jConfig() {
    return settings.getProperty("log4j.config");
  }

  private static Path repository(
      String server,
      String artifact,
      String repositoryProperty,
      List<String> relative,
      String buildRepository,
      Failure failure) {
    Set<Path> candidates = new LinkedHashSet<>();
    Optional.ofNullable(System.getProperty(repositoryProperty))
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
    throw failure.of(
        server
            + "'s jars are not in any local Maven repository (looked in "
            + candidates
            + "; first missing: "
            + firstMissing
            + "); build "
            + artifact
            + " with ./mvnw to fetch them, or set -D"
            + repositoryProperty
            + " to the repository that holds them",
        null);
  }

  /** The jar or class directory a resource was loaded from. */
  private static Path root(URL resource, String resources, String artifact, Failure failure) {
    String url = resource.toString();
    try {
      if (url.startsWith("jar:")) {
        String jar = url.substring("jar:".length(), url.indexOf("!/"));
        return Path.of(new java.net.URI(jar));
      }
      Path file = Path.of(resource.toURI());
      int depth = (resources + "classpath.txt").split("/").length;
      for (int i = 0; i < depth; i++) {
        file = file.getParent();
      }
      return file;
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw failure.of("cannot locate " + artifact + " from " + url, e);
    }
  }
}
