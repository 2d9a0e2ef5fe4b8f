package dev.hamal.gateway;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own database (API keys, templates, subscriptions and their deliveries): one
 * HikariCP pool and the Flyway migrations under {@code db/hamal-gateway}, applied at start.
 *
 * <p>Thread-safe. Every SQL failure surfaces as a {@link GatewayDatabaseException}; callers on a
 * request path turn it into a 503.
 */
public final class GatewayDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayDatabase.class);
  private static final String MIGRATIONS = "classpath:db/hamal-gateway";
  private static final String HISTORY_TABLE = "hamal_gateway_schema_history";
  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");

  /**
   * How to reach the database.
   *
   * @param jdbcUrl e.g. {@code jdbc:mariadb://db:3306/hamal_gateway}
   * @param user the user (needs DDL rights on the schema for migrations)
   * @param password the password, may be empty
   * @param poolSize connections, 1 to 64
   * @param connectionTimeout how long a request waits for a connection
   */
  public record Config(
      String jdbcUrl, String user, String password, int poolSize, Duration connectionTimeout) {
    /** Checks the values; messages name the setting. */
    public Config {
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
      Objects.requireNonNull(connectionTimeout, "connectionTimeout");
      if (!jdbcUrl.startsWith("jdbc:")) {
        throw new IllegalArgumentException(
            "database.jdbc-url must be a JDBC URL, was "
                + URL_PASSWORD.matcher(jdbcUrl).replaceAll("$1****"));
      }
      if (poolSize < 1 || poolSize > 64) {
        throw new IllegalArgumentException("database.pool-size must be 1 to 64, was " + poolSize);
      }
      if (connectionTimeout.compareTo(Duration.ofMillis(250)) < 0) {
        throw new IllegalArgumentException(
            "database.connection-timeout must be at least 250ms, was " + connectionTimeout);
      }
    }

    /** The URL and user; the password masked. */
    @Override
    public String toString() {
      return "GatewayDatabase.Config[jdbcUrl="
          + URL_PASSWORD.matcher(jdbcUrl).replaceAll("$1****")
          + ", user="
          + user
          + ", password=****, poolSize="
          + poolSize
          + "]";
    }
  }

  private final HikariDataSource pool;

  /** A database on {@code pool}; {@link #open} is the way to get one that is migrated. */
  GatewayDatabase(HikariDataSource pool) {
    this.pool = pool;
  }

  /**
   * Opens the pool and migrates the schema.
   *
   * @throws GatewayDatabaseException if the database cannot be reached or migrated
   */
  public static GatewayDatabase open(Config config) {
    var hikari = new HikariConfig();
    hikari.setPoolName("hamal-gateway-db");
    hikari.setJdbcUrl(config.jdbcUrl());
    hikari.setUsername(config.user());
    hikari.setPassword(config.password());
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setMinimumIdle(Math.min(2, config.poolSize()));
    hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
    hikari.setValidationTimeout(Math.min(config.connectionTimeout().toMillis(), 5_000));
    hikari.setAutoCommit(true);
    hikari.setConnectionInitSql("SET SESSION time_zone = '+00:00'");
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(hikari);
    } catch (RuntimeException e) {
      throw new GatewayDatabaseException("cannot open the gateway database " + config, e);
    }
    try {
      var result =
          Flyway.configure(GatewayDatabase.class.getClassLoader())
              .dataSource(pool)
              .locations(MIGRATIONS)
              .table(HISTORY_TABLE)
              .load()
              .migrate();
      if (result.migrationsExecuted > 0) {
        log.info(
            "gateway database migrated to schema version {} ({} migrations)",
            result.targetSchemaVersion,
            result.migrationsExecuted);
      }
    } catch (FlywayException e) {
      pool.close();
      throw new GatewayDatabaseException("cannot migrate the gateway database " + config, e);
    }
    return new GatewayDatabase(pool);
  }

  /** The pool, for the gateway's repositories. */
  public DataSource dataSource() {
    return pool;
  }

  /** A connection from the pool (auto-commit on); the caller closes it. */
  public Connection connection() {
    try {
      return pool.getConnection();
    } catch (SQLException e) {
      throw new GatewayDatabaseException("no connection to the gateway database", e);
    }
  }

  /** Whether a connection can be had and answers within a second (the readiness check). */
  public boolean isReachable() {
    try (Connection c = pool.getConnection()) {
      return c.isValid(1);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
