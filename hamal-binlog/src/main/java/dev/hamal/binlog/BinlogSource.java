package dev.hamal.binlog;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach one source server and how to present ourselves to it as a replica. Immutable; build
 * with {@link #builder(String, int)}. The password never appears in {@link #toString()}.
 *
 * <p>Defaults: user {@code root}, empty password, TLS {@link SslMode#PREFERRED}, replica server id
 * 6511, report host {@code hamal}, connect timeout 10 s, query timeout 30 s.
 */
public final class BinlogSource {
  private final String name;
  private final String host;
  private final int port;
  private final String user;
  private final String password;
  private final SslMode sslMode;
  private final Path trustedCaPem;
  private final Path serverPublicKeyPem;
  private final boolean allowPublicKeyRetrieval;
  private final int serverId;
  private final String reportHost;
  private final int reportPort;
  private final Duration connectTimeout;
  private final Duration queryTimeout;

  private BinlogSource(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.name = b.name != null ? b.name : b.host + ":" + b.port;
    this.user = b.user;
    this.password = b.password;
    this.sslMode = b.sslMode;
    this.trustedCaPem = b.trustedCaPem;
    this.serverPublicKeyPem = b.serverPublicKeyPem;
    this.allowPublicKeyRetrieval = b.allowPublicKeyRetrieval;
    this.serverId = b.serverId;
    this.reportHost = b.reportHost;
    this.reportPort = b.reportPort;
    this.connectTimeout = b.connectTimeout;
    this.queryTimeout = b.queryTimeout;
  }

  public static Builder builder(String host, int port) {
    return new Builder(host, port);
  }

  /** The name errors and change records use for this server; {@code host:port} by default. */
  public String name() {
    return name;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String user() {
    return user;
  }

  /** The password; never logged. */
  public String password() {
    return password;
  }

  public SslMode sslMode() {
    return sslMode;
  }

  /** PEM file with the CA certificates trusted for {@link SslMode#VERIFY_CA} and stricter. */
  public Optional<Path> trustedCaPem() {
    return Optional.ofNullable(trustedCaPem);
  }

  /**
   * PEM file with the server's RSA public key, for full {@code caching_sha2_password}
   * authentication without TLS.
   */
  public Optional<Path> serverPublicKeyPem() {
    return Optional.ofNullable(serverPublicKeyPem);
  }

  /** Whether the client may ask the server for its RSA public key (exposes to a MITM). */
  public boolean allowPublicKeyRetrieval() {
    return allowPublicKeyRetrieval;
  }

  /**
   * The server id this replica registers with (an unsigned 32-bit value); must be unique among the
   * source's replicas.
   */
  public int serverId() {
    return serverId;
  }

  /** The host name shown for this replica in {@code SHOW SLAVE HOSTS}. */
  public String reportHost() {
    return reportHost;
  }

  public int reportPort() {
    return reportPort;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** How long a query (not the binlog stream) may wait for the server's answer. */
  public Duration queryTimeout() {
    return queryTimeout;
  }

  public Builder toBuilder() {
    Builder b = new Builder(host, port);
    b.name = name;
    b.user = user;
    b.password = password;
    b.sslMode = sslMode;
    b.trustedCaPem = trustedCaPem;
    b.serverPublicKeyPem = serverPublicKeyPem;
    b.allowPublicKeyRetrieval = allowPublicKeyRetrieval;
    b.serverId = serverId;
    b.reportHost = reportHost;
    b.reportPort = reportPort;
    b.connectTimeout = connectTimeout;
    b.queryTimeout = queryTimeout;
    return b;
  }

  @Override
  public String toString() {
    return "BinlogSource{name="
        + name
        + ", host="
        + host
        + ", port="
        + port
        + ", user="
        + user
        + ", password="
        + (password.isEmpty() ? "<empty>" : "****")
        + ", sslMode="
        + sslMode
        + ", serverId="
        + serverId
        + ", reportHost="
        + reportHost
        + "}";
  }

  /** Builder of {@link BinlogSource}; {@link #build()} validates every setting. */
  public static final class Builder {
    private final String host;
    private final int port;
    private String name;
    private String user = "root";
    private String password = "";
    private SslMode sslMode = SslMode.PREFERRED;
    private Path trustedCaPem;
    private Path serverPublicKeyPem;
    private boolean allowPublicKeyRetrieval;
    private int serverId = 6511;
    private String reportHost = "hamal";
    private int reportPort = 0;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration queryTimeout = Duration.ofSeconds(30);

    private Builder(String host, int port) {
      this.host = Objects.requireNonNull(host, "host");
      this.port = port;
    }

    public Builder name(String value) {
      this.name = Objects.requireNonNull(value, "name");
      return this;
    }

    public Builder user(String value) {
      this.user = Objects.requireNonNull(value, "user");
      return this;
    }

    public Builder password(String value) {
      this.password = Objects.requireNonNull(value, "password");
      return this;
    }

    public Builder sslMode(SslMode value) {
      this.sslMode = Objects.requireNonNull(value, "sslMode");
      return this;
    }

    public Builder trustedCaPem(Path value) {
      this.trustedCaPem = Objects.requireNonNull(value, "trustedCaPem");
      return this;
    }

    public Builder serverPublicKeyPem(Path value) {
      this.serverPublicKeyPem = Objects.requireNonNull(value, "serverPublicKeyPem");
      return this;
    }

    public Builder allowPublicKeyRetrieval(boolean value) {
      this.allowPublicKeyRetrieval = value;
      return this;
    }

    public Builder serverId(int value) {
      this.serverId = value;
      return this;
    }

    public Builder reportHost(String value) {
      this.reportHost = Objects.requireNonNull(value, "reportHost");
      return this;
    }

    public Builder reportPort(int value) {
      this.reportPort = value;
      return this;
    }

    public Builder connectTimeout(Duration value) {
      this.connectTimeout = Objects.requireNonNull(value, "connectTimeout");
      return this;
    }

    public Builder queryTimeout(Duration value) {
      this.queryTimeout = Objects.requireNonNull(value, "queryTimeout");
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the setting and its accepted range
     */
    public BinlogSource build() {
      if (host.isBlank()) {
        throw new IllegalArgumentException("source host must not be blank");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("source port must be in 1..65535, was " + port);
      }
      if (serverId == 0) {
        throw new IllegalArgumentException(
            "replica server id must be in 1..4294967295 and differ from the source's, was 0");
      }
      if (reportHost.isBlank() || reportHost.length() > 60) {
        throw new IllegalArgumentException(
            "report host must be 1..60 characters, was '" + reportHost + "'");
      }
      if (reportPort < 0 || reportPort > 65535) {
        throw new IllegalArgumentException("report port must be in 0..65535, was " + reportPort);
      }
      requirePositive("connect timeout", connectTimeout);
      requirePositive("query timeout", queryTimeout);
      if ((sslMode == SslMode.VERIFY_CA || sslMode == SslMode.VERIFY_IDENTITY)
          && trustedCaPem == null) {
        throw new IllegalArgumentException("ssl mode " + sslMode + " needs a trusted CA PEM file");
      }
      return new BinlogSource(this);
    }

    private static void requirePositive(String what, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, was " + value);
      }
    }
  }
}
