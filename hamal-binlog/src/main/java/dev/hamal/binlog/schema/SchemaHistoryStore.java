package dev.hamal.binlog.schema;

import java.util.List;

/**
 * Where a {@link SchemaHistory} keeps its records so that a restart does not need the past of the
 * binlog. A record is an opaque text (it may span lines) that the history encodes and decodes; the
 * store only keeps records in order and durably.
 *
 * <p>Contract: {@link #append} returns only once the record survives a crash of the process and of
 * the machine; {@link #load} returns every record appended and acknowledged so far, in order, and
 * never a record whose append did not return. A store fails with {@link
 * SchemaHistoryStorageException} when it cannot read or write, and with {@link
 * SchemaHistoryCorruptException} when what it holds is damaged.
 *
 * <p>Threading: used by one thread at a time (the history's owner).
 */
public interface SchemaHistoryStore extends AutoCloseable {

  /** Every record appended so far, oldest first. */
  List<String> load();

  /** Appends one record durably. */
  void append(String record);

  /**
   * Where record number {@code index} (0-based, in {@link #load} order) is kept, for error
   * messages: a file and line, a node, ...
   */
  String locate(int index);

  /** Releases the store's resources (file handles, locks). */
  @Override
  void close();
}
