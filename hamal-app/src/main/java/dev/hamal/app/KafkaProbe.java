package dev.hamal.app;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * The listener's readiness check of Kafka: whether the cluster answers a client that connects the
 * way the pipes' producers do (the producer's {@code security.*}, {@code ssl.*} and {@code sasl.*}
 * settings), by asking for the cluster's brokers. A wrong address, a broker down or refused
 * credentials all make it fail; it publishes nothing.
 *
 * <p>One admin client, created at the first check (so a start never waits for Kafka) and kept;
 * {@link #reachable} is called from one readiness thread at a time.
 */
final class KafkaProbe implements AutoCloseable {
  private final Map<String, Object> settings;
  private final Duration timeout;
  private Admin admin;

  /**
   * A probe; nothing connects yet.
   *
   * @param bootstrapServers the cluster
   * @param producerSettings the producer's settings; only the connection's are used
   * @param clientId the admin client's id
   * @param timeout how long one check may wait for the cluster
   */
  KafkaProbe(
      String bootstrapServers,
      Map<String, Object> producerSettings,
      String clientId,
      Duration timeout) {
    Map<String, Object> s = new HashMap<>();
    producerSettings.forEach((name, value) -> {
      if (name.startsWith("security.") || name.startsWith("ssl.") || name.startsWith("sasl.")) {
        s.put(name, value);
      }
    });
    s.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    s.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    s.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    s.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    this.settings = Map.copyOf(s);
    this.timeout = timeout;
  }

  /**
   * Whether the cluster names at least one broker within the time limit.
   *
   * @throws Exception why it did not (the readiness report shows it)
   */
  synchronized boolean reachable() throws Exception {
    if (admin == null) {
      admin = Admin.create(settings);
    }
    return !admin
        .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
        .nodes()
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .isEmpty();
  }

  @Override
  public synchronized void close() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(1));
    }
  }
}
