package dev.hamal.binlog.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Byte soup and damaged documents: the decoder either prints valid JSON or throws {@link
 * MalformedValueException}, never anything else, never hangs, and leaves the caller's builder as it
 * was when it fails.
 */
class JsonBinaryFuzzTest {
  private static final Logger LOG = LoggerFactory.getLogger(JsonBinaryFuzzTest.class);
  private static final String PREFIX = "prefix:";

  @Test
  @Timeout(120)
  void shouldThrowOnlyMalformedValueExceptionForRandomBytes() {
    SplittableRandom random = new SplittableRandom(42);
    int[] outcome = new int[2];
    for (int i = 0; i < 150_000; i++) {
      byte[] bytes = new byte[random.nextInt(random.nextInt(10) == 0 ? 400 : 48)];
      random.nextBytes(bytes);
      if (bytes.length > 0 && random.nextBoolean()) {
        bytes[0] = (byte) random.nextInt(0x10); // mostly a valid type byte
      }
      if (bytes.length > 4 && random.nextBoolean()) {
        bytes[3] = 0; // small sizes more often
        bytes[4] = 0;
      }
      check(bytes, outcome);
    }
    LOG.info("json fuzz, random bytes: {} decoded, {} malformed", outcome[0], outcome[1]);
    assertThat(outcome[0]).isPositive();
  }

  @Test
  @Timeout(120)
  void shouldThrowOnlyMalformedValueExceptionForDamagedDocuments() {
    SplittableRandom random = new SplittableRandom(7);
    int[] outcome = new int[2];
    for (int d = 0; d < 2_500; d++) {
      byte[] original = BinaryJsonWriter.document(new RandomJson(random.nextLong(), true).tree(4));
      for (int m = 0; m < 50; m++) {
        check(mutate(original, random), outcome);
      }
    }
    LOG.info("json fuzz, damaged documents: {} decoded, {} malformed", outcome[0], outcome[1]);
    assertThat(outcome[0]).isPositive();
    assertThat(outcome[1]).isPositive();
  }

  @Test
  @Timeout(60)
  void shouldDecodeUndamagedRandomDocumentsAndPrintValidJson() {
    SplittableRandom random = new SplittableRandom(11);
    for (int d = 0; d < 5_000; d++) {
      byte[] bytes = BinaryJsonWriter.document(new RandomJson(random.nextLong(), true).tree(5));
      String text = JsonBinary.toJson(bytes, 0, bytes.length);
      assertThat(JsonText.parse(text)).isNotNull();
    }
  }

  @Test
  void shouldReportRoughDecodingSpeed() {
    Map<String, Object> order = new LinkedHashMap<>();
    order.put("order_id", "TOPUP-20240611-000123456");
    order.put("user_id", 10086123L);
    order.put("status", 3L);
    order.put("amount", new BigDecimal("99.90"));
    order.put("paid", new BigDecimal("95.00"));
    order.put("currency", "CNY");
    order.put("channel", "wechat_pay");
    order.put("phone", "138****1234");
    order.put("operator", "中国移动");
    order.put("face_value", 100L);
    order.put("discount_rate", 0.95);
    order.put("created_at", 1718000000123L);
    order.put("coupons", List.of("NEWUSER5", "SUMMER"));
    order.put("ext", Map.of("retry", 0L, "note", "首充 \"promo\"", "vip", true));
    byte[] bytes = BinaryJsonWriter.document(order);
    StringBuilder out = new StringBuilder(512);
    long chars = 0;
    for (int round = 0; round < 3; round++) {
      int n = 500_000;
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        out.setLength(0);
        JsonBinary.appendJson(bytes, 0, bytes.length, out);
        chars += out.length();
      }
      long elapsed = System.nanoTime() - start;
      LOG.info(
          "json round {}: {}-byte order document -> {} chars, {} ns/doc, {} MB/s of binary JSON",
          round,
          bytes.length,
          out.length(),
          elapsed / n,
          String.format("%.0f", bytes.length * (double) n / elapsed * 1000));
    }
    assertThat(chars).isPositive();
  }

  private static byte[] mutate(byte[] original, SplittableRandom random) {
    byte[] bytes = original.clone();
    switch (random.nextInt(6)) {
      case 0 -> {
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++) {
          bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
      case 1 -> bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      case 2 -> {
        int at = random.nextInt(bytes.length);
        bytes[at] = random.nextBoolean() ? 0 : (byte) 0xff;
        if (at + 1 < bytes.length) {
          bytes[at + 1] = random.nextBoolean() ? 0 : (byte) 0xff;
        }
      }
      case 3 -> {
        return Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
      }
      case 4 -> {
        int from = random.nextInt(bytes.length);
        int to = random.nextInt(bytes.length);
        int n = random.nextInt(1, 9);
        for (int i = 0; i < n && from + i < bytes.length && to + i < bytes.length; i++) {
          bytes[to + i] = original[from + i];
        }
      }
      default -> {
        for (int i = 0; i < 1 + random.nextInt(6); i++) {
          bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
      }
    }
    return bytes;
  }

  private static void check(byte[] bytes, int[] outcome) {
    StringBuilder out = new StringBuilder(PREFIX);
    try {
      JsonBinary.appendJson(bytes, 0, bytes.length, out);
      assertThat(out.substring(0, PREFIX.length())).isEqualTo(PREFIX);
      JsonText.parse(out.substring(PREFIX.length()));
      outcome[0]++;
    } catch (MalformedValueException expected) {
      assertThat(out).hasToString(PREFIX);
      outcome[1]++;
    } catch (IllegalArgumentException notJson) {
      fail("invalid JSON " + out + " from " + HexFormat.of().formatHex(bytes), notJson);
    } catch (RuntimeException | Error unexpected) {
      fail("unexpected " + unexpected + " for " + HexFormat.of().formatHex(bytes), unexpected);
    }
  }
}
