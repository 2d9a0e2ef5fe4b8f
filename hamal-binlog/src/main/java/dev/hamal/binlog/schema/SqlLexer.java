package dev.hamal.binlog.schema;

import dev.hamal.binlog.schema.SqlToken.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a MySQL/MariaDB statement into tokens the way the server's lexer does, for the parts of
 * the language DDL uses.
 *
 * <ul>
 *   <li>Comments {@code -- } (dash dash and a space or control character), {@code #} and {@code /*
 *       ... * /} are dropped, optimizer hints {@code /*+ ... * /} with them.
 *   <li>Versioned comments {@code /*!NNNNN ... * /} (MySQL and MariaDB) and {@code /*M!NNNNNN ... *
 *       /} (MariaDB only) are executed code: their content is tokenized when the dialect's server
 *       runs it, which is always when the server version is unknown.
 *   <li>Backtick names with doubled backticks; double quotes are names under ANSI_QUOTES and
 *       strings otherwise; strings take both quote styles, doubled quotes and backslash escapes
 *       (unless NO_BACKSLASH_ESCAPES), and the {@code N'...'}, {@code X'...'}, {@code B'...'}
 *       prefixes.
 *   <li>Unquoted names may contain any character from U+0080 on and may start with a digit.
 * </ul>
 *
 * <p>Failure: input the server's lexer would reject (an unterminated string, name or comment)
 * throws {@link DdlException}. Not thread-safe; one instance per statement.
 */
final class SqlLexer {

  private final String sql;
  private final SqlDialect dialect;
  private final List<SqlToken> tokens = new ArrayList<>();
  private int pos;
  private boolean inVersionedComment;

  private SqlLexer(String sql, SqlDialect dialect) {
    this.sql = sql;
    this.dialect = dialect;
  }

  /** Tokens of {@code sql}, ending with one {@link Kind#END} token. */
  static List<SqlToken> tokenize(String sql, SqlDialect dialect) {
    SqlLexer lexer = new SqlLexer(sql, dialect);
    lexer.run();
    return lexer.tokens;
  }

  /**
   * Whether the first keyword of the statement (after comments; the content of versioned comments
   * counts) is one that can change a table: CREATE, ALTER, DROP, RENAME or TRUNCATE. Allocates
   * nothing; meant for every QUERY event.
   */
  static boolean startsWithDdlKeyword(String sql) {
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c <= ' ' || Character.isWhitespace(c)) {
        i++;
      } else if (c == '#') {
        i = endOfLine(sql, i);
      } else if (c == '-' && isDashDashComment(sql, i)) {
        i = endOfLine(sql, i);
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        if (i + 2 < n && sql.charAt(i + 2) == '!') {
          i = skipDigits(sql, i + 3);
        } else if (i + 3 < n && sql.charAt(i + 2) == 'M' && sql.charAt(i + 3) == '!') {
          i = skipDigits(sql, i + 4);
        } else {
          int end = sql.indexOf("*/", i + 2);
          if (end < 0) {
            return false;
          }
          i = end + 2;
        }
      } else {
        return startsWithWord(sql, i, "CREATE")
            || startsWithWord(sql, i, "ALTER")
            || startsWithWord(sql, i, "DROP")
            || startsWithWord(sql, i, "RENAME")
            || startsWithWord(sql, i, "TRUNCATE");
      }
    }
    return false;
  }

  private static boolean startsWithWord(String sql, int at, String word) {
    int end = at + word.length();
    return sql.regionMatches(true, at, word, 0, word.length())
        && (end == sql.length() || !isWordChar(sql.charAt(end)));
  }

  private static int skipDigits(String sql, int i) {
    while (i < sql.length() && Character.isDigit(sql.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int endOfLine(String sql, int i) {
    int end = sql.indexOf('\n', i);
    return end < 0 ? sql.length() : end + 1;
  }

  private static boolean isDashDashComment(String sql, int i) {
    if (i + 1 >= sql.length() || sql.charAt(i + 1) != '-') {
      return false;
    }
    return i + 2 == sql.length() || sql.charAt(i + 2) <= ' ';
  }

  static boolean isWordChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '$'
        || c >= 0x80;
  }

  private void run() {
    int n = sql.length();
    while (pos < n) {
      char c = sql.charAt(pos);
      if (c <= ' ' || Character.isWhitespace(c)) {
        pos++;
      } else if (c == '#') {
        pos = endOfLine(sql, pos);
      } else if (c == '-' && isDashDashComment(sql, pos)) {
        pos = endOfLine(sql, pos);
      } else if (c == '/' && pos + 1 < n && sql.charAt(pos + 1) == '*') {
        comment();
      } else if (c == '*' && inVersionedComment && pos + 1 < n && sql.charAt(pos + 1) == '/') {
        inVersionedComment = false;
        pos += 2;
      } else if (c == '`') {
        quotedName('`');
      } else if (c == '"') {
        if (dialect.ansiQuotes()) {
          quotedName('"');
        } else {
          string('"', pos, Kind.STRING);
        }
      } else if (c == '\'') {
        string('\'', pos, Kind.STRING);
      } else if (c >= '0' && c <= '9') {
        number();
      } else if (c == '.' && pos + 1 < n && isDigit(sql.charAt(pos + 1)) && !afterName()) {
        number();
      } else if (isWordChar(c)) {
        word();
      } else {
        tokens.add(new SqlToken(Kind.SYMBOL, String.valueOf(c), pos));
        pos++;
      }
    }
    if (inVersionedComment) {
      throw new DdlException("unterminated versioned comment");
    }
    tokens.add(new SqlToken(Kind.END, "", n));
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * Whether the dot at {@code pos} qualifies a name ({@code db.t}) rather than starting a number.
   */
  private boolean afterName() {
    if (pos == 0) {
      return false;
    }
    char before = sql.charAt(pos - 1);
    return isWordChar(before) || before == '`' || before == '"' || before == ')';
  }

  private void comment() {
    int start = pos;
    int n = sql.length();
    boolean versioned = pos + 2 < n && sql.charAt(pos + 2) == '!';
    boolean mariaDb = pos + 3 < n && sql.charAt(pos + 2) == 'M' && sql.charAt(pos + 3) == '!';
    if ((versioned || mariaDb) && !inVersionedComment) {
      int digitsStart = pos + (versioned ? 3 : 4);
      int digitsEnd = skipDigits(sql, digitsStart);
      int digits = digitsEnd - digitsStart;
      int version = 0;
      int contentStart = digitsStart;
      if (digits == 5 || digits == 6) {
        version = Integer.parseInt(sql.substring(digitsStart, digitsEnd));
        contentStart = digitsEnd;
      } else if (digits > 6) {
        version = Integer.parseInt(sql.substring(digitsStart, digitsStart + 5));
        contentStart = digitsStart + 5;
      }
      if (dialect.executes(version, mariaDb)) {
        inVersionedComment = true;
        pos = contentStart;
        return;
      }
    }
    int end = sql.indexOf("*/", pos + 2);
    if (end < 0) {
      throw new DdlException("unterminated comment starting at offset " + start);
    }
    pos = end + 2;
  }

  private void quotedName(char quote) {
    int start = pos;
    StringBuilder text = new StringBuilder();
    pos++;
    while (true) {
      if (pos >= sql.length()) {
        throw new DdlException("unterminated quoted name starting at offset " + start);
      }
      char c = sql.charAt(pos);
      if (c == quote) {
        if (pos + 1 < sql.length() && sql.charAt(pos + 1) == quote) {
          text.append(quote);
          pos += 2;
          continue;
        }
        pos++;
        break;
      }
      text.append(c);
      pos++;
    }
    tokens.add(new SqlToken(Kind.QUOTED_NAME, text.toString(), start));
  }

  /** A string starting at the quote at {@code pos}; {@code start} is where its prefix began. */
  private void string(char quote, int start, Kind kind) {
    StringBuilder text = new StringBuilder();
    pos++;
    boolean escapes = !dialect.noBackslashEscapes();
    while (true) {
      if (pos >= sql.length()) {
        throw new DdlException("unterminated string starting at offset " + start);
      }
      char c = sql.charAt(pos);
      if (c == '\\' && escapes && pos + 1 < sql.length()) {
        char e = sql.charAt(pos + 1);
        switch (e) {
          case '0' -> text.append('\0');
          case 'b' -> text.append('\b');
          case 'n' -> text.append('\n');
          case 'r' -> text.append('\r');
          case 't' -> text.append('\t');
          case 'Z' -> text.append('\u001A');
          case '%', '_' -> text.append('\\').append(e);
          default -> text.append(e);
        }
        pos += 2;
        continue;
      }
      if (c == quote) {
        if (pos + 1 < sql.length() && sql.charAt(pos + 1) == quote) {
          text.append(quote);
          pos += 2;
          continue;
        }
        pos++;
        break;
      }
      text.append(c);
      pos++;
    }
    tokens.add(new SqlToken(kind, text.toString(), start));
  }

  private void word() {
    int start = pos;
    while (pos < sql.length() && isWordChar(sql.charAt(pos))) {
      pos++;
    }
    String text = sql.substring(start, pos);
    if (pos < sql.length() && sql.charAt(pos) == '\'' && text.length() == 1) {
      switch (Character.toUpperCase(text.charAt(0))) {
        case 'N' -> {
          string('\'', start, Kind.STRING);
          return;
        }
        case 'X' -> {
          hexOrBitString(start, Kind.HEX);
          return;
        }
        case 'B' -> {
          hexOrBitString(start, Kind.BIT);
          return;
        }
        default -> {}
      }
    }
    tokens.add(new SqlToken(Kind.WORD, text, start));
  }

  private void hexOrBitString(int start, Kind kind) {
    int end = sql.indexOf('\'', pos + 1);
    if (end < 0) {
      throw new DdlException("unterminated literal starting at offset " + start);
    }
    tokens.add(new SqlToken(kind, sql.substring(pos + 1, end), start));
    pos = end + 1;
  }

  private void number() {
    int start = pos;
    int n = sql.length();
    if (sql.charAt(pos) != '.') {
      int runEnd = pos;
      while (runEnd < n && isWordChar(sql.charAt(runEnd))) {
        runEnd++;
      }
      String run = sql.substring(pos, runEnd);
      if (run.matches("0x[0-9a-fA-F]+")) {
        tokens.add(new SqlToken(Kind.HEX, run.substring(2), start));
        pos = runEnd;
        return;
      }
      if (run.matches("0b[01]+")) {
        tokens.add(new SqlToken(Kind.BIT, run.substring(2), start));
        pos = runEnd;
        return;
      }
      boolean exponentWithSign =
          run.matches("[0-9]+[eE]")
              && runEnd + 1 < n
              && (sql.charAt(runEnd) == '+' || sql.charAt(runEnd) == '-')
              && isDigit(sql.charAt(runEnd + 1));
      if (!run.matches("[0-9]+([eE][0-9]+)?") && !exponentWithSign) {
        pos = runEnd;
        tokens.add(new SqlToken(Kind.WORD, run, start));
        return;
      }
      if (exponentWithSign || run.matches("[0-9]+[eE][0-9]+")) {
        pos = runEnd;
        if (exponentWithSign) {
          pos++;
          pos = skipDigits(sql, pos);
        }
        tokens.add(new SqlToken(Kind.NUMBER, sql.substring(start, pos), start));
        return;
      }
      pos = runEnd;
    }
    if (pos < n && sql.charAt(pos) == '.') {
      pos = skipDigits(sql, pos + 1);
      if (pos < n && (sql.charAt(pos) == 'e' || sql.charAt(pos) == 'E')) {
        int exp = pos + 1;
        if (exp < n && (sql.charAt(exp) == '+' || sql.charAt(exp) == '-')) {
          exp++;
        }
        if (exp < n && isDigit(sql.charAt(exp))) {
          pos = skipDigits(sql, exp);
        }
      }
    }
    tokens.add(new SqlToken(Kind.NUMBER, sql.substring(start, pos), start));
  }
}
