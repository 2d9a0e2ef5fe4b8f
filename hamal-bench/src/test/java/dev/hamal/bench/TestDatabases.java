package dev.hamal.bench;

import dev.hamal.embedded.MariaDbServer;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;

/** Data sources for the shared test servers ({@link dev.hamal.testkit.TestServers}). */
final class TestDatabases {
  private TestDatabases() {}

  /** The admin user with the generator's driver options, as {@code hamal bench generate} has. */
  static DataSource dataSource(MariaDbServer server) throws SQLException {
    var dataSource = new MariaDbDataSource(GenerateCommand.withDriverOptions(server.jdbcUrl("")));
    dataSource.setUser(server.adminUser());
    dataSource.setPassword(server.adminPassword());
    return dataSource;
  }
}
