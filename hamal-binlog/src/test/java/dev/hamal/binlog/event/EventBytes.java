package dev.hamal.binlog.event;

import io.airlift.compress.zstd.ZstdCompressor;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * Writes binlog v4 events byte by byte the way the MySQL and MariaDB documentation describes them:
 * for unit tests, fuzzing and scripted servers that replay event streams. It is written from the
 * format documents (MySQL's {@code Rows_event}, {@code Table_map_event}, {@code Gtid_event}, {@code
 * Transaction_payload_event} and {@code Query_event} descriptions, MariaDB's replication protocol
 * pages), never from the decoder under test, so that the two can disagree.
 *
 * <p>A builder is a small stream writer: it knows the server flavour, the checksum setting, the
 * server id and the timestamp of the events it writes, and the binlog position of the next event.
 * Every event it writes has a correct size and {@code next_position} and, when checksums are on, a
 * CRC32 appended; writing advances the position (artificial events do not).
 *
 * <pre>{@code
 * EventBytes mysql = EventBytes.mySql();
 * byte[] fde = mysql.formatDescription();
 * EventBytes.Table t = EventBytes.table(42, "shop", "orders")
 *     .column(EventBytes.Column.bigInt("id").asUnsigned().notNull())
 *     .column(EventBytes.Column.varchar("note", 400, EventBytes.UTF8MB4))
 *     .primaryKey(0)
 *     .fullMetadata()
 *     .build();
 * byte[] map = mysql.tableMap(t);
 * byte[] rows = mysql.writeRows(t).row(1L, "hello").row(2L, null).build();
 * }</pre>
 *
 * <p>Not thread-safe. Nothing here validates values beyond what is needed to encode them: tests may
 * write impossible values on purpose.
 */
public final class EventBytes {

  /** The server whose binlog is imitated: decides versions, post-header lengths and layouts. */
  public enum Flavor {
    /** MySQL 8.0: rows events v2, GTID events with commit timestamps, transaction payloads. */
    MYSQL_8_0("8.0.36-log"),
    /** MariaDB 10.11: rows events v1, MariaDB GTID and GTID list events. */
    MARIADB_10_11("10.11.6-MariaDB-log");

    final String version;

    Flavor(String version) {
      this.version = version;
    }
  }

  /** Collation ids used by the fixtures. */
  public static final int BINARY = 63;

  public static final int LATIN1 = 8; // latin1_swedish_ci
  public static final int UTF8MB4 = 255; // utf8mb4_0900_ai_ci
  public static final int UTF8MB4_GENERAL = 45; // MariaDB's default utf8mb4 collation

  /** Header flag MariaDB sets on its GTID events ({@code LOG_EVENT_SUPPRESS_USE_F}). */
  public static final int FLAG_SUPPRESS_USE = 0x08;

  /** Rows event flag: last event of the statement. */
  public static final int STMT_END = 0x01;

  /** MariaDB GTID flags. */
  public static final int FL_STANDALONE = 1;

  public static final int FL_GROUP_COMMIT_ID = 2;
  public static final int FL_TRANSACTIONAL = 4;
  public static final int FL_DDL = 32;
  public static final int FL_PREPARED_XA = 64;
  public static final int FL_COMPLETED_XA = 128;

  private final Flavor flavor;
  private boolean checksum = true;
  private long serverId = 1;
  private long timestamp = 1_700_000_000L;
  private long position = 4;

  private EventBytes(Flavor flavor) {
    this.flavor = flavor;
  }

  public static EventBytes mySql() {
    return new EventBytes(Flavor.MYSQL_8_0);
  }

  public static EventBytes mariaDb() {
    return new EventBytes(Flavor.MARIADB_10_11);
  }

  public static EventBytes of(Flavor flavor) {
    return new EventBytes(flavor);
  }

  /** Whether events end in a CRC32 (default true, as servers do since 5.6/5.3). */
  public EventBytes checksum(boolean on) {
    this.checksum = on;
    return this;
  }

  public EventBytes serverId(long id) {
    this.serverId = id;
    return this;
  }

  /** Header timestamp (seconds since the epoch) of the following events. */
  public EventBytes timestamp(long epochSeconds) {
    this.timestamp = epochSeconds;
    return this;
  }

  /** Binlog position of the next event written. */
  public EventBytes position(long nextEventStart) {
    this.position = nextEventStart;
    return this;
  }

  public long position() {
    return position;
  }

  public Flavor flavor() {
    return flavor;
  }

  public boolean isMariaDb() {
    return flavor == Flavor.MARIADB_10_11;
  }

  public boolean hasChecksum() {
    return checksum;
  }

  public long serverId() {
    return serverId;
  }

  /**
   * A writer for the events inside a TRANSACTION_PAYLOAD: same flavour and server, no checksums,
   * positions counted from 0 (the server writes the enclosing event's positions there; readers do
   * not use them).
   */
  public EventBytes payloadWriter() {
    return new EventBytes(flavor).checksum(false).serverId(serverId).timestamp(timestamp);
  }

  // ---------------------------------------------------------------------------------------------
  // Framing

  /** An event of any type: the common header, {@code body}, and the checksum if enabled. */
  public byte[] event(int type, byte[] body) {
    return event(type, body, 0);
  }

  /** An event with header flags; advances the position. */
  public byte[] event(int type, byte[] body, int flags) {
    int size = EventHeader.SIZE + body.length + (checksum ? 4 : 0);
    byte[] e = frame(type, body, flags, timestamp, position + size);
    position += size;
    return e;
  }

  /** An artificial event: {@code next_position} as given, the position does not advance. */
  public byte[] artificialEvent(int type, byte[] body, long timestamp, long nextPosition) {
    return frame(type, body, EventType.FLAG_ARTIFICIAL, timestamp, nextPosition);
  }

  private byte[] frame(int type, byte[] body, int flags, long timestamp, long nextPosition) {
    int size = EventHeader.SIZE + body.length + (checksum ? 4 : 0);
    Sink out = new Sink();
    out.u32(timestamp);
    out.u8(type);
    out.u32(serverId);
    out.u32(size);
    out.u32(nextPosition);
    out.u16(flags);
    out.bytes(body);
    byte[] e = out.toArray(size);
    if (checksum) {
      putCrc(e);
    }
    return e;
  }

  /** Recomputes the trailing CRC32 of a whole event (after a test changed its bytes). */
  public static byte[] putCrc(byte[] event) {
    CRC32 crc = new CRC32();
    crc.update(event, 0, event.length - 4);
    long v = crc.getValue();
    int at = event.length - 4;
    event[at] = (byte) v;
    event[at + 1] = (byte) (v >>> 8);
    event[at + 2] = (byte) (v >>> 16);
    event[at + 3] = (byte) (v >>> 24);
    return event;
  }

  private byte[] write(int type, byte[] body) {
    return event(type, body, 0);
  }

  private byte[] write(int type, byte[] body, int flags) {
    return event(type, body, flags);
  }

  // ---------------------------------------------------------------------------------------------
  // FORMAT_DESCRIPTION, ROTATE, XID, HEARTBEAT, INCIDENT

  /**
   * FORMAT_DESCRIPTION: binlog version 4, the flavour's server version (zero padded to 50 bytes),
   * creation time, header length 19, one post-header length per event type the server knows, the
   * checksum algorithm and a 4-byte checksum (CRC32 when on; zeros when off, the value then does
   * not matter).
   */
  public byte[] formatDescription() {
    return formatDescription(flavor.version);
  }

  /** FORMAT_DESCRIPTION with another server version string (e.g. {@code 5.5.62-log}). */
  public byte[] formatDescription(String serverVersion) {
    byte[] lengths = postHeaderLengths(flavor);
    Sink body = new Sink();
    body.u16(4);
    byte[] version = serverVersion.getBytes(StandardCharsets.US_ASCII);
    body.bytes(Arrays.copyOf(version, 50));
    body.u32(timestamp);
    body.u8(EventHeader.SIZE);
    body.bytes(lengths);
    boolean knowsChecksums = !serverVersion.startsWith("5.5") && !serverVersion.startsWith("5.1");
    if (knowsChecksums) {
      body.u8(checksum ? 1 : 0);
    }
    // The event's own checksum is written for every server that knows checksums, on or off.
    int size = EventHeader.SIZE + body.size() + (knowsChecksums ? 4 : 0);
    Sink e = new Sink();
    e.u32(timestamp);
    e.u8(EventType.FORMAT_DESCRIPTION);
    e.u32(serverId);
    e.u32(size);
    e.u32(position + size);
    e.u16(0);
    e.bytes(body.toArray());
    byte[] out = e.toArray(size);
    if (knowsChecksums && checksum) {
      putCrc(out);
    }
    position += size;
    return out;
  }

