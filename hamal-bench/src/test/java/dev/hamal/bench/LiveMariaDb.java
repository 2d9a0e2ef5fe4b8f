package dev.hamal.bench;

import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.MariaDbServerConfig;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * The one MariaDB 11.4 server this module's integration tests share: started at first use, stopped
 * by the server's own JVM shutdown hook.
 */
final class LiveMariaDb {
  private static MariaDbServer server;

  private LiveMariaDb() {}

  static synchronized MariaDbServer server() {
    if (server == null) {
      server =
          MariaDbServer.start(
              MariaDbServerConfig.builder(MariaDbServer.Distribution.BUNDLED).build());
    }
    return server;
  }

  /** A data source with the generator's driver options, as {@code hamal bench generate} uses. */
  static DataSource dataSource() throws SQLException {
    MariaDbServer s = server();
    var dataSource = new MariaDbDataSource(GenerateCommand.withDriverOptions(s.jdbcUrl("")));
    dataSource.setUser(s.adminUser());
    dataSource.setPassword(s.adminPassword());
    return dataSource;
  }
}
