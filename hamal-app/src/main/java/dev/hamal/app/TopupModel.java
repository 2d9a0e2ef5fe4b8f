package dev.hamal.app;

import static dev.hamal.app.SampleData.chance;
import static dev.hamal.app.SampleData.pick;
import static dev.hamal.app.SampleData.weighted;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Mobile top-up (话费充值): one {@code tp_order} table with an AUTO_INCREMENT id and an order_no, money
 * in yuan as DECIMAL, status as SMALLINT codes, a refund table.
 */
final class TopupModel implements LineModel {
  private static final String ORDERS = "tp_order";
  private static final String REFUNDS = "tp_refund";

  private static final int[] FACE_VALUES = {10, 20, 30, 50, 100, 200, 300, 500};
  private static final String[] CARRIER_NAMES = {"移动", "联通", "电信"};
  private static final String[] SUPPLIERS = {"HUAFEI_A", "SUP_FULU", "SUP_QIANMI", "CMCC_DIRECT"};
  private static final String[] FAIL_REASONS = {
    "运营商系统维护", "号码已停机", "携号转网号码暂不支持", "充值超时", "供货商余额不足"
  };

  private static final List<String> INSERT_COLUMNS =
      List.of(
          "id",
          "order_no",
          "user_id",
          "mobile",
          "carrier",
          "province",
          "city",
          "product_id",
          "product_name",
          "face_value",
          "sale_price",
          "discount_amount",
          "pay_amount",
          "refund_amount",
          "coupon_id",
          "status",
          "source",
          "is_deleted",
          "create_time",
          "update_time",
          "extra_info");

