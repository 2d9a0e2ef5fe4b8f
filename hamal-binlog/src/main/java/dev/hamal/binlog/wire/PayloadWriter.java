package dev.hamal.binlog.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds the payload of one outgoing packet: little-endian integers, length-encoded integers and
 * strings, NUL-terminated strings. Reusable through {@link #reset()}; not thread-safe.
 */
final class PayloadWriter {
  private byte[] bytes;
  private int length;

  PayloadWriter(int initialCapacity) {
    this.bytes = new byte[initialCapacity];
  }

  PayloadWriter reset() {
    length = 0;
    return this;
  }

  byte[] array() {
    return bytes;
  }

  int length() {
    return length;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(bytes, length);
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }

  PayloadWriter int1(int value) {
    ensure(1);
    bytes[length++] = (byte) value;
    return this;
  }

  PayloadWriter int2(int value) {
    ensure(2);
    bytes[length++] = (byte) value;
    bytes[length++] = (byte) (value >>> 8);
    return this;
  }

  PayloadWriter int4(int value) {
    ensure(4);
    for (int i = 0; i < 4; i++) {
      bytes[length++] = (byte) (value >>> (8 * i));
    }
    return this;
  }

  PayloadWriter int8(long value) {
    ensure(8);
    for (int i = 0; i < 8; i++) {
      bytes[length++] = (byte) (value >>> (8 * i));
    }
    return this;
  }

  PayloadWriter zeros(int count) {
    ensure(count);
    Arrays.fill(bytes, length, length + count, (byte) 0);
    length += count;
    return this;
  }

  PayloadWriter bytes(byte[] value) {
    ensure(value.length);
    System.arraycopy(value, 0, bytes, length, value.length);
    length += value.length;
    return this;
  }

  PayloadWriter lenenc(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("negative length " + value);
    }
    if (value < 251) {
      return int1((int) value);
    }
    if (value < 1 << 16) {
      return int1(0xFC).int2((int) value);
    }
    if (value < 1 << 24) {
      return int1(0xFD).int2((int) value).int1((int) (value >>> 16));
    }
    return int1(0xFE).int8(value);
  }

  PayloadWriter lenencBytes(byte[] value) {
    return lenenc(value.length).bytes(value);
  }

  PayloadWriter nulString(String value) {
    return bytes(value.getBytes(StandardCharsets.UTF_8)).int1(0);
  }

  /** A string preceded by its length in one byte, as in COM_REGISTER_SLAVE. */
  PayloadWriter shortString(String field, String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > 255) {
      throw new IllegalArgumentException(field + " must be at most 255 bytes, was " + utf8.length);
    }
    return int1(utf8.length).bytes(utf8);
  }
}
