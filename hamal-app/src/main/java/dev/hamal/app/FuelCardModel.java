package dev.hamal.app;

import static dev.hamal.app.SampleData.chance;
import static dev.hamal.app.SampleData.pick;
import static dev.hamal.app.SampleData.weighted;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Fuel cards (加油卡): an application-assigned (snowflake) {@code order_id}, money in cents as BIGINT,
 * status as two-letter pinyin initials in CHAR(2), gmt_* timestamps, an optimistic-lock version, an
 * {@code ext_info} TEXT holding {@code key=value&...} pairs, a refund table.
 */
final class FuelCardModel implements LineModel {
  private static final String ORDERS = "fc_order";
  private static final String REFUNDS = "fc_refund";

  private static final String[] GRADES = {"92#", "95#", "98#", "0#"};
  private static final int[] BASE_PRICE_CENTS = {768, 818, 908, 742};
  private static final String[] DISTRICTS = {
    "朝阳", "海淀", "浦东", "天河", "南山", "西湖", "武侯", "江汉", "岳麓", "历下", "思明", "雁塔"
  };
  private static final String[] STATION_SUFFIX = {"加油站", "第一加油站", "第二加油站", "服务区加油站"};
  private static final String[] PAY_WAYS = {"ALI", "WX", "YSF", "YE", "JF", "LPK"};
  private static final String[] FAIL_REASONS = {"卡片已挂失", "卡号不存在", "圈存失败", "油企接口超时"};

  private static final List<String> INSERT_COLUMNS =
      List.of(
          "order_id",
          "member_id",
          "card_no",
          "card_holder",
          "oil_company",
          "station_code",
          "station_name",
          "geo_lat",
          "geo_lng",
          "fuel_grade",
          "litres",
          "unit_price_cent",
          "total_cent",
          "discount_cent",
          "pay_cent",
          "refund_cent",
          "order_state",
          "channel_id",
          "need_invoice",
          "gmt_create",
          "gmt_modified",
          "ext_info",
          "version");

  @Override
  public List<String> createStatements(String s) {
    return List.of(
        """
        CREATE TABLE IF NOT EXISTS %s.fc_order (
          order_id BIGINT UNSIGNED NOT NULL COMMENT '订单ID(雪花算法)',
          member_id BIGINT UNSIGNED NOT NULL COMMENT '会员ID',
          card_no VARCHAR(19) NOT NULL COMMENT '加油卡号',
          card_holder VARCHAR(32) DEFAULT NULL COMMENT '持卡人',
          oil_company CHAR(4) NOT NULL COMMENT 'SNPC中石化 CNPC中石油',
          station_code VARCHAR(16) DEFAULT NULL,
          station_name VARCHAR(64) DEFAULT NULL,
          geo_lat DOUBLE DEFAULT NULL,
          geo_lng DOUBLE DEFAULT NULL,
          fuel_grade VARCHAR(8) NOT NULL COMMENT '油品 92# 95# 98# 0#',
          litres DECIMAL(8,2) NOT NULL COMMENT '升数',
          unit_price_cent INT UNSIGNED NOT NULL COMMENT '单价(分/升)',
          total_cent BIGINT NOT NULL COMMENT '订单金额(分)',
          discount_cent BIGINT NOT NULL DEFAULT 0 COMMENT '优惠(分)',
          pay_cent BIGINT NOT NULL COMMENT '实付(分)',
          refund_cent BIGINT NOT NULL DEFAULT 0 COMMENT '已退(分)',
          pay_way VARCHAR(12) DEFAULT NULL COMMENT 'ALI WX YSF云闪付 YE余额 JF积分 LPK礼品卡',
          pay_serial VARCHAR(48) DEFAULT NULL,
          order_state CHAR(2) NOT NULL DEFAULT 'WP'
            COMMENT 'WP待支付 ZF已支付 CZ充值中 CG成功 SB失败 TK退款中 YT已退款 GB已关闭',
          channel_id SMALLINT UNSIGNED NOT NULL COMMENT '渠道',
          need_invoice TINYINT(1) NOT NULL DEFAULT 0,
          gmt_create DATETIME NOT NULL,
          gmt_pay DATETIME DEFAULT NULL,
          gmt_finish DATETIME DEFAULT NULL,
          gmt_modified DATETIME(3) NOT NULL,
          ext_info TEXT COMMENT 'k=v&k=v',
          version INT UNSIGNED NOT NULL DEFAULT 0 COMMENT '乐观锁',
          PRIMARY KEY (order_id),
          KEY idx_member_create (member_id, gmt_create),
          KEY idx_card_no (card_no),
          KEY idx_state_modified (order_state, gmt_modified)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='加油卡订单'
        """
            .formatted(s),
        """
        CREATE TABLE IF NOT EXISTS %s.fc_refund (
          refund_id BIGINT UNSIGNED NOT NULL,
          order_id BIGINT UNSIGNED NOT NULL,
          refund_cent BIGINT NOT NULL,
          refund_state CHAR(2) NOT NULL COMMENT 'TK退款中 YT已退款',
          apply_reason VARCHAR(64) DEFAULT NULL,
          gmt_create DATETIME NOT NULL,
          gmt_finish DATETIME DEFAULT NULL,
          PRIMARY KEY (refund_id),
          KEY idx_order (order_id)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='加油卡退款'
        """
            .formatted(s));
  }

