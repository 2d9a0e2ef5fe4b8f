package dev.hamal.binlog.event;

import dev.hamal.binlog.Operation;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the rows of a WRITE/UPDATE/DELETE rows event (v1 and v2, MySQL and MariaDB) into {@link
 * DecodedRows}, using the table's {@link TableDecoder}. Pure function of its inputs; called on
 * worker threads, many events in parallel.
 *
 * <p>Body layout after the common header: table id (6 bytes, or 4), flags (2), for v2 an extra data
 * block (2-byte length that counts itself, then typed extra info to skip), the column count
 * (length-encoded), the "columns present" bitmap of the first image and, for updates, that of the
 * second image; then rows until the end of the event (before the checksum). Each image is a null
 * bitmap with one bit per present column, followed by the values of the present non-null columns in
 * column order.
 *
 * <p>Fails with {@link MalformedValueException} on bytes that do not fit the format; the caller
 * names server and position. Never reads outside the event, never allocates more than the event
 * could hold.
 */
public final class RowsDecoder {
  private RowsDecoder() {}

  /**
   * Values a rows event may expand to at least (4 Mi, about 50 MiB decoded); beyond that only 16
   * per event byte. Dense FULL images stay far below; the limit stops corrupt counts and bitmaps
   * from turning a small event into an out-of-memory error.
   */
  static final long MIN_SLOT_LIMIT = 4L << 20;

  /** Stop-flag bit of a rows event: the last event of its statement. */
  public static final int STMT_END_FLAG = 0x1;

  /** Operation of a rows event type, or {@code null} when the type carries no rows. */
  public static Operation operation(int type) {
    return switch (type) {
      case EventType.WRITE_ROWS_V1, EventType.WRITE_ROWS_V2 -> Operation.INSERT;
      case EventType.UPDATE_ROWS_V1, EventType.UPDATE_ROWS_V2, EventType.PARTIAL_UPDATE_ROWS ->
          Operation.UPDATE;
      case EventType.DELETE_ROWS_V1, EventType.DELETE_ROWS_V2 -> Operation.DELETE;
      default -> null;
    };
  }

  /** Whether the rows event type has the v2 extra-data block after its post-header. */
  static boolean hasExtraData(int type) {
    return type == EventType.WRITE_ROWS_V2
        || type == EventType.UPDATE_ROWS_V2
        || type == EventType.DELETE_ROWS_V2
        || type == EventType.PARTIAL_UPDATE_ROWS;
  }

  /** The table id of a rows event, read from its post-header. */
  public static long tableId(byte[] event, FormatDescription format, int type) {
    int at = format.headerLength();
    int postHeader = format.postHeaderLength(type, 8);
    ByteCursor in = new ByteCursor(event, at, event.length);
    return postHeader == 6 ? in.u32() : in.u48();
  }

  /** The flags of a rows event ({@link #STMT_END_FLAG}, ...). */
  public static int flags(byte[] event, FormatDescription format, int type) {
    int postHeader = format.postHeaderLength(type, 8);
    ByteCursor in =
        new ByteCursor(event, format.headerLength() + (postHeader == 6 ? 4 : 6), event.length);
    return in.u16();
  }

