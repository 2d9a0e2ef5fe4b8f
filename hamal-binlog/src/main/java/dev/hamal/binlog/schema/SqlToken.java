package dev.hamal.binlog.schema;

/**
 * One lexical token of a SQL statement.
 *
 * @param kind what the token is
 * @param text for names and strings the unquoted, unescaped value; otherwise the source text
 * @param offset character offset of the token in the statement, for error messages
 */
record SqlToken(Kind kind, String text, int offset) {

  enum Kind {
    /** An unquoted identifier or keyword. */
    WORD,
    /** A backtick-quoted identifier, or a double-quoted one under {@code ANSI_QUOTES}. */
    QUOTED_NAME,
    /** A string literal ({@code '...'}, {@code N'...'}, or {@code "..."} without ANSI_QUOTES). */
    STRING,
    /** A hexadecimal literal ({@code X'4A'}, {@code 0x4A}). */
    HEX,
    /** A bit literal ({@code b'101'}, {@code 0b101}). */
    BIT,
    /** A numeric literal. */
    NUMBER,
    /** A single punctuation or operator character. */
    SYMBOL,
    /** End of the statement. */
    END
  }

  /** Whether this is the unquoted keyword {@code keyword} (case-insensitive). */
  boolean is(String keyword) {
    return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
  }

  boolean isSymbol(char symbol) {
    return kind == Kind.SYMBOL && text.length() == 1 && text.charAt(0) == symbol;
  }

  /** Whether the token can name a database object (quoted or not). */
  boolean isName() {
    return kind == Kind.WORD || kind == Kind.QUOTED_NAME;
  }

  boolean isEnd() {
    return kind == Kind.END;
  }

  /** The token as an operator would recognise it in the statement. */
  String describe() {
    return switch (kind) {
      case END -> "end of statement";
      case STRING -> "'" + text + "'";
      case QUOTED_NAME -> "`" + text + "`";
      default -> "'" + text + "'";
    };
  }
}
