package dev.hamal.binlog;

import dev.hamal.binlog.event.DecodedRows;
import dev.hamal.binlog.event.FormatDescription;
import dev.hamal.binlog.event.RowsDecoder;
import dev.hamal.binlog.event.TableDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.zip.CRC32;

/**
 * A run of consecutive stream items handed from the reader to the consumer through the {@link
 * Window}: rows events still to be decoded, and the control items between them in binlog order.
 *
 * <p>Life cycle: the reader fills it, then it is published to the window and, if it holds rows, to
 * one decode worker, which decodes every rows item in order and then counts down {@link #decoded};
 * the consumer waits for that before reading any item. The latch is the only synchronisation: items
 * are written before it and read after it. A decode failure is stored in the failing item; items
 * after it are not decoded (the consumer stops there).
 */
final class Batch {
  /** One thing the consumer must act on, in order. */
  sealed interface Item {}

  /** A rows event to decode, with everything needed to do it off the reader thread. */
  static final class RowsItem implements Item {
    final byte[] event;
    final int checksumLength;
    final FormatDescription format;
    final int type;
    final TableDecoder table;
    final BinlogPosition position;
    final TransactionInfo transaction;
    DecodedRows rows;
    BinlogException failure;

    /** Index of this event's first row: 0, or on from the previous event at the same position. */
    int rowIndexBase;

    /** The changes with the mapper's results, when the stream has a mapper. */
    RowChange[] changes;

    /** What the mapper threw; rethrown on the consumer when it gets to this event. */
    RuntimeException mapperFailure;

    RowsItem(
        byte[] event,
        FormatDescription format,
        int checksumLength,
        int type,
        TableDecoder table,
        BinlogPosition position,
        TransactionInfo transaction) {
      this.event = event;
      this.format = format;
      this.checksumLength = checksumLength;
      this.type = type;
      this.table = table;
      this.position = position;
      this.transaction = transaction;
    }
  }

  record CommitItem(TransactionEnd end) implements Item {}

  record SchemaItem(SchemaChange change) implements Item {}

  /** The reader knows where it is between transactions (start, rotation, heartbeat). */
  record PositionItem(Checkpoint checkpoint, boolean heartbeat) implements Item {}

  /** The session failed here; nothing after it in this session is valid. */
  record FailureItem(BinlogException failure) implements Item {}

  /** The requested end was reached. */
  record EndItem() implements Item {}

  private final String server;
  final List<Item> items = new ArrayList<>();
  private int rowsItems;
  long bytes;
  final CountDownLatch decoded = new CountDownLatch(1);

  Batch(String server) {
    this.server = server;
  }

  void add(Item item) {
    items.add(item);
    if (item instanceof RowsItem r) {
      rowsItems++;
      bytes += r.event.length;
    }
  }

  boolean isEmpty() {
    return items.isEmpty();
  }

  int size() {
    return items.size();
  }

  boolean hasRows() {
    return rowsItems > 0;
  }

  /** Bytes the window reserves for this batch: the events and their decoded values. */
  long reservation() {
    return 256 + bytes * 3;
  }

  /**
   * Decodes every rows item and applies the mapper, if any; called on a decode worker. Never
   * throws. The rows events of one MySQL transaction payload share its position and are always in
   * the same batch (the reader never flushes inside a payload), so their rows can be numbered on
   * here.
   */
  void decode(RowMapper mapper) {
    try {
      CRC32 crc = new CRC32();
      RowsItem previous = null;
      for (Item item : items) {
        if (!(item instanceof RowsItem r)) {
          continue;
        }
        if (!decodeOne(r, crc)) {
          return;
        }
        if (previous != null && previous.position.equals(r.position)) {
          r.rowIndexBase = previous.rowIndexBase + previous.rows.rowCount();
        }
        previous = r;
        if (mapper != null && !map(r, mapper)) {
          return;
        }
      }
    } finally {
      decoded.countDown();
    }
  }

  private boolean map(RowsItem r, RowMapper mapper) {
    DecodedRows rows = r.rows;
    int n = rows.rowCount();
    Operation op = rows.operation();
    RowChange[] changes = new RowChange[n];
    try {
      for (int i = 0; i < n; i++) {
        RowChange change =
            new RowChange(
                server,
                op,
                rows.before(i),
                rows.after(i),
                r.position,
                r.rowIndexBase + i,
                r.transaction);
        changes[i] = change.withMapped(mapper.map(change));
      }
    } catch (RuntimeException e) {
      r.mapperFailure = e;
      return false;
    }
    r.changes = changes;
    return true;
  }

  private boolean decodeOne(RowsItem r, CRC32 crc) {
    try {
      int end = r.event.length - r.checksumLength;
      if (r.checksumLength == 4) {
        crc.reset();
        crc.update(r.event, 0, end);
        long expected = dev.hamal.binlog.event.ByteCursor.u32(r.event, end);
        if (crc.getValue() != expected) {
          r.failure =
              new CorruptEventException(
                  server,
                  r.position,
                  "checksum mismatch in "
                      + dev.hamal.binlog.event.EventType.name(r.type)
                      + " event of "
                      + r.table.name()
                      + " (CRC32 computed "
                      + Long.toHexString(crc.getValue())
                      + ", event says "
                      + Long.toHexString(expected)
                      + ")");
          return false;
        }
      }
      r.rows = RowsDecoder.decode(r.event, end, r.format, r.type, r.table);
      return true;
    } catch (RuntimeException e) {
      r.failure = EventFailures.decoding(server, r.position, "rows event of " + r.table.name(), e);
      return false;
    } catch (Error e) {
      r.failure =
          new InternalErrorException(server, r.position, "decoding rows of " + r.table.name(), e);
      return false;
    }
  }

  /** Builds the change of row {@code i} of a decoded item without a mapper (consumer side). */
  RowChange change(RowsItem r, int i) {
    if (r.changes != null) {
      return r.changes[i];
    }
    DecodedRows rows = r.rows;
    return new RowChange(
        server,
        rows.operation(),
        rows.before(i),
        rows.after(i),
        r.position,
        r.rowIndexBase + i,
        r.transaction);
  }

  /** Marks a batch without rows as ready. */
  void markDecoded() {
    decoded.countDown();
  }
}
