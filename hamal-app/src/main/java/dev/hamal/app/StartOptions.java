package dev.hamal.app;

import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.StartPosition;
import picocli.CommandLine.Option;

/** Where a stream starts: exactly one of {@code --from}, {@code --gtid}, {@code --now}. */
final class StartOptions {
  @Option(
      names = "--from",
      paramLabel = "FILE:POS",
      description = "Start at this binlog position, e.g. mysql-bin.000003:4.")
  String from;

  @Option(
      names = "--gtid",
      paramLabel = "SET",
      description = "Start after these GTIDs (MariaDB 0-1-42,... or MySQL uuid:1-42,...).")
  String gtid;

  @Option(names = "--now", description = "Start at the source's current end (the default).")
  boolean now;

  StartPosition toStartPosition() {
    int given = (from != null ? 1 : 0) + (gtid != null ? 1 : 0) + (now ? 1 : 0);
    if (given > 1) {
      throw new IllegalArgumentException("give only one of --from, --gtid and --now");
    }
    if (from != null) {
      try {
        return StartPosition.at(BinlogPosition.parse(from));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--from: " + e.getMessage());
      }
    }
    if (gtid != null) {
      return StartPosition.afterGtids(gtid);
    }
    return StartPosition.now();
  }
}