  @Override
  public List<String> tables() {
    return List.of(ORDERS, REFUNDS);
  }

  @Override
  public List<String> orderTables() {
    return List.of(ORDERS);
  }

  @Override
  public String orderTable(long userId) {
    return ORDERS;
  }

  @Override
  public String idColumn() {
    return "order_id";
  }

  @Override
  public String statusColumn() {
    return "order_state";
  }

  @Override
  public String extColumn() {
    return "ext_info";
  }

  @Override
  public String modifiedColumn() {
    return "gmt_modified";
  }

  @Override
  public List<String> insertColumns() {
    return INSERT_COLUMNS;
  }

  @Override
  public Object statusCode(OrderStatus status) {
    return switch (status) {
      case CREATED -> "WP";
      case PAID -> "ZF";
      case FULFILLING -> "CZ";
      case SUCCEEDED -> "CG";
      case FAILED -> "SB";
      case REFUNDING -> "TK";
      case REFUNDED -> "YT";
      case CLOSED -> "GB";
    };
  }

  @Override
  public LineOrder newOrder(OrderSpec spec, RandomGenerator random) {
    boolean sinopec = chance(random, 0.6);
    int grade = weighted(random, 55, 30, 5, 10);
    int unitPrice = BASE_PRICE_CENTS[grade] + random.nextInt(40);
    BigDecimal litres = BigDecimal.valueOf(1000 + random.nextInt(5001), 2);
    long total = litres.multiply(BigDecimal.valueOf(unitPrice)).longValue();
    long discount = total * (spec.promotion() ? 3 + random.nextInt(6) : random.nextInt(3)) / 100;
    int province = random.nextInt(SampleData.PROVINCES.length);
    LocalDateTime created = spec.createdAt();

    var row = new LinkedHashMap<String, Object>();
    row.put("order_id", spec.id());
    row.put("member_id", spec.userId());
    row.put(
        "card_no",
        sinopec
            ? "1000113" + SampleData.digits(random, 12)
            : "9030" + SampleData.digits(random, 12));
    if (chance(random, 0.8)) {
      row.put("card_holder", SampleData.personName(random));
    }
    row.put("oil_company", sinopec ? "SNPC" : "CNPC");
    if (chance(random, 0.85)) {
      row.put("station_code", (sinopec ? "S" : "P") + SampleData.digits(random, 9));
      row.put(
          "station_name",
          (sinopec ? "中石化" : "中石油")
              + pick(random, SampleData.CITIES[province])
              + pick(random, DISTRICTS)
              + pick(random, STATION_SUFFIX));
      row.put("geo_lat", 22.0 + random.nextInt(2400000) / 100000.0);
      row.put("geo_lng", 102.0 + random.nextInt(2000000) / 100000.0);
    }
    row.put("fuel_grade", GRADES[grade]);
    row.put("litres", litres);
    row.put("unit_price_cent", unitPrice);
    row.put("total_cent", total);
    row.put("discount_cent", discount);
    row.put("pay_cent", total - discount);
    row.put("refund_cent", 0L);
    row.put("order_state", statusCode(OrderStatus.CREATED));
    row.put("channel_id", 1 + weighted(random, 50, 20, 20, 10));
    row.put("need_invoice", chance(random, 0.2) ? 1 : 0);
    row.put("gmt_create", created.truncatedTo(ChronoUnit.SECONDS));
    row.put("gmt_modified", created);
    row.put("ext_info", ext(random, spec));
    row.put("version", 0);
    return new LineOrder(
        ProductLine.FUELCARD, spec.id(), ORDERS, List.of(new RowWrite.Insert(ORDERS, row)));
  }

