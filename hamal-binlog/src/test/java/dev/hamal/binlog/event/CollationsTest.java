package dev.hamal.binlog.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Expected ids and bytes come from {@code information_schema} and {@code CONVERT(... USING ...)} of
 * live MariaDB 10.11.19 and 11.4.5 servers, and from MySQL 8.4's documented collation list.
 */
class CollationsTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void shouldMapTheDefaultCollationsOfBothServersToTheirCharacterSets() {
    assertCollation(8, "latin1", "latin1_swedish_ci"); // MySQL 5.x/MariaDB default
    assertCollation(33, "utf8mb3", "utf8mb3_general_ci");
    assertCollation(45, "utf8mb4", "utf8mb4_general_ci");
    assertCollation(46, "utf8mb4", "utf8mb4_bin");
    assertCollation(28, "gbk", "gbk_chinese_ci");
    assertCollation(63, "binary", "binary");
    assertCollation(255, "utf8mb4", "utf8mb4_0900_ai_ci"); // MySQL 8 default
    assertCollation(224, "utf8mb4", "utf8mb4_unicode_ci");
  }

  @Test
  void shouldKnowMySqlOnlyIds() {
    assertCollation(76, "utf8mb3", "utf8mb3_tolower_ci");
    assertCollation(248, "gb18030", "gb18030_chinese_ci");
    assertCollation(309, "utf8mb4", "utf8mb4_0900_bin");
    assertCollation(323, "utf8mb4", "utf8mb4_mn_cyrl_0900_as_cs");
  }

  @Test
  void shouldKnowMariaDbOnlyIdsIncludingTheUca1400Range() {
    assertCollation(576, "utf8mb3", "utf8mb3_croatian_ci");
    assertCollation(1057, "utf8mb3", "utf8mb3_general_nopad_ci");
    assertCollation(2048, "utf8mb3", "utf8mb3_uca1400_ai_ci");
    assertCollation(2304, "utf8mb4", "utf8mb4_uca1400_ai_ci"); // MariaDB 11.x default
    assertCollation(2560, "ucs2", "ucs2_uca1400_ai_ci");
    assertCollation(3271, "utf32", "utf32_uca1400_croatian_nopad_as_cs");
  }

  @Test
  void shouldPreferMySqlsNameWhereTheServersNameAnIdDifferently() {
    // MariaDB calls 245 utf8mb4_croatian_mysql561_ci; both agree it is utf8mb4.
    assertCollation(245, "utf8mb4", "utf8mb4_croatian_ci");
  }

  @Test
  void shouldReturnEmptyForIdsNoServerUses() {
    for (int id : new int[] {0, 17, 100, 251, 272, 324, 575, 2047, 3272, 4096, 65535}) {
      assertThat(Collations.charsetName(id)).as("id %d", id).isEmpty();
      assertThat(Collations.charset(id)).isEmpty();
      assertThat(Collations.collationName(id)).isEmpty();
    }
    for (int id : new int[] {-1, -63, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
      assertThat(Collations.charsetName(id)).isEmpty();
      assertThat(Collations.charset(id)).isEmpty();
      assertThat(Collations.collationName(id)).isEmpty();
      assertThat(Collations.isBinary(id)).isFalse();
    }
  }

  @Test
  void shouldTreatOnlyTheBinaryCollationAsBinary() {
    assertThat(Collations.isBinary(63)).isTrue();
    assertThat(Collations.isBinary(83)).isFalse(); // utf8mb3_bin is text
    assertThat(Collations.isBinary(46)).isFalse(); // utf8mb4_bin is text
  }

  @Test
  void shouldHaveACharsetForEveryKnownId() {
    int known = 0;
    for (int id = 0; id < 4096; id++) {
      if (Collations.charsetName(id).isPresent()) {
        known++;
        assertThat(Collations.charset(id)).as("id %d", id).isPresent();
        assertThat(Collations.collationName(id)).isPresent();
      }
    }
    // 1286 ids in MariaDB 11.4's COLLATION_CHARACTER_SET_APPLICABILITY, 23 more only MySQL has.
    assertThat(known).isEqualTo(1309);
  }

  @Test
  void shouldHandOutTheSameOptionalEveryTime() {
    assertThat(Collations.charset(45)).isSameAs(Collations.charset(45));
    assertThat(Collations.charsetName(2304)).isSameAs(Collations.charsetName(2304));
  }

  @Test
  void shouldMapCharsetNamesToJavaCharsets() {
    assertThat(Collations.charsetForName("utf8mb4")).contains(StandardCharsets.UTF_8);
    assertThat(Collations.charsetForName("utf8mb3")).contains(StandardCharsets.UTF_8);
    assertThat(Collations.charsetForName("utf8")).contains(StandardCharsets.UTF_8);
    assertThat(Collations.charsetForName("UTF8MB4")).contains(StandardCharsets.UTF_8);
    assertThat(Collations.charsetForName("binary")).contains(StandardCharsets.ISO_8859_1);
    assertThat(Collations.charsetForName("gbk")).contains(Charset.forName("GBK"));
    assertThat(Collations.charsetForName("gb18030")).contains(Charset.forName("GB18030"));
    assertThat(Collations.charsetForName("cp932")).contains(Charset.forName("windows-31j"));
    assertThat(Collations.charsetForName("ucs2")).contains(StandardCharsets.UTF_16BE);
    assertThat(Collations.charsetForName("utf16le")).contains(StandardCharsets.UTF_16LE);
    assertThat(Collations.charsetForName("klingon")).isEmpty();
    assertThat(Collations.charsetForName("")).isEmpty();
    for (String name :
        new String[] {
          "latin1", "latin2", "latin5", "latin7", "ascii", "cp1250", "cp1251", "cp1256", "cp1257",
          "cp850", "cp852", "cp866", "koi8r", "koi8u", "greek", "hebrew", "tis620", "macce",
          "macroman", "dec8", "hp8", "swe7", "keybcs2", "armscii8", "geostd8", "big5", "gb2312",
          "ujis", "sjis", "eucjpms", "euckr", "utf16", "utf32"
        }) {
      assertThat(Collations.charsetForName(name)).as(name).isPresent();
    }
  }

  @Test
  void shouldDecodeLatin1ExactlyAsTheServerDoes() {
    // SELECT HEX(CONVERT(_latin1 0x80..0x9F USING utf32)) on MariaDB 10.11 and 11.4: windows-1252
    // plus C1 controls for the five bytes windows-1252 leaves undefined. Other bytes are U+00XX.
    String high =
        "20AC 0081 201A 0192 201E 2026 2020 2021 02C6 2030 0160 2039 0152 008D 017D 008F"
            + " 0090 2018 2019 201C 201D 2022 2013 2014 02DC 2122 0161 203A 0153 009D 017E 0178";
    String[] units = high.split(" ");
    byte[] all = new byte[256];
    StringBuilder expected = new StringBuilder();
    for (int b = 0; b < 256; b++) {
      all[b] = (byte) b;
      expected.append(
          b >= 0x80 && b < 0xA0 ? (char) Integer.parseInt(units[b - 0x80], 16) : (char) b);
    }
    Charset latin1 = Collations.charset(8).orElseThrow();
    String decoded = new String(all, latin1);
    assertThat(decoded).isEqualTo(expected.toString());
    assertThat(decoded.getBytes(latin1)).isEqualTo(all);
  }

  @Test
  void shouldDecodeSingleByteCharsetsAsTheServerDoes() throws CharacterCodingException {
    // Spot checks from the same server conversions.
    assertDecodes("cp1251", "c0 e0", "Аа");
    assertDecodes("koi8r", "c1 e1", "аА");
    assertDecodes("latin2", "a1 b1", "Ąą");
    assertDecodes("greek", "c1 e1", "Αα");
    assertDecodes("hebrew", "af", "\u203E"); // the server's overline, where ISO-8859-8 has macron
    assertDecodes("cp866", "fc", "\u207F");
    // A byte the server has no character for decodes as malformed input.
    Charset cp1251 = Collations.charsetForName("cp1251").orElseThrow();
    assertThat(new String(new byte[] {(byte) 0x98}, cp1251)).isEqualTo("\uFFFD");
    ByteBuffer unmapped = ByteBuffer.wrap(new byte[] {(byte) 0x98});
    assertThatThrownBy(
            () -> cp1251.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(unmapped))
        .isInstanceOf(CharacterCodingException.class);
    // Encoding maps back, and refuses what the table lacks.
    assertThat("Аа?".getBytes(cp1251)).isEqualTo(HEX.parseHex("c0e03f"));
    assertThat("€".getBytes(Collations.charsetForName("koi8r").orElseThrow()))
        .isEqualTo(new byte[] {'?'});
  }

  @Test
  void shouldDecodeMultiByteCharsetsAsTheServerEncodesThem() {
    // SELECT HEX(CONVERT(_utf8mb4'...' USING <charset>)) on MariaDB 11.4.
    assertDecodes("gbk", "b6a9b5a520a6b8a8a6", "订单 Ωé");
    assertDecodes("gb2312", "b6a9b5a520a6b8a8a6", "订单 Ωé");
    assertDecodes("sjis", "928d95b6", "注文");
    assertDecodes("cp932", "928d95b6", "注文");
    assertDecodes("ujis", "c3edcab8", "注文");
    assertDecodes("eucjpms", "c3edcab8", "注文");
    assertDecodes("euckr", "c1d6b9ae", "주문");
    assertDecodes("big5", "ad71b3e6", "訂單");
    assertDecodes("ucs2", "8ba25355002003a900e9", "订单 Ωé");
    assertDecodes("utf16", "8ba25355002003a900e9", "订单 Ωé");
    assertDecodes("utf16le", "a28b55532000a903e900", "订单 Ωé");
    assertDecodes("utf32", "00008ba20000535500000020000003a9000000e9", "订单 Ωé");
  }

  @Test
  void shouldNeverThrowForAnyId() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      int id = random.nextInt();
      Optional<Charset> charset = Collations.charset(id);
      assertThat(Collations.charsetName(id).isPresent()).isEqualTo(charset.isPresent());
    }
  }

  private static void assertCollation(int id, String charsetName, String collationName) {
    assertThat(Collations.charsetName(id)).as("id %d", id).contains(charsetName);
    assertThat(Collations.collationName(id)).as("id %d", id).contains(collationName);
    assertThat(Collations.charset(id)).isEqualTo(Collations.charsetForName(charsetName));
  }

  private static void assertDecodes(String charsetName, String hex, String text) {
    Charset charset = Collations.charsetForName(charsetName).orElseThrow();
    assertThat(new String(HEX.parseHex(hex.replace(" ", "")), charset))
        .as(charsetName)
        .isEqualTo(text);
  }
}
