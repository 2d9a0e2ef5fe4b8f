package dev.hamal.binlog.event;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Test-only writer of MySQL's binary JSON, from the grammar in {@code json_binary.h} and the
 * choices of MySQL's serializer ({@code json_binary.cc}): a container uses the small format when
 * its size fits in 16 bits and the large one otherwise; literals and 16-bit integers are inlined in
 * value entries, and 32-bit integers too in the large format; keys follow the entries in entry
 * order and values follow the keys. Written independently of {@link JsonBinary}.
 *
 * <p>Values: {@link JsonText#NULL}, {@link Boolean}, {@link Long} (int16/int32/int64 by size, as
 * MySQL's {@code Json_int}), {@link Unsigned} (uint16/uint32/uint64), {@link BigInteger} (an
 * unsigned 64-bit value), {@link Double}, {@link String}, {@link BigDecimal} (opaque NEWDECIMAL),
 * {@link Opaque}, {@link List} and {@link Map} (keys in iteration order).
 */
final class BinaryJsonWriter {
  /** An unsigned integer (MySQL's {@code Json_uint}); the long is read as unsigned. */
  record Unsigned(long value) {}

  /** Any other MySQL column type inside JSON: the type byte and the raw data. */
  record Opaque(int fieldType, byte[] data) {}

  private record Encoded(int type, byte[] bytes) {}

  private BinaryJsonWriter() {}

  /** The whole document: type byte and value. */
  static byte[] document(Object value) {
    Encoded encoded = encode(value);
    byte[] out = new byte[encoded.bytes().length + 1];
    out[0] = (byte) encoded.type();
    System.arraycopy(encoded.bytes(), 0, out, 1, encoded.bytes().length);
    return out;
  }

  private static Encoded encode(Object value) {
    if (value == JsonText.NULL) {
      return new Encoded(0x04, new byte[] {0});
    }
    if (value instanceof Boolean b) {
      return new Encoded(0x04, new byte[] {(byte) (b ? 1 : 2)});
    }
    if (value instanceof Integer i) {
      return encode((long) i);
    }
    if (value instanceof Long l) {
      if (l >= Short.MIN_VALUE && l <= Short.MAX_VALUE) {
        return new Encoded(0x05, littleEndian(l, 2));
      }
      if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
        return new Encoded(0x07, littleEndian(l, 4));
      }
      return new Encoded(0x09, littleEndian(l, 8));
    }
    if (value instanceof BigInteger big) {
      return encode(new Unsigned(big.longValue()));
    }
    if (value instanceof Unsigned u) {
      long v = u.value();
      if (v >= 0 && v < 1 << 16) {
        return new Encoded(0x06, littleEndian(v, 2));
      }
      if (v >= 0 && v < 1L << 32) {
        return new Encoded(0x08, littleEndian(v, 4));
      }
      return new Encoded(0x0A, littleEndian(v, 8));
    }
    if (value instanceof Double d) {
      return new Encoded(0x0B, littleEndian(Double.doubleToRawLongBits(d), 8));
    }
    if (value instanceof String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      writeVariableLength(out, utf8.length);
      out.writeBytes(utf8);
      return new Encoded(0x0C, out.toByteArray());
    }
    if (value instanceof BigDecimal d) {
      BigDecimal v = d.scale() < 0 ? d.setScale(0) : d;
      int scale = v.scale();
      int precision = Math.max(v.precision(), scale);
      ByteArrayOutputStream data = new ByteArrayOutputStream();
      data.write(precision);
      data.write(scale);
      data.writeBytes(DecimalEncoder.encode(v, precision, scale));
      return encode(new Opaque(246, data.toByteArray()));
    }
    if (value instanceof Opaque o) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(o.fieldType());
      writeVariableLength(out, o.data().length);
      out.writeBytes(o.data());
      return new Encoded(0x0F, out.toByteArray());
    }
    if (value instanceof List<?> list) {
      return container(null, new ArrayList<>(list));
    }
    if (value instanceof Map<?, ?> map) {
      List<String> keys = new ArrayList<>();
      List<Object> values = new ArrayList<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        keys.add((String) e.getKey());
        values.add(e.getValue());
      }
      return container(keys, values);
    }
    throw new IllegalArgumentException("cannot encode " + value);
  }

  private static Encoded container(List<String> keys, List<Object> values) {
    List<Encoded> children = new ArrayList<>();
    for (Object v : values) {
      children.add(encode(v));
    }
    byte[] small = layout(keys, children, false);
    boolean object = keys != null;
    if (small != null) {
      return new Encoded(object ? 0x00 : 0x02, small);
    }
    return new Encoded(object ? 0x01 : 0x03, layout(keys, children, true));
  }

  /** Lays a container out; null if the small format cannot hold it. */
  private static byte[] layout(List<String> keys, List<Encoded> children, boolean large) {
    int offsetSize = large ? 4 : 2;
    int n = children.size();
    boolean object = keys != null;
    int header = 2 * offsetSize + (object ? n * (offsetSize + 2) : 0) + n * (1 + offsetSize);
    ByteArrayOutputStream tail = new ByteArrayOutputStream();
    ByteArrayOutputStream entries = new ByteArrayOutputStream();
    if (object) {
      for (String key : keys) {
        byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
        entries.writeBytes(littleEndian(header + tail.size(), offsetSize));
        entries.writeBytes(littleEndian(utf8.length, 2));
        tail.writeBytes(utf8);
      }
    }
    for (Encoded child : children) {
      entries.write(child.type());
      if (isInlined(child.type(), large)) {
        byte[] slot = new byte[offsetSize];
        System.arraycopy(child.bytes(), 0, slot, 0, child.bytes().length);
        entries.writeBytes(slot);
      } else {
        entries.writeBytes(littleEndian(header + tail.size(), offsetSize));
        tail.writeBytes(child.bytes());
      }
    }
    long size = header + tail.size();
    if (!large && size > 0xFFFF) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(littleEndian(n, offsetSize));
    out.writeBytes(littleEndian(size, offsetSize));
    out.writeBytes(entries.toByteArray());
    out.writeBytes(tail.toByteArray());
    return out.toByteArray();
  }

  private static boolean isInlined(int type, boolean large) {
    return type == 0x04
        || type == 0x05
        || type == 0x06
        || (large && (type == 0x07 || type == 0x08));
  }

  static void writeVariableLength(ByteArrayOutputStream out, int length) {
    int rest = length;
    do {
      int b = rest & 0x7F;
      rest >>>= 7;
      out.write(rest != 0 ? b | 0x80 : b);
    } while (rest != 0);
  }

  static byte[] littleEndian(long value, int bytes) {
    byte[] out = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      out[i] = (byte) (value >>> (8 * i));
    }
    return out;
  }
}
