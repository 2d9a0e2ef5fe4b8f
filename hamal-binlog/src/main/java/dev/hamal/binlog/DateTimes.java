package dev.hamal.binlog;

import java.time.LocalDateTime;
import java.time.YearMonth;
import java.util.Optional;

/**
 * DATE and DATETIME values as {@link ValueVisitor#longValue} and {@link RowImage#getLong} hand them
 * out: one {@code long} holding year (14 bits), month (4), day (5), hour (5), minute (6), second
 * (6) and microsecond (20), from the most significant end. Packed values order like the dates they
 * hold, and zero or partly zero dates ({@code 0000-00-00}, {@code 2024-00-15}), which {@code
 * java.time} cannot represent, are kept as the server wrote them.
 */
public final class DateTimes {
  private DateTimes() {}

  public static long pack(
      int year, int month, int day, int hour, int minute, int second, int micros) {
    return ((((((long) year << 4 | month) << 5 | day) << 5 | hour) << 6 | minute) << 6 | second)
            << 20
        | micros;
  }

  public static int year(long packed) {
    return (int) (packed >>> 46);
  }

  public static int month(long packed) {
    return (int) (packed >>> 42) & 0xf;
  }

  public static int day(long packed) {
    return (int) (packed >>> 37) & 0x1f;
  }

  public static int hour(long packed) {
    return (int) (packed >>> 32) & 0x1f;
  }

  public static int minute(long packed) {
    return (int) (packed >>> 26) & 0x3f;
  }

  public static int second(long packed) {
    return (int) (packed >>> 20) & 0x3f;
  }

  public static int micros(long packed) {
    return (int) packed & 0xfffff;
  }

  /** The value as a {@code LocalDateTime}; empty for zero, partly zero and impossible dates. */
  public static Optional<LocalDateTime> toLocalDateTime(long packed) {
    int month = month(packed);
    int day = day(packed);
    int year = year(packed);
    if (month < 1
        || month > 12
        || day < 1
        || (day > 28 && day > YearMonth.of(Math.max(year, 1), month).lengthOfMonth())) {
      return Optional.empty();
    }
    if (hour(packed) > 23
        || minute(packed) > 59
        || second(packed) > 59
        || micros(packed) > 999_999) {
      return Optional.empty();
    }
    return Optional.of(
        LocalDateTime.of(
            year, month, day, hour(packed), minute(packed), second(packed), micros(packed) * 1000));
  }
}
