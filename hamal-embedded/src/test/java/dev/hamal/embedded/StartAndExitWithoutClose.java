package dev.hamal.embedded;

/**
 * Child JVM for {@link MariaDbServerLifecycleIT}: starts a server, reports its process id and data
 * directory, and exits without closing it, leaving the clean-up to the shutdown hook.
 */
public final class StartAndExitWithoutClose {

  static final String REPORT = "SERVER";

  private StartAndExitWithoutClose() {}

  public static void main(String[] args) {
    MariaDbServer server =
        MariaDbServer.start(
            MariaDbServerConfig.builder(MariaDbServer.Distribution.BUNDLED).build());
    System.out.println(
        REPORT + " " + server.pid().orElseThrow() + " " + server.dataDir().toAbsolutePath());
    System.out.flush();
    System.exit(0);
  }
}
