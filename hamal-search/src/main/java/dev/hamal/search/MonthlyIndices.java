package dev.hamal.search;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Names the concrete index of an order: {@code PREFIX-yyyy.MM} of its creation time in UTC, e.g.
 * {@code hamal-orders-2025.06}. An order's creation time never changes, so every write of an order
 * goes to the same index, where external versioning compares it with what the index holds.
 */
final class MonthlyIndices {

  private final String prefix;

  MonthlyIndices(String prefix) {
    this.prefix = prefix;
  }

  /** The alias every monthly index belongs to; reads go to it. */
  String alias() {
    return prefix;
  }

  /** The pattern of the monthly indices, for the index template. */
  String pattern() {
    return prefix + "-*";
  }

  /** The index of an order created at {@code createdAt}. */
  String of(Instant createdAt) {
    ZonedDateTime utc = createdAt.atZone(ZoneOffset.UTC);
    int year = utc.getYear();
    int month = utc.getMonthValue();
    StringBuilder name = new StringBuilder(prefix.length() + 8).append(prefix).append('-');
    if (year < 1000) {
      name.append(year < 10 ? "000" : year < 100 ? "00" : "0");
    }
    return name.append(year).append(month < 10 ? ".0" : ".").append(month).toString();
  }
}