  /** The post-header lengths (one byte per event type, from type 1) the flavour's server writes. */
  static byte[] postHeaderLengths(Flavor flavor) {
    int types = flavor == Flavor.MARIADB_10_11 ? 171 : 41;
    byte[] l = new byte[types];
    set(l, EventType.START_V3, 56);
    set(l, EventType.QUERY, 13);
    set(l, EventType.ROTATE, 8);
    set(l, EventType.APPEND_BLOCK, 4);
    set(l, EventType.DELETE_FILE, 4);
    set(l, EventType.FORMAT_DESCRIPTION, 2 + 50 + 4 + 1 + types);
    set(l, EventType.BEGIN_LOAD_QUERY, 4);
    set(l, EventType.EXECUTE_LOAD_QUERY, 26);
    set(l, EventType.TABLE_MAP, 8);
    set(l, EventType.WRITE_ROWS_V1, 8);
    set(l, EventType.UPDATE_ROWS_V1, 8);
    set(l, EventType.DELETE_ROWS_V1, 8);
    set(l, EventType.INCIDENT, 2);
    set(l, EventType.WRITE_ROWS_V2, 10);
    set(l, EventType.UPDATE_ROWS_V2, 10);
    set(l, EventType.DELETE_ROWS_V2, 10);
    if (flavor == Flavor.MYSQL_8_0) {
      set(l, EventType.GTID, 42);
      set(l, EventType.ANONYMOUS_GTID, 42);
      set(l, EventType.TRANSACTION_CONTEXT, 18);
      set(l, EventType.VIEW_CHANGE, 52);
      set(l, EventType.PARTIAL_UPDATE_ROWS, 10);
    } else {
      set(l, EventType.MARIADB_BINLOG_CHECKPOINT, 4);
      set(l, EventType.MARIADB_GTID, 19);
      set(l, EventType.MARIADB_GTID_LIST, 4);
      set(l, EventType.MARIADB_QUERY_COMPRESSED, 13);
      for (int t = EventType.MARIADB_WRITE_ROWS_COMPRESSED_V1;
          t <= EventType.MARIADB_DELETE_ROWS_COMPRESSED_V1;
          t++) {
        set(l, t, 8);
      }
      for (int t = EventType.MARIADB_WRITE_ROWS_COMPRESSED;
          t <= EventType.MARIADB_DELETE_ROWS_COMPRESSED;
          t++) {
        set(l, t, 10);
      }
    }
    return l;
  }

  private static void set(byte[] lengths, int type, int length) {
    lengths[type - 1] = (byte) length;
  }

  /** ROTATE at the end of a file: the next event is in {@code file} at {@code nextPosition}. */
  public byte[] rotate(String file, long nextPosition) {
    byte[] e = write(EventType.ROTATE, rotateBody(file, nextPosition));
    position = nextPosition;
    return e;
  }

  /**
   * The artificial ROTATE a dump thread sends first: timestamp 0, {@code next_position} 0, flag
   * artificial; sets the position to {@code nextPosition}.
   */
  public byte[] fakeRotate(String file, long nextPosition) {
    byte[] e = artificialEvent(EventType.ROTATE, rotateBody(file, nextPosition), 0, 0);
    position = nextPosition;
    return e;
  }

  private static byte[] rotateBody(String file, long nextPosition) {
    return new Sink().u64(nextPosition).bytes(file.getBytes(StandardCharsets.UTF_8)).toArray();
  }

  /** XID: the commit of a transaction with the storage engine's transaction id. */
  public byte[] xid(long xid) {
    return write(EventType.XID, new Sink().u64(xid).toArray());
  }

  /**
   * HEARTBEAT: artificial, timestamp 0, {@code next_position} = the source's current position (the
   * builder's), the current file name as body.
   */
  public byte[] heartbeat(String file) {
    byte[] body = file.getBytes(StandardCharsets.UTF_8);
    return artificialEvent(EventType.HEARTBEAT, body, 0, position);
  }

  /** INCIDENT: incident number (2 bytes), message length (1 byte), message. */
  public byte[] incident(int number, String message) {
    byte[] m = message.getBytes(StandardCharsets.UTF_8);
    return write(EventType.INCIDENT, new Sink().u16(number).u8(m.length).bytes(m).toArray());
  }

  // ---------------------------------------------------------------------------------------------
  // QUERY

  /** A QUERY event builder; finish with {@link QueryBuilder#build()}. */
  public QueryBuilder query(String sql) {
    return new QueryBuilder(sql);
  }

  /** QUERY (2): post-header, status variables, default database, statement. */
  public final class QueryBuilder {
    private final String sql;
    private String schema = "";
    private long threadId = 7;
    private long executionTime = 0;
    private int errorCode = 0;
    private final Sink status = new Sink();

    private QueryBuilder(String sql) {
      this.sql = sql;
    }

    public QueryBuilder schema(String s) {
      this.schema = s;
      return this;
    }

    public QueryBuilder threadId(long id) {
      this.threadId = id;
      return this;
    }

    public QueryBuilder executionTime(long seconds) {
      this.executionTime = seconds;
      return this;
    }

    public QueryBuilder errorCode(int code) {
      this.errorCode = code;
      return this;
    }

    /** Q_FLAGS2_CODE (0): 4 bytes. */
    public QueryBuilder flags2(long flags) {
      status.u8(0).u32(flags);
      return this;
    }

    /** Q_SQL_MODE_CODE (1): 8 bytes. */
    public QueryBuilder sqlMode(long mode) {
      status.u8(1).u64(mode);
      return this;
    }

    /** Q_CATALOG_CODE (2), the pre-5.0.4 form: length, bytes, zero. */
    public QueryBuilder catalogOld(String catalog) {
      byte[] c = catalog.getBytes(StandardCharsets.UTF_8);
      status.u8(2).u8(c.length).bytes(c).u8(0);
      return this;
    }

    /** Q_AUTO_INCREMENT (3): increment and offset, 2 bytes each. */
    public QueryBuilder autoIncrement(int increment, int offset) {
      status.u8(3).u16(increment).u16(offset);
      return this;
    }

    /**
     * Q_CHARSET_CODE (4): character_set_client, collation_connection and collation_server, 2 bytes
     * each.
     */
    public QueryBuilder charset(int client, int connection, int server) {
      status.u8(4).u16(client).u16(connection).u16(server);
      return this;
    }

    /** Q_TIME_ZONE_CODE (5): length byte and name. */
    public QueryBuilder timeZone(String zone) {
      byte[] z = zone.getBytes(StandardCharsets.UTF_8);
      status.u8(5).u8(z.length).bytes(z);
      return this;
    }

    /** Q_CATALOG_NZ_CODE (6): length byte and name. */
    public QueryBuilder catalog(String catalog) {
      byte[] c = catalog.getBytes(StandardCharsets.UTF_8);
      status.u8(6).u8(c.length).bytes(c);
      return this;
    }

    /** Q_LC_TIME_NAMES_CODE (7): 2 bytes. */
    public QueryBuilder lcTimeNames(int code) {
      status.u8(7).u16(code);
      return this;
    }

    /** Q_CHARSET_DATABASE_CODE (8): the default database's collation, 2 bytes. */
    public QueryBuilder databaseCollation(int collation) {
      status.u8(8).u16(collation);
      return this;
    }

    /** Q_TABLE_MAP_FOR_UPDATE_CODE (9): 8 bytes. */
    public QueryBuilder tableMapForUpdate(long bitmap) {
      status.u8(9).u64(bitmap);
      return this;
    }

    /** Q_MASTER_DATA_WRITTEN_CODE (10): 4 bytes. */
    public QueryBuilder masterDataWritten(long n) {
      status.u8(10).u32(n);
      return this;
    }

    /** Q_INVOKER (11): user and host, each a length byte and bytes. */
    public QueryBuilder invoker(String user, String host) {
      byte[] u = user.getBytes(StandardCharsets.UTF_8);
      byte[] h = host.getBytes(StandardCharsets.UTF_8);
      status.u8(11).u8(u.length).bytes(u).u8(h.length).bytes(h);
      return this;
    }

    /** Q_UPDATED_DB_NAMES (12): count, then zero-terminated names (254 = too many, no names). */
    public QueryBuilder updatedDbNames(String... names) {
      status.u8(12).u8(names.length);
      for (String n : names) {
        status.bytes(n.getBytes(StandardCharsets.UTF_8)).u8(0);
      }
      return this;
    }

    /** Q_MICROSECONDS (13): 3 bytes. */
    public QueryBuilder microseconds(int micros) {
      status.u8(13).u24(micros);
      return this;
    }

    /** Q_EXPLICIT_DEFAULTS_FOR_TIMESTAMP (16): 1 byte. */
    public QueryBuilder explicitDefaultsForTimestamp(boolean on) {
      status.u8(16).u8(on ? 1 : 0);
      return this;
    }

    /** Q_DDL_LOGGED_WITH_XID (17): 8 bytes. */
    public QueryBuilder ddlLoggedWithXid(long xid) {
      status.u8(17).u64(xid);
      return this;
    }

    /** Q_DEFAULT_COLLATION_FOR_UTF8MB4 (18): 2 bytes. */
    public QueryBuilder defaultCollationForUtf8mb4(int collation) {
      status.u8(18).u16(collation);
      return this;
    }

    /** Q_SQL_REQUIRE_PRIMARY_KEY (19): 1 byte. */
    public QueryBuilder sqlRequirePrimaryKey(boolean on) {
      status.u8(19).u8(on ? 1 : 0);
      return this;
    }

    /** Q_DEFAULT_TABLE_ENCRYPTION (20): 1 byte. */
    public QueryBuilder defaultTableEncryption(boolean on) {
      status.u8(20).u8(on ? 1 : 0);
      return this;
    }

