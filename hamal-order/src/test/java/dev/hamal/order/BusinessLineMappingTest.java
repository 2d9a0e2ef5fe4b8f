package dev.hamal.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Mapping rows with every kind of field, unit and ext projection, and binding to a schema. */
class BusinessLineMappingTest {
  private static final String FULL =
      """
      name: shop
      pipe: main
      currency: CNY
      time_zone: Asia/Shanghai
      source:
        schema: shop
        tables: [orders_##]
      order_id:
        column: order_no
        format: "{line}/{table}/{id}"
      fields:
        status:
          column: state
          codes: {0: CREATED, 1: PAID, 2: FULFILLING, 3: SUCCEEDED, 4: FAILED, 5: CANCELLED,
                  6: REFUNDING, 7: REFUNDED, 9: CLOSED}
        user_id: uid
        total_amount: {column: total, unit: yuan}
        paid_amount: {column: paid_cents, unit: cents}
        discount_amount: {column: discount, unit: fen}
        refunded_amount: {column: refunded, unit: yuan}
        currency: cur
        payment_channel: channel
        settlement_state: settled
        product_sku: sku
        product_name: {column: product}
        face_value: {column: face, unit: yuan}
        created_at: created
        paid_at: paid
        finished_at: finished
        updated_at: modified
      ext:
        mobile: mobile
        carrier: {column: extra, json: $.carrier}
        first_tag: {column: extra, json: "$.tags[0]"}
        geo: {column: extra, json: $.geo}
        promo: {column: kv, param: promo}
        lat: lat
      """;

  private static final BusinessLine LINE =
      BusinessLines.parse(List.of(new BusinessLines.Source("shop.yaml", FULL)))
          .line("shop")
          .orElseThrow();

  private static MapRow fullRow() {
    return MapRow.of(
        "shop",
        "orders_07",
        "order_no",
        "SO-1",
        "state",
        3,
        "uid",
        new BigInteger("18446744073709551615"),
        "total",
        new BigDecimal("100.50"),
        "paid_cents",
        9_950L,
        "discount",
        100,
        "refunded",
        new BigDecimal("0.00"),
        "cur",
        "USD",
        "channel",
        "alipay",
        "settled",
        "Y".getBytes(StandardCharsets.UTF_8),
        "sku",
        1001L,
        "product",
        "话费100元",
        "face",
        new BigDecimal("100"),
        "created",
        LocalDateTime.of(2025, 6, 18, 10, 0, 0, 123_000_000),
        "paid",
        LocalDateTime.of(2025, 6, 18, 10, 1),
        "finished",
        LocalDate.of(2025, 6, 19),
        "modified",
        Instant.parse("2025-06-18T02:05:00Z"),
        "mobile",
        "13800138000",
        "extra",
        "{\"carrier\":\"移动\",\"tags\":[\"vip\",\"new\"],\"geo\":{\"lat\":31.23,\"n\":null}}",
        "kv",
        "src=app&promo=DOUBLE%2011&x=1",
        "lat",
        22.5);
  }

