package dev.hamal.binlog.schema;

import static dev.hamal.binlog.schema.FakeInformationSchema.pos;
import static dev.hamal.binlog.schema.FakeInformationSchema.render;
import static dev.hamal.binlog.schema.FakeInformationSchema.table;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InformationSchemaSeederTest {

  @Test
  void shouldReadLabelsWithQuotesBackslashesAndCommasAsColumnTypePrintsThem() {
    assertThat(InformationSchemaSeeder.labels("enum('it''s','back\\\\slash','a,b','','x\"y')"))
        .containsExactly("it's", "back\\slash", "a,b", "", "x\"y");
    assertThat(InformationSchemaSeeder.labels("set('p','q')")).containsExactly("p", "q");
  }

  @Test
  void shouldSeedAnyNumberOfTablesWithFiveQueriesAndSkipTheSystemSchemas() {
    FakeInformationSchema server = FakeInformationSchema.mariaDb();
    for (int i = 0; i < 200; i++) {
      server
          .table("shop", "orders_" + i, "utf8mb4_general_ci")
          .column("shop", "orders_" + i, "id", "int", "int(11)", null, null);
    }
    SchemaHistory history = SchemaHistory.inMemory();

    history.seed(pos("binlog.000001", 4), server, t -> true);

    assertThat(server.queries()).hasSize(5);
    assertThat(server.queries())
        .allSatisfy(sql ->
            assertThat(sql)
                .satisfiesAnyOf(
                    s -> assertThat(s).doesNotContain("information_schema."),
                    s ->
                        assertThat(s)
                            .contains(
                                "NOT IN ('mysql','information_schema','performance_schema','sys')")));
    assertThat(render(history.lookup(table("shop.orders_199"), pos("binlog.000001", 4))))
        .isEqualTo("id int");
  }

  @Test
  void shouldMapColumnTypeToUnsignedLabelsAndCharsets() {
    FakeInformationSchema server =
        new FakeInformationSchema("5.7.44-log", "utf8", 0)
            .database("old", "utf8")
            .table("old", "t", "utf8_general_ci")
            .column("old", "t", "a", "int", "int(10) unsigned zerofill", null, null)
            .column("old", "t", "b", "decimal", "decimal(5,2) zerofill", null, null)
            .column("old", "t", "c", "enum", "enum('x','y')", "utf8", "1")
            .column("old", "t", "d", "VARCHAR", "varchar(20)", "utf8mb4", "20")
            .column("old", "t", "e", "blob", "blob", null, "65535")
            .primaryKey("old", "t", "c", "a");
    SchemaHistory history = SchemaHistory.inMemory();

    history.seed(pos("binlog.000001", 4), server, t -> true);
    history.applyDdl(
        pos("binlog.000001", 100),
        "old",
        "ALTER TABLE t ADD f CHAR(1)",
        java.util.Optional.empty());

    assertThat(render(history.lookup(table("old.t"), pos("binlog.000001", 200))))
        .isEqualTo(
            "a int unsigned, b decimal unsigned, c enum/utf8mb3('x','y'), d varchar/utf8mb4,"
                + " e blob, f char/utf8mb3 | pk(c,a)");
  }

  @Test
  void shouldSeedSystemVersionedTablesAsUnknownAndSkipViews() {
    FakeInformationSchema server =
        FakeInformationSchema.mariaDb()
            .table("shop", "versioned", "SYSTEM VERSIONED", "utf8mb4_general_ci")
            .column("shop", "versioned", "a", "int", "int(11)", null, null)
            .column("shop", "a_view", "v", "int", "int(11)", null, null);
    SchemaHistory history = SchemaHistory.inMemory();

    history.seed(pos("binlog.000001", 4), server, t -> true);

    assertThat(history.lookup(table("shop.versioned"), pos("binlog.000001", 4)))
        .isInstanceOfSatisfying(
            SchemaHistory.Unknown.class, u -> assertThat(u.reason()).contains("row_start"));
    assertThat(render(history.lookup(table("shop.a_view"), pos("binlog.000001", 4))))
        .isEqualTo("ABSENT");
  }
}
