package dev.hamal.reconcile;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link ProductLineOrders}: how to reach one product-line server and how much of it
 * the gateway may use.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code source.jdbc-url}, {@code source.user}, {@code source.password}</td>
 *       <td>required (password may be empty)</td><td>the server, as for reconciliation ({@link
 *       SourceDatabaseConfig}; its fetch size is not used here); the user needs {@code SELECT} on
 *       the lines' tables and {@code information_schema}</td></tr>
 *   <tr><td>{@code product-line.max-connections}</td><td>2</td><td>the pool's size, 1..16: the
 *       gateway never holds more connections on this server</td></tr>
 *   <tr><td>{@code product-line.query-timeout}</td><td>3 s</td><td>longest run of one statement,
 *       10 ms..10 min, enforced by the server ({@code max_statement_time} on MariaDB, {@code
 *       MAX_EXECUTION_TIME} on MySQL); the socket times out at twice this plus a second, in case
 *       the server itself does not answer</td></tr>
 *   <tr><td>{@code product-line.connection-timeout}</td><td>1 s</td><td>longest wait for a pooled
 *       connection, opening one included, 250 ms..10 min</td></tr>
 *   <tr><td>{@code product-line.table-cache-ttl}</td><td>5 min</td><td>how long the list of the
 *       lines' tables and their columns (from {@code information_schema}) is reused, 1 s..1 day; a
 *       statement that finds a table or column gone reloads it at once</td></tr>
 * </table>
 *
 * <p>Immutable; validated when built, with messages that name the key. {@link #toString()} masks
 * the password.
 *
 * @param source the server
 * @param maxConnections {@code product-line.max-connections}
 * @param queryTimeout {@code product-line.query-timeout}
 * @param connectionTimeout {@code product-line.connection-timeout}
 * @param tableCacheTtl {@code product-line.table-cache-ttl}
 */
public record ProductLineOrdersConfig(
    SourceDatabaseConfig source,
    int maxConnections,
    Duration queryTimeout,
    Duration connectionTimeout,
    Duration tableCacheTtl) {

  /** Default {@link #maxConnections}. */
  public static final int DEFAULT_MAX_CONNECTIONS = 2;

  /** Default {@link #queryTimeout}. */
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(3);

  /** Default {@link #connectionTimeout}. */
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(1);

  /** Default {@link #tableCacheTtl}. */
  public static final Duration DEFAULT_TABLE_CACHE_TTL = Duration.ofMinutes(5);

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException naming the setting and the accepted range
   */
  public ProductLineOrdersConfig {
    Objects.requireNonNull(source, "source");
    if (maxConnections < 1 || maxConnections > 16) {
      throw new IllegalArgumentException(
          "product-line.max-connections must be 1..16, was " + maxConnections);
    }
    within(
        "product-line.query-timeout", queryTimeout, Duration.ofMillis(10), Duration.ofMinutes(10));
    within(
        "product-line.connection-timeout",
        connectionTimeout,
        Duration.ofMillis(250),
        Duration.ofMinutes(10));
    within(
        "product-line.table-cache-ttl", tableCacheTtl, Duration.ofSeconds(1), Duration.ofDays(1));
  }

  private static void within(String key, Duration value, Duration min, Duration max) {
    if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          key + " must be between " + min + " and " + max + ", was " + value);
    }
  }

  /** The defaults for {@code source}. */
  public static ProductLineOrdersConfig of(SourceDatabaseConfig source) {
    return new ProductLineOrdersConfig(
        source,
        DEFAULT_MAX_CONNECTIONS,
        DEFAULT_QUERY_TIMEOUT,
        DEFAULT_CONNECTION_TIMEOUT,
        DEFAULT_TABLE_CACHE_TTL);
  }

  /** The defaults for the server at {@code jdbcUrl}. */
  public static ProductLineOrdersConfig of(String jdbcUrl, String user, String password) {
    return of(SourceDatabaseConfig.of(jdbcUrl, user, password));
  }

  /** A copy with another {@code product-line.max-connections}. */
  public ProductLineOrdersConfig withMaxConnections(int value) {
    return new ProductLineOrdersConfig(
        source, value, queryTimeout, connectionTimeout, tableCacheTtl);
  }

  /** A copy with another {@code product-line.query-timeout}. */
  public ProductLineOrdersConfig withQueryTimeout(Duration value) {
    return new ProductLineOrdersConfig(
        source, maxConnections, value, connectionTimeout, tableCacheTtl);
  }

  /** A copy with another {@code product-line.connection-timeout}. */
  public ProductLineOrdersConfig withConnectionTimeout(Duration value) {
    return new ProductLineOrdersConfig(source, maxConnections, queryTimeout, value, tableCacheTtl);
  }

  /** A copy with another {@code product-line.table-cache-ttl}. */
  public ProductLineOrdersConfig withTableCacheTtl(Duration value) {
    return new ProductLineOrdersConfig(
        source, maxConnections, queryTimeout, connectionTimeout, value);
  }

  /** The socket timeout backing the server-side query timeout up. */
  Duration socketTimeout() {
    return queryTimeout.multipliedBy(2).plusSeconds(1);
  }

  @Override
  public String toString() {
    return "ProductLineOrdersConfig["
        + source
        + ", product-line.max-connections="
        + maxConnections
        + ", product-line.query-timeout="
        + queryTimeout
        + ", product-line.connection-timeout="
        + connectionTimeout
        + ", product-line.table-cache-ttl="
        + tableCacheTtl
        + "]";
  }
}
