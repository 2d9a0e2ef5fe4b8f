package dev.hamal.app;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Realistic-looking values the product-line models draw from: names, phone numbers, cities,
 * stations, games. Everything is a pure function of the random generator passed in; nothing here is
 * real personal data (identity numbers are well-formed but random).
 */
final class SampleData {
  private SampleData() {}

  static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
  static final DateTimeFormatter COMPACT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

  private static final String[] SURNAMES = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗",
    "高", "欧阳", "司马"
  };
  private static final String[] GIVEN = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞",
    "平", "刚", "桂英", "子涵", "雨桐", "浩然", "梓轩", "欣怡", "一诺"
  };

  static final String[] PROVINCES = {
    "北京", "上海", "广东", "浙江", "江苏", "四川", "湖北", "湖南", "山东", "河南", "福建", "陕西", "重庆", "云南", "辽宁", "黑龙江"
  };
  static final String[][] CITIES = {
    {"北京"},
    {"上海"},
    {"广州", "深圳", "东莞", "佛山"},
    {"杭州", "宁波", "温州"},
    {"南京", "苏州", "无锡"},
    {"成都", "绵阳"},
    {"武汉", "宜昌"},
    {"长沙", "株洲"},
    {"济南", "青岛", "烟台"},
    {"郑州", "洛阳"},
    {"福州", "厦门", "泉州"},
    {"西安", "宝鸡"},
    {"重庆"},
    {"昆明", "大理"},
    {"沈阳", "大连"},
    {"哈尔滨", "大庆"}
  };

  /** Mobile prefixes per carrier: China Mobile, China Unicom, China Telecom. */
  private static final int[][] MOBILE_PREFIXES = {
    {134, 135, 136, 137, 138, 139, 147, 150, 151, 152, 157, 158, 159, 178, 182, 183, 187, 188, 198},
    {130, 131, 132, 145, 155, 156, 166, 175, 176, 185, 186},
    {133, 149, 153, 173, 177, 180, 181, 189, 199}
  };

  private static final int[] ID_WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  private static final String ID_CHECK = "10X98765432";
  private static final String[] REGION_CODES = {
    "110105", "310115", "440106", "440305", "330106", "320102", "510107", "420106", "430104",
    "370102", "350203", "610113"
  };

  private static final String[] DEVICES = {"iOS", "Android", "HarmonyOS", "H5", "MiniProgram"};
  private static final String[] APP_VERSIONS = {"8.2.1", "8.3.0", "8.3.2", "9.0.0", "9.0.3"};

  /** An insertion-ordered column map from alternating names and values. */
  static Map<String, Object> columns(Object... namesAndValues) {
    var map = new LinkedHashMap<String, Object>(namesAndValues.length);
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return map;
  }

  static <T> T pick(RandomGenerator random, T[] values) {
    return values[random.nextInt(values.length)];
  }

  static int pick(RandomGenerator random, int[] values) {
    return values[random.nextInt(values.length)];
  }

  /** Index drawn with the given relative weights. */
  static int weighted(RandomGenerator random, int... weights) {
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int r = random.nextInt(total);
    for (int i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) {
        return i;
      }
    }
    throw new AssertionError("unreachable");
  }

  static boolean chance(RandomGenerator random, double probability) {
    return random.nextDouble() < probability;
  }

  static String personName(RandomGenerator random) {
    return pick(random, SURNAMES)
        + pick(random, GIVEN)
        + (random.nextBoolean() ? pick(random, GIVEN) : "");
  }

  /** An 11-digit mobile number of carrier 0 (China Mobile), 1 (Unicom) or 2 (Telecom). */
  static String mobile(RandomGenerator random, int carrier) {
    return pick(random, MOBILE_PREFIXES[carrier]) + digits(random, 8);
  }

  static String digits(RandomGenerator random, int count) {
    var text = new StringBuilder(count);
    for (int i = 0; i < count; i++) {
      text.append((char) ('0' + random.nextInt(10)));
    }
    return text.toString();
  }

  static String alphanumeric(RandomGenerator random, int count) {
    String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    var text = new StringBuilder(count);
    for (int i = 0; i < count; i++) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }

  /** A well-formed 18-character resident identity number (with its check character). */
  static String identityNumber(RandomGenerator random, LocalDate birthday) {
    String body = pick(random, REGION_CODES) + birthday.format(DAY) + digits(random, 3);
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      sum += (body.charAt(i) - '0') * ID_WEIGHTS[i];
    }
    return body + ID_CHECK.charAt(sum % 11);
  }

  static LocalDate birthday(RandomGenerator random, LocalDate today, int minAge, int maxAge) {
    int days = minAge * 365 + random.nextInt((maxAge - minAge) * 365 + 1);
    return today.minusDays(days);
  }

  /** Yuan with two decimals. */
  static BigDecimal yuan(long cents) {
    return BigDecimal.valueOf(cents, 2);
  }

  /** {@code amount * rate} rounded half-up to cents. */
  static BigDecimal times(BigDecimal amount, double rate) {
    return amount.multiply(BigDecimal.valueOf(rate)).setScale(2, RoundingMode.HALF_UP);
  }

  /** A supplier-side or payment-side serial number. */
  static String serial(RandomGenerator random, String prefix, LocalDateTime at, int digits) {
    return prefix + at.format(COMPACT) + digits(random, digits);
  }

  /**
   * Pads a JSON object under construction with a client trace so that the finished text is between
   * 100 and 400 bytes in UTF-8, then closes it. The target length is drawn from {@code random}.
   */
  static String finishExt(RandomGenerator random, Json json) {
    json.field("device", pick(random, DEVICES))
        .field("app_ver", pick(random, APP_VERSIONS))
        .field(
            "ip",
            "10." + random.nextInt(256) + '.' + random.nextInt(256) + '.' + random.nextInt(256));
    int target = 100 + random.nextInt(301);
    int bytes = json.utf8Length() + "\"trace\":\"\"}".length() + 1;
    int pad = Math.max(8, target - bytes);
    return json.field("trace", alphanumeric(random, pad)).close();
  }

  static int utf8Length(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * A minimal JSON object writer for flat attributes; values never need more than quote escaping.
   */
  static final class Json {
    private final StringBuilder text = new StringBuilder(256).append('{');
    private boolean empty = true;

    Json field(String key, String value) {
      key(key).append('"');
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '"' || c == '\\') {
          text.append('\\');
        }
        text.append(c);
      }
      text.append('"');
      return this;
    }

    Json field(String key, long value) {
      key(key).append(value);
      return this;
    }

    Json field(String key, boolean value) {
      key(key).append(value);
      return this;
    }

    Json raw(String key, String json) {
      key(key).append(json);
      return this;
    }

    private StringBuilder key(String key) {
      if (!empty) {
        text.append(',');
      }
      empty = false;
      return text.append('"').append(key).append("\":");
    }

    int utf8Length() {
      return SampleData.utf8Length(text.toString());
    }

    String close() {
      return text.append('}').toString();
    }
  }
}
