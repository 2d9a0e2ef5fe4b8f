package dev.hamal.binlog.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.binlog.event.BinaryJsonWriter.Opaque;
import dev.hamal.binlog.event.BinaryJsonWriter.Unsigned;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hand-built documents from the format in {@code json_binary.h}, with the text MySQL's {@code
 * Json_wrapper::to_string} prints for them as expected values.
 */
class JsonBinaryTest {
  private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

  // --- Scalars -----------------------------------------------------------------------------------

  @Test
  void shouldPrintLiterals() {
    assertJson("04 00", "null");
    assertJson("04 01", "true");
    assertJson("04 02", "false");
  }

  @Test
  void shouldPrintIntegersOfEveryWidth() {
    assertJson("05 ff ff", "-1");
    assertJson("05 00 80", "-32768");
    assertJson("06 ff ff", "65535");
    assertJson("07 00 00 00 80", "-2147483648");
    assertJson("08 ff ff ff ff", "4294967295");
    assertJson("09 00 00 00 00 00 00 00 80", "-9223372036854775808");
    assertJson("09 ff ff ff ff ff ff ff 7f", "9223372036854775807");
    assertJson("0a ff ff ff ff ff ff ff ff", "18446744073709551615");
    assertJson("0a 00 00 00 00 00 00 00 80", "9223372036854775808");
  }

  @Test
  void shouldPrintDoublesAsMySqlDoes() {
    // my_gcvt(MY_GCVT_ARG_DOUBLE, width 34) then ".0" when neither '.' nor 'e' was printed.
    assertDouble(1.0, "1.0");
    assertDouble(-2.5, "-2.5");
    assertDouble(0.1, "0.1");
    assertDouble(100.0, "100.0");
    assertDouble(123.456, "123.456");
    assertDouble(0.000123, "0.000123");
    assertDouble(1e14, "100000000000000.0"); // decimal point 15 digits out: plain
    assertDouble(1e15, "1e15"); // 16 digits out: exponent
    assertDouble(1234567890123456.7, "1234567890123456.8"); // 17 digits, point at 16: plain
    assertDouble(123456789012345678.0, "1.2345678901234568e17");
    assertDouble(1.5e-15, "0.0000000000000015"); // point 14 digits in: plain
    assertDouble(1e-16, "1e-16");
    assertDouble(-1.25e-7, "-0.000000125");
    assertDouble(1e100, "1e100");
    assertDouble(Double.MAX_VALUE, "1.7976931348623157e308");
    assertDouble(Double.MIN_NORMAL, "2.2250738585072014e-308");
    assertDouble(0.0, "0.0");
    assertDouble(-0.0, "-0.0");
  }

  @Test
  void shouldPrintTheShortestDigitsWhereJavaPrefersTwo() {
    // Java prints 4.9E-324 (closest of one and two digits); dtoa prints the shortest, 5e-324.
    assertDouble(Double.MIN_VALUE, "5e-324");
    assertDouble(2 * Double.MIN_VALUE, "1e-323");
    assertDouble(3 * Double.MIN_VALUE, "1.5e-323");
  }

  @Test
  void shouldPrintEveryDoubleOfTheCPythonCorpusWithDtoasDigits() throws IOException {
    int checked = 0;
    try (InputStream in = getClass().getResourceAsStream("python-float-repr.tsv")) {
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.startsWith("#")) {
          continue;
        }
        String[] fields = line.split("\t");
        double value = Double.longBitsToDouble(Long.parseUnsignedLong(fields[0], 16));
        assertDouble(value, mySqlLayout(fields[1]));
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(6000);
  }

