package dev.hamal.binlog.event;

import io.airlift.compress.zstd.ZstdDecompressor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Parsers of the events that steer the stream rather than carry rows: ROTATE, QUERY, XID, the GTID
 * events of both servers, MariaDB's GTID_LIST, HEARTBEAT, INCIDENT and MySQL's TRANSACTION_PAYLOAD.
 * Each takes the whole event (header included) and the format description in force, and throws
 * {@link MalformedValueException} when the bytes do not fit.
 */
public final class ControlEvents {
  private ControlEvents() {}

  /** ROTATE: the next event is in {@code file} at {@code position}. */
  public record Rotate(String file, long position) {}

  /**
   * QUERY: a statement (BEGIN, COMMIT, DDL, or statement-based DML).
   *
   * @param schema the default database of the statement's session ({@code ""} when none)
   * @param serverCollation {@code collation_server} from the status variables, or -1
   * @param databaseCollation the default collation of {@code schema}, or -1
   * @param sqlMode the session's {@code sql_mode} flags (0 when not carried)
   */
  public record Query(
      long threadId,
      int errorCode,
      String schema,
      String sql,
      int serverCollation,
      int databaseCollation,
      long sqlMode) {}

  /**
   * A transaction's GTID, MariaDB's ({@code domain-server-sequence}) or MySQL's ({@code
   * uuid:number}).
   *
   * @param text the GTID as the server prints it
   * @param standalone MariaDB: the transaction is one statement without BEGIN/COMMIT (DDL)
   * @param commitMicros MySQL 8: original commit time in microseconds since the epoch, else 0
   * @param mariaDomain MariaDB replication domain, or -1
   * @param mariaSequence MariaDB sequence number, or -1
   */
  public record Gtid(
      String text,
      boolean standalone,
      long commitMicros,
      long mariaDomain,
      long mariaServer,
      long mariaSequence) {}

  private static final int MARIADB_FL_STANDALONE = 1;
  private static final int MARIADB_FL_GROUP_COMMIT_ID = 2;
  private static final int MARIADB_FL_PREPARED_XA = 64;
  private static final int MARIADB_FL_COMPLETED_XA = 128;

  private static ByteCursor body(byte[] event, FormatDescription format) {
    return new ByteCursor(event, format.headerLength(), event.length - format.checksumLength());
  }

  /** The fake ROTATE sent before any format description is parsed with {@code checksumLength}. */
  public static Rotate rotate(byte[] event, int headerLength, int checksumLength) {
    ByteCursor in = new ByteCursor(event, headerLength, event.length - checksumLength);
    long position = in.s64();
    String file = in.restAsUtf8();
    if (file.isEmpty() || position < 4) {
      throw new MalformedValueException("rotate to '" + file + "' at " + position);
    }
    return new Rotate(file, position);
  }

  public static Query query(byte[] event, FormatDescription format) {
    ByteCursor in = body(event, format);
    int postHeader = format.postHeaderLength(EventType.QUERY, 13);
    int start = in.position();
    long threadId = in.u32();
    in.skip(4); // execution time
    int schemaLength = in.u8();
    int errorCode = in.u16();
    int statusLength = postHeader >= 13 ? in.u16() : 0;
    in.seek(start + postHeader);
    int statusAt = in.take(statusLength);
    long[] status = statusVariables(event, statusAt, statusAt + statusLength);
    String schema = in.utf8(schemaLength);
    in.skip(1);
    String sql = in.restAsUtf8();
    return new Query(threadId, errorCode, schema, sql, (int) status[0], (int) status[1], status[2]);
  }

