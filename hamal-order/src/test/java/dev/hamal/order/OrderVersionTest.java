package dev.hamal.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class OrderVersionTest {
  @Provide
  Arbitrary<OrderVersion> versions() {
    // Small ranges as well as the extremes, so that equal parts are common.
    Arbitrary<Long> files =
        Arbitraries.oneOf(
            Arbitraries.longs().between(0, 3),
            Arbitraries.longs().between(0, OrderVersion.MAX_FILE_SEQUENCE));
    Arbitrary<Long> positions =
        Arbitraries.oneOf(
            Arbitraries.longs().between(0, 3),
            Arbitraries.longs().between(0, OrderVersion.MAX_POSITION));
    Arbitrary<Long> rows =
        Arbitraries.oneOf(
            Arbitraries.longs().between(0, 3),
            Arbitraries.longs().between(0, OrderVersion.MAX_ROW_INDEX));
    return Combinators.combine(files, positions, rows).as(OrderVersion::new);
  }

  @Property
  void stringOrderIsBinlogOrder(
      @ForAll("versions") OrderVersion a, @ForAll("versions") OrderVersion b) {
    int byParts =
        a.fileSequence() != b.fileSequence()
            ? Long.compare(a.fileSequence(), b.fileSequence())
            : a.position() != b.position()
                ? Long.compare(a.position(), b.position())
                : Long.compare(a.rowIndex(), b.rowIndex());

    assertThat(Integer.signum(a.compareTo(b))).isEqualTo(Integer.signum(byParts));
    assertThat(Integer.signum(a.toString().compareTo(b.toString())))
        .isEqualTo(Integer.signum(byParts));
    assertThat(a.isNewerThan(b)).isEqualTo(byParts > 0);
  }

  @Property
  void parseReadsWhatToStringWrites(@ForAll("versions") OrderVersion version) {
    assertThat(version.toString()).hasSize(33);
    assertThat(OrderVersion.parse(version.toString())).isEqualTo(version);
  }

  @Test
  void shouldTakeTheFileSequenceFromTheBinlogFileName() {
    OrderVersion version = OrderVersion.of("mysql-bin.000042", 1234, 3);
    assertThat(version).isEqualTo(new OrderVersion(42, 1234, 3));
    assertThat(version.toString()).isEqualTo("0000000042.000000001234.000000003");
    assertThat(OrderVersion.of("host.with.dots-bin.2147483647", 4, 0).fileSequence())
        .isEqualTo(2_147_483_647L);
  }

  @Test
  void shouldRejectNamesWithoutANumberAndPartsOutOfRange() {
    assertThatThrownBy(() -> OrderVersion.of("mysql-bin", 4, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OrderVersion.of("mysql-bin.", 4, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OrderVersion.of("mysql-bin.00001x", 4, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OrderVersion(-1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OrderVersion(0, 1_000_000_000_000L, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OrderVersion(0, 0, 1_000_000_000L))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldRejectTextThatIsNotTheFixedWidthForm() {
    for (String bad :
        new String[] {
          "",
          "42.1234.3",
          "0000000042.000000001234.00000000x",
          "0000000042-000000001234.000000003",
          "0000000042.000000001234.0000000031",
          "+000000042.000000001234.000000003"
        }) {
      assertThatThrownBy(() -> OrderVersion.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
