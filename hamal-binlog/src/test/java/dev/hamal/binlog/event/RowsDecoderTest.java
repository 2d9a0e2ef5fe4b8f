package dev.hamal.binlog.event;

import static dev.hamal.binlog.event.EventBytes.BINARY;
import static dev.hamal.binlog.event.EventBytes.LATIN1;
import static dev.hamal.binlog.event.EventBytes.UTF8MB4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.binlog.ColumnType;
import dev.hamal.binlog.Operation;
import dev.hamal.binlog.RowImage;
import dev.hamal.binlog.event.EventBytes.Column;
import dev.hamal.binlog.event.EventBytes.DateTimeParts;
import dev.hamal.binlog.event.EventBytes.RowsBuilder;
import dev.hamal.binlog.event.EventBytes.Table;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Decodes rows events written by {@link EventBytes} and checks every value twice: against the value
 * the test wrote, and against mysql-binlog-connector-java's decoding of the same bytes.
 */
class RowsDecoderTest {

  /** A stream of one flavour: format description, table maps and rows events. */
  private static final class Stream {
    final EventBytes eb;
    final byte[] fde;
    final FormatDescription format;

    Stream(EventBytes eb) {
      this.eb = eb;
      this.fde = eb.formatDescription();
      this.format = FormatDescription.parse(fde);
    }

    /** Decodes the rows event with Hamal, checks the oracle agrees, returns Hamal's rows. */
    DecodedRows decode(Table t, Function<EventBytes, RowsBuilder> rows) {
      byte[] map = eb.tableMap(t);
      byte[] event = rows.apply(eb).build();
      DecodedRows decoded = decodeOnly(map, event);
      OracleComparison.assertSame(
          decoded, new OracleComparison.Oracle().dataOfLast(fde, map, event));
      return decoded;
    }

    DecodedRows decodeOnly(byte[] map, byte[] event) {
      TableDecoder table = TableDecoder.create(TableMap.parse(map, format), Optional.empty());
      int type = EventHeader.read(event).type();
      return RowsDecoder.decode(event, event.length - format.checksumLength(), format, type, table);
    }
  }

  private final Stream mysql = new Stream(EventBytes.mySql());
  private final Stream maria = new Stream(EventBytes.mariaDb());

  private static Table table(Column... columns) {
    return EventBytes.table(42, "shop", "t").columns(columns).fullMetadata().build();
  }

  private static RowImage insertOf(DecodedRows rows, int row) {
    assertThat(rows.operation()).isEqualTo(Operation.INSERT);
    return rows.after(row);
  }

  // integers -------------------------------------------------------------------------------------

  @Test
  void shouldDecodeTheLimitsOfEveryIntegerTypeSignedAndUnsigned() {
    Table t =
        table(
            Column.tinyInt("s8"),
            Column.tinyInt("u8").asUnsigned(),
            Column.smallInt("s16"),
            Column.smallInt("u16").asUnsigned(),
            Column.mediumInt("s24"),
            Column.mediumInt("u24").asUnsigned(),
            Column.intCol("s32"),
            Column.intCol("u32").asUnsigned(),
            Column.bigInt("s64"),
            Column.bigInt("u64").asUnsigned());
    Object[] min = {-128, 0, -32768, 0, -8388608, 0, Integer.MIN_VALUE, 0, Long.MIN_VALUE, 0};
    Object[] max = {
      127, 255, 32767, 65535, 8388607, 16777215, Integer.MAX_VALUE, 4294967295L, Long.MAX_VALUE, -1L
    };
    Object[] signBit = {-1, 128, -1, 32768, -1, 8388608, -1, 2147483648L, -1L, Long.MIN_VALUE};

    DecodedRows rows = mysql.decode(t, eb -> eb.writeRows(t).row(min).row(max).row(signBit));

    RowImage lo = insertOf(rows, 0);
    RowImage hi = rows.after(1);
    RowImage mid = rows.after(2);
    for (int c = 0; c < 10; c++) {
      assertThat(lo.getLong(c))
          .as("min of %s", t.column(c))
          .isEqualTo(((Number) min[c]).longValue());
    }
    assertThat(
            new long[] {
              hi.getLong(0),
              hi.getLong(1),
              hi.getLong(2),
              hi.getLong(3),
              hi.getLong(4),
              hi.getLong(5),
              hi.getLong(6),
              hi.getLong(7),
              hi.getLong(8)
            })
        .containsExactly(
            127,
            255,
            32767,
            65535,
            8388607,
            16777215,
            Integer.MAX_VALUE,
            4294967295L,
            Long.MAX_VALUE);
    assertThat(hi.getLong(9)).as("two's complement bits of 2^64-1").isEqualTo(-1L);
    assertThat(hi.getValue(9)).isEqualTo(new BigInteger("18446744073709551615"));
    assertThat(hi.getText(9)).isEqualTo("18446744073709551615");
    assertThat(mid.getLong(1)).isEqualTo(128);
    assertThat(mid.getLong(3)).isEqualTo(32768);
    assertThat(mid.getLong(5)).isEqualTo(8388608);
    assertThat(mid.getLong(7)).isEqualTo(2147483648L);
    assertThat(mid.getText(9)).isEqualTo("9223372036854775808");
    assertThat(mid.getValue(8)).isEqualTo(-1L);
    assertThat(lo.getValue(0)).isEqualTo(-128L);
    assertThat(lo.getText(8)).isEqualTo("-9223372036854775808");
    assertThat(lo.getValue(9)).isEqualTo(BigInteger.ZERO);
  }

  // floating point and decimals ------------------------------------------------------------------

