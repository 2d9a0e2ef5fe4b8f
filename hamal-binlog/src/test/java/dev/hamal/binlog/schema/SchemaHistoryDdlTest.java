package dev.hamal.binlog.schema;

import static dev.hamal.binlog.schema.FakeInformationSchema.pos;
import static dev.hamal.binlog.schema.FakeInformationSchema.render;
import static dev.hamal.binlog.schema.FakeInformationSchema.table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven: realistic DDL as MySQL and MariaDB write it into binlogs (SHOW CREATE TABLE and
 * mysqldump output, versioned comments, odd quoting, unicode names, online-schema-change tools),
 * applied to a history seeded from {@link FakeInformationSchema}, and the resulting columns in the
 * compact form of {@link FakeInformationSchema#render}. The expectations follow what the servers
 * create; the ones that depend on subtle server rules (column order, CONVERT TO, charsets) are also
 * checked against a live server by {@code SchemaHistoryLiveServerIT}.
 */
class SchemaHistoryDdlTest {

  private static final String ID = "id bigint unsigned";
  private static final String USER = "user_id int";
  private static final String STATUS = "status enum/utf8mb4('new','paid','it's')";
  private static final String AMOUNT = "amount decimal";
  private static final String NOTE = "note varchar/utf8mb4";
  private static final String CREATED = "created datetime";
  private static final String PK = " | pk(id)";
  private static final String ORDERS = cols(ID, USER, STATUS, AMOUNT, NOTE, CREATED) + PK;
  private static final String ITEMS = "id int, sku varchar/utf8mb4 | pk(id)";

  private static final long ANSI_QUOTES = 4;
  private static final long REAL_AS_FLOAT = 1;
  private static final long NO_BACKSLASH_ESCAPES = 1 << 20;
  private static final long ORACLE = 512;

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void shouldDeriveTheColumnsTheServerCreates(Case c) {
    SchemaHistory history = SchemaHistory.inMemory();
    history.seed(pos("binlog.000001", 4), c.server.get(), t -> !t.schema().equals("ext"));
    long offset = 4;
    for (Step step : c.steps) {
      offset += 100;
      history.applyDdl(
          pos("binlog.000001", offset), step.schema, step.sql, step.charset, step.sqlMode);
    }
    SoftAssertions softly = new SoftAssertions();
    c.expected.forEach((table, expected) ->
        softly
            .assertThat(render(history.lookup(table(table), pos("binlog.000002", 4))))
            .as(table)
            .isEqualTo(expected));
    softly.assertAll();
  }

  static Stream<Case> cases() {
    List<Case> cases = new ArrayList<>();
    createTable(cases);
    alterTable(cases);
    renameDropTruncate(cases);
    databases(cases);
    statementsThatChangeNothing(cases);
    return cases.stream();
  }

  private static void createTable(List<Case> cases) {
    cases.add(
        mariaDb("CREATE TABLE as MariaDB's SHOW CREATE TABLE prints it")
            .ddl(
                """
                CREATE TABLE `items2` (
                  `id` int(11) NOT NULL AUTO_INCREMENT,
                  `sku` varchar(64) NOT NULL DEFAULT '',
                  `price` decimal(12,2) unsigned zerofill DEFAULT NULL,
                  `flags` set('a','b,c') CHARACTER SET latin1 COLLATE latin1_bin DEFAULT NULL,
                  `payload` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL \
                CHECK (json_valid(`payload`)),
                  `created_at` timestamp NOT NULL DEFAULT current_timestamp() \
                ON UPDATE current_timestamp(),
                  PRIMARY KEY (`id`),
                  UNIQUE KEY `uk_sku` (`sku`),
                  KEY `idx_created` (`created_at`)
                ) ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4 \
                COLLATE=utf8mb4_unicode_ci COMMENT='items'\
                """)
            .expect(
                "shop.items2",
                "id int, sku varchar/utf8mb4, price decimal unsigned, flags set/latin1('a','b,c'),"
                    + " payload longtext/utf8mb4, created_at timestamp | pk(id)"));
    cases.add(
        mySql("CREATE TABLE as mysqldump of MySQL 8 writes it, with versioned comments")
            .ddl(
                """
                CREATE TABLE `t2` (
                  `a` int NOT NULL,
                  `b` varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci DEFAULT NULL,
                  `c` json DEFAULT NULL,
                  `d` tinyint(1) NOT NULL DEFAULT '0' /*!80023 INVISIBLE */,
                  PRIMARY KEY (`a`)
                ) ENGINE=InnoDB DEFAULT CHARSET=latin1 /*!50100 PARTITION BY HASH (`a`)
                PARTITIONS 4 */\
                """)
            .expect("shop.t2", "a int, b varchar/utf8mb4, c json, d tinyint | pk(a)"));
    cases.add(
        mySql("a versioned comment newer than the server, or MariaDB-only, is a comment on MySQL")
            .ddl("CREATE TABLE t3 (a INT /*!90000 , b INT */, c INT /*M!100100 , d INT */)")
            .expect("shop.t3", "a int, c int"));
    cases.add(
        mariaDb("MariaDB 10.x executes /*!90000 (its version is higher) and /*M! comments")
            .ddl("CREATE TABLE t3 (a INT /*!90000 , b INT */ /*M!100100 , d INT */)")
            .expect("shop.t3", "a int, b int, d int"));
    cases.add(
        mariaDb("comments of every style are skipped")
            .ddl(
                "CREATE /* leading */ TABLE -- a dash comment\n`t4` ( # a hash comment\n"
                    + "  a INT, /* inline, with a ) and a , */ b CHAR(2) --\n, c INT /*+ hint */)")
            .expect("shop.t4", "a int, b char/utf8mb4, c int"));
    cases.add(
        mariaDb("unicode names, quoted and unquoted")
            .ddl(
                "CREATE TABLE `订单` (`编号` BIGINT UNSIGNED PRIMARY KEY, 名称 VARCHAR(20),"
                    + " ñame TEXT)")
            .expect(
                "shop.订单", "编号 bigint unsigned, 名称 varchar/utf8mb4, ñame text/utf8mb4 | pk(编号)"));
    cases.add(
        mariaDb("backticks doubled inside names, spaces and reserved words in names")
            .ddl("CREATE TABLE `we``ird` (`col``1` INT, `a b` INT, `select` INT)")
            .expect("shop.we`ird", "col`1 int, a b int, select int"));
    cases.add(
        mariaDb("double-quoted names under ANSI_QUOTES")
            .ddl(
                "CREATE TABLE \"ansi\" (\"x\" INT, \"y\"\"z\" VARCHAR(3) DEFAULT 'a')", ANSI_QUOTES)
            .expect("shop.ansi", "x int, y\"z varchar/utf8mb4"));
    cases.add(
        mariaDb("ENUM labels with escapes, both quote styles, concatenation, trailing spaces")
            .ddl(
                "CREATE TABLE e (v ENUM('it''s', 'back\\\\slash', \"dq\\\"x\", 'trail   ', 'a,b',"
                    + " 'con' 'cat', N'nat', 'tab\\there'))")
            .expect(
                "shop.e",
                "v enum/utf8mb4('it's','back\\slash','dq\"x','trail','a,b','concat','nat',"
                    + "'tab\there')"));
    cases.add(
        mariaDb("a backslash is an ordinary character under NO_BACKSLASH_ESCAPES")
            .ddl("CREATE TABLE e2 (v SET('a\\','b'))", NO_BACKSLASH_ESCAPES)
            .expect("shop.e2", "v set/utf8mb4('a\\','b')"));
    cases.add(
        mariaDb("column character sets: explicit, by collation, ASCII, UNICODE, NATIONAL, binary")
            .ddl(
                """
                CREATE TABLE cs (a VARCHAR(5), b VARCHAR(5) CHARACTER SET utf8,
                  c VARCHAR(5) COLLATE utf8mb4_bin, d CHAR(2) ASCII, e CHAR(2) UNICODE,
                  f NATIONAL VARCHAR(3), g VARCHAR(3) BINARY, h CHAR(3) CHARACTER SET binary,
                  i TEXT CHARSET binary, j ENUM('x') CHARACTER SET binary, k CHAR(5) BYTE,
                  l NCHAR(2), m VARCHAR(3) CHARACTER SET 'utf8mb4' COLLATE "utf8mb4_unicode_ci",
                  n VARCHAR(3) CHARACTER SET utf8mb3 COLLATE uca1400_ai_ci) CHARSET=latin1\
                """)
            .expect(
                "shop.cs",
                "a varchar/latin1, b varchar/utf8mb3, c varchar/utf8mb4, d char/latin1,"
                    + " e char/ucs2, f varchar/utf8mb3, g varchar/latin1, h binary, i blob,"
                    + " j enum/binary('x'), k binary, l char/utf8mb3, m varchar/utf8mb4,"
                    + " n varchar/utf8mb3"));
    cases.add(
        mariaDb("the table default comes from COLLATE alone")
            .ddl("CREATE TABLE t5 (a TEXT) ENGINE=MyISAM COLLATE=latin1_swedish_ci")
            .expect("shop.t5", "a text/latin1"));
    cases.add(
        mariaDb("the table default comes from the database")
            .ddl("legacy", "CREATE TABLE t6 (a TINYTEXT, b INT)")
            .expect("legacy.t6", "a tinytext/latin1, b int"));
    cases.add(
        mariaDb("a qualified name creates the table in that database, with its default")
            .ddl("CREATE TABLE app.t7 (a CHAR(1))")
            .expect("app.t7", "a char/utf8mb3"));
    cases.add(
        mariaDb("data type synonyms and sizes fold as the server folds them")
            .ddl(
                """
                CREATE TABLE syn (a INTEGER, b BOOL, c DEC(5,2), d NUMERIC, e FIXED(3), f REAL,
                  g DOUBLE PRECISION, h FLOAT(30), i FLOAT(7,3), j INT1, k MIDDLEINT,
                  l INT8 UNSIGNED, m SERIAL, n LONG VARCHAR, o LONG VARBINARY,
                  p CHARACTER VARYING(4), q TEXT(100), r BLOB(70000), s BIT, t YEAR(4),
                  u TIME(3), v JSON, w INT(11) ZEROFILL, x MEDIUMINT(8) SIGNED, y LONG, z CHAR,
                  aa TINYTEXT, ab TEXT(300) CHARACTER SET latin1, ac INET6, ad UUID)\
                """)
            .expect(
                "shop.syn",
                "a int, b tinyint, c decimal, d decimal, e decimal, f double, g double, h double,"
                    + " i float, j tinyint, k mediumint, l bigint unsigned, m bigint unsigned,"
                    + " n mediumtext/utf8mb4, o mediumblob, p varchar/utf8mb4, q text/utf8mb4,"
                    + " r mediumblob, s bit, t year, u time, v longtext/utf8mb4, w int unsigned,"
                    + " x mediumint, y mediumtext/utf8mb4, z char/utf8mb4, aa tinytext/utf8mb4,"
                    + " ab text/latin1, ac inet6, ad uuid"));
    cases.add(
        mySql("JSON and spatial types on MySQL")
            .ddl("CREATE TABLE j (v JSON, w GEOMETRY NOT NULL SRID 4326, x POINT)")
            .expect("shop.j", "v json, w geometry, x point"));
    cases.add(
        mariaDb("REAL is FLOAT under REAL_AS_FLOAT")
            .ddl("CREATE TABLE r (f REAL)", REAL_AS_FLOAT)
            .expect("shop.r", "f float"));
    cases.add(
        mariaDb("a VARCHAR longer than 65,535 bytes became a TEXT type (non-strict session)")
            .ddl("CREATE TABLE v (a VARCHAR(70000) CHARACTER SET latin1, b VARCHAR(20000))")
            .expect("shop.v", "a mediumtext/latin1, b mediumtext/utf8mb4"));
    cases.add(
        mariaDb("generated, invisible and timestamp columns, inline primary key")
            .ddl(
                """
                CREATE TABLE g (a INT NOT NULL PRIMARY KEY, b INT AS (a * 2) VIRTUAL,
                  c INT GENERATED ALWAYS AS (a + 1) STORED NOT NULL COMMENT 'c',
                  d VARCHAR(10) INVISIBLE,
                  e DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
                  f INT AS (a) PERSISTENT)\
                """)
            .expect("shop.g", "a int, b int, c int, d varchar/utf8mb4, e datetime, f int | pk(a)"));
    cases.add(
        mariaDb("primary key constraint with a name, index type, prefix, order; case folded")
            .ddl(
                "CREATE TABLE p (a INT, b VARCHAR(40),"
                    + " CONSTRAINT pk_p PRIMARY KEY USING BTREE (b(10) DESC, A) COMMENT 'k')")
            .expect("shop.p", "a int, b varchar/utf8mb4 | pk(b,a)"));
    cases.add(
        mariaDb("the KEY attribute means PRIMARY KEY, UNIQUE KEY does not")
            .ddl("CREATE TABLE k (a INT KEY, b INT UNIQUE KEY)")
            .expect("shop.k", "a int, b int | pk(a)"));
    cases.add(
        mariaDb("indexes, foreign keys and checks are ignored")
            .ddl(
                """
                CREATE TABLE f (
                  id INT NOT NULL,
                  parent INT DEFAULT NULL REFERENCES f (id) MATCH FULL ON DELETE NO ACTION,
                  body TEXT,
                  geo POINT NOT NULL,
                  INDEX idx_parent (parent) USING HASH,
                  UNIQUE INDEX uq (id, parent),
                  FULLTEXT KEY ft (body) WITH PARSER ngram,
                  SPATIAL INDEX sp (geo),
                  KEY expr ((parent + 1)),
                  CONSTRAINT fk_parent FOREIGN KEY (parent) REFERENCES f (id)
                    ON DELETE CASCADE ON UPDATE SET NULL,
                  CONSTRAINT chk CHECK (id > 0) NOT ENFORCED,
                  CHECK (parent <> id)
                )\
                """)
            .expect("shop.f", "id int, parent int, body text/utf8mb4, geo point"));
    cases.add(
        mariaDb("default values of every shape")
            .ddl(
                """
                CREATE TABLE d (a INT DEFAULT -1, b BIT(1) DEFAULT b'0', c BINARY(2) DEFAULT 0x1F2E,
                  d CHAR(36) DEFAULT (uuid()), e VARCHAR(5) DEFAULT _utf8mb4'x' COLLATE utf8mb4_bin,
                  f INT DEFAULT NULL, g DOUBLE DEFAULT 1.5e3, h VARCHAR(4) DEFAULT 'a' 'b',
                  i BIGINT DEFAULT NEXT VALUE FOR s1, j DATE DEFAULT DATE '2020-01-01',
                  k INT DEFAULT +5, l DECIMAL(5,2) DEFAULT .5, m VARCHAR(3) DEFAULT X'414243',
                  n INT DEFAULT 1+1, o DOUBLE DEFAULT -1.5e-3, p INT DEFAULT TRUE)\
                """)
            .expect(
                "shop.d",
                "a int, b bit, c binary, d char/utf8mb4, e varchar/utf8mb4, f int, g double,"
                    + " h varchar/utf8mb4, i bigint, j date, k int, l decimal, m varchar/utf8mb4,"
                    + " n int, o double, p int"));
    cases.add(
        mariaDb("CREATE TABLE IF NOT EXISTS of an existing table changes nothing")
            .ddl("CREATE TABLE IF NOT EXISTS orders (x INT)")
            .expect("shop.orders", ORDERS));
    cases.add(
        mariaDb("CREATE OR REPLACE TABLE replaces")
            .ddl("CREATE OR REPLACE TABLE orders (x INT)")
            .expect("shop.orders", "x int"));
    cases.add(
        mariaDb("CREATE TABLE ... LIKE copies the columns and the key")
            .ddl("CREATE TABLE orders_copy LIKE orders")
            .expect("shop.orders_copy", ORDERS));
    cases.add(
        mariaDb("CREATE TABLE (LIKE ...) into another database keeps the copied default")
            .ddl("CREATE TABLE app.o2 (LIKE shop.orders)")
            .ddl("ALTER TABLE app.o2 ADD z CHAR(1)")
            .expect(
                "app.o2", cols(ID, USER, STATUS, AMOUNT, NOTE, CREATED, "z char/utf8mb4") + PK));
    cases.add(
        mariaDb("CREATE TABLE ... AS SELECT is unknown")
            .ddl("CREATE TABLE s AS SELECT * FROM orders")
            .expect("shop.s", "UNKNOWN"));
    cases.add(
        mariaDb("CREATE TABLE with columns and a SELECT is unknown")
            .ddl("CREATE TABLE s2 (extra INT) IGNORE SELECT id FROM orders")
            .expect("shop.s2", "UNKNOWN"));
    cases.add(
        mySql("MySQL 8 logs CREATE TABLE ... SELECT as CREATE TABLE ... START TRANSACTION")
            .ddl(
                "CREATE TABLE `s3` (\n  `id` bigint unsigned NOT NULL DEFAULT '0'\n) START TRANSACTION")
            .expect("shop.s3", "id bigint unsigned"));
    cases.add(
        mariaDb("a temporary table does not touch the base table of the same name")
            .ddl("CREATE TEMPORARY TABLE orders (x INT)")
            .ddl("DROP TEMPORARY TABLE IF EXISTS orders")
            .expect("shop.orders", ORDERS));
    cases.add(
        mariaDb("system versioning without explicit period columns is unknown")
            .ddl("CREATE TABLE sv (a INT) WITH SYSTEM VERSIONING")
            .expect("shop.sv", "UNKNOWN"));
    cases.add(
        mariaDb("system versioning with explicit period columns is known")
            .ddl(
                """
                CREATE TABLE sv2 (a INT,
                  rs TIMESTAMP(6) GENERATED ALWAYS AS ROW START INVISIBLE,
                  re TIMESTAMP(6) GENERATED ALWAYS AS ROW END INVISIBLE,
                  PERIOD FOR SYSTEM_TIME(rs, re)) WITH SYSTEM VERSIONING\
                """)
            .expect("shop.sv2", "a int, rs timestamp, re timestamp"));
    cases.add(
        mariaDb("an unsupported data type makes the created table unknown")
            .ddl("CREATE TABLE o (a VARCHAR2(10))")
            .expect("shop.o", "UNKNOWN"));
    cases.add(
        mariaDb("CREATE TABLE without a column list is unknown")
            .ddl("CREATE TABLE c ENGINE=CONNECT TABLE_TYPE=CSV FILE_NAME='c.csv'")
            .expect("shop.c", "UNKNOWN"));
    cases.add(
        mariaDb("partitioning clauses are ignored")
            .ddl(
                """
                CREATE TABLE pt (id INT NOT NULL, d DATE) PARTITION BY RANGE (YEAR(d))
                SUBPARTITION BY HASH (id) SUBPARTITIONS 2
                (PARTITION p0 VALUES LESS THAN (2020), PARTITION p1 VALUES LESS THAN MAXVALUE)\
                """)
            .expect("shop.pt", "id int, d date"));
    cases.add(
        mariaDb("table options of every kind are ignored")
            .ddl(
                """
                CREATE TABLE opt (a INT) ENGINE = InnoDB, AUTO_INCREMENT = 5, AVG_ROW_LENGTH 100
                CHECKSUM=1 COMMENT 'x' ENCRYPTED=YES KEY_BLOCK_SIZE=8 MAX_ROWS=10 MIN_ROWS=1
                PACK_KEYS=DEFAULT ROW_FORMAT=COMPRESSED STATS_PERSISTENT=0 DATA DIRECTORY='data'
                TABLESPACE innodb_system PAGE_COMPRESSED=1 IETF_QUOTES=YES UNION=(a, b)\
                """)
            .expect("shop.opt", "a int"));
  }

  private static void alterTable(List<Case> cases) {
    cases.add(
        mariaDb("ADD COLUMN ... AFTER")
            .ddl("ALTER TABLE orders ADD COLUMN coupon VARCHAR(16) NULL AFTER user_id")
            .expect(
                "shop.orders",
                cols(ID, USER, "coupon varchar/utf8mb4", STATUS, AMOUNT, NOTE, CREATED) + PK));
    cases.add(
        mariaDb("FIRST and AFTER are applied in statement order")
            .ddl("ALTER TABLE items ADD x INT FIRST, ADD y INT FIRST, ADD z INT AFTER x")
            .expect("shop.items", "y int, x int, z int, id int, sku varchar/utf8mb4 | pk(id)"));
    cases.add(
        mariaDb("ADD COLUMN (a, b) appends, with per-column character sets")
            .ddl("ALTER TABLE items ADD COLUMN (p INT, q VARCHAR(3) CHARACTER SET latin1)")
            .expect("shop.items", "id int, sku varchar/utf8mb4, p int, q varchar/latin1 | pk(id)"));
    cases.add(
        mariaDb("ADD COLUMN IF NOT EXISTS skips an existing column")
            .ddl("ALTER TABLE items ADD COLUMN IF NOT EXISTS sku INT, ADD IF NOT EXISTS n INT")
            .expect("shop.items", "id int, sku varchar/utf8mb4, n int | pk(id)"));
    cases.add(
        mariaDb("DROP [COLUMN] [IF EXISTS]")
            .ddl("ALTER TABLE orders DROP COLUMN note, DROP amount, DROP COLUMN IF EXISTS nothere")
            .expect("shop.orders", cols(ID, USER, STATUS, CREATED) + PK));
    cases.add(
        mariaDb("DROP of a column the history does not know is unknown")
            .ddl("ALTER TABLE orders DROP COLUMN nothere")
            .expect("shop.orders", "UNKNOWN")
            .expect("shop.items", ITEMS));
    cases.add(
        mariaDb("MODIFY with an explicit character set")
            .ddl("ALTER TABLE items MODIFY sku VARCHAR(32) CHARACTER SET latin1")
            .expect("shop.items", "id int, sku varchar/latin1 | pk(id)"));
    cases.add(
        mariaDb("MODIFY takes the table default, not the column's old character set")
            .ddl("ALTER TABLE items MODIFY sku VARCHAR(32) CHARACTER SET latin1")
            .ddl("ALTER TABLE items MODIFY COLUMN sku VARCHAR(64) NOT NULL")
            .expect("shop.items", ITEMS));
    cases.add(
        mariaDb("CHANGE renames and moves a column")
            .ddl(
                "ALTER TABLE orders CHANGE user_id customer_id BIGINT UNSIGNED NOT NULL AFTER"
                    + " created")
            .expect(
                "shop.orders",
                cols(ID, STATUS, AMOUNT, NOTE, CREATED, "customer_id bigint unsigned") + PK));
    cases.add(
        mariaDb("CHANGE of a primary key column renames it in the key")
            .ddl("ALTER TABLE orders CHANGE COLUMN id order_id BIGINT UNSIGNED AUTO_INCREMENT")
            .expect(
                "shop.orders",
                cols("order_id bigint unsigned", USER, STATUS, AMOUNT, NOTE, CREATED)
                    + " | pk(order_id)"));
    cases.add(
        mariaDb("the server's column placement rules for mixed ADD/CHANGE/MODIFY")
            .ddl(
                "ALTER TABLE items ADD c INT, CHANGE id id2 INT AFTER c, ADD e INT AFTER id2,"
                    + " MODIFY sku VARCHAR(32) FIRST")
            .expect("shop.items", "sku varchar/utf8mb4, c int, id2 int, e int | pk(id2)"));
    cases.add(
        mariaDb("RENAME COLUMN")
            .ddl("ALTER TABLE orders RENAME COLUMN status TO state")
            .expect(
                "shop.orders",
                cols(ID, USER, STATUS.replace("status", "state"), AMOUNT, NOTE, CREATED) + PK));
    cases.add(
        mariaDb("ALTER COLUMN SET/DROP DEFAULT changes nothing")
            .ddl(
                "ALTER TABLE orders ALTER COLUMN amount SET DEFAULT 0, ALTER note DROP DEFAULT,"
                    + " ALTER COLUMN created SET DEFAULT (now()), ALTER note SET INVISIBLE")
            .expect("shop.orders", ORDERS));
    cases.add(
        mariaDb("RENAME TO moves the table")
            .ddl("ALTER TABLE orders RENAME TO orders_v2")
            .expect("shop.orders_v2", ORDERS)
            .expect("shop.orders", "ABSENT"));
    cases.add(
        mariaDb("RENAME AS into another database; an unqualified target is in the default one")
            .ddl("ALTER TABLE shop.items RENAME AS app.items")
            .ddl("app", "ALTER TABLE legacy.t1 RENAME t1")
            .expect("app.items", ITEMS)
            .expect("app.t1", "a int, b varchar/latin1, c text/latin1")
            .expect("legacy.t1", "ABSENT"));
    cases.add(
        mariaDb("CONVERT TO CHARACTER SET converts text columns and grows TEXT types")
            .ddl(
                "ALTER TABLE legacy.t1 CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
            .ddl("ALTER TABLE legacy.t1 ADD d TINYTEXT")
            .expect(
                "legacy.t1", "a int, b varchar/utf8mb4, c mediumtext/utf8mb4, d tinytext/utf8mb4"));
    cases.add(
        mariaDb("CONVERT TO also converts columns added with their own character set")
            .ddl(
                "ALTER TABLE items CONVERT TO CHARACTER SET latin1, ADD c VARCHAR(3) CHARACTER SET"
                    + " utf8mb4, ADD d TEXT")
            .expect(
                "shop.items",
                "id int, sku varchar/latin1, c varchar/latin1, d text/latin1 | pk(id)"));
    cases.add(
        mariaDb("DEFAULT CHARACTER SET changes the default for new columns only")
            .ddl("ALTER TABLE items DEFAULT CHARACTER SET = latin1, ADD z VARCHAR(3)")
            .ddl("ALTER TABLE items ADD w TEXT")
            .expect(
                "shop.items",
                "id int, sku varchar/utf8mb4, z varchar/latin1, w text/latin1 | pk(id)"));
    cases.add(
        mariaDb("COLLATE alone sets the table's default character set")
            .ddl("ALTER TABLE items COLLATE latin1_bin")
            .ddl("ALTER TABLE items ADD z CHAR(1)")
            .expect("shop.items", "id int, sku varchar/utf8mb4, z char/latin1 | pk(id)"));
    cases.add(
        mariaDb("DROP PRIMARY KEY and ADD PRIMARY KEY")
            .ddl("ALTER TABLE orders DROP PRIMARY KEY, ADD PRIMARY KEY (user_id, ID)")
            .expect(
                "shop.orders",
                cols(ID, USER, STATUS, AMOUNT, NOTE, CREATED) + " | pk(user_id,id)"));
    cases.add(
        mariaDb("dropping a key column removes it from the key")
            .ddl("ALTER TABLE orders DROP COLUMN id")
            .expect("shop.orders", cols(USER, STATUS, AMOUNT, NOTE, CREATED)));
    cases.add(
        mariaDb("DROP INDEX `PRIMARY` drops the primary key")
            .ddl("ALTER TABLE items DROP INDEX `PRIMARY`")
            .expect("shop.items", "id int, sku varchar/utf8mb4"));
    cases.add(
        mariaDb("MODIFY ... PRIMARY KEY sets the key")
            .ddl("ALTER TABLE items DROP PRIMARY KEY, MODIFY sku VARCHAR(32) NOT NULL PRIMARY KEY")
            .expect("shop.items", "id int, sku varchar/utf8mb4 | pk(sku)"));
    cases.add(
        mariaDb("index, constraint, algorithm and option clauses change nothing")
            .ddl(
                """
                ALTER TABLE orders ADD INDEX idx_user (user_id), ADD UNIQUE KEY IF NOT EXISTS uq (note),
                  DROP INDEX IF EXISTS idx_old, DROP KEY k2,
                  ADD CONSTRAINT fk_u FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT,
                  DROP FOREIGN KEY fk_old, ADD CONSTRAINT chk CHECK (amount >= 0), DROP CHECK chk_old,
                  DROP CONSTRAINT c_old, ADD FULLTEXT INDEX ft (note), ADD SPATIAL INDEX sp (geo),
                  RENAME INDEX a TO b, RENAME KEY c TO d, ALTER INDEX i INVISIBLE,
                  ALTER INDEX j NOT IGNORED, ALTER CHECK chk NOT ENFORCED, ALGORITHM=INPLACE,
                  LOCK=NONE, ENGINE=InnoDB, AUTO_INCREMENT=100, COMMENT='orders', ROW_FORMAT=DYNAMIC,
                  STATS_PERSISTENT=1, FORCE, ENABLE KEYS, ORDER BY created, id\
                """)
            .expect("shop.orders", ORDERS));
    cases.add(
        mariaDb("partition maintenance changes nothing")
            .ddl("ALTER TABLE orders ADD PARTITION (PARTITION p3 VALUES LESS THAN (300))")
            .ddl("ALTER TABLE orders DROP PARTITION p0, p1")
            .ddl("ALTER TABLE orders TRUNCATE PARTITION p2")
            .ddl(
                "ALTER TABLE orders REORGANIZE PARTITION p3 INTO (PARTITION p3a VALUES LESS THAN"
                    + " (250), PARTITION p3b VALUES LESS THAN (300))")
            .ddl("ALTER TABLE orders PARTITION BY HASH(id) PARTITIONS 8")
            .ddl("ALTER TABLE orders REMOVE PARTITIONING")
            .ddl("ALTER TABLE orders EXCHANGE PARTITION p0 WITH TABLE orders_archive")
            .expect("shop.orders", ORDERS));
    cases.add(
        mariaDb("ONLINE, IGNORE, IF EXISTS and WAIT modifiers")
            .ddl("ALTER ONLINE IGNORE TABLE IF EXISTS orders WAIT 5 ADD x INT")
            .expect("shop.orders", cols(ID, USER, STATUS, AMOUNT, NOTE, CREATED, "x int") + PK));
    cases.add(
        mariaDb("ALTER TABLE IF EXISTS of a missing table changes nothing")
            .ddl("ALTER TABLE IF EXISTS nothere ADD x INT")
            .expect("shop.nothere", "ABSENT"));
    cases.add(
        mariaDb("ALTER of a table the history has no definition for is unknown")
            .ddl("ALTER TABLE nothere ADD x INT")
            .expect("shop.nothere", "UNKNOWN"));
    cases.add(
        mariaDb("ADD SYSTEM VERSIONING is unknown")
            .ddl("ALTER TABLE orders ADD SYSTEM VERSIONING")
            .expect("shop.orders", "UNKNOWN"));
    cases.add(
        mariaDb("an unsupported data type in ALTER is unknown")
            .ddl("ALTER TABLE orders ADD COLUMN c NUMBER(5)")
            .expect("shop.orders", "UNKNOWN"));
    cases.add(
        mariaDb("a clause not understood before RENAME TO still moves the unknown table")
            .ddl("ALTER TABLE orders FROBNICATE everything, RENAME TO o3")
            .expect("shop.o3", "UNKNOWN")
            .expect("shop.orders", "ABSENT"));
    cases.add(
        mariaDb("DDL written under sql_mode=ORACLE is not interpreted")
            .ddl("ALTER TABLE orders ADD d DATE", ORACLE)
            .expect("shop.orders", "UNKNOWN"));
    cases.add(
        mariaDb("MariaDB CONVERT PARTITION ... TO TABLE creates a table like it")
            .ddl("ALTER TABLE orders CONVERT PARTITION p0 TO TABLE orders_p0")
            .expect("shop.orders_p0", ORDERS)
            .expect("shop.orders", ORDERS));
    cases.add(
        mariaDb("gh-ost's statements")
            .ddl("create /* gh-ost */ table `shop`.`_orders_gho` like `shop`.`orders`")
            .ddl(
                "alter /* gh-ost */ table `shop`.`_orders_gho` add column `x` int not null default 0")
            .ddl(
                "rename /* gh-ost */ table `shop`.`orders` to `shop`.`_orders_del`,"
                    + " `shop`.`_orders_gho` to `shop`.`orders`")
            .ddl("drop /* gh-ost */ table if exists `shop`.`_orders_del`")
            .expect("shop.orders", cols(ID, USER, STATUS, AMOUNT, NOTE, CREATED, "x int") + PK)
            .expect("shop._orders_gho", "ABSENT")
            .expect("shop._orders_del", "ABSENT"));
    cases.add(
        mySql("pt-online-schema-change's statements")
            .ddl("CREATE TABLE `shop`.`_orders_new` LIKE `shop`.`orders`")
            .ddl("ALTER TABLE `shop`.`_orders_new` MODIFY COLUMN note TEXT NOT NULL")
            .ddl(
                "RENAME TABLE `shop`.`orders` TO `shop`.`_orders_old`, `shop`.`_orders_new` TO"
                    + " `shop`.`orders`")
            .ddl("DROP TABLE IF EXISTS `shop`.`_orders_old`")
            .expect(
                "shop.orders", cols(ID, USER, STATUS, AMOUNT, "note text/utf8mb4", CREATED) + PK));
  }

  private static void renameDropTruncate(List<Case> cases) {
    cases.add(
        mariaDb("RENAME TABLE applies in order, so a three-way rename swaps")
            .ddl("RENAME TABLE orders TO tmp, items TO orders, tmp TO items")
            .expect("shop.orders", ITEMS)
            .expect("shop.items", ORDERS)
            .expect("shop.tmp", "ABSENT"));
    cases.add(
        mariaDb("DROP TABLE as the server logs it")
            .ddl("DROP TABLE IF EXISTS `orders` /* generated by server */")
            .expect("shop.orders", "ABSENT")
            .expect("shop.items", ITEMS));
    cases.add(
        mariaDb("DROP TABLE of a list with qualified names")
            .ddl("DROP TABLE orders, shop.items, `legacy`.`t1` RESTRICT")
            .expect("shop.orders", "ABSENT")
            .expect("shop.items", "ABSENT")
            .expect("legacy.t1", "ABSENT"));
    cases.add(
        mariaDb("TRUNCATE changes nothing")
            .ddl("TRUNCATE TABLE orders")
            .ddl("TRUNCATE items")
            .expect("shop.orders", ORDERS)
            .expect("shop.items", ITEMS));
    cases.add(
        mariaDb("RENAME of a table the history does not know makes the target unknown")
            .ddl("RENAME TABLE some_view TO orders_view")
            .expect("shop.orders_view", "UNKNOWN"));
    cases.add(
        mariaDb("a statement of an unknown kind makes the tracked tables it names unknown")
            .ddl("ALTER WIDGET shop.orders SET x = 1")
            .expect("shop.orders", "UNKNOWN")
            .expect("shop.items", ITEMS));
    cases.add(
        mariaDb("DDL on system schemas is ignored")
            .ddl("ALTER TABLE mysql.user ADD x INT")
            .ddl("CREATE TABLE mysql.t (a INT)")
            .expect("mysql.user", "ABSENT")
            .expect("mysql.t", "ABSENT"));
  }

  private static void databases(List<Case> cases) {
    cases.add(
        mariaDb("CREATE DATABASE with a character set")
            .ddl("CREATE DATABASE d2 CHARACTER SET latin1")
            .ddl("CREATE TABLE d2.t (a VARCHAR(2))")
            .expect("d2.t", "a varchar/latin1"));
    cases.add(
        mariaDb("CREATE DATABASE without one takes the event's server character set")
            .ddl("", "CREATE DATABASE d3", Optional.of("utf8mb4"))
            .ddl("d3", "CREATE TABLE t (a TEXT)", Optional.empty())
            .expect("d3.t", "a text/utf8mb4"));
    cases.add(
        mariaDb("CREATE DATABASE without one falls back to the seeded server character set")
            .ddl("", "CREATE DATABASE d3", Optional.empty())
            .ddl("d3", "CREATE TABLE t (a TEXT)", Optional.empty())
            .expect("d3.t", "a text/latin1"));
    cases.add(
        mariaDb("ALTER DATABASE changes the default for new tables only")
            .ddl("ALTER DATABASE shop CHARACTER SET latin1")
            .ddl("CREATE TABLE t (a CHAR(1))")
            .expect("shop.t", "a char/latin1")
            .expect("shop.orders", ORDERS));
    cases.add(
        mariaDb("ALTER SCHEMA without a name applies to the default database")
            .ddl("app", "ALTER SCHEMA DEFAULT COLLATE = latin1_bin", Optional.empty())
            .ddl("app", "CREATE TABLE t (a CHAR(1))", Optional.empty())
            .expect("app.t", "a char/latin1"));
    cases.add(
        mariaDb("DROP DATABASE drops its tables")
            .ddl("DROP DATABASE shop")
            .expect("shop.orders", "ABSENT")
            .expect("shop.items", "ABSENT")
            .expect("legacy.t1", "a int, b varchar/latin1, c text/latin1"));
    cases.add(
        mariaDb("CREATE SCHEMA IF NOT EXISTS of an existing database changes nothing")
            .ddl("CREATE SCHEMA IF NOT EXISTS shop DEFAULT CHARACTER SET latin1")
            .ddl("CREATE TABLE shop.t (a CHAR(1))")
            .expect("shop.t", "a char/utf8mb4"));
    cases.add(
        mariaDb("CREATE OR REPLACE DATABASE drops its tables")
            .ddl("CREATE OR REPLACE DATABASE legacy CHARACTER SET utf8mb4")
            .expect("legacy.t1", "ABSENT"));
  }

  private static void statementsThatChangeNothing(List<Case> cases) {
    List<String> statements =
        List.of(
            "BEGIN",
            "COMMIT",
            "ROLLBACK",
            "SAVEPOINT sp1",
            "XA START 'x'",
            "SET NAMES utf8mb4",
            "GRANT SELECT ON shop.orders TO 'u'@'%'",
            "CREATE USER 'u'@'%' IDENTIFIED BY 'p'",
            "ALTER USER 'u'@'%' IDENTIFIED BY 'q'",
            "DROP USER 'u'@'%'",
            "RENAME USER 'a'@'%' TO 'b'@'%'",
            "FLUSH TABLES orders",
            "ANALYZE TABLE orders",
            "OPTIMIZE TABLE orders",
            "INSERT INTO orders (id) VALUES (1)",
            "UPDATE orders SET note = 'x'",
            "CREATE VIEW v AS SELECT * FROM orders",
            "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v2`"
                + " AS select 1",
            "CREATE OR REPLACE VIEW v AS SELECT id FROM orders",
            "ALTER VIEW v AS SELECT 1",
            "ALTER DEFINER=root@localhost VIEW v AS SELECT 1",
            "DROP VIEW IF EXISTS v",
            "CREATE DEFINER=`root`@`%` TRIGGER trg BEFORE INSERT ON orders FOR EACH ROW SET"
                + " NEW.note = 'x'",
            "DROP TRIGGER IF EXISTS trg",
            "CREATE DEFINER=CURRENT_USER PROCEDURE p() BEGIN ALTER TABLE orders ADD x INT; END",
            "DROP PROCEDURE p",
            "CREATE FUNCTION f() RETURNS INT RETURN 1",
            "CREATE EVENT e ON SCHEDULE EVERY 1 HOUR DO DELETE FROM orders",
            "ALTER EVENT e DISABLE",
            "CREATE UNIQUE INDEX ix ON orders (note)",
            "CREATE INDEX ix2 ON orders (user_id) ALGORITHM=INPLACE",
            "DROP INDEX ix ON orders",
            "CREATE ROLE r",
            "ALTER SEQUENCE s1 RESTART 5",
            "/*!40000 ALTER TABLE `orders` DISABLE KEYS */",
            "/*!40000 ALTER TABLE `orders` ENABLE KEYS */");
    for (String sql : statements) {
      cases.add(mariaDb("no change: " + sql).ddl(sql).expect("shop.orders", ORDERS));
    }
  }

  // ---------------------------------------------------------------- case builder

  private static String cols(String... columns) {
    return String.join(", ", columns);
  }

  private static Case mariaDb(String name) {
    return new Case(name, FakeInformationSchema::mariaDb);
  }

  private static Case mySql(String name) {
    return new Case(name, FakeInformationSchema::mySql);
  }

  private record Step(String schema, String sql, Optional<String> charset, long sqlMode) {}

  static final class Case {
    final String name;
    final Supplier<FakeInformationSchema> server;
    final List<Step> steps = new ArrayList<>();
    final Map<String, String> expected = new LinkedHashMap<>();

    Case(String name, Supplier<FakeInformationSchema> server) {
      this.name = name;
      this.server = server;
    }

    Case ddl(String sql) {
      return ddl(sql, 0);
    }

    Case ddl(String sql, long sqlMode) {
      steps.add(new Step("shop", sql, Optional.empty(), sqlMode));
      return this;
    }

    Case ddl(String schema, String sql) {
      steps.add(new Step(schema, sql, Optional.empty(), 0));
      return this;
    }

    Case ddl(String schema, String sql, Optional<String> charset) {
      steps.add(new Step(schema, sql, charset, 0));
      return this;
    }

    Case expect(String table, String columns) {
      expected.put(table, columns);
      return this;
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
