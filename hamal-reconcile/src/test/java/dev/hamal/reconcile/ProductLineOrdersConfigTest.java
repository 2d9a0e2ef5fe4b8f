package dev.hamal.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProductLineOrdersConfigTest {
  private static final ProductLineOrdersConfig DEFAULTS =
      ProductLineOrdersConfig.of("jdbc:mariadb://db:3306/?password=hunter2", "reader", "s3cret");

  @Test
  void shouldDefaultToASmallPool() {
    assertThat(DEFAULTS.maxConnections()).isEqualTo(2);
    assertThat(DEFAULTS.queryTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(DEFAULTS.connectionTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(DEFAULTS.tableCacheTtl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(DEFAULTS.socketTimeout()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void shouldRejectSettingsOutOfRangeNamingTheKey() {
    assertThatThrownBy(() -> DEFAULTS.withMaxConnections(0))
        .hasMessageContaining("product-line.max-connections")
        .hasMessageContaining("1..16");
    assertThatThrownBy(() -> DEFAULTS.withMaxConnections(17))
        .hasMessageContaining("product-line.max-connections");
    assertThatThrownBy(() -> DEFAULTS.withQueryTimeout(Duration.ofMillis(5)))
        .hasMessageContaining("product-line.query-timeout");
    assertThatThrownBy(() -> DEFAULTS.withQueryTimeout(null))
        .hasMessageContaining("product-line.query-timeout");
    assertThatThrownBy(() -> DEFAULTS.withConnectionTimeout(Duration.ofMillis(100)))
        .hasMessageContaining("product-line.connection-timeout");
    assertThatThrownBy(() -> DEFAULTS.withTableCacheTtl(Duration.ofDays(2)))
        .hasMessageContaining("product-line.table-cache-ttl");
    assertThatThrownBy(() -> ProductLineOrdersConfig.of("mariadb://db", "r", ""))
        .hasMessageContaining("source.jdbc-url");
  }

  @Test
  void shouldMaskPasswords() {
    assertThat(DEFAULTS.toString())
        .doesNotContain("hunter2")
        .doesNotContain("s3cret")
        .contains("product-line.max-connections=2");
  }

  @Test
  void shouldLimitStatementsOnTheServerOfEitherKind() {
    String sql = "(SELECT a FROM t) UNION ALL (SELECT a FROM u)";

    assertThat(ProductLineOrders.withTimeout(sql, true, Duration.ofMillis(1500)))
        .isEqualTo("SET STATEMENT max_statement_time=1.500 FOR " + sql);
    assertThat(ProductLineOrders.withTimeout(sql, false, Duration.ofMillis(1500)))
        .isEqualTo("(SELECT /*+ MAX_EXECUTION_TIME(1500) */ a FROM t) UNION ALL (SELECT a FROM u)");
  }
}