  @Test
  void shouldMapEveryFieldKind() {
    UnifiedOrder order = LINE.map(fullRow());

    assertThat(order.orderId()).isEqualTo("shop/orders_07/SO-1");
    assertThat(order.businessLine()).isEqualTo("shop");
    assertThat(order.sourceSchema()).isEqualTo("shop");
    assertThat(order.sourceTable()).isEqualTo("orders_07");
    assertThat(order.sourceId()).isEqualTo("SO-1");
    assertThat(order.userId()).contains("18446744073709551615");
    assertThat(order.status()).isEqualTo(OrderStatus.SUCCEEDED);
    assertThat(order.totalAmount()).isEqualTo(10_050);
    assertThat(order.paidAmount()).isEqualTo(OptionalLong.of(9_950));
    assertThat(order.discountAmount()).isEqualTo(OptionalLong.of(100));
    assertThat(order.refundedAmount()).isEqualTo(OptionalLong.of(0));
    assertThat(order.currency()).isEqualTo("USD");
    assertThat(order.paymentChannel()).contains("alipay");
    assertThat(order.settlementState()).contains("Y");
    assertThat(order.product().sku()).contains("1001");
    assertThat(order.product().name()).contains("话费100元");
    assertThat(order.product().faceValue()).isEqualTo(OptionalLong.of(10_000));
    // DATETIME in Asia/Shanghai (UTC+8), DATE at the start of its day, TIMESTAMP as it is.
    assertThat(order.createdAt()).isEqualTo(Instant.parse("2025-06-18T02:00:00.123Z"));
    assertThat(order.paidAt()).contains(Instant.parse("2025-06-18T02:01:00Z"));
    assertThat(order.finishedAt()).contains(Instant.parse("2025-06-18T16:00:00Z"));
    assertThat(order.updatedAt()).contains(Instant.parse("2025-06-18T02:05:00Z"));
    assertThat(order.ext())
        .containsExactly(
            Map.entry("mobile", "13800138000"),
            Map.entry("carrier", "移动"),
            Map.entry("first_tag", "vip"),
            Map.entry("geo", Map.of("lat", new BigDecimal("31.23"))),
            Map.entry("promo", "DOUBLE 11"),
            Map.entry("lat", new BigDecimal("22.5")));
  }

  @Test
  void shouldLeaveOptionalFieldsEmptyWhenTheirColumnsAreNull() {
    MapRow row = fullRow();
    for (String column :
        List.of(
            "uid",
            "paid_cents",
            "discount",
            "refunded",
            "cur",
            "channel",
            "settled",
            "sku",
            "product",
            "face",
            "paid",
            "finished",
            "modified",
            "mobile",
            "extra",
            "kv",
            "lat")) {
      row = row.with(column, null);
    }

    UnifiedOrder order = LINE.map(row);

    assertThat(order.userId()).isEmpty();
    assertThat(order.paidAmount()).isEmpty();
    assertThat(order.discountAmount()).isEmpty();
    assertThat(order.refundedAmount()).isEmpty();
    assertThat(order.currency()).as("the line's default").isEqualTo("CNY");
    assertThat(order.paymentChannel()).isEmpty();
    assertThat(order.settlementState()).isEmpty();
    assertThat(order.product()).isEqualTo(UnifiedOrder.Product.UNKNOWN);
    assertThat(order.paidAt()).isEmpty();
    assertThat(order.finishedAt()).isEmpty();
    assertThat(order.updatedAt()).isEmpty();
    assertThat(order.ext()).isEmpty();
  }

  @Test
  void shouldLeaveOutExtAttributesWhosePathOrParameterIsMissing() {
    UnifiedOrder order =
        LINE.map(fullRow().with("extra", "{\"tags\":[],\"geo\":null}").with("kv", "promo"));
    assertThat(order.ext()).containsOnlyKeys("mobile", "lat");
  }

  @Test
  void shouldConvertYuanExactlyAtTheEdges() {
    assertThat(total(new BigDecimal("0.01"))).isEqualTo(1);
    assertThat(total(new BigDecimal("0"))).isEqualTo(0);
    assertThat(total(new BigDecimal("1.500"))).as("trailing zeros are exact").isEqualTo(150);
    assertThat(total(new BigDecimal("92233720368547758.07"))).isEqualTo(Long.MAX_VALUE);
    assertThat(total(92_233_720_368_547_758L)).isEqualTo(9_223_372_036_854_775_800L);
    assertThat(total(7)).as("whole yuan in an INT").isEqualTo(700);
  }

  private static long total(Object value) {
    return LINE.map(fullRow().with("total", value)).totalAmount();
  }

  @Test
  void shouldRefuseAmountsThatWouldNeedRounding() {
    assertThatThrownBy(() -> total(new BigDecimal("1.005")))
        .isInstanceOf(MappingException.class)
        .hasMessage(
            "line shop, table shop.orders_07, column total, value 1.005: has more than 2 fraction"
                + " digits for unit yuan; amounts are never rounded (fields.total_amount)");
    assertThatThrownBy(() -> LINE.map(fullRow().with("paid_cents", new BigDecimal("12.5"))))
        .hasMessageContaining("column paid_cents, value 12.5: has more than 0 fraction digits");
  }

