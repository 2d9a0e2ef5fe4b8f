package dev.hamal.app;

import dev.hamal.binlog.BinlogSource;
import dev.hamal.binlog.SslMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How a command reaches a source: a URL ({@code mysql://[user@]host[:port][?option=value&...]}) and
 * credentials read from an environment variable or a file, never from the command line (where shell
 * history and {@code ps} would show them). URL options: {@code sslMode} ({@code
 * disabled|preferred|required|verify_ca|verify_identity}), {@code sslCa} (PEM file), {@code
 * serverId}, {@code reportHost}, {@code name}, {@code serverPublicKey} (PEM file), {@code
 * allowPublicKeyRetrieval}.
 */
final class SourceOptions {
  @Option(
      names = "--source",
      required = true,
      paramLabel = "URL",
      description = "Source server, mysql://[user@]host[:port][?sslMode=...&serverId=...]")
  String url;

  @Option(
      names = "--user",
      paramLabel = "USER",
      description = "User name (overrides the one in the URL; default root).")
  String user;

  @Option(
      names = "--password-env",
      paramLabel = "VAR",
      description = "Environment variable holding the password.")
  String passwordEnv;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "File holding the password (first line).")
  Path passwordFile;

  /**
   * Builds the source; {@code environment} is passed in so tests need not set variables.
   *
   * @throws IllegalArgumentException naming the option that is wrong
   */
  BinlogSource toSource(Map<String, String> environment) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--source: not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("mysql") && !scheme.equals("mariadb")) {
      throw new IllegalArgumentException(
          "--source: expected mysql://host[:port] or mariadb://host[:port], got '" + url + "'");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("--source: no host in '" + url + "'");
    }
    String userInfo = uri.getRawUserInfo();
    String urlUser = null;
    if (userInfo != null) {
      if (userInfo.contains(":")) {
        throw new IllegalArgumentException(
            "--source: do not put the password in the URL; use --password-env or --password-file");
      }
      urlUser = decode(userInfo);
    }
    int port = uri.getPort() < 0 ? 3306 : uri.getPort();
    BinlogSource.Builder b = BinlogSource.builder(uri.getHost(), port);
    b.user(user != null ? user : urlUser != null ? urlUser : "root");
    b.password(password(environment));
    for (Map.Entry<String, String> option : query(uri).entrySet()) {
      String value = option.getValue();
      switch (option.getKey()) {
        case "sslMode" -> b.sslMode(sslMode(value));
        case "sslCa" -> b.trustedCaPem(Path.of(value));
        case "serverPublicKey" -> b.serverPublicKeyPem(Path.of(value));
        case "allowPublicKeyRetrieval" -> b.allowPublicKeyRetrieval(Boolean.parseBoolean(value));
        case "serverId" -> b.serverId(unsignedInt("serverId", value));
        case "reportHost" -> b.reportHost(value);
        case "name" -> b.name(value);
        default ->
            throw new IllegalArgumentException(
                "--source: unknown option '"
                    + option.getKey()
                    + "' (known: sslMode, sslCa, serverPublicKey, allowPublicKeyRetrieval,"
                    + " serverId, reportHost, name)");
      }
    }
    return b.build();
  }

  private String password(Map<String, String> environment) {
    return Passwords.read(passwordEnv, passwordFile, environment);
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> options = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return options;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--source: option '" + pair + "' must be name=value");
      }
      options.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
    }
    return options;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static SslMode sslMode(String value) {
    try {
      return SslMode.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--source: sslMode must be one of disabled, preferred, required, verify_ca,"
              + " verify_identity; got '"
              + value
              + "'");
    }
  }

  private static int unsignedInt(String name, String value) {
    try {
      return Integer.parseUnsignedInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--source: " + name + " must be a number in 1..4294967295, got '" + value + "'");
    }
  }
}
