package dev.hamal.binlog.event;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Test-only encoder of the binary DECIMAL format, written from the format description in MySQL's
 * {@code strings/decimal.cc} ({@code decimal2bin}), independently of {@link Decimals}: digits in
 * groups of nine counted from the decimal point, a partial group in the fewest bytes, big-endian,
 * all bytes inverted for a negative number, then the top bit of the first byte inverted.
 */
final class DecimalEncoder {
  private static final int[] BYTES_FOR_DIGITS = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};

  private DecimalEncoder() {}

  static byte[] encode(BigDecimal value, int precision, int scale) {
    BigDecimal scaled = value.setScale(scale, RoundingMode.UNNECESSARY);
    String digits = scaled.unscaledValue().abs().toString();
    if (digits.length() > precision) {
      throw new IllegalArgumentException(value + " does not fit DECIMAL(" + precision + ")");
    }
    digits = "0".repeat(precision - digits.length()) + digits;
    int intg = precision - scale;
    byte[] out = new byte[size(precision, scale)];
    int pos = 0;
    int cursor = 0;
    // Integer part: leading partial group, then full groups.
    int leading = intg % 9;
    pos = putGroup(out, pos, digits.substring(cursor, cursor + leading));
    cursor += leading;
    for (int g = 0; g < intg / 9; g++, cursor += 9) {
      pos = putGroup(out, pos, digits.substring(cursor, cursor + 9));
    }
    // Fraction: full groups, then the trailing partial group.
    for (int g = 0; g < scale / 9; g++, cursor += 9) {
      pos = putGroup(out, pos, digits.substring(cursor, cursor + 9));
    }
    putGroup(out, pos, digits.substring(cursor));
    if (scaled.signum() < 0) {
      for (int i = 0; i < out.length; i++) {
        out[i] = (byte) ~out[i];
      }
    }
    out[0] ^= (byte) 0x80;
    return out;
  }

  static int size(int precision, int scale) {
    int intg = precision - scale;
    return intg / 9 * 4 + BYTES_FOR_DIGITS[intg % 9] + scale / 9 * 4 + BYTES_FOR_DIGITS[scale % 9];
  }

  private static int putGroup(byte[] out, int pos, String groupDigits) {
    if (groupDigits.isEmpty()) {
      return pos;
    }
    int bytes = BYTES_FOR_DIGITS[groupDigits.length()];
    long value = Long.parseLong(groupDigits);
    for (int i = bytes - 1; i >= 0; i--) {
      out[pos + i] = (byte) value;
      value >>>= 8;
    }
    return pos + bytes;
  }
}
