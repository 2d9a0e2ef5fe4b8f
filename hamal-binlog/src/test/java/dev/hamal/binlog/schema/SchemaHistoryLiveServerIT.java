package dev.hamal.binlog.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.TableName;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.MariaDbServer.Distribution;
import dev.hamal.embedded.MariaDbServerConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The honest oracle: scripts of DDL run on a live MariaDB (the bundled 11.4 and the system's
 * 10.11); each statement is read back from the server's own binlog ({@code SHOW BINLOG EVENTS}, so
 * the history sees exactly the text and default database a replica sees, including the server's
 * rewrites of DROP TABLE and CREATE TABLE ... SELECT), applied to a history seeded from the live
 * {@code information_schema} before the script, and after every statement the history must agree
 * with a fresh read of {@code information_schema}: same tables, same columns in the same order,
 * same types, signedness, character sets, ENUM/SET labels and primary keys.
 */
class SchemaHistoryLiveServerIT {

  private static final Pattern USE_PREFIX = Pattern.compile("(?s)^use `((?:[^`]|``)*)`; (.*)$");
  private static final Map<Distribution, MariaDbServer> servers = new EnumMap<>(Distribution.class);

  private static synchronized MariaDbServer server(Distribution distribution) {
    return servers.computeIfAbsent(
        distribution, d -> MariaDbServer.start(MariaDbServerConfig.builder(d).build()));
  }

  @AfterAll
  static void closeServers() {
    servers.values().forEach(MariaDbServer::close);
    servers.clear();
  }

  static Stream<Arguments> scripts() {
    List<Arguments> arguments = new ArrayList<>();
    for (Distribution distribution : Distribution.values()) {
      for (Script script : List.of(alterScript(), tablesScript(), databasesScript())) {
        arguments.add(Arguments.of(distribution, script));
      }
    }
    return arguments.stream();
  }

  @ParameterizedTest(name = "{1} on {0}")
  @MethodSource("scripts")
  void shouldAgreeWithInformationSchemaAfterEveryStatement(Distribution distribution, Script script)
      throws SQLException {
    MariaDbServer server = server(distribution);
    try (Connection admin =
        DriverManager.getConnection(
            server.jdbcUrl(""), server.adminUser(), server.adminPassword())) {
      for (String database : script.databases) {
        execute(admin, "DROP DATABASE IF EXISTS `" + database + "`");
      }
      execute(admin, "CREATE DATABASE `" + script.database + "` CHARACTER SET " + script.charset);
      execute(admin, "USE `" + script.database + "`");
      for (String sql : script.setup) {
        execute(admin, sql);
      }
      String serverCharset = single(admin, "SELECT @@character_set_server");
      Predicate<TableName> ours = t -> script.databases.contains(t.schema());
      SchemaHistory history = SchemaHistory.inMemory();
      BinlogPosition seededAt = masterPosition(admin);
      history.seed(seededAt, runner(admin), ours);
      Set<TableName> touched = new LinkedHashSet<>();

      for (Step step : script.steps) {
        BinlogPosition before = masterPosition(admin);
        if (step.sqlMode != 0) {
          execute(admin, "SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')");
        }
        execute(admin, step.sql);
        if (step.sqlMode != 0) {
          execute(admin, "SET SESSION sql_mode = DEFAULT");
        }
        for (LoggedQuery query : queriesSince(admin, before, script.database)) {
          if (SchemaHistory.isDdl(query.sql)) {
            touched.addAll(
                history.applyDdl(
                    query.position,
                    query.database,
                    query.sql,
                    Optional.of(serverCharset),
                    step.sqlMode));
          }
        }

        BinlogPosition now = masterPosition(admin);
        SchemaHistory truth = SchemaHistory.inMemory();
        truth.seed(now, runner(admin), ours);
        Set<TableName> existing = new LinkedHashSet<>();
        for (List<String> row :
            rows(
                admin,
                "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE IN"
                    + " ('BASE TABLE', 'SYSTEM VERSIONED', 'SEQUENCE') AND TABLE_SCHEMA LIKE '"
                    + script.database
                    + "%'")) {
          existing.add(new TableName(row.get(0), row.get(1)));
        }
        for (TableName table : existing) {
          SchemaHistory.Lookup expected = truth.lookup(table, now);
          SchemaHistory.Lookup actual = history.lookup(table, now);
          if (step.expectUnknown.contains(table.table())) {
            assertThat(actual)
                .as("%s after: %s", table, step.sql)
                .isInstanceOf(SchemaHistory.Unknown.class);
          } else {
            assertThat(actual).as("%s after: %s", table, step.sql).isEqualTo(expected);
          }
        }
        for (TableName table : touched) {
          if (!existing.contains(table)) {
            assertThat(history.lookup(table, now))
                .as("%s after: %s", table, step.sql)
                .isEqualTo(SchemaHistory.Absent.INSTANCE);
          }
        }
      }
      for (String database : script.databases) {
        execute(admin, "DROP DATABASE IF EXISTS `" + database + "`");
      }
    }
  }

