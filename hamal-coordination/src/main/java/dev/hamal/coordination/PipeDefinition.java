package dev.hamal.coordination;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One pipe: a source server read as a replica and the business lines it feeds. Stored in ZooKeeper
 * and changed through {@link PipeRegistry}; the password is never stored, only a reference to where
 * the owner reads it.
 *
 * @param name {@code [a-z0-9][a-z0-9_-]{0,62}}: it names znodes, metrics and log lines
 * @param sourceUrl {@code mysql://host:port} (MariaDB servers too)
 * @param user the replication user
 * @param passwordRef {@code env:VARIABLE} or {@code file:PATH}, never the secret itself
 * @param serverId the replica server id the listener registers with, 1..4294967295, unique per
 *     source
 * @param reportHost the host name shown in {@code SHOW SLAVE HOSTS}, if any
 * @param businessLines the business lines this pipe feeds, each named like a pipe; at least one
 * @param start where a new pipe starts when nothing was committed; empty means {@code latest}
 * @param options free-form options for the listener, copied as they are
 */
public record PipeDefinition(
    String name,
    String sourceUrl,
    String user,
    String passwordRef,
    long serverId,
    Optional<String> reportHost,
    List<String> businessLines,
    Optional<StartPosition> start,
    Map<String, String> options) {

  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final Pattern ENV_REF = Pattern.compile("env:[A-Za-z_][A-Za-z0-9_]*");
  private static final long MAX_SERVER_ID = 0xFFFF_FFFFL;

  /** Validates every part; the message names the part and what is accepted. */
  public PipeDefinition {
    validateName(name, "pipe name");
    URI source = parseSource(sourceUrl);
    sourceUrl = "mysql://" + source.getHost().toLowerCase(Locale.ROOT) + ":" + source.getPort();
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException("pipe '" + name + "': user must not be blank");
    }
    if (passwordRef == null
        || !(ENV_REF.matcher(passwordRef).matches()
            || (passwordRef.startsWith("file:") && passwordRef.length() > "file:".length()))) {
      throw new IllegalArgumentException(
          "pipe '"
              + name
              + "': password must be a reference, env:VARIABLE or file:PATH (the secret itself is"
              + " never stored)");
    }
    if (serverId < 1 || serverId > MAX_SERVER_ID) {
      throw new IllegalArgumentException(
          "pipe '" + name + "': server id must be in 1..4294967295, was " + serverId);
    }
    Objects.requireNonNull(reportHost, "reportHost");
    if (reportHost.isPresent() && reportHost.get().isBlank()) {
      reportHost = Optional.empty();
    }
    businessLines = List.copyOf(businessLines);
    if (businessLines.isEmpty()) {
      throw new IllegalArgumentException("pipe '" + name + "': name at least one business line");
    }
    if (businessLines.stream().distinct().count() != businessLines.size()) {
      throw new IllegalArgumentException(
          "pipe '" + name + "': business lines are listed twice: " + businessLines);
    }
    for (String line : businessLines) {
      validateName(line, "business line name");
    }
    Objects.requireNonNull(start, "start");
    options = Map.copyOf(options);
    for (String key : options.keySet()) {
      if (key.isBlank()) {
        throw new IllegalArgumentException("pipe '" + name + "': option keys must not be blank");
      }
    }
  }

  /** Starts a builder for a pipe of this name. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** A builder holding this definition's values, to change some of them. */
  public Builder toBuilder() {
    Builder b =
        new Builder(name)
            .sourceUrl(sourceUrl)
            .user(user)
            .passwordRef(passwordRef)
            .serverId(serverId)
            .businessLines(businessLines)
            .options(options);
    reportHost.ifPresent(b::reportHost);
    start.ifPresent(b::start);
    return b;
  }

  /** {@code host:port} of the source, lower case. */
  public String sourceAddress() {
    return sourceUrl.substring("mysql://".length());
  }

  static void validateName(String name, String what) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what + " must match [a-z0-9][a-z0-9_-]{0,62}, was '" + name + "'");
    }
  }

  private static URI parseSource(String url) {
    String accepted = "source URL must be mysql://host:port, was '" + url + "'";
    if (url == null) {
      throw new IllegalArgumentException(accepted);
    }
    try {
      URI uri = new URI(url);
      if (!"mysql".equals(uri.getScheme())
          || uri.getHost() == null
          || uri.getPort() < 1
          || uri.getUserInfo() != null
          || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null) {
        throw new IllegalArgumentException(accepted);
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(accepted, e);
    }
  }

  /** Builds a {@link PipeDefinition}; {@link #build()} validates. */
  public static final class Builder {
    private final String name;
    private String sourceUrl = "";
    private String user = "";
    private String passwordRef = "";
    private long serverId;
    private Optional<String> reportHost = Optional.empty();
    private final List<String> businessLines = new ArrayList<>();
    private Optional<StartPosition> start = Optional.empty();
    private final Map<String, String> options = new LinkedHashMap<>();

    private Builder(String name) {
      this.name = name;
    }

    /** {@code mysql://host:port}. */
    public Builder sourceUrl(String value) {
      this.sourceUrl = value;
      return this;
    }

    /** The replication user. */
    public Builder user(String value) {
      this.user = value;
      return this;
    }

    /** {@code env:VARIABLE} or {@code file:PATH}. */
    public Builder passwordRef(String value) {
      this.passwordRef = value;
      return this;
    }

    /** The replica server id, unique per source. */
    public Builder serverId(long value) {
      this.serverId = value;
      return this;
    }

    /** The host name reported to the source. */
    public Builder reportHost(String value) {
      this.reportHost = Optional.of(value);
      return this;
    }

    /** Replaces the business lines. */
    public Builder businessLines(List<String> values) {
      businessLines.clear();
      businessLines.addAll(values);
      return this;
    }

    /** Adds business lines. */
    public Builder businessLine(String... values) {
      businessLines.addAll(List.of(values));
      return this;
    }

    /** Where to start when nothing was committed. */
    public Builder start(StartPosition value) {
      this.start = Optional.of(value);
      return this;
    }

    /** Replaces the options. */
    public Builder options(Map<String, String> values) {
      options.clear();
      options.putAll(values);
      return this;
    }

    /** Sets one option. */
    public Builder option(String key, String value) {
      options.put(key, value);
      return this;
    }

    /** Validates and builds. */
    public PipeDefinition build() {
      return new PipeDefinition(
          name, sourceUrl, user, passwordRef, serverId, reportHost, businessLines, start, options);
    }
  }
}
