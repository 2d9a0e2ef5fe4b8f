package dev.hamal.binlog.event;

import java.math.BigDecimal;

/**
 * Turns a MySQL binary JSON value (the bytes of a {@code JSON} column in a MySQL 5.7/8.x row event;
 * MariaDB stores JSON as text and never produces this format) into JSON text, printed the way MySQL
 * prints it: {@code {"a": 1, "b": [1, 2]}}.
 *
 * <h2>Format ({@code json_binary.h})</h2>
 *
 * <p>A document is one type byte and a value. Types: 0x00/0x01 small/large object, 0x02/0x03
 * small/large array, 0x04 literal (a byte: 0 null, 1 true, 2 false), 0x05 int16, 0x06 uint16, 0x07
 * int32, 0x08 uint32, 0x09 int64, 0x0A uint64, 0x0B double, 0x0C string, 0x0F opaque. All integers
 * are little-endian; a double is its IEEE 754 bits, little-endian.
 *
 * <p>An object is {@code count size key-entry* value-entry* key* value*}, an array {@code count
 * size value-entry* value*}; {@code count}, {@code size} and the offsets are uint16 in the small
 * format and uint32 in the large one, and every offset counts from the first byte of {@code count}.
 * A key entry is an offset and a uint16 length of the key's UTF-8 bytes. A value entry is a type
 * byte and either an offset to the value or, for literals and int16/uint16 (and int32/uint32 in the
 * large format), the value itself, inlined. A string is a variable-length size (7 bits a byte,
 * least significant first, high bit set on all but the last byte, at most five bytes) and its UTF-8
 * bytes. An opaque value is a MySQL column type byte, a variable-length size and the data: DECIMAL
 * (246) is a precision byte, a scale byte and the binary decimal ({@link Decimals}); DATE (10),
 * TIME (11), DATETIME (12) and TIMESTAMP (7) are a "packed" 8-byte little-endian integer (integer
 * part {@code >> 24}: {@code ((year*13+month) << 5 | day) << 17 | hour << 12 | minute << 6 |
 * second} for dates, {@code hours << 12 | minute << 6 | second} for TIME; low 24 bits:
 * microseconds; negative for a negative TIME).
 *
 * <h2>Output</h2>
 *
 * <p>What MySQL's {@code JSON_EXTRACT}/{@code CAST(... AS CHAR)} prints: {@code ", "} between
 * elements and {@code ": "} after keys, keys in stored order; integers in full; doubles in MySQL's
 * shortest round-trip form with {@code .0} added to integral values ({@code 1.0}, {@code 0.25},
 * {@code 1e100}, {@code 1e-16}); DECIMAL as a number with its scale ({@code 1.50}); dates and times
 * as strings with six fraction digits ({@code "2015-01-15 23:24:25.000000"}, {@code
 * "23:24:25.000000"}, {@code "2015-01-15"}); an opaque VAR_STRING (253) as a string; every other
 * opaque type as {@code "base64:type<N>:<base64>"}, base64 broken after every 76 characters by an
 * escaped newline as MySQL does. Strings escape {@code "}, {@code \}, and the controls below U+0020
 * ({@code \b \f \n \r \t}, others as &#92;u00xx in lower-case hex); everything else, 4-byte
 * characters included, is written as is. Two deliberate departures from MySQL keep the output valid
 * JSON: U+001F is escaped (MySQL leaves it raw), and a string that is not valid UTF-8 (MySQL never
 * stores one) has each maximal invalid subsequence replaced by U+FFFD, as Unicode recommends.
 *
 * <p>An empty value (length 0) is the JSON {@code null}: MySQL reads it so ({@code
 * json_binary::parse_binary}); it appears when {@code INSERT IGNORE} or non-strict mode put an
 * empty string into a {@code NOT NULL} JSON column.
 *
 * <h2>Invariants and failure</h2>
 *
 * <p>Every length and offset is checked against the bytes that contain it, as MySQL's reader does:
 * a value lies inside its parent, a key or a value lies after the entries that point to it. Nesting
 * deeper than {@value #MAX_DEPTH} arrays and objects (MySQL's own limit) and output longer than 8
 * characters per input byte (documents whose offsets share values; MySQL's own documents stay below
 * 6) are refused, which bounds both recursion and work by the input length. Bytes after the
 * top-level value are ignored, as MySQL ignores them. Any violation throws {@link
 * MalformedValueException} and nothing else; {@link #appendJson} then restores {@code out} to its
 * length before the call.
 *
 * <h2>Threading and cost</h2>
 *
 * <p>Stateless and thread-safe. Appends straight into the caller's builder and allocates nothing
 * else, except for a DECIMAL wider than 18 digits ({@link BigDecimal}), for a double (the JDK's
 * shortest-digits formatter uses a small scratch buffer) and a little more for a few rare doubles
 * (see {@link #appendDouble}).
 */
