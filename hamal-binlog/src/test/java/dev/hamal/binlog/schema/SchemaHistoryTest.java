package dev.hamal.binlog.schema;

import static dev.hamal.binlog.schema.FakeInformationSchema.pos;
import static dev.hamal.binlog.schema.FakeInformationSchema.render;
import static dev.hamal.binlog.schema.FakeInformationSchema.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.TableName;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SchemaHistoryTest {

  private static final String ITEMS = "id int, sku varchar/utf8mb4 | pk(id)";
  private static final BinlogPosition SEED = pos("binlog.000009", 4);

  private static SchemaHistory seeded() {
    SchemaHistory history = SchemaHistory.inMemory();
    history.seed(SEED, FakeInformationSchema.mariaDb(), t -> !t.schema().equals("ext"));
    return history;
  }

  private static String at(SchemaHistory history, String table, BinlogPosition position) {
    return render(history.lookup(table(table), position));
  }

  private static List<TableName> ddl(SchemaHistory history, BinlogPosition at, String sql) {
    return history.applyDdl(at, "shop", sql, Optional.empty());
  }

  @Test
  void shouldAnswerEachPositionWithTheVersionValidThereAcrossFiles() {
    SchemaHistory history = seeded();
    ddl(history, pos("binlog.000009", 500), "ALTER TABLE items ADD x INT");
    ddl(history, pos("binlog.000010", 300), "ALTER TABLE items DROP x, ADD y TEXT");

    String original = ITEMS;
    String withX = "id int, sku varchar/utf8mb4, x int | pk(id)";
    String withY = "id int, sku varchar/utf8mb4, y text/utf8mb4 | pk(id)";
    assertThat(at(history, "shop.items", pos("binlog.000009", 4))).isEqualTo(original);
    assertThat(at(history, "shop.items", pos("binlog.000009", 499))).isEqualTo(original);
    assertThat(at(history, "shop.items", pos("binlog.000009", 600))).isEqualTo(withX);
    assertThat(at(history, "shop.items", pos("binlog.000009", 99_999))).isEqualTo(withX);
    assertThat(at(history, "shop.items", pos("binlog.000010", 4))).isEqualTo(withX);
    assertThat(at(history, "shop.items", pos("binlog.000010", 301))).isEqualTo(withY);
    assertThat(at(history, "shop.items", pos("binlog.000123", 4))).isEqualTo(withY);
  }

  @Test
  void shouldAnswerUnknownBeforeTheHistoryStarts() {
    SchemaHistory history = seeded();

    SchemaHistory.Lookup before = history.lookup(table("shop.items"), pos("binlog.000008", 900));

    assertThat(before).isInstanceOf(SchemaHistory.Unknown.class);
    assertThat(((SchemaHistory.Unknown) before).since()).isEqualTo(SEED);
    assertThat(((SchemaHistory.Unknown) before).reason()).contains("before the schema history");
  }

  @Test
  void shouldBeEmptyAndAnswerUnknownUntilSeeded() {
    SchemaHistory history = SchemaHistory.inMemory();

    assertThat(history.isEmpty()).isTrue();
    assertThat(history.lookup(table("shop.items"), SEED)).isInstanceOf(SchemaHistory.Unknown.class);
    history.seed(SEED, FakeInformationSchema.mariaDb(), t -> true);
    assertThat(history.isEmpty()).isFalse();
    assertThat(at(history, "shop.items", SEED)).isEqualTo(ITEMS);
  }

  @Test
  void shouldAnswerAbsentForTablesThatDoNotExist() {
    SchemaHistory history = seeded();
    ddl(history, pos("binlog.000009", 500), "DROP TABLE items");

    assertThat(history.lookup(table("shop.nothere"), pos("binlog.000009", 10)))
        .isEqualTo(SchemaHistory.Absent.INSTANCE);
    assertThat(at(history, "shop.items", pos("binlog.000009", 600))).isEqualTo("ABSENT");
    assertThat(at(history, "shop.items", pos("binlog.000009", 10))).isEqualTo(ITEMS);
  }

  @Test
  void shouldNotApplyAStatementTwiceWhenItsPositionIsReadAgain() {
    SchemaHistory history = seeded();
    BinlogPosition add = pos("binlog.000009", 500);
    List<TableName> first = ddl(history, add, "ALTER TABLE items ADD x INT");
    ddl(history, pos("binlog.000009", 900), "ALTER TABLE items ADD y INT");

    // after a reconnect or a restart from an older committed position the reader sees both again
    List<TableName> again = ddl(history, add, "ALTER TABLE items ADD x INT");
    ddl(history, pos("binlog.000009", 900), "ALTER TABLE items ADD y INT");

    assertThat(first).containsExactly(table("shop.items"));
    assertThat(again).isEqualTo(first);
    assertThat(at(history, "shop.items", pos("binlog.000010", 4)))
        .isEqualTo("id int, sku varchar/utf8mb4, x int, y int | pk(id)");
  }

  @Test
  void shouldNotApplyDdlFromBeforeTheSeedBecauseTheSeedAlreadyReflectsIt() {
    SchemaHistory history = seeded();

    List<TableName> changed = ddl(history, pos("binlog.000008", 100), "DROP TABLE items");

    assertThat(changed).isEmpty();
    assertThat(at(history, "shop.items", SEED)).isEqualTo(ITEMS);
  }

  @Test
  void shouldApplyDdlAtTheSeedPositionBecauseTheSeedDescribesTheStateBeforeIt() {
    SchemaHistory history = seeded();

    List<TableName> changed = ddl(history, SEED, "DROP TABLE items");

    assertThat(changed).containsExactly(table("shop.items"));
    assertThat(at(history, "shop.items", pos("binlog.000009", 5))).isEqualTo("ABSENT");
  }

  @Test
  void shouldRejectASeedBehindWhatTheHistoryCovers() {
    SchemaHistory history = seeded();
    ddl(history, pos("binlog.000009", 500), "ALTER TABLE items ADD x INT");

    assertThatThrownBy(() ->
            history.seed(pos("binlog.000009", 400), FakeInformationSchema.mariaDb(), t -> true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("binlog.000009:500");
    assertThatThrownBy(() ->
            history.seed(pos("binlog.000009", 500), FakeInformationSchema.mariaDb(), t -> true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldReplaceTheLatestStateOnReseedAndKeepOlderVersions() {
    SchemaHistory history = seeded();
    ddl(history, pos("binlog.000009", 500), "ALTER TABLE items ADD x INT");
    FakeInformationSchema later =
        new FakeInformationSchema("10.11.6-MariaDB", "latin1", 0)
            .database("shop", "utf8mb4")
            .table("shop", "items", "utf8mb4_general_ci")
            .column("shop", "items", "id", "int", "int(11)", null, null)
            .column("shop", "items", "z", "tinyint", "tinyint(3) unsigned", null, null);

    history.seed(pos("binlog.000011", 4), later, t -> true);

    assertThat(at(history, "shop.items", pos("binlog.000011", 4)))
        .isEqualTo("id int, z tinyint unsigned");
    assertThat(at(history, "shop.orders", pos("binlog.000011", 4))).isEqualTo("ABSENT");
    assertThat(at(history, "shop.items", pos("binlog.000010", 4)))
        .isEqualTo("id int, sku varchar/utf8mb4, x int | pk(id)");
    assertThat(at(history, "shop.orders", pos("binlog.000010", 4)))
        .startsWith("id bigint unsigned");
  }

  @Test
  void shouldReportTablesExcludedFromTheSeedAsUntrackedAndFollowOnlyTheirRenames() {
    SchemaHistory history = seeded();
    ddl(history, pos("binlog.000009", 500), "ALTER TABLE ext.audit ADD y INT");
    List<TableName> renamed =
        ddl(history, pos("binlog.000009", 600), "RENAME TABLE ext.audit TO ext.audit_old");

    SchemaHistory.Lookup audit = history.lookup(table("ext.audit_old"), pos("binlog.000010", 4));
    assertThat(audit).isInstanceOf(SchemaHistory.Unknown.class);
    assertThat(((SchemaHistory.Unknown) audit).reason()).contains("not tracked");
    assertThat(renamed).containsExactlyInAnyOrder(table("ext.audit"), table("ext.audit_old"));
    assertThat(at(history, "ext.audit", pos("binlog.000010", 4))).isEqualTo("ABSENT");
  }

  @Test
  void shouldStayUnknownFromTheStatementOnUntilTheTableIsCreatedAgain() {
    SchemaHistory history = seeded();
    BinlogPosition broken = pos("binlog.000009", 500);
    ddl(history, broken, "CREATE TABLE items2 AS SELECT * FROM items");
    ddl(history, pos("binlog.000009", 600), "ALTER TABLE items2 ADD x INT");

    SchemaHistory.Lookup unknown = history.lookup(table("shop.items2"), pos("binlog.000009", 700));
    assertThat(unknown).isInstanceOf(SchemaHistory.Unknown.class);
    assertThat(((SchemaHistory.Unknown) unknown).since()).isEqualTo(broken);
    assertThat(((SchemaHistory.Unknown) unknown).reason()).contains("SELECT");

    ddl(history, pos("binlog.000009", 800), "DROP TABLE items2");
    ddl(history, pos("binlog.000009", 900), "CREATE TABLE items2 (a INT)");
    assertThat(at(history, "shop.items2", pos("binlog.000009", 901))).isEqualTo("a int");
  }

  @Test
  void shouldReturnEveryTableAStatementChangedAndNothingForOtherStatements() {
    SchemaHistory history = seeded();

    List<TableName> swap =
        ddl(
            history,
            pos("binlog.000009", 500),
            "RENAME TABLE orders TO tmp, items TO orders, tmp TO items");
    List<TableName> none = ddl(history, pos("binlog.000009", 600), "TRUNCATE TABLE orders");
    List<TableName> view = ddl(history, pos("binlog.000009", 700), "CREATE VIEW v AS SELECT 1");

    assertThat(swap).containsExactlyInAnyOrder(table("shop.orders"), table("shop.items"));
    assertThat(none).isEmpty();
    assertThat(view).isEmpty();
  }

  @Test
  void shouldMakeNamedTablesUnknownWhenANameCannotBeResolvedWithoutADefaultDatabase() {
    SchemaHistory history = seeded();

    List<TableName> changed =
        history.applyDdl(
            pos("binlog.000009", 500), "", "RENAME TABLE shop.items TO items2", Optional.empty());

    assertThat(changed).containsExactly(table("shop.items"));
    assertThat(history.lookup(table("shop.items"), pos("binlog.000009", 600)))
        .isInstanceOfSatisfying(
            SchemaHistory.Unknown.class,
            u -> assertThat(u.reason()).contains("no database is in use"));
  }

  @Test
  void shouldLogTheStatementAtWarnWhenATableBecomesUnknown() {
    Logger logger = (Logger) LoggerFactory.getLogger(SchemaHistory.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      SchemaHistory history = seeded();
      ddl(history, pos("binlog.000009", 500), "ALTER TABLE items ADD SYSTEM VERSIONING");

      assertThat(appender.list)
          .filteredOn(e -> e.getLevel() == Level.WARN)
          .singleElement()
          .satisfies(e -> {
            assertThat(e.getFormattedMessage())
                .contains("shop.items")
                .contains("binlog.000009:500")
                .contains("ALTER TABLE items ADD SYSTEM VERSIONING");
          });
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void shouldCompareNamesIgnoringCaseWhenTheServerDoes() {
    FakeInformationSchema server =
        new FakeInformationSchema("8.0.36", "utf8mb4", 1)
            .database("shop", "utf8mb4")
            .table("shop", "items", "utf8mb4_0900_ai_ci")
            .column("shop", "items", "id", "int", "int", null, null);
    SchemaHistory history = SchemaHistory.inMemory();
    history.seed(SEED, server, t -> true);

    history.applyDdl(
        pos("binlog.000009", 500), "Shop", "ALTER TABLE Items ADD X INT", Optional.empty());
    history.applyDdl(
        pos("binlog.000009", 600), "SHOP", "CREATE TABLE NewOne (a INT)", Optional.empty());

    assertThat(at(history, "shop.items", pos("binlog.000010", 4))).isEqualTo("id int, X int");
    assertThat(at(history, "SHOP.ITEMS", pos("binlog.000010", 4))).isEqualTo("id int, X int");
    SchemaHistory.Lookup created = history.lookup(table("shop.newone"), pos("binlog.000010", 4));
    assertThat(((SchemaHistory.Known) created).schema().name()).isEqualTo(table("shop.newone"));
  }

  @Test
  void shouldLeaveTheHistoryUnchangedWhenTheStoreCannotRecordAChange() {
    FailingStore store = new FailingStore();
    SchemaHistory history = SchemaHistory.open(store);
    history.seed(SEED, FakeInformationSchema.mariaDb(), t -> true);
    store.failing = true;

    assertThatThrownBy(() -> ddl(history, pos("binlog.000009", 500), "DROP TABLE items"))
        .isInstanceOf(UncheckedIOException.class);

    assertThat(at(history, "shop.items", pos("binlog.000009", 600))).isEqualTo(ITEMS);
    store.failing = false;
    assertThat(ddl(history, pos("binlog.000009", 500), "DROP TABLE items"))
        .containsExactly(table("shop.items"));
    assertThat(at(history, "shop.items", pos("binlog.000009", 600))).isEqualTo("ABSENT");
  }

  @Test
  void shouldRebuildTheSameHistoryFromItsStoredRecords() {
    MemorySchemaHistoryStore store = new MemorySchemaHistoryStore();
    SchemaHistory original = SchemaHistory.open(store);
    original.seed(SEED, FakeInformationSchema.mariaDb(), t -> !t.schema().equals("ext"));
    original.applyDdl(
        pos("binlog.000009", 500), "shop", "ALTER TABLE items ADD x INT", Optional.empty());
    original.applyDdl(pos("binlog.000009", 600), "", "CREATE DATABASE d2", Optional.of("utf8mb4"));
    original.applyDdl(pos("binlog.000009", 700), "d2", "CREATE TABLE t (a TEXT)", Optional.empty());
    original.applyDdl(
        pos("binlog.000010", 100), "shop", "CREATE TABLE s SELECT 1", Optional.empty());
    original.applyDdl(pos("binlog.000010", 200), "shop", "DROP TABLE orders", Optional.empty());

    SchemaHistory reopened = SchemaHistory.open(store);

    for (String table : List.of("shop.items", "shop.orders", "d2.t", "shop.s", "ext.audit")) {
      for (BinlogPosition p :
          List.of(
              pos("binlog.000009", 4),
              pos("binlog.000009", 550),
              pos("binlog.000009", 800),
              pos("binlog.000010", 150),
              pos("binlog.000010", 250))) {
        assertThat(reopened.lookup(table(table), p))
            .as(table + " at " + p)
            .isEqualTo(original.lookup(table(table), p));
      }
    }
    // the reopened history continues where the original stopped: a re-read is not applied twice,
    // and new DDL sees the database default recorded before the restart
    reopened.applyDdl(
        pos("binlog.000009", 500), "shop", "ALTER TABLE items ADD x INT", Optional.empty());
    reopened.applyDdl(pos("binlog.000010", 300), "d2", "CREATE TABLE u (b TEXT)", Optional.empty());
    assertThat(at(reopened, "shop.items", pos("binlog.000011", 4)))
        .isEqualTo("id int, sku varchar/utf8mb4, x int | pk(id)");
    assertThat(at(reopened, "d2.u", pos("binlog.000011", 4))).isEqualTo("b text/utf8mb4");
  }

  @Test
  void shouldReportARecordOutOfBinlogOrderAsCorruption() {
    MemorySchemaHistoryStore store = new MemorySchemaHistoryStore();
    SchemaHistory history = SchemaHistory.open(store);
    history.seed(SEED, FakeInformationSchema.mariaDb(), t -> true);
    history.applyDdl(pos("binlog.000009", 500), "shop", "DROP TABLE items", Optional.empty());
    MemorySchemaHistoryStore reordered = new MemorySchemaHistoryStore();
    reordered.append(store.load().get(1));
    reordered.append(store.load().get(0));

    assertThatThrownBy(() -> SchemaHistory.open(reordered))
        .isInstanceOf(SchemaHistoryCorruptException.class)
        .hasMessageContaining("in-memory record 1");
  }

  /** A store whose appends fail while {@link #failing} is set. */
  private static final class FailingStore implements SchemaHistoryStore {
    private final MemorySchemaHistoryStore delegate = new MemorySchemaHistoryStore();
    boolean failing;

    @Override
    public List<String> load() {
      return delegate.load();
    }

    @Override
    public void append(String record) {
      if (failing) {
        throw new UncheckedIOException(new java.io.IOException("disk full"));
      }
      delegate.append(record);
    }

    @Override
    public String locate(int index) {
      return delegate.locate(index);
    }

    @Override
    public void close() {}
  }
}
