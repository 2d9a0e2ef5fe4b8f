package dev.hamal.order;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;

/** Conversions of source values to unified text and times; stateless. */
final class Values {
  private Values() {}

  /**
   * {@code value} as text: strings as they are, integers and decimals in plain notation, {@code
   * byte[]} as UTF-8.
   *
   * @throws IllegalArgumentException for other types
   */
  static String text(Object value) {
    return switch (value) {
      case String s -> s;
      case Long l -> Long.toString(l);
      case Integer i -> Integer.toString(i);
      case Short s -> Short.toString(s);
      case Byte b -> Byte.toString(b);
      case BigInteger b -> b.toString();
      case BigDecimal d -> d.toPlainString();
      case byte[] bytes -> new String(bytes, StandardCharsets.UTF_8);
      default ->
          throw new IllegalArgumentException(
              "cannot be text: it is a " + value.getClass().getSimpleName());
    };
  }

  /**
   * {@code value} as an instant: a TIMESTAMP's {@link Instant} as it is, a DATETIME or DATE as a
   * local time in {@code zone} (a DATE at the start of its day).
   *
   * @throws IllegalArgumentException for other types
   */
  static Instant instant(Object value, ZoneId zone) {
    return switch (value) {
      case Instant i -> i;
      case LocalDateTime t -> t.atZone(zone).toInstant();
      case LocalDate d -> d.atStartOfDay(zone).toInstant();
      default ->
          throw new IllegalArgumentException(
              "cannot be a time: it is a "
                  + value.getClass().getSimpleName()
                  + " (DATETIME, TIMESTAMP or DATE expected)");
    };
  }

  /** A short rendering of a value for error messages. */
  static String describe(Object value) {
    if (value == null) {
      return "NULL";
    }
    String text =
        switch (value) {
          case String s -> "'" + s + "'";
          case byte[] bytes -> "0x" + java.util.HexFormat.of().formatHex(bytes);
          default -> value.toString();
        };
    return text.length() > 80 ? text.substring(0, 77) + "..." : text;
  }
}
