package dev.hamal.order;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class NamePatternTest {
  private static NamePattern p(String text) {
    assertThat(NamePattern.problem(text)).isEmpty();
    return NamePattern.of(text, "k");
  }

  @Test
  void shouldMatchWholeNamesWithEachWildcard() {
    assertThat(p("orders_##").matches("orders_15")).isTrue();
    assertThat(p("orders_##").matches("orders_1")).isFalse();
    assertThat(p("orders_##").matches("orders_1x")).isFalse();
    assertThat(p("orders_##").matches("xorders_15")).isFalse();
    assertThat(p("orders_??").matches("orders_ab")).isTrue();
    assertThat(p("orders_*").matches("orders_")).isTrue();
    assertThat(p("orders_*").matches("orders_2025_06")).isTrue();
    assertThat(p("tp_order").matches("tp_order")).isTrue();
    assertThat(p("tp_order").matches("TP_ORDER")).isFalse();
    assertThat(p("a$b").matches("a$b")).isTrue();
  }

  @Test
  void shouldRejectEmptyLongAndRegexLikePatterns() {
    assertThat(NamePattern.problem("")).isPresent();
    assertThat(NamePattern.problem("x".repeat(65))).isPresent();
    assertThat(NamePattern.problem("orders_\\d{2}")).isPresent();
    assertThat(NamePattern.problem("orders.*")).isPresent();
    assertThat(NamePattern.problem("orders 1")).isPresent();
  }

  @Provide
  Arbitrary<String> patterns() {
    return Arbitraries.strings().withChars('a', '0', '*', '?', '#').ofMinLength(1).ofMaxLength(4);
  }

  /** Brute force: every name over a small alphabet up to the combined pattern length. */
  @Property(tries = 300)
  void overlapsIsTrueExactlyWhenSomeNameMatchesBoth(
      @ForAll("patterns") String a, @ForAll("patterns") String b) {
    NamePattern pa = p(a);
    NamePattern pb = p(b);
    boolean common = existsCommonName(pa, pb, "", a.length() + b.length());

    assertThat(pa.overlaps(pb)).as(a + " vs " + b).isEqualTo(common);
    assertThat(pb.overlaps(pa)).as("symmetric").isEqualTo(common);
  }

  private static boolean existsCommonName(NamePattern a, NamePattern b, String prefix, int left) {
    if (a.matches(prefix) && b.matches(prefix)) {
      return true;
    }
    if (left == 0) {
      return false;
    }
    for (char c : new char[] {'a', '0', 'z'}) {
      if (existsCommonName(a, b, prefix + c, left - 1)) {
        return true;
      }
    }
    return false;
  }
}
