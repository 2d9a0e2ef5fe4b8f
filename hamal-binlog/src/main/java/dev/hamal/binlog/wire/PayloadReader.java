package dev.hamal.binlog.wire;

import dev.hamal.binlog.CorruptEventException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads protocol fields from the payload of one incoming packet. Reading past the end is a {@link
 * CorruptEventException} naming the server: the server sent a packet the protocol does not allow.
 */
final class PayloadReader {
  private final String server;
  private final byte[] data;
  private int position;

  PayloadReader(String server, byte[] data) {
    this.server = server;
    this.data = data;
  }

  int position() {
    return position;
  }

  int remaining() {
    return data.length - position;
  }

  private void need(long count) {
    if (count < 0 || count > remaining()) {
      throw new CorruptEventException(
          server,
          null,
          "malformed packet from the server: needed "
              + count
              + " bytes at offset "
              + position
              + " of "
              + data.length);
    }
  }

  int int1() {
    need(1);
    return data[position++] & 0xFF;
  }

  int int2() {
    need(2);
    int value = (data[position] & 0xFF) | (data[position + 1] & 0xFF) << 8;
    position += 2;
    return value;
  }

  int int3() {
    need(3);
    int value =
        (data[position] & 0xFF)
            | (data[position + 1] & 0xFF) << 8
            | (data[position + 2] & 0xFF) << 16;
    position += 3;
    return value;
  }

  long int4() {
    need(4);
    long value = 0;
    for (int i = 0; i < 4; i++) {
      value |= (data[position + i] & 0xFFL) << (8 * i);
    }
    position += 4;
    return value;
  }

  long int8() {
    need(8);
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value |= (data[position + i] & 0xFFL) << (8 * i);
    }
    position += 8;
    return value;
  }

  /** A length-encoded integer; 0xFB (NULL) and 0xFF are not integers here. */
  long lenenc() {
    int first = int1();
    if (first < 0xFB) {
      return first;
    }
    return switch (first) {
      case 0xFC -> int2();
      case 0xFD -> int3();
      case 0xFE -> int8();
      default ->
          throw new CorruptEventException(
              server,
              null,
              "malformed packet from the server: 0x"
                  + Integer.toHexString(first)
                  + " is not a length prefix (offset "
                  + (position - 1)
                  + ")");
    };
  }

  byte[] bytes(long count) {
    need(count);
    byte[] result = Arrays.copyOfRange(data, position, position + (int) count);
    position += (int) count;
    return result;
  }

  void skip(long count) {
    need(count);
    position += (int) count;
  }

  byte[] rest() {
    return bytes(remaining());
  }

  String lenencString() {
    long length = lenenc();
    need(length);
    String value = new String(data, position, (int) length, StandardCharsets.UTF_8);
    position += (int) length;
    return value;
  }

  void skipLenencString() {
    skip(lenenc());
  }

  /** A NUL-terminated string; a missing terminator ends the string at the end of the payload. */
  String nulString() {
    int end = position;
    while (end < data.length && data[end] != 0) {
      end++;
    }
    String value = new String(data, position, end - position, StandardCharsets.UTF_8);
    position = Math.min(end + 1, data.length);
    return value;
  }

  String restString() {
    String value = new String(data, position, remaining(), StandardCharsets.UTF_8);
    position = data.length;
    return value;
  }
}
