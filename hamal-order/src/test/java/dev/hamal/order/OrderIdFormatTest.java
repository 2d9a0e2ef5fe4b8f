package dev.hamal.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Reading order ids back through their format: every composed id reads back to its parts. */
class OrderIdFormatTest {
  private static final Predicate<String> ANY = name -> true;

  private static OrderIdFormat format(String text) {
    OrderIdFormat.Result result = OrderIdFormat.parse(text);
    assertThat(result.problemText()).as(text).isEmpty();
    return result.format();
  }

  private static OrderIdParts parts(String schema, String table, String id) {
    return new OrderIdParts(Optional.ofNullable(schema), Optional.ofNullable(table), id);
  }

  /** A format, the values composed with it, and the parts a reading must give back. */
  record Case(String format, String line, String schema, String table, String id) {
    OrderIdParts expected() {
      return parts(
          format.contains("{schema}") ? schema : null,
          format.contains("{table}") ? table : null,
          id);
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<String> token =
        Arbitraries.oneOf(
            Arbitraries.of("{line}", "{schema}", "{table}", "{id}"),
            Arbitraries.strings()
                .withChars(':', '/', '_', '-', 'a', '1')
                .ofMinLength(1)
                .ofMaxLength(3));
    Arbitrary<List<String>> around = token.list().ofMaxSize(3);
    Arbitrary<String> format =
        Combinators.combine(around, around)
            .as((before, after) -> String.join("", before) + "{id}" + String.join("", after));
    Arbitrary<String> names =
        Arbitraries.strings().withChars('a', 'b', '_', '1', '-').ofMinLength(1).ofMaxLength(8);
    Arbitrary<String> ids =
        Arbitraries.strings().withChars('a', '1', ':', '/', '_', '-').ofMinLength(1).ofMaxLength(8);
    return Combinators.combine(format, names, names, names, ids).as(Case::new);
  }

  @Property(tries = 2000)
  void shouldReadEveryComposedIdBackToItsParts(@ForAll("cases") Case c) {
    String id = format(c.format()).compose(c.line(), c.schema(), c.table(), c.id());

    List<OrderIdParts> readings = format(c.format()).read(id, c.line(), ANY, ANY);

    assertThat(readings).as(c + " composed " + id).contains(c.expected());
  }

  @Property(tries = 2000)
  void shouldOnlyGiveReadingsThatComposeTheSameIdAgain(@ForAll("cases") Case c) {
    OrderIdFormat format = format(c.format());
    String id = format.compose(c.line(), c.schema(), c.table(), c.id());

    for (OrderIdParts reading : format.read(id, c.line(), ANY, ANY)) {
      assertThat(
              format.compose(
                  c.line(),
                  reading.schema().orElse("?"),
                  reading.table().orElse("?"),
                  reading.id()))
          .as(c + " reading " + reading)
          .isEqualTo(id);
      assertThat(reading.schema().isPresent()).isEqualTo(c.format().contains("{schema}"));
      assertThat(reading.table().isPresent()).isEqualTo(c.format().contains("{table}"));
    }
    assertThat(format.read(id, c.line(), ANY, ANY)).doesNotHaveDuplicates();
  }

  @Test
  void shouldReadTheDefaultFormatExactlyOnce() {
    OrderIdFormat format = format(OrderIdFormat.DEFAULT);

    assertThat(format.read("topup:42", "topup", ANY, ANY)).containsExactly(parts(null, null, "42"));
    assertThat(format.read("topup:a:b", "topup", ANY, ANY))
        .containsExactly(parts(null, null, "a:b"));
    assertThat(format.read("fuel:42", "topup", ANY, ANY)).isEmpty();
    assertThat(format.read("topup:", "topup", ANY, ANY)).isEmpty();
    assertThat(format.read("topup", "topup", ANY, ANY)).isEmpty();
    assertThat(format.read("", "topup", ANY, ANY)).isEmpty();
  }

  @Test
  void shouldGiveEveryReadingOfAdjacentPlaceholdersThatFitsTheNames() {
    OrderIdFormat format = format("{table}{id}");

    assertThat(format.read("t12", "x", ANY, ANY))
        .containsExactly(parts(null, "t", "12"), parts(null, "t1", "2"));
    assertThat(format.read("t12", "x", "t1"::equals, "t1"::equals))
        .containsExactly(parts(null, "t1", "2"));
    assertThat(format.read("orders_0712", "x", ANY, t -> t.matches("orders_\\d\\d")))
        .containsExactly(parts(null, "orders_07", "12"));
  }

  @Test
  void shouldRequireRepeatedPlaceholdersToAgree() {
    OrderIdFormat format = format("{id}-{id}");

    assertThat(format.read("5-5", "x", ANY, ANY)).containsExactly(parts(null, null, "5"));
    assertThat(format.read("5-6", "x", ANY, ANY)).isEmpty();
    assertThat(format.read("a-b-a-b", "x", ANY, ANY)).containsExactly(parts(null, null, "a-b"));
  }

  @Test
  void shouldNotReadNamesLongerThanMySqlAllows() {
    OrderIdFormat format = format("{schema}.{table}.{id}");
    String long65 = "s".repeat(65);

    assertThat(format.read(long65 + ".t.1", "x", ANY, ANY)).isEmpty();
    assertThat(format.read("s".repeat(64) + ".t.1", "x", ANY, ANY))
        .containsExactly(parts("s".repeat(64), "t", "1"));
  }

  @Test
  void shouldTakeTheSeparatorInsideAValueWhenTheNamesAllowIt() {
    OrderIdFormat format = format("{line}:{table}:{id}");

    assertThat(format.read("shop:orders_07:a:b", "shop", ANY, t -> t.matches("orders_\\d\\d")))
        .containsExactly(parts(null, "orders_07", "a:b"));
    assertThat(format.read("shop:t:a:b", "shop", ANY, ANY))
        .containsExactly(parts(null, "t", "a:b"), parts(null, "t:a", "b"));
  }
}
