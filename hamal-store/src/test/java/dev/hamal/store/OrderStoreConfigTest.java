package dev.hamal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderStoreConfigTest {
  private static final String URL = "jdbc:mariadb://db1:3306/orders";

  @Test
  void shouldDefaultToEightConnectionsAndFiveHundredRowStatements() {
    OrderStoreConfig config = OrderStoreConfig.builder(URL, "hamal").build();
    assertThat(config.shards()).containsExactly(URL);
    assertThat(config.poolSize()).isEqualTo(8);
    assertThat(config.batchSize()).isEqualTo(500);
    assertThat(config.connectionTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.socketTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.migrate()).isTrue();
    assertThat(config.searchTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void shouldTakeOnlyWholeSecondsFromOneSecondToTenMinutesAsSearchTimeout() {
    assertThat(
            OrderStoreConfig.builder(URL, "u")
                .searchTimeout(Duration.ofMinutes(10))
                .build()
                .searchTimeout())
        .isEqualTo(Duration.ofMinutes(10));
    assertThat(OrderStoreConfig.builder(URL, "u").build().toString())
        .contains("store.search-timeout=PT5S");
    for (Duration bad :
        new Duration[] {
          Duration.ZERO, Duration.ofMillis(1500), Duration.ofMinutes(10).plusSeconds(1), null
        }) {
      assertThatThrownBy(() -> OrderStoreConfig.builder(URL, "u").searchTimeout(bad).build())
          .as("%s", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("store.search-timeout");
    }
  }

  @Test
  void shouldRecordHistoryForThirtyDaysByDefaultAndTakeRetentionsFromAnHourToTenYears() {
    OrderStoreConfig defaults = OrderStoreConfig.builder(URL, "u").build();
    assertThat(defaults.history()).isTrue();
    assertThat(defaults.historyRetention()).isEqualTo(Duration.ofDays(30));
    assertThat(defaults.historyPurgeInterval()).isEqualTo(Duration.ofMinutes(10));
    assertThat(defaults.toString()).contains("store.history=true", "store.history-retention=");
    assertThat(
            OrderStoreConfig.builder(URL, "u")
                .history(false)
                .historyRetention(Duration.ofHours(1))
                .historyPurgeInterval(Duration.ZERO)
                .build())
        .satisfies(c -> {
          assertThat(c.history()).isFalse();
          assertThat(c.historyRetention()).isEqualTo(Duration.ofHours(1));
          assertThat(c.historyPurgeInterval()).isZero();
        });
    for (Duration bad :
        new Duration[] {
          Duration.ofMinutes(59), Duration.ofDays(3651), Duration.ZERO, Duration.ofHours(-1), null
        }) {
      assertThatThrownBy(() -> OrderStoreConfig.builder(URL, "u").historyRetention(bad).build())
          .as("%s", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("store.history-retention");
    }
    for (Duration bad : new Duration[] {Duration.ofMillis(99), Duration.ofDays(2), null}) {
      assertThatThrownBy(() -> OrderStoreConfig.builder(URL, "u").historyPurgeInterval(bad).build())
          .as("%s", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("purge interval");
    }
  }

  @Test
  void shouldMaskThePasswordAndUrlPasswordsWhenPrinted() {
    OrderStoreConfig config =
        OrderStoreConfig.builder(List.of(URL + "?user=x&password=s3cret"), "hamal")
            .password("hunter2")
            .build();
    assertThat(config.toString())
        .doesNotContain("hunter2")
        .doesNotContain("s3cret")
        .contains("store.password=****")
        .contains("password=****");
  }

  @Test
  void shouldNameTheKeyOfAnInvalidSetting() {
    assertThatThrownBy(() -> OrderStoreConfig.builder(List.of(), "hamal").build())
        .hasMessageContaining("store.shards");
    assertThatThrownBy(
            () -> OrderStoreConfig.builder(List.of(URL, "jdbc:mysql://db2/orders"), "u").build())
        .hasMessageContaining("store.shards[1]");
    assertThatThrownBy(() -> OrderStoreConfig.builder(URL, " ").build())
        .hasMessageContaining("store.user");
    assertThatThrownBy(() -> OrderStoreConfig.builder(URL, "u").poolSize(0).build())
        .hasMessageContaining("store.pool-size must be 1..256");
    assertThatThrownBy(() -> OrderStoreConfig.builder(URL, "u").batchSize(5001).build())
        .hasMessageContaining("store.batch-size must be 1..5000");
    assertThatThrownBy(() ->
            OrderStoreConfig.builder(URL, "u").connectionTimeout(Duration.ofMillis(10)).build())
        .hasMessageContaining("store.connection-timeout");
    assertThatThrownBy(
            () -> OrderStoreConfig.builder(URL, "u").socketTimeout(Duration.ZERO).build())
        .hasMessageContaining("store.socket-timeout");
  }
}
