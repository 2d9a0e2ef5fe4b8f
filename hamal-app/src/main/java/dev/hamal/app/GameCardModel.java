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
 * Game cards and in-game currency (游戏点卡): an AUTO_INCREMENT id plus a CHAR(24) trade_no, status and
 * payment method as ENUMs, a JSON {@code attrs} column, TIMESTAMP(3) paid/modified columns, and
 * delivered card codes (with an encrypted VARBINARY secret) in {@code gc_order_items}, inserted
 * when the order is delivered.
 */
final class GameCardModel implements LineModel {
  private static final String ORDERS = "gc_orders";
  private static final String ITEMS = "gc_order_items";

  /** A game: code, name, regions, delivery mode (1 direct top-up, 2 card codes), SKUs. */
  private record Game(String code, String name, String[] regions, int mode, Sku[] skus) {}

  private record Sku(String code, String name, int cents) {}

  private static final Game[] GAMES = {
    new Game(
        "wzry",
        "王者荣耀",
        new String[] {"苹果QQ区", "苹果微信区", "安卓QQ区", "安卓微信区"},
        1,
        new Sku[] {
          new Sku("WZRY-60", "王者荣耀 60点券", 600),
          new Sku("WZRY-300", "王者荣耀 300点券", 3000),
          new Sku("WZRY-680", "王者荣耀 680点券", 6800),
          new Sku("WZRY-1280", "王者荣耀 1280点券", 12800),
          new Sku("WZRY-6480", "王者荣耀 6480点券", 64800)
        }),
    new Game(
        "ys",
        "原神",
        new String[] {"天空岛", "世界树"},
        1,
        new Sku[] {
          new Sku("YS-60", "原神 创世结晶×60", 600),
          new Sku("YS-300", "原神 创世结晶×300", 3000),
          new Sku("YS-980", "原神 创世结晶×980", 9800),
          new Sku("YS-6480", "原神 创世结晶×6480", 64800),
          new Sku("YS-MOON", "原神 空月祝福", 3000)
        }),
    new Game(
        "hpjy",
        "和平精英",
        new String[] {"QQ区", "微信区"},
        1,
        new Sku[] {new Sku("HPJY-60", "和平精英 60点券", 600), new Sku("HPJY-680", "和平精英 680点券", 6800)}),
    new Game(
        "mhxy",
        "梦幻西游",
        new String[] {"全区通用"},
        2,
        new Sku[] {
          new Sku("MHXY-30", "梦幻西游 30元点卡", 3000),
          new Sku("MHXY-50", "梦幻西游 50元点卡", 5000),
          new Sku("MHXY-100", "梦幻西游 100元点卡", 10000)
        }),
    new Game(
        "steam",
        "Steam",
        new String[] {"国区"},
        2,
        new Sku[] {
          new Sku("STEAM-50", "Steam 钱包充值卡 50元", 5000),
          new Sku("STEAM-100", "Steam 钱包充值卡 100元", 10000),
          new Sku("STEAM-200", "Steam 钱包充值卡 200元", 20000)
        }),
    new Game(
        "xqtd",
        "崩坏：星穹铁道",
        new String[] {"星穹列车", "无名客"},
        1,
        new Sku[] {
          new Sku("XQTD-300", "崩坏：星穹铁道 古老梦华×300", 3000),
          new Sku("XQTD-SUPPLY", "崩坏：星穹铁道 列车补给凭证", 3000)
        })
  };
  private static final String[] PAY_METHODS = {
    "alipay", "wechat", "qq_wallet", "game_coin", "points", "voucher"
  };

  private static final List<String> INSERT_COLUMNS =
      List.of(
          "id",
          "trade_no",
          "buyer_id",
          "game_code",
          "game_name",
          "region",
          "role_id",
          "role_name",
          "sku_code",
          "sku_name",
          "quantity",
          "unit_price",
          "total_fee",
          "coupon_fee",
          "coin_deduct",
          "actual_fee",
          "currency",
          "status",
          "deliver_mode",
          "risk_flag",
          "attrs",
          "created",
          "modified");

