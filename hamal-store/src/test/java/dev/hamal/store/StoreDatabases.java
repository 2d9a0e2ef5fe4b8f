package dev.hamal.store;

import dev.hamal.embedded.MariaDbServer;
import dev.hamal.testkit.Sql;
import java.util.ArrayList;
import java.util.List;

/** Fresh databases for store tests, named after the test and the server. */
final class StoreDatabases {
  private StoreDatabases() {}

  /** {@code count} new, empty databases {@code name_<server id>_<i>}, as shard URLs. */
  static List<String> create(MariaDbServer server, String name, int count) {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String database = name + "_" + server.config().serverId() + "_" + i;
      Sql.execute(
          server,
          "DROP DATABASE IF EXISTS " + database,
          "CREATE DATABASE " + database + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
      urls.add(server.jdbcUrl(database));
    }
    return urls;
  }

  /** A configuration of one new database as the only shard. */
  static OrderStoreConfig.Builder oneShard(MariaDbServer server, String name) {
    return shards(server, name, 1);
  }

  /** A configuration of {@code count} new databases as shards. */
  static OrderStoreConfig.Builder shards(MariaDbServer server, String name, int count) {
    return OrderStoreConfig.builder(create(server, name, count), server.adminUser())
        .password(server.adminPassword())
        .poolSize(2);
  }
}