public final class JsonBinary {

  /** Deepest nesting of arrays and objects MySQL accepts ({@code JSON_DOCUMENT_MAX_DEPTH}). */
  public static final int MAX_DEPTH = 100;

  private static final int SMALL_OBJECT = 0x00;
  private static final int LARGE_OBJECT = 0x01;
  private static final int SMALL_ARRAY = 0x02;
  private static final int LARGE_ARRAY = 0x03;
  private static final int LITERAL = 0x04;
  private static final int INT16 = 0x05;
  private static final int UINT16 = 0x06;
  private static final int INT32 = 0x07;
  private static final int UINT32 = 0x08;
  private static final int INT64 = 0x09;
  private static final int UINT64 = 0x0A;
  private static final int DOUBLE = 0x0B;
  private static final int STRING = 0x0C;
  private static final int OPAQUE = 0x0F;

  private static final int MYSQL_TYPE_TIMESTAMP = 7;
  private static final int MYSQL_TYPE_DATE = 10;
  private static final int MYSQL_TYPE_TIME = 11;
  private static final int MYSQL_TYPE_DATETIME = 12;
  private static final int MYSQL_TYPE_NEWDECIMAL = 246;
  private static final int MYSQL_TYPE_VAR_STRING = 253;

  private static final int OUTPUT_CHARS_PER_BYTE = 8;
  private static final int OUTPUT_SLACK = 64;
  private static final int BASE64_LINE = 76;
  private static final char[] BASE64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final long[] POWERS_OF_TEN = new long[19];
  private static final double[] EXACT_POWERS_OF_TEN = new double[23];

  static {
    POWERS_OF_TEN[0] = 1;
    for (int i = 1; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
    }
    EXACT_POWERS_OF_TEN[0] = 1;
    for (int i = 1; i < EXACT_POWERS_OF_TEN.length; i++) {
      EXACT_POWERS_OF_TEN[i] = EXACT_POWERS_OF_TEN[i - 1] * 10;
    }
  }

  private JsonBinary() {}

  /**
   * The JSON text of the binary JSON value in {@code buf[offset, offset + length)}.
   *
   * @throws MalformedValueException if the bytes are not a binary JSON value, or the range lies
   *     outside {@code buf}
   */
  public static String toJson(byte[] buf, int offset, int length) {
    StringBuilder out = new StringBuilder(Math.max(16, Math.min(length, 1 << 20) * 2));
    appendJson(buf, offset, length, out);
    return out.toString();
  }

  /**
   * Appends the JSON text of the binary JSON value in {@code buf[offset, offset + length)} to
   * {@code out}; on failure {@code out} is left as it was.
   *
   * @throws MalformedValueException if the bytes are not a binary JSON value, or the range lies
   *     outside {@code buf}
   */
  public static void appendJson(byte[] buf, int offset, int length, StringBuilder out) {
    if (offset < 0 || length < 0 || offset > buf.length - length) {
      throw new MalformedValueException(
          "JSON value of "
              + length
              + " bytes at offset "
              + offset
              + " lies outside a "
              + buf.length
              + "-byte buffer");
    }
    if (length == 0) {
      out.append("null");
      return;
    }
    int start = out.length();
    int limit =
        (int)
            Math.min(
                Integer.MAX_VALUE - 16,
                start + (long) OUTPUT_CHARS_PER_BYTE * length + OUTPUT_SLACK);
    try {
      value(buf, buf[offset] & 0xFF, offset + 1, length - 1, 0, limit, out);
    } catch (MalformedValueException e) {
      out.setLength(start);
      throw e;
    }
  }

