package dev.hamal.binlog.event;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A read position over a byte array with an exclusive end: the decoders' only way to read event
 * bytes. Integers are little-endian unless the method says otherwise, as the binlog writes them.
 *
 * <p>Every read checks that it stays before {@link #end()} and throws {@link
 * MalformedValueException} otherwise, so a corrupt length can never read into the checksum or past
 * the array; lengths are checked before anything is allocated for them.
 *
 * <p>Not thread-safe: one cursor per event per thread.
 */
public final class ByteCursor {
  private final byte[] buf;
  private int pos;
  private int end;

  public ByteCursor(byte[] buf, int offset, int end) {
    if (offset < 0 || end > buf.length || offset > end) {
      throw new MalformedValueException(
          "bad range " + offset + ".." + end + " of " + buf.length + " bytes");
    }
    this.buf = buf;
    this.pos = offset;
    this.end = end;
  }

  public byte[] array() {
    return buf;
  }

  public int position() {
    return pos;
  }

  public int end() {
    return end;
  }

  public int remaining() {
    return end - pos;
  }

  public boolean hasRemaining() {
    return pos < end;
  }

  /** Moves the end closer (e.g. to exclude a trailing checksum). */
  public void limit(int newEnd) {
    if (newEnd < pos || newEnd > end) {
      throw new MalformedValueException("bad limit " + newEnd + " for " + pos + ".." + end);
    }
    end = newEnd;
  }

  /** Reserves {@code n} bytes and returns the offset of the first. */
  public int take(int n) {
    if (n < 0 || n > end - pos) {
      throw new MalformedValueException(
          "need " + n + " bytes at offset " + pos + ", only " + (end - pos) + " left");
    }
    int at = pos;
    pos += n;
    return at;
  }

  public void skip(int n) {
    take(n);
  }

  public void seek(int newPos) {
    if (newPos < 0 || newPos > end) {
      throw new MalformedValueException("bad offset " + newPos + " (end " + end + ")");
    }
    pos = newPos;
  }

  public int u8() {
    return buf[take(1)] & 0xff;
  }

  public int u16() {
    int at = take(2);
    return (buf[at] & 0xff) | (buf[at + 1] & 0xff) << 8;
  }

  public int u24() {
    int at = take(3);
    return (buf[at] & 0xff) | (buf[at + 1] & 0xff) << 8 | (buf[at + 2] & 0xff) << 16;
  }

  public long u32() {
    int at = take(4);
    return u32(buf, at);
  }

  /** A 32-bit length that must fit an {@code int} and the remaining bytes. */
  public int length32() {
    long n = u32();
    if (n > end - pos) {
      throw new MalformedValueException("length " + n + " exceeds the " + (end - pos) + " left");
    }
    return (int) n;
  }

  public long u48() {
    int at = take(6);
    return u32(buf, at) | (long) ((buf[at + 4] & 0xff) | (buf[at + 5] & 0xff) << 8) << 32;
  }

  public long s64() {
    int at = take(8);
    return s64(buf, at);
  }

  /** An unsigned little-endian integer of {@code n} (1..8) bytes. */
  public long uint(int n) {
    int at = take(n);
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = (v << 8) | (buf[at + i] & 0xff);
    }
    return v;
  }

  /** A big-endian unsigned integer of {@code n} (1..8) bytes. */
  public long uintBigEndian(int n) {
    int at = take(n);
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = (v << 8) | (buf[at + i] & 0xff);
    }
    return v;
  }

  /**
   * A length-encoded integer: one byte below 251, or 0xfc + 2 bytes, 0xfd + 3 bytes, 0xfe + 8
   * bytes. 0xfb (SQL NULL in result sets) and 0xff are invalid here.
   */
  public long packed() {
    int first = u8();
    if (first < 0xfb) {
      return first;
    }
    return switch (first) {
      case 0xfc -> u16();
      case 0xfd -> u24();
      case 0xfe -> s64();
      default -> throw new MalformedValueException("invalid length-encoded integer 0x" + first);
    };
  }

  /** A length-encoded integer that must fit an {@code int} and the remaining bytes. */
  public int packedLength() {
    long n = packed();
    if (n < 0 || n > end - pos) {
      throw new MalformedValueException("length " + n + " exceeds the " + (end - pos) + " left");
    }
    return (int) n;
  }

  /** A length-encoded integer used as a count: non-negative and at most {@code max}. */
  public int packedCount(int max) {
    long n = packed();
    if (n < 0 || n > max) {
      throw new MalformedValueException("count " + n + " out of range 0.." + max);
    }
    return (int) n;
  }

  public byte[] bytes(int n) {
    int at = take(n);
    byte[] out = new byte[n];
    System.arraycopy(buf, at, out, 0, n);
    return out;
  }

  public String string(int n, Charset charset) {
    int at = take(n);
    return new String(buf, at, n, charset);
  }

  public String utf8(int n) {
    return string(n, StandardCharsets.UTF_8);
  }

  /** Bytes up to (not including) a zero byte, which is consumed; or to the end if none. */
  public String zeroTerminated() {
    int start = pos;
    int i = start;
    while (i < end && buf[i] != 0) {
      i++;
    }
    String s = new String(buf, start, i - start, StandardCharsets.UTF_8);
    pos = i < end ? i + 1 : i;
    return s;
  }

  public String restAsUtf8() {
    return utf8(end - pos);
  }

  public static long u32(byte[] b, int at) {
    return (b[at] & 0xffL)
        | (b[at + 1] & 0xffL) << 8
        | (b[at + 2] & 0xffL) << 16
        | (b[at + 3] & 0xffL) << 24;
  }

  public static long s64(byte[] b, int at) {
    return u32(b, at) | u32(b, at + 4) << 32;
  }
}
