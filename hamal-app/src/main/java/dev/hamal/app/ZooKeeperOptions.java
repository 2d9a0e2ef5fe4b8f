package dev.hamal.app;

import dev.hamal.coordination.CoordinatorConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * How an operator command reaches the cluster: {@code --zookeeper HOST:PORT[,...]} and {@code
 * --namespace}, or {@code --config FILE} ({@code hamal.yaml}: its {@code zookeeper} section is
 * used, with its {@code HAMAL_ZOOKEEPER_*} overrides; the roles' sections are not validated).
 * Precedence for the ensemble: the option, then {@code HAMAL_ZOOKEEPER_CONNECT}, then the file; for
 * the namespace: the option, then {@code HAMAL_ZOOKEEPER_NAMESPACE}, then the file, then {@code
 * hamal}.
 */
final class ZooKeeperOptions {
  @Option(
      names = "--zookeeper",
      paramLabel = "HOST:PORT[,...]",
      description = "The ZooKeeper ensemble (default: HAMAL_ZOOKEEPER_CONNECT, else --config's).")
  String connect;

  @Option(
      names = "--namespace",
      paramLabel = "NAME",
      description = "The cluster's namespace in ZooKeeper (default: hamal, or --config's).")
  String namespace;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "The configuration file (hamal.yaml) to take the zookeeper section from.")
  Path config;

  /**
   * The coordinator settings these options, the environment and the file give.
   *
   * @throws IllegalArgumentException naming the option, variable or key that is missing or wrong
   */
  CoordinatorConfig toConfig(Map<String, String> environment) {
    Optional<CoordinatorConfig> file =
        Optional.ofNullable(config).flatMap(f -> SharedSettings.load(f, environment).zookeeper());
    String ensemble =
        first(connect, environment.get(SettingsReader.envName("zookeeper.connect")))
            .or(() -> file.map(CoordinatorConfig::connectString))
            .orElseThrow(() ->
                new IllegalArgumentException(
                    "no ZooKeeper ensemble given: use --zookeeper HOST:PORT, --config FILE or set"
                        + " HAMAL_ZOOKEEPER_CONNECT"));
    return coordinatorConfig(
        ensemble,
        first(namespace, environment.get(SettingsReader.envName("zookeeper.namespace"))),
        file);
  }

  private static Optional<String> first(String option, String variable) {
    if (option != null) {
      return Optional.of(option);
    }
    return Optional.ofNullable(variable).filter(v -> !v.isBlank()).map(String::strip);
  }

  /**
   * Coordinator settings for {@code ensemble}: the namespace given, else the file's, else {@code
   * hamal}; the file's timeouts and retry; errors named after the command line's options.
   *
   * @throws IllegalArgumentException naming {@code --zookeeper} or {@code --namespace}
   */
  static CoordinatorConfig coordinatorConfig(
      String ensemble, Optional<String> namespace, Optional<CoordinatorConfig> file) {
    CoordinatorConfig.Builder b =
        CoordinatorConfig.builder(ensemble)
            .namespace(namespace.or(() -> file.map(CoordinatorConfig::namespace)).orElse("hamal"));
    file.ifPresent(f ->
        b.sessionTimeout(f.sessionTimeout())
            .connectionTimeout(f.connectionTimeout())
            .retry(f.retryBaseSleep(), f.retryMaxSleep(), f.retryMaxRetries()));
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          e.getMessage()
              .replace("coordination.namespace", "--namespace")
              .replace("coordination.connect", "--zookeeper"),
          e);
    }
  }
}
