package dev.hamal.binlog.wire;

import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.BinlogSource;
import dev.hamal.binlog.MySqlGtidSet;
import java.time.Duration;

/** Placeholder with the agreed signatures; replaced by the protocol client. */
public final class MySqlConnection implements AutoCloseable {
  public static final int DUMP_NON_BLOCKING = 1;
  public static final byte[] END_OF_STREAM = new byte[0];

  public static MySqlConnection open(BinlogSource source) {
    throw new UnsupportedOperationException();
  }

  public ServerInfo serverInfo() {
    throw new UnsupportedOperationException();
  }

  public QueryResult query(String sql) {
    throw new UnsupportedOperationException();
  }

  public void execute(String sql) {
    throw new UnsupportedOperationException();
  }

  public void registerReplica(
      int serverId, String reportHost, int reportPort, String reportUser, String reportPassword) {
    throw new UnsupportedOperationException();
  }

  public void requestBinlogDump(BinlogPosition start, int serverId, int flags) {
    throw new UnsupportedOperationException();
  }

  public void requestBinlogDumpGtid(
      BinlogPosition start, MySqlGtidSet gtids, int serverId, int flags) {
    throw new UnsupportedOperationException();
  }

  public void requestBinlogDumpGtid(MySqlGtidSet gtids, int serverId, int flags) {
    throw new UnsupportedOperationException();
  }

  public byte[] readEvent() {
    throw new UnsupportedOperationException();
  }

  public void setReadTimeout(Duration timeout) {
    throw new UnsupportedOperationException();
  }

  public int available() {
    throw new UnsupportedOperationException();
  }

  public long bytesReceived() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() {}
}
