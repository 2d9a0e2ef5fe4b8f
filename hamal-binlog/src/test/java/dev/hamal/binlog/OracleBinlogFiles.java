package dev.hamal.binlog;

import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import dev.hamal.binlog.event.OracleComparison;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The oracle's side of the differential test: reads the row changes of a binlog range straight from
 * the server's binlog files with mysql-binlog-connector-java's {@code EventDeserializer} (in the
 * compatibility modes of {@link OracleComparison.Oracle}), one row at a time.
 *
 * <p>Events are framed by their sizes, counted from each file's start: MariaDB 11.4 writes {@code
 * End_log_pos = 0} inside transactions, so the header's next position cannot be trusted. Each
 * file's format description is fed to the oracle first (it sets the checksum length); then only
 * TABLE_MAP and rows events are deserialized. The range's start must fall on an event boundary and
 * its end too; a range that spans files continues in the next file of the sequence. Rows of tables
 * outside {@code tables} (as {@code schema.table}) are skipped.
 *
 * <p>Not thread-safe.
 */
final class OracleBinlogFiles implements AutoCloseable {

  /**
   * One row as the oracle decoded it.
   *
   * @param event ordinal of its rows event among the included rows events of the range
   * @param transaction file position of the GTID event that began the row's transaction
   * @param position the rows event's file position
   * @param index the row's index in its rows event
   * @param beforeColumns columns present in {@code before}; null for inserts
   * @param afterColumns columns present in {@code after}; null for deletes
   */
  record Row(
      long event,
      BinlogPosition transaction,
      BinlogPosition position,
      int index,
      Operation operation,
      TableName table,
      BitSet beforeColumns,
      Serializable[] before,
      BitSet afterColumns,
      Serializable[] after) {

    @Override
    public String toString() {
      return operation + " " + table + " at " + position + "#" + index;
    }
  }

  private static final int HEADER = 19;
  private static final int FORMAT_DESCRIPTION = 15;
  private static final int TABLE_MAP = 19;
  private static final Set<Integer> GTID = Set.of(33, 162); // MySQL, MariaDB
  private static final Set<Integer> ROWS = Set.of(23, 24, 25, 30, 31, 32);
  private static final Set<Integer> COMPRESSED_ROWS = Set.of(166, 167, 168, 169, 170, 171);

  private final Path dir;
  private final BinlogPosition to;
  private final Set<String> tables;
  private final OracleComparison.Oracle oracle = new OracleComparison.Oracle();
  private final Map<Long, TableName> tableIds = new HashMap<>();
  private final ArrayDeque<Row> pending = new ArrayDeque<>();

  private String file;
  private DataInputStream in;
  private long offset;
  private BinlogPosition transaction;
  private boolean done;
  private long rowsEvents;
  private long eventsRead;
  private long bytesRead;

  OracleBinlogFiles(Path dir, BinlogPosition from, BinlogPosition to, Set<String> tables)
      throws IOException {
    if (from.compareTo(to) > 0) {
      throw new IllegalArgumentException("range " + from + " .. " + to + " is backwards");
    }
    this.dir = dir;
    this.to = to;
    this.tables = Set.copyOf(tables);
    open(from.file());
    while (offset < from.position()) {
      byte[] event = readEvent();
      if (event == null) {
        throw new IllegalStateException(from + " is past the end of its file");
      }
    }
    if (offset != from.position()) {
      throw new IllegalStateException(
          from + " is not an event boundary (an event ends at " + offset + ")");
    }
  }

  /** The next row of the range, or null after the last. */
  Row next() throws IOException {
    while (pending.isEmpty() && !done) {
      step();
    }
    return pending.poll();
  }

  /** Events framed in the range and before it, in every file read. */
  long eventsRead() {
    return eventsRead;
  }

  /** Bytes framed, from each file's start. */
  long bytesRead() {
    return bytesRead;
  }

  private void step() throws IOException {
    if (file.equals(to.file()) && offset >= to.position()) {
      if (offset != to.position()) {
        throw new IllegalStateException(
            to + " is not an event boundary (an event ends at " + offset + ")");
      }
      done = true;
      return;
    }
    long start = offset;
    byte[] event = readEvent();
    if (event == null) {
      if (file.equals(to.file())) {
        throw new IllegalStateException(file + " ends at " + offset + ", before " + to);
      }
      open(nextFile(file));
      return;
    }
    int type = event[4] & 0xff;
    if (COMPRESSED_ROWS.contains(type)) {
      throw new IllegalStateException(
          "compressed rows event (type " + type + ") at " + file + ":" + start);
    }
    if (GTID.contains(type)) {
      transaction = new BinlogPosition(file, start);
    } else if (type == TABLE_MAP) {
      TableMapEventData map = (TableMapEventData) oracle.next(event).getData();
      tableIds.put(map.getTableId(), new TableName(map.getDatabase(), map.getTable()));
    } else if (ROWS.contains(type)) {
      rows(event, new BinlogPosition(file, start));
    }
  }