  /**
   * Reads {@code collation_server} (Q_CHARSET_CODE), the database collation
   * (Q_CHARSET_DATABASE_CODE) and {@code sql_mode} (Q_SQL_MODE_CODE) from the status variables;
   * stops at the first variable it cannot size (later servers add variables, and nothing after
   * those matters here).
   */
  private static long[] statusVariables(byte[] event, int from, int to) {
    long[] result = {-1, -1, 0};
    ByteCursor in = new ByteCursor(event, from, to);
    while (in.hasRemaining()) {
      int code = in.u8();
      switch (code) {
        case 0 -> in.skip(4); // Q_FLAGS2_CODE
        case 1 -> result[2] = in.s64(); // Q_SQL_MODE_CODE
        case 2 -> in.skip(in.u8() + 1); // Q_CATALOG_CODE
        case 3 -> in.skip(4); // Q_AUTO_INCREMENT
        case 4 -> { // Q_CHARSET_CODE: client charset, connection collation, server collation
          in.skip(4);
          result[0] = in.u16();
        }
        case 5, 6 -> in.skip(in.u8()); // Q_TIME_ZONE_CODE, Q_CATALOG_NZ_CODE
        case 7 -> in.skip(2); // Q_LC_TIME_NAMES_CODE
        case 8 -> result[1] = in.u16(); // Q_CHARSET_DATABASE_CODE
        case 9 -> in.skip(8); // Q_TABLE_MAP_FOR_UPDATE_CODE
        case 10 -> in.skip(4); // Q_MASTER_DATA_WRITTEN_CODE
        case 11 -> { // Q_INVOKER: user, host
          in.skip(in.u8());
          in.skip(in.u8());
        }
        case 12 -> { // Q_UPDATED_DB_NAMES
          int count = in.u8();
          if (count != 254) {
            for (int i = 0; i < count; i++) {
              in.zeroTerminated();
            }
          }
        }
        case 13 -> in.skip(3); // Q_MICROSECONDS
        case 14 -> in.skip(1); // Q_COMMIT_TS (unused by servers)
        case 16, 19, 20 -> in.skip(1);
        case 17 -> in.skip(8); // Q_DDL_LOGGED_WITH_XID
        case 18 -> in.skip(2); // Q_DEFAULT_COLLATION_FOR_UTF8MB4
        case 128 -> in.skip(3); // MariaDB Q_HRNOW
        case 129 -> in.skip(8); // MariaDB Q_XID
        default -> {
          return result;
        }
      }
    }
    return result;
  }

  public static long xid(byte[] event, FormatDescription format) {
    return body(event, format).s64();
  }

  /** MariaDB GTID event (162); the server id comes from the event header. */
  public static Gtid mariaDbGtid(byte[] event, FormatDescription format, long serverId) {
    ByteCursor in = body(event, format);
    long sequence = in.s64();
    long domain = in.u32();
    int flags = in.u8();
    if ((flags & MARIADB_FL_GROUP_COMMIT_ID) != 0) {
      in.skip(8);
    }
    if ((flags & (MARIADB_FL_PREPARED_XA | MARIADB_FL_COMPLETED_XA)) != 0) {
      in.skip(4);
      int gtrid = in.u8();
      int bqual = in.u8();
      in.skip(gtrid + bqual);
    }
    return new Gtid(
        domain + "-" + serverId + "-" + Long.toUnsignedString(sequence),
        (flags & MARIADB_FL_STANDALONE) != 0,
        0,
        domain,
        serverId,
        sequence);
  }

  /**
   * MySQL GTID (33) or ANONYMOUS_GTID (34): commit flag (1), source uuid (16), number (8), then
   * optionally the logical clock (type 2: two int64) and the immediate and original commit
   * timestamps (7 bytes each; the top bit of the immediate one says the original follows).
   */
  public static Gtid mySqlGtid(byte[] event, FormatDescription format) {
    ByteCursor in = body(event, format);
    in.skip(1);
    int uuidAt = in.take(16);
    long gno = in.s64();
    long commitMicros = 0;
    if (in.remaining() >= 1 && in.u8() == 2 && in.remaining() >= 16) {
      in.skip(16);
      if (in.remaining() >= 7) {
        long immediate = in.uint(7);
        commitMicros = immediate & 0x7fffffffffffffL;
        if ((immediate & (1L << 55)) != 0 && in.remaining() >= 7) {
          commitMicros = in.uint(7);
        }
      }
    }
    String hex = HexFormat.of().formatHex(event, uuidAt, uuidAt + 16);
    String uuid =
        hex.substring(0, 8)
            + "-"
            + hex.substring(8, 12)
            + "-"
            + hex.substring(12, 16)
            + "-"
            + hex.substring(16, 20)
            + "-"
            + hex.substring(20);
    return new Gtid(uuid + ":" + gno, false, commitMicros, -1, -1, -1);
  }