  @Override
  public List<String> createStatements(String s) {
    return List.of(
        """
        CREATE TABLE IF NOT EXISTS %s.tp_order (
          id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT COMMENT '主键',
          order_no VARCHAR(32) NOT NULL COMMENT '订单号',
          user_id BIGINT UNSIGNED NOT NULL COMMENT '用户ID',
          mobile CHAR(11) NOT NULL COMMENT '充值手机号',
          carrier TINYINT UNSIGNED NOT NULL COMMENT '运营商 1移动 2联通 3电信',
          province VARCHAR(16) NOT NULL DEFAULT '' COMMENT '号码归属省份',
          city VARCHAR(32) DEFAULT NULL COMMENT '号码归属城市',
          product_id INT UNSIGNED NOT NULL,
          product_name VARCHAR(64) NOT NULL COMMENT '商品名称',
          face_value DECIMAL(10,2) NOT NULL COMMENT '面值(元)',
          sale_price DECIMAL(10,2) NOT NULL COMMENT '售价(元)',
          discount_amount DECIMAL(10,2) NOT NULL DEFAULT 0.00 COMMENT '优惠金额(元)',
          pay_amount DECIMAL(10,2) NOT NULL COMMENT '实付金额(元)',
          refund_amount DECIMAL(10,2) NOT NULL DEFAULT 0.00,
          pay_channel VARCHAR(16) DEFAULT NULL COMMENT 'alipay wxpay unionpay balance points',
          pay_trade_no VARCHAR(64) DEFAULT NULL,
          coupon_id BIGINT UNSIGNED DEFAULT NULL,
          status SMALLINT NOT NULL DEFAULT 0
            COMMENT '0待支付 10已支付 20充值中 30充值成功 40充值失败 50退款中 60已退款 90已关闭',
          supplier_code VARCHAR(16) DEFAULT NULL,
          supplier_order_no VARCHAR(64) DEFAULT NULL,
          fail_reason VARCHAR(255) DEFAULT NULL,
          source TINYINT NOT NULL DEFAULT 1 COMMENT '1 App 2 H5 3 小程序',
          is_deleted TINYINT(1) NOT NULL DEFAULT 0,
          create_time DATETIME(3) NOT NULL,
          pay_time DATETIME(3) DEFAULT NULL,
          finish_time DATETIME(3) DEFAULT NULL,
          update_time TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
          extra_info TEXT DEFAULT NULL COMMENT '扩展信息(JSON)',
          PRIMARY KEY (id),
          UNIQUE KEY uk_order_no (order_no),
          KEY idx_user_time (user_id, create_time),
          KEY idx_mobile (mobile),
          KEY idx_status_update (status, update_time)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='话费充值订单'
        """
            .formatted(s),
        """
        CREATE TABLE IF NOT EXISTS %s.tp_refund (
          id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
          refund_no VARCHAR(32) NOT NULL,
          order_no VARCHAR(32) NOT NULL,
          user_id BIGINT UNSIGNED NOT NULL,
          refund_amount DECIMAL(10,2) NOT NULL,
          refund_status TINYINT NOT NULL COMMENT '1处理中 2退款成功 3退款失败',
          reason VARCHAR(128) DEFAULT NULL,
          create_time DATETIME(3) NOT NULL,
          finish_time DATETIME(3) DEFAULT NULL,
          PRIMARY KEY (id),
          UNIQUE KEY uk_refund_no (refund_no),
          KEY idx_order_no (order_no)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='话费退款单'
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
    return "id";
  }

  @Override
  public String statusColumn() {
    return "status";
  }

  @Override
  public String extColumn() {
    return "extra_info";
  }

  @Override
  public String modifiedColumn() {
    return "update_time";
  }

  @Override
  public List<String> insertColumns() {
    return INSERT_COLUMNS;
  }

  @Override
  public Object statusCode(OrderStatus status) {
    return switch (status) {
      case CREATED -> 0;
      case PAID -> 10;
      case FULFILLING -> 20;
      case SUCCEEDED -> 30;
      case FAILED -> 40;
      case REFUNDING -> 50;
      case REFUNDED -> 60;
      case CLOSED -> 90;
    };
  }

  @Override
  public LineOrder newOrder(OrderSpec spec, RandomGenerator random) {
    int carrier = weighted(random, 60, 25, 15);
    int province = random.nextInt(SampleData.PROVINCES.length);
    int face = FACE_VALUES[weighted(random, 6, 8, 10, 30, 30, 10, 4, 2)];
    BigDecimal faceValue = BigDecimal.valueOf(face).setScale(2);
    BigDecimal salePrice = SampleData.times(faceValue, 0.97 + random.nextInt(4) / 100.0);
    BigDecimal discount =
        chance(random, spec.promotion() ? 0.5 : 0.15)
            ? BigDecimal.valueOf(face >= 50 ? 1 + random.nextInt(5) : 1).setScale(2)
            : BigDecimal.ZERO.setScale(2);
    LocalDateTime created = spec.createdAt();

    var row = new LinkedHashMap<String, Object>();
    row.put("id", spec.id());
    row.put("order_no", "TP" + created.format(SampleData.DAY) + spec.id());
    row.put("user_id", spec.userId());
    row.put("mobile", SampleData.mobile(random, carrier));
    row.put("carrier", carrier + 1);
    row.put("province", SampleData.PROVINCES[province]);
    if (chance(random, 0.9)) {
      row.put("city", pick(random, SampleData.CITIES[province]));
    }
    row.put("product_id", 100_000 + carrier * 1000 + face);
    row.put(
        "product_name",
        SampleData.PROVINCES[province]
            + CARRIER_NAMES[carrier]
            + "话费"
            + face
            + "元"
            + (random.nextBoolean() ? "(快充)" : "(24小时到账)"));
    row.put("face_value", faceValue);
    row.put("sale_price", salePrice);
    row.put("discount_amount", discount);
    row.put("pay_amount", salePrice.subtract(discount));
    row.put("refund_amount", BigDecimal.ZERO.setScale(2));
    if (discount.signum() > 0) {
      row.put("coupon_id", 9_000_000_000L + random.nextInt(1_000_000));
    }
    row.put("status", statusCode(OrderStatus.CREATED));
    row.put("source", 1 + weighted(random, 70, 10, 20));
    row.put("is_deleted", 0);
    row.put("create_time", created);
    row.put("update_time", created.withNano(0));
    var ext =
        new SampleData.Json()
            .field("carrier_name", CARRIER_NAMES[carrier])
            .field("fast", random.nextBoolean())
            .field("activity", spec.promotion() ? "618大促" : "");
    row.put("extra_info", SampleData.finishExt(random, ext));
    return new LineOrder(
        ProductLine.TOPUP, spec.id(), ORDERS, List.of(new RowWrite.Insert(ORDERS, row)));
  }

  @Override
  public List<RowWrite> transition(
      LineOrder order, OrderStatus from, OrderStatus to, LocalDateTime at, RandomGenerator random) {
    String orderNo = order.get("order_no", String.class);
    var set = new LinkedHashMap<String, Object>();
    set.put("status", statusCode(to));
    var writes = new ArrayList<RowWrite>(2);
    String refundNo = "RF" + orderNo.substring(2);
    switch (to) {
      case PAID -> {
        String channel =
            order.row().containsKey("coupon_id") && chance(random, 0.1)
                ? "coupon"
                : new String[] {"alipay", "wxpay", "unionpay", "balance", "points"}
                    [weighted(random, 45, 40, 5, 7, 3)];
        set.put("pay_channel", channel);
        set.put("pay_trade_no", SampleData.serial(random, "", at, 14));
        set.put("pay_time", at);
      }
      case FULFILLING -> {
        set.put("supplier_code", pick(random, SUPPLIERS));
        set.put("supplier_order_no", SampleData.serial(random, "S", at, 6));
      }
      case SUCCEEDED -> set.put("finish_time", at);
      case FAILED -> {
        set.put("fail_reason", pick(random, FAIL_REASONS));
        set.put("finish_time", at);
      }
      case REFUNDING ->
          writes.add(
              new RowWrite.Insert(
                  REFUNDS,
                  SampleData.columns(
                      "refund_no",
                      refundNo,
                      "order_no",
                      orderNo,
                      "user_id",
                      order.get("user_id", Long.class),
                      "refund_amount",
                      order.get("pay_amount", BigDecimal.class),
                      "refund_status",
                      1,
                      "reason",
                      from == OrderStatus.FAILED ? "充值失败自动退款" : "用户申请退款",
                      "create_time",
                      at)));
      case REFUNDED -> {
        set.put("refund_amount", order.get("pay_amount", BigDecimal.class));
        writes.add(
            new RowWrite.Update(
                REFUNDS,
                SampleData.columns("refund_status", 2, "finish_time", at),
                "refund_no",
                refundNo));
      }
      case CLOSED -> set.put("finish_time", at);
      case CREATED -> throw new IllegalArgumentException("an order cannot move back to CREATED");
    }
    set.put("update_time", at.withNano(0));
    writes.addFirst(new RowWrite.Update(ORDERS, set, "id", order.id()));
    return writes;
  }
}
