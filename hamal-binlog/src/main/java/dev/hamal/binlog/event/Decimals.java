package dev.hamal.binlog.event;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Decodes the binary form of a {@code DECIMAL(precision, scale)} value ({@code NEWDECIMAL}, column
 * type 246), as MySQL and MariaDB write it in row events and inside binary JSON.
 *
 * <h2>Format</h2>
 *
 * <p>The digits are cut into groups of nine decimal digits, counted outwards from the decimal
 * point: the integer part ({@code precision - scale} digits) into full groups with a leading
 * partial group of {@code intg % 9} digits, the fraction ({@code scale} digits) into full groups
 * with a trailing partial group of {@code scale % 9} digits. Each group is stored big-endian as an
 * unsigned binary number in as few bytes as its digit count needs: 0 digits in 0 bytes, 1-2 in 1,
 * 3-4 in 2, 5-6 in 3, 7-9 in 4. The groups follow each other in order: leading partial, full
 * integer groups, full fraction groups, trailing partial. A partial fraction group holds the
 * fraction's last digits as a number, so scale 2 with {@code .05} stores 5 in one byte.
 *
 * <p>The sign lives in the top bit of the first byte: set for zero and positive numbers. A negative
 * number is stored as the bitwise complement of its magnitude's bytes, so the top bit is clear.
 * Reading therefore flips the top bit of the first byte and, for a negative number, every bit.
 * Example: {@code DECIMAL(4,2)} 12.34 is {@code 0x8C 0x22} (12 and 34 with the sign bit set), and
 * -12.34 is {@code 0x73 0xDD}.
 *
 * <h2>Invariants and failure</h2>
 *
 * <p>Precision is 1..65 and scale 0..min(precision, 38) (MySQL allows scale 30, MariaDB 38); every
 * group must hold fewer than 10^digits. Anything else, and a value that does not fit in {@code buf}
 * at {@code offset}, throws {@link MalformedValueException} and nothing else. Negative zero (a
 * negative sign over all-zero digits, which servers do not write) decodes to zero.
 *
 * <h2>Threading and cost</h2>
 *
 * <p>Stateless and thread-safe. {@link #decodeUnscaledLong} allocates nothing; {@link #decode}
 * allocates only its result for precision up to 18 and a few intermediate {@link BigInteger}s
 * above.
 */
public final class Decimals {

  /** Largest precision a server accepts. */
  public static final int MAX_PRECISION = 65;

  /** Largest scale a server accepts (MariaDB; MySQL stops at 30). */
  public static final int MAX_SCALE = 38;

  /** Largest precision whose unscaled value always fits in a {@code long}. */
  public static final int MAX_LONG_PRECISION = 18;

  private static final int DIGITS_PER_GROUP = 9;
  private static final int BYTES_PER_GROUP = 4;
  private static final int[] BYTES_FOR_DIGITS = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
  private static final int[] POWERS_OF_TEN = {
    1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000
  };
  private static final BigInteger[] BIG_POWERS_OF_TEN = new BigInteger[19];

  static {
    for (int i = 0; i < BIG_POWERS_OF_TEN.length; i++) {
      BIG_POWERS_OF_TEN[i] = BigInteger.TEN.pow(i);
    }
  }

  private Decimals() {}

  /**
   * Number of bytes a {@code DECIMAL(precision, scale)} value occupies.
   *
   * @throws MalformedValueException if precision or scale is outside what a server accepts
   */
  public static int binarySize(int precision, int scale) {
    checkType(precision, scale);
    int intg = precision - scale;
    return (intg / DIGITS_PER_GROUP) * BYTES_PER_GROUP
        + BYTES_FOR_DIGITS[intg % DIGITS_PER_GROUP]
        + (scale / DIGITS_PER_GROUP) * BYTES_PER_GROUP
        + BYTES_FOR_DIGITS[scale % DIGITS_PER_GROUP];
  }

  /**
   * Decodes the value at {@code buf[offset]}; it occupies {@link #binarySize} bytes.
   *
   * @return the value with exactly {@code scale} fraction digits
   * @throws MalformedValueException if the type is impossible, the bytes run past the end of {@code
   *     buf}, or a digit group is out of range
   */
  public static BigDecimal decode(byte[] buf, int offset, int precision, int scale) {
    if (precision <= MAX_LONG_PRECISION) {
      return BigDecimal.valueOf(decodeUnscaledLong(buf, offset, precision, scale), scale);
    }
    int size = binarySize(precision, scale);
    checkBounds(buf, offset, size);
    int mask = signMask(buf, offset);
    int intg = precision - scale;
    int pos = offset;
    BigInteger big = BigInteger.ZERO;
    long chunk = 0;
    int chunkDigits = 0;
    int remaining = intg % DIGITS_PER_GROUP;
    int fullGroups = intg / DIGITS_PER_GROUP + scale / DIGITS_PER_GROUP;
    int trailing = scale % DIGITS_PER_GROUP;
    // Groups in storage order: leading partial, full groups, trailing partial.
    int groups = fullGroups + 2;
    for (int g = 0; g < groups; g++) {
      int digits = g == 0 ? remaining : g == groups - 1 ? trailing : DIGITS_PER_GROUP;
      if (digits == 0) {
        continue;
      }
      int bytes = BYTES_FOR_DIGITS[digits];
      int group = readGroup(buf, offset, pos, bytes, mask, digits);
      pos += bytes;
      if (chunkDigits + digits > MAX_LONG_PRECISION) {
        big = big.multiply(BIG_POWERS_OF_TEN[chunkDigits]).add(BigInteger.valueOf(chunk));
        chunk = 0;
        chunkDigits = 0;
      }
      chunk = chunk * POWERS_OF_TEN[digits] + group;
      chunkDigits += digits;
    }
    big = big.multiply(BIG_POWERS_OF_TEN[chunkDigits]).add(BigInteger.valueOf(chunk));
    return new BigDecimal(mask == 0 ? big : big.negate(), scale);
  }

  /**
   * Decodes the unscaled value (all digits, the decimal point removed) of a decimal with precision
   * up to {@value #MAX_LONG_PRECISION}; {@code BigDecimal.valueOf(result, scale)} is the value.
   *
   * @throws MalformedValueException as {@link #decode}, and if precision exceeds {@value
   *     #MAX_LONG_PRECISION}
   */
  public static long decodeUnscaledLong(byte[] buf, int offset, int precision, int scale) {
    int size = binarySize(precision, scale);
    if (precision > MAX_LONG_PRECISION) {
      throw new MalformedValueException(
          "DECIMAL(" + precision + "," + scale + ") does not fit in a long");
    }
    checkBounds(buf, offset, size);
    int mask = signMask(buf, offset);
    int intg = precision - scale;
    int pos = offset;
    long value = 0;
    int leading = intg % DIGITS_PER_GROUP;
    if (leading > 0) {
      int bytes = BYTES_FOR_DIGITS[leading];
      value = readGroup(buf, offset, pos, bytes, mask, leading);
      pos += bytes;
    }
    for (int g = intg / DIGITS_PER_GROUP + scale / DIGITS_PER_GROUP; g > 0; g--) {
      value =
          value * POWERS_OF_TEN[DIGITS_PER_GROUP]
              + readGroup(buf, offset, pos, BYTES_PER_GROUP, mask, DIGITS_PER_GROUP);
      pos += BYTES_PER_GROUP;
    }
    int trailing = scale % DIGITS_PER_GROUP;
    if (trailing > 0) {
      value =
          value * POWERS_OF_TEN[trailing]
              + readGroup(buf, offset, pos, BYTES_FOR_DIGITS[trailing], mask, trailing);
    }
    return mask == 0 ? value : -value;
  }

  /** 0 for a non-negative number, -1 (all bits) for a negative one. */
  private static int signMask(byte[] buf, int offset) {
    return (buf[offset] & 0x80) != 0 ? 0 : -1;
  }

  /**
   * Reads one big-endian group of {@code bytes} bytes at {@code pos}, undoing the sign encoding,
   * and checks that it holds at most {@code digits} decimal digits.
   */
  private static int readGroup(byte[] buf, int start, int pos, int bytes, int mask, int digits) {
    int value = 0;
    for (int i = 0; i < bytes; i++) {
      int b = buf[pos + i] & 0xFF;
      if (pos + i == start) {
        b ^= 0x80;
      }
      value = (value << 8) | ((b ^ mask) & 0xFF);
    }
    // Four bytes can exceed Integer.MAX_VALUE; a negative int is out of range too.
    if (value < 0 || value >= POWERS_OF_TEN[digits]) {
      throw new MalformedValueException(
          "decimal digit group 0x"
              + Integer.toHexString(value)
              + " at byte "
              + (pos - start)
              + " does not hold "
              + digits
              + " decimal digits");
    }
    return value;
  }

  private static void checkType(int precision, int scale) {
    if (precision < 1
        || precision > MAX_PRECISION
        || scale < 0
        || scale > MAX_SCALE
        || scale > precision) {
      throw new MalformedValueException("impossible type DECIMAL(" + precision + "," + scale + ")");
    }
  }

  private static void checkBounds(byte[] buf, int offset, int size) {
    if (offset < 0 || offset > buf.length - size) {
      throw new MalformedValueException(
          "decimal of "
              + size
              + " bytes at offset "
              + offset
              + " runs past the end of a "
              + buf.length
              + "-byte buffer");
    }
  }
}
