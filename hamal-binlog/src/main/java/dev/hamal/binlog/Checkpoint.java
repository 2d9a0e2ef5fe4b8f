package dev.hamal.binlog;

import java.util.Objects;
import java.util.Optional;

/**
 * A transaction boundary to resume from: the binlog position after a committed transaction and,
 * when known, the GTID set executed up to it.
 */
public record Checkpoint(BinlogPosition position, Optional<String> gtidState) {
  public Checkpoint {
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(gtidState, "gtidState");
  }

  /** The start position that resumes here (by file and position). */
  public StartPosition toStartPosition() {
    return StartPosition.at(position);
  }
}
