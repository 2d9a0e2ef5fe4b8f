package dev.hamal.coordination;

/**
 * The znode layout under the namespace (see {@code docs/coordination.md}). Trees that change on
 * every commit (positions, statuses, epochs) are kept apart from the ones every instance caches
 * (pipes, controls, owners, instances, assignments), so a cache never sees a commit.
 */
final class Layout {
  static final String PIPES = "/pipes";
  static final String CONTROLS = "/controls";
  static final String EPOCHS = "/epochs";
  static final String OWNERS = "/owners";
  static final String POSITIONS = "/positions";
  static final String STATUSES = "/statuses";
  static final String SOURCES = "/sources";
  static final String INSTANCES = "/instances";
  static final String ASSIGNMENTS = "/assignments";
  static final String LEADER = "/leader";

  static final String[] TREES = {
    PIPES, CONTROLS, EPOCHS, OWNERS, POSITIONS, STATUSES, SOURCES, INSTANCES, ASSIGNMENTS, LEADER
  };

  private Layout() {}

  static String pipe(String pipe) {
    return PIPES + "/" + pipe;
  }

  static String control(String pipe) {
    return CONTROLS + "/" + pipe;
  }

  static String epoch(String pipe) {
    return EPOCHS + "/" + pipe;
  }

  static String owner(String pipe) {
    return OWNERS + "/" + pipe;
  }

  static String position(String pipe) {
    return POSITIONS + "/" + pipe;
  }

  static String status(String pipe) {
    return STATUSES + "/" + pipe;
  }

  static String instance(String id) {
    return INSTANCES + "/" + id;
  }

  static String assignment(String id) {
    return ASSIGNMENTS + "/" + id;
  }

  /** One node per source address and server id, so two pipes never register as one replica. */
  static String source(PipeDefinition definition) {
    return SOURCES + "/" + definition.sourceAddress() + ":" + definition.serverId();
  }

  /** The last path segment. */
  static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