  @Test
  void shouldDecodeFloatsAndDoublesBitForBit() {
    Table t = table(Column.floatCol("f"), Column.doubleCol("d"));
    Object[][] values = {
      {0.0f, 0.0},
      {-0.0f, -0.0},
      {Float.MAX_VALUE, Double.MAX_VALUE},
      {-Float.MIN_VALUE, -Double.MIN_VALUE},
      {1.5f, -2.25e-300},
      {Float.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY}
    };

    DecodedRows rows =
        mysql.decode(
            t,
            eb -> {
              RowsBuilder b = eb.writeRows(t);
              for (Object[] v : values) {
                b.row(v);
              }
              return b;
            });

    for (int r = 0; r < values.length; r++) {
      RowImage img = rows.after(r);
      assertThat(Float.floatToRawIntBits((float) img.getDouble(0)))
          .isEqualTo(Float.floatToRawIntBits((Float) values[r][0]));
      assertThat(Double.doubleToRawLongBits(img.getDouble(1)))
          .isEqualTo(Double.doubleToRawLongBits((Double) values[r][1]));
      assertThat(img.getValue(0)).isEqualTo(values[r][0]);
      assertThat(img.getValue(1)).isEqualTo(values[r][1]);
    }
    assertThat(rows.after(4).getText(0)).isEqualTo("1.5");
  }

  @Test
  void shouldDecodeNegativeAndPositiveDecimalsOfEveryGroupLayout() {
    Column[] columns = {
      Column.decimal("d10_2", 10, 2),
      Column.decimal("d1_0", 1, 0),
      Column.decimal("d9_9", 9, 9),
      Column.decimal("d18_0", 18, 0),
      Column.decimal("d18_9", 18, 9),
      Column.decimal("d19_9", 19, 9),
      Column.decimal("d30_10", 30, 10),
      Column.decimal("d65_30", 65, 30),
      Column.decimal("d65_0", 65, 0),
      Column.decimal("d4_2", 4, 2)
    };
    Table t = table(columns);
    String[][] values = {
      {
        "-12345678.90",
        "-9",
        "-0.000000001",
        "-999999999999999999",
        "-123456789.123456789",
        "-1234567890.123456789",
        "-12345678901234567890.0123456789",
        "-" + "9".repeat(35) + "." + "9".repeat(30),
        "-" + "9".repeat(65),
        "-0.01"
      },
      {
        "12345678.90",
        "9",
        "0.999999999",
        "999999999999999999",
        "0.000000001",
        "9999999999.999999999",
        "1.0000000001",
        "1." + "0".repeat(29) + "1",
        "1" + "0".repeat(64),
        "99.99"
      },
      {"0.00", "0", "0.000000000", "0", "0E-9", "0E-9", "0E-10", "0E-30", "0", "-0.00"}
    };

    DecodedRows rows =
        mysql.decode(
            t,
            eb -> {
              RowsBuilder b = eb.writeRows(t);
              for (String[] row : values) {
                b.row(Arrays.stream(row).map(BigDecimal::new).toArray());
              }
              return b;
            });

    for (int r = 0; r < values.length; r++) {
      for (int c = 0; c < columns.length; c++) {
        BigDecimal expected = new BigDecimal(values[r][c]);
        BigDecimal got = rows.after(r).getDecimal(c);
        assertThat(got).as("row %d %s", r, columns[c]).isEqualByComparingTo(expected);
        assertThat(got.scale()).isEqualTo(columns[c].scale);
        assertThat(rows.after(r).getValue(c)).isEqualTo(got);
      }
    }
    assertThat(rows.after(0).getText(0)).isEqualTo("-12345678.90");
    assertThat(rows.after(0).getText(2)).isEqualTo("-0.000000001");
    assertThat(rows.after(1).getText(7)).isEqualTo("1." + "0".repeat(29) + "1");
    assertThat(rows.after(2).getText(2)).isEqualTo("0.000000000");
  }

  // temporal types -------------------------------------------------------------------------------

  private static String digits(int micros, int fsp) {
    return fsp == 0 ? "" : "." + String.format("%06d", micros).substring(0, fsp);
  }

