package dev.hamal.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableFilterTest {
  private static TableName t(String schema, String table) {
    return new TableName(schema, table);
  }

  @Test
  void shouldTakeEveryUserTableButNoSystemTableByDefault() {
    TableFilter all = TableFilter.all();
    assertThat(all.test(t("topup", "tp_order"))).isTrue();
    assertThat(all.test(t("mysql", "user"))).isFalse();
    assertThat(all.test(t("Performance_Schema", "threads"))).isFalse();
  }

  @Test
  void shouldMatchShardedTablesAndLetExcludesWin() {
    TableFilter f =
        TableFilter.of(List.of("ticket.orders_*", "*.gc_order?"), List.of("ticket.orders_15"));
    assertThat(f.test(t("ticket", "orders_00"))).isTrue();
    assertThat(f.test(t("TICKET", "Orders_07"))).as("case-insensitive").isTrue();
    assertThat(f.test(t("ticket", "orders_15"))).isFalse();
    assertThat(f.test(t("ticket", "passengers_00"))).isFalse();
    assertThat(f.test(t("gamecard", "gc_orders"))).isTrue();
    assertThat(f.test(t("gamecard", "gc_order_items"))).isFalse();
  }

  @Test
  void shouldIncludeASystemSchemaOnlyWhenAPatternNamesIt() {
    assertThat(TableFilter.of(List.of("*.*"), List.of()).test(t("mysql", "user"))).isFalse();
    assertThat(
            TableFilter.of(List.of("mysql.gtid_*"), List.of()).test(t("mysql", "gtid_slave_pos")))
        .isTrue();
  }

  @Test
  void shouldRejectPatternsWithoutSchemaAndTable() {
    assertThatThrownBy(() -> TableFilter.of(List.of("orders"), List.of()))
        .hasMessageContaining("schema.table");
  }

  @Test
  void shouldDecodeOnlyTablesAClaimAcceptsWithinTheIncludedOnes() {
    TableFilter f =
        TableFilter.of(List.of("ticket.*"), List.of("ticket.audit"))
            .claimedBy(table -> table.table().startsWith("orders_"), "ticket orders");

    assertThat(f.test(t("ticket", "orders_07"))).isTrue();
    assertThat(f.test(t("ticket", "passengers_07"))).as("not claimed").isFalse();
    assertThat(f.test(t("topup", "orders_07"))).as("not included").isFalse();
    assertThat(f.toString()).contains("claimed by ticket orders");
  }
}
