package dev.hamal.embedded;

/**
 * Child JVM for {@link KafkaBrokerIT}: starts a broker, reports its process id and data directory,
 * then either exits without closing it ({@code exit}: the shutdown hook must stop it) or waits to
 * be killed ({@code wait}: the broker must notice that its parent is gone).
 */
public final class StartBrokerAndExit {

  static final String REPORT = "BROKER";

  private StartBrokerAndExit() {}

  public static void main(String[] args) throws InterruptedException {
    KafkaBroker broker = KafkaBroker.start(KafkaBrokerConfig.builder().build());
    System.out.println(
        REPORT + " " + broker.pid().orElseThrow() + " " + broker.dataDir().toAbsolutePath());
    System.out.flush();
    if (args.length > 0 && args[0].equals("wait")) {
      Thread.sleep(Long.MAX_VALUE);
    }
    System.exit(0);
  }
}