  /**
   * Appends the value of the given type whose bytes start at {@code pos}; {@code available} bytes
   * belong to the enclosing value from there on.
   */
  private static void value(
      byte[] buf, int type, int pos, int available, int depth, int limit, StringBuilder out) {
    checkBudget(limit, out);
    switch (type) {
      case SMALL_OBJECT -> container(buf, true, false, pos, available, depth, limit, out);
      case LARGE_OBJECT -> container(buf, true, true, pos, available, depth, limit, out);
      case SMALL_ARRAY -> container(buf, false, false, pos, available, depth, limit, out);
      case LARGE_ARRAY -> container(buf, false, true, pos, available, depth, limit, out);
      default -> scalar(buf, type, pos, available, out);
    }
  }

  private static void container(
      byte[] buf,
      boolean object,
      boolean large,
      int pos,
      int available,
      int depth,
      int limit,
      StringBuilder out) {
    if (depth >= MAX_DEPTH) {
      throw new MalformedValueException("JSON nests deeper than " + MAX_DEPTH + " levels");
    }
    int offsetSize = large ? 4 : 2;
    if (available < 2 * offsetSize) {
      throw new MalformedValueException(
          "JSON " + kind(object) + " header needs " + 2 * offsetSize + " bytes, has " + available);
    }
    long count = readOffset(buf, pos, large);
    long size = readOffset(buf, pos + offsetSize, large);
    if (size > available) {
      throw new MalformedValueException(
          "JSON "
              + kind(object)
              + " of "
              + size
              + " bytes exceeds the "
              + available
              + " available");
    }
    int keyEntrySize = offsetSize + 2;
    int valueEntrySize = offsetSize + 1;
    long headerSize = 2L * offsetSize + count * ((object ? keyEntrySize : 0) + valueEntrySize);
    if (headerSize > size) {
      throw new MalformedValueException(
          "JSON " + kind(object) + " of " + count + " elements does not fit in " + size + " bytes");
    }
    int bytes = (int) size;
    int n = (int) count;
    int valueEntries = 2 * offsetSize + (object ? n * keyEntrySize : 0);
    out.append(object ? '{' : '[');
    for (int i = 0; i < n; i++) {
      checkBudget(limit, out);
      if (i > 0) {
        out.append(", ");
      }
      if (object) {
        int keyEntry = 2 * offsetSize + i * keyEntrySize;
        long keyOffset = readOffset(buf, pos + keyEntry, large);
        int keyLength = readUint16(buf, pos + keyEntry + offsetSize);
        if (keyOffset < headerSize || keyOffset + keyLength > bytes) {
          throw new MalformedValueException(
              "JSON key "
                  + i
                  + " at offset "
                  + keyOffset
                  + " with length "
                  + keyLength
                  + " lies outside its object");
        }
        appendString(buf, pos + (int) keyOffset, keyLength, out);
        out.append(": ");
      }
      int entry = valueEntries + i * valueEntrySize;
      int type = buf[pos + entry] & 0xFF;
      if (isInlined(type, large)) {
        scalar(buf, type, pos + entry + 1, valueEntrySize - 1, out);
      } else {
        long valueOffset = readOffset(buf, pos + entry + 1, large);
        if (valueOffset < entry + valueEntrySize || valueOffset > bytes) {
          throw new MalformedValueException(
              "JSON " + kind(object) + " element " + i + " has bad offset " + valueOffset);
        }
        int at = (int) valueOffset;
        value(buf, type, pos + at, bytes - at, depth + 1, limit, out);
      }
    }
    out.append(object ? '}' : ']');
  }

  /**
   * Refuses to write more once the output passed its limit. Checked before every element, so the
   * output can overshoot by at most one scalar, and total work stays proportional to the input.
   */
  private static void checkBudget(int limit, StringBuilder out) {
    if (out.length() > limit) {
      throw new MalformedValueException(
          "JSON value expands beyond " + OUTPUT_CHARS_PER_BYTE + " characters per byte");
    }
  }

  private static String kind(boolean object) {
    return object ? "object" : "array";
  }

