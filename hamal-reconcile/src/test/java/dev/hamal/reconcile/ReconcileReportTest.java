package dev.hamal.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcileReportTest {
  private static final Instant FROM = Instant.parse("2026-03-10T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-03-11T00:00:00Z");

  private static ReconcileReport report(long unmappable, ReconcileReport.TargetReport... targets) {
    Map<String, ReconcileReport.TargetReport> byName = new LinkedHashMap<>();
    for (ReconcileReport.TargetReport t : targets) {
      byName.put(t.name(), t);
    }
    List<ReconcileReport.Unmappable> rows =
        unmappable == 0
            ? List.of()
            : List.of(new ReconcileReport.Unmappable("s", "t", "13", "status 7 is not listed"));
    return new ReconcileReport("topup", FROM, TO, 2, 10, unmappable, rows, byName, false, 0);
  }

  private static ReconcileReport.TargetReport clean(String name) {
    return new ReconcileReport.TargetReport(
        name, 10, 10, true, 0, 0, 0, List.of(), List.of(), List.of());
  }

  @Test
  void shouldBeCleanOnlyWithoutDifferencesAndWithoutUnmappableRows() {
    var stale =
        new ReconcileReport.TargetReport(
            "index", 10, 10, true, 0, 1, 0, List.of(), List.of("topup:5"), List.of());

    assertThat(report(0, clean("store"), clean("cache")).isClean()).isTrue();
    assertThat(report(1, clean("store")).isClean()).isFalse();
    assertThat(report(0, clean("store"), stale).isClean()).isFalse();
    assertThat(report(0, clean("store"), stale).totals())
        .isEqualTo(new ReconcileReport.Totals(0, 1, 0));
  }

  @Test
  void shouldWriteEveryCountAndIdAsJson() throws Exception {
    var store =
        new ReconcileReport.TargetReport(
            "store",
            10,
            11,
            true,
            2,
            1,
            2,
            List.of("topup:3", "topup:7"),
            List.of("topup:5"),
            List.of("topup:98", "topup:99"));
    var cache =
        new ReconcileReport.TargetReport(
            "cache", 10, 9, false, 1, 0, 0, List.of("topup:2"), List.of(), List.of());

    JsonNode json = new ObjectMapper().readTree(report(1, store, cache).toJson());

    assertThat(json.get("businessLine").asText()).isEqualTo("topup");
    assertThat(json.get("from").asText()).isEqualTo("2026-03-10T00:00:00Z");
    assertThat(json.get("clean").asBoolean()).isFalse();
    assertThat(json.get("unmappable").get(0).get("sourceId").asText()).isEqualTo("13");
    assertThat(json.get("targets").get("store").get("extraIds").toString())
        .isEqualTo("[\"topup:98\",\"topup:99\"]");
    assertThat(json.get("targets").get("cache").get("extraChecked").asBoolean()).isFalse();
    assertThat(json.get("totals").toString()).isEqualTo("{\"missing\":3,\"stale\":1,\"extra\":2}");
    assertThat(json.get("republished").asLong()).isZero();
  }
}
