package dev.hamal.binlog;

import java.util.Objects;

/** Where a stream starts reading. */
public sealed interface StartPosition {

  /** At an explicit event position ({@code FILE:POS}). */
  record At(BinlogPosition position) implements StartPosition {
    public At {
      Objects.requireNonNull(position, "position");
    }
  }

  /**
   * After the transactions of a GTID set: MariaDB's {@code domain-server-seq,...} (sent as
   * {@code @slave_connect_state}) or MySQL's {@code uuid:1-5,...} (sent with {@code
   * COM_BINLOG_DUMP_GTID}).
   */
  record AfterGtids(String gtidSet) implements StartPosition {
    public AfterGtids {
      Objects.requireNonNull(gtidSet, "gtidSet");
      if (gtidSet.isBlank()) {
        throw new IllegalArgumentException("GTID set must not be blank");
      }
    }
  }

  /** At the source's current end: only changes committed after the stream starts. */
  record Now() implements StartPosition {}

  static StartPosition at(BinlogPosition position) {
    return new At(position);
  }

  static StartPosition afterGtids(String gtidSet) {
    return new AfterGtids(gtidSet);
  }

  static StartPosition now() {
    return new Now();
  }
}