  private static boolean isInlined(int type, boolean large) {
    return switch (type) {
      case LITERAL, INT16, UINT16 -> true;
      case INT32, UINT32 -> large;
      default -> false;
    };
  }

  private static void scalar(byte[] buf, int type, int pos, int available, StringBuilder out) {
    switch (type) {
      case LITERAL -> {
        need(available, 1, "literal");
        switch (buf[pos]) {
          case 0 -> out.append("null");
          case 1 -> out.append("true");
          case 2 -> out.append("false");
          default -> throw new MalformedValueException("bad JSON literal " + buf[pos]);
        }
      }
      case INT16 -> {
        need(available, 2, "int16");
        out.append((short) readUint16(buf, pos));
      }
      case UINT16 -> {
        need(available, 2, "uint16");
        out.append(readUint16(buf, pos));
      }
      case INT32 -> {
        need(available, 4, "int32");
        out.append((int) readUint32(buf, pos));
      }
      case UINT32 -> {
        need(available, 4, "uint32");
        out.append(readUint32(buf, pos));
      }
      case INT64 -> {
        need(available, 8, "int64");
        out.append(readInt64(buf, pos));
      }
      case UINT64 -> {
        need(available, 8, "uint64");
        appendUnsigned(readInt64(buf, pos), out);
      }
      case DOUBLE -> {
        need(available, 8, "double");
        appendDouble(Double.longBitsToDouble(readInt64(buf, pos)), out);
      }
      case STRING -> {
        long sized = readVariableLength(buf, pos, available);
        int headerLength = (int) (sized >>> 32);
        int length = (int) sized;
        if ((long) headerLength + length > available) {
          throw new MalformedValueException(
              "JSON string of " + length + " bytes exceeds the " + available + " available");
        }
        appendString(buf, pos + headerLength, length, out);
      }
      case OPAQUE -> {
        need(available, 1, "opaque value");
        int fieldType = buf[pos] & 0xFF;
        long sized = readVariableLength(buf, pos + 1, available - 1);
        int headerLength = (int) (sized >>> 32);
        int length = (int) sized;
        if (1L + headerLength + length > available) {
          throw new MalformedValueException(
              "JSON opaque value of " + length + " bytes exceeds the " + available + " available");
        }
        opaque(buf, fieldType, pos + 1 + headerLength, length, out);
      }
      default -> throw new MalformedValueException("unknown JSON value type " + type);
    }
  }

  private static void need(int available, int needed, String what) {
    if (available < needed) {
      throw new MalformedValueException(
          "JSON " + what + " needs " + needed + " bytes, has " + available);
    }
  }

  private static void opaque(byte[] buf, int fieldType, int pos, int length, StringBuilder out) {
    switch (fieldType) {
      case MYSQL_TYPE_NEWDECIMAL -> appendDecimal(buf, pos, length, out);
      case MYSQL_TYPE_DATE, MYSQL_TYPE_DATETIME, MYSQL_TYPE_TIMESTAMP, MYSQL_TYPE_TIME -> {
        if (length != 8) {
          throw new MalformedValueException(
              "JSON temporal value of type " + fieldType + " has " + length + " bytes, not 8");
        }
        out.append('"');
        long packed = readInt64(buf, pos);
        if (fieldType == MYSQL_TYPE_TIME) {
          appendTime(packed, out);
        } else {
          appendDate(packed, fieldType != MYSQL_TYPE_DATE, out);
        }
        out.append('"');
      }
      case MYSQL_TYPE_VAR_STRING -> appendString(buf, pos, length, out);
      default -> appendBase64(buf, fieldType, pos, length, out);
    }
  }