  @Test
  void shouldRefuseNegativeOverflowingFloatingAndTextAmounts() {
    assertThatThrownBy(() -> total(new BigDecimal("-0.01"))).hasMessageContaining("is negative");
    assertThatThrownBy(() -> total(new BigDecimal("92233720368547758.08")))
        .hasMessageContaining("exceeds the largest amount");
    assertThatThrownBy(() -> total(92_233_720_368_547_759L))
        .hasMessageContaining("exceeds the largest amount");
    assertThatThrownBy(
            () -> LINE.map(fullRow().with("paid_cents", new BigInteger("9223372036854775808"))))
        .hasMessageContaining("exceeds the largest amount");
    assertThatThrownBy(() -> total(1.5d)).hasMessageContaining("is a floating-point number");
    assertThatThrownBy(() -> total("1.50")).hasMessageContaining("must be a number");
  }

  @Test
  void shouldNameLineTableColumnAndValueOfAnUnmappedStatus() {
    assertThatThrownBy(() -> LINE.map(fullRow().with("state", 8)))
        .isInstanceOf(MappingException.class)
        .hasMessage(
            "line shop, table shop.orders_07, column state, value 8: has no status mapping; every"
                + " source status must be listed (fields.status)");
    assertThat(LINE.map(fullRow().with("state", "3")).status())
        .as("text codes match text values too")
        .isEqualTo(OrderStatus.SUCCEEDED);
    assertThatThrownBy(() -> LINE.map(fullRow().with("state", null)))
        .hasMessageContaining("value NULL: is NULL, but the field is required");
  }

  @Test
  void shouldRefuseARequiredNullAColumnMissingFromTheImageAndBadValues() {
    assertThatThrownBy(() -> LINE.map(fullRow().with("created", null)))
        .hasMessageContaining("column created, value NULL: is NULL, but the field is required");
    assertThatThrownBy(() -> LINE.map(fullRow().without("channel")))
        .hasMessageContaining("the row image has no column 'channel'");
    assertThatThrownBy(() -> LINE.map(fullRow().with("created", 1_750_000_000L)))
        .hasMessageContaining("cannot be a time");
    assertThatThrownBy(() -> LINE.map(fullRow().with("cur", "usd")))
        .hasMessageContaining("is not an ISO 4217 currency code");
    assertThatThrownBy(() -> LINE.map(fullRow().with("extra", "{not json")))
        .hasMessageContaining("column extra: is not valid JSON (ext.carrier)");
  }