  /**
   * my_gcvt's layout of dtoa's digits, written from its source comments: plain when the decimal
   * point is -14..15 digits from the first digit (or inside 17 digits), exponent otherwise.
   */
  private static String mySqlLayout(String pythonRepr) {
    if (pythonRepr.equals("0.0") || pythonRepr.equals("-0.0")) {
      return pythonRepr;
    }
    BigDecimal exact = new BigDecimal(pythonRepr).stripTrailingZeros();
    String sign = exact.signum() < 0 ? "-" : "";
    String digits = exact.unscaledValue().abs().toString();
    int point = digits.length() - exact.scale();
    if (point >= -14 && (point <= 15 || digits.length() > point)) {
      String plain = exact.abs().toPlainString();
      return sign + (plain.contains(".") ? plain : plain + ".0");
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return sign + mantissa + "e" + (point - 1);
  }

  @Test
  void shouldRejectDoublesMySqlCannotStore() {
    assertMalformed(doubleDocument(Double.NaN));
    assertMalformed(doubleDocument(Double.POSITIVE_INFINITY));
    assertMalformed(doubleDocument(Double.NEGATIVE_INFINITY));
  }

  @Test
  void shouldPrintStringsWithVariableLengthSizes() {
    assertJson("0c 05 68 65 6c 6c 6f", "\"hello\"");
    assertJson("0c 00", "\"\"");
    String longText = "x".repeat(200);
    // 200 = 0xc8: low seven bits 0x48 with the continuation bit, then 0x01.
    assertJson(
        "0c c8 01 " + HEX.formatHex(longText.getBytes(StandardCharsets.US_ASCII)),
        "\"" + longText + "\"");
  }

  @Test
  void shouldEscapeQuotesBackslashesAndControlCharacters() {
    // " \ / BS FF LF CR TAB 0x01 0x1f DEL
    assertJson(
        "0c 0c 22 5c 2f 08 0c 0a 0d 09 01 1f 7f 41",
        "\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f\u007fA\"");
    assertJson("0c 01 00", "\"\\u0000\"");
  }

  @Test
  void shouldWriteMultiByteAndFourByteCharactersAsIs() {
    // é (2 bytes), 订 (3 bytes), 😀 U+1F600 (4 bytes)
    assertJson("0c 09 c3 a9 e8 ae a2 f0 9f 98 80", "\"é订\uD83D\uDE00\"");
  }

  @Test
  void shouldReplaceEachMaximalInvalidUtf8SubsequenceWithOneReplacementCharacter() {
    // Unicode Standard 15, section 3.9, Tables 3-8 to 3-11.
    assertString(
        "61 f1 80 80 e1 80 c2 62 80 63 80 bf 64", "a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd");
    assertString("c0 af e0 80 bf f0 81 82 41", "\uFFFD".repeat(8) + "A");
    assertString("ed a0 80 ed bf bf ed af 41", "\uFFFD".repeat(8) + "A");
    assertString("f4 91 92 93 ff 41 80 bf 42", "\uFFFD".repeat(5) + "A\uFFFD\uFFFDB");
    assertString("e1 80 e2 f0 91 92 f1 bf 41", "\uFFFD".repeat(4) + "A");
  }

  // --- Containers --------------------------------------------------------------------------------

  @Test
  void shouldPrintASmallObjectInMySqlsStyle() {
    // {"a": 1, "b": [1, 2]}
    // object: count 2, size 30; key entries (offset, length) a@18 b@19; value entries: int16 1
    // inlined, small array at 20; keys "a" "b"; array: count 2, size 10, int16 1 and 2 inlined.
    assertJson(
        "00 02 00 1e 00 12 00 01 00 13 00 01 00 05 01 00 02 14 00 61 62"
            + " 02 00 0a 00 05 01 00 05 02 00",
        "{\"a\": 1, \"b\": [1, 2]}");
  }

  @Test
  void shouldPrintEmptyContainers() {
    assertJson("00 00 00 04 00", "{}");
    assertJson("02 00 00 04 00", "[]");
    assertJson("01 00 00 00 00 08 00 00 00", "{}");
    assertJson("03 00 00 00 00 08 00 00 00", "[]");
  }

  @Test
  void shouldPrintALargeArrayWithInlinedThirtyTwoBitIntegers() {
    // [70000, -1, "x"]: count 3, size 25, entries of 5 bytes: int32 70000 inlined, int16 -1
    // inlined in a four-byte slot, string at offset 23.
    assertJson(
        "03 03 00 00 00 19 00 00 00 07 70 11 01 00 05 ff ff 00 00 0c 17 00 00 00 01 78",
        "[70000, -1, \"x\"]");
  }

  @Test
  void shouldReadThirtyTwoBitIntegersByOffsetInASmallContainer() {
    // [70000] small: the int32 is not inlined, its entry points at offset 7.
    assertJson("02 01 00 0b 00 07 07 00 70 11 01 00", "[70000]");
  }

  @Test
  void shouldKeepKeysInStoredOrder() {
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("zeta", 1L);
    object.put("alpha", 2L);
    object.put("mid", 3L);
    assertThat(JsonBinary.toJson(doc(object), 0, doc(object).length))
        .isEqualTo("{\"zeta\": 1, \"alpha\": 2, \"mid\": 3}");
  }

  @Test
  void shouldSwitchToTheLargeFormatAboveSixtyFourKilobytes() {
    String big = "y".repeat(70_000);
    byte[] bytes = doc(List.of(big, 7L, new Unsigned(80_000)));
    assertThat(bytes[0]).isEqualTo((byte) 0x03);
    assertThat(JsonBinary.toJson(bytes, 0, bytes.length)).isEqualTo("[\"" + big + "\", 7, 80000]");
  }

  @Test
  void shouldAcceptMySqlsMaximumDepthAndRefuseDeeper() {
    Object hundred = List.of();
    for (int i = 1; i < JsonBinary.MAX_DEPTH; i++) {
      hundred = List.of(hundred);
    }
    byte[] ok = doc(hundred);
    assertThat(JsonBinary.toJson(ok, 0, ok.length))
        .isEqualTo("[".repeat(JsonBinary.MAX_DEPTH) + "]".repeat(JsonBinary.MAX_DEPTH));
    byte[] tooDeep = doc(List.of(hundred));
    assertMalformed(tooDeep);
  }

  // --- Opaque values -----------------------------------------------------------------------------

  @Test
  void shouldPrintDecimalsWithTheirScale() {
    assertJson("0f f6 04 04 02 8c 22", "12.34");
    assertJson("0f f6 04 04 02 73 dd", "-12.34");
    assertJson("0f f6 09 0e 04 7e f2 04 c7 2d fb 2d", "-1234567890.1234");
    assertJson("0f f6 03 02 02 81", "0.01");
    assertJson("0f f6 05 05 00 80 00 2a", "42");
    BigDecimal wide = new BigDecimal("-12345678901234567890123.4567890123456789");
    assertThat(toJson(doc(wide))).isEqualTo(wide.toPlainString());
  }

  @Test
  void shouldRejectDecimalsWhoseSizeDisagreesWithTheirType() {
    assertMalformed("0f f6 03 04 02 8c"); // DECIMAL(4,2) needs 2 bytes
    assertMalformed("0f f6 05 04 02 8c 22 00"); // and not 3
    assertMalformed("0f f6 01 04"); // no scale byte
    assertMalformed("0f f6 02 50 00"); // DECIMAL(80,0)
  }

  @Test
  void shouldPrintDatesAndTimesWithSixFractionDigits() {
    long ymd = ((2015L * 13 + 1) << 5) | 15;
    long hms = (23L << 12) | (24L << 6) | 25;
    long datetime = ((ymd << 17) | hms) << 24;
    assertJson(temporal(12, datetime), "\"2015-01-15 23:24:25.000000\"");
    assertJson(temporal(12, datetime + 123_456), "\"2015-01-15 23:24:25.123456\"");
    assertJson(temporal(7, datetime + 5), "\"2015-01-15 23:24:25.000005\""); // TIMESTAMP
    assertJson(temporal(10, (ymd << 17) << 24), "\"2015-01-15\""); // DATE
    assertJson(temporal(10, 0), "\"0000-00-00\"");
    assertJson(temporal(11, hms << 24), "\"23:24:25.000000\""); // TIME
    long longest = ((838L << 12) | (59L << 6) | 59) << 24;
    assertJson(temporal(11, -longest), "\"-838:59:59.000000\"");
    assertJson(temporal(11, ((100L << 12) << 24) + 500_000), "\"100:00:00.500000\"");
    assertJson(temporal(11, -((1L << 6) << 24)), "\"-00:01:00.000000\"");
  }

  @Test
  void shouldRejectTemporalValuesNoServerWrites() {
    long ymd = ((2015L * 13 + 1) << 5) | 15;
    assertMalformed(temporal(12, ((ymd << 17) | (24L << 12)) << 24)); // hour 24
    assertMalformed(temporal(12, ((ymd << 17) | (60L << 6)) << 24)); // minute 60
    assertMalformed(temporal(12, (ymd << 17 << 24) + 1_000_000)); // a whole second of micros
    assertMalformed(temporal(12, ((10_000L * 13) << 5) << 17 << 24)); // year 10000
    assertMalformed(temporal(12, -1));
    assertMalformed(temporal(11, (839L << 12) << 24)); // beyond 838 hours
    assertMalformed(temporal(11, Long.MIN_VALUE));
    assertMalformed("0f 0c 07 00 00 00 00 00 00 00"); // 7 bytes, not 8
  }

  @Test
  void shouldPrintAnOpaqueVarStringAsAString() {
    assertJson("0f fd 03 61 22 63", "\"a\\\"c\"");
  }

  @Test
  void shouldPrintOtherOpaqueValuesInMySqlsBase64Form() {
    assertJson("0f fc 03 00 01 02", "\"base64:type252:AAEC\"");
    assertJson("0f 10 01 ff", "\"base64:type16:/w==\"");
    assertJson("0f 0f 00", "\"base64:type15:\"");
    // MySQL's base64_encode breaks lines after 76 characters; the JSON string escapes the break.
    byte[] data = new byte[200];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 7);
    }
    String mime = Base64.getMimeEncoder(76, new byte[] {'\n'}).encodeToString(data);
    assertThat(toJson(doc(new Opaque(252, data))))
        .isEqualTo("\"base64:type252:" + mime.replace("\n", "\\n") + "\"");
  }

  // --- Empty input, offsets and failure ----------------------------------------------------------

  @Test
  void shouldPrintAnEmptyValueAsNullAsMySqlReadsIt() {
    assertThat(JsonBinary.toJson(new byte[0], 0, 0)).isEqualTo("null");
    assertThat(JsonBinary.toJson(new byte[] {1, 2, 3}, 3, 0)).isEqualTo("null");
  }

  @Test
  void shouldDecodeOnlyTheGivenRangeAndAppendToTheBuilder() {
    byte[] inner = HEX.parseHex("02 02 00 0a 00 05 01 00 04 01 00");
    byte[] buf = new byte[inner.length + 5];
    buf[0] = (byte) 0xee;
    buf[1] = (byte) 0xee;
    System.arraycopy(inner, 0, buf, 2, inner.length);
    StringBuilder out = new StringBuilder("row=");
    JsonBinary.appendJson(buf, 2, inner.length, out);
    assertThat(out).hasToString("row=[1, true]");
  }

  @Test
  void shouldIgnoreBytesAfterTheTopLevelValueAsMySqlDoes() {
    assertJson("04 01 ff ff ff", "true");
  }

  @Test
  void shouldLeaveTheBuilderAsItWasWhenTheValueIsMalformed() {
    StringBuilder out = new StringBuilder("keep");
    byte[] broken = HEX.parseHex("02 02 00 0a 00 05 01 00 0c 7f 00");
    assertThatThrownBy(() -> JsonBinary.appendJson(broken, 0, broken.length, out))
        .isInstanceOf(MalformedValueException.class);
    assertThat(out).hasToString("keep");
  }

  @Test
  void shouldRejectRangesOutsideTheBuffer() {
    byte[] buf = HEX.parseHex("04 01");
    assertThatThrownBy(() -> JsonBinary.toJson(buf, -1, 1))
        .isInstanceOf(MalformedValueException.class);
    assertThatThrownBy(() -> JsonBinary.toJson(buf, 1, 2))
        .isInstanceOf(MalformedValueException.class);
    assertThatThrownBy(() -> JsonBinary.toJson(buf, 0, -1))
        .isInstanceOf(MalformedValueException.class);
    assertThatThrownBy(() -> JsonBinary.toJson(buf, Integer.MAX_VALUE, 2))
        .isInstanceOf(MalformedValueException.class);
  }

  @Test
  void shouldRejectOffsetsThatLeaveTheirContainer() {
    assertMalformed("02 01 00 07 00 0c 07 00"); // string at offset 7 == size: nothing there
    assertMalformed("02 01 00 07 00 0c 05 00"); // pointing back into its own entry
    assertMalformed("02 01 00 05 00 04 01"); // header larger than size
    assertMalformed("02 01 00 ff 00 04 01 00"); // size larger than the document
    assertMalformed("00 01 00 0b 00 00 00 01 00 04 01 00 61"); // key inside the header
    assertMalformed("00 01 00 0c 00 0b 00 02 00 04 01 00 61"); // key running past the end
    assertMalformed("0c 05 61 62"); // string longer than the document
    assertMalformed("0c 80 80 80 80 80 01"); // six-byte length
    assertMalformed("04 03"); // no such literal
    assertMalformed("0d 00"); // no such type
    assertMalformed("05 01"); // truncated int16
  }

  @Test
  void shouldRefuseDocumentsWhoseOffsetsShareValuesExponentially() {
    // Thirty nested arrays, each with two entries pointing at the same child: 304 bytes that
    // would print 2^30 empty arrays. MySQL never writes this; it must fail fast.
    byte[] child = HEX.parseHex("00 00 04 00");
    for (int level = 0; level < 30; level++) {
      int size = 10 + child.length;
      byte[] parent = new byte[size];
      byte[] header = HEX.parseHex("02 00 00 00 02 0a 00 02 0a 00");
      System.arraycopy(header, 0, parent, 0, 10);
      parent[2] = (byte) size;
      parent[3] = (byte) (size >> 8);
      System.arraycopy(child, 0, parent, 10, child.length);
      child = parent;
    }
    byte[] document = new byte[child.length + 1];
    document[0] = 0x02;
    System.arraycopy(child, 0, document, 1, child.length);
    long start = System.nanoTime();
    assertMalformed(document);
    assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
  }

  // --- Helpers
  // ------------------------------------------------------------------------------------

  static byte[] doc(Object value) {
    return BinaryJsonWriter.document(value);
  }

  private static String toJson(byte[] bytes) {
    return JsonBinary.toJson(bytes, 0, bytes.length);
  }

  private static void assertJson(String hex, String expected) {
    assertJson(HEX.parseHex(hex), expected);
  }

  private static void assertJson(byte[] bytes, String expected) {
    assertThat(toJson(bytes)).as(HEX.formatHex(bytes)).isEqualTo(expected);
    assertThat(JsonText.parse(expected)).isNotNull();
  }

  private static void assertString(String utf8Hex, String expected) {
    byte[] utf8 = HEX.parseHex(utf8Hex);
    byte[] bytes = new byte[utf8.length + 2];
    bytes[0] = 0x0c;
    bytes[1] = (byte) utf8.length;
    System.arraycopy(utf8, 0, bytes, 2, utf8.length);
    assertThat(toJson(bytes)).isEqualTo("\"" + expected + "\"");
  }

  private static void assertDouble(double value, String expected) {
    assertThat(toJson(doubleDocument(value))).as("%s", value).isEqualTo(expected);
  }

  private static byte[] doubleDocument(double value) {
    byte[] bytes = new byte[9];
    bytes[0] = 0x0b;
    System.arraycopy(
        BinaryJsonWriter.littleEndian(Double.doubleToRawLongBits(value), 8), 0, bytes, 1, 8);
    return bytes;
  }

  private static byte[] temporal(int fieldType, long packed) {
    return doc(new Opaque(fieldType, BinaryJsonWriter.littleEndian(packed, 8)));
  }

  private static void assertMalformed(String hex) {
    assertMalformed(HEX.parseHex(hex));
  }

  private static void assertMalformed(byte[] bytes) {
    assertThatThrownBy(() -> toJson(bytes))
        .as(HEX.formatHex(bytes))
        .isInstanceOf(MalformedValueException.class);
  }
}