  private static void appendDecimal(byte[] buf, int pos, int length, StringBuilder out) {
    if (length < 2) {
      throw new MalformedValueException("JSON decimal of " + length + " bytes has no type");
    }
    int precision = buf[pos] & 0xFF;
    int scale = buf[pos + 1] & 0xFF;
    int size = Decimals.binarySize(precision, scale);
    if (size != length - 2) {
      throw new MalformedValueException(
          "JSON DECIMAL("
              + precision
              + ","
              + scale
              + ") has "
              + (length - 2)
              + " bytes, not "
              + size);
    }
    if (precision > Decimals.MAX_LONG_PRECISION) {
      BigDecimal value = Decimals.decode(buf, pos + 2, precision, scale);
      out.append(value.toPlainString());
      return;
    }
    long unscaled = Decimals.decodeUnscaledLong(buf, pos + 2, precision, scale);
    if (unscaled < 0) {
      out.append('-');
      unscaled = -unscaled;
    }
    if (scale == 0) {
      out.append(unscaled);
      return;
    }
    long unit = POWERS_OF_TEN[scale];
    out.append(unscaled / unit).append('.');
    appendDigits(unscaled % unit, scale, out);
  }

  /** A DATE (without time) or a DATETIME/TIMESTAMP, MySQL's {@code my_TIME_to_str}. */
  private static void appendDate(long packed, boolean withTime, StringBuilder out) {
    long micros = packed & 0xFFFFFF;
    long ymdhms = packed >> 24;
    long ymd = ymdhms >> 17;
    long hms = ymdhms & 0x1FFFF;
    long day = ymd & 0x1F;
    long yearMonth = ymd >> 5;
    long month = yearMonth % 13;
    long year = yearMonth / 13;
    long hour = hms >> 12;
    long minute = (hms >> 6) & 0x3F;
    long second = hms & 0x3F;
    if (packed < 0
        || year > 9999
        || (withTime && (hour > 23 || minute > 59 || second > 59 || micros > 999_999))) {
      throw new MalformedValueException("bad packed JSON date 0x" + Long.toHexString(packed));
    }
    appendDigits(year, 4, out);
    out.append('-');
    appendDigits(month, 2, out);
    out.append('-');
    appendDigits(day, 2, out);
    if (withTime) {
      out.append(' ');
      appendClock(hour, minute, second, micros, out);
    }
  }

  /** A TIME, possibly negative, hours past 24 allowed: MySQL's {@code my_time_to_str}. */
  private static void appendTime(long packed, StringBuilder out) {
    if (packed == Long.MIN_VALUE) {
      throw new MalformedValueException("bad packed JSON time 0x" + Long.toHexString(packed));
    }
    long magnitude = Math.abs(packed);
    long micros = magnitude & 0xFFFFFF;
    long hms = magnitude >> 24;
    long hour = hms >> 12;
    long minute = (hms >> 6) & 0x3F;
    long second = hms & 0x3F;
    if (hour > 838 || minute > 59 || second > 59 || micros > 999_999) {
      throw new MalformedValueException("bad packed JSON time 0x" + Long.toHexString(packed));
    }
    if (packed < 0) {
      out.append('-');
    }
    appendClock(hour, minute, second, micros, out);
  }

  private static void appendClock(
      long hour, long minute, long second, long micros, StringBuilder out) {
    appendDigits(hour, hour > 99 ? 3 : 2, out);
    out.append(':');
    appendDigits(minute, 2, out);
    out.append(':');
    appendDigits(second, 2, out);
    out.append('.');
    appendDigits(micros, 6, out);
  }

  /** Appends a non-negative number below 10^width in exactly {@code width} digits. */
  private static void appendDigits(long value, int width, StringBuilder out) {
    for (long unit = POWERS_OF_TEN[width - 1]; unit > 0; unit /= 10) {
      out.append((char) ('0' + (value / unit) % 10));
    }
  }

  private static void appendUnsigned(long value, StringBuilder out) {
    if (value >= 0) {
      out.append(value);
    } else {
      long quotient = (value >>> 1) / 5;
      out.append(quotient).append((char) ('0' + (value - quotient * 10)));
    }
  }

