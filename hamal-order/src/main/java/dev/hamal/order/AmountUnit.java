package dev.hamal.order;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;

/**
 * How a source column stores money, and its exact conversion to minor units (fen for CNY).
 *
 * <p>A conversion never rounds: a value with more fraction digits than the unit allows, a negative
 * value, a value beyond {@link Long#MAX_VALUE} minor units, or a floating-point or text value is
 * refused with the reason, and the row is not mapped.
 */
enum AmountUnit {
  /** Major units with up to two fraction digits: DECIMAL(p,2) yuan, or whole yuan in an integer. */
  YUAN(2),
  /** Minor units in an integer (or a DECIMAL with no fraction). */
  CENTS(0),
  /** The same as {@link #CENTS}; 分 is the minor unit of the yuan. */
  FEN(0);

  private final int fractionDigits;
  private final long factor;

  AmountUnit(int fractionDigits) {
    this.fractionDigits = fractionDigits;
    this.factor = fractionDigits == 2 ? 100 : 1;
  }

  /** The unit spelt {@code name} in a business-line file. */
  static Optional<AmountUnit> named(String name) {
    for (AmountUnit unit : values()) {
      if (unit.toString().equals(name)) {
        return Optional.of(unit);
      }
    }
    return Optional.empty();
  }

  /**
   * {@code value} in minor units.
   *
   * @throws IllegalArgumentException with the reason if it cannot be converted exactly
   */
  long toMinor(Object value) {
    return switch (value) {
      case Long l -> scale(l);
      case Integer i -> scale(i);
      case Short s -> scale(s);
      case Byte b -> scale(b);
      case BigInteger b -> {
        if (b.signum() < 0) {
          throw negative();
        }
        if (b.bitLength() > 63) {
          throw tooLarge();
        }
        yield scale(b.longValue());
      }
      case BigDecimal d -> decimal(d);
      case Double d -> throw inexact();
      case Float f -> throw inexact();
      default ->
          throw new IllegalArgumentException(
              "an amount must be a number (DECIMAL or an integer type), not "
                  + value.getClass().getSimpleName());
    };
  }

  private long scale(long value) {
    if (value < 0) {
      throw negative();
    }
    if (value > Long.MAX_VALUE / factor) {
      throw tooLarge();
    }
    return value * factor;
  }

  private long decimal(BigDecimal value) {
    if (value.signum() < 0) {
      throw negative();
    }
    BigDecimal minor = value.movePointRight(fractionDigits);
    if (minor.scale() > 0 && minor.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException(
          "has more than "
              + fractionDigits
              + " fraction digits for unit "
              + this
              + "; amounts are never rounded");
    }
    if (minor.compareTo(MAX) > 0) {
      throw tooLarge();
    }
    return minor.longValue();
  }

  private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private static IllegalArgumentException negative() {
    return new IllegalArgumentException("is negative; amounts are never negative");
  }

  private static IllegalArgumentException tooLarge() {
    return new IllegalArgumentException(
        "exceeds the largest amount, " + Long.MAX_VALUE + " minor units");
  }

  private static IllegalArgumentException inexact() {
    return new IllegalArgumentException(
        "is a floating-point number; amounts must be exact (DECIMAL or an integer type)");
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