  /**
   * Decodes every row of the event.
   *
   * @param body the event's bytes after decompression if it was compressed (whole event, common
   *     header included); {@code end} excludes the checksum
   */
  public static DecodedRows decode(
      byte[] body, int end, FormatDescription format, int type, TableDecoder table) {
    Operation operation = operation(type);
    if (operation == null || type == EventType.PARTIAL_UPDATE_ROWS) {
      throw new MalformedValueException(
          "event type " + EventType.name(type) + " is not decodable here");
    }
    ByteCursor in = new ByteCursor(body, format.headerLength(), end);
    int postHeader = format.postHeaderLength(type, hasExtraData(type) ? 10 : 8);
    in.skip(postHeader == 6 ? 4 : 6); // table id
    in.skip(2); // flags
    if (hasExtraData(type)) {
      int extra = in.u16();
      if (extra < 2) {
        throw new MalformedValueException("v2 extra data length " + extra + " < 2");
      }
      in.skip(extra - 2);
    }
    int columns = in.packedCount(TableMap.MAX_COLUMNS);
    if (columns != table.columnCount()) {
      throw new MalformedValueException(
          "rows event has "
              + columns
              + " columns but the table map of "
              + table.name()
              + " has "
              + table.columnCount());
    }
    int bitmapBytes = (columns + 7) >>> 3;
    int presentA = in.take(bitmapBytes);
    int presentB = operation == Operation.UPDATE ? in.take(bitmapBytes) : presentA;
    int presentCountA = countBits(body, presentA, columns);
    int presentCountB = countBits(body, presentB, columns);
    // Each image needs at least its null bitmap; a cheap bound for the first allocation.
    // Size the arrays from the bytes per image this table's last event needed (a hint shared by
    // the workers without synchronisation: a stale value only costs a resize); at first guess.
    int bytesPerImage = table.bytesPerImageHint;
    int bodyBytes = end - in.position();
    int expected =
        bytesPerImage > 0
            ? bodyBytes / bytesPerImage + 1
            : Math.min(bodyBytes / Math.max(1, (presentCountA + 7) >>> 3), 16);
    DecodedRows out = new DecodedRows(table, operation, expected);
    int bodyStart = in.position();
    long maxSlots = Math.max(MIN_SLOT_LIMIT, (long) (end - in.position()) * 16);
    while (in.hasRemaining()) {
      int rowStart = in.position();
      readImage(in, body, presentA, presentCountA, table, out);
      if (operation == Operation.UPDATE) {
        readImage(in, body, presentB, presentCountB, table, out);
      }
      if (in.position() == rowStart) {
        throw new MalformedValueException("a row image with no columns cannot be decoded");
      }
      if ((long) out.images * columns > maxSlots) {
        throw new MalformedValueException(
            "rows event holds more than " + maxSlots + " values for its " + body.length + " bytes");
      }
    }
    if (out.images > 0) {
      table.bytesPerImageHint = Math.max(1, (in.position() - bodyStart) / out.images);
    }
    return out;
  }

  private static int countBits(byte[] b, int at, int bits) {
    int n = 0;
    int full = bits >>> 3;
    for (int i = 0; i < full; i++) {
      n += Integer.bitCount(b[at + i] & 0xff);
    }
    int rest = bits & 7;
    if (rest != 0) {
      n += Integer.bitCount(b[at + full] & ((1 << rest) - 1));
    }
    return n;
  }

  private static void readImage(
      ByteCursor in, byte[] b, int presentAt, int presentCount, TableDecoder t, DecodedRows out) {
    int columns = t.columnCount();
    int base = out.addImage();
    byte[] state = out.state;
    long[] longs = out.longs;
    Object[] refs = out.refs;
    int nullsAt = in.take((presentCount + 7) >>> 3);
    int nullBit = 0;
    for (int c = 0; c < columns; c++) {
      int slot = base + c;
      if ((b[presentAt + (c >>> 3)] & (1 << (c & 7))) == 0) {
        state[slot] = DecodedRows.ABSENT;
        refs[slot] = null;
        continue;
      }
      boolean isNull = (b[nullsAt + (nullBit >>> 3)] & (1 << (nullBit & 7))) != 0;
      nullBit++;
      if (isNull) {
        state[slot] = DecodedRows.NULL;
        refs[slot] = null;
        continue;
      }
      state[slot] = DecodedRows.VALUE;
      refs[slot] = null;
      readValue(in, b, t, c, slot, longs, refs);
    }
  }

