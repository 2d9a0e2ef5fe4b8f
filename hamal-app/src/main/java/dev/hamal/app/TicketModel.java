package dev.hamal.app;

import static dev.hamal.app.SampleData.chance;
import static dev.hamal.app.SampleData.pick;
import static dev.hamal.app.SampleData.weighted;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.StringJoiner;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * Flight, train and attraction tickets (机票/火车票/门票): orders and passengers sharded into 16 tables
 * each by {@code uid % 16}; application-assigned ids, VARCHAR status words, an ENUM for the kind of
 * ticket, a SET of tags, DATE/TIME travel columns and DATETIME(6) {@code updated_at}.
 */
final class TicketModel implements LineModel {
  static final int SHARDS = 16;
  private static final List<String> ORDERS =
      IntStream.range(0, SHARDS).mapToObj(i -> "orders_%02d".formatted(i)).toList();
  private static final List<String> PASSENGERS =
      IntStream.range(0, SHARDS).mapToObj(i -> "passengers_%02d".formatted(i)).toList();

  private static final String[] CITIES = {
    "北京", "上海", "广州", "深圳", "成都", "杭州", "西安", "重庆", "武汉", "南京", "长沙", "昆明", "厦门", "青岛", "三亚", "哈尔滨"
  };
  private static final String[] AIRLINES = {"CA", "MU", "CZ", "HU", "3U", "ZH", "MF"};
  private static final String[] TRAIN_PREFIXES = {"G", "G", "G", "D", "D", "K", "Z", "T"};
  private static final String[] SCENIC = {
    "故宫博物院",
    "上海迪士尼乐园",
    "黄山风景区",
    "九寨沟",
    "八达岭长城",
    "秦始皇兵马俑博物馆",
    "张家界国家森林公园",
    "广州长隆野生动物世界",
    "鼓浪屿",
    "西湖游船",
    "玉龙雪山",
    "布达拉宫"
  };
  private static final String[][] SEAT_CLASSES = {
    {"经济舱", "经济舱", "经济舱", "超级经济舱", "公务舱", "头等舱"},
    {"二等座", "二等座", "一等座", "商务座", "硬卧", "软卧", "无座"},
    {"成人票", "成人票", "儿童票", "学生票", "老人票"}
  };
  private static final String[] KINDS = {"FLIGHT", "TRAIN", "SCENIC"};
  private static final String[] FAIL_REASONS = {"航司占座失败", "余票不足", "12306 排队超时", "景区库存不足"};

  private static final List<String> INSERT_COLUMNS =
      List.of(
          "id",
          "order_sn",
          "uid",
          "biz_type",
          "contact_name",
          "contact_phone",
          "passenger_count",
          "from_city",
          "to_city",
          "scenic_name",
          "carrier_no",
          "travel_date",
          "depart_time",
          "seat_class",
          "price",
          "insurance_fee",
          "total_amount",
          "state",
          "tags",
          "created_at",
          "updated_at",
          "extra");

  @Override
  public List<String> createStatements(String s) {
    var statements = new ArrayList<String>(2 * SHARDS);
    for (String table : ORDERS) {
      statements.add(
          """
          CREATE TABLE IF NOT EXISTS %s.%s (
            id BIGINT UNSIGNED NOT NULL,
            order_sn VARCHAR(40) NOT NULL,
            uid BIGINT UNSIGNED NOT NULL,
            biz_type ENUM('FLIGHT','TRAIN','SCENIC') NOT NULL,
            contact_name VARCHAR(32) NOT NULL,
            contact_phone VARCHAR(20) NOT NULL,
            passenger_count TINYINT UNSIGNED NOT NULL,
            from_city VARCHAR(32) DEFAULT NULL,
            to_city VARCHAR(32) DEFAULT NULL,
            scenic_name VARCHAR(64) DEFAULT NULL,
            carrier_no VARCHAR(16) DEFAULT NULL COMMENT '航班号/车次',
            travel_date DATE NOT NULL,
            depart_time TIME DEFAULT NULL,
            seat_class VARCHAR(16) NOT NULL,
            price DECIMAL(12,2) NOT NULL COMMENT '单价',
            insurance_fee DECIMAL(8,2) NOT NULL DEFAULT 0.00,
            total_amount DECIMAL(12,2) NOT NULL,
            paid_amount DECIMAL(12,2) DEFAULT NULL,
            refund_amount DECIMAL(12,2) DEFAULT NULL,
            pay_type TINYINT DEFAULT NULL COMMENT '1支付宝 2微信 3银联 4积分 5礼品卡 6企业月结',
            state VARCHAR(16) NOT NULL
              COMMENT 'WAIT_PAY PAID ISSUING ISSUED ISSUE_FAIL REFUNDING REFUNDED CANCELLED',
            tags SET('child','student','senior','vip','insured','round_trip') NOT NULL DEFAULT '',
            ticket_no VARCHAR(32) DEFAULT NULL,
            created_at DATETIME(3) NOT NULL,
            paid_at DATETIME(3) DEFAULT NULL,
            issued_at DATETIME(3) DEFAULT NULL,
            updated_at DATETIME(6) NOT NULL,
            extra TEXT,
            PRIMARY KEY (id),
            UNIQUE KEY uk_order_sn (order_sn),
            KEY idx_uid_created (uid, created_at),
            KEY idx_travel_state (travel_date, state)
          ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='票务订单分表'
          """
              .formatted(s, table));
    }
    for (String table : PASSENGERS) {
      statements.add(
          """
          CREATE TABLE IF NOT EXISTS %s.%s (
            id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
            order_id BIGINT UNSIGNED NOT NULL,
            name VARCHAR(32) NOT NULL,
            id_type TINYINT NOT NULL COMMENT '1身份证 2护照 3港澳通行证',
            id_no VARCHAR(32) NOT NULL,
            birthday DATE DEFAULT NULL,
            ticket_price DECIMAL(10,2) NOT NULL,
            ticket_state TINYINT NOT NULL DEFAULT 0 COMMENT '0未出票 1已出票 2出票失败 3已退票',
            created_at DATETIME(3) NOT NULL,
            updated_at DATETIME(3) NOT NULL,
            PRIMARY KEY (id),
            KEY idx_order_id (order_id)
          ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='乘客/游客分表'
          """
              .formatted(s, table));
    }
    return statements;
  }

