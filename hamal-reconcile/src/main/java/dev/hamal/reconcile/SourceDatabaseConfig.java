package dev.hamal.reconcile;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to reach a product-line server (a pipe's source) over JDBC for reading.
 *
 * <p>The user needs {@code SELECT} on the line's tables and on {@code information_schema}; for
 * repairs on MySQL also {@code REPLICATION CLIENT} ({@code SHOW MASTER STATUS}). On MariaDB no
 * further privilege is needed: the binlog position of a snapshot is a status variable. {@link
 * #toString()} masks the password, also a {@code password=} parameter inside the URL.
 *
 * @param jdbcUrl e.g. {@code jdbc:mariadb://db-topup-1:3306/}; the MariaDB driver also speaks to
 *     MySQL servers
 * @param user the user
 * @param password the password (may be empty, never null)
 * @param fetchSize rows fetched per round trip while streaming a table, 1 to 100,000 (default
 *     {@value #DEFAULT_FETCH_SIZE})
 */
public record SourceDatabaseConfig(String jdbcUrl, String user, String password, int fetchSize) {
  /** Default {@link #fetchSize}. */
  public static final int DEFAULT_FETCH_SIZE = 1_000;

  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException naming the setting and what it accepts
   */
  public SourceDatabaseConfig {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    if (!jdbcUrl.startsWith("jdbc:")) {
      throw new IllegalArgumentException(
          "source.jdbc-url must be a JDBC URL (jdbc:mariadb://host:port/): " + mask(jdbcUrl));
    }
    if (user.isBlank()) {
      throw new IllegalArgumentException("source.user must not be blank");
    }
    if (fetchSize < 1 || fetchSize > 100_000) {
      throw new IllegalArgumentException("source.fetch-size must be in [1, 100000]: " + fetchSize);
    }
  }

  /** A configuration with the default fetch size. */
  public static SourceDatabaseConfig of(String jdbcUrl, String user, String password) {
    return new SourceDatabaseConfig(jdbcUrl, user, password, DEFAULT_FETCH_SIZE);
  }

  private static String mask(String url) {
    return URL_PASSWORD.matcher(url).replaceAll("$1****");
  }

  /** The URL and user; the password (also one inside the URL) as {@code ****}. */
  @Override
  public String toString() {
    return "SourceDatabaseConfig[jdbcUrl="
        + mask(jdbcUrl)
        + ", user="
        + user
        + ", password=****, fetchSize="
        + fetchSize
        + "]";
  }
}