  private static void readValue(
      ByteCursor in, byte[] b, TableDecoder t, int c, int slot, long[] longs, Object[] refs) {
    int meta = t.meta[c];
    switch (t.kind[c]) {
      case TableDecoder.K_INT8 -> {
        int v = b[in.take(1)];
        longs[slot] = t.unsigned[c] ? v & 0xff : v;
      }
      case TableDecoder.K_INT16 -> {
        int v = in.u16();
        longs[slot] = t.unsigned[c] ? v : (short) v;
      }
      case TableDecoder.K_INT24 -> {
        int v = in.u24();
        longs[slot] = t.unsigned[c] ? v : (v << 8) >> 8;
      }
      case TableDecoder.K_INT32 -> {
        long v = in.u32();
        longs[slot] = t.unsigned[c] ? v : (int) v;
      }
      case TableDecoder.K_INT64, TableDecoder.K_DOUBLE -> longs[slot] = in.s64();
      case TableDecoder.K_FLOAT -> longs[slot] = in.u32();
      case TableDecoder.K_DECIMAL_LONG -> {
        int precision = meta >>> 8;
        int scale = meta & 0xff;
        int at = in.take(Decimals.binarySize(precision, scale));
        longs[slot] = Decimals.decodeUnscaledLong(b, at, precision, scale);
      }
      case TableDecoder.K_DECIMAL_BIG -> {
        int precision = meta >>> 8;
        int scale = meta & 0xff;
        int at = in.take(Decimals.binarySize(precision, scale));
        BigDecimal v = Decimals.decode(b, at, precision, scale);
        refs[slot] = v;
      }
      case TableDecoder.K_YEAR -> {
        int v = in.u8();
        longs[slot] = v == 0 ? 0 : 1900 + v;
      }
      case TableDecoder.K_DATE -> {
        int v = in.u24();
        longs[slot] = Temporals.pack(v >>> 9, (v >>> 5) & 0xf, v & 0x1f, 0, 0, 0, 0);
      }
      case TableDecoder.K_TIME -> {
        int v = in.u24();
        v = (v << 8) >> 8;
        long abs = Math.abs((long) v);
        long micros = ((abs / 10000) * 3600 + (abs / 100 % 100) * 60 + abs % 100) * 1_000_000L;
        longs[slot] = v < 0 ? -micros : micros;
      }
      case TableDecoder.K_TIME2 -> longs[slot] = time2(in, meta);
      case TableDecoder.K_DATETIME -> {
        long v = in.s64();
        long date = v / 1_000_000L;
        long time = v % 1_000_000L;
        longs[slot] =
            Temporals.pack(
                (int) (date / 10000),
                (int) (date / 100 % 100),
                (int) (date % 100),
                (int) (time / 10000),
                (int) (time / 100 % 100),
                (int) (time % 100),
                0);
      }
      case TableDecoder.K_DATETIME2 -> {
        long v = in.uintBigEndian(5) - 0x8000000000L;
        int micros = fraction(in, meta);
        if (v < 0) {
          throw new MalformedValueException("negative DATETIME2 value");
        }
        long ymd = v >>> 17;
        long ym = ymd >>> 5;
        long hms = v & 0x1ffff;
        longs[slot] =
            Temporals.pack(
                (int) (ym / 13),
                (int) (ym % 13),
                (int) (ymd & 0x1f),
                (int) (hms >>> 12),
                (int) ((hms >>> 6) & 0x3f),
                (int) (hms & 0x3f),
                micros);
      }
      case TableDecoder.K_TIMESTAMP -> longs[slot] = in.u32() * 1_000_000L;
      case TableDecoder.K_TIMESTAMP2 -> {
        long seconds = in.uintBigEndian(4);
        longs[slot] = seconds * 1_000_000L + fraction(in, meta);
      }
      case TableDecoder.K_BIT -> longs[slot] = in.uintBigEndian(meta);
      case TableDecoder.K_ENUM, TableDecoder.K_SET -> longs[slot] = in.uint(meta);
      case TableDecoder.K_CHAR -> {
        int length = meta > 255 ? in.u16() : in.u8();
        Charset charset = t.charsets[c];
        if (charset == null && length < meta) {
          // BINARY(n): the server strips trailing 0x00 bytes when it logs the value
          int at = in.take(length);
          byte[] padded = new byte[meta];
          System.arraycopy(b, at, padded, 0, length);
          refs[slot] = padded;
        } else {
          refs[slot] = textOrBytes(in, b, length, charset);
        }
      }
      case TableDecoder.K_VARCHAR -> {
        int length = meta == 1 ? in.u8() : in.u16();
        refs[slot] = textOrBytes(in, b, length, t.charsets[c]);
      }
      case TableDecoder.K_BLOB -> {
        int length = (int) lengthPrefix(in, meta);
        refs[slot] = textOrBytes(in, b, length, t.charsets[c]);
      }
      case TableDecoder.K_JSON -> {
        int length = (int) lengthPrefix(in, meta);
        int at = in.take(length);
        refs[slot] = length == 0 ? "null" : JsonBinary.toJson(b, at, length);
      }
      case TableDecoder.K_NULL ->
          throw new MalformedValueException("a NULL-typed column carries a value");
      default ->
          throw new MalformedValueException(
              "column " + (c + 1) + " has an unsupported type " + MySqlType.name(t.meta[c]));
    }
  }

