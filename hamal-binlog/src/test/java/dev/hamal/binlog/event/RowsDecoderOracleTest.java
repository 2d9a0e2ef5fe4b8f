package dev.hamal.binlog.event;

import static dev.hamal.binlog.event.EventBytes.BINARY;
import static dev.hamal.binlog.event.EventBytes.LATIN1;
import static dev.hamal.binlog.event.EventBytes.UTF8MB4;

import dev.hamal.binlog.event.EventBytes.Column;
import dev.hamal.binlog.event.EventBytes.DateTimeParts;
import dev.hamal.binlog.event.EventBytes.RowsBuilder;
import dev.hamal.binlog.event.EventBytes.Table;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Differential property: for generated tables (random column types and metadata) and generated
 * valid rows, Hamal's decoding of the rows event equals the oracle's decoding of the same bytes.
 */
class RowsDecoderOracleTest {

  /** A column and the values it may hold. */
  record Spec(Column column, Arbitrary<Object> values) {}

  /** A generated rows event: flavour, kind, version, table and images. */
  record Case(
      boolean mariaDb,
      boolean checksum,
      int kind,
      int version,
      List<Spec> specs,
      int firstMask,
      int secondMask,
      List<List<Object>> images) {
    @Override
    public String toString() {
      return (mariaDb ? "MariaDB" : "MySQL")
          + (checksum ? "+crc" : "")
          + " kind "
          + kind
          + " v"
          + version
          + " columns "
          + specs.stream().map(Spec::column).toList()
          + " masks "
          + Integer.toBinaryString(firstMask)
          + "/"
          + Integer.toBinaryString(secondMask)
          + " images "
          + images.stream().map(i -> i.stream().map(RowsDecoderOracleTest::show).toList()).toList();
    }
  }

  private static String show(Object v) {
    return v instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : String.valueOf(v);
  }

  @Property(tries = 600, seed = "4242")
  void hamalDecodesGeneratedRowsLikeTheOracle(@ForAll("cases") Case c) {
    // Known finding (see TableMapTest): MariaDB counts GEOMETRY among the character columns of
    // its charset metadata and Hamal does not; such tables are left out until that is fixed.
    Assume.that(!(c.mariaDb() && hasGeometryAndText(c.specs())));
    EventBytes eb =
        (c.mariaDb() ? EventBytes.mariaDb() : EventBytes.mySql()).checksum(c.checksum());
    Table.Builder tb = EventBytes.table(9, "gen", "t").fullMetadata();
    for (Spec s : c.specs()) {
      tb.column(s.column());
    }
    Table t = tb.build();
    byte[] fde = eb.formatDescription();
    byte[] map = eb.tableMap(t);
    RowsBuilder rows =
        switch (c.kind()) {
          case 0 -> eb.writeRows(t);
          case 1 -> eb.updateRows(t);
          default -> eb.deleteRows(t);
        };
    rows.version(c.version()).columns(bits(c.firstMask())).columnsAfter(bits(c.secondMask()));
    List<List<Object>> images = c.images();
    int perRow = c.kind() == 1 ? 2 : 1;
    for (int i = 0; i + perRow <= images.size(); i += perRow) {
      if (c.kind() == 1) {
        rows.update(images.get(i).toArray(), images.get(i + 1).toArray());
      } else {
        rows.row(images.get(i).toArray());
      }
    }
    byte[] event = rows.build();

    FormatDescription f = FormatDescription.parse(fde);
    TableDecoder table = TableDecoder.create(TableMap.parse(map, f), Optional.empty());
    DecodedRows decoded =
        RowsDecoder.decode(
            event, event.length - f.checksumLength(), f, EventHeader.read(event).type(), table);

    OracleComparison.assertSame(decoded, new OracleComparison.Oracle().dataOfLast(fde, map, event));
  }

  private static boolean hasGeometryAndText(List<Spec> specs) {
    boolean geometry = false;
    boolean text = false;
    for (Spec s : specs) {
      int type = s.column().type();
      geometry |= type == MySqlType.GEOMETRY;
      text |=
          (type == MySqlType.STRING && !s.column().isEnumOrSet())
              || type == MySqlType.VARCHAR
              || type == MySqlType.BLOB;
    }
    return geometry && text;
  }

