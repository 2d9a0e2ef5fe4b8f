package dev.hamal.binlog.wire;

import java.util.Objects;

/**
 * What the server said about itself in its greeting (handshake v10).
 *
 * @param version the server version, e.g. {@code 8.0.36} or {@code 10.11.6-MariaDB-0+deb12u1};
 *     without the {@code 5.5.5-} prefix MariaDB before 11.0 puts in front of it for old clients
 * @param mariaDb whether the server is MariaDB (its version names it)
 * @param connectionId the server's id of this connection ({@code KILL} takes it)
 * @param capabilities the capability flags the server offered
 * @param collationId the server's default collation id
 * @param authPluginName the authentication plugin the greeting named (the account's may differ)
 */
public record ServerInfo(
    String version,
    boolean mariaDb,
    long connectionId,
    int capabilities,
    int collationId,
    String authPluginName) {

  public ServerInfo {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(authPluginName, "authPluginName");
  }

  /**
   * Whether the version's leading numbers are at least {@code major.minor.patch} (MariaDB and MySQL
   * numbers are compared as they are: MariaDB 10.11 is "at least 8.0").
   */
  public boolean versionAtLeast(int major, int minor, int patch) {
    int[] parts = numbers(version);
    int[] wanted = {major, minor, patch};
    for (int i = 0; i < 3; i++) {
      if (parts[i] != wanted[i]) {
        return parts[i] > wanted[i];
      }
    }
    return true;
  }

  /** The first three dot-separated numbers of a version; missing ones are 0. */
  private static int[] numbers(String version) {
    int[] parts = new int[3];
    int part = 0;
    int i = 0;
    while (part < 3 && i < version.length()) {
      int value = 0;
      int start = i;
      while (i < version.length() && Character.isDigit(version.charAt(i)) && i - start < 9) {
        value = value * 10 + (version.charAt(i) - '0');
        i++;
      }
      if (i == start) {
        break;
      }
      parts[part++] = value;
      if (i < version.length() && version.charAt(i) == '.') {
        i++;
      } else {
        break;
      }
    }
    return parts;
  }
}