  @Override
  public List<String> createStatements(String s) {
    return List.of(
        """
        CREATE TABLE IF NOT EXISTS %s.gc_orders (
          id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
          trade_no CHAR(24) NOT NULL COMMENT '交易号',
          buyer_id BIGINT UNSIGNED NOT NULL,
          game_code VARCHAR(32) NOT NULL,
          game_name VARCHAR(64) NOT NULL,
          region VARCHAR(32) NOT NULL COMMENT '区服',
          role_id VARCHAR(32) DEFAULT NULL,
          role_name VARCHAR(64) DEFAULT NULL,
          sku_code VARCHAR(32) NOT NULL,
          sku_name VARCHAR(128) NOT NULL,
          quantity INT UNSIGNED NOT NULL DEFAULT 1,
          unit_price DECIMAL(10,2) NOT NULL,
          total_fee DECIMAL(12,2) NOT NULL,
          coupon_fee DECIMAL(10,2) NOT NULL DEFAULT 0.00,
          coin_deduct INT UNSIGNED NOT NULL DEFAULT 0 COMMENT '平台币抵扣(1币=1分)',
          actual_fee DECIMAL(12,2) NOT NULL,
          currency CHAR(3) NOT NULL DEFAULT 'CNY',
          pay_method ENUM('alipay','wechat','qq_wallet','game_coin','points','voucher') DEFAULT NULL,
          status ENUM('pending','paid','delivering','delivered','delivery_failed','refunding',
                      'refunded','cancelled') NOT NULL DEFAULT 'pending',
          deliver_mode TINYINT NOT NULL COMMENT '1直充 2卡密',
          risk_flag TINYINT(1) NOT NULL DEFAULT 0,
          attrs JSON DEFAULT NULL,
          created DATETIME(3) NOT NULL,
          paid TIMESTAMP(3) NULL DEFAULT NULL,
          delivered DATETIME(3) DEFAULT NULL,
          modified TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
          PRIMARY KEY (id),
          UNIQUE KEY uk_trade_no (trade_no),
          KEY idx_buyer_created (buyer_id, created),
          KEY idx_game_status (game_code, status),
          KEY idx_modified (modified)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='游戏点卡订单'
        """
            .formatted(s),
        """
        CREATE TABLE IF NOT EXISTS %s.gc_order_items (
          id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
          trade_no CHAR(24) NOT NULL,
          line_no SMALLINT UNSIGNED NOT NULL,
          card_no VARCHAR(32) DEFAULT NULL,
          card_secret VARBINARY(64) DEFAULT NULL COMMENT 'AES 加密卡密',
          face_value DECIMAL(10,2) NOT NULL,
          item_status TINYINT NOT NULL DEFAULT 0 COMMENT '0待发 1已发 2失败 3已作废',
          created DATETIME(3) NOT NULL,
          updated DATETIME(3) NOT NULL,
          PRIMARY KEY (id),
          UNIQUE KEY uk_trade_line (trade_no, line_no)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='点卡发货明细'
        """
            .formatted(s));
  }

  @Override
  public List<String> tables() {
    return List.of(ORDERS, ITEMS);
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
    return "attrs";
  }

  @Override
  public String modifiedColumn() {
    return "modified";
  }

  @Override
  public List<String> insertColumns() {
    return INSERT_COLUMNS;
  }

  @Override
  public Object statusCode(OrderStatus status) {
    return switch (status) {
      case CREATED -> "pending";
      case PAID -> "paid";
      case FULFILLING -> "delivering";
      case SUCCEEDED -> "delivered";
      case FAILED -> "delivery_failed";
      case REFUNDING -> "refunding";
      case REFUNDED -> "refunded";
      case CLOSED -> "cancelled";
    };
  }