  /**
   * Appends a double as MySQL prints it: the shortest decimal that reads back as the same double
   * ({@code dtoa} mode 0), in plain notation when the decimal point falls within -14..15 digits of
   * the first digit and in {@code 1.5e-16} notation otherwise ({@code my_gcvt} with MySQL's field
   * width of 34), with {@code .0} added to a plain integral value. The digits come from {@link
   * StringBuilder#append(double)}, which also chooses a shortest decimal except that where a single
   * digit would do it may pick a closer two-digit one ({@code 4.9E-324}); such values are redone
   * here. Infinities and NaN, which MySQL cannot store, are malformed.
   */
  static void appendDouble(double value, StringBuilder out) {
    if (!Double.isFinite(value)) {
      throw new MalformedValueException("JSON double is " + value);
    }
    if (value == 0) {
      out.append(Double.doubleToRawLongBits(value) < 0 ? "-0.0" : "0.0");
      return;
    }
    double magnitude = Math.abs(value);
    int start = out.length();
    out.append(magnitude);
    int end = out.length();
    // Read back digits and exponent: value = 0.<digits> * 10^point.
    long digits = 0;
    int count = 0;
    int point = 0;
    int exponent = 0;
    int pendingZeros = 0;
    boolean seenPoint = false;
    for (int i = start; i < end; i++) {
      char c = out.charAt(i);
      if (c == '.') {
        seenPoint = true;
      } else if (c == 'E') {
        exponent = Integer.parseInt(out, i + 1, end, 10);
        break;
      } else {
        int digit = c - '0';
        if (digit == 0 && count == 0) {
          if (seenPoint) {
            point--;
          }
        } else if (digit == 0) {
          pendingZeros++;
          if (!seenPoint) {
            point++;
          }
        } else {
          for (; pendingZeros > 0; pendingZeros--) {
            digits *= 10;
            count++;
          }
          digits = digits * 10 + digit;
          count++;
          if (!seenPoint) {
            point++;
          }
        }
      }
    }
    point += exponent;
    if (count == 2) {
      // A one-digit decimal may also read back as this double; dtoa would print that one.
      long lower = digits / 10;
      int lowerPower = point - 1;
      boolean lowerFits = readsBackAs(lower, lowerPower, magnitude);
      boolean upperFits = readsBackAs(lower + 1, lowerPower, magnitude);
      if (lowerFits || upperFits) {
        boolean upper =
            upperFits
                && (!lowerFits
                    || new BigDecimal(magnitude)
                            .compareTo(BigDecimal.valueOf(lower * 10 + 5, 1 - lowerPower))
                        > 0);
        digits = upper ? lower + 1 : lower;
        count = 1;
        if (digits == 10) {
          digits = 1;
          point++;
        }
      }
    }
    out.setLength(start);
    if (value < 0) {
      out.append('-');
    }
    if (point >= -14 && (point <= 15 || count > point)) {
      if (point <= 0) {
        out.append("0.");
        for (int i = point; i < 0; i++) {
          out.append('0');
        }
        appendDigits(digits, count, out);
      } else if (point < count) {
        long unit = POWERS_OF_TEN[count - point];
        out.append(digits / unit).append('.');
        appendDigits(digits % unit, count - point, out);
      } else {
        out.append(digits);
        for (int i = count; i < point; i++) {
          out.append('0');
        }
        out.append(".0");
      }
    } else {
      long unit = POWERS_OF_TEN[count - 1];
      out.append(digits / unit);
      if (count > 1) {
        out.append('.');
        appendDigits(digits % unit, count - 1, out);
      }
      out.append('e').append(point - 1);
    }
  }

  /** Whether the decimal {@code digit * 10^power} (one digit, or 10) rounds to {@code value}. */
  private static boolean readsBackAs(long digit, int power, double value) {
    if (power >= 0 && power < EXACT_POWERS_OF_TEN.length) {
      return digit * EXACT_POWERS_OF_TEN[power] == value;
    }
    if (power < 0 && -power < EXACT_POWERS_OF_TEN.length) {
      return digit / EXACT_POWERS_OF_TEN[-power] == value;
    }
    return Double.parseDouble(digit + "E" + power) == value;
  }