  private static String ext(RandomGenerator random, OrderSpec spec) {
    var text =
        new StringBuilder(400)
            .append("src=")
            .append(pick(random, new String[] {"app", "h5", "wxmini", "alimini"}))
            .append("&plate=")
            .append(pick(random, new String[] {"京A", "沪B", "粤B", "浙A", "川A"}))
            .append(SampleData.alphanumeric(random, 5))
            .append("&promo=")
            .append(spec.promotion() ? "DOUBLE11" : "NONE")
            .append("&lbs=")
            .append(random.nextBoolean())
            .append("&trace=");
    int target = 100 + random.nextInt(301);
    int pad = Math.max(8, target - SampleData.utf8Length(text.toString()));
    return text.append(SampleData.alphanumeric(random, pad)).toString();
  }

  @Override
  public List<RowWrite> transition(
      LineOrder order, OrderStatus from, OrderStatus to, LocalDateTime at, RandomGenerator random) {
    var set = new LinkedHashMap<String, Object>();
    set.put("order_state", statusCode(to));
    var writes = new ArrayList<RowWrite>(2);
    long refundId = order.id() * 10 + 1;
    LocalDateTime seconds = at.truncatedTo(ChronoUnit.SECONDS);
    switch (to) {
      case PAID -> {
        set.put("pay_way", PAY_WAYS[weighted(random, 40, 40, 6, 8, 3, 3)]);
        set.put("pay_serial", SampleData.serial(random, "P", at, 12));
        set.put("gmt_pay", seconds);
      }
      case FULFILLING -> {}
      case SUCCEEDED -> set.put("gmt_finish", seconds);
      case FAILED -> set.put("gmt_finish", seconds);
      case REFUNDING ->
          writes.add(
              new RowWrite.Insert(
                  REFUNDS,
                  SampleData.columns(
                      "refund_id",
                      refundId,
                      "order_id",
                      order.id(),
                      "refund_cent",
                      order.get("pay_cent", Long.class),
                      "refund_state",
                      "TK",
                      "apply_reason",
                      pick(random, FAIL_REASONS),
                      "gmt_create",
                      seconds)));
      case REFUNDED -> {
        set.put("refund_cent", order.get("pay_cent", Long.class));
        writes.add(
            new RowWrite.Update(
                REFUNDS,
                SampleData.columns("refund_state", "YT", "gmt_finish", seconds),
                "refund_id",
                refundId));
      }
      case CLOSED -> set.put("gmt_finish", seconds);
      case CREATED -> throw new IllegalArgumentException("an order cannot move back to CREATED");
    }
    set.put("gmt_modified", at);
    set.put("version", versionAfter(to));
    writes.addFirst(new RowWrite.Update(ORDERS, set, "order_id", order.id()));
    return writes;
  }

  /** The optimistic-lock version after a transition: one more per step along the only path. */
  private static int versionAfter(OrderStatus to) {
    return switch (to) {
      case CREATED -> 0;
      case PAID, CLOSED -> 1;
      case FULFILLING -> 2;
      case SUCCEEDED, FAILED -> 3;
      case REFUNDING -> 4;
      case REFUNDED -> 5;
    };
  }
}
