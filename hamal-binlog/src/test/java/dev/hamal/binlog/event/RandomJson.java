package dev.hamal.binlog.event;

import dev.hamal.binlog.event.BinaryJsonWriter.Unsigned;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Test-only random JSON trees in {@link BinaryJsonWriter}'s value model. */
final class RandomJson {
  private static final String[] SAMPLES = {
    "",
    "a",
    "order_id",
    "\"quoted\"",
    "back\\slash",
    "tab\there",
    "line\nbreak",
    "\u0001\u001f",
    "é",
    "订单",
    "\uD83D\uDE00 emoji",
    "mixé订\uD83D\uDCB0",
    "/slash/",
    "\u007f"
  };

  private final SplittableRandom random;
  private final boolean withDecimals;

  RandomJson(long seed, boolean withDecimals) {
    this.random = new SplittableRandom(seed);
    this.withDecimals = withDecimals;
  }

  Object tree(int depth) {
    int kind = random.nextInt(depth > 0 ? 14 : 11);
    return switch (kind) {
      case 0 -> JsonText.NULL;
      case 1 -> random.nextBoolean();
      case 2 -> (long) random.nextInt(Short.MIN_VALUE, Short.MAX_VALUE + 1);
      case 3 -> (long) random.nextInt();
      case 4 -> random.nextLong();
      case 5 -> new Unsigned(random.nextInt(5) == 0 ? random.nextLong() : random.nextInt(1 << 20));
      case 6 -> randomDouble();
      case 7, 8 -> randomString();
      case 9 -> withDecimals ? randomDecimal() : (Object) (long) random.nextInt(100);
      case 10 ->
          random.nextInt(40) == 0
              ? BigInteger.TWO.pow(63).add(BigInteger.valueOf(random.nextInt(1000)))
              : 0L;
      case 11, 12 -> {
        List<Object> array = new ArrayList<>();
        int n = random.nextInt(random.nextInt(20) == 0 ? 40 : 6);
        for (int i = 0; i < n; i++) {
          array.add(tree(depth - 1));
        }
        yield array;
      }
      default -> {
        Map<String, Object> object = new LinkedHashMap<>();
        int n = random.nextInt(random.nextInt(20) == 0 ? 40 : 6);
        for (int i = 0; i < n; i++) {
          object.put(randomString() + i, tree(depth - 1));
        }
        yield object;
      }
    };
  }

  private double randomDouble() {
    return switch (random.nextInt(4)) {
      case 0 -> random.nextDouble() * 1000;
      case 1 -> random.nextInt(100000) / 100.0;
      case 2 -> Math.scalb(random.nextDouble() - 0.5, random.nextInt(-1074, 1024));
      default -> {
        double d = Double.longBitsToDouble(random.nextLong());
        yield Double.isFinite(d) ? d : 0.5;
      }
    };
  }

  private String randomString() {
    if (random.nextInt(3) > 0) {
      return SAMPLES[random.nextInt(SAMPLES.length)];
    }
    StringBuilder text = new StringBuilder();
    int n = random.nextInt(random.nextInt(50) == 0 ? 300 : 12);
    for (int i = 0; i < n; i++) {
      int codePoint =
          switch (random.nextInt(4)) {
            case 0 -> random.nextInt(0x80);
            case 1 -> random.nextInt(0x80, 0x800);
            case 2 -> random.nextInt(0x800, 0xD800);
            default -> random.nextInt(0x10000, 0x110000);
          };
      text.appendCodePoint(codePoint);
    }
    return text.toString();
  }

  private BigDecimal randomDecimal() {
    int precision = random.nextInt(1, 66);
    int scale = random.nextInt(0, Math.min(precision, 30) + 1);
    StringBuilder digits = new StringBuilder(random.nextBoolean() ? "-" : "");
    int n = random.nextInt(1, precision + 1);
    for (int i = 0; i < n; i++) {
      digits.append((char) ('0' + random.nextInt(10)));
    }
    return new BigDecimal(new BigInteger(digits.toString()), scale);
  }
}
