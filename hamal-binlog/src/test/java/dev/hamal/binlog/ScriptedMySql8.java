package dev.hamal.binlog;

import dev.hamal.binlog.event.MySqlStreamFixture;
import dev.hamal.testkit.ScriptedMySqlServer;
import dev.hamal.testkit.ScriptedMySqlServer.DumpRequest;
import dev.hamal.testkit.ScriptedMySqlServer.DumpScript;
import dev.hamal.testkit.ScriptedMySqlServer.QueryAnswer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * A {@link ScriptedMySqlServer} that plays a MySQL 8.0 source of a {@link MySqlStreamFixture}:
 * {@code caching_sha2_password} with a cached account (fast path), binary logging ON, ROW format,
 * FULL row image and metadata, and answers to every query the reader sends before its dump.
 */
final class ScriptedMySql8 {
  static final String NAME = "mysql8-fixture";
  static final String USER = "repl";
  static final String PASSWORD = "s3cret-ç";
  static final int REPLICA_SERVER_ID = 6612;

  private ScriptedMySql8() {}

  /** A server whose dump requests {@code dumps} answers. */
  static ScriptedMySqlServer start(boolean checksum, Function<DumpRequest, DumpScript> dumps) {
    return ScriptedMySqlServer.builder()
        .serverVersion("8.0.36")
        .defaultAuthPlugin("caching_sha2_password")
        .account(USER, PASSWORD)
        .onQuery(
            "SELECT @@global.log_bin, @@global.binlog_format, @@global.binlog_row_image,"
                + " @@global.binlog_checksum",
            QueryAnswer.row(
                List.of(
                    "@@global.log_bin",
                    "@@global.binlog_format",
                    "@@global.binlog_row_image",
                    "@@global.binlog_checksum"),
                "1",
                "ROW",
                "FULL",
                checksum ? "CRC32" : "NONE"))
        .onQuery(
            "SELECT @@global.binlog_row_metadata",
            QueryAnswer.row(List.of("@@global.binlog_row_metadata"), "FULL"))
        .onQuery(
            "SHOW MASTER STATUS",
            QueryAnswer.row(
                List.of(
                    "File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB", "Executed_Gtid_Set"),
                MySqlStreamFixture.SECOND_FILE,
                "4",
                "",
                "",
                MySqlStreamFixture.SOURCE + ":1-14"))
        .onQuery(sql -> sql.startsWith("SET "), QueryAnswer.ok())
        .onDump(dumps)
        .start();
  }

  /** How the stream reaches the server. */
  static BinlogSource.Builder source(ScriptedMySqlServer server) {
    return BinlogSource.builder(server.host(), server.port())
        .name(NAME)
        .user(USER)
        .password(PASSWORD)
        .sslMode(SslMode.DISABLED)
        .serverId(REPLICA_SERVER_ID)
        .connectTimeout(Duration.ofSeconds(5))
        .queryTimeout(Duration.ofSeconds(5));
  }

  /**
   * What a MySQL 8.0 source answers to the request: a GTID dump gets everything after {@link
   * MySqlStreamFixture#GTIDS_BEFORE}, a file/position dump the events from there, then the natural
   * ending (EOF when non-blocking, else silence); a position that is not an event of the fixture
   * gets error 1236, as from a real server.
   */
  static DumpScript dump(MySqlStreamFixture fixture, DumpRequest request) {
    List<byte[]> events = events(fixture, request);
    if (events == null) {
      return DumpScript.of(List.of())
          .thenError(
              1236,
              "HY000",
              "Client requested source to start replication from an invalid position");
    }
    return DumpScript.of(events);
  }

  /** The events answering the request; null when the position is not in the fixture. */
  static List<byte[]> events(MySqlStreamFixture fixture, DumpRequest request) {
    return request.command() == ScriptedMySqlServer.COM_BINLOG_DUMP_GTID
        ? fixture.dumpAll()
        : fixture.dumpFrom(request.file(), request.position());
  }

  /** A binlog packet as sent on the wire: 3-byte length, sequence id, 0x00, the event. */
  static byte[] eventPacket(int sequenceId, byte[] event) {
    int length = event.length + 1;
    ByteBuffer packet = ByteBuffer.allocate(4 + length).order(ByteOrder.LITTLE_ENDIAN);
    packet.put((byte) length).put((byte) (length >>> 8)).put((byte) (length >>> 16));
    packet.put((byte) sequenceId).put((byte) 0).put(event);
    return packet.array();
  }
}
