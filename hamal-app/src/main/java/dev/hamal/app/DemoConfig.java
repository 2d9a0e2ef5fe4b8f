package dev.hamal.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The configuration the demo writes for its roles, in its work directory, in the same format an
 * operator writes: the servers' addresses of this run, secrets as {@code env:} references (the demo
 * passes the variables to its roles), and the example business-line mappings in {@code
 * business-lines/}.
 *
 * @param listener the listeners' file (each gets {@code --instance-id})
 * @param processor the processors' file
 * @param gateway the gateway's file
 */
public record DemoConfig(Path listener, Path processor, Path gateway) {
  static final String NAMESPACE = "hamal";
  static final int PARTITIONS = 3;

  static DemoConfig write(Path dir, DemoSystem system, Set<ProductLine> lines) throws IOException {
    DemoSystem.writeLineFiles(dir.resolve("business-lines"), lines);
    String zk = system.zooKeeper().connectString();
    String kafka = system.kafka().bootstrapServers();
    var db = system.mariaDb();
    StringBuilder shards = new StringBuilder();
    for (int shard = 0; shard < DemoSystem.STORE_SHARDS; shard++) {
      shards
          .append(shard == 0 ? "" : ",")
          .append(db.jdbcUrl(DemoSystem.STORE_SHARD_PREFIX + shard));
    }
    Path listener = dir.resolve("listener.yaml");
    Files.writeString(
        listener,
        """
        # written by hamal demo for this run
        zookeeper:
          connect: %s
          namespace: %s
          session-timeout: 6s
        kafka:
          bootstrap-servers: %s
          topic-partitions: %d
        business-lines: ./business-lines
        commit-interval: 500ms
        status-interval: 2s
        decode-threads: 1
        source-tls: disabled
        metrics:
          port: 0
        """
            .formatted(zk, NAMESPACE, kafka, PARTITIONS));
    Path processor = dir.resolve("processor.yaml");
    Files.writeString(
        processor,
        """
        # written by hamal demo for this run
        kafka:
          bootstrap-servers: %s
        business-lines: ./business-lines
        max-batch: 1000
        retry: { initial: 100ms, max: 2s }
        store:
          shards: %s
          user: %s
          password: env:%s
          pool-size: 2
        index:
          hosts: %s
          refresh-interval: 1s
        cache:
          redis: %s
        metrics:
          port: 0
        """
            .formatted(
                kafka,
                shards,
                db.adminUser(),
                DemoSystem.DB_PASSWORD,
                system.openSearch().httpUri(),
                system.redis().uri()));
    Path gateway = dir.resolve("gateway.yaml");
    Files.writeString(
        gateway,
        """
        # written by hamal demo for this run
        business-lines: ./business-lines
        cursor-secret: env:%s
        server:
          host: 127.0.0.1
          port: %d
        database:
          jdbc-url: %s
          user: %s
          password: env:%s
          pool-size: 4
        cache:
          redis: %s
        index:
          hosts: %s
        store:
          shards: %s
          user: %s
          password: env:%s
          pool-size: 4
        product-lines:
          zookeeper: %s
          namespace: %s
          ssl-mode: disable
        subscriptions:
          kafka:
            bootstrap-servers: %s
        operations:
          zookeeper: %s
          namespace: %s
          kafka:
            bootstrap-servers: %s
        """
            .formatted(
                DemoSystem.CURSOR_SECRET,
                system.gatewayPortToBind(),
                db.jdbcUrl(DemoSystem.GATEWAY_DATABASE),
                db.adminUser(),
                DemoSystem.DB_PASSWORD,
                system.redis().uri(),
                system.openSearch().httpUri(),
                shards,
                db.adminUser(),
                DemoSystem.DB_PASSWORD,
                zk,
                NAMESPACE,
                kafka,
                zk,
                NAMESPACE,
                kafka));
    return new DemoConfig(listener, processor, gateway);
  }
}