  @Override
  public List<String> tables() {
    var tables = new ArrayList<String>(ORDERS);
    tables.addAll(PASSENGERS);
    return tables;
  }

  @Override
  public List<String> orderTables() {
    return ORDERS;
  }

  @Override
  public String orderTable(long userId) {
    return ORDERS.get(shard(userId));
  }

  private static int shard(long userId) {
    return (int) Long.remainderUnsigned(userId, SHARDS);
  }

  @Override
  public String idColumn() {
    return "id";
  }

  @Override
  public String statusColumn() {
    return "state";
  }

  @Override
  public String extColumn() {
    return "extra";
  }

  @Override
  public String modifiedColumn() {
    return "updated_at";
  }

  @Override
  public List<String> insertColumns() {
    return INSERT_COLUMNS;
  }

  @Override
  public Object statusCode(OrderStatus status) {
    return switch (status) {
      case CREATED -> "WAIT_PAY";
      case PAID -> "PAID";
      case FULFILLING -> "ISSUING";
      case SUCCEEDED -> "ISSUED";
      case FAILED -> "ISSUE_FAIL";
      case REFUNDING -> "REFUNDING";
      case REFUNDED -> "REFUNDED";
      case CLOSED -> "CANCELLED";
    };
  }

  @Override
  public LineOrder newOrder(OrderSpec spec, RandomGenerator random) {
    int kind = weighted(random, 35, 45, 20);
    int passengers = 1 + weighted(random, 60, 25, 10, 5);
    LocalDateTime created = spec.createdAt();
    LocalDate travel = created.toLocalDate().plusDays(random.nextInt(kind == 2 ? 14 : 60));
    BigDecimal price =
        SampleData.yuan(
            switch (kind) {
              case 0 -> 40_000 + random.nextInt(210_000);
              case 1 -> 5_000 + random.nextInt(85_000);
              default -> 4_000 + random.nextInt(36_000);
            });
    boolean insured = kind != 2 && chance(random, 0.4);
    BigDecimal insurance = insured ? SampleData.yuan(kind == 0 ? 3000 : 300) : SampleData.yuan(0);
    BigDecimal count = BigDecimal.valueOf(passengers);
    String table = orderTable(spec.userId());

    var row = new LinkedHashMap<String, Object>();
    row.put("id", spec.id());
    row.put("order_sn", KINDS[kind].charAt(0) + created.format(SampleData.DAY) + spec.id());
    row.put("uid", spec.userId());
    row.put("biz_type", KINDS[kind]);
    row.put("contact_name", SampleData.personName(random));
    row.put("contact_phone", SampleData.mobile(random, random.nextInt(3)));
    row.put("passenger_count", passengers);
    String from = pick(random, CITIES);
    if (kind == 2) {
      row.put("scenic_name", pick(random, SCENIC));
    } else {
      String to = pick(random, CITIES);
      row.put("from_city", from);
      row.put("to_city", to.equals(from) ? CITIES[(indexOf(from) + 1) % CITIES.length] : to);
      row.put(
          "carrier_no",
          kind == 0
              ? pick(random, AIRLINES) + (1000 + random.nextInt(9000))
              : pick(random, TRAIN_PREFIXES) + (1 + random.nextInt(2999)));
    }
    row.put("travel_date", travel);
    if (kind != 2) {
      row.put("depart_time", LocalTime.of(6 + random.nextInt(17), 5 * random.nextInt(12)));
    }
    row.put("seat_class", pick(random, SEAT_CLASSES[kind]));
    row.put("price", price);
    row.put("insurance_fee", insurance);
    row.put("total_amount", price.add(insurance).multiply(count));
    row.put("state", statusCode(OrderStatus.CREATED));
    var tags = new StringJoiner(",");
    if (chance(random, 0.1)) {
      tags.add("child");
    }
    if (chance(random, 0.08)) {
      tags.add("student");
    }
    if (chance(random, 0.05)) {
      tags.add("senior");
    }
    if (chance(random, 0.12)) {
      tags.add("vip");
    }
    if (insured) {
      tags.add("insured");
    }
    if (kind != 2 && chance(random, 0.15)) {
      tags.add("round_trip");
    }
    row.put("tags", tags.toString());
    row.put("created_at", created);
    row.put("updated_at", created);
    var ext =
        new SampleData.Json()
            .field("kind", KINDS[kind].toLowerCase(java.util.Locale.ROOT))
            .field("pax", passengers)
            .field("member_level", pick(random, new String[] {"普通", "白银", "黄金", "钻石"}));
    row.put("extra", SampleData.finishExt(random, ext));

    var writes = new ArrayList<RowWrite>(1 + passengers);
    writes.add(new RowWrite.Insert(table, row));
    String passengerTable = PASSENGERS.get(shard(spec.userId()));
    for (int p = 0; p < passengers; p++) {
      LocalDate birthday = SampleData.birthday(random, created.toLocalDate(), 2, 80);
      boolean passport = chance(random, 0.05);
      writes.add(
          new RowWrite.Insert(
              passengerTable,
              SampleData.columns(
                  "order_id",
                  spec.id(),
                  "name",
                  SampleData.personName(random),
                  "id_type",
                  passport ? 2 : 1,
                  "id_no",
                  passport
                      ? "E" + SampleData.digits(random, 8)
                      : SampleData.identityNumber(random, birthday),
                  "birthday",
                  birthday,
                  "ticket_price",
                  price,
                  "ticket_state",
                  0,
                  "created_at",
                  created,
                  "updated_at",
                  created)));
    }
    return new LineOrder(ProductLine.TICKET, spec.id(), table, writes);
  }

