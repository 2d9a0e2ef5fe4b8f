package dev.hamal.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hamal.embedded.OpenSearchNode;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderSinkUnavailableException;
import dev.hamal.order.OrderStatus;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.SinkResult;
import dev.hamal.order.StoredOrder;
import dev.hamal.order.UnifiedOrder;
import dev.hamal.testkit.OrderHistories;
import dev.hamal.testkit.TestServers;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The search index against a real OpenSearch node (a child JVM): every behaviour of the SPI. */
class OrderIndexIT {

  private static final Instant JUNE = Instant.parse("2025-06-01T00:00:00Z");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static OrderIndex open(OpenSearchNode node, String prefix) {
    return OrderIndex.open(OrderIndexConfig.builder(node.httpUri()).indexPrefix(prefix).build());
  }

  /** Applies the writes in batches; returns the sums. */
  private static SinkResult applyInBatches(OrderIndex index, List<OrderWrite> writes, int batch) {
    int applied = 0;
    int stale = 0;
    List<SinkResult.Rejection> rejected = new ArrayList<>();
    for (int from = 0; from < writes.size(); from += batch) {
      SinkResult result = index.apply(writes.subList(from, Math.min(writes.size(), from + batch)));
      assertThat(result.total()).isEqualTo(Math.min(batch, writes.size() - from));
      applied += result.applied();
      stale += result.stale();
      rejected.addAll(result.rejected());
    }
    return new SinkResult(applied, stale, rejected);
  }

  private static Map<String, StoredOrder> expected(OrderHistories histories) {
    Map<String, StoredOrder> expected = new HashMap<>();
    histories.finalStates().forEach((id, write) -> expected.put(id, write.toStored()));
    return expected;
  }

  private static Map<String, StoredOrder> scanAll(OrderIndex index, String line) {
    Map<String, StoredOrder> seen = new HashMap<>();
    index.scan(
        line,
        Instant.EPOCH,
        Instant.parse("2100-01-01T00:00:00Z"),
        order -> assertThat(seen.put(order.orderId(), order)).isNull());
    return seen;
  }

