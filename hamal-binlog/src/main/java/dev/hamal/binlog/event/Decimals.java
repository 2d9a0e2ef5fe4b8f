package dev.hamal.binlog.event;

import java.math.BigDecimal;
import java.math.BigInteger;

/** Temporary stand-in until the full decimal codec lands. */
final class Decimals {
  private Decimals() {}

  private static final int[] DIG2BYTES = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};

  static int binarySize(int precision, int scale) {
    int intg = precision - scale;
    return intg / 9 * 4 + DIG2BYTES[intg % 9] + scale / 9 * 4 + DIG2BYTES[scale % 9];
  }

  static long decodeUnscaledLong(byte[] buf, int offset, int precision, int scale) {
    return decode(buf, offset, precision, scale).unscaledValue().longValueExact();
  }

  static BigDecimal decode(byte[] buf, int offset, int precision, int scale) {
    int size = binarySize(precision, scale);
    if (offset < 0 || offset + size > buf.length) {
      throw new MalformedValueException("decimal runs past the event");
    }
    byte[] b = new byte[size];
    System.arraycopy(buf, offset, b, 0, size);
    boolean positive = (b[0] & 0x80) != 0;
    b[0] ^= (byte) 0x80;
    if (!positive) {
      for (int i = 0; i < size; i++) {
        b[i] ^= (byte) 0xff;
      }
    }
    int intg = precision - scale;
    int pos = 0;
    BigInteger value = BigInteger.ZERO;
    int lead = DIG2BYTES[intg % 9];
    if (lead > 0) {
      value = BigInteger.valueOf(be(b, pos, lead));
      pos += lead;
    }
    for (int g = 0; g < intg / 9; g++) {
      value =
          value.multiply(BigInteger.valueOf(1_000_000_000L)).add(BigInteger.valueOf(be(b, pos, 4)));
      pos += 4;
    }
    for (int g = 0; g < scale / 9; g++) {
      value =
          value.multiply(BigInteger.valueOf(1_000_000_000L)).add(BigInteger.valueOf(be(b, pos, 4)));
      pos += 4;
    }
    int tail = scale % 9;
    if (tail > 0) {
      value =
          value
              .multiply(BigInteger.TEN.pow(tail))
              .add(BigInteger.valueOf(be(b, pos, DIG2BYTES[tail])));
    }
    return new BigDecimal(positive ? value : value.negate(), scale);
  }

  private static long be(byte[] b, int at, int n) {
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = v << 8 | (b[at + i] & 0xff);
    }
    return v;
  }
}