  private static long lengthPrefix(ByteCursor in, int bytes) {
    long length = in.uint(bytes);
    if (length > in.remaining()) {
      throw new MalformedValueException(
          "value of " + length + " bytes exceeds the " + in.remaining() + " left in the event");
    }
    return length;
  }

  private static Object textOrBytes(ByteCursor in, byte[] b, int length, Charset charset) {
    int at = in.take(length);
    if (charset == null) {
      byte[] copy = new byte[length];
      System.arraycopy(b, at, copy, 0, length);
      return copy;
    }
    if (charset == StandardCharsets.UTF_8) {
      return new String(b, at, length, StandardCharsets.UTF_8);
    }
    return new String(b, at, length, charset);
  }

  /** Fractional seconds of DATETIME2/TIMESTAMP2: (fsp + 1) / 2 big-endian bytes, as micros. */
  private static int fraction(ByteCursor in, int fsp) {
    return switch (fsp) {
      case 0 -> 0;
      case 1, 2 -> (int) in.uintBigEndian(1) * 10_000;
      case 3, 4 -> (int) in.uintBigEndian(2) * 100;
      default -> (int) in.uintBigEndian(3);
    };
  }

  /**
   * TIME2: 3 bytes big-endian (sign, 10-bit hour, 6-bit minute, 6-bit second) offset by 0x800000,
   * and the fraction; negative values store the fraction as a complement, which is why the integer
   * and fractional parts are combined before the offset is removed.
   */
  private static long time2(ByteCursor in, int fsp) {
    long packed;
    switch (fsp) {
      case 0 -> packed = (in.uintBigEndian(3) - 0x800000L) << 24;
      case 1, 2 -> {
        long intPart = in.uintBigEndian(3) - 0x800000L;
        long frac = in.uintBigEndian(1);
        if (intPart < 0 && frac != 0) {
          intPart++;
          frac -= 0x100;
        }
        packed = (intPart << 24) + frac * 10_000;
      }
      case 3, 4 -> {
        long intPart = in.uintBigEndian(3) - 0x800000L;
        long frac = in.uintBigEndian(2);
        if (intPart < 0 && frac != 0) {
          intPart++;
          frac -= 0x10000;
        }
        packed = (intPart << 24) + frac * 100;
      }
      default -> packed = in.uintBigEndian(6) - 0x800000000000L;
    }
    boolean negative = packed < 0;
    long abs = Math.abs(packed);
    long hms = abs >>> 24;
    long micros = abs & 0xffffffL;
    long hours = (hms >>> 12) & 0x3ff;
    long minutes = (hms >>> 6) & 0x3f;
    long seconds = hms & 0x3f;
    long total = ((hours * 60 + minutes) * 60 + seconds) * 1_000_000L + micros;
    return negative ? -total : total;
  }
}
