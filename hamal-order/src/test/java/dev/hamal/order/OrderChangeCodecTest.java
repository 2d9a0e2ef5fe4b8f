package dev.hamal.order;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Order changes survive the JSON format and every sample fits the published JSON Schema. */
class OrderChangeCodecTest {
  private static final Path SCHEMA = Path.of("../docs/schemas/order-change-1.schema.json");
  private static Schema schema;
  private final OrderChangeCodec codec = new OrderChangeCodec();
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void loadSchema() throws IOException {
    schema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(Files.readString(SCHEMA), InputFormat.JSON);
  }

  static UnifiedOrder full() {
    return UnifiedOrder.builder()
        .orderId("topup:42")
        .businessLine("topup")
        .source("topup", "tp_order")
        .sourceId("42")
        .userId("10086")
        .status(OrderStatus.REFUNDED)
        .totalAmount(Long.MAX_VALUE)
        .paidAmount(9_700)
        .discountAmount(0)
        .refundedAmount(9_700)
        .currency("CNY")
        .paymentChannel("alipay")
        .settlementState("SETTLED")
        .productSku("100050")
        .productName("广东移动话费100元(快充)")
        .faceValue(10_000)
        .createdAt(Instant.parse("2025-06-18T02:00:00.123Z"))
        .paidAt(Instant.parse("2025-06-18T02:00:01Z"))
        .finishedAt(Instant.parse("2025-06-18T02:00:02.000000001Z"))
        .updatedAt(Instant.parse("2025-06-18T02:00:03Z"))
        .ext("carrier", "移动")
        .ext("fast", true)
        .ext("count", 3)
        .ext("big", new BigInteger("18446744073709551615"))
        .ext("lat", 22.5)
        .ext("price", new BigDecimal("1.50"))
        .ext("whole", new BigDecimal("12"))
        .ext("tags", List.of("a", 1L))
        .ext("nested", Map.of("k", "v"))
        .ext("quote", "\"\\\n")
        .build();
  }

  static UnifiedOrder minimal(OrderStatus status) {
    return UnifiedOrder.builder()
        .orderId("ticket:7")
        .businessLine("ticket")
        .source("ticket", "orders_03")
        .sourceId("7")
        .status(status)
        .totalAmount(0)
        .currency("CNY")
        .createdAt(Instant.parse("2025-01-01T00:00:00Z"))
        .build();
  }

  static List<OrderChange> samples() {
    var withGtid =
        new OrderChange.SourcePosition(
            "demo", "mysql-bin.000042", 1234, 2, Optional.of("0-1-77"), 99);
    var withoutGtid =
        new OrderChange.SourcePosition("demo", "mariadb-bin.000001", 4, 0, Optional.empty(), 1);
    Instant commit = Instant.parse("2025-06-18T02:00:04Z");
    return List.of(
        OrderChange.insert(full(), withGtid, commit),
        OrderChange.update(
            minimal(OrderStatus.CREATED), minimal(OrderStatus.PAID), withoutGtid, commit),
        OrderChange.delete(minimal(OrderStatus.CLOSED), withoutGtid, commit));
  }

  @Test
  void shouldReadBackEveryOrderAndExtItWroteExactly() {
    var codec = new OrderChangeCodec();
    for (UnifiedOrder order : List.of(full(), minimal(OrderStatus.PAID))) {
      assertThat(codec.decodeOrder(codec.encodeOrder(order))).isEqualTo(order);
      assertThat(codec.decodeExt(codec.encodeExt(order.ext()))).isEqualTo(order.ext());
      assertThat(OrderChecksum.of(codec.decodeOrder(codec.encodeOrder(order))))
          .isEqualTo(OrderChecksum.of(order));
    }
    assertThat(OrderChecksum.of(full())).isNotEqualTo(OrderChecksum.of(minimal(OrderStatus.PAID)));
    assertThatThrownBy(() -> codec.decodeOrder("{\"orderId\":1}".getBytes(UTF_8)))
        .isInstanceOf(OrderCodecException.class)
        .hasMessageContaining("source: required object");
  }

  @Test
  void shouldReadBackEveryChangeItWrote() {
    for (OrderChange change : samples()) {
      assertThat(codec.decode(codec.encode(change))).isEqualTo(change);
    }
  }

