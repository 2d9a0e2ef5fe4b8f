package dev.hamal.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.embedded.MariaDbServer;
import dev.hamal.testkit.TestServers;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DDL in the middle of the stream: every row must be decoded with the columns its table had when
 * the row was written — from the binlog's own metadata (FULL) or from the schema history advanced
 * by the DDL events (MINIMAL).
 */
class SchemaEvolutionIT {

  static Stream<Arguments> serversAndMetadata() {
    return TestServers.all()
        .flatMap(s -> Stream.of(Arguments.of(s, "FULL"), Arguments.of(s, "MINIMAL")));
  }

  @ParameterizedTest(name = "{0} binlog_row_metadata={1}")
  @MethodSource("serversAndMetadata")
  void shouldDecodeEachRowWithTheColumnsOfItsTime(MariaDbServer server, String metadata)
      throws Exception {
    String schema = "evolve_" + metadata.toLowerCase(Locale.ROOT);
    StreamRunner.sql(
        server,
        "DROP DATABASE IF EXISTS " + schema,
        "CREATE DATABASE " + schema,
        "CREATE TABLE "
            + schema
            + ".orders (id INT PRIMARY KEY, amount DECIMAL(10,2), note"
            + " VARCHAR(20))",
        "SET GLOBAL binlog_row_metadata = " + metadata);
    try (StreamRunner stream =
        StreamRunner.start(
            server, b -> b.tables(TableFilter.of(List.of(schema + ".*"), List.of())))) {
      stream.awaitStarted(Duration.ofSeconds(30));
      String t = schema + ".orders";
      StreamRunner.sql(
          server,
          "INSERT INTO " + t + " VALUES (1, 10.50, 'first')",
          "ALTER TABLE " + t + " ADD COLUMN status TINYINT UNSIGNED NOT NULL DEFAULT 3 AFTER id",
          "INSERT INTO " + t + " VALUES (2, 200, 20.25, 'second')",
          "ALTER TABLE " + t + " DROP COLUMN note, ADD COLUMN tags SET('vip','promo') FIRST",
          "INSERT INTO " + t + " VALUES ('promo', 3, 255, 30.00)",
          "ALTER TABLE " + t + " MODIFY amount DECIMAL(20,4), CHANGE status state SMALLINT",
          "UPDATE " + t + " SET amount = amount * 2 WHERE id = 3",
          "ALTER TABLE " + t + " RENAME COLUMN state TO phase",
          "INSERT INTO " + t + " VALUES ('vip,promo', 4, -1, 1.2345)",
          "CREATE TABLE " + schema + ".orders_new LIKE " + t,
          "ALTER TABLE " + schema + ".orders_new ADD COLUMN extra VARCHAR(10) DEFAULT 'e'",
          "RENAME TABLE " + t + " TO " + schema + ".orders_old, " + schema + ".orders_new TO " + t,
          "INSERT INTO " + t + " (id, amount) VALUES (5, 5.5)");
      stream.awaitRows(schema, "orders", 6, Duration.ofSeconds(30));
      List<RowChange> rows = stream.rowsOf(schema, "orders");
      assertThat(rows).hasSize(6);
      assertThat(row(rows.get(0), true))
          .containsExactly(entry("id", "1"), entry("amount", "10.50"), entry("note", "first"));
      assertThat(row(rows.get(1), true))
          .containsExactly(
              entry("id", "2"),
              entry("status", "200"),
              entry("amount", "20.25"),
              entry("note", "second"));
      assertThat(row(rows.get(2), true))
          .containsExactly(
              entry("tags", "promo"),
              entry("id", "3"),
              entry("status", "255"),
              entry("amount", "30.00"));
      assertThat(row(rows.get(3), false))
          .containsExactly(
              entry("tags", "promo"),
              entry("id", "3"),
              entry("state", "255"),
              entry("amount", "30.0000"));
      assertThat(row(rows.get(3), true)).containsEntry("amount", "60.0000");
      assertThat(row(rows.get(4), true))
          .containsExactly(
              entry("tags", "vip,promo"),
              entry("id", "4"),
              entry("phase", "-1"),
              entry("amount", "1.2345"));
      assertThat(row(rows.get(5), true))
          .containsExactly(
              entry("tags", null),
              entry("id", "5"),
              entry("phase", null),
              entry("amount", "5.5000"),
              entry("extra", "e"));
      assertThat(stream.schemaChanges).hasSizeGreaterThanOrEqualTo(6);
      assertThat(stream.reconnects).isEmpty();
    } finally {
      StreamRunner.sql(server, "SET GLOBAL binlog_row_metadata = FULL");
    }
  }

  private static Map.Entry<String, String> entry(String k, String v) {
    return new java.util.AbstractMap.SimpleEntry<>(k, v);
  }

  private static Map<String, String> row(RowChange change, boolean after) {
    RowImage image = after ? change.after().orElseThrow() : change.before().orElseThrow();
    Map<String, String> values = new LinkedHashMap<>();
    for (int c = 0; c < image.columnCount(); c++) {
      values.put(image.table().columnName(c), image.isNull(c) ? null : image.getText(c));
    }
    return values;
  }
}