  // ---------------------------------------------------------------- scripts

  private static Script alterScript() {
    return new Script("h_alter", "utf8mb4")
        .setup(
            """
            CREATE TABLE orders (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
              user_id INT NOT NULL, status ENUM('new','paid','it''s','a,b') NOT NULL DEFAULT 'new',
              amount DECIMAL(12,2), note VARCHAR(100), created DATETIME DEFAULT CURRENT_TIMESTAMP)\
            """)
        .setup(
            "CREATE TABLE legacy (a INT, b VARCHAR(10), c TEXT, d TINYTEXT, e ENUM('x','y'),"
                + " f VARBINARY(4), g MEDIUMTEXT) DEFAULT CHARSET=latin1")
        .step("ALTER TABLE orders ADD COLUMN coupon VARCHAR(16) NULL AFTER user_id")
        .step("ALTER TABLE orders ADD x INT FIRST, ADD y INT FIRST, ADD z INT AFTER x")
        .step("ALTER TABLE orders ADD COLUMN (p INT, q VARCHAR(3) CHARACTER SET latin1)")
        .step("ALTER TABLE orders ADD COLUMN IF NOT EXISTS q INT, ADD IF NOT EXISTS n INT")
        .step("ALTER TABLE orders DROP COLUMN n, DROP p, DROP COLUMN IF EXISTS nothere")
        .step("ALTER TABLE orders MODIFY q VARCHAR(5)")
        .step(
            "ALTER TABLE orders CHANGE user_id customer_id BIGINT UNSIGNED NOT NULL AFTER created")
        .step(
            "ALTER TABLE orders ADD c INT, CHANGE x x2 INT AFTER c, ADD e INT AFTER x2, MODIFY z INT FIRST")
        .step("ALTER TABLE orders RENAME COLUMN status TO state")
        .step("ALTER TABLE orders ALTER COLUMN amount SET DEFAULT 0, ALTER note DROP DEFAULT")
        .step("ALTER TABLE orders MODIFY id BIGINT UNSIGNED NOT NULL")
        .step("ALTER TABLE orders DROP PRIMARY KEY, ADD PRIMARY KEY (customer_id, id)")
        .step(
            "ALTER TABLE orders ADD INDEX idx_c (customer_id), ADD UNIQUE KEY uq (note),"
                + " ALGORITHM=INPLACE, LOCK=NONE")
        .step("ALTER TABLE orders DEFAULT CHARACTER SET = latin1, ADD w VARCHAR(3)")
        .step("ALTER TABLE orders ADD v TEXT")
        .step(
            "ALTER TABLE orders CONVERT TO CHARACTER SET utf8mb4, ADD u VARCHAR(3) CHARACTER SET latin1")
        .step("ALTER TABLE legacy CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        .step("ALTER TABLE legacy CONVERT TO CHARACTER SET latin1")
        .step(
            "ALTER TABLE legacy ADD h CHAR(2) CHARACTER SET binary, ADD i TEXT(300), ADD j"
                + " BLOB(70000), ADD k NATIONAL VARCHAR(3), ADD l CHAR(2) ASCII, ADD m JSON,"
                + " ADD n SERIAL")
        .step(
            "ALTER TABLE legacy ADD o INT(5) ZEROFILL, ADD p FLOAT(30), ADD q REAL, ADD r BOOL,"
                + " ADD s SET('a','b') CHARACTER SET binary, ADD t VARCHAR(3) BINARY,"
                + " ADD u LONG VARCHAR, ADD v CHAR(3) BYTE, ADD w NCHAR(2)")
        .step("ALTER TABLE orders ENGINE=InnoDB, COMMENT='x', ROW_FORMAT=DYNAMIC, FORCE")
        .step("ALTER TABLE orders DROP INDEX idx_c, DROP KEY uq")
        .step("ALTER TABLE orders DROP PRIMARY KEY, ADD PRIMARY KEY (id)")
        .step("ALTER TABLE orders DROP COLUMN id")
        .step("ALTER TABLE orders ADD COLUMN id2 INT NOT NULL PRIMARY KEY FIRST")
        .step("ALTER TABLE orders RENAME TO orders_v2")
        .step("ALTER TABLE orders_v2 RENAME AS orders")
        .step("/*!40000 ALTER TABLE `orders` DISABLE KEYS */")
        .step("ALTER TABLE orders /*!100100 ADD COLUMN vc INT */")
        .step("ALTER TABLE orders ADD SYSTEM VERSIONING", "orders");
  }

  private static Script tablesScript() {
    return new Script("h_tables", "utf8mb4")
        .setup("CREATE TABLE a (id INT PRIMARY KEY, s VARCHAR(10))")
        .setup("CREATE TABLE b (x INT)")
        .step("CREATE TABLE c LIKE a")
        .step("CREATE TABLE IF NOT EXISTS a (z INT)")
        .step("CREATE OR REPLACE TABLE b (y BIGINT, t TEXT) CHARSET latin1")
        .step("RENAME TABLE a TO tmp, b TO a, tmp TO b")
        .step("INSERT INTO b VALUES (1, 'x')")
        .step("CREATE TABLE d AS SELECT * FROM b")
        .step("CREATE TABLE e (extra INT) SELECT s FROM b")
        .step(
            "CREATE TABLE f (`订单` INT, `we``ird` VARCHAR(3), `a b` ENUM('it''s','back\\\\slash',"
                + " 'trail  '), ñame TEXT) COMMENT 'ünïcode'")
        .step("DROP TABLE c, d")
        .step("TRUNCATE TABLE a")
        .step(
            "CREATE TABLE g (a INT NOT NULL, b INT AS (a * 2) VIRTUAL, c INT AS (a + 1) STORED,"
                + " d TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE"
                + " CURRENT_TIMESTAMP(6), e VARCHAR(36) DEFAULT (uuid()), CHECK (a > 0))")
        .step(
            "CREATE TABLE h (id INT, d DATE, PRIMARY KEY (id, d)) PARTITION BY RANGE (YEAR(d))"
                + " (PARTITION p0 VALUES LESS THAN (2020), PARTITION p1 VALUES LESS THAN MAXVALUE)")
        .step("ALTER TABLE h TRUNCATE PARTITION p0")
        .step("ALTER TABLE h CONVERT PARTITION p0 TO TABLE h0")
        .step("ALTER TABLE h REMOVE PARTITIONING")
        .step("CREATE TABLE sv (a INT) WITH SYSTEM VERSIONING", "sv")
        .step("DROP TABLE sv")
        .ansiQuotes("CREATE TABLE ansi (\"x\" INT, \"y\"\"z\" VARCHAR(3))")
        .step("CREATE TEMPORARY TABLE a (q INT)")
        .step("DROP TEMPORARY TABLE a")
        .step("CREATE VIEW v AS SELECT * FROM a")
        .step("RENAME TABLE f TO f2")
        .step("DROP TABLE IF EXISTS nothere, f2");
  }

  private static Script databasesScript() {
    return new Script("h_db", "latin1")
        .database("h_db_x")
        .database("h_db_y")
        .step("CREATE DATABASE h_db_x CHARACTER SET latin1")
        .step("CREATE TABLE h_db_x.t (a VARCHAR(2), b TEXT)")
        .step("CREATE DATABASE h_db_y")
        .step("CREATE TABLE h_db_y.t (a VARCHAR(2))")
        .step("ALTER DATABASE h_db_x CHARACTER SET utf8mb3")
        .step("CREATE TABLE h_db_x.u (a CHAR(1))")
        .step("ALTER TABLE h_db_x.t RENAME h_db_y.t2")
        .step("CREATE TABLE t (a TEXT)")
        .step("ALTER DATABASE COLLATE utf8mb4_bin")
        .step("CREATE TABLE t2 (a VARCHAR(1))")
        .step("DROP DATABASE h_db_y");
  }

  // ---------------------------------------------------------------- JDBC

  private record LoggedQuery(BinlogPosition position, String database, String sql) {}

  /**
   * The QUERY events the server logged since {@code from}, with their default database. {@code SHOW
   * BINLOG EVENTS} prints the event's database as a {@code use `db`;} prefix, except for events
   * flagged LOG_EVENT_SUPPRESS_USE_F (CREATE/ALTER/DROP DATABASE), whose database field still holds
   * the session's current database: {@code session} here, as a replica reads it.
   */
  private static List<LoggedQuery> queriesSince(Connection c, BinlogPosition from, String session)
      throws SQLException {
    List<LoggedQuery> queries = new ArrayList<>();
    for (List<String> row :
        rows(c, "SHOW BINLOG EVENTS IN '" + from.file() + "' FROM " + from.position())) {
      if (!"Query".equals(row.get(2))) {
        continue;
      }
      BinlogPosition at = new BinlogPosition(row.get(0), Long.parseLong(row.get(1)));
      String info = row.get(5);
      Matcher use = USE_PREFIX.matcher(info);
      if (use.matches()) {
        queries.add(new LoggedQuery(at, use.group(1).replace("``", "`"), use.group(2)));
      } else {
        queries.add(new LoggedQuery(at, session, info));
      }
    }
    return queries;
  }

  private static BinlogPosition masterPosition(Connection c) throws SQLException {
    List<String> status = rows(c, "SHOW MASTER STATUS").get(0);
    return new BinlogPosition(status.get(0), Long.parseLong(status.get(1)));
  }

  private static SqlQueryRunner runner(Connection c) {
    return sql -> {
      try {
        return rows(c, sql);
      } catch (SQLException e) {
        throw new IllegalStateException(sql, e);
      }
    };
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement statement = c.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String single(Connection c, String sql) throws SQLException {
    return rows(c, sql).get(0).get(0);
  }

  private static List<List<String>> rows(Connection c, String sql) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Statement statement = c.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        List<String> row = new ArrayList<>(columns);
        for (int i = 1; i <= columns; i++) {
          row.add(result.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  // ---------------------------------------------------------------- script builder

  private record Step(String sql, long sqlMode, Set<String> expectUnknown) {}

  static final class Script {
    final String database;
    final String charset;
    final Set<String> databases = new LinkedHashSet<>();
    final List<String> setup = new ArrayList<>();
    final List<Step> steps = new ArrayList<>();

    Script(String database, String charset) {
      this.database = database;
      this.charset = charset;
      databases.add(database);
    }

    Script database(String name) {
      databases.add(name);
      return this;
    }

    Script setup(String sql) {
      setup.add(sql);
      return this;
    }

    Script step(String sql) {
      steps.add(new Step(sql, 0, Set.of()));
      return this;
    }

    /** A statement after which {@code tables} must be unknown to the history. */
    Script step(String sql, String... tables) {
      steps.add(new Step(sql, 0, Set.of(tables)));
      return this;
    }

    Script ansiQuotes(String sql) {
      steps.add(new Step(sql, SqlDialect.ANSI_QUOTES, Set.of()));
      return this;
    }

    @Override
    public String toString() {
      return database + " script";
    }
  }
}
