package dev.hamal.binlog.schema;

/**
 * What the lexer and the parser must know about the server and the session that wrote a statement.
 *
 * @param flavour which server family wrote the binlog
 * @param serverVersion version as {@code major * 10000 + minor * 100 + patch} ({@code 101106} for
 *     10.11.6), the number versioned comments {@code /*!50100 ...} are compared with; 0 when
 *     unknown, in which case every versioned comment is executed
 * @param sqlMode the session's {@code sql_mode} flags as the QUERY event carries them (0 = none)
 */
record SqlDialect(Flavour flavour, int serverVersion, long sqlMode) {

  /** {@code sql_mode} bit REAL_AS_FLOAT: {@code REAL} means {@code FLOAT}, not {@code DOUBLE}. */
  static final long REAL_AS_FLOAT = 1L;

  /** {@code sql_mode} bit ANSI_QUOTES: {@code "x"} is an identifier, not a string. */
  static final long ANSI_QUOTES = 4L;

  /**
   * {@code sql_mode} bit of the ORACLE compatibility mode (MariaDB maps {@code DATE} to {@code
   * DATETIME}, adds {@code VARCHAR2}, {@code NUMBER}, ...): DDL written in it is not interpreted.
   */
  static final long ORACLE = 512L;

  /**
   * {@code sql_mode} bit NO_BACKSLASH_ESCAPES: a backslash in a string is an ordinary character.
   */
  static final long NO_BACKSLASH_ESCAPES = 1L << 20;

  enum Flavour {
    MARIADB,
    MYSQL,
    UNKNOWN
  }

  static final SqlDialect UNKNOWN = new SqlDialect(Flavour.UNKNOWN, 0, 0);

  boolean ansiQuotes() {
    return (sqlMode & ANSI_QUOTES) != 0;
  }

  boolean noBackslashEscapes() {
    return (sqlMode & NO_BACKSLASH_ESCAPES) != 0;
  }

  boolean realAsFloat() {
    return (sqlMode & REAL_AS_FLOAT) != 0;
  }

  boolean oracleMode() {
    return (sqlMode & ORACLE) != 0;
  }

  SqlDialect withSqlMode(long mode) {
    return new SqlDialect(flavour, serverVersion, mode);
  }

  /** Whether the content of {@code /*!NNNNN ... * /} is executed by this server. */
  boolean executes(int commentVersion, boolean mariaDbOnly) {
    if (mariaDbOnly && flavour == Flavour.MYSQL) {
      return false;
    }
    return serverVersion == 0 || commentVersion <= serverVersion;
  }

  /**
   * Parses a server version string such as {@code 10.11.6-MariaDB-0+deb12u1-log} or {@code 8.0.36}.
   */
  static SqlDialect fromVersion(String version) {
    Flavour flavour = version.contains("MariaDB") ? Flavour.MARIADB : Flavour.MYSQL;
    return new SqlDialect(flavour, versionNumber(version), 0);
  }

  static int versionNumber(String version) {
    int[] parts = new int[3];
    int part = 0;
    int i = 0;
    while (i < version.length() && part < 3) {
      int start = i;
      while (i < version.length() && Character.isDigit(version.charAt(i))) {
        i++;
      }
      if (i == start || i - start > 4) {
        return 0;
      }
      parts[part++] = Integer.parseInt(version.substring(start, i));
      if (i < version.length() && version.charAt(i) == '.') {
        i++;
      } else {
        break;
      }
    }
    return part == 3 ? parts[0] * 10000 + parts[1] * 100 + parts[2] : 0;
  }
}
