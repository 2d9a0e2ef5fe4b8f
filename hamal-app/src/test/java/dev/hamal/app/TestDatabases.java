package dev.hamal.app;

import dev.hamal.embedded.MariaDbServer;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;

/** Data sources for the shared test servers ({@link dev.hamal.testkit.TestServers}). */
final class TestDatabases {
  private TestDatabases() {}

  /** The server's admin user, no default database. */
  static DataSource dataSource(MariaDbServer server) throws SQLException {
    var dataSource = new MariaDbDataSource(server.jdbcUrl(""));
    dataSource.setUser(server.adminUser());
    dataSource.setPassword(server.adminPassword());
    return dataSource;
  }
}