  @Test
  void shouldMapTheSameRowTheSameWayFromManyThreads() throws Exception {
    UnifiedOrder expected = LINE.map(fullRow());
    var threads = new java.util.ArrayList<Thread>();
    var mismatches = new java.util.concurrent.atomic.AtomicInteger();
    for (int t = 0; t < 4; t++) {
      threads.add(
          Thread.ofPlatform()
              .start(() -> {
                MapRow row = fullRow();
                for (int i = 0; i < 2_000; i++) {
                  if (!LINE.map(row).equals(expected)) {
                    mismatches.incrementAndGet();
                  }
                }
              }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(mismatches).hasValue(0);
  }

  private static List<SourceColumn> columns() {
    return List.of(
        new SourceColumn("order_no", "varchar(32)"),
        new SourceColumn("state", "tinyint(4)"),
        new SourceColumn("uid", "bigint(20) unsigned"),
        new SourceColumn("total", "decimal(12,2)"),
        new SourceColumn("paid_cents", "bigint(20)"),
        new SourceColumn("discount", "int(11)"),
        new SourceColumn("refunded", "decimal(12,2)"),
        new SourceColumn("cur", "char(3)"),
        new SourceColumn("channel", "enum('alipay','wx')"),
        new SourceColumn("settled", "varbinary(4)"),
        new SourceColumn("sku", "bigint"),
        new SourceColumn("product", "varchar(64)"),
        new SourceColumn("face", "DECIMAL(10,2)"),
        new SourceColumn("created", "datetime(3)"),
        new SourceColumn("paid", "datetime"),
        new SourceColumn("finished", "date"),
        new SourceColumn("modified", "timestamp(3)"),
        new SourceColumn("mobile", "char(11)"),
        new SourceColumn("extra", "longtext"),
        new SourceColumn("kv", "text"),
        new SourceColumn("lat", "double"));
  }

  @Test
  void shouldBindToATableWhoseColumnsFit() {
    LINE.validateAgainst("shop", "orders_01", columns());
  }

  @Test
  void shouldReportUnknownColumnsAndTypeMismatchesWithFileAndKey() {
    var columns = new java.util.ArrayList<>(columns());
    columns.removeIf(c -> c.name().equals("sku"));
    columns.replaceAll(c ->
        switch (c.name()) {
          case "total" -> new SourceColumn("total", "varchar(16)");
          case "created" -> new SourceColumn("created", "int(11)");
          case "paid_cents" -> new SourceColumn("paid_cents", "double");
          default -> c;
        });

    assertThatThrownBy(() -> LINE.validateAgainst("shop", "orders_01", columns))
        .isInstanceOf(MappingException.class)
        .satisfies(e ->
            assertThat(((MappingException) e).problems())
                .containsExactlyInAnyOrder(
                    "shop.yaml: fields.total_amount: column shop.orders_01.total is"
                        + " varchar(16), which cannot feed this field (accepted: [integer,"
                        + " decimal])",
                    "shop.yaml: fields.paid_amount: column shop.orders_01.paid_cents is"
                        + " double, which cannot feed this field (accepted: [integer,"
                        + " decimal])",
                    "shop.yaml: fields.product_sku: table shop.orders_01 has no column 'sku'",
                    "shop.yaml: fields.created_at: column shop.orders_01.created is int(11),"
                        + " which cannot feed this field (accepted: [date, datetime,"
                        + " timestamp])"));
  }

  @Test
  void shouldRequireEveryEnumStatusLabelAndIntegerCodesForIntegerColumns() {
    String yaml =
        """
        name: cards
        pipe: main
        source: {schema: cards, tables: [gc_orders]}
        order_id: id
        fields:
          status:
            column: status
            codes: {pending: CREATED, paid: PAID}
          total_amount: {column: fee, unit: yuan}
          created_at: created
        """;
    BusinessLine cards =
        BusinessLines.parse(List.of(new BusinessLines.Source("cards.yaml", yaml)))
            .line("cards")
            .orElseThrow();
    List<SourceColumn> base =
        List.of(
            new SourceColumn("id", "bigint unsigned"),
            new SourceColumn("fee", "decimal(12,2)"),
            new SourceColumn("created", "datetime(3)"));

    var withEnum = new java.util.ArrayList<>(base);
    withEnum.add(new SourceColumn("status", "enum('pending','paid','it''s gone')"));
    assertThatThrownBy(() -> cards.validateAgainst("cards", "gc_orders", withEnum))
        .hasMessage(
            "cards.yaml: fields.status.codes: the value 'it's gone' of ENUM column"
                + " cards.gc_orders.status is not mapped; every source status must be listed");

    var withInt = new java.util.ArrayList<>(base);
    withInt.add(new SourceColumn("status", "smallint(6)"));
    assertThatThrownBy(() -> cards.validateAgainst("cards", "gc_orders", withInt))
        .hasMessageContaining("fields.status.codes.pending: column cards.gc_orders.status is")
        .hasMessageContaining("the code 'pending' can never match it");

    assertThatThrownBy(() -> cards.validateAgainst("cards", "gc_order_items", withInt))
        .hasMessage("cards.yaml: source: line cards does not map table cards.gc_order_items");
  }
}
