package dev.hamal.binlog.event;

import java.time.LocalDateTime;
import java.util.Optional;

/**
 * DATE and DATETIME values packed into one {@code long} so that decoding allocates nothing: year
 * (14 bits), month (4), day (5), hour (5), minute (6), second (6), microsecond (20), from the most
 * significant end. Zero and partly zero dates ({@code 0000-00-00}, {@code 2024-00-15}) are
 * representable, unlike in {@code java.time}.
 */
final class Temporals {
  private Temporals() {}

  static long pack(int year, int month, int day, int hour, int minute, int second, int micros) {
    return ((((((long) year << 4 | month) << 5 | day) << 5 | hour) << 6 | minute) << 6 | second)
            << 20
        | micros;
  }

  static int year(long p) {
    return (int) (p >>> 46);
  }

  static int month(long p) {
    return (int) (p >>> 42) & 0xf;
  }

  static int day(long p) {
    return (int) (p >>> 37) & 0x1f;
  }

  static int hour(long p) {
    return (int) (p >>> 32) & 0x1f;
  }

  static int minute(long p) {
    return (int) (p >>> 26) & 0x3f;
  }

  static int second(long p) {
    return (int) (p >>> 20) & 0x3f;
  }

  static int micros(long p) {
    return (int) p & 0xfffff;
  }

  static Optional<LocalDateTime> toDateTime(long p) {
    int month = month(p);
    int day = day(p);
    if (month < 1 || month > 12 || day < 1 || day > 28 && day > lengthOfMonth(year(p), month)) {
      return Optional.empty();
    }
    if (hour(p) > 23 || minute(p) > 59 || second(p) > 59 || micros(p) > 999_999) {
      return Optional.empty();
    }
    return Optional.of(
        LocalDateTime.of(year(p), month, day, hour(p), minute(p), second(p), micros(p) * 1000));
  }

  private static int lengthOfMonth(int year, int month) {
    return java.time.YearMonth.of(Math.max(year, 1), month).lengthOfMonth();
  }

  static void appendDate(StringBuilder out, long p) {
    pad(out, year(p), 4).append('-');
    pad(out, month(p), 2).append('-');
    pad(out, day(p), 2);
  }

  static void appendDateTime(StringBuilder out, long p, int fsp) {
    appendDate(out, p);
    out.append(' ');
    pad(out, hour(p), 2).append(':');
    pad(out, minute(p), 2).append(':');
    pad(out, second(p), 2);
    appendFraction(out, micros(p), fsp);
  }

  /**
   * TIME from signed microseconds: {@code [-]HH:MM:SS[.ffffff]}, hours as many digits as needed.
   */
  static void appendTime(StringBuilder out, long micros, int fsp) {
    if (micros < 0) {
      out.append('-');
      micros = -micros;
    }
    long seconds = micros / 1_000_000L;
    pad(out, seconds / 3600, 2).append(':');
    pad(out, seconds / 60 % 60, 2).append(':');
    pad(out, seconds % 60, 2);
    appendFraction(out, (int) (micros % 1_000_000L), fsp);
  }

  /** Appends {@code .} and the first {@code fsp} of the six microsecond digits. */
  static void appendFraction(StringBuilder out, int micros, int fsp) {
    if (fsp <= 0) {
      return;
    }
    out.append('.');
    int divisor = 100_000;
    for (int i = 0; i < fsp; i++) {
      out.append((char) ('0' + micros / divisor % 10));
      divisor /= 10;
    }
  }

  static StringBuilder pad(StringBuilder out, long value, int width) {
    String s = Long.toString(value);
    for (int i = s.length(); i < width; i++) {
      out.append('0');
    }
    return out.append(s);
  }
}