  /** MariaDB GTID_LIST (163): the last GTID of every domain before this binlog file. */
  public static List<Gtid> gtidList(byte[] event, FormatDescription format) {
    ByteCursor in = body(event, format);
    int count = (int) (in.u32() & 0x0fffffff);
    if (count > in.remaining() / 16) {
      throw new MalformedValueException("GTID list of " + count + " entries is too long");
    }
    List<Gtid> gtids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long domain = in.u32();
      long server = in.u32();
      long sequence = in.s64();
      gtids.add(
          new Gtid(
              domain + "-" + server + "-" + Long.toUnsignedString(sequence),
              false,
              0,
              domain,
              server,
              sequence));
    }
    return gtids;
  }

  /** HEARTBEAT (27): the binlog file the source is at; the header carries the position. */
  public static String heartbeatFile(byte[] event, FormatDescription format) {
    return body(event, format).restAsUtf8();
  }

  /** INCIDENT (26): incident number and message. */
  public static String incident(byte[] event, FormatDescription format) {
    ByteCursor in = body(event, format);
    int number = in.u16();
    int length = in.remaining() > 0 ? in.u8() : 0;
    String message = in.string(Math.min(length, in.remaining()), StandardCharsets.UTF_8);
    return "incident " + number + (message.isEmpty() ? "" : ": " + message);
  }

  /** Bytes a transaction payload may expand to; larger claims are treated as corrupt. */
  static final long MAX_PAYLOAD_BYTES = 1L << 30;

  /** zstd expansion beyond this ratio is treated as a corrupt size field. */
  static final long MAX_COMPRESSION_RATIO = 2048;

  /**
   * TRANSACTION_PAYLOAD (40): header fields as (type, length, value) triples of length-encoded
   * integers up to an end mark (type 0), then the payload: the transaction's events, compressed
   * with zstd (compression type 0) or not (255), without checksums of their own.
   *
   * @return the inner events, each a whole event starting with its common header
   */
  public static List<byte[]> transactionPayload(byte[] event, FormatDescription format) {
    ByteCursor in = body(event, format);
    long payloadSize = -1;
    long compression = 0;
    long uncompressedSize = -1;
    while (in.hasRemaining()) {
      long field = in.packed();
      if (field == 0) {
        break;
      }
      int length = in.packedLength();
      ByteCursor value = new ByteCursor(in.array(), in.take(length), in.position());
      switch ((int) field) {
        case 1 -> payloadSize = value.packed();
        case 2 -> compression = value.packed();
        case 3 -> uncompressedSize = value.packed();
        default -> {
          // later fields are optional
        }
      }
    }
    if (payloadSize < 0 || payloadSize > in.remaining()) {
      throw new MalformedValueException(
          "transaction payload of " + payloadSize + " bytes, " + in.remaining() + " present");
    }
    int payloadAt = in.take((int) payloadSize);
    byte[] plain;
    if (compression == 255) {
      plain = java.util.Arrays.copyOfRange(event, payloadAt, payloadAt + (int) payloadSize);
    } else if (compression == 0) {
      if (uncompressedSize < 0
          || uncompressedSize > MAX_PAYLOAD_BYTES
          || uncompressedSize > Math.max(payloadSize, 1) * MAX_COMPRESSION_RATIO) {
        throw new MalformedValueException("uncompressed payload size " + uncompressedSize);
      }
      plain = new byte[(int) uncompressedSize];
      int n;
      try {
        n =
            new ZstdDecompressor()
                .decompress(event, payloadAt, (int) payloadSize, plain, 0, plain.length);
      } catch (RuntimeException e) {
        throw new MalformedValueException("zstd payload does not decompress: " + e.getMessage());
      }
      if (n != plain.length) {
        throw new MalformedValueException(
            "zstd payload expands to " + n + " bytes, header says " + plain.length);
      }
    } else {
      throw new MalformedValueException("unknown payload compression type " + compression);
    }
    List<byte[]> events = new ArrayList<>();
    int at = 0;
    while (at < plain.length) {
      if (plain.length - at < EventHeader.SIZE) {
        throw new MalformedValueException("truncated event inside a transaction payload");
      }
      long size = ByteCursor.u32(plain, at + 9);
      if (size < EventHeader.SIZE || size > plain.length - at) {
        throw new MalformedValueException("inner event size " + size + " out of range");
      }
      events.add(java.util.Arrays.copyOfRange(plain, at, at + (int) size));
      at += (int) size;
    }
    return events;
  }
}
