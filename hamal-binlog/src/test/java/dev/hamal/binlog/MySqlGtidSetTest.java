package dev.hamal.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MySqlGtidSetTest {

  private static final String A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  private static final String B = "8a94f357-aab4-11df-86ab-c80aa9429562";

  private static byte[] hex(String spaced) {
    return HexFormat.of().parseHex(spaced.replaceAll("\\s+", ""));
  }

  @Test
  void shouldPrintCanonicalFormWithSortedSourcesAndMergedIntervals() {
    MySqlGtidSet set =
        MySqlGtidSet.parse(B + ":3, " + A.toUpperCase() + ":7-9:1-5:6,\n" + A + ":11");

    assertThat(set.toString()).isEqualTo(A + ":1-9:11," + B + ":3");
  }

  @Test
  void shouldParseWhatItPrints() {
    String canonical = A + ":1-5:7-9:orders:1-20," + B + ":3";

    assertThat(MySqlGtidSet.parse(canonical).toString()).isEqualTo(canonical);
  }

  @Test
  void shouldAcceptUuidsWithoutDashesAndUpperCaseTags() {
    MySqlGtidSet set = MySqlGtidSet.parse(A.replace("-", "") + ":Orders_2:4");

    assertThat(set.toString()).isEqualTo(A + ":orders_2:4");
    assertThat(set.contains(A, "ORDERS_2", 4)).isTrue();
    assertThat(set.contains(A, 4)).isFalse();
  }

  @Test
  void shouldTreatBlankTextAsTheEmptySet() {
    assertThat(MySqlGtidSet.parse("  ")).isEqualTo(MySqlGtidSet.empty());
    assertThat(MySqlGtidSet.empty().toString()).isEmpty();
    assertThat(MySqlGtidSet.empty().isEmpty()).isTrue();
  }

  @Test
  void shouldRejectMalformedTextNamingTheProblem() {
    assertThatThrownBy(() -> MySqlGtidSet.parse("3e11fa47-71ca:1-5"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'3e11fa47-71ca' is not a UUID");
    assertThatThrownBy(() -> MySqlGtidSet.parse(A))
        .hasMessageContaining("not followed by ':' and an interval");
    assertThatThrownBy(() -> MySqlGtidSet.parse(A + ":5-3"))
        .hasMessageContaining("'5-3' ends before it starts");
    assertThatThrownBy(() -> MySqlGtidSet.parse(A + ":0")).hasMessageContaining("outside 1..");
    assertThatThrownBy(() -> MySqlGtidSet.parse(A + ":1-x")).hasMessageContaining("'x' is not");
    assertThatThrownBy(() -> MySqlGtidSet.parse(A + ":1:tag"))
        .hasMessageContaining("tag 'tag' of UUID " + A + " has no interval");
    assertThatThrownBy(() -> MySqlGtidSet.parse(A + ":9tag:1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MySqlGtidSet.parse(A + ":1,"))
        .hasMessageContaining("'' is not a UUID");
    assertThatThrownBy(() -> MySqlGtidSet.parse(A + ":99999999999999999999"))
        .hasMessageContaining("larger than");
  }

  @Test
  void shouldReturnNewSetWhenAddingAndMergeAdjacentNumbers() {
    MySqlGtidSet original = MySqlGtidSet.parse(A + ":1-3:5");

    MySqlGtidSet added = original.add(A, 4).add(B, 1).add(A, "t", 2);

    assertThat(original.toString()).isEqualTo(A + ":1-3:5");
    assertThat(added.toString()).isEqualTo(A + ":1-5:t:2," + B + ":1");
    assertThat(added.add(A, 2)).isSameAs(added);
    assertThat(added.contains(A, 4)).isTrue();
    assertThat(added.contains(A, 6)).isFalse();
    assertThat(added.contains(B, 1)).isTrue();
    assertThatThrownBy(() -> original.add(A, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldUniteSets() {
    MySqlGtidSet left = MySqlGtidSet.parse(A + ":1-3," + B + ":1");
    MySqlGtidSet right = MySqlGtidSet.parse(A + ":4-6:10");

    assertThat(left.union(right).toString()).isEqualTo(A + ":1-6:10," + B + ":1");
    assertThat(left.union(MySqlGtidSet.empty())).isEqualTo(left);
  }

  @Test
  void shouldBeEqualByContent() {
    assertThat(MySqlGtidSet.parse(A + ":1-2:3"))
        .isEqualTo(MySqlGtidSet.parse(A + ":1-3"))
        .hasSameHashCodeAs(MySqlGtidSet.parse(A + ":1-3"))
        .isNotEqualTo(MySqlGtidSet.parse(A + ":1-4"));
  }

  /**
   * Layout from the protocol documentation of COM_BINLOG_DUMP_GTID: int64 n_sids, then per SID 16
   * UUID bytes, int64 n_intervals and [start, end) int64 pairs, all little-endian.
   */
  @Test
  void shouldEncodeUntaggedSetInClassicBinaryLayout() {
    byte[] expected =
        hex(
            """
            02 00 00 00 00 00 00 00
            3e 11 fa 47 71 ca 11 e1 9e 33 c8 0a a9 42 95 62
            02 00 00 00 00 00 00 00
            01 00 00 00 00 00 00 00  06 00 00 00 00 00 00 00
            07 00 00 00 00 00 00 00  0a 00 00 00 00 00 00 00
            8a 94 f3 57 aa b4 11 df 86 ab c8 0a a9 42 95 62
            01 00 00 00 00 00 00 00
            03 00 00 00 00 00 00 00  04 00 00 00 00 00 00 00
            """);

    MySqlGtidSet set = MySqlGtidSet.parse(A + ":1-5:7-9," + B + ":3");

    assertThat(set.encode()).isEqualTo(expected);
    assertThat(MySqlGtidSet.decode(expected)).isEqualTo(set);
  }

  @Test
  void shouldEncodeEmptySetAsZeroSources() {
    assertThat(MySqlGtidSet.empty().encode()).isEqualTo(new byte[8]);
    assertThat(MySqlGtidSet.decode(new byte[8]).isEmpty()).isTrue();
  }

  /**
   * MySQL 8.3+ tagged layout: the first int64 holds format 1 in its top and bottom byte and the
   * source count in between; each source has its tag (length << 1, then the bytes) after the UUID.
   */
  @Test
  void shouldEncodeTaggedSetInTaggedBinaryLayout() {
    byte[] expected =
        hex(
            """
            01 02 00 00 00 00 00 01
            3e 11 fa 47 71 ca 11 e1 9e 33 c8 0a a9 42 95 62
            00
            01 00 00 00 00 00 00 00
            01 00 00 00 00 00 00 00  03 00 00 00 00 00 00 00
            3e 11 fa 47 71 ca 11 e1 9e 33 c8 0a a9 42 95 62
            0c 6f 72 64 65 72 73
            01 00 00 00 00 00 00 00
            05 00 00 00 00 00 00 00  06 00 00 00 00 00 00 00
            """);

    MySqlGtidSet set = MySqlGtidSet.parse(A + ":1-2:orders:5");

    assertThat(set.isTagged()).isTrue();
    assertThat(set.encode()).isEqualTo(expected);
    assertThat(MySqlGtidSet.decode(expected)).isEqualTo(set);
  }

  @Test
  void shouldRejectMalformedEncodings() {
    byte[] good = MySqlGtidSet.parse(A + ":1-5:7-9").encode();

    assertThatThrownBy(() -> MySqlGtidSet.decode(java.util.Arrays.copyOf(good, good.length - 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("truncated");
    byte[] overlapping = good.clone();
    overlapping[8 + 16 + 8 + 16] = 3; // second interval starts at 3, inside the first
    assertThatThrownBy(() -> MySqlGtidSet.decode(overlapping)).hasMessageContaining("out of order");
    byte[] unknownFormat = good.clone();
    unknownFormat[7] = 2;
    assertThatThrownBy(() -> MySqlGtidSet.decode(unknownFormat))
        .hasMessageContaining("unknown GTID set encoding format");
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> MySqlGtidSet.decode(trailing)).hasMessageContaining("after the last");
  }
}
