package dev.hamal.binlog.event;

import dev.hamal.binlog.DateTimes;
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
    return DateTimes.pack(year, month, day, hour, minute, second, micros);
  }

  static int year(long p) {
    return DateTimes.year(p);
  }

  static int month(long p) {
    return DateTimes.month(p);
  }

  static int day(long p) {
    return DateTimes.day(p);
  }

  static int hour(long p) {
    return DateTimes.hour(p);
  }

  static int minute(long p) {
    return DateTimes.minute(p);
  }

  static int second(long p) {
    return DateTimes.second(p);
  }

  static int micros(long p) {
    return DateTimes.micros(p);
  }

  static Optional<LocalDateTime> toDateTime(long p) {
    return DateTimes.toLocalDateTime(p);
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