  private static JsonNode get(OpenSearchNode node, String path)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(node.httpUri().resolve(path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  @Test
  void shouldHoldExactlyTheFinalStateOfEveryOrderAndIgnoreReplays() {
    OpenSearchNode node = TestServers.openSearch();
    OrderHistories histories = OrderHistories.generate("topup", 2000, JUNE, 20250601L);
    List<OrderWrite> writes = histories.writes();
    try (OrderIndex index = open(node, "it-final")) {
      SinkResult first = applyInBatches(index, writes, 1_000);
      assertThat(first.rejected()).isEmpty();
      assertThat(first.applied() + first.stale()).isEqualTo(writes.size());
      index.refresh();

      Map<String, StoredOrder> expected = expected(histories);
      assertThat(index.findAll(expected.keySet())).isEqualTo(expected);
      assertThat(scanAll(index, "topup")).isEqualTo(expected);

      SinkResult replay = applyInBatches(index, writes, 1_000);
      SinkResult shuffled = applyInBatches(index, histories.shuffledWrites(7), 777);
      assertThat(replay.applied()).isZero();
      assertThat(replay.stale()).isEqualTo(writes.size());
      assertThat(shuffled.applied()).isZero();
      assertThat(shuffled.stale()).isEqualTo(writes.size());
      index.refresh();
      assertThat(index.findAll(expected.keySet())).isEqualTo(expected);
      assertThat(index.find("topup:999999")).isEmpty();
    }
  }

  @Test
  void shouldEndWithTheFinalStatesWhenTheWritesArriveShuffled() {
    OpenSearchNode node = TestServers.openSearch();
    OrderHistories histories = OrderHistories.generate("fuel", 1000, JUNE, 99L);
    List<OrderWrite> shuffled = histories.shuffledWrites(11);
    try (OrderIndex index = open(node, "it-shuffled")) {
      SinkResult result = applyInBatches(index, shuffled, 500);
      assertThat(result.total()).isEqualTo(shuffled.size());
      assertThat(result.rejected()).isEmpty();
      index.refresh();

      Map<String, StoredOrder> expected = expected(histories);
      assertThat(index.findAll(expected.keySet())).isEqualTo(expected);
      assertThat(expected.values())
          .extracting(StoredOrder::state)
          .contains(StoredOrder.State.ARCHIVED);
    }
  }

  @Test
  void shouldKeepOnlyTheNewestWriteOfAnOrderInOneBatch() {
    OpenSearchNode node = TestServers.openSearch();
    OrderHistories histories = OrderHistories.generate("game", 1, JUNE, 5L);
    List<OrderWrite> writes = new ArrayList<>(histories.writes());
    java.util.Collections.reverse(writes);
    try (OrderIndex index = open(node, "it-one-batch")) {
      SinkResult result = index.apply(writes);
      index.refresh();

      assertThat(result.applied()).isEqualTo(1);
      assertThat(result.stale()).isEqualTo(writes.size() - 1);
      assertThat(index.find("game:1")).contains(histories.finalStates().get("game:1").toStored());
    }
  }

  @Test
  void shouldRejectWritesTheIndexCannotHoldWithAReason() {
    OpenSearchNode node = TestServers.openSearch();
    UnifiedOrder beforeEpoch =
        UnifiedOrder.builder()
            .orderId("old:1")
            .businessLine("old")
            .source("old", "orders")
            .sourceId("1")
            .status(OrderStatus.CREATED)
            .totalAmount(100)
            .currency("CNY")
            .createdAt(Instant.parse("1960-01-01T00:00:00Z"))
            .build();
    UnifiedOrder fine =
        UnifiedOrder.builder()
            .orderId("old:2")
            .businessLine("old")
            .source("old", "orders")
            .sourceId("2")
            .status(OrderStatus.CREATED)
            .totalAmount(100)
            .currency("CNY")
            .createdAt(JUNE)
            .build();
    OrderWrite refused = upsert(beforeEpoch, 4, 0);
    OrderWrite tooManyRows = upsert(fine, 8, 9_000);
    OrderWrite accepted = upsert(fine, 4, 0);
    try (OrderIndex index = open(node, "it-rejected")) {
      SinkResult result = index.apply(List.of(refused, tooManyRows, accepted));

      assertThat(result.applied()).isEqualTo(1);
      assertThat(result.stale()).isZero();
      assertThat(result.rejected()).hasSize(2);
      Map<String, String> reasons =
          result.rejected().stream()
              .collect(
                  Collectors.toMap(
                      r -> r.write().version().toString(), SinkResult.Rejection::reason));
      assertThat(reasons.get(refused.version().toString()))
          .contains("mapper_parsing_exception")
          .contains("times.createdAt");
      assertThat(reasons.get(tooManyRows.version().toString())).contains("rowIndex");
    }
  }

  private static OrderWrite upsert(UnifiedOrder order, long position, long rowIndex) {
    var source =
        new OrderChange.SourcePosition(
            "test", "mysql-bin.000001", position, rowIndex, Optional.empty(), position);
    return new OrderWrite(
        OrderChange.insert(order, source, Instant.parse("2025-06-01T00:00:01Z")),
        OrderWrite.Action.UPSERT);
  }

  @Test
  void shouldFindOrdersByAFragmentOfAChineseProductName() {
    OpenSearchNode node = TestServers.openSearch();
    OrderHistories histories = OrderHistories.generate("topup", 500, JUNE, 3L);
    try (OrderIndex index = open(node, "it-chinese")) {
      index.apply(histories.writes());
      index.refresh();

      List<String> expected =
          histories.finalStates().values().stream()
              .filter(w -> w.image().product().name().orElse("").contains("话费"))
              .map(OrderWrite::orderId)
              .sorted()
              .toList();
      List<StoredOrder> found = index.findByProductName("topup", "话费", 10_000);

      assertThat(expected).isNotEmpty();
      assertThat(found)
          .extracting(StoredOrder::orderId)
          .containsExactlyInAnyOrderElementsOf(expected);
      assertThat(index.findByProductName("topup", "加油卡", 10_000))
          .allSatisfy(o ->
              assertThat(o.order().product().name())
                  .hasValueSatisfying(n -> assertThat(n).contains("加油卡")));
      assertThat(index.findByProductName("topup", "门票", 10_000)).isNotEmpty();
    }
  }

  @Test
  void shouldWriteEachMonthToItsOwnIndexBehindTheAlias() throws Exception {
    OpenSearchNode node = TestServers.openSearch();
    Instant endOfJune = Instant.parse("2025-06-30T23:50:00Z");
    OrderHistories histories = OrderHistories.generate("ticket", 1200, endOfJune, 8L);
    try (OrderIndex index = open(node, "it-months")) {
      index.apply(histories.writes());
      index.refresh();

      JsonNode aliases = get(node, "/_alias/it-months");
      TreeSet<String> names = new TreeSet<>();
      aliases.fieldNames().forEachRemaining(names::add);
      assertThat(names).containsExactly("it-months-2025.06", "it-months-2025.07");
      assertThat(index.indexFor(endOfJune)).isEqualTo("it-months-2025.06");
      Map<String, StoredOrder> july = new HashMap<>();
      index.scan(
          "ticket",
          Instant.parse("2025-07-01T00:00:00Z"),
          Instant.parse("2025-08-01T00:00:00Z"),
          o -> july.put(o.orderId(), o));
      assertThat(july).hasSize(601); // one order a second from 23:50:01; 00:00:00 is July
      assertThat(july.values())
          .allSatisfy(o ->
              assertThat(o.order().createdAt())
                  .isAfterOrEqualTo(Instant.parse("2025-07-01T00:00:00Z")));
      assertThat(index.findAll(expected(histories).keySet())).isEqualTo(expected(histories));
    }
  }

  @Test
  void shouldPutTheTemplateAgainUnchangedWhenAClientStartsOverExistingIndices() throws Exception {
    OpenSearchNode node = TestServers.openSearch();
    OrderHistories histories = OrderHistories.generate("card", 300, JUNE, 4L);
    List<OrderWrite> writes = histories.writes();
    JsonNode template;
    try (OrderIndex index = open(node, "it-template")) {
      index.apply(writes.subList(0, writes.size() / 2));
      template = get(node, "/_index_template/it-template");
    }
    try (OrderIndex again = open(node, "it-template")) {
      assertThat(get(node, "/_index_template/it-template")).isEqualTo(template);
      SinkResult rest = again.apply(writes);
      again.refresh();

      assertThat(rest.total()).isEqualTo(writes.size());
      assertThat(again.findAll(expected(histories).keySet())).isEqualTo(expected(histories));
      JsonNode mapping = get(node, "/it-template-2025.06/_mapping");
      assertThat(
              mapping
                  .at("/it-template-2025.06/mappings/properties/product/properties/name/analyzer")
                  .asText())
          .isEqualTo("cjk");
      assertThat(mapping.at("/it-template-2025.06/mappings/properties/ext/enabled").asBoolean(true))
          .isFalse();
    }
  }

  @Test
  void shouldThrowUnavailableWhileTheNodeIsDownAndApplyAfterItIsBack() {
    try (OpenSearchNode node = TestServers.dedicatedOpenSearch();
        OrderIndex index =
            OrderIndex.open(
                OrderIndexConfig.builder(node.httpUri())
                    .indexPrefix("it-outage")
                    .requestTimeout(Duration.ofSeconds(5))
                    .connectTimeout(Duration.ofSeconds(1))
                    .build())) {
      OrderHistories histories = OrderHistories.generate("topup", 100, JUNE, 6L);
      List<OrderWrite> writes = histories.writes();
      List<OrderWrite> firstHalf = writes.subList(0, writes.size() / 2);
      assertThat(index.apply(firstHalf).rejected()).isEmpty();

      node.stop();
      assertThatThrownBy(() -> index.apply(writes))
          .isInstanceOf(OrderSinkUnavailableException.class);
      assertThatThrownBy(() -> index.findAll(List.of("topup:1")))
          .isInstanceOf(OrderSinkUnavailableException.class);

      node.start();
      SinkResult retried = index.apply(writes);
      index.refresh();

      assertThat(retried.total()).isEqualTo(writes.size());
      assertThat(index.findAll(expected(histories).keySet())).isEqualTo(expected(histories));
    }
  }
}
