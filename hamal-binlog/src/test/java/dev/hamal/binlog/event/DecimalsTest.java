package dev.hamal.binlog.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.shyiko.mysql.binlog.event.deserialization.AbstractRowsEventDataDeserializer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class DecimalsTest {
  private static final Logger LOG = LoggerFactory.getLogger(DecimalsTest.class);
  private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

  // --- Fixtures from the format documentation ---------------------------------------------------

  @Test
  void shouldDecodeTheWorkedExampleOfMySqlsDecimal2bin() {
    // strings/decimal.cc, comment of decimal2bin(): DECIMAL(14,4) 1234567890.1234.
    byte[] positive = HEX.parseHex("81 0d fb 38 d2 04 d2");
    assertThat(Decimals.decode(positive, 0, 14, 4)).isEqualTo(new BigDecimal("1234567890.1234"));
    assertThat(Decimals.decodeUnscaledLong(positive, 0, 14, 4)).isEqualTo(12345678901234L);
    // The negative is every byte of the positive inverted (some revisions of that comment misprint
    // the fourth byte as 37).
    byte[] negative = HEX.parseHex("7e f2 04 c7 2d fb 2d");
    assertThat(Decimals.decode(negative, 0, 14, 4)).isEqualTo(new BigDecimal("-1234567890.1234"));
    assertThat(Decimals.decodeUnscaledLong(negative, 0, 14, 4)).isEqualTo(-12345678901234L);
  }

  @Test
  void shouldDecodeAPartialFractionGroupAsTheFractionsLastDigits() {
    // DECIMAL(2,2): no integer digits, one byte for two fraction digits.
    assertThat(Decimals.decode(new byte[] {(byte) 0x81}, 0, 2, 2))
        .isEqualTo(new BigDecimal("0.01"));
    // -0.99: 99 = 0x63, inverted 0x9c, top bit flipped 0x1c.
    assertThat(Decimals.decode(new byte[] {0x1c}, 0, 2, 2)).isEqualTo(new BigDecimal("-0.99"));
    // DECIMAL(4,2) 12.34 and -12.34, as in the class comment.
    assertThat(Decimals.decode(HEX.parseHex("8c 22"), 0, 4, 2)).isEqualTo(new BigDecimal("12.34"));
    assertThat(Decimals.decode(HEX.parseHex("73 dd"), 0, 4, 2)).isEqualTo(new BigDecimal("-12.34"));
  }

  @Test
  void shouldReadAtTheGivenOffsetOnly() {
    byte[] buf = HEX.parseHex("ff ff 81 0d fb 38 d2 04 d2 ff");
    assertThat(Decimals.decode(buf, 2, 14, 4)).isEqualTo(new BigDecimal("1234567890.1234"));
  }

  @Test
  void shouldComputeTheStorageSizesTheManualDocuments() {
    // MySQL manual, "DECIMAL Data Type Characteristics": DECIMAL(18,9) takes 4 + 4 bytes,
    // DECIMAL(20,6) takes 4 + 3 bytes for fourteen integer digits and 3 for six fraction digits.
    assertThat(Decimals.binarySize(18, 9)).isEqualTo(8);
    assertThat(Decimals.binarySize(20, 6)).isEqualTo(10);
    // Per the same table: 0 digits 0 bytes, 1-2 one, 3-4 two, 5-6 three, 7-9 four.
    assertThat(Decimals.binarySize(10, 2)).isEqualTo(4 + 1);
    assertThat(Decimals.binarySize(1, 0)).isEqualTo(1);
    assertThat(Decimals.binarySize(9, 9)).isEqualTo(4);
    assertThat(Decimals.binarySize(65, 30)).isEqualTo(3 * 4 + 4 + 3 * 4 + 2);
    assertThat(Decimals.binarySize(65, 0)).isEqualTo(7 * 4 + 1);
    assertThat(Decimals.binarySize(65, 38)).isEqualTo(3 * 4 + 0 + 4 * 4 + 1);
  }

  // --- Edges, checked against the oracle and the documented encoding ----------------------------

  @Test
  void shouldDecodeMinimumAndMaximumOfManyPrecisionsAndScales() {
    int[] precisions = {1, 2, 3, 4, 8, 9, 10, 17, 18, 19, 27, 28, 36, 38, 45, 64, 65};
    for (int precision : precisions) {
      for (int scale : new int[] {0, 1, precision / 2, Math.min(precision, 30)}) {
        if (scale > precision) {
          continue;
        }
        BigDecimal max =
            new BigDecimal(BigInteger.TEN.pow(precision).subtract(BigInteger.ONE), scale);
        for (BigDecimal value :
            new BigDecimal[] {
              max, max.negate(), BigDecimal.ZERO, BigDecimal.ONE.movePointLeft(scale)
            }) {
          assertRoundTrip(value.setScale(scale), precision, scale);
        }
      }
    }
  }

  @Test
  void shouldDecodeFractionsOfOneToNineDigitsPerGroup() {
    for (int digits = 1; digits <= 9; digits++) {
      String nines = "9".repeat(digits);
      String mixed = "1234567890".substring(0, digits);
      for (int fullGroups = 0; fullGroups <= 2; fullGroups++) {
        int scale = fullGroups * 9 + digits;
        String fraction = "987654321".repeat(fullGroups);
        for (String tail : new String[] {nines, mixed, "0".repeat(digits - 1) + "1"}) {
          BigDecimal value = new BigDecimal("7." + fraction + tail);
          assertRoundTrip(value, scale + 1, scale);
          assertRoundTrip(value.negate(), scale + 3, scale);
        }
      }
    }
  }

  @Test
  void shouldDecodeNegativeZeroAsZero() {
    // A negative sign over all-zero digits: every byte inverted, then the top bit flipped.
    byte[] negativeZero = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    assertThat(Decimals.decode(negativeZero, 0, 10, 2)).isEqualTo(new BigDecimal("0.00"));
    assertThat(Decimals.decodeUnscaledLong(negativeZero, 0, 10, 2)).isZero();
    assertThat(oracle(negativeZero, 10, 2)).isEqualByComparingTo(BigDecimal.ZERO);
  }

  @Test
  void shouldKeepTheScaleOfZeroScaleAndFullScaleTypes() {
    assertThat(Decimals.decode(DecimalEncoder.encode(new BigDecimal("42"), 5, 0), 0, 5, 0))
        .isEqualTo(new BigDecimal("42"));
    assertThat(Decimals.decode(DecimalEncoder.encode(new BigDecimal("0.5"), 5, 5), 0, 5, 5))
        .isEqualTo(new BigDecimal("0.50000"));
  }

  @Property(tries = 3000)
  void shouldDecodeWhatTheDocumentedFormatEncodesAndAgreeWithTheOracle(
      @ForAll("decimals") Sample sample) {
    assertRoundTrip(sample.value(), sample.precision(), sample.scale());
  }

  @Provide
  Arbitrary<Sample> decimals() {
    Arbitrary<Integer> precisions = Arbitraries.integers().between(1, Decimals.MAX_PRECISION);
    return precisions.flatMap(precision ->
        Arbitraries.integers()
            .between(0, Math.min(precision, 30))
            .flatMap(scale ->
                Combinators.combine(
                        Arbitraries.integers().between(1, precision),
                        Arbitraries.longs(),
                        Arbitraries.of(true, false))
                    .as((digits, seed, negative) ->
                        new Sample(randomValue(digits, scale, seed, negative), precision, scale))));
  }

  record Sample(BigDecimal value, int precision, int scale) {}

  private static BigDecimal randomValue(int digits, int scale, long seed, boolean negative) {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder text = new StringBuilder(negative ? "-" : "");
    for (int i = 0; i < digits; i++) {
      text.append((char) ('0' + random.nextInt(10)));
    }
    return new BigDecimal(new BigInteger(text.toString()), scale);
  }

  private static void assertRoundTrip(BigDecimal value, int precision, int scale) {
    byte[] bytes = DecimalEncoder.encode(value, precision, scale);
    assertThat(Decimals.binarySize(precision, scale)).isEqualTo(bytes.length);
    BigDecimal decoded = Decimals.decode(bytes, 0, precision, scale);
    assertThat(decoded).as("DECIMAL(%d,%d) %s", precision, scale, value).isEqualTo(value);
    assertThat(oracle(bytes, precision, scale)).isEqualByComparingTo(decoded);
    if (precision <= Decimals.MAX_LONG_PRECISION) {
      assertThat(Decimals.decodeUnscaledLong(bytes, 0, precision, scale))
          .isEqualTo(value.unscaledValue().longValueExact());
    }
  }

  /** The oracle's decoding; it flips the bits of the array it is given, so it gets a copy. */
  private static BigDecimal oracle(byte[] bytes, int precision, int scale) {
    return AbstractRowsEventDataDeserializer.asBigDecimal(precision, scale, bytes.clone());
  }

  // --- Malformed input ---------------------------------------------------------------------------

  @Test
  void shouldRejectADigitGroupHoldingMoreDigitsThanItsWidth() {
    // DECIMAL(2,0) stores two digits in one byte; 100 (0x64, top bit set: 0xe4) is three.
    assertThatThrownBy(() -> Decimals.decode(new byte[] {(byte) 0xe4}, 0, 2, 0))
        .isInstanceOf(MalformedValueException.class);
    // A full group of 4 bytes holding 1 000 000 000 (0x3b9aca00, top bit set).
    assertThatThrownBy(() -> Decimals.decode(HEX.parseHex("bb 9a ca 00"), 0, 9, 0))
        .isInstanceOf(MalformedValueException.class);
    assertThatThrownBy(() -> Decimals.decode(HEX.parseHex("ff ff ff ff"), 0, 9, 0))
        .isInstanceOf(MalformedValueException.class);
    assertThatThrownBy(() -> Decimals.decode(HEX.parseHex("80 00 00 00 ff ff ff ff"), 0, 18, 9))
        .isInstanceOf(MalformedValueException.class);
  }

  @Test
  void shouldRejectTypesNoServerAccepts() {
    byte[] buf = new byte[64];
    buf[0] = (byte) 0x80;
    int[][] types = {{0, 0}, {66, 0}, {-1, 0}, {10, 11}, {65, 39}, {10, -1}};
    for (int[] type : types) {
      assertThatThrownBy(() -> Decimals.binarySize(type[0], type[1]))
          .isInstanceOf(MalformedValueException.class);
      assertThatThrownBy(() -> Decimals.decode(buf, 0, type[0], type[1]))
          .isInstanceOf(MalformedValueException.class);
      assertThatThrownBy(() -> Decimals.decodeUnscaledLong(buf, 0, type[0], type[1]))
          .isInstanceOf(MalformedValueException.class);
    }
    assertThatThrownBy(() -> Decimals.decodeUnscaledLong(buf, 0, 19, 0))
        .isInstanceOf(MalformedValueException.class)
        .hasMessageContaining("long");
  }

  @Test
  void shouldRejectAValueRunningPastTheBuffer() {
    byte[] buf = HEX.parseHex("81 0d fb 38 d2 04 d2");
    for (int offset : new int[] {-1, 1, 7, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
      assertThatThrownBy(() -> Decimals.decode(buf, offset, 14, 4))
          .isInstanceOf(MalformedValueException.class);
      assertThatThrownBy(() -> Decimals.decodeUnscaledLong(buf, offset, 14, 4))
          .isInstanceOf(MalformedValueException.class);
    }
    assertThatThrownBy(() -> Decimals.decode(new byte[0], 0, 1, 0))
        .isInstanceOf(MalformedValueException.class);
  }

  @Test
  @Timeout(60)
  void shouldThrowOnlyMalformedValueExceptionWhateverTheBytes() {
    SplittableRandom random = new SplittableRandom(20240611);
    int decoded = 0;
    for (int i = 0; i < 300_000; i++) {
      byte[] buf = new byte[random.nextInt(40)];
      random.nextBytes(buf);
      int precision = random.nextInt(10) == 0 ? random.nextInt(-2, 70) : random.nextInt(1, 66);
      int scale = random.nextInt(10) == 0 ? random.nextInt(-2, 42) : random.nextInt(0, 31);
      int offset = random.nextInt(10) == 0 ? random.nextInt(-3, 45) : random.nextInt(0, 4);
      try {
        BigDecimal value = Decimals.decode(buf, offset, precision, scale);
        assertThat(value.scale()).isEqualTo(scale);
        assertThat(value.precision()).isLessThanOrEqualTo(precision);
        decoded++;
      } catch (MalformedValueException expected) {
        // the only acceptable failure
      }
      try {
        Decimals.decodeUnscaledLong(buf, offset, precision, scale);
      } catch (MalformedValueException expected) {
        // the only acceptable failure
      }
    }
    LOG.info("decimal fuzz: {} of 300000 random inputs decoded", decoded);
    assertThat(decoded).isPositive();
  }

  // --- Speed (logged, not asserted) --------------------------------------------------------------

  @Test
  void shouldReportRoughDecodingSpeed() {
    byte[] amount = DecimalEncoder.encode(new BigDecimal("12345678.90"), 10, 2);
    byte[] wide =
        DecimalEncoder.encode(new BigDecimal("-123456789012345678901234.5678901234"), 40, 10);
    long sink = 0;
    for (int round = 0; round < 3; round++) {
      int n = 5_000_000;
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        sink += Decimals.decodeUnscaledLong(amount, 0, 10, 2);
      }
      long unscaled = System.nanoTime() - start;
      start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        sink += Decimals.decode(amount, 0, 10, 2).scale();
      }
      long small = System.nanoTime() - start;
      start = System.nanoTime();
      for (int i = 0; i < n / 10; i++) {
        sink += Decimals.decode(wide, 0, 40, 10).scale();
      }
      long big = System.nanoTime() - start;
      LOG.info(
          "decimal round {}: DECIMAL(10,2) unscaled long {} ns/op, BigDecimal {} ns/op;"
              + " DECIMAL(40,10) BigDecimal {} ns/op",
          round,
          String.format("%.1f", unscaled / (double) n),
          String.format("%.1f", small / (double) n),
          String.format("%.1f", big / (double) (n / 10)));
    }
    assertThat(sink).isNotZero();
  }
}