    /** MariaDB Q_HRNOW (128): the statement's microseconds, 3 bytes. */
    public QueryBuilder hrNow(int micros) {
      status.u8(128).u24(micros);
      return this;
    }

    /** MariaDB Q_XID (129): 8 bytes. */
    public QueryBuilder mariaDbXid(long xid) {
      status.u8(129).u64(xid);
      return this;
    }

    /** Any status variable as code and raw value bytes (for codes a reader may not know). */
    public QueryBuilder statusVariable(int code, byte[] value) {
      status.u8(code).bytes(value);
      return this;
    }

    public byte[] build() {
      byte[] s = schema.getBytes(StandardCharsets.UTF_8);
      byte[] vars = status.toArray();
      Sink body = new Sink();
      body.u32(threadId).u32(executionTime).u8(s.length).u16(errorCode).u16(vars.length);
      body.bytes(vars).bytes(s).u8(0).bytes(sql.getBytes(StandardCharsets.UTF_8));
      return write(EventType.QUERY, body.toArray());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // GTIDs

  /** A MySQL GTID event (33) for {@code source:gno}. */
  public MySqlGtidBuilder mySqlGtid(UUID source, long gno) {
    return new MySqlGtidBuilder(EventType.GTID, source, gno);
  }

  /** An ANONYMOUS_GTID event (34): zero uuid and number, as with {@code gtid_mode=OFF}. */
  public MySqlGtidBuilder anonymousGtid() {
    return new MySqlGtidBuilder(EventType.ANONYMOUS_GTID, new UUID(0, 0), 0);
  }

  /**
   * GTID and ANONYMOUS_GTID: flags (1; 1 = may commit in parallel), source uuid (16), number (8);
   * logical clock type 2 with last_committed and sequence_number (8 each); immediate commit
   * timestamp (7; its top bit says the original follows), original commit timestamp (7),
   * transaction length (packed), immediate server version (4; its top bit says the original
   * follows), original server version (4).
   */
  public final class MySqlGtidBuilder {
    private final int type;
    private final UUID source;
    private final long gno;
    private int flags = 1;
    private boolean logicalClock = true;
    private long lastCommitted = 0;
    private long sequenceNumber = 1;
    private Long immediateCommit;
    private Long originalCommit;
    private long transactionLength = 0;
    private Integer immediateServerVersion;
    private Integer originalServerVersion;

    private MySqlGtidBuilder(int type, UUID source, long gno) {
      this.type = type;
      this.source = source;
      this.gno = gno;
    }

    public MySqlGtidBuilder flags(int f) {
      this.flags = f;
      return this;
    }

    /** The 5.6 layout: only flags, uuid and number. */
    public MySqlGtidBuilder withoutLogicalClock() {
      this.logicalClock = false;
      return this;
    }

    public MySqlGtidBuilder logicalClock(long lastCommitted, long sequenceNumber) {
      this.logicalClock = true;
      this.lastCommitted = lastCommitted;
      this.sequenceNumber = sequenceNumber;
      return this;
    }

    /** Commit timestamps in microseconds; the original is written only when it differs. */
    public MySqlGtidBuilder commitTimestamps(long immediateMicros, long originalMicros) {
      this.immediateCommit = immediateMicros;
      this.originalCommit = originalMicros;
      return this;
    }

    public MySqlGtidBuilder commitTimestamp(long micros) {
      return commitTimestamps(micros, micros);
    }

    public MySqlGtidBuilder transactionLength(long length) {
      this.transactionLength = length;
      return this;
    }

    public MySqlGtidBuilder serverVersions(int immediate, int original) {
      this.immediateServerVersion = immediate;
      this.originalServerVersion = original;
      return this;
    }

    public byte[] build() {
      Sink b = new Sink();
      b.u8(flags);
      b.bytes(uuidBytes(source));
      b.u64(gno);
      if (logicalClock) {
        b.u8(2).u64(lastCommitted).u64(sequenceNumber);
        if (immediateCommit != null) {
          boolean both = !immediateCommit.equals(originalCommit);
          b.uint(immediateCommit | (both ? 1L << 55 : 0), 7);
          if (both) {
            b.uint(originalCommit, 7);
          }
          b.packed(transactionLength);
          if (immediateServerVersion != null) {
            boolean bothVersions = !immediateServerVersion.equals(originalServerVersion);
            b.u32((immediateServerVersion & 0x7fffffffL) | (bothVersions ? 1L << 31 : 0));
            if (bothVersions) {
              b.u32(originalServerVersion);
            }
          }
        }
      }
      return write(type, b.toArray());
    }
  }

  static byte[] uuidBytes(UUID u) {
    Sink s = new Sink();
    long msb = u.getMostSignificantBits();
    long lsb = u.getLeastSignificantBits();
    for (int i = 7; i >= 0; i--) {
      s.u8((int) (msb >>> (i * 8)));
    }
    for (int i = 7; i >= 0; i--) {
      s.u8((int) (lsb >>> (i * 8)));
    }
    return s.toArray();
  }

  /** A MariaDB GTID event (162) for {@code domain-serverId-sequence}. */
  public MariaDbGtidBuilder mariaDbGtid(long domain, long sequence) {
    return new MariaDbGtidBuilder(domain, sequence);
  }

  /**
   * MariaDB GTID: sequence (8), domain (4), flags (1); then the commit id (8) with
   * FL_GROUP_COMMIT_ID, or the XID (format id 4, gtrid length 1, bqual length 1, data) with the XA
   * flags, or 6 zero bytes. The header carries LOG_EVENT_SUPPRESS_USE_F and the server id.
   */
  public final class MariaDbGtidBuilder {
    private final long domain;
    private final long sequence;
    private int flags = FL_TRANSACTIONAL;
    private long commitId;
    private int formatId;
    private byte[] gtrid;
    private byte[] bqual;

    private MariaDbGtidBuilder(long domain, long sequence) {
      this.domain = domain;
      this.sequence = sequence;
    }

    public MariaDbGtidBuilder flags(int f) {
      this.flags = f;
      return this;
    }

    /** Marks the transaction a single statement without BEGIN/COMMIT (DDL). */
    public MariaDbGtidBuilder standalone() {
      this.flags = FL_STANDALONE | FL_DDL;
      return this;
    }

    public MariaDbGtidBuilder groupCommitId(long id) {
      this.flags |= FL_GROUP_COMMIT_ID;
      this.commitId = id;
      return this;
    }

    public MariaDbGtidBuilder xa(int formatId, byte[] gtrid, byte[] bqual, boolean completed) {
      this.flags |= completed ? FL_COMPLETED_XA : FL_PREPARED_XA;
      this.formatId = formatId;
      this.gtrid = gtrid;
      this.bqual = bqual;
      return this;
    }

    public byte[] build() {
      Sink b = new Sink().u64(sequence).u32(domain).u8(flags);
      if ((flags & FL_GROUP_COMMIT_ID) != 0) {
        b.u64(commitId);
      }
      if ((flags & (FL_PREPARED_XA | FL_COMPLETED_XA)) != 0) {
        b.u32(formatId).u8(gtrid.length).u8(bqual.length).bytes(gtrid).bytes(bqual);
      }
      if ((flags & (FL_GROUP_COMMIT_ID | FL_PREPARED_XA | FL_COMPLETED_XA)) == 0) {
        b.bytes(new byte[6]);
      }
      return write(EventType.MARIADB_GTID, b.toArray(), FLAG_SUPPRESS_USE);
    }
  }

  /** One GTID of a MariaDB GTID list. */
  public record MariaDbGtid(long domain, long server, long sequence) {}

  /**
   * MariaDB GTID_LIST (163): count (4 bytes; the top 4 bits are flags), then domain (4), server (4)
   * and sequence (8) per GTID.
   */
  public byte[] gtidList(MariaDbGtid... gtids) {
    Sink b = new Sink().u32(gtids.length);
    for (MariaDbGtid g : gtids) {
      b.u32(g.domain()).u32(g.server()).u64(g.sequence());
    }
    return write(EventType.MARIADB_GTID_LIST, b.toArray());
  }

  // ---------------------------------------------------------------------------------------------
  // TRANSACTION_PAYLOAD

  /** How a transaction payload is compressed: zstd (0) or not at all (255). */
  public enum Compression {
    ZSTD(0),
    NONE(255);

    final int code;

    Compression(int code) {
      this.code = code;
    }
  }

  /**
   * TRANSACTION_PAYLOAD (40): header fields as (type, length, value) triples of packed integers —
   * payload size (1), compression type (2), uncompressed size (3) — the end mark (0), then the
   * inner events (written by {@link #payloadWriter()}, without checksums), compressed or not.
   */
  public byte[] transactionPayload(Compression compression, byte[]... innerEvents) {
    Sink plain = new Sink();
    for (byte[] e : innerEvents) {
      plain.bytes(e);
    }
    byte[] uncompressed = plain.toArray();
    byte[] payload = compression == Compression.ZSTD ? zstd(uncompressed) : uncompressed;
    return transactionPayloadRaw(compression.code, uncompressed.length, payload);
  }

  /** A TRANSACTION_PAYLOAD with explicit header values, for corrupt or unusual payloads. */
  public byte[] transactionPayloadRaw(long compressionType, long uncompressedSize, byte[] payload) {
    Sink b = new Sink();
    field(b, 1, payload.length);
    field(b, 2, compressionType);
    field(b, 3, uncompressedSize);
    b.packed(0);
    b.bytes(payload);
    return write(EventType.TRANSACTION_PAYLOAD, b.toArray());
  }

  private static void field(Sink b, int type, long value) {
    byte[] v = new Sink().packed(value).toArray();
    b.packed(type).packed(v.length).bytes(v);
  }

  /** zstd-compresses with aircompressor (one frame with its content size). */
  public static byte[] zstd(byte[] plain) {
    ZstdCompressor c = new ZstdCompressor();
    byte[] out = new byte[c.maxCompressedLength(plain.length)];
    int n = c.compress(plain, 0, plain.length, out, 0, out.length);
    return Arrays.copyOf(out, n);
  }

  // ---------------------------------------------------------------------------------------------
  // TABLE_MAP

  /** Starts a table definition (for TABLE_MAP and rows events). */
  public static Table.Builder table(long tableId, String schema, String name) {
    return new Table.Builder(tableId, schema, name);
  }

  /** How the character sets of a table map are written. */
  public enum CharsetLayout {
    /** Not written. */
    NONE,
    /** DEFAULT_CHARSET / ENUM_AND_SET_DEFAULT_CHARSET: most used collation plus exceptions. */
    DEFAULT,
    /** COLUMN_CHARSET / ENUM_AND_SET_COLUMN_CHARSET: one collation per column. */
    PER_COLUMN
  }

  /** Optional metadata fields that a table map may carry (apart from the charsets). */
  public enum Metadata {
    SIGNEDNESS,
    COLUMN_NAME,
    SET_STR_VALUE,
    ENUM_STR_VALUE,
    GEOMETRY_TYPE,
    SIMPLE_PRIMARY_KEY,
    PRIMARY_KEY_WITH_PREFIX,
    COLUMN_VISIBILITY
  }

  /** A table as the binlog describes it: id, names, columns and optional metadata choices. */
  public static final class Table {
    final long id;
    final String schema;
    final String name;
    final List<Column> columns;
    final Set<Metadata> metadata;
    final CharsetLayout charsets;
    final CharsetLayout enumSetCharsets;
    final int[] primaryKey;
    final int[] primaryKeyPrefixes;
    final byte[] extraOptional;

    private Table(Builder b) {
      this.id = b.id;
      this.schema = b.schema;
      this.name = b.name;
      this.columns = List.copyOf(b.columns);
      this.metadata = b.metadata.isEmpty() ? Set.of() : EnumSet.copyOf(b.metadata);
      this.charsets = b.charsets;
      this.enumSetCharsets = b.enumSetCharsets;
      this.primaryKey = b.primaryKey;
      this.primaryKeyPrefixes = b.primaryKeyPrefixes;
      this.extraOptional = b.extraOptional;
    }

    public long id() {
      return id;
    }

    public String schema() {
      return schema;
    }

    public String name() {
      return name;
    }

    public List<Column> columns() {
      return columns;
    }

    public Column column(int i) {
      return columns.get(i);
    }

    public int columnCount() {
      return columns.size();
    }

    /** The same table under another id (servers renumber tables after DDL and restarts). */
    public Table withId(long newId) {
      Builder b = new Builder(newId, schema, name);
      b.columns.addAll(columns);
      b.metadata.addAll(metadata);
      b.charsets = charsets;
      b.enumSetCharsets = enumSetCharsets;
      b.primaryKey = primaryKey;
      b.primaryKeyPrefixes = primaryKeyPrefixes;
      b.extraOptional = extraOptional;
      return new Table(b);
    }

    public static final class Builder {
      private final long id;
      private final String schema;
      private final String name;
      private final List<Column> columns = new ArrayList<>();
      private final EnumSet<Metadata> metadata = EnumSet.noneOf(Metadata.class);
      private CharsetLayout charsets = CharsetLayout.NONE;
      private CharsetLayout enumSetCharsets = CharsetLayout.NONE;
      private int[] primaryKey = new int[0];
      private int[] primaryKeyPrefixes;
      private byte[] extraOptional = new byte[0];

      private Builder(long id, String schema, String name) {
        this.id = id;
        this.schema = schema;
        this.name = name;
      }

      public Builder column(Column c) {
        columns.add(c);
        return this;
      }

      public Builder columns(Column... cs) {
        columns.addAll(List.of(cs));
        return this;
      }

      public Builder metadata(Metadata... fields) {
        metadata.addAll(List.of(fields));
        return this;
      }

      public Builder charsets(CharsetLayout layout) {
        this.charsets = layout;
        return this;
      }

      public Builder enumSetCharsets(CharsetLayout layout) {
        this.enumSetCharsets = layout;
        return this;
      }

      /** Primary key column ordinals in key order (written as SIMPLE_PRIMARY_KEY). */
      public Builder primaryKey(int... ordinals) {
        this.primaryKey = ordinals.clone();
        return this;
      }

      /** A primary key with prefix lengths (0 = whole column), PRIMARY_KEY_WITH_PREFIX. */
      public Builder primaryKeyWithPrefix(int[] ordinals, int[] prefixes) {
        this.primaryKey = ordinals.clone();
        this.primaryKeyPrefixes = prefixes.clone();
        metadata.remove(Metadata.SIMPLE_PRIMARY_KEY);
        metadata.add(Metadata.PRIMARY_KEY_WITH_PREFIX);
        return this;
      }

      /** Raw bytes appended after the optional metadata fields (e.g. an unknown field). */
      public Builder extraOptionalMetadata(byte[] raw) {
        this.extraOptional = raw.clone();
        return this;
      }

      /** No optional metadata ({@code binlog_row_metadata} unset, servers before 8.0.1/10.5). */
      public Builder noMetadata() {
        metadata.clear();
        charsets = CharsetLayout.NONE;
        enumSetCharsets = CharsetLayout.NONE;
        return this;
      }

      /** What {@code binlog_row_metadata=MINIMAL} writes: signedness, charsets, geometry types. */
      public Builder minimalMetadata() {
        noMetadata();
        metadata.add(Metadata.SIGNEDNESS);
        charsets = CharsetLayout.DEFAULT;
        return this;
      }

      /** What {@code binlog_row_metadata=FULL} writes. */
      public Builder fullMetadata() {
        minimalMetadata();
        metadata.addAll(
            List.of(Metadata.COLUMN_NAME, Metadata.SET_STR_VALUE, Metadata.ENUM_STR_VALUE));
        metadata.add(
            primaryKeyPrefixes != null
                ? Metadata.PRIMARY_KEY_WITH_PREFIX
                : Metadata.SIMPLE_PRIMARY_KEY);
        enumSetCharsets = CharsetLayout.DEFAULT;
        return this;
      }

      public Table build() {
        return new Table(this);
      }
    }
  }

  /** TABLE_MAP (19) for the table, with the optional metadata the table asks for. */
  public byte[] tableMap(Table t) {
    return write(EventType.TABLE_MAP, tableMapBody(t));
  }

  private byte[] tableMapBody(Table t) {
    Sink b = new Sink();
    b.u48(t.id).u16(1); // flags: TM_BIT_LEN_EXACT_F, as servers write it
    byte[] schema = t.schema.getBytes(StandardCharsets.UTF_8);
    byte[] name = t.name.getBytes(StandardCharsets.UTF_8);
    b.u8(schema.length).bytes(schema).u8(0);
    b.u8(name.length).bytes(name).u8(0);
    b.packed(t.columns.size());
    for (Column c : t.columns) {
      b.u8(c.type);
    }
    Sink meta = new Sink();
    for (Column c : t.columns) {
      meta.bytes(c.metadata);
    }
    b.packed(meta.size()).bytes(meta.toArray());
    byte[] nulls = new byte[(t.columns.size() + 7) / 8];
    for (int i = 0; i < t.columns.size(); i++) {
      if (t.columns.get(i).nullable) {
        nulls[i / 8] |= (byte) (1 << (i % 8));
      }
    }
    b.bytes(nulls);
    b.bytes(optionalMetadata(t));
    b.bytes(t.extraOptional);
    return b.toArray();
  }

  /** The optional metadata block of a table map (the TLV fields), as the flavour writes it. */
  public byte[] optionalMetadata(Table t) {
    Sink out = new Sink();
    List<Column> cs = t.columns;
    if (t.metadata.contains(Metadata.SIGNEDNESS)) {
      Sink bits = new Sink();
      int flag = 0;
      int mask = 0x80;
      for (Column c : cs) {
        if (c.isNumeric()) {
          if (c.unsigned) {
            flag |= mask;
          }
          mask >>>= 1;
          if (mask == 0) {
            bits.u8(flag);
            flag = 0;
            mask = 0x80;
          }
        }
      }
      if (mask != 0x80) {
        bits.u8(flag);
      }
      if (bits.size() > 0) {
        tlv(out, TableMap.SIGNEDNESS, bits.toArray());
      }
    }
    List<Integer> character = new ArrayList<>();
    List<Integer> enumSet = new ArrayList<>();
    for (int i = 0; i < cs.size(); i++) {
      if (cs.get(i).isEnumOrSet()) {
        enumSet.add(i);
      } else if (isCharacterColumn(cs.get(i))) {
        character.add(i);
      }
    }
    charsetField(out, t.charsets, character, cs, TableMap.DEFAULT_CHARSET, TableMap.COLUMN_CHARSET);
    if (t.metadata.contains(Metadata.GEOMETRY_TYPE)) {
      Sink g = new Sink();
      for (Column c : cs) {
        if (c.type == MySqlType.GEOMETRY) {
          g.packed(c.geometryType);
        }
      }
      if (g.size() > 0) {
        tlv(out, TableMap.GEOMETRY_TYPE, g.toArray());
      }
    }
    if (t.metadata.contains(Metadata.COLUMN_NAME)) {
      Sink n = new Sink();
      for (Column c : cs) {
        byte[] name = c.name.getBytes(StandardCharsets.UTF_8);
        n.packed(name.length).bytes(name);
      }
      tlv(out, TableMap.COLUMN_NAME, n.toArray());
    }
    charsetField(
        out,
        t.enumSetCharsets,
        enumSet,
        cs,
        TableMap.ENUM_AND_SET_DEFAULT_CHARSET,
        TableMap.ENUM_AND_SET_COLUMN_CHARSET);
    if (t.metadata.contains(Metadata.SET_STR_VALUE)) {
      labelsField(out, cs, MySqlType.SET, TableMap.SET_STR_VALUE);
    }
    if (t.metadata.contains(Metadata.ENUM_STR_VALUE)) {
      labelsField(out, cs, MySqlType.ENUM, TableMap.ENUM_STR_VALUE);
    }
    if (t.metadata.contains(Metadata.SIMPLE_PRIMARY_KEY) && t.primaryKey.length > 0) {
      Sink k = new Sink();
      for (int c : t.primaryKey) {
        k.packed(c);
      }
      tlv(out, TableMap.SIMPLE_PRIMARY_KEY, k.toArray());
    }
    if (t.metadata.contains(Metadata.PRIMARY_KEY_WITH_PREFIX) && t.primaryKey.length > 0) {
      Sink k = new Sink();
      for (int i = 0; i < t.primaryKey.length; i++) {
        k.packed(t.primaryKey[i]);
        k.packed(t.primaryKeyPrefixes == null ? 0 : t.primaryKeyPrefixes[i]);
      }
      tlv(out, TableMap.PRIMARY_KEY_WITH_PREFIX, k.toArray());
    }
    if (t.metadata.contains(Metadata.COLUMN_VISIBILITY)) {
      byte[] v = new byte[(cs.size() + 7) / 8];
      for (int i = 0; i < cs.size(); i++) {
        if (cs.get(i).visible) {
          v[i / 8] |= (byte) (0x80 >>> (i % 8));
        }
      }
      tlv(out, TableMap.COLUMN_VISIBILITY, v);
    }
    return out.toArray();
  }

  /**
   * Which columns the charset fields count as character columns. MySQL counts CHAR, VARCHAR and
   * BLOB/TEXT (by binlog type); MariaDB counts every column that has a character set and is not an
   * ENUM or SET, which includes GEOMETRY (a BLOB with the binary character set).
   */
  public boolean isCharacterColumn(Column c) {
    if (c.isEnumOrSet()) {
      return false;
    }
    return switch (c.type) {
      case MySqlType.STRING, MySqlType.VAR_STRING, MySqlType.VARCHAR, MySqlType.BLOB -> true;
      case MySqlType.GEOMETRY -> isMariaDb();
      default -> false;
    };
  }

  private static void charsetField(
      Sink out,
      CharsetLayout layout,
      List<Integer> columns,
      List<Column> cs,
      int defaultType,
      int perColumnType) {
    if (layout == CharsetLayout.NONE || columns.isEmpty()) {
      return;
    }
    Sink v = new Sink();
    if (layout == CharsetLayout.PER_COLUMN) {
      for (int i : columns) {
        v.packed(cs.get(i).collation);
      }
      tlv(out, perColumnType, v.toArray());
      return;
    }
    // the most used collation; ties go to the smallest id
    int best = -1;
    int bestCount = 0;
    for (int i : columns) {
      int coll = cs.get(i).collation;
      int count = 0;
      for (int j : columns) {
        if (cs.get(j).collation == coll) {
          count++;
        }
      }
      if (count > bestCount || (count == bestCount && coll < best)) {
        best = coll;
        bestCount = count;
      }
    }
    v.packed(best);
    for (int k = 0; k < columns.size(); k++) {
      int coll = cs.get(columns.get(k)).collation;
      if (coll != best) {
        v.packed(k).packed(coll);
      }
    }
    tlv(out, defaultType, v.toArray());
  }

  private static void labelsField(Sink out, List<Column> cs, int realType, int fieldType) {
    Sink v = new Sink();
    boolean any = false;
    for (Column c : cs) {
      if (c.realType == realType) {
        any = true;
        v.packed(c.labels.size());
        for (String label : c.labels) {
          byte[] l = label.getBytes(StandardCharsets.UTF_8);
          v.packed(l.length).bytes(l);
        }
      }
    }
    if (any) {
      tlv(out, fieldType, v.toArray());
    }
  }

  private static void tlv(Sink out, int type, byte[] value) {
    out.u8(type).packed(value.length).bytes(value);
  }

  // ---------------------------------------------------------------------------------------------
  // Rows events

  /** WRITE_ROWS in the flavour's version (MySQL v2, MariaDB v1). */
  public RowsBuilder writeRows(Table t) {
    return new RowsBuilder(t, RowsKind.WRITE);
  }

  /** UPDATE_ROWS in the flavour's version (MySQL v2, MariaDB v1). */
  public RowsBuilder updateRows(Table t) {
    return new RowsBuilder(t, RowsKind.UPDATE);
  }

  /** DELETE_ROWS in the flavour's version (MySQL v2, MariaDB v1). */
  public RowsBuilder deleteRows(Table t) {
    return new RowsBuilder(t, RowsKind.DELETE);
  }

  enum RowsKind {
    WRITE(EventType.WRITE_ROWS_V1, EventType.WRITE_ROWS_V2),
    UPDATE(EventType.UPDATE_ROWS_V1, EventType.UPDATE_ROWS_V2),
    DELETE(EventType.DELETE_ROWS_V1, EventType.DELETE_ROWS_V2);

    final int v1;
    final int v2;

    RowsKind(int v1, int v2) {
      this.v1 = v1;
      this.v2 = v2;
    }
  }

  /**
   * A rows event: post-header (table id 6, flags 2), for v2 the extra data (2-byte length that
   * counts itself, then typed extra info), the column count (packed), the columns-present bitmap of
   * the first image and, for updates, of the second; then per row each image's null bitmap (one bit
   * per present column) and the values of the present non-null columns in column order.
   *
   * <p>Rows are given as full-width arrays (one entry per table column); entries of columns absent
   * from the image are ignored, {@code null} is SQL NULL. Values are converted by {@link
   * Column#encode}; a {@link Raw} value is written as is.
   */
  public final class RowsBuilder {
    private final Table table;
    private final RowsKind kind;
    private int version;
    private int flags = STMT_END;
    private byte[] extraInfo = new byte[0];
    private BitSet first;
    private BitSet second;
    private Integer columnCount;
    private final Sink rows = new Sink();

    private RowsBuilder(Table table, RowsKind kind) {
      this.table = table;
      this.kind = kind;
      this.version = isMariaDb() ? 1 : 2;
      this.first = all(table.columnCount());
      this.second = all(table.columnCount());
    }

    private static BitSet all(int n) {
      BitSet b = new BitSet();
      b.set(0, n);
      return b;
    }

    /** Rows event version 1 (types 23-25) or 2 (30-32). */
    public RowsBuilder version(int v) {
      if (v != 1 && v != 2) {
        throw new IllegalArgumentException("rows event version " + v);
      }
      this.version = v;
      return this;
    }

    public RowsBuilder flags(int f) {
      this.flags = f;
      return this;
    }

    /** v2 typed extra info after the extra data length (e.g. {@code {1, id_lo, id_hi}}). */
    public RowsBuilder extraInfo(byte[] info) {
      this.extraInfo = info.clone();
      return this;
    }

    /** Columns present in the (first) image: before image of updates and deletes, else after. */
    public RowsBuilder columns(int... ordinals) {
      this.first = bits(ordinals);
      return this;
    }

    /** Columns present in the after image of an update. */
    public RowsBuilder columnsAfter(int... ordinals) {
      this.second = bits(ordinals);
      return this;
    }

    /** Writes another column count than the table's (for mismatch tests). */
    public RowsBuilder columnCount(int n) {
      this.columnCount = n;
      return this;
    }

    private static BitSet bits(int... ordinals) {
      BitSet b = new BitSet();
      for (int o : ordinals) {
        b.set(o);
      }
      return b;
    }

    /** A row of a write or delete event. */
    public RowsBuilder row(Object... values) {
      if (kind == RowsKind.UPDATE) {
        throw new IllegalStateException("updates take before and after images: use update()");
      }
      image(first, values);
      return this;
    }

    /** A row of an update event. */
    public RowsBuilder update(Object[] before, Object[] after) {
      if (kind != RowsKind.UPDATE) {
        throw new IllegalStateException("only updates have two images");
      }
      image(first, before);
      image(second, after);
      return this;
    }

    /** Raw bytes after the rows written so far (for truncated or garbled images). */
    public RowsBuilder rawRows(byte[] raw) {
      rows.bytes(raw);
      return this;
    }

    private void image(BitSet present, Object[] values) {
      if (values.length != table.columnCount()) {
        throw new IllegalArgumentException(
            values.length + " values for " + table.columnCount() + " columns");
      }
      int n = present.cardinality();
      byte[] nulls = new byte[(n + 7) / 8];
      Sink data = new Sink();
      int bit = 0;
      for (int c = 0; c < values.length; c++) {
        if (!present.get(c)) {
          continue;
        }
        if (values[c] == null) {
          nulls[bit / 8] |= (byte) (1 << (bit % 8));
        } else {
          data.bytes(table.column(c).encode(values[c]));
        }
        bit++;
      }
      rows.bytes(nulls).bytes(data.toArray());
    }

    /** The bytes after the common header. */
    public byte[] body() {
      Sink b = new Sink();
      b.u48(table.id).u16(flags);
      if (version == 2) {
        b.u16(2 + extraInfo.length).bytes(extraInfo);
      }
      int n = columnCount == null ? table.columnCount() : columnCount;
      b.packed(n);
      b.bytes(bitmap(first, n));
      if (kind == RowsKind.UPDATE) {
        b.bytes(bitmap(second, n));
      }
      b.bytes(rows.toArray());
      return b.toArray();
    }

    public int type() {
      return version == 1 ? kind.v1 : kind.v2;
    }

    public byte[] build() {
      return write(type(), body());
    }
  }

  private static byte[] bitmap(BitSet bits, int n) {
    byte[] b = new byte[(n + 7) / 8];
    for (int i = bits.nextSetBit(0); i >= 0 && i < n; i = bits.nextSetBit(i + 1)) {
      b[i / 8] |= (byte) (1 << (i % 8));
    }
    return b;
  }

  // ---------------------------------------------------------------------------------------------
  // Columns and values

  /** A value written as is, bypassing the column's encoding. */
  public record Raw(byte[] bytes) {
    public Raw {
      bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Raw r && Arrays.equals(bytes, r.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Raw" + Arrays.toString(bytes);
    }
  }

  public static Raw raw(byte... bytes) {
    return new Raw(bytes);
  }

  /**
   * Date and time fields as the server stores them, including zero and partly zero dates that
   * {@code java.time} cannot hold.
   */
  public record DateTimeParts(
      int year, int month, int day, int hour, int minute, int second, int micros) {
    public static DateTimeParts date(int year, int month, int day) {
      return new DateTimeParts(year, month, day, 0, 0, 0, 0);
    }

    public static DateTimeParts of(LocalDateTime t) {
      return new DateTimeParts(
          t.getYear(),
          t.getMonthValue(),
          t.getDayOfMonth(),
          t.getHour(),
          t.getMinute(),
          t.getSecond(),
          t.getNano() / 1000);
    }

    /** {@code 0000-00-00 00:00:00}. */
    public static final DateTimeParts ZERO = new DateTimeParts(0, 0, 0, 0, 0, 0, 0);
  }

  /**
   * A column of a table map: its binlog type byte, the type-specific metadata bytes, nullability
   * and what the optional metadata says about it (signedness, collation, name, labels). Immutable;
   * the {@code as...}/{@code not...} methods return changed copies.
   */
  public static final class Column {
    final String name;
    final int type; // the type byte written in the table map
    final int realType; // the type after unwrapping STRING metadata
    final byte[] metadata;
    final boolean nullable;
    final boolean unsigned;
    final int collation; // -1 = none
    final List<String> labels;
    final int size; // integers: bytes; ENUM/SET: bytes; strings: length-prefix bytes; BIT: bytes
    final int precision; // DECIMAL precision; temporal fsp
    final int scale;
    final int geometryType;
    final boolean visible;

    private Column(
        String name,
        int type,
        int realType,
        byte[] metadata,
        boolean nullable,
        boolean unsigned,
        int collation,
        List<String> labels,
        int size,
        int precision,
        int scale,
        int geometryType,
        boolean visible) {
      this.name = name;
      this.type = type;
      this.realType = realType;
      this.metadata = metadata;
      this.nullable = nullable;
      this.unsigned = unsigned;
      this.collation = collation;
      this.labels = List.copyOf(labels);
      this.size = size;
      this.precision = precision;
      this.scale = scale;
      this.geometryType = geometryType;
      this.visible = visible;
    }

    private static Column of(String name, int type, byte[] metadata, int size) {
      return new Column(
          name, type, type, metadata, true, false, -1, List.of(), size, 0, 0, 0, true);
    }

    private Column copy(boolean nullable, boolean unsigned, String name, boolean visible) {
      return new Column(
          name,
          type,
          realType,
          metadata,
          nullable,
          unsigned,
          collation,
          labels,
          size,
          precision,
          scale,
          geometryType,
          visible);
    }

    public Column notNull() {
      return copy(false, unsigned, name, visible);
    }

    public Column asUnsigned() {
      return copy(nullable, true, name, visible);
    }

    public Column named(String newName) {
      return copy(nullable, unsigned, newName, visible);
    }

    public Column invisible() {
      return copy(nullable, unsigned, name, false);
    }

    public String name() {
      return name;
    }

    public int type() {
      return type;
    }

    public int realType() {
      return realType;
    }

    public int collation() {
      return collation;
    }

    public boolean isUnsigned() {
      return unsigned;
    }

    public List<String> labels() {
      return labels;
    }

    /** The metadata as the table map's two-byte/one-byte values read little-endian. */
    public byte[] metadataBytes() {
      return metadata.clone();
    }

    boolean isNumeric() {
      return switch (type) {
        case MySqlType.TINY,
            MySqlType.SHORT,
            MySqlType.INT24,
            MySqlType.LONG,
            MySqlType.LONGLONG,
            MySqlType.FLOAT,
            MySqlType.DOUBLE,
            MySqlType.NEWDECIMAL ->
            true;
        default -> false;
      };
    }

    boolean isEnumOrSet() {
      return realType == MySqlType.ENUM || realType == MySqlType.SET;
    }

    // integers --------------------------------------------------------------------------------

    public static Column tinyInt(String name) {
      return of(name, MySqlType.TINY, new byte[0], 1);
    }

    public static Column smallInt(String name) {
      return of(name, MySqlType.SHORT, new byte[0], 2);
    }

    public static Column mediumInt(String name) {
      return of(name, MySqlType.INT24, new byte[0], 3);
    }

    public static Column intCol(String name) {
      return of(name, MySqlType.LONG, new byte[0], 4);
    }

    public static Column bigInt(String name) {
      return of(name, MySqlType.LONGLONG, new byte[0], 8);
    }

    public static Column floatCol(String name) {
      return of(name, MySqlType.FLOAT, new byte[] {4}, 4);
    }

    public static Column doubleCol(String name) {
      return of(name, MySqlType.DOUBLE, new byte[] {8}, 8);
    }

    /** DECIMAL(precision, scale): metadata precision then scale. */
    public static Column decimal(String name, int precision, int scale) {
      return new Column(
          name,
          MySqlType.NEWDECIMAL,
          MySqlType.NEWDECIMAL,
          new byte[] {(byte) precision, (byte) scale},
          true,
          false,
          -1,
          List.of(),
          0,
          precision,
          scale,
          0,
          true);
    }

    /** MYSQL_TYPE_NULL: a column that can only hold NULL. */
    public static Column nullType(String name) {
      return of(name, MySqlType.NULL, new byte[0], 0);
    }

    // temporal --------------------------------------------------------------------------------

    public static Column year(String name) {
      return of(name, MySqlType.YEAR, new byte[0], 1);
    }

    public static Column date(String name) {
      return of(name, MySqlType.DATE, new byte[0], 3);
    }

    /** Old TIME (before 5.6.4): 3-byte signed HHMMSS. */
    public static Column time(String name) {
      return of(name, MySqlType.TIME, new byte[0], 3);
    }

    /** Old DATETIME: 8-byte YYYYMMDDhhmmss. */
    public static Column datetime(String name) {
      return of(name, MySqlType.DATETIME, new byte[0], 8);
    }

    /** Old TIMESTAMP: 4-byte seconds. */
    public static Column timestamp(String name) {
      return of(name, MySqlType.TIMESTAMP, new byte[0], 4);
    }

    public static Column time2(String name, int fsp) {
      return fractional(name, MySqlType.TIME2, fsp);
    }

    public static Column datetime2(String name, int fsp) {
      return fractional(name, MySqlType.DATETIME2, fsp);
    }

    public static Column timestamp2(String name, int fsp) {
      return fractional(name, MySqlType.TIMESTAMP2, fsp);
    }

    private static Column fractional(String name, int type, int fsp) {
      return new Column(
          name,
          type,
          type,
          new byte[] {(byte) fsp},
          true,
          false,
          -1,
          List.of(),
          0,
          fsp,
          0,
          0,
          true);
    }

    // BIT, ENUM, SET --------------------------------------------------------------------------

    /** BIT(bits): metadata bits % 8, then bits / 8; values are (bits + 7) / 8 big-endian bytes. */
    public static Column bit(String name, int bits) {
      return of(
          name, MySqlType.BIT, new byte[] {(byte) (bits % 8), (byte) (bits / 8)}, (bits + 7) / 8);
    }

    /** ENUM as servers log it: type STRING, metadata real type ENUM and the pack length. */
    public static Column enumCol(String name, String... labels) {
      return enumCol(name, UTF8MB4, labels);
    }

    public static Column enumCol(String name, int collation, String... labels) {
      int size = labels.length > 255 ? 2 : 1;
      return new Column(
          name,
          MySqlType.STRING,
          MySqlType.ENUM,
          new byte[] {(byte) MySqlType.ENUM, (byte) size},
          true,
          false,
          collation,
          List.of(labels),
          size,
          0,
          0,
          0,
          true);
    }

    /** SET as servers log it: type STRING, metadata real type SET and the pack length. */
    public static Column set(String name, String... labels) {
      return set(name, UTF8MB4, labels);
    }

    public static Column set(String name, int collation, String... labels) {
      int size = (labels.length + 7) / 8;
      if (size > 4) {
        size = 8;
      }
      return new Column(
          name,
          MySqlType.STRING,
          MySqlType.SET,
          new byte[] {(byte) MySqlType.SET, (byte) Math.max(1, size)},
          true,
          false,
          collation,
          List.of(labels),
          Math.max(1, size),
          0,
          0,
          0,
          true);
    }

    // strings ---------------------------------------------------------------------------------

    /**
     * CHAR/BINARY of {@code maxBytes} bytes (characters times the charset's maximum width): type
     * STRING, metadata first byte the real type with bits 4-5 XORed with the length's bits 8-9,
     * second byte the length's low 8 bits; values have a 1-byte length, 2 bytes above 255.
     */
    public static Column charCol(String name, int maxBytes, int collation) {
      int first = MySqlType.STRING ^ ((maxBytes & 0x300) >> 4);
      return new Column(
          name,
          MySqlType.STRING,
          MySqlType.STRING,
          new byte[] {(byte) first, (byte) maxBytes},
          true,
          false,
          collation,
          List.of(),
          maxBytes > 255 ? 2 : 1,
          0,
          0,
          0,
          true);
    }

    public static Column binary(String name, int bytes) {
      return charCol(name, bytes, BINARY);
    }

    /** VARCHAR/VARBINARY: metadata the maximum length in bytes (2 bytes). */
    public static Column varchar(String name, int maxBytes, int collation) {
      return new Column(
          name,
          MySqlType.VARCHAR,
          MySqlType.VARCHAR,
          new byte[] {(byte) maxBytes, (byte) (maxBytes >>> 8)},
          true,
          false,
          collation,
          List.of(),
          maxBytes > 255 ? 2 : 1,
          0,
          0,
          0,
          true);
    }

    public static Column varbinary(String name, int maxBytes) {
      return varchar(name, maxBytes, BINARY);
    }

    /** BLOB/TEXT with a {@code lengthBytes} (1 TINY, 2, 3 MEDIUM, 4 LONG) length prefix. */
    public static Column blob(String name, int lengthBytes, int collation) {
      return new Column(
          name,
          MySqlType.BLOB,
          MySqlType.BLOB,
          new byte[] {(byte) lengthBytes},
          true,
          false,
          collation,
          List.of(),
          lengthBytes,
          0,
          0,
          0,
          true);
    }

    public static Column text(String name, int lengthBytes, int collation) {
      return blob(name, lengthBytes, collation);
    }

    /** GEOMETRY: 4-byte length prefix, binary character set, geometry type 0 (GEOMETRY). */
    public static Column geometry(String name) {
      return new Column(
          name,
          MySqlType.GEOMETRY,
          MySqlType.GEOMETRY,
          new byte[] {4},
          true,
          false,
          BINARY,
          List.of(),
          4,
          0,
          0,
          0,
          true);
    }

    /** MySQL's binary JSON (type 245), 4-byte length prefix. */
    public static Column json(String name) {
      return of(name, MySqlType.JSON, new byte[] {4}, 4);
    }

    /** A column with a made-up type byte and metadata (for unsupported-type tests). */
    public static Column custom(String name, int type, byte[] metadata) {
      return of(name, type, metadata.clone(), 0);
    }

    // encoding --------------------------------------------------------------------------------

    /**
     * The value bytes of this column for a Java value: integers from any {@link Number}; FLOAT and
     * DOUBLE from numbers; DECIMAL from {@link BigDecimal} (or a string); YEAR from an int (0 for
     * the zero year); DATE from {@link LocalDate}; DATETIME from {@link LocalDateTime}; both also
     * from {@link DateTimeParts}; TIMESTAMP from {@link Instant}; TIME from a signed {@link
     * Duration}; BIT, SET and ENUM from numbers (bits, mask, 1-based index); strings, BLOBs,
     * GEOMETRY and JSON from {@code byte[]} or from a {@link String} in the column's charset; a
     * {@link Raw} is written as is. Fractions beyond the column's precision are truncated, as the
     * server does when it stores them.
     */
    public byte[] encode(Object v) {
      if (v instanceof Raw r) {
        return r.bytes();
      }
      return switch (realType) {
        case MySqlType.TINY, MySqlType.SHORT, MySqlType.INT24, MySqlType.LONG, MySqlType.LONGLONG ->
            Values.intLe(((Number) v).longValue(), size);
        case MySqlType.FLOAT -> Values.float32(((Number) v).floatValue());
        case MySqlType.DOUBLE -> Values.float64(((Number) v).doubleValue());
        case MySqlType.NEWDECIMAL ->
            Values.decimal(
                v instanceof BigDecimal d ? d : new BigDecimal(v.toString()), precision, scale);
        case MySqlType.YEAR -> Values.year(((Number) v).intValue());
        case MySqlType.DATE -> Values.date(parts(v));
        case MySqlType.DATETIME -> Values.datetime(parts(v));
        case MySqlType.DATETIME2 -> Values.datetime2(parts(v), precision);
        case MySqlType.TIMESTAMP -> Values.timestamp(((Instant) v).getEpochSecond());
        case MySqlType.TIMESTAMP2 -> Values.timestamp2((Instant) v, precision);
        case MySqlType.TIME -> Values.time((Duration) v);
        case MySqlType.TIME2 -> Values.time2((Duration) v, precision);
        case MySqlType.BIT -> Values.intBe(((Number) v).longValue(), size);
        case MySqlType.ENUM, MySqlType.SET -> Values.intLe(((Number) v).longValue(), size);
        case MySqlType.STRING, MySqlType.VARCHAR, MySqlType.VAR_STRING ->
            Values.withLength(bytesOf(v), size);
        case MySqlType.BLOB, MySqlType.GEOMETRY, MySqlType.JSON, MySqlType.VECTOR ->
            Values.withLength(bytesOf(v), size);
        default ->
            throw new IllegalArgumentException(
                "no encoding for " + MySqlType.name(realType) + " (use EventBytes.raw)");
      };
    }

    private byte[] bytesOf(Object v) {
      if (v instanceof byte[] b) {
        return b;
      }
      Charset cs = javaCharset(collation);
      return v.toString().getBytes(cs == null ? StandardCharsets.UTF_8 : cs);
    }

    private static DateTimeParts parts(Object v) {
      if (v instanceof DateTimeParts p) {
        return p;
      }
      if (v instanceof LocalDateTime t) {
        return DateTimeParts.of(t);
      }
      if (v instanceof LocalDate d) {
        return DateTimeParts.date(d.getYear(), d.getMonthValue(), d.getDayOfMonth());
      }
      throw new IllegalArgumentException("not a date/time: " + v);
    }

    @Override
    public String toString() {
      return name + " " + MySqlType.name(realType);
    }
  }

  /**
   * The Java charset that encodes text of a collation in these fixtures: latin1 collations are
   * cp1252 (as MySQL's latin1 is), {@code binary} has none, everything else is utf8mb4.
   */
  public static Charset javaCharset(int collation) {
    return switch (collation) {
      case BINARY -> null;
      case LATIN1, 5, 15, 31, 47, 48, 49, 94 -> Charset.forName("windows-1252");
      default -> StandardCharsets.UTF_8;
    };
  }

  /** Encoders of single values, as the rows event format stores them. */
  public static final class Values {
    private Values() {}

    private static final int[] DIG2BYTES = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};

    public static byte[] intLe(long v, int bytes) {
      byte[] b = new byte[bytes];
      for (int i = 0; i < bytes; i++) {
        b[i] = (byte) (v >>> (8 * i));
      }
      return b;
    }

    public static byte[] intBe(long v, int bytes) {
      byte[] b = new byte[bytes];
      for (int i = 0; i < bytes; i++) {
        b[bytes - 1 - i] = (byte) (v >>> (8 * i));
      }
      return b;
    }

    public static byte[] float32(float f) {
      return intLe(Float.floatToRawIntBits(f), 4);
    }

    public static byte[] float64(double d) {
      return intLe(Double.doubleToRawLongBits(d), 8);
    }

    /**
     * DECIMAL in MySQL's binary form: the integer digits, then the fraction digits, each in groups
     * of nine stored as 4 big-endian bytes, with the leftover digits of the integer part first and
     * of the fraction last in 1-4 bytes (0, 1, 1, 2, 2, 3, 3, 4, 4, 4 bytes for 0-9 digits);
     * negative values have every byte inverted; then the top bit of the first byte is flipped.
     */
    public static byte[] decimal(BigDecimal value, int precision, int scale) {
      BigDecimal v = value.setScale(scale, RoundingMode.DOWN);
      boolean negative = v.signum() < 0;
      BigInteger unscaled = v.unscaledValue().abs();
      String digits = unscaled.toString();
      int intg = precision - scale;
      if (digits.length() > precision) {
        throw new IllegalArgumentException(value + " does not fit DECIMAL(" + precision + ")");
      }
      String padded = "0".repeat(precision - digits.length()) + digits;
      String intDigits = padded.substring(0, intg);
      String fracDigits = padded.substring(intg);
      Sink out = new Sink();
      int lead = intg % 9;
      if (lead > 0) {
        out.bytes(intBe(Long.parseLong(intDigits.substring(0, lead)), DIG2BYTES[lead]));
      }
      for (int at = lead; at < intg; at += 9) {
        out.bytes(intBe(Long.parseLong(intDigits.substring(at, at + 9)), 4));
      }
      int full = scale / 9 * 9;
      for (int at = 0; at < full; at += 9) {
        out.bytes(intBe(Long.parseLong(fracDigits.substring(at, at + 9)), 4));
      }
      int tail = scale % 9;
      if (tail > 0) {
        out.bytes(intBe(Long.parseLong(fracDigits.substring(full)), DIG2BYTES[tail]));
      }
      byte[] b = out.toArray();
      if (negative) {
        for (int i = 0; i < b.length; i++) {
          b[i] = (byte) ~b[i];
        }
      }
      b[0] ^= (byte) 0x80;
      return b;
    }

    /** Bytes a DECIMAL(precision, scale) value occupies. */
    public static int decimalSize(int precision, int scale) {
      int intg = precision - scale;
      return intg / 9 * 4 + DIG2BYTES[intg % 9] + scale / 9 * 4 + DIG2BYTES[scale % 9];
    }

    /** YEAR: one byte, the year minus 1900, 0 for the zero year. */
    public static byte[] year(int year) {
      return new byte[] {(byte) (year == 0 ? 0 : year - 1900)};
    }

    /** DATE: 3 bytes little-endian, day | month << 5 | year << 9. */
    public static byte[] date(DateTimeParts p) {
      return intLe(p.day() | p.month() << 5 | (long) p.year() << 9, 3);
    }

    /** Old DATETIME: the number YYYYMMDDhhmmss, 8 bytes little-endian. */
    public static byte[] datetime(DateTimeParts p) {
      long ymd = p.year() * 10000L + p.month() * 100L + p.day();
      long hms = p.hour() * 10000L + p.minute() * 100L + p.second();
      return intLe(ymd * 1_000_000L + hms, 8);
    }

    /** Old TIMESTAMP: seconds since the epoch, 4 bytes little-endian. */
    public static byte[] timestamp(long epochSeconds) {
      return intLe(epochSeconds, 4);
    }

    /** Old TIME: the signed number HHMMSS (sign of the whole value), 3 bytes little-endian. */
    public static byte[] time(Duration d) {
      boolean negative = d.isNegative();
      long s = Math.abs(d.getSeconds() + (negative && d.getNano() > 0 ? 1 : 0));
      long hhmmss = s / 3600 * 10000 + s / 60 % 60 * 100 + s % 60;
      return intLe(negative ? -hhmmss : hhmmss, 3);
    }

    /**
     * DATETIME2: 5 bytes big-endian of ((year * 13 + month) << 22 | day << 17 | hour << 12 | minute
     * << 6 | second) + 0x8000000000, then the fraction in (fsp + 1) / 2 bytes.
     */
    public static byte[] datetime2(DateTimeParts p, int fsp) {
      long ym = p.year() * 13L + p.month();
      long ymd = ym << 5 | p.day();
      long hms = (long) p.hour() << 12 | p.minute() << 6 | p.second();
      long intPart = ymd << 17 | hms;
      Sink out = new Sink().bytes(intBe(intPart + 0x8000000000L, 5));
      out.bytes(fraction(truncate(p.micros(), fsp), fsp));
      return out.toArray();
    }

    /** TIMESTAMP2: seconds, 4 bytes big-endian, then the fraction in (fsp + 1) / 2 bytes. */
    public static byte[] timestamp2(Instant t, int fsp) {
      int micros = truncate(t.getNano() / 1000, fsp);
      return new Sink().bytes(intBe(t.getEpochSecond(), 4)).bytes(fraction(micros, fsp)).toArray();
    }

    /** The fraction of DATETIME2/TIMESTAMP2: hundredths, 1/10000s or micros, big-endian. */
    static byte[] fraction(int micros, int fsp) {
      return switch (fsp) {
        case 0 -> new byte[0];
        case 1, 2 -> intBe(micros / 10_000, 1);
        case 3, 4 -> intBe(micros / 100, 2);
        default -> intBe(micros, 3);
      };
    }

    /** Drops the digits beyond {@code fsp}. */
    public static int truncate(int micros, int fsp) {
      int unit = (int) Math.pow(10, 6 - fsp);
      return micros / unit * unit;
    }

    /**
     * TIME2: the signed value ((hour << 12 | minute << 6 | second) << 24) + micros, stored as 3
     * bytes of its integer part (an arithmetic shift by 24) plus 0x800000 and 1 or 2 bytes of the
     * remainder (in 1/100 or 1/10000 s), or for fsp 5-6 as 6 bytes plus 0x800000000000; all
     * big-endian.
     */
    public static byte[] time2(Duration d, int fsp) {
      boolean negative = d.isNegative();
      Duration abs = d.abs();
      long seconds = abs.getSeconds();
      int micros = truncate(abs.getNano() / 1000, fsp);
      long hms = (seconds / 3600) << 12 | (seconds / 60 % 60) << 6 | seconds % 60;
      long packed = (hms << 24) + micros;
      if (negative) {
        packed = -packed;
      }
      return switch (fsp) {
        case 0 -> intBe((packed >> 24) + 0x800000L, 3);
        case 1, 2 ->
            new Sink()
                .bytes(intBe((packed >> 24) + 0x800000L, 3))
                .u8((int) (packed % (1L << 24) / 10_000))
                .toArray();
        case 3, 4 ->
            new Sink()
                .bytes(intBe((packed >> 24) + 0x800000L, 3))
                .bytes(intBe(packed % (1L << 24) / 100, 2))
                .toArray();
        default -> intBe(packed + 0x800000000000L, 6);
      };
    }

    /** A string or blob value: its length in {@code lengthBytes} little-endian, then the bytes. */
    public static byte[] withLength(byte[] value, int lengthBytes) {
      return new Sink().bytes(intLe(value.length, lengthBytes)).bytes(value).toArray();
    }
  }

  /** A length-encoded integer: 1 byte below 251, else 0xfc + 2, 0xfd + 3, 0xfe + 8 bytes. */
  public static byte[] packed(long v) {
    return new Sink().packed(v).toArray();
  }

  // ---------------------------------------------------------------------------------------------

  /** A growable little-endian byte writer. */
  static final class Sink {
    private byte[] buf = new byte[64];
    private int size;

    private void ensure(int n) {
      if (size + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
      }
    }

    Sink u8(int v) {
      ensure(1);
      buf[size++] = (byte) v;
      return this;
    }

    Sink u16(int v) {
      return uint(v, 2);
    }

    Sink u24(int v) {
      return uint(v, 3);
    }

    Sink u32(long v) {
      return uint(v, 4);
    }

    Sink u48(long v) {
      return uint(v, 6);
    }

    Sink u64(long v) {
      return uint(v, 8);
    }

    Sink uint(long v, int bytes) {
      ensure(bytes);
      for (int i = 0; i < bytes; i++) {
        buf[size++] = (byte) (v >>> (8 * i));
      }
      return this;
    }

    Sink packed(long v) {
      if (v >= 0 && v < 251) {
        return u8((int) v);
      }
      if (v >= 0 && v < 1 << 16) {
        return u8(0xfc).u16((int) v);
      }
      if (v >= 0 && v < 1 << 24) {
        return u8(0xfd).u24((int) v);
      }
      return u8(0xfe).u64(v);
    }

    Sink bytes(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, buf, size, b.length);
      size += b.length;
      return this;
    }

    int size() {
      return size;
    }

    byte[] toArray() {
      return Arrays.copyOf(buf, size);
    }

    /** The bytes written, padded with zeros to {@code length} (room for a checksum). */
    byte[] toArray(int length) {
      return Arrays.copyOf(buf, length);
    }
  }

  @Override
  public String toString() {
    return "EventBytes[" + flavor + (checksum ? ", crc32" : "") + ", at " + position + "]";
  }
}