  private static int[] bits(int mask) {
    return java.util.stream.IntStream.range(0, 31).filter(i -> (mask & (1 << i)) != 0).toArray();
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<List<Spec>> tables = spec().list().ofMinSize(1).ofMaxSize(12);
    return tables.flatMap(specs -> {
      int all = (1 << specs.size()) - 1;
      Arbitrary<Integer> masks =
          Arbitraries.frequencyOf(
              net.jqwik.api.Tuple.of(3, Arbitraries.just(all)),
              net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, all)));
      List<Arbitrary<Object>> columns = new ArrayList<>();
      for (Spec s : specs) {
        columns.add(s.values().injectNull(0.1));
      }
      Arbitrary<List<Object>> image = Combinators.combine(columns).as(l -> new ArrayList<>(l));
      return Combinators.combine(
              Arbitraries.of(true, false),
              Arbitraries.of(true, false),
              Arbitraries.integers().between(0, 2),
              Arbitraries.integers().between(1, 2),
              masks,
              masks,
              image.list().ofMinSize(2).ofMaxSize(6))
          .as((maria, crc, kind, version, m1, m2, imgs) ->
              new Case(maria, crc, kind, version, specs, m1, m2, imgs));
    });
  }

  private static Arbitrary<Object> any(Arbitrary<?> a) {
    return a.map(x -> (Object) x);
  }

  private static Arbitrary<Spec> spec() {
    Arbitrary<Integer> fsp = Arbitraries.integers().between(0, 6);
    Arbitrary<Integer> collation = Arbitraries.of(UTF8MB4, LATIN1, BINARY);
    return Arbitraries.oneOf(
        Arbitraries.of(
            new Spec(Column.tinyInt("i8"), any(Arbitraries.integers().between(-128, 127))),
            new Spec(
                Column.tinyInt("u8").asUnsigned(), any(Arbitraries.integers().between(0, 255))),
            new Spec(Column.smallInt("i16"), any(Arbitraries.shorts())),
            new Spec(
                Column.smallInt("u16").asUnsigned(), any(Arbitraries.integers().between(0, 65535))),
            new Spec(
                Column.mediumInt("i24"), any(Arbitraries.integers().between(-8388608, 8388607))),
            new Spec(
                Column.mediumInt("u24").asUnsigned(),
                any(Arbitraries.integers().between(0, 16777215))),
            new Spec(Column.intCol("i32"), any(Arbitraries.integers())),
            new Spec(
                Column.intCol("u32").asUnsigned(),
                any(Arbitraries.longs().between(0, 4294967295L))),
            new Spec(Column.bigInt("i64"), any(Arbitraries.longs())),
            new Spec(Column.bigInt("u64").asUnsigned(), any(Arbitraries.longs())),
            new Spec(Column.floatCol("f"), any(Arbitraries.floats())),
            new Spec(Column.doubleCol("d"), any(Arbitraries.doubles())),
            new Spec(
                Column.year("y"),
                any(
                    Arbitraries.oneOf(
                        Arbitraries.just(0), Arbitraries.integers().between(1901, 2155)))),
            new Spec(Column.date("date"), date()),
            new Spec(
                Column.time("time"),
                any(Arbitraries.longs().between(-3020399, 3020399).map(Duration::ofSeconds))),
            new Spec(Column.datetime("datetime"), dateTime()),
            new Spec(Column.timestamp("timestamp"), timestamp()),
            new Spec(
                Column.geometry("g"), any(Arbitraries.bytes().array(byte[].class).ofMaxSize(40)))),
        fsp.map(p -> new Spec(Column.time2("t2", p), time2())),
        fsp.map(p -> new Spec(Column.datetime2("dt2", p), dateTime())),
        fsp.map(p -> new Spec(Column.timestamp2("ts2", p), timestamp())),
        Arbitraries.integers()
            .between(1, 64)
            .map(n ->
                new Spec(
                    Column.bit("bit", n),
                    any(Arbitraries.longs().map(v -> n == 64 ? v : v & ((1L << n) - 1))))),
        Arbitraries.integers()
            .between(1, 300)
            .map(n ->
                new Spec(
                    Column.enumCol("e", labels(n)), any(Arbitraries.integers().between(0, n)))),
        Arbitraries.integers()
            .between(1, 64)
            .map(n ->
                new Spec(
                    Column.set("s", labels(n)),
                    any(Arbitraries.longs().map(v -> n == 64 ? v : v & ((1L << n) - 1))))),
        Combinators.combine(
                Arbitraries.integers().between(1, 65), Arbitraries.integers().between(0, 30))
            .as((p, s) ->
                new Spec(Column.decimal("dec", p, Math.min(s, p)), decimal(p, Math.min(s, p)))),
        Combinators.combine(Arbitraries.integers().between(1, 600), collation)
            .as((max, coll) -> new Spec(Column.charCol("c", max, coll), text(coll, max))),
        Combinators.combine(Arbitraries.integers().between(1, 700), collation)
            .as((max, coll) -> new Spec(Column.varchar("v", max, coll), text(coll, max))),
        Combinators.combine(Arbitraries.integers().between(1, 4), collation)
            .as((prefix, coll) -> new Spec(Column.blob("b", prefix, coll), text(coll, 255))));
  }

  private static String[] labels(int n) {
    String[] l = new String[n];
    for (int i = 0; i < n; i++) {
      l[i] = "v" + i;
    }
    return l;
  }

  /** Text that fits {@code maxBytes} in the collation's charset; bytes for binary. */
  private static Arbitrary<Object> text(int collation, int maxBytes) {
    if (collation == BINARY) {
      return any(Arbitraries.bytes().array(byte[].class).ofMaxSize(Math.min(maxBytes, 300)));
    }
    Arbitrary<String> s =
        collation == LATIN1
            ? Arbitraries.strings().withChars("abcXYZ 09éüßç€").ofMaxLength(Math.min(maxBytes, 200))
            : Arbitraries.strings().all().ofMaxLength(Math.min(maxBytes / 4, 75));
    return any(
        s.filter(x -> x.getBytes(EventBytes.javaCharset(collation)).length <= maxBytes)
            .filter(x -> collation != UTF8MB4 || isWellFormed(x)));
  }

  private static boolean isWellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (Character.isSurrogate(ch)) {
        if (!Character.isHighSurrogate(ch)
            || i + 1 >= s.length()
            || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      }
    }
    return true;
  }

  private static Arbitrary<Object> decimal(int precision, int scale) {
    return any(
        Arbitraries.bigIntegers()
            .between(
                BigInteger.TEN.pow(precision).negate().add(BigInteger.ONE),
                BigInteger.TEN.pow(precision).subtract(BigInteger.ONE))
            .map(u -> new BigDecimal(u, scale)));
  }

  /** Dates after the Gregorian cutover (the oracle is Julian before), sometimes zero dates. */
  private static Arbitrary<Object> date() {
    return any(
        Arbitraries.oneOf(
            Arbitraries.just(DateTimeParts.ZERO),
            Combinators.combine(
                    Arbitraries.integers().between(1583, 9999),
                    Arbitraries.integers().between(1, 12),
                    Arbitraries.integers().between(1, 28))
                .as(DateTimeParts::date)));
  }

  private static Arbitrary<Object> dateTime() {
    return any(
        Arbitraries.oneOf(
            Arbitraries.just(DateTimeParts.ZERO),
            Combinators.combine(
                    Arbitraries.integers().between(1583, 9999),
                    Arbitraries.integers().between(1, 12),
                    Arbitraries.integers().between(1, 28),
                    Arbitraries.integers().between(0, 23),
                    Arbitraries.integers().between(0, 59),
                    Arbitraries.integers().between(0, 59),
                    Arbitraries.integers().between(0, 999_999))
                .as(DateTimeParts::new)));
  }

  private static Arbitrary<Object> timestamp() {
    return any(
        Combinators.combine(
                Arbitraries.longs().between(0, 2_147_483_647L),
                Arbitraries.integers().between(0, 999_999))
            .as((s, us) -> Instant.ofEpochSecond(s, us * 1000L)));
  }

  private static Arbitrary<Object> time2() {
    return any(
        Arbitraries.longs()
            .between(-3_020_399_999_999L, 3_020_399_999_999L)
            .map(us -> Duration.ofNanos(us * 1000)));
  }
}
