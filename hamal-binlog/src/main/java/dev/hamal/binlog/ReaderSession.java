package dev.hamal.binlog;

import dev.hamal.binlog.event.ByteCursor;
import dev.hamal.binlog.event.ControlEvents;
import dev.hamal.binlog.event.EventHeader;
import dev.hamal.binlog.event.EventType;
import dev.hamal.binlog.event.FormatDescription;
import dev.hamal.binlog.event.RowsDecoder;
import dev.hamal.binlog.event.TableDecoder;
import dev.hamal.binlog.event.TableMap;
import dev.hamal.binlog.schema.SchemaHistory;
import dev.hamal.binlog.wire.MySqlConnection;
import dev.hamal.binlog.wire.QueryResult;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's worth of streaming: connects, checks and prepares the source, registers as a
 * replica, requests the dump, then frames events on its own thread and publishes batches to the
 * window until the session fails, reaches the requested end, or is stopped.
 *
 * <p><b>Threading.</b> Everything here runs on the session's reader thread except {@link #stop()}.
 * The reader only frames: it parses headers and the small control events (rotate, format
 * description, table map, query, GTID, XID), tracks positions and transactions, and leaves rows
 * events undecoded for the decode workers.
 *
 * <p><b>Positions.</b> The position of every event is computed as the previous position plus the
 * previous event's size, because MariaDB 11.4 writes {@code End_log_pos = 0} inside transactions
 * ({@code binlog_legacy_event_pos=OFF}); where the server does write it, it must agree with the
 * computed one, or the stream has lost its framing and fails as corrupt. Artificial events (the
 * rotate and format description a dump starts with, heartbeats) do not advance the position.
 *
 * <p><b>Failure.</b> Any failure ends the session with a {@link Batch.FailureItem} placed after
 * everything read before it, so the consumer delivers every good row first and knows exactly where
 * to resume. A stopped session ends silently.
 */