  /**
   * Appends MySQL's {@code "base64:type<N>:..."} form: standard base64 with padding, an escaped
   * newline after every 76 characters (MySQL's {@code base64_encode}), quoted.
   */
  private static void appendBase64(
      byte[] buf, int fieldType, int pos, int length, StringBuilder out) {
    out.append("\"base64:type").append(fieldType).append(':');
    int lineLength = 0;
    int end = pos + length;
    for (int i = pos; i < end; i += 3) {
      if (lineLength == BASE64_LINE) {
        out.append("\\n");
        lineLength = 0;
      }
      int b0 = buf[i] & 0xFF;
      int b1 = i + 1 < end ? buf[i + 1] & 0xFF : 0;
      int b2 = i + 2 < end ? buf[i + 2] & 0xFF : 0;
      int bits = (b0 << 16) | (b1 << 8) | b2;
      out.append(BASE64[bits >>> 18]).append(BASE64[(bits >>> 12) & 0x3F]);
      out.append(i + 1 < end ? BASE64[(bits >>> 6) & 0x3F] : '=');
      out.append(i + 2 < end ? BASE64[bits & 0x3F] : '=');
      lineLength += 4;
    }
    out.append('"');
  }

  /**
   * Appends UTF-8 bytes as a quoted, escaped JSON string. Invalid UTF-8 becomes U+FFFD per maximal
   * subpart (a lead byte and the continuation bytes valid after it; the first byte that does not
   * fit starts the next sequence), as the Unicode Standard (section 3.9) recommends.
   */
  private static void appendString(byte[] buf, int pos, int length, StringBuilder out) {
    out.append('"');
    int end = pos + length;
    int i = pos;
    while (i < end) {
      int b = buf[i];
      if (b >= 0) {
        appendAscii((char) b, out);
        i++;
        continue;
      }
      b &= 0xFF;
      int continuations;
      int codePoint;
      int low = 0x80;
      int high = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        continuations = 1;
        codePoint = b & 0x1F;
      } else if (b >= 0xE0 && b <= 0xEF) {
        continuations = 2;
        codePoint = b & 0x0F;
        if (b == 0xE0) {
          low = 0xA0;
        } else if (b == 0xED) {
          high = 0x9F;
        }
      } else if (b >= 0xF0 && b <= 0xF4) {
        continuations = 3;
        codePoint = b & 0x07;
        if (b == 0xF0) {
          low = 0x90;
        } else if (b == 0xF4) {
          high = 0x8F;
        }
      } else {
        out.append('\uFFFD');
        i++;
        continue;
      }
      int j = i + 1;
      boolean complete = true;
      for (int k = 0; k < continuations; k++, j++) {
        int c = j < end ? buf[j] & 0xFF : -1;
        if (c < low || c > high) {
          complete = false;
          break;
        }
        low = 0x80;
        high = 0xBF;
        codePoint = (codePoint << 6) | (c & 0x3F);
      }
      if (complete) {
        out.appendCodePoint(codePoint);
      } else {
        out.append('\uFFFD');
      }
      i = j;
    }
    out.append('"');
  }

  private static void appendAscii(char c, StringBuilder out) {
    switch (c) {
      case '"' -> out.append("\\\"");
      case '\\' -> out.append("\\\\");
      case '\b' -> out.append("\\b");
      case '\f' -> out.append("\\f");
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      default -> {
        if (c < 0x20) {
          out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
        } else {
          out.append(c);
        }
      }
    }
  }

  private static int readUint16(byte[] buf, int pos) {
    return (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8;
  }

  private static long readUint32(byte[] buf, int pos) {
    return (readUint16(buf, pos) | (long) readUint16(buf, pos + 2) << 16);
  }

  private static long readInt64(byte[] buf, int pos) {
    return readUint32(buf, pos) | readUint32(buf, pos + 4) << 32;
  }

  private static long readOffset(byte[] buf, int pos, boolean large) {
    return large ? readUint32(buf, pos) : readUint16(buf, pos);
  }

  /**
   * Reads a variable-length size at {@code pos} within {@code available} bytes; returns the number
   * of size bytes in the high half and the size in the low half.
   */
  private static long readVariableLength(byte[] buf, int pos, int available) {
    long length = 0;
    int max = Math.min(available, 5);
    for (int i = 0; i < max; i++) {
      int b = buf[pos + i];
      length |= (long) (b & 0x7F) << (7 * i);
      if (b >= 0) {
        if (length > Integer.MAX_VALUE) {
          throw new MalformedValueException("JSON length " + length + " is too large");
        }
        return (long) (i + 1) << 32 | length;
      }
    }
    throw new MalformedValueException("JSON length is truncated or longer than five bytes");
  }
}
