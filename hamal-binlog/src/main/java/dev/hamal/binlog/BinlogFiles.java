package dev.hamal.binlog;

import dev.hamal.binlog.wire.MySqlConnection;
import dev.hamal.binlog.wire.QueryResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The binlog files a source still has ({@code SHOW BINARY LOGS}) and their sizes: where the oldest
 * readable position is, where the end is, and how many bytes lie between a position and the end (a
 * pipe's lag in bytes).
 *
 * @param files oldest first; the last one is being written
 */
public record BinlogFiles(List<File> files) {

  /** One file and its size in bytes. */
  public record File(String name, long size) {
    public File {
      Objects.requireNonNull(name, "name");
    }
  }

  public BinlogFiles {
    files = List.copyOf(files);
    if (files.isEmpty()) {
      throw new IllegalArgumentException("a source with binary logging on has at least one file");
    }
  }

  /**
   * Asks the source over one short connection of the replication user (who needs {@code REPLICATION
   * CLIENT} or {@code BINLOG MONITOR}, as for streaming).
   *
   * @throws BinlogException when the source cannot be reached or refuses the query
   */
  public static BinlogFiles of(BinlogSource source) {
    try (MySqlConnection c = MySqlConnection.open(source)) {
      QueryResult logs = c.query("SHOW BINARY LOGS");
      if (logs.rows().isEmpty()) {
        throw new BinlogConfigurationException(
            source.name(), "SHOW BINARY LOGS returned nothing: is binary logging on?");
      }
      List<File> files = new ArrayList<>();
      for (List<String> row : logs.rows()) {
        files.add(new File(row.get(0), Long.parseLong(row.get(1))));
      }
      return new BinlogFiles(files);
    }
  }

  /** The first event of the oldest file the source still has. */
  public BinlogPosition earliest() {
    return new BinlogPosition(files.get(0).name(), 4);
  }

  /** The end of the newest file: where a stream started now would begin. */
  public BinlogPosition end() {
    File last = files.get(files.size() - 1);
    return new BinlogPosition(last.name(), last.size());
  }

  /**
   * Bytes from {@code position} to the end; the whole size of the files the source has when the
   * position's file is no longer among them (purged).
   */
  public long bytesBehind(BinlogPosition position) {
    long behind = 0;
    boolean counting = false;
    for (File file : files) {
      if (file.name().equals(position.file())) {
        counting = true;
        behind += Math.max(0, file.size() - position.position());
      } else if (counting || BinlogPosition.compareFiles(file.name(), position.file()) > 0) {
        counting = true;
        behind += file.size();
      }
    }
    return behind;
  }
}