  private static int indexOf(String city) {
    for (int i = 0; i < CITIES.length; i++) {
      if (CITIES[i].equals(city)) {
        return i;
      }
    }
    throw new IllegalArgumentException(city);
  }

  @Override
  public List<RowWrite> transition(
      LineOrder order, OrderStatus from, OrderStatus to, LocalDateTime at, RandomGenerator random) {
    var set = new LinkedHashMap<String, Object>();
    set.put("state", statusCode(to));
    String passengers = PASSENGERS.get(shard(order.get("uid", Long.class)));
    var writes = new ArrayList<RowWrite>(2);
    switch (to) {
      case PAID -> {
        set.put("paid_amount", order.get("total_amount", BigDecimal.class));
        set.put("pay_type", 1 + weighted(random, 40, 40, 5, 5, 5, 5));
        set.put("paid_at", at);
      }
      case FULFILLING -> {}
      case SUCCEEDED -> {
        set.put("ticket_no", SampleData.digits(random, 3) + "-" + SampleData.digits(random, 10));
        set.put("issued_at", at);
        writes.add(passengerState(passengers, order, 1, at));
      }
      case FAILED -> {
        var ext =
            new SampleData.Json()
                .field("fail_reason", pick(random, FAIL_REASONS))
                .field("kind", order.get("biz_type", String.class));
        set.put("extra", SampleData.finishExt(random, ext));
        writes.add(passengerState(passengers, order, 2, at));
      }
      case REFUNDING -> {}
      case REFUNDED -> {
        set.put("refund_amount", order.get("total_amount", BigDecimal.class));
        writes.add(passengerState(passengers, order, 3, at));
      }
      case CLOSED -> {}
      case CREATED -> throw new IllegalArgumentException("an order cannot move back to CREATED");
    }
    set.put("updated_at", at);
    writes.addFirst(new RowWrite.Update(order.table(), set, "id", order.id()));
    return writes;
  }

  private static RowWrite passengerState(
      String table, LineOrder order, int state, LocalDateTime at) {
    return new RowWrite.Update(
        table, SampleData.columns("ticket_state", state, "updated_at", at), "order_id", order.id());
  }
}