final class ReaderSession implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ReaderSession.class);
  private static final Pattern STATEMENT_DML =
      Pattern.compile(
          "^\\s*(?:/\\*.*?\\*/\\s*)*(insert|update|delete|replace|load\\s+data)\\b",
          Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  /** MariaDB's {@code BINLOG_SEND_ANNOTATE_ROWS_EVENT} dump flag. */
  private static final int DUMP_SEND_ANNOTATE_ROWS = 2;

  /** What a table id maps to: a decode plan, or a table the filter excludes. */
  private record Excluded(TableMap map) {}

  /** The transaction the reader is inside. */
  private static final class Tx {
    final TransactionInfo info;
    final ControlEvents.Gtid gtid; // null without GTID event
    boolean explicitBegin;
    final boolean standalone;

    Tx(TransactionInfo info, ControlEvents.Gtid gtid, boolean standalone) {
      this.info = info;
      this.gtid = gtid;
      this.standalone = standalone;
    }
  }

  private final StreamSettings settings;
  private final String server;
  private final Window window;
  private final Executor decoders;
  private final StartPosition start;
  private final StreamState shared;
  private GtidState gtids;

  private volatile boolean stopping;
  private volatile MySqlConnection connection;
  private Thread thread;

  // reader-thread state
  private FormatDescription format;
  private int sessionChecksumLength;
  private String file;
  private long nextPos;
  private int fileVersusStop; // compareFiles(file, stopAt.file)
  private final Map<Long, Object> tables = new HashMap<>();
  private Tx tx;
  private Batch batch;
  private SchemaHistory history;
  private final CRC32 crc = new CRC32();
  private long eventsRead;

  ReaderSession(
      StreamSettings settings,
      Window window,
      Executor decoders,
      StartPosition start,
      GtidState gtids,
      StreamState shared) {
    this.settings = settings;
    this.server = settings.source().name();
    this.window = window;
    this.decoders = decoders;
    this.start = start;
    this.gtids = gtids;
    this.shared = shared;
    this.batch = new Batch(server);
  }

  void start() {
    thread = new Thread(this, "hamal-reader-" + server);
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops the session from another thread: closes the socket so a blocked read returns. */
  void stop() {
    stopping = true;
    window.close();
    MySqlConnection c = connection;
    if (c != null) {
      c.close();
    }
  }

  void join() throws InterruptedException {
    if (thread != null) {
      thread.join();
    }
  }

  long eventsRead() {
    return eventsRead;
  }

  @Override
  public void run() {
    try {
      MySqlConnection c = MySqlConnection.open(settings.source());
      connection = c;
      if (stopping) {
        return;
      }
      BinlogPosition dumpFrom = prepare(c);
      stream(c, dumpFrom);
    } catch (BinlogException e) {
      if (!stopping) {
        fail(e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      if (!stopping) {
        fail(new InternalErrorException(server, currentPosition(), "reading the binlog", e));
      }
    } finally {
      MySqlConnection c = connection;
      if (c != null) {
        c.close();
      }
    }
  }

  private BinlogPosition currentPosition() {
    return file == null ? null : new BinlogPosition(file, Math.max(nextPos, 4));
  }

  private void fail(BinlogException e) {
    try {
      emit(new Batch.FailureItem(e));
      flush();
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- preparation

  /** Checks the source, sets the session up, registers, and returns the dump position. */
  private BinlogPosition prepare(MySqlConnection c) {
    boolean mariaDb = c.serverInfo().mariaDb();
    List<String> vars =
        single(
            c,
            "SELECT @@global.log_bin, @@global.binlog_format, @@global.binlog_row_image,"
                + " @@global.binlog_checksum");
    if (!"1".equals(vars.get(0)) && !"ON".equalsIgnoreCase(vars.get(0))) {
      throw new BinlogConfigurationException(
          server, "binary logging is off on the source; start it with log_bin enabled");
    }
    if (!"ROW".equalsIgnoreCase(vars.get(1))) {
      throw new BinlogConfigurationException(
          server,
          "binlog_format is "
              + vars.get(1)
              + "; Hamal needs binlog_format=ROW (SET GLOBAL binlog_format=ROW)");
    }
    String checksum = vars.get(3) == null ? "NONE" : vars.get(3);
    sessionChecksumLength = "CRC32".equalsIgnoreCase(checksum) ? 4 : 0;
    boolean fullMetadata = rowMetadataIsFull(c);

    BinlogPosition at;
    switch (start) {
      case StartPosition.At a -> at = a.position();
      case StartPosition.Now n -> at = masterStatus(c);
      case StartPosition.AfterGtids g -> at = masterStatus(c);
    }
    if (!(start instanceof StartPosition.AfterGtids) && mariaDb && gtids.text().isEmpty()) {
      List<String> pos =
          single(
              c,
              "SELECT BINLOG_GTID_POS('"
                  + at.file().replace("'", "''")
                  + "', "
                  + at.position()
                  + ")");
      if (pos.get(0) != null) {
        gtids = GtidState.mariaDb(pos.get(0));
      }
    }
    if (start instanceof StartPosition.AfterGtids g && gtids.text().isEmpty()) {
      gtids =
          mariaDb
              ? GtidState.mariaDb(g.gtidSet())
              : GtidState.mySql(MySqlGtidSet.parse(g.gtidSet()));
    }

    history = shared.history();
    if (!fullMetadata) {
      if (history == null) {
        history = SchemaHistory.inMemory();
        shared.history(history);
      }
      if (history.isEmpty()) {
        if (!(start instanceof StartPosition.Now)) {
          log.warn(
              "{}: binlog_row_metadata is not FULL and the schema history is empty: seeding it"
                  + " from the current information_schema for a stream starting at {}; a row that"
                  + " does not fit (DDL in between) stops the stream with an error",
              server,
              at);
        }
        history.seed(at, sql -> c.query(sql).rows(), settings.tables());
      }
    }

    c.execute("SET @master_binlog_checksum = @@global.binlog_checksum");
    long heartbeatNanos = settings.heartbeatInterval().toNanos();
    c.execute("SET @master_heartbeat_period = " + heartbeatNanos);
    c.execute("SET SESSION net_write_timeout = " + settings.serverWriteTimeoutSeconds());
    if (mariaDb) {
      c.execute("SET @mariadb_slave_capability = 4");
      if (start instanceof StartPosition.AfterGtids g) {
        c.execute("SET @slave_connect_state = '" + g.gtidSet().replace("'", "''") + "'");
        c.execute("SET @slave_gtid_strict_mode = 0");
        c.execute("SET @slave_gtid_ignore_duplicates = 0");
      }
    }
    BinlogSource source = settings.source();
    c.registerReplica(
        source.serverId(), source.reportHost(), source.reportPort(), source.user(), "");
    c.setReadTimeout(settings.deadConnectionTimeout());
    return at;
  }

  private boolean rowMetadataIsFull(MySqlConnection c) {
    try {
      return "FULL".equalsIgnoreCase(single(c, "SELECT @@global.binlog_row_metadata").get(0));
    } catch (ServerErrorException e) {
      return false; // servers before MySQL 8.0.1 / MariaDB 10.5 have no such variable
    }
  }

  private BinlogPosition masterStatus(MySqlConnection c) {
    QueryResult status;
    try {
      status = c.query("SHOW MASTER STATUS");
    } catch (ServerErrorException e) {
      status = c.query("SHOW BINARY LOG STATUS"); // MySQL 8.4 removed the old name
    }
    if (status.rows().isEmpty()) {
      throw new BinlogConfigurationException(
          server, "SHOW MASTER STATUS returned nothing: is binary logging on?");
    }
    List<String> row = status.rows().get(0);
    return new BinlogPosition(row.get(0), Long.parseLong(row.get(1)));
  }

  private static List<String> single(MySqlConnection c, String sql) {
    QueryResult r = c.query(sql);
    if (r.rows().size() != 1) {
      throw new IllegalStateException("expected one row from " + sql);
    }
    return r.rows().get(0);
  }

  // ---------------------------------------------------------------- streaming

  private void stream(MySqlConnection c, BinlogPosition from) throws InterruptedException {
    int serverId = settings.source().serverId();
    int nonBlocking = settings.nonBlocking() ? MySqlConnection.DUMP_NON_BLOCKING : 0;
    if (start instanceof StartPosition.AfterGtids g && !c.serverInfo().mariaDb()) {
      c.requestBinlogDumpGtid(MySqlGtidSet.parse(g.gtidSet()), serverId, nonBlocking);
    } else {
      int flags = nonBlocking | (settings.annotateRows() ? DUMP_SEND_ANNOTATE_ROWS : 0);
      c.requestBinlogDump(from, serverId, flags);
    }
    file = from.file();
    nextPos = from.position();
    updateStopComparison();
    if (!(start instanceof StartPosition.AfterGtids)) {
      emitPosition(false); // a GTID start learns its position from the first (fake) rotate
    }
    while (!stopping) {
      if (!batch.isEmpty() && c.available() == 0) {
        flush(); // nothing more is buffered: hand over what we have before blocking
      }
      byte[] event = read(c);
      if (event == MySqlConnection.END_OF_STREAM) {
        if (!settings.nonBlocking()) {
          // a blocking dump only ends when the server goes away (shutdown, KILL)
          throw new BinlogConnectionException(
              server, currentPosition(), "the server ended the binlog stream", null);
        }
        emit(new Batch.EndItem());
        flush();
        return;
      }
      eventsRead++;
      if (!handle(event)) {
        flush();
        return;
      }
      if (batch.size() >= settings.batchMaxEvents() || batch.bytes >= settings.batchMaxBytes()) {
        flush();
      }
    }
  }

  /** Reads the next event; a failure names the position the reader has reached. */
  private byte[] read(MySqlConnection c) {
    try {
      return c.readEvent();
    } catch (BinlogConnectionException e) {
      throw new BinlogConnectionException(server, currentPosition(), e.detail(), e);
    } catch (CorruptEventException e) {
      throw new CorruptEventException(server, currentPosition(), e.detail(), e);
    }
  }

  /** Handles one event; returns false when the stream reached its requested end. */
  private boolean handle(byte[] event) throws InterruptedException {
    EventHeader header;
    try {
      header = EventHeader.read(event);
    } catch (RuntimeException e) {
      throw EventFailures.corrupt(server, currentPosition(), "event header", e);
    }
    int type = header.type();
    if (type == EventType.ROTATE) {
      return rotate(event, header);
    }
    if (type == EventType.FORMAT_DESCRIPTION) {
      formatDescription(event, header);
      return true;
    }
    if (format == null) {
      throw new CorruptEventException(
          server,
          currentPosition(),
          "expected a rotate or format description event first, got " + EventType.name(type));
    }
    if (type == EventType.HEARTBEAT || type == EventType.HEARTBEAT_V2) {
      verifyChecksum(event, type, currentPosition());
      if (tx == null) {
        emitPosition(true);
      }
      return true;
    }
    if (header.isArtificial()) {
      // made up by the dump thread (e.g. a GTID list), occupies no position; checksummed like any
      // other event, and checked first: one damaged bit of the flags must not hide a rows event
      verifyChecksum(event, type, currentPosition());
      return true;
    }
    long size = header.eventSize();
    long written = header.nextPosition();
    // The server's end position is authoritative where it writes one: events it does not send
    // (ANNOTATE_ROWS unless requested) still occupy the file. Inside MariaDB 11.4 transactions it
    // writes 0, and the position is the previous one plus the event's size.
    long eventStart = written != 0 ? unwrap(written) - size : nextPos;
    if (eventStart < nextPos) {
      throw new CorruptEventException(
          server,
          new BinlogPosition(file, nextPos),
          EventType.name(type)
              + " event claims to end at "
              + written
              + ", before the end of the previous event: the event framing is lost");
    }
    if (settings.stopAt() != null && reachedStop(eventStart)) {
      emit(new Batch.EndItem());
      return false;
    }
    nextPos = eventStart + size;
    handleEvent(event, header, type, eventStart, false);
    if (settings.stopAt() != null && reachedStop(nextPos)) {
      emit(new Batch.EndItem()); // the range is read; do not wait for an event after it
      return false;
    }
    return true;
  }

  /**
   * The 64-bit position of a 32-bit end position: binlog files can outgrow 4 GiB (one huge
   * transaction), and the header field then wraps. Only a step back of more than 2 GiB is taken for
   * a wrap; a smaller one is an event from before the previous one (replayed, reordered), which
   * {@link #handle} must see as lost framing rather than as an event 4 GiB further on.
   */
  private long unwrap(long written) {
    long candidate = (nextPos & ~0xffffffffL) | written;
    return nextPos - candidate > 1L << 31 ? candidate + (1L << 32) : candidate;
  }

  private void handleEvent(
      byte[] event, EventHeader header, int type, long eventStart, boolean insidePayload)
      throws InterruptedException {
    int checksumLength = insidePayload ? 0 : format.checksumLength();
    if (EventType.isRows(type)) {
      rows(event, type, eventStart, checksumLength);
      return;
    }
    BinlogPosition here = new BinlogPosition(file, eventStart);
    if (!insidePayload) {
      verifyChecksum(event, type, here);
    }
    FormatDescription f = insidePayload ? format.withoutChecksum() : format;
    try {
      switch (type) {
        case EventType.TABLE_MAP -> tableMap(event, f, here);
        case EventType.QUERY -> query(event, f, here, header);
        case EventType.XID -> commit(Optional.of(ControlEvents.xid(event, f)));
        case EventType.MARIADB_GTID -> {
          ControlEvents.Gtid g = ControlEvents.mariaDbGtid(event, f, header.serverId());
          begin(here, g, Instant.ofEpochSecond(header.timestamp()), g.standalone());
        }
        case EventType.GTID, EventType.ANONYMOUS_GTID -> {
          ControlEvents.Gtid g = ControlEvents.mySqlGtid(event, f);
          Instant commit =
              g.commitMicros() > 0
                  ? Instant.EPOCH.plusNanos(g.commitMicros() * 1000)
                  : Instant.ofEpochSecond(header.timestamp());
          begin(here, type == EventType.GTID ? g : null, commit, false);
        }
        case EventType.MARIADB_GTID_LIST ->
            gtids = gtids.orMariaDbList(ControlEvents.gtidList(event, f));
        case EventType.INCIDENT ->
            throw new SourceIncidentException(server, here, ControlEvents.incident(event, f));
        case EventType.TRANSACTION_PAYLOAD -> payload(event, f, eventStart);
        case EventType.PARTIAL_UPDATE_ROWS ->
            throw new UnsupportedEventException(
                server,
                here,
                "partial JSON updates are not supported; set binlog_row_value_options='' on"
                    + " the source");
        case EventType.GTID_TAGGED ->
            throw new UnsupportedEventException(
                server, here, "tagged GTIDs (MySQL 8.3+) are not supported yet");
        case EventType.MARIADB_QUERY_COMPRESSED,
            EventType.MARIADB_WRITE_ROWS_COMPRESSED_V1,
            EventType.MARIADB_UPDATE_ROWS_COMPRESSED_V1,
            EventType.MARIADB_DELETE_ROWS_COMPRESSED_V1,
            EventType.MARIADB_WRITE_ROWS_COMPRESSED,
            EventType.MARIADB_UPDATE_ROWS_COMPRESSED,
            EventType.MARIADB_DELETE_ROWS_COMPRESSED ->
            throw new UnsupportedEventException(
                server,
                here,
                "compressed binlog events are not supported; set log_bin_compress=OFF");
        case EventType.XA_PREPARE -> commit(Optional.empty());
        case EventType.STOP,
            EventType.INTVAR,
            EventType.RAND,
            EventType.USER_VAR,
            EventType.ROWS_QUERY,
            EventType.PREVIOUS_GTIDS,
            EventType.TRANSACTION_CONTEXT,
            EventType.VIEW_CHANGE,
            EventType.IGNORABLE,
            EventType.MARIADB_ANNOTATE_ROWS,
            EventType.MARIADB_BINLOG_CHECKPOINT,
            EventType.MARIADB_START_ENCRYPTION -> {
          // nothing to do: statement annotations, bookkeeping of the source
        }
        default -> {
          if (!header.isIgnorable()) {
            throw new UnsupportedEventException(
                server, here, "unknown event type " + type + " that may not be ignored");
          }
        }
      }
    } catch (RuntimeException e) {
      throw EventFailures.corrupt(server, here, EventType.name(type) + " event", e);
    }
  }

  private boolean rotate(byte[] event, EventHeader header) {
    boolean fake = header.isArtificial() || header.nextPosition() == 0 || header.timestamp() == 0;
    int checksum = format == null ? sessionChecksumLength : format.checksumLength();
    if (checksum == 4) {
      // the made-up rotate a dump starts with is checksummed too (the session asked for CRC32):
      // unchecked, one damaged bit would put every later row into another file
      verifyCrc(event, currentPosition(), EventType.name(EventType.ROTATE));
    }
    ControlEvents.Rotate r;
    try {
      r = ControlEvents.rotate(event, EventHeader.SIZE, checksum);
    } catch (RuntimeException e) {
      throw EventFailures.corrupt(server, currentPosition(), "rotate event", e);
    }
    if (!fake && settings.stopAt() != null && reachedStop(nextPos)) {
      emitUnchecked(new Batch.EndItem());
      return false;
    }
    file = r.file();
    nextPos = r.position();
    updateStopComparison();
    if (tx == null) {
      emitUnchecked(new Batch.PositionItem(checkpoint(), false));
    }
    return true;
  }

  private void formatDescription(byte[] event, EventHeader header) {
    FormatDescription parsed;
    try {
      parsed = FormatDescription.parse(event);
    } catch (RuntimeException e) {
      throw EventFailures.corrupt(server, currentPosition(), "format description", e);
    }
    if (parsed.checksumAlgorithm() == FormatDescription.CHECKSUM_CRC32) {
      verifyCrc(event, currentPosition(), "format description");
    }
    format = parsed;
    if (header.nextPosition() != 0 && !header.isArtificial()) {
      nextPos += header.eventSize(); // the real event at the start of a file
    }
    tables.clear();
  }

  private void verifyChecksum(byte[] event, int type, BinlogPosition at) {
    if (format != null && format.checksumLength() == 4) {
      verifyCrc(event, at, EventType.name(type));
    }
  }

  private void verifyCrc(byte[] event, BinlogPosition at, String what) {
    int end = event.length - 4;
    if (end < EventHeader.SIZE) {
      throw new CorruptEventException(server, at, what + " event too short for its checksum");
    }
    crc.reset();
    crc.update(event, 0, end);
    long expected = ByteCursor.u32(event, end);
    if (crc.getValue() != expected) {
      throw new CorruptEventException(
          server,
          at,
          "checksum mismatch in "
              + what
              + " event (CRC32 computed "
              + Long.toHexString(crc.getValue())
              + ", event says "
              + Long.toHexString(expected)
              + ")");
    }
  }

  private void tableMap(byte[] event, FormatDescription f, BinlogPosition here) {
    // servers repeat the table map before every statement: reuse what an identical one gave
    Object previous = tables.get(TableMap.tableId(event, f));
    if (previous instanceof TableDecoder d && d.tableMap().hasSameBody(event, f)) {
      return;
    }
    if (previous instanceof Excluded e && e.map().hasSameBody(event, f)) {
      return;
    }
    TableMap map = TableMap.parse(event, f);
    if (!settings.tables().test(map.name())) {
      tables.put(map.tableId(), new Excluded(map));
      return;
    }
    Optional<TableSchema> schema = Optional.empty();
    if (!map.hasColumnNames()) {
      if (history == null) {
        throw new SchemaMismatchException(
            server,
            here,
            map.name(),
            "the binlog carries no column names (binlog_row_metadata is not FULL) and no schema"
                + " history is available");
      }
      SchemaHistory.Lookup found = history.lookup(map.name(), here);
      switch (found) {
        case SchemaHistory.Known k -> schema = Optional.of(k.schema());
        case SchemaHistory.Unknown u ->
            throw new SchemaMismatchException(
                server,
                here,
                map.name(),
                "its schema is unknown since " + u.since() + ": " + u.reason());
        case SchemaHistory.Absent a ->
            throw new SchemaMismatchException(
                server, here, map.name(), "the schema history does not know this table");
      }
    }
    TableDecoder decoder;
    try {
      decoder = TableDecoder.create(map, schema);
    } catch (TableDecoder.ShapeMismatch e) {
      throw new SchemaMismatchException(server, here, map.name(), e.getMessage());
    }
    int unsupported = decoder.firstUnsupportedColumn();
    if (unsupported >= 0) {
      throw new UnsupportedEventException(
          server,
          here,
          "column "
              + decoder.columnName(unsupported)
              + " of "
              + map.name()
              + " has the unsupported type code "
              + decoder.binlogType(unsupported));
    }
    tables.put(map.tableId(), decoder);
  }

  private void rows(byte[] event, int type, long eventStart, int checksumLength)
      throws InterruptedException {
    long tableId;
    try {
      tableId = RowsDecoder.tableId(event, format, type);
    } catch (RuntimeException e) {
      throw EventFailures.corrupt(server, new BinlogPosition(file, eventStart), "rows event", e);
    }
    Object target = tables.get(tableId);
    if (target instanceof Excluded) {
      return;
    }
    BinlogPosition here = new BinlogPosition(file, eventStart);
    if (!(target instanceof TableDecoder table)) {
      throw new CorruptEventException(
          server, here, "rows event for table id " + tableId + " without a table map before it");
    }
    if (tx == null) {
      // rows outside BEGIN/GTID: a non-transactional statement logged on its own
      begin(here, null, Instant.now(), true);
    }
    emit(new Batch.RowsItem(event, format, checksumLength, type, table, here, tx.info));
  }

  private void query(byte[] event, FormatDescription f, BinlogPosition here, EventHeader header)
      throws InterruptedException {
    ControlEvents.Query q = ControlEvents.query(event, f);
    String sql = q.sql().strip();
    String upper =
        sql.length() > 12
            ? sql.substring(0, 12).toUpperCase(Locale.ROOT)
            : sql.toUpperCase(Locale.ROOT);
    if (upper.equals("BEGIN") || upper.startsWith("XA START") || upper.startsWith("XA BEGIN")) {
      if (tx == null) {
        begin(here, null, Instant.ofEpochSecond(header.timestamp()), false);
      }
      tx.explicitBegin = true;
      return;
    }
    if (upper.equals("COMMIT") || upper.equals("ROLLBACK") || upper.startsWith("XA END")) {
      if (upper.startsWith("XA END")) {
        return;
      }
      commit(Optional.empty());
      return;
    }
    if (STATEMENT_DML.matcher(sql).find()
        && !"mysql".equalsIgnoreCase(q.schema())
        && q.errorCode() == 0) {
      throw new BinlogConfigurationException(
          server,
          "a statement-based DML event at "
              + here
              + " cannot be decoded into rows ("
              + abbreviate(sql)
              + "); the source must log with binlog_format=ROW in every session");
    }
    if (SchemaHistory.isDdl(sql)) {
      List<TableName> changed = applyDdl(q, sql, here);
      if (!changed.isEmpty()) {
        tables.values().removeIf(t -> t instanceof TableDecoder d && changed.contains(d.name()));
      }
      emit(new Batch.SchemaItem(new SchemaChange(here, q.schema(), sql, changed)));
    }
    if (tx != null && !tx.explicitBegin) {
      commit(Optional.empty()); // a DDL statement is its own transaction
    }
  }

  /** Advances the schema history; re-reading a DDL after a reconnect does not apply it again. */
  private List<TableName> applyDdl(ControlEvents.Query q, String sql, BinlogPosition here) {
    if (history == null) {
      return List.of();
    }
    Optional<String> charset =
        q.serverCollation() > 0
            ? dev.hamal.binlog.event.Collations.charsetName(q.serverCollation())
            : Optional.empty();
    return history.applyDdl(here, q.schema(), sql, charset, q.sqlMode());
  }

  private static String abbreviate(String sql) {
    return sql.length() <= 80 ? sql : sql.substring(0, 77) + "...";
  }

  private void payload(byte[] event, FormatDescription f, long eventStart)
      throws InterruptedException {
    for (byte[] inner : ControlEvents.transactionPayload(event, f)) {
      EventHeader h = EventHeader.read(inner);
      handleEvent(inner, h, h.type(), eventStart, true);
    }
  }

  private void begin(
      BinlogPosition here, ControlEvents.Gtid gtid, Instant commit, boolean standalone) {
    if (tx != null) {
      log.warn(
          "{}: transaction {} at {} had no commit event before the next one began at {}",
          server,
          tx.info.id(),
          tx.info.begin(),
          here);
    }
    TransactionInfo info =
        new TransactionInfo(here, Optional.ofNullable(gtid).map(ControlEvents.Gtid::text), commit);
    tx = new Tx(info, gtid, standalone);
  }

  private void commit(Optional<Long> xid) throws InterruptedException {
    if (tx == null) {
      return;
    }
    if (tx.gtid != null) {
      gtids.commit(tx.gtid);
    }
    TransactionEnd end =
        new TransactionEnd(tx.info, new BinlogPosition(file, nextPos), xid, gtids.text());
    tx = null;
    emit(new Batch.CommitItem(end));
  }

  private Checkpoint checkpoint() {
    return new Checkpoint(new BinlogPosition(file, nextPos), gtids.text());
  }

  private void emitPosition(boolean heartbeat) throws InterruptedException {
    emit(new Batch.PositionItem(checkpoint(), heartbeat));
    if (heartbeat) {
      flush();
    }
  }

  private void updateStopComparison() {
    if (settings.stopAt() != null) {
      fileVersusStop = BinlogPosition.compareFiles(file, settings.stopAt().file());
    }
  }

  private boolean reachedStop(long position) {
    return fileVersusStop > 0 || (fileVersusStop == 0 && position >= settings.stopAt().position());
  }

  // ---------------------------------------------------------------- hand-off

  private void emit(Batch.Item item) throws InterruptedException {
    batch.add(item);
  }

  private void emitUnchecked(Batch.Item item) {
    batch.add(item);
  }

  private void flush() throws InterruptedException {
    if (batch.isEmpty()) {
      return;
    }
    Batch full = batch;
    batch = new Batch(server);
    if (!window.put(full)) {
      return; // window closed: the session is being stopped
    }
    if (full.hasRows()) {
      decoders.execute(() -> full.decode(settings.mapper()));
    } else {
      full.markDecoded();
    }
  }
}
