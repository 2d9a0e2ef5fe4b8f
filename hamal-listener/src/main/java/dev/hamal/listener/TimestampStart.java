package dev.hamal.listener;

import dev.hamal.binlog.BinlogFiles;
import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.BinlogSource;
import dev.hamal.binlog.BinlogStream;
import dev.hamal.binlog.ChangeHandler;
import dev.hamal.binlog.RowChange;
import dev.hamal.binlog.StartPosition;
import dev.hamal.binlog.TableFilter;
import dev.hamal.binlog.TransactionEnd;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Resolves "start at a time" to a binlog position: the start of the newest binlog file whose first
 * transaction committed at or before the time (the oldest file when every file begins later).
 *
 * <p>A file is the finest unit a position can be found in without reading the binlog through, so
 * the changes between the file's start and the time are published again. That is harmless: stores
 * apply a change only when its version is newer than what they hold. Each probe reads one file from
 * its start up to its first commit, decoding no rows.
 */
final class TimestampStart {
  private TimestampStart() {}

  static BinlogPosition resolve(BinlogSource source, Instant at) throws InterruptedException {
    List<BinlogFiles.File> files = BinlogFiles.of(source).files();
    for (int i = files.size() - 1; i > 0; i--) {
      BinlogPosition start = new BinlogPosition(files.get(i).name(), 4);
      Optional<Instant> first = firstCommit(source, start);
      if (first.isPresent() && !first.get().isAfter(at)) {
        return start;
      }
    }
    return new BinlogPosition(files.get(0).name(), 4);
  }

  /** When the first transaction after {@code start} committed; empty when there is none yet. */
  static Optional<Instant> firstCommit(BinlogSource source, BinlogPosition start)
      throws InterruptedException {
    Instant[] first = new Instant[1];
    BinlogStream stream =
        BinlogStream.builder(source)
            .start(StartPosition.at(start))
            .nonBlocking(true)
            .tables(TableFilter.all().claimedBy(table -> false, "no table (a probe)"))
            .build();
    try {
      stream.run(
          new ChangeHandler() {
            @Override
            public void onRow(RowChange change) {}

            @Override
            public void onCommit(TransactionEnd end) {
              if (first[0] == null) {
                first[0] = end.transaction().commitTime();
                stream.close();
              }
            }
          });
    } finally {
      stream.close();
    }
    return Optional.ofNullable(first[0]);
  }
}