  @Test
  void shouldDecodeDatetime2AtEveryFractionalPrecision() {
    Column[] columns = new Column[7];
    for (int fsp = 0; fsp <= 6; fsp++) {
      columns[fsp] = Column.datetime2("dt" + fsp, fsp);
    }
    Table t = table(columns);
    LocalDateTime value = LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000);
    LocalDateTime last = LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000);
    Object[] row = new Object[7];
    Arrays.fill(row, value);
    Object[] lastRow = new Object[7];
    Arrays.fill(lastRow, last);

    DecodedRows rows = mysql.decode(t, eb -> eb.writeRows(t).row(row).row(lastRow));

    for (int fsp = 0; fsp <= 6; fsp++) {
      int micros = EventBytes.Values.truncate(123_456, fsp);
      RowImage img = rows.after(0);
      assertThat(img.getValue(fsp)).isEqualTo(value.withNano(micros * 1000));
      assertThat(img.getDateTime(fsp)).contains(value.withNano(micros * 1000));
      assertThat(img.getText(fsp)).isEqualTo("2024-01-02 03:04:05" + digits(123_456, fsp));
      assertThat(rows.after(1).getText(fsp))
          .isEqualTo("9999-12-31 23:59:59" + digits(999_999, fsp));
    }
    assertThat(rows.after(0).table().scale(3)).isEqualTo(3);
  }

  @Test
  void shouldDecodeTimestamp2AtEveryFractionalPrecisionInUtc() {
    Column[] columns = new Column[7];
    for (int fsp = 0; fsp <= 6; fsp++) {
      columns[fsp] = Column.timestamp2("ts" + fsp, fsp);
    }
    Table t = table(columns);
    Instant value = Instant.parse("2024-01-02T03:04:05.123456Z");
    Object[] row = new Object[7];
    Arrays.fill(row, value);
    Object[] zero = new Object[7];
    Arrays.fill(zero, Instant.EPOCH);

    DecodedRows rows = mysql.decode(t, eb -> eb.writeRows(t).row(row).row(zero));

    for (int fsp = 0; fsp <= 6; fsp++) {
      int micros = EventBytes.Values.truncate(123_456, fsp);
      RowImage img = rows.after(0);
      assertThat(img.getLong(fsp)).isEqualTo(value.getEpochSecond() * 1_000_000L + micros);
      assertThat(img.getValue(fsp))
          .isEqualTo(Instant.ofEpochSecond(value.getEpochSecond(), micros * 1000L));
      assertThat(img.getTimestamp(fsp))
          .isEqualTo(Instant.ofEpochSecond(value.getEpochSecond(), micros * 1000L));
      assertThat(img.getText(fsp)).isEqualTo("2024-01-02 03:04:05" + digits(123_456, fsp));
      RowImage z = rows.after(1);
      assertThat(z.getLong(fsp)).isZero();
      assertThat(z.getValue(fsp)).isEqualTo(Instant.EPOCH);
      assertThat(z.getText(fsp)).isEqualTo("0000-00-00 00:00:00" + digits(0, fsp));
    }
  }

  /** Expected text of a TIME value, written from the duration's fields. */
  private static String timeText(long micros, int fsp) {
    String sign = micros < 0 ? "-" : "";
    long abs = Math.abs(micros);
    long s = abs / 1_000_000;
    return String.format("%s%02d:%02d:%02d", sign, s / 3600, s / 60 % 60, s % 60)
        + digits((int) (abs % 1_000_000), fsp);
  }

  @Test
  void shouldDecodeTime2AtEveryFractionalPrecisionIncludingNegativeFractions() {
    Column[] columns = new Column[7];
    for (int fsp = 0; fsp <= 6; fsp++) {
      columns[fsp] = Column.time2("t" + fsp, fsp);
    }
    Table t = table(columns);
    Duration[] values = {
      Duration.ofHours(838).plusMinutes(59).plusSeconds(59),
      Duration.ofHours(838).plusMinutes(59).plusSeconds(59).negated(),
      Duration.parse("-PT12H0M1.254321S"),
      Duration.parse("-PT0.512345S"),
      Duration.parse("-PT0.000001S"),
      Duration.parse("PT0.999999S"),
      Duration.parse("-PT1.5S"),
      Duration.parse("PT23H59M59.000001S"),
      Duration.ZERO
    };

    DecodedRows rows =
        mysql.decode(
            t,
            eb -> {
              RowsBuilder b = eb.writeRows(t);
              for (Duration d : values) {
                Object[] row = new Object[7];
                Arrays.fill(row, d);
                b.row(row);
              }
              return b;
            });

    for (int r = 0; r < values.length; r++) {
      long written = values[r].toNanos() / 1000;
      for (int fsp = 0; fsp <= 6; fsp++) {
        long abs = Math.abs(written);
        long unit = (long) Math.pow(10, 6 - fsp);
        long expected = Long.signum(written) * (abs / unit * unit);
        RowImage img = rows.after(r);
        assertThat(img.getLong(fsp)).as("%s at fsp %d", values[r], fsp).isEqualTo(expected);
        assertThat(img.getTime(fsp)).isEqualTo(Duration.ofNanos(expected * 1000));
        assertThat(img.getValue(fsp)).isEqualTo(Duration.ofNanos(expected * 1000));
        assertThat(img.getText(fsp)).isEqualTo(timeText(expected, fsp));
      }
    }
    assertThat(rows.after(1).getText(0)).isEqualTo("-838:59:59");
    assertThat(rows.after(2).getText(2)).isEqualTo("-12:00:01.25");
    assertThat(rows.after(3).getText(1)).isEqualTo("-00:00:00.5");
  }

  @Test
  void shouldDecodeZeroAndPartlyZeroDatesAsTextAndEmptyDates() {
    Table t =
        table(
            Column.date("d"),
            Column.datetime2("dt", 3),
            Column.datetime("old"),
            Column.timestamp2("ts", 2));
    Object[] zero = {DateTimeParts.ZERO, DateTimeParts.ZERO, DateTimeParts.ZERO, Instant.EPOCH};
    Object[] partly = {
      DateTimeParts.date(2024, 0, 15),
      new DateTimeParts(2024, 2, 0, 10, 11, 12, 5000),
      new DateTimeParts(0, 1, 1, 0, 0, 0, 0),
      Instant.EPOCH
    };
    Object[] impossible = {
      DateTimeParts.date(2023, 2, 30),
      new DateTimeParts(2023, 4, 31, 0, 0, 0, 0),
      new DateTimeParts(2023, 6, 31, 1, 2, 3, 0),
      Instant.EPOCH
    };

    DecodedRows rows = mysql.decode(t, eb -> eb.writeRows(t).row(zero).row(partly).row(impossible));

    RowImage z = rows.after(0);
    assertThat(z.getDateTime(0)).isEmpty();
    assertThat(z.getDate(0)).isEmpty();
    assertThat(z.getValue(0)).isEqualTo("0000-00-00");
    assertThat(z.getText(1)).isEqualTo("0000-00-00 00:00:00.000");
    assertThat(z.getValue(1)).isEqualTo("0000-00-00 00:00:00.000");
    assertThat(z.getValue(2)).isEqualTo("0000-00-00 00:00:00");
    assertThat(z.getText(3)).isEqualTo("0000-00-00 00:00:00.00");
    RowImage p = rows.after(1);
    assertThat(p.getDateTime(0)).isEmpty();
    assertThat(p.getText(0)).isEqualTo("2024-00-15");
    assertThat(p.getValue(1)).isEqualTo("2024-02-00 10:11:12.005");
    assertThat(p.getText(2)).isEqualTo("0000-01-01 00:00:00");
    RowImage i = rows.after(2);
    assertThat(i.getDateTime(0)).isEmpty();
    assertThat(i.getValue(0)).isEqualTo("2023-02-30");
    assertThat(i.getDateTime(1)).isEmpty();
    assertThat(i.getText(2)).isEqualTo("2023-06-31 01:02:03");
  }

  @Test
  void shouldDecodeYearsDatesAndTheOldTemporalLayouts() {
    Table t =
        table(
            Column.year("y"),
            Column.date("d"),
            Column.time("t"),
            Column.datetime("dt"),
            Column.timestamp("ts"));
    Object[] r0 = {
      0,
      LocalDate.of(1000, 1, 1),
      Duration.parse("PT12H34M56S"),
      LocalDateTime.of(2024, 1, 2, 3, 4, 5),
      Instant.ofEpochSecond(1_700_000_000L)
    };
    Object[] r1 = {
      1901,
      LocalDate.of(9999, 12, 31),
      Duration.parse("-PT838H59M59S"),
      LocalDateTime.of(9999, 12, 31, 23, 59, 59),
      Instant.ofEpochSecond(0)
    };
    Object[] r2 = {
      2155,
      LocalDate.of(2024, 2, 29),
      Duration.ZERO,
      LocalDateTime.of(1970, 1, 1, 0, 0, 0),
      Instant.ofEpochSecond(4294967295L)
    };

    DecodedRows rows = mysql.decode(t, eb -> eb.writeRows(t).row(r0).row(r1).row(r2));

    RowImage a = rows.after(0);
    RowImage b = rows.after(1);
    RowImage c = rows.after(2);
    assertThat(a.getLong(0)).isZero();
    assertThat(a.getValue(0)).isEqualTo(0);
    assertThat(a.getText(0)).isEqualTo("0000");
    assertThat(b.getValue(0)).isEqualTo(1901);
    assertThat(c.getText(0)).isEqualTo("2155");
    assertThat(a.getValue(1)).isEqualTo(LocalDate.of(1000, 1, 1));
    assertThat(b.getDate(1)).contains(LocalDate.of(9999, 12, 31));
    assertThat(c.getText(1)).isEqualTo("2024-02-29");
    assertThat(a.getTime(2)).isEqualTo(Duration.parse("PT12H34M56S"));
    assertThat(b.getLong(2)).isEqualTo(-(838L * 3600 + 59 * 60 + 59) * 1_000_000L);
    assertThat(b.getText(2)).isEqualTo("-838:59:59");
    assertThat(c.getText(2)).isEqualTo("00:00:00");
    assertThat(a.getValue(3)).isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4, 5));
    assertThat(b.getText(3)).isEqualTo("9999-12-31 23:59:59");
    assertThat(a.getLong(4)).isEqualTo(1_700_000_000L * 1_000_000L);
    assertThat(a.getText(4)).isEqualTo("2023-11-14 22:13:20");
    assertThat(c.getValue(4)).isEqualTo(Instant.ofEpochSecond(4294967295L));
  }

  // BIT, ENUM, SET -------------------------------------------------------------------------------

  @Test
  void shouldDecodeBitsBigEndianInTheirWholeBytes() {
    Table t = table(Column.bit("b1", 1), Column.bit("b10", 10), Column.bit("b64", 64));

    DecodedRows rows =
        mysql.decode(
            t,
            eb ->
                eb.writeRows(t)
                    .row(1L, 0x3FFL, 0x0123_4567_89AB_CDEFL)
                    .row(0L, 0x201L, Long.MIN_VALUE));

    assertThat(rows.after(0).getLong(0)).isEqualTo(1);
    assertThat(rows.after(0).getLong(1)).isEqualTo(0x3FF);
    assertThat(rows.after(0).getLong(2)).isEqualTo(0x0123_4567_89AB_CDEFL);
    assertThat(rows.after(0).getValue(1)).isEqualTo(0x3FFL);
    assertThat(rows.after(1).getText(1)).isEqualTo("513");
    assertThat(rows.after(1).getLong(2)).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void shouldPrintABit64WithTheTopBitSetAsItsUnsignedNumber() {
    Table t = table(Column.bit("b64", 64));

    DecodedRows rows = mysql.decode(t, eb -> eb.writeRows(t).row(-1L));

    assertThat(rows.after(0).getText(0)).isEqualTo("18446744073709551615");
  }

  @Test
  void shouldDecodeEnumsAsLabelsWhenTheTableMapCarriesThem() {
    String[] many = new String[300];
    for (int i = 0; i < many.length; i++) {
      many[i] = "l" + i;
    }
    Table t =
        table(
            Column.enumCol("state", "new", "paid", "sent"),
            Column.enumCol("wide", many),
            Column.set("tags", "a", "b", "c", "d"),
            Column.set(
                "big",
                java.util.stream.IntStream.range(0, 64)
                    .mapToObj(i -> "s" + i)
                    .toArray(String[]::new)));

    DecodedRows rows =
        mysql.decode(
            t,
            eb ->
                eb.writeRows(t)
                    .row(1, 300, 0b1011L, 1L << 63)
                    .row(0, 1, 0L, 0b101L)
                    .row(3, 256, 0b10000L, -1L));

    RowImage a = rows.after(0);
    assertThat(a.getLong(0)).isEqualTo(1);
    assertThat(a.getValue(0)).isEqualTo("new");
    assertThat(a.getText(1)).isEqualTo("l299");
    assertThat(a.getLong(2)).isEqualTo(0b1011);
    assertThat(a.getValue(2)).isEqualTo("a,b,d");
    assertThat(a.getText(3)).isEqualTo("s63");
    RowImage b = rows.after(1);
    assertThat(b.getValue(0)).as("the empty error value").isEqualTo("");
    assertThat(b.getText(2)).isEmpty();
    assertThat(b.getText(3)).isEqualTo("s0,s2");
    RowImage c = rows.after(2);
    assertThat(c.getText(0)).isEqualTo("sent");
    assertThat(c.getText(2)).as("a bit beyond the labels").isEqualTo("?5");
    assertThat(c.getText(3).split(",")).hasSize(64);
  }

  @Test
  void shouldDecodeEnumsAndSetsAsNumbersWithoutLabels() {
    Table t =
        EventBytes.table(1, "s", "t")
            .columns(Column.enumCol("e", "x", "y"), Column.set("s", "p", "q"))
            .minimalMetadata()
            .build();

    DecodedRows rows = mysql.decode(t, eb -> eb.writeRows(t).row(2, 3L));

    assertThat(rows.after(0).getValue(0)).isEqualTo(2);
    assertThat(rows.after(0).getText(0)).isEqualTo("2");
    assertThat(rows.after(0).getValue(1)).isEqualTo(3L);
    assertThat(rows.after(0).getText(1)).isEqualTo("3");
  }

  // strings and bytes ----------------------------------------------------------------------------

  @Test
  void shouldDecodeStringsWithOneAndTwoByteLengths() {
    Table t =
        table(
            Column.varchar("v255", 255, UTF8MB4),
            Column.varchar("v256", 256, UTF8MB4),
            Column.charCol("c400", 400, UTF8MB4),
            Column.charCol("c10", 10, LATIN1),
            Column.varchar("v65535", 65535, BINARY));
    String fourByte = "😀".repeat(63); // 252 bytes
    String long256 = "x".repeat(256);
    String char300 = "é".repeat(150); // 300 bytes
    byte[] big = new byte[65535];
    Arrays.fill(big, (byte) 0xAB);

    DecodedRows rows =
        mysql.decode(
            t,
            eb ->
                eb.writeRows(t)
                    .row(fourByte, long256, char300, "Grüß", big)
                    .row("", "", "", "", new byte[0]));

    RowImage a = rows.after(0);
    assertThat(a.getString(0)).isEqualTo(fourByte);
    assertThat(a.getString(1)).isEqualTo(long256);
    assertThat(a.getString(2)).isEqualTo(char300);
    assertThat(a.getString(3)).isEqualTo("Grüß");
    assertThat(a.getBytes(4)).isEqualTo(big);
    assertThat(a.table().columnType(4)).isEqualTo(ColumnType.VARBINARY);
    RowImage e = rows.after(1);
    assertThat(e.getString(0)).isEmpty();
    assertThat(e.getString(2)).isEmpty();
    assertThat(e.getBytes(4)).isEmpty();
  }

  @Test
  void shouldDecodeBlobsAndTextsWithEveryLengthPrefix() {
    Table t =
        table(
            Column.blob("tiny", 1, BINARY),
            Column.blob("blob", 2, BINARY),
            Column.blob("medium", 3, BINARY),
            Column.blob("long", 4, BINARY),
            Column.text("tinytext", 1, UTF8MB4),
            Column.text("text", 2, LATIN1),
            Column.text("mediumtext", 3, UTF8MB4),
            Column.text("longtext", 4, UTF8MB4));
    byte[] b255 = filled(255);
    byte[] b65535 = filled(65535);
    byte[] b70000 = filled(70000);
    byte[] b3 = {0, (byte) 0xff, 7};
    String text = "Grüße 😀𝄞 ";

    DecodedRows rows =
        mysql.decode(
            t,
            eb ->
                eb.writeRows(t)
                    .row(b255, b65535, b70000, b3, text, "façade", text.repeat(5000), text));

    RowImage a = rows.after(0);
    assertThat(a.getBytes(0)).isEqualTo(b255);
    assertThat(a.getBytes(1)).isEqualTo(b65535);
    assertThat(a.getBytes(2)).isEqualTo(b70000);
    assertThat(a.getBytes(3)).isEqualTo(b3);
    assertThat(a.getText(3)).isEqualTo("00ff07");
    assertThat(a.getValue(3)).isEqualTo(b3);
    assertThat(a.getString(4)).isEqualTo(text);
    assertThat(a.getString(5)).isEqualTo("façade");
    assertThat(a.getString(6)).isEqualTo(text.repeat(5000));
    assertThat(a.getValue(7)).isEqualTo(text);
    assertThat(a.table().columnType(0)).isEqualTo(ColumnType.BLOB);
    assertThat(a.table().columnType(5)).isEqualTo(ColumnType.TEXT);
  }

  private static byte[] filled(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31);
    }
    return b;
  }

  @Test
  void shouldHandOutBytesForBinaryCharsetsAndTextForOthers() {
    Table t =
        table(
            Column.charCol("bin", 4, BINARY),
            Column.charCol("latin", 4, LATIN1),
            Column.varchar("vb", 8, BINARY),
            Column.varchar("vu", 8, UTF8MB4),
            Column.geometry("shape"));
    byte[] point = HexFormat.of().parseHex("000000000101000000000000000000f03f000000000000f03f");
    byte[] notUtf8 = {(byte) 0xC3, 0x28};

    DecodedRows rows =
        mysql.decode(
            t, eb -> eb.writeRows(t).row(notUtf8, new byte[] {(byte) 0xE9}, notUtf8, "ok", point));

    RowImage a = rows.after(0);
    assertThat(a.table().columnType(0)).isEqualTo(ColumnType.BINARY);
    assertThat(a.getBytes(0))
        .as("BINARY(4) as SELECT returns it: the zero bytes the server stripped are put back")
        .isEqualTo(new byte[] {(byte) 0xC3, 0x28, 0, 0});
    assertThat(a.table().columnType(1)).isEqualTo(ColumnType.CHAR);
    assertThat(a.getString(1)).isEqualTo("é");
    assertThat(a.table().columnType(2)).isEqualTo(ColumnType.VARBINARY);
    assertThat(a.getText(2)).isEqualTo("c328");
    assertThat(a.table().columnType(3)).isEqualTo(ColumnType.VARCHAR);
    assertThat(a.table().columnType(4)).isEqualTo(ColumnType.GEOMETRY);
    assertThat(a.getBytes(4)).isEqualTo(point);
    assertThatThrownBy(() -> a.getString(0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> a.getBytes(1)).isInstanceOf(IllegalStateException.class);
  }

  // NULLs and partial images ---------------------------------------------------------------------

  @Test
  void shouldFindNullsAcrossSeveralNullBitmapBytes() {
    Column[] cs = new Column[11];
    for (int i = 0; i < cs.length; i++) {
      cs[i] = i % 2 == 0 ? Column.intCol("i" + i) : Column.varchar("v" + i, 20, UTF8MB4);
    }
    Table t = table(cs);
    Object[] some = {null, "a", 2, "b", 4, "c", 6, null, null, "d", null};
    Object[] all = new Object[11];

    DecodedRows rows = mysql.decode(t, eb -> eb.writeRows(t).row(some).row(all));

    RowImage a = rows.after(0);
    for (int c = 0; c < 11; c++) {
      assertThat(a.isPresent(c)).isTrue();
      assertThat(a.isNull(c)).as("column %d", c).isEqualTo(some[c] == null);
    }
    assertThat(a.getLong(6)).isEqualTo(6);
    assertThat(a.getString(9)).isEqualTo("d");
    for (int c = 0; c < 11; c++) {
      assertThat(rows.after(1).isNull(c)).isTrue();
    }
    assertThatThrownBy(() -> a.getLong(0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("NULL");
    assertThatThrownBy(() -> a.getValue(7)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> a.getText(8)).isInstanceOf(IllegalStateException.class);
  }

  private static Table orders() {
    return table(
        Column.bigInt("id").notNull(),
        Column.varchar("name", 80, UTF8MB4),
        Column.intCol("qty"),
        Column.blob("doc", 2, BINARY));
  }

  @Test
  void shouldLeaveColumnsOutOfAMinimalDeleteImage() {
    Table t = orders();

    DecodedRows rows =
        mysql.decode(
            t, eb -> eb.deleteRows(t).columns(0).row(7L, null, null, null).row(8L, "x", 1, null));

    assertThat(rows.operation()).isEqualTo(Operation.DELETE);
    assertThat(rows.rowCount()).isEqualTo(2);
    assertThat(rows.after(0)).isNull();
    RowImage b = rows.before(1);
    assertThat(b.getLong(0)).isEqualTo(8);
    assertThat(b.isPresent(1)).isFalse();
    assertThat(b.isNull(1)).isFalse();
    assertThat(b.isPresent(3)).isFalse();
    assertThatThrownBy(() -> b.getString(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not in the image");
  }

  @Test
  void shouldLeaveTheBlobOutOfANoblobInsert() {
    Table t = orders();

    DecodedRows rows =
        mysql.decode(t, eb -> eb.writeRows(t).columns(0, 1, 2).row(1L, "n", 3, "ignored"));

    RowImage a = rows.after(0);
    assertThat(a.isPresent(2)).isTrue();
    assertThat(a.getLong(2)).isEqualTo(3);
    assertThat(a.isPresent(3)).isFalse();
    assertThat(rows.before(0)).isNull();
  }

  @Test
  void shouldDecodeUpdatesWithDifferentBeforeAndAfterColumns() {
    Table t = orders();
    Object[] before1 = {1L, "old", 5, null};
    Object[] after1 = {1L, null, 6, new byte[] {1, 2}};
    Object[] before2 = {2L, "two", null, null};
    Object[] after2 = {2L, null, 0, new byte[0]};

    DecodedRows rows =
        mysql.decode(
            t,
            eb ->
                eb.updateRows(t)
                    .columns(0, 1, 2)
                    .columnsAfter(0, 2, 3)
                    .update(before1, after1)
                    .update(before2, after2));

    assertThat(rows.operation()).isEqualTo(Operation.UPDATE);
    assertThat(rows.rowCount()).isEqualTo(2);
    RowImage b = rows.before(0);
    RowImage a = rows.after(0);
    assertThat(b.getString(1)).isEqualTo("old");
    assertThat(b.getLong(2)).isEqualTo(5);
    assertThat(b.isPresent(3)).isFalse();
    assertThat(a.isPresent(1)).isFalse();
    assertThat(a.getLong(2)).isEqualTo(6);
    assertThat(a.getBytes(3)).containsExactly(1, 2);
    assertThat(rows.before(1).isNull(2)).isTrue();
    assertThat(rows.after(1).getBytes(3)).isEmpty();
    assertThat(rows.after(1).getLong(0)).isEqualTo(2);
  }

  // v1, v2, flavours -----------------------------------------------------------------------------

  @Test
  void shouldDecodeTheSameRowsFromVersionOneAndVersionTwoEvents() {
    Table t = orders();
    Object[] r1 = {1L, "a", 1, new byte[] {1}};
    Object[] r2 = {2L, null, 2, null};
    for (Stream s : new Stream[] {mysql, maria}) {
      DecodedRows[] decoded = {
        s.decode(t, eb -> eb.writeRows(t).version(1).row(r1).row(r2)),
        s.decode(t, eb -> eb.writeRows(t).version(2).row(r1).row(r2)),
        s.decode(
            t, eb -> eb.writeRows(t).version(2).extraInfo(new byte[] {1, 5, 0}).row(r1).row(r2)),
        s.decode(t, eb -> eb.updateRows(t).version(1).update(r1, r2)),
        s.decode(
            t,
            eb -> eb.updateRows(t).version(2).extraInfo(new byte[] {1, 5, 0, 6, 0}).update(r1, r2)),
        s.decode(t, eb -> eb.deleteRows(t).version(1).row(r2)),
        s.decode(t, eb -> eb.deleteRows(t).version(2).row(r2))
      };
      for (int i = 0; i < 3; i++) {
        assertThat(decoded[i].after(0).getString(1)).isEqualTo("a");
        assertThat(decoded[i].after(1).isNull(1)).isTrue();
      }
      for (int i = 3; i < 5; i++) {
        assertThat(decoded[i].before(0).getBytes(3)).containsExactly(1);
        assertThat(decoded[i].after(0).getLong(2)).isEqualTo(2);
      }
      assertThat(decoded[5].before(0).getLong(0)).isEqualTo(2);
      assertThat(decoded[6].before(0).getLong(0)).isEqualTo(2);
    }
  }

  @Test
  void shouldReadTableIdAndFlagsFromThePostHeader() {
    Table t = orders();
    byte[] v1 =
        mysql
            .eb
            .writeRows(t.withId(0xFFFF_FFFF_FFFFL))
            .version(1)
            .flags(0)
            .row(1L, "a", 1, null)
            .build();
    byte[] v2 = mysql.eb.deleteRows(t.withId(77)).row(1L, "a", 1, null).build();

    assertThat(RowsDecoder.tableId(v1, mysql.format, EventType.WRITE_ROWS_V1))
        .isEqualTo(0xFFFF_FFFF_FFFFL);
    assertThat(RowsDecoder.flags(v1, mysql.format, EventType.WRITE_ROWS_V1)).isZero();
    assertThat(RowsDecoder.tableId(v2, mysql.format, EventType.DELETE_ROWS_V2)).isEqualTo(77);
    assertThat(RowsDecoder.flags(v2, mysql.format, EventType.DELETE_ROWS_V2))
        .isEqualTo(RowsDecoder.STMT_END_FLAG);
  }

  @Test
  void shouldDecodeMariaDbRowsOfEveryCommonType() {
    Table t =
        table(
            Column.intCol("id").asUnsigned(),
            Column.decimal("price", 10, 2),
            Column.datetime2("at", 6),
            Column.time2("t", 3),
            Column.varchar("name", 200, EventBytes.UTF8MB4_GENERAL),
            Column.text("note", 4, LATIN1),
            Column.enumCol("state", "on", "off"),
            Column.year("y"));
    Object[] row = {
      4294967295L,
      new BigDecimal("-99999999.99"),
      LocalDateTime.of(2021, 7, 1, 12, 0, 0, 1_000_000),
      Duration.parse("-PT1.001S"),
      "Tschüß 😀",
      "naïve",
      2,
      2024
    };

    DecodedRows rows = maria.decode(t, eb -> eb.writeRows(t).row(row));

    RowImage a = rows.after(0);
    assertThat(EventHeader.read(maria.eb.writeRows(t).row(row).build()).type())
        .isEqualTo(EventType.WRITE_ROWS_V1);
    assertThat(a.getLong(0)).isEqualTo(4294967295L);
    assertThat(a.getText(1)).isEqualTo("-99999999.99");
    assertThat(a.getText(2)).isEqualTo("2021-07-01 12:00:00.001000");
    assertThat(a.getText(3)).isEqualTo("-00:00:01.001");
    assertThat(a.getString(4)).isEqualTo("Tschüß 😀");
    assertThat(a.getString(5)).isEqualTo("naïve");
    assertThat(a.getValue(6)).isEqualTo("off");
    assertThat(a.getValue(7)).isEqualTo(2024);
  }

  // the accessor contract ------------------------------------------------------------------------

  @Test
  void shouldHandOutTheJavaClassesThatColumnTypeDocuments() {
    Table t =
        table(
            Column.tinyInt("tiny"),
            Column.bigInt("big"),
            Column.bigInt("ubig").asUnsigned(),
            Column.floatCol("f"),
            Column.doubleCol("d"),
            Column.decimal("dec", 30, 4),
            Column.year("y"),
            Column.date("date"),
            Column.datetime2("dt", 0),
            Column.timestamp2("ts", 0),
            Column.time2("time", 0),
            Column.bit("bits", 3),
            Column.enumCol("e", "x"),
            Column.set("s", "p"),
            Column.charCol("c", 4, UTF8MB4),
            Column.text("txt", 2, UTF8MB4),
            Column.binary("bin", 2),
            Column.blob("blob", 2, BINARY),
            Column.geometry("g"));
    Object[] row = {
      1,
      2L,
      3L,
      1f,
      2d,
      BigDecimal.ONE,
      2000,
      LocalDate.of(2000, 1, 1),
      LocalDateTime.of(2000, 1, 1, 0, 0),
      Instant.ofEpochSecond(1),
      Duration.ofSeconds(1),
      5L,
      1,
      1L,
      "c",
      "t",
      new byte[] {1, 2},
      new byte[] {3},
      new byte[] {4}
    };
    Class<?>[] classes = {
      Long.class,
      Long.class,
      BigInteger.class,
      Float.class,
      Double.class,
      BigDecimal.class,
      Integer.class,
      LocalDate.class,
      LocalDateTime.class,
      Instant.class,
      Duration.class,
      Long.class,
      String.class,
      String.class,
      String.class,
      String.class,
      byte[].class,
      byte[].class,
      byte[].class
    };
    ColumnType[] types = {
      ColumnType.TINYINT,
      ColumnType.BIGINT,
      ColumnType.BIGINT,
      ColumnType.FLOAT,
      ColumnType.DOUBLE,
      ColumnType.DECIMAL,
      ColumnType.YEAR,
      ColumnType.DATE,
      ColumnType.DATETIME,
      ColumnType.TIMESTAMP,
      ColumnType.TIME,
      ColumnType.BIT,
      ColumnType.ENUM,
      ColumnType.SET,
      ColumnType.CHAR,
      ColumnType.TEXT,
      ColumnType.BINARY,
      ColumnType.BLOB,
      ColumnType.GEOMETRY
    };

    RowImage a = mysql.decode(t, eb -> eb.writeRows(t).row(row)).after(0);

    for (int c = 0; c < row.length; c++) {
      assertThat(a.table().columnType(c)).as("type of %s", t.column(c)).isEqualTo(types[c]);
      assertThat(a.getValue(c)).as("value of %s", t.column(c)).isInstanceOf(classes[c]);
      ColumnType type = types[c];
      boolean readsLong =
          type.isInteger()
              || switch (type) {
                case YEAR, DATE, DATETIME, TIMESTAMP, TIME, BIT, ENUM, SET -> true;
                default -> false;
              };
      int column = c;
      if (readsLong) {
        a.getLong(c);
      } else {
        assertThatThrownBy(() -> a.getLong(column))
            .as("getLong of %s", type)
            .isInstanceOf(IllegalStateException.class);
      }
      if (type.isText()) {
        assertThat(a.getString(c)).isEqualTo(a.getValue(c));
      } else {
        assertThatThrownBy(() -> a.getString(column)).isInstanceOf(IllegalStateException.class);
      }
      if (type.isBytes()) {
        assertThat(a.getBytes(c)).isEqualTo(a.getValue(c));
      } else {
        assertThatThrownBy(() -> a.getBytes(column)).isInstanceOf(IllegalStateException.class);
      }
      if (type != ColumnType.FLOAT && type != ColumnType.DOUBLE) {
        assertThatThrownBy(() -> a.getDouble(column)).isInstanceOf(IllegalStateException.class);
      }
      if (type != ColumnType.DECIMAL) {
        assertThatThrownBy(() -> a.getDecimal(column)).isInstanceOf(IllegalStateException.class);
      }
      if (type != ColumnType.DATE && type != ColumnType.DATETIME) {
        assertThatThrownBy(() -> a.getDateTime(column)).isInstanceOf(IllegalStateException.class);
      }
      if (type != ColumnType.TIMESTAMP) {
        assertThatThrownBy(() -> a.getTimestamp(column)).isInstanceOf(IllegalStateException.class);
      }
      if (type != ColumnType.TIME) {
        assertThatThrownBy(() -> a.getTime(column)).isInstanceOf(IllegalStateException.class);
      }
    }
    assertThatThrownBy(() -> a.isPresent(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> a.getValue(row.length)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(a.columnCount()).isEqualTo(row.length);
  }

  @Test
  void shouldPrintAnImageWithNamesNullsAndAbsentColumns() {
    Table t = orders();

    DecodedRows rows =
        mysql.decode(t, eb -> eb.writeRows(t).columns(0, 1, 2).row(9L, null, 4, null));

    assertThat(rows.after(0).toString()).isEqualTo("shop.t{id=9, name=NULL, qty=4, doc=-}");
  }

  // corrupt rows events --------------------------------------------------------------------------

  private DecodedRows decodeRaw(Table t, byte[] event) {
    return mysql.decodeOnly(mysql.eb.tableMap(t), event);
  }

  @Test
  void shouldRejectAColumnCountOtherThanTheTableMaps() {
    Table t = orders();
    byte[] e = mysql.eb.writeRows(t).columnCount(5).rawRows(new byte[] {0, 0}).build();

    assertThatThrownBy(() -> decodeRaw(t, e))
        .isInstanceOf(MalformedValueException.class)
        .hasMessageContaining("5 columns");
  }

  @Test
  void shouldRejectAValueCutByTheEndOfTheEvent() {
    Table t = table(Column.varchar("v", 100, UTF8MB4));
    byte[] full = EventBytes.mySql().checksum(false).writeRows(t).row("hello").build();
    FormatDescription off =
        FormatDescription.parse(EventBytes.mySql().checksum(false).formatDescription());
    TableDecoder d =
        TableDecoder.create(
            TableMap.parse(EventBytes.mySql().checksum(false).tableMap(t), off), Optional.empty());

    for (int cut = 1; cut <= 5; cut++) {
      int end = full.length - cut;
      assertThatThrownBy(() -> RowsDecoder.decode(full, end, off, EventType.WRITE_ROWS_V2, d))
          .isInstanceOf(MalformedValueException.class);
    }
  }

  @Test
  void shouldRejectTrailingBytesThatAreNotARow() {
    Table t = table(Column.intCol("a").notNull());
    byte[] e = mysql.eb.writeRows(t).row(1).rawRows(new byte[] {0, 1}).build();

    assertThatThrownBy(() -> decodeRaw(t, e)).isInstanceOf(MalformedValueException.class);
  }

  @Test
  void shouldRejectAnImageWithoutColumns() {
    Table t = table(Column.intCol("a"));
    byte[] e = mysql.eb.writeRows(t).columns().rawRows(new byte[] {0}).build();

    assertThatThrownBy(() -> decodeRaw(t, e))
        .isInstanceOf(MalformedValueException.class)
        .hasMessageContaining("no columns");
  }

  @Test
  void shouldRejectAnExtraDataLengthThatDoesNotCountItself() {
    Table t = table(Column.intCol("a"));
    byte[] e = mysql.eb.writeRows(t).row(1).build();
    e[EventHeader.SIZE + 8] = 1;
    EventBytes.putCrc(e);

    assertThatThrownBy(() -> decodeRaw(t, e))
        .isInstanceOf(MalformedValueException.class)
        .hasMessageContaining("extra data length 1");
  }

  @Test
  void shouldRefuseEventsThatCarryNoDecodableRows() {
    Table t = table(Column.intCol("a"));
    byte[] e = mysql.eb.writeRows(t).row(1).build();
    TableDecoder d =
        TableDecoder.create(TableMap.parse(mysql.eb.tableMap(t), mysql.format), Optional.empty());

    for (int type :
        new int[] {EventType.QUERY, EventType.PARTIAL_UPDATE_ROWS, EventType.TABLE_MAP}) {
      assertThatThrownBy(() -> RowsDecoder.decode(e, e.length - 4, mysql.format, type, d))
          .isInstanceOf(MalformedValueException.class);
    }
  }

  @Test
  void shouldDecodeALatin1TextWithTheCp1252Mapping() {
    Table t = table(Column.text("t", 1, LATIN1));
    byte[] euro = {(byte) 0x80, (byte) 0xE9};

    DecodedRows rows = mysql.decode(t, eb -> eb.writeRows(t).row(euro));

    Charset cp1252 = Charset.forName("windows-1252");
    assertThat(rows.after(0).getString(0)).isEqualTo(new String(euro, cp1252)).isEqualTo("€é");
    assertThat(rows.after(0).getString(0).getBytes(StandardCharsets.UTF_8)).hasSize(5);
  }

  @Test
  void shouldRejectDecimalDigitGroupsBeyondNineDigitsAsMalformed() {
    Table t = table(Column.decimal("d", 18, 1));
    // lead group (8 digits, 4 bytes), one full group, one fraction digit (1 byte): all 0xff
    byte[] ff = new byte[EventBytes.Values.decimalSize(18, 1)];
    Arrays.fill(ff, (byte) 0xff);
    byte[] e = mysql.eb.writeRows(t).row(EventBytes.raw(ff)).build();

    assertThatThrownBy(() -> decodeRaw(t, e)).isInstanceOf(MalformedValueException.class);
  }

  @Test
  void shouldRefuseToDecodeCompressedMariaDbRowsAsPlainRows() {
    Table t = table(Column.intCol("a"));
    byte[] plain = maria.eb.writeRows(t).row(1).build();
    byte[] compressedType = plain.clone();
    compressedType[4] = (byte) EventType.MARIADB_WRITE_ROWS_COMPRESSED_V1;
    TableDecoder d =
        TableDecoder.create(TableMap.parse(maria.eb.tableMap(t), maria.format), Optional.empty());

    assertThatThrownBy(() ->
            RowsDecoder.decode(
                compressedType,
                compressedType.length - 4,
                maria.format,
                EventType.MARIADB_WRITE_ROWS_COMPRESSED_V1,
                d))
        .isInstanceOf(MalformedValueException.class);
  }
}