  private void rows(byte[] event, BinlogPosition position) {
    EventData data;
    try {
      data = oracle.next(event).getData();
    } catch (RuntimeException e) {
      throw new IllegalStateException("the oracle cannot read the rows event at " + position, e);
    }
    long tableId =
        switch (data) {
          case WriteRowsEventData w -> w.getTableId();
          case UpdateRowsEventData u -> u.getTableId();
          case DeleteRowsEventData d -> d.getTableId();
          default -> throw new IllegalStateException("not rows at " + position + ": " + data);
        };
    TableName table = tableIds.get(tableId);
    if (table == null) {
      throw new IllegalStateException("rows event at " + position + " before its table map");
    }
    if (!tables.contains(table.toString())) {
      return;
    }
    long ordinal = rowsEvents++;
    switch (data) {
      case WriteRowsEventData w -> {
        int i = 0;
        for (Serializable[] row : w.getRows()) {
          pending.add(
              new Row(
                  ordinal,
                  transaction,
                  position,
                  i++,
                  Operation.INSERT,
                  table,
                  null,
                  null,
                  w.getIncludedColumns(),
                  row));
        }
      }
      case UpdateRowsEventData u -> {
        int i = 0;
        for (Map.Entry<Serializable[], Serializable[]> row : u.getRows()) {
          pending.add(
              new Row(
                  ordinal,
                  transaction,
                  position,
                  i++,
                  Operation.UPDATE,
                  table,
                  u.getIncludedColumnsBeforeUpdate(),
                  row.getKey(),
                  u.getIncludedColumns(),
                  row.getValue()));
        }
      }
      case DeleteRowsEventData d -> {
        int i = 0;
        for (Serializable[] row : d.getRows()) {
          pending.add(
              new Row(
                  ordinal,
                  transaction,
                  position,
                  i++,
                  Operation.DELETE,
                  table,
                  d.getIncludedColumns(),
                  row,
                  null,
                  null));
        }
      }
      default -> throw new AssertionError(data);
    }
  }

  /** Opens a file and feeds its format description to the oracle. */
  private void open(String name) throws IOException {
    close();
    Path path = dir.resolve(name);
    InputStream raw = Files.newInputStream(path);
    in = new DataInputStream(new BufferedInputStream(raw, 1 << 20));
    file = name;
    byte[] magic = new byte[4];
    in.readFully(magic);
    if (!Arrays.equals(magic, new byte[] {(byte) 0xfe, 'b', 'i', 'n'})) {
      throw new IllegalStateException(path + " is not a binlog file");
    }
    offset = 4;
    bytesRead += 4;
    byte[] first = readEvent();
    if (first == null || (first[4] & 0xff) != FORMAT_DESCRIPTION) {
      throw new IllegalStateException(path + " does not start with a format description");
    }
    oracle.next(first);
  }

  /** The whole next event of the current file, or null at its end. */
  private byte[] readEvent() throws IOException {
    byte[] header = new byte[HEADER];
    int n = in.readNBytes(header, 0, HEADER);
    if (n == 0) {
      return null;
    }
    if (n < HEADER) {
      throw new EOFException(file + " ends inside the header of the event at " + offset);
    }
    long size =
        (header[9] & 0xffL)
            | (header[10] & 0xffL) << 8
            | (header[11] & 0xffL) << 16
            | (header[12] & 0xffL) << 24;
    if (size < HEADER || size > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("event size " + size + " at " + file + ":" + offset);
    }
    byte[] event = Arrays.copyOf(header, (int) size);
    in.readFully(event, HEADER, (int) size - HEADER);
    offset += size;
    bytesRead += size;
    eventsRead++;
    return event;
  }

  /** {@code mysql-bin.000009} to {@code mysql-bin.000010}, keeping the width. */
  static String nextFile(String name) {
    int dot = name.lastIndexOf('.');
    String digits = name.substring(dot + 1);
    String next = Long.toString(Long.parseLong(digits) + 1);
    return name.substring(0, dot + 1)
        + "0".repeat(Math.max(0, digits.length() - next.length()))
        + next;
  }

  @Override
  public void close() throws IOException {
    if (in != null) {
      in.close();
      in = null;
    }
  }
}
