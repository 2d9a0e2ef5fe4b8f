package dev.hamal.embedded;

import java.nio.file.Path;
import java.util.List;

/**
 * The class path of the broker's child JVM, as the build of {@code hamal-kafka-broker} recorded it
 * ({@code classpath.txt} and {@code broker.properties}); resolved by {@link ChildClassPath}, which
 * explains where the jars are looked for. Nothing is downloaded at run time.
 */
final class KafkaBrokerClassPath {

  /** System property naming the Maven repository that holds the broker's jars. */
  static final String REPOSITORY_PROPERTY = "hamal.embedded.kafka.repository";

  /** Property of {@code server.properties} with the id to format a new log dir with. */
  static final String CLUSTER_ID_PROPERTY = "hamal.cluster.id"; // KafkaBrokerMain.CLUSTER_ID

  private final ChildClassPath classPath;

  private KafkaBrokerClassPath(ChildClassPath classPath) {
    this.classPath = classPath;
  }

  /**
   * Reads and resolves the recorded class path.
   *
   * @throws KafkaBrokerException when hamal-kafka-broker is not on the class path or a jar is
   *     missing from every candidate repository
   */
  static KafkaBrokerClassPath load() {
    return new KafkaBrokerClassPath(
        ChildClassPath.load(
            "the Kafka broker",
            "hamal-kafka-broker",
            "dev/hamal/kafka/broker/",
            "broker.properties",
            REPOSITORY_PROPERTY,
            KafkaBrokerException::new));
  }

  /** The jars and directories, in order. */
  List<Path> entries() {
    return classPath.entries();
  }

  /** The class path as the {@code -cp} argument of {@code java}. */
  String asArgument() {
    return classPath.asArgument();
  }

  String mainClass() {
    return classPath.mainClass();
  }

  /** The class-path resource holding the child's log4j2 configuration. */
  String log4jConfig() {
    return classPath.log4jConfig();
  }

  String kafkaVersion() {
    return classPath.setting("kafka.version", "?");
  }
}
