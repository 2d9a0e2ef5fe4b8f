package dev.hamal.coordination;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * One real ZooKeeper server per test JVM (curator-test), with a 250 ms tick so sessions of a few
 * seconds are allowed. Each test takes its own namespace, so tests never see each other's nodes.
 */
final class SharedZooKeeper {
  static final Duration SESSION = Duration.ofSeconds(3);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static TestingServer server;

  private SharedZooKeeper() {}

  static synchronized String connectString() {
    if (server == null) {
      try {
        server = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 250, -1), true);
      } catch (Exception e) {
        throw new IllegalStateException("could not start the test ZooKeeper", e);
      }
    }
    return server.getConnectString();
  }

  static String newNamespace() {
    return "test-" + NAMESPACES.incrementAndGet() + "-" + ProcessHandle.current().pid();
  }

  static CoordinatorConfig.Builder config(String connectString, String namespace) {
    return CoordinatorConfig.builder(connectString)
        .namespace(namespace)
        .sessionTimeout(SESSION)
        .connectionTimeout(Duration.ofSeconds(10))
        .retry(Duration.ofMillis(100), Duration.ofMillis(500), 2)
        .resyncInterval(Duration.ofSeconds(2))
        .handOffTimeout(Duration.ofSeconds(3));
  }
}
