package dev.hamal.binlog.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.binlog.schema.SqlDialect.Flavour;
import dev.hamal.binlog.schema.SqlToken.Kind;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlLexerTest {

  private static final SqlDialect MARIADB_10_11 = new SqlDialect(Flavour.MARIADB, 101106, 0);
  private static final SqlDialect MYSQL_8_0 = new SqlDialect(Flavour.MYSQL, 80036, 0);

  /** Tokens as KIND:text, without the END token. */
  private static String lex(String sql, SqlDialect dialect) {
    List<SqlToken> tokens = SqlLexer.tokenize(sql, dialect);
    assertThat(tokens.get(tokens.size() - 1).kind()).isEqualTo(Kind.END);
    return tokens.subList(0, tokens.size() - 1).stream()
        .map(t -> t.kind() + ":" + t.text())
        .collect(Collectors.joining(" "));
  }

  private static String lex(String sql) {
    return lex(sql, SqlDialect.UNKNOWN);
  }

  @Test
  void shouldUnquoteBacktickNamesWithDoubledBackticks() {
    assertThat(lex("`a``b`.`c d`")).isEqualTo("QUOTED_NAME:a`b SYMBOL:. QUOTED_NAME:c d");
  }

  @Test
  void shouldReadDoubleQuotesAsStringsUnlessAnsiQuotes() {
    assertThat(lex("\"a\\\"b\"")).isEqualTo("STRING:a\"b");
    assertThat(lex("\"a\"\"b\"", SqlDialect.UNKNOWN.withSqlMode(SqlDialect.ANSI_QUOTES)))
        .isEqualTo("QUOTED_NAME:a\"b");
  }

  @Test
  void shouldDecodeStringEscapesAndDoubledQuotes() {
    assertThat(lex("'a''b\\'c\\\\d\\ne\\%f\\qg'")).isEqualTo("STRING:a'b'c\\d\ne\\%fqg");
  }

  @Test
  void shouldKeepBackslashesUnderNoBackslashEscapes() {
    SqlDialect noEscapes = SqlDialect.UNKNOWN.withSqlMode(SqlDialect.NO_BACKSLASH_ESCAPES);
    assertThat(lex("'a\\' 'b'", noEscapes)).isEqualTo("STRING:a\\ STRING:b");
  }

  @Test
  void shouldReadPrefixedLiterals() {
    assertThat(lex("N'x' X'4A' b'101' 0x1f 0b11 _utf8mb4'y'"))
        .isEqualTo("STRING:x HEX:4A BIT:101 HEX:1f BIT:11 WORD:_utf8mb4 STRING:y");
  }

  @Test
  void shouldReadNumbersAndNamesThatStartWithDigits() {
    assertThat(lex("12 1.5 .5 1e10 2E-3 1col db.t 3.t"))
        .isEqualTo(
            "NUMBER:12 NUMBER:1.5 NUMBER:.5 NUMBER:1e10 NUMBER:2E-3 WORD:1col WORD:db SYMBOL:."
                + " WORD:t NUMBER:3. WORD:t");
  }

  @Test
  void shouldAcceptUnicodeInUnquotedNames() {
    assertThat(lex("订单.名称 ñame")).isEqualTo("WORD:订单 SYMBOL:. WORD:名称 WORD:ñame");
  }

  @Test
  void shouldDropCommentsOfEveryStyle() {
    assertThat(lex("a -- x\nb # y\nc /* z */ d /*+ hint */ e --\nf"))
        .isEqualTo("WORD:a WORD:b WORD:c WORD:d WORD:e WORD:f");
  }

  @Test
  void shouldTreatDashDashWithoutSpaceAsTwoMinuses() {
    assertThat(lex("1--2")).isEqualTo("NUMBER:1 SYMBOL:- SYMBOL:- NUMBER:2");
  }

  @Test
  void shouldExecuteVersionedCommentsTheServerRuns() {
    String sql = "a /*!50100 b */ /*!90000 c */ /*M!100100 d */ /*! e */ f";
    assertThat(lex(sql, MARIADB_10_11)).isEqualTo("WORD:a WORD:b WORD:c WORD:d WORD:e WORD:f");
    assertThat(lex(sql, MYSQL_8_0)).isEqualTo("WORD:a WORD:b WORD:e WORD:f");
    assertThat(lex(sql, SqlDialect.UNKNOWN)).isEqualTo("WORD:a WORD:b WORD:c WORD:d WORD:e WORD:f");
  }

  @Test
  void shouldReadStringsInsideVersionedCommentsAsStrings() {
    assertThat(lex("/*!50100 COMMENT '*/' */ x")).isEqualTo("WORD:COMMENT STRING:*/ WORD:x");
  }

  @ParameterizedTest
  @ValueSource(strings = {"'abc", "`abc", "/* abc", "/*!50100 abc", "x'41"})
  void shouldRejectUnterminatedInput(String sql) {
    assertThatThrownBy(() -> SqlLexer.tokenize(sql, SqlDialect.UNKNOWN))
        .isInstanceOf(DdlException.class)
        .hasMessageContaining("unterminated");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "CREATE TABLE t (a int)",
        "  alter table t add b int",
        "DROP TABLE t",
        "rename table a to b",
        "TRUNCATE t",
        "/* generated */ DROP TABLE t",
        "-- x\nCREATE DATABASE d",
        "# x\nALTER TABLE t",
        "/*!40000 ALTER TABLE `t` DISABLE KEYS */",
        "/*M!100100 CREATE TABLE t (a int) */",
        "create\ttable t(a int)"
      })
  void shouldRecognizeDdl(String sql) {
    assertThat(SchemaHistory.isDdl(sql)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "BEGIN",
        "COMMIT",
        "XA START 'x'",
        "SAVEPOINT s",
        "SET NAMES utf8mb4",
        "INSERT INTO t VALUES (1)",
        "GRANT ALL ON *.* TO 'u'",
        "CREATED",
        "ALTERNATIVE",
        "/* CREATE TABLE t */ COMMIT",
        "-- DROP TABLE t\nBEGIN",
        "",
        "   ",
        "/* unterminated"
      })
  void shouldRecognizeNonDdl(String sql) {
    assertThat(SchemaHistory.isDdl(sql)).isFalse();
  }

  @Test
  void shouldParseServerVersions() {
    assertThat(SqlDialect.fromVersion("10.11.6-MariaDB-0+deb12u1-log"))
        .isEqualTo(new SqlDialect(Flavour.MARIADB, 101106, 0));
    assertThat(SqlDialect.fromVersion("8.0.36")).isEqualTo(new SqlDialect(Flavour.MYSQL, 80036, 0));
    assertThat(SqlDialect.fromVersion("11.4.5-MariaDB"))
        .isEqualTo(new SqlDialect(Flavour.MARIADB, 110405, 0));
    assertThat(SqlDialect.versionNumber("garbage")).isZero();
  }
}
