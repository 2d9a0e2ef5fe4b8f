package dev.hamal.binlog.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.binlog.event.BinaryJsonWriter.Unsigned;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random documents, encoded by the test-only {@link BinaryJsonWriter}, decoded by {@link
 * JsonBinary} and by mysql-binlog-connector-java (the oracle); the two texts must be the same JSON,
 * and ours must be the tree that was encoded. Dates, times and opaque values other than DECIMAL are
 * left out of the random trees because the oracle prints them unlike MySQL (no fraction digits,
 * bare base64); {@link JsonBinaryTest} covers them with hand-built documents.
 */
class JsonBinaryOracleTest {

  @Property(tries = 3000)
  void shouldPrintTheSameJsonAsTheOracle(@ForAll long seed) throws IOException {
    Object tree = new RandomJson(seed, true).tree(4);
    byte[] bytes = BinaryJsonWriter.document(tree);
    String ours = JsonBinary.toJson(bytes, 0, bytes.length);
    String oracle =
        com.github.shyiko.mysql.binlog.event.deserialization.json.JsonBinary.parseAsString(bytes);
    assertThat(JsonText.same(JsonText.parse(ours), JsonText.parse(oracle)))
        .as("ours %s%noracle %s%nbytes %s", ours, oracle, HexFormat.of().formatHex(bytes))
        .isTrue();
  }

  @Property(tries = 3000)
  void shouldPrintBackTheTreeThatWasEncoded(@ForAll long seed) {
    Object tree = new RandomJson(seed, true).tree(5);
    byte[] bytes = BinaryJsonWriter.document(tree);
    String ours = JsonBinary.toJson(bytes, 0, bytes.length);
    assertThat(JsonText.same(JsonText.parse(ours), expected(tree)))
        .as("ours %s%nencoded %s", ours, tree)
        .isTrue();
  }

  /** The tree in the form {@link JsonText#parse} produces. */
  private static Object expected(Object tree) {
    if (tree instanceof Long l) {
      return new JsonText.Num(Long.toString(l));
    }
    if (tree instanceof Unsigned u) {
      return new JsonText.Num(Long.toUnsignedString(u.value()));
    }
    if (tree instanceof BigInteger big) {
      return new JsonText.Num(big.toString());
    }
    if (tree instanceof Double d) {
      return new JsonText.Num(Double.toString(d));
    }
    if (tree instanceof BigDecimal d) {
      return new JsonText.Num(d.toPlainString());
    }
    if (tree instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object element : list) {
        out.add(expected(element));
      }
      return out;
    }
    if (tree instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.put((String) e.getKey(), expected(e.getValue()));
      }
      return out;
    }
    return tree;
  }
}
