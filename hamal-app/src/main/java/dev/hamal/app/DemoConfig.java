package dev.hamal.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The configuration the demo writes for its roles: one {@code hamal.yaml} in its work directory, in
 * the format an operator writes (docs/configuration.md), which every role reads: the servers'
 * addresses of this run, secrets as {@code env:} references (the demo passes the variables to its
 * roles), and the example business-line mappings in {@code business-lines/}.
 *
 * @param file the configuration file
 */
public record DemoConfig(Path file) {
  static final String NAMESPACE = "hamal";
  static final int PARTITIONS = 3;

  static DemoConfig write(Path dir, DemoSystem system, Set<ProductLine> lines) throws IOException {
    DemoSystem.writeLineFiles(dir.resolve("business-lines"), lines);
    var db = system.mariaDb();
    Path file = dir.resolve("hamal.yaml");
    Files.writeString(
        file,
        """
        # written by hamal demo for this run; every key: docs/configuration.md
        business-lines: ./business-lines
        zookeeper:
          connect: %s
          namespace: %s
          session-timeout: 6s
          connection-timeout: 5s
        kafka:
          bootstrap-servers: %s
          topic-partitions: %d
        store:
          shards: %s
          user: %s
          password: env:%s
          pool-size: 4
        index:
          hosts: %s
          refresh-interval: 1s
        cache:
          redis: %s
        listener:
          commit-interval: 500ms
          status-interval: 2s
          decode-threads: 1
          source-tls: disabled
          metrics: { host: 127.0.0.1, port: 0 }
        processor:
          max-batch: 1000
          retry: { initial: 100ms, max: 2s }
          session-timeout: 10s            # a killed processor's partitions move on within 10 s
          metrics: { host: 127.0.0.1, port: 0 }
        gateway:
          cursor-secret: env:%s
          server: { host: 127.0.0.1, port: %d }
          database:
            jdbc-url: %s
            user: %s
            password: env:%s
            pool-size: 4
          product-lines: { ssl-mode: disable }
          subscriptions: { allow-private-targets: true }
          operations: { enabled: true }
        """
            .formatted(
                system.zooKeeper().connectString(),
                NAMESPACE,
                system.kafka().bootstrapServers(),
                PARTITIONS,
                String.join(",", system.storeShards()),
                db.adminUser(),
                DemoSystem.DB_PASSWORD,
                system.openSearch().httpUri(),
                system.redis().uri(),
                DemoSystem.CURSOR_SECRET,
                system.gatewayPortToBind(),
                db.jdbcUrl(DemoSystem.GATEWAY_DATABASE),
                db.adminUser(),
                DemoSystem.DB_PASSWORD));
    return new DemoConfig(file);
  }
}