  @Override
  public LineOrder newOrder(OrderSpec spec, RandomGenerator random) {
    Game game = GAMES[weighted(random, 30, 25, 15, 10, 10, 10)];
    Sku sku = pick(random, game.skus());
    int quantity = game.mode() == 2 ? 1 + weighted(random, 70, 20, 5, 5) : 1;
    BigDecimal unitPrice = SampleData.yuan(sku.cents());
    BigDecimal total = unitPrice.multiply(BigDecimal.valueOf(quantity));
    BigDecimal coupon =
        chance(random, spec.promotion() ? 0.4 : 0.1)
            ? SampleData.times(total, 0.05 * (1 + random.nextInt(3)))
            : SampleData.yuan(0);
    int coins = chance(random, 0.1) ? random.nextInt(Math.min(500, sku.cents() / 2) + 1) : 0;
    LocalDateTime created = spec.createdAt();

    var row = new LinkedHashMap<String, Object>();
    row.put("id", spec.id());
    row.put(
        "trade_no",
        "GC"
            + created.format(SampleData.DAY).substring(2)
            + "%016d".formatted(Long.remainderUnsigned(spec.id(), 10_000_000_000_000_000L)));
    row.put("buyer_id", spec.userId());
    row.put("game_code", game.code());
    row.put("game_name", game.name());
    row.put("region", pick(random, game.regions()));
    if (game.mode() == 1) {
      row.put("role_id", SampleData.digits(random, 10));
      if (chance(random, 0.7)) {
        row.put(
            "role_name",
            pick(random, new String[] {"夜雨", "清风", "孤影", "小鱼", "Neo"})
                + "丶"
                + SampleData.alphanumeric(random, 3));
      }
    }
    row.put("sku_code", sku.code());
    row.put("sku_name", sku.name());
    row.put("quantity", quantity);
    row.put("unit_price", unitPrice);
    row.put("total_fee", total);
    row.put("coupon_fee", coupon);
    row.put("coin_deduct", coins);
    row.put("actual_fee", total.subtract(coupon).subtract(SampleData.yuan(coins)));
    row.put("currency", "CNY");
    row.put("status", statusCode(OrderStatus.CREATED));
    row.put("deliver_mode", game.mode());
    row.put("risk_flag", chance(random, 0.02) ? 1 : 0);
    var attrs =
        new SampleData.Json()
            .field("os", pick(random, new String[] {"ios", "android", "pc"}))
            .field("server_id", 1 + random.nextInt(500))
            .field("first_charge", chance(random, 0.2))
            .field(
                "channel", pick(random, new String[] {"taptap", "appstore", "huawei", "official"}));
    row.put("attrs", SampleData.finishExt(random, attrs));
    row.put("created", created);
    row.put("modified", created);
    return new LineOrder(
        ProductLine.GAMECARD, spec.id(), ORDERS, List.of(new RowWrite.Insert(ORDERS, row)));
  }

  @Override
  public List<RowWrite> transition(
      LineOrder order, OrderStatus from, OrderStatus to, LocalDateTime at, RandomGenerator random) {
    var set = new LinkedHashMap<String, Object>();
    set.put("status", statusCode(to));
    String tradeNo = order.get("trade_no", String.class);
    var writes = new ArrayList<RowWrite>();
    switch (to) {
      case PAID -> {
        int coins = order.get("coin_deduct", Integer.class);
        set.put(
            "pay_method",
            coins > 0 && chance(random, 0.3)
                ? "game_coin"
                : PAY_METHODS[weighted(random, 35, 40, 10, 5, 5, 5)]);
        set.put("paid", at);
      }
      case FULFILLING -> {}
      case SUCCEEDED -> {
        set.put("delivered", at);
        int quantity = order.get("quantity", Integer.class);
        boolean cards = order.get("deliver_mode", Integer.class) == 2;
        for (int line = 1; line <= quantity; line++) {
          var item = new LinkedHashMap<String, Object>();
          item.put("trade_no", tradeNo);
          item.put("line_no", line);
          if (cards) {
            item.put("card_no", SampleData.alphanumeric(random, 16));
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            item.put("card_secret", secret);
          }
          item.put("face_value", order.get("unit_price", BigDecimal.class));
          item.put("item_status", 1);
          item.put("created", at);
          item.put("updated", at);
          writes.add(new RowWrite.Insert(ITEMS, item));
        }
      }
      case FAILED -> {}
      case REFUNDING -> {
        if (from == OrderStatus.SUCCEEDED) {
          // A delivered order is refunded only after its card codes are voided.
          writes.add(
              new RowWrite.Update(
                  ITEMS, SampleData.columns("item_status", 3, "updated", at), "trade_no", tradeNo));
        }
      }
      case REFUNDED -> {}
      case CLOSED -> {}
      case CREATED -> throw new IllegalArgumentException("an order cannot move back to CREATED");
    }
    set.put("modified", at);
    writes.addFirst(new RowWrite.Update(ORDERS, set, "id", order.id()));
    return writes;
  }
}