  @Test
  void shouldWriteSamplesThatTheJsonSchemaAccepts() throws IOException {
    for (OrderChange change : samples()) {
      JsonNode node = json.readTree(codec.encode(change));
      List<Error> errors = schema.validate(node);
      assertThat(errors).as(node.toString()).isEmpty();
    }
  }

  @Test
  void shouldHaveASchemaThatRejectsWhatTheFormatForbids() throws IOException {
    JsonNode good = json.readTree(codec.encode(samples().get(0)));
    var negative = good.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) negative.get("after").get("amounts"))
        .put("paid", -1);
    var decimal = good.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) decimal.get("after").get("amounts"))
        .put("paid", 1.5);
    var localTime = good.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) localTime)
        .put("commitTime", "2025-06-18T10:00:04+08:00");
    var insertWithBefore = good.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) insertWithBefore)
        .set("before", good.get("after"));

    for (JsonNode bad : List.of(negative, decimal, localTime, insertWithBefore)) {
      assertThat(schema.validate(bad)).as(bad.toString()).isNotEmpty();
    }
  }

  @Test
  void shouldWriteAmountsAsIntegersTimesAsUtcAndLeaveOutEmptyParts() throws IOException {
    JsonNode insert = json.readTree(codec.encode(samples().get(0)));
    assertThat(insert.get("format").asText()).isEqualTo("hamal.order-change/1");
    assertThat(insert.get("version").asText()).isEqualTo("0000000042.000000001234.000000002");
    JsonNode after = insert.get("after");
    assertThat(after.get("amounts").get("total").isIntegralNumber()).isTrue();
    assertThat(after.get("amounts").get("total").asLong()).isEqualTo(Long.MAX_VALUE);
    assertThat(after.get("times").get("createdAt").asText()).isEqualTo("2025-06-18T02:00:00.123Z");
    assertThat(new String(codec.encode(samples().get(0)), StandardCharsets.UTF_8))
        .contains("\"price\":1.50,\"whole\":12,");
    List<String> extKeys = new java.util.ArrayList<>();
    after.get("ext").fieldNames().forEachRemaining(extKeys::add);
    assertThat(extKeys)
        .containsExactly(
            "carrier", "fast", "count", "big", "lat", "price", "whole", "tags", "nested", "quote");
    assertThat(insert.has("before")).isFalse();

    JsonNode update = json.readTree(codec.encode(samples().get(1)));
    assertThat(update.get("source").has("gtid")).isFalse();
    assertThat(update.get("after").has("userId")).isFalse();
    assertThat(update.get("after").get("amounts").has("paid")).isFalse();
    assertThat(update.get("after").get("product").size()).isZero();
  }

  @Test
  void shouldRefuseAnotherFormatAndNameAMissingMember() {
    String text = new String(codec.encode(samples().get(1)), StandardCharsets.UTF_8);

    assertThatThrownBy(() ->
            codec.decode(
                text.replace("hamal.order-change/1", "hamal.order-change/2")
                    .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(OrderCodecException.class)
        .hasMessage("format 'hamal.order-change/2' is not hamal.order-change/1");
    assertThatThrownBy(() ->
            codec.decode(text.replace("\"total\"", "\"sum\"").getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(OrderCodecException.class)
        .hasMessage("before.amounts.total: required integer");
    assertThatThrownBy(() -> codec.decode("[1]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(OrderCodecException.class);
    assertThatThrownBy(() -> codec.decode("{".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(OrderCodecException.class);
  }

  @Test
  void shouldRefuseImagesThatDoNotFitTheOperation() {
    var source = new OrderChange.SourcePosition("demo", "bin.000001", 4, 0, Optional.empty(), 1);
    OrderVersion version = source.version();
    Instant now = Instant.EPOCH;
    assertThatThrownBy(() ->
            new OrderChange(
                "ticket",
                "ticket:7",
                OrderChange.Operation.INSERT,
                Optional.of(minimal(OrderStatus.PAID)),
                Optional.of(minimal(OrderStatus.PAID)),
                source,
                now,
                version))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() ->
            new OrderChange(
                "ticket",
                "ticket:8",
                OrderChange.Operation.DELETE,
                Optional.of(minimal(OrderStatus.PAID)),
                Optional.empty(),
                source,
                now,
                version))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
