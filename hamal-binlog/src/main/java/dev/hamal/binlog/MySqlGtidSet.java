package dev.hamal.binlog;

/** Placeholder with the agreed signatures; replaced by the protocol client's GTID set. */
public final class MySqlGtidSet {
  public static MySqlGtidSet parse(String text) {
    throw new UnsupportedOperationException();
  }

  public MySqlGtidSet add(String uuid, long gno) {
    throw new UnsupportedOperationException();
  }
}
