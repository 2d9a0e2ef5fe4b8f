package dev.hamal.binlog.wire;

import static dev.hamal.binlog.wire.TestEvents.event;
import static dev.hamal.binlog.wire.TestEvents.eventPayload;
import static dev.hamal.binlog.wire.TestEvents.packet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hamal.binlog.BinlogConnectionException;
import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.BinlogSource;
import dev.hamal.binlog.BinlogUnavailableException;
import dev.hamal.binlog.CorruptEventException;
import dev.hamal.binlog.ServerErrorException;
import dev.hamal.binlog.SslMode;
import dev.hamal.testkit.ScriptedMySqlServer;
import dev.hamal.testkit.ScriptedMySqlServer.DumpScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MySqlConnectionStreamTest {

  private static final BinlogPosition START = new BinlogPosition("mysql-bin.000042", 4);
  private static final int FULL = 0xFFFFFF;

  private static MySqlConnection connect(ScriptedMySqlServer server) {
    return MySqlConnection.open(
        BinlogSource.builder(server.host(), server.port())
            .sslMode(SslMode.DISABLED)
            .connectTimeout(Duration.ofSeconds(5))
            .queryTimeout(Duration.ofSeconds(5))
            .build());
  }

  private static List<byte[]> readUntilEnd(MySqlConnection connection) {
    List<byte[]> events = new ArrayList<>();
    while (true) {
      byte[] event = connection.readEvent();
      if (event == MySqlConnection.END_OF_STREAM) {
        return events;
      }
      events.add(event);
    }
  }

  @ParameterizedTest(name = "server offers CLIENT_DEPRECATE_EOF: {0}")
  @ValueSource(booleans = {true, false})
  void shouldReturnEachEventExactlyAsSentThenEndOfStream(boolean deprecateEof) {
    List<byte[]> events = List.of(event(4, 47, 0), event(15, 120, 124), event(2, 300, 424));
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder().deprecateEof(deprecateEof).binlogEvents(events).start();
        MySqlConnection connection = connect(server)) {
      connection.requestBinlogDump(START, 77, MySqlConnection.DUMP_NON_BLOCKING);

      assertThat(readUntilEnd(connection)).containsExactlyElementsOf(events);
      assertThat(connection.readEvent()).isSameAs(MySqlConnection.END_OF_STREAM);
      assertThat(server.protocolErrors()).isEmpty();
    }
  }

  @Test
  void shouldCountEveryByteReceived() {
    List<byte[]> events = List.of(event(4, 47, 0), event(15, 1000, 1047));
    try (ScriptedMySqlServer server = ScriptedMySqlServer.builder().binlogEvents(events).start();
        MySqlConnection connection = connect(server)) {
      long before = connection.bytesReceived();
      connection.requestBinlogDump(START, 77, MySqlConnection.DUMP_NON_BLOCKING);
      readUntilEnd(connection);

      // per event: 4-byte packet header, status byte, event; then the 4 + 7 bytes of the OK
      // packet with the EOF header (CLIENT_DEPRECATE_EOF); the server then closes
      long expected = (4 + 1 + 47) + (4 + 1 + 1000) + (4 + 7);
      assertThat(connection.bytesReceived() - before).isEqualTo(expected);
      assertThat(before).isPositive();
    }
  }

  @Test
  void shouldAssembleEventsLargerThan16MiBFromContinuationPackets() {
    List<byte[]> events =
        List.of(
            event(19, FULL - 1, 0), // payload exactly 0xFFFFFF: an empty packet follows
            event(19, FULL, 0), // one byte in the continuation packet
            event(30, 20_000_000, 0), // the 20 MB BLOB row
            event(19, 2 * FULL - 1, 0), // two full packets and an empty one
            event(16, 31, 0)); // and the stream goes on in step
    try (ScriptedMySqlServer server = ScriptedMySqlServer.builder().binlogEvents(events).start();
        MySqlConnection connection = connect(server)) {
      connection.requestBinlogDump(START, 77, MySqlConnection.DUMP_NON_BLOCKING);

      for (byte[] expected : events) {
        byte[] actual = connection.readEvent();
        assertThat(actual.length).isEqualTo(expected.length);
        assertThat(actual).isEqualTo(expected);
      }
      assertThat(connection.readEvent()).isSameAs(MySqlConnection.END_OF_STREAM);
    }
  }

  @Test
  void shouldFollowSequenceIdsAcrossTheWrapAt256() {
    List<byte[]> events = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      events.add(event(2, 19 + i % 50, i));
    }
    try (ScriptedMySqlServer server = ScriptedMySqlServer.builder().binlogEvents(events).start();
        MySqlConnection connection = connect(server)) {
      connection.requestBinlogDump(START, 77, MySqlConnection.DUMP_NON_BLOCKING);

      assertThat(readUntilEnd(connection)).containsExactlyElementsOf(events);
    }
  }

  @Test
  void shouldRejectPacketThatSkipsASequenceId() {
    byte[] first = event(4, 47, 0);
    byte[] skipping = packet(3, eventPayload(event(15, 100, 147))); // 2 expected
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder()
                .onDump(r -> DumpScript.of(first).thenRawBytes(skipping).thenSilence())
                .start();
        MySqlConnection connection = connect(server)) {
      connection.requestBinlogDump(START, 77, 0);

      assertThat(connection.readEvent()).isEqualTo(first);
      assertThatThrownBy(connection::readEvent)
          .isInstanceOfSatisfying(
              CorruptEventException.class, e -> assertThat(e.isRetriable()).isTrue())
          .hasMessageContaining("expected sequence id 2, got 3");
      assertThatThrownBy(connection::readEvent).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void shouldReportStreamCutInsideAPacketAsConnectionFailure() {
    byte[] whole = packet(1, eventPayload(event(30, 5000, 0)));
    byte[] cut = java.util.Arrays.copyOf(whole, 2000);
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder()
                .onDump(r -> DumpScript.of().thenRawBytes(cut).thenDisconnect())
                .start();
        MySqlConnection connection = connect(server)) {
      connection.requestBinlogDump(START, 77, 0);

      assertThatThrownBy(connection::readEvent)
          .isInstanceOfSatisfying(
              BinlogConnectionException.class,
              e -> {
                assertThat(e.isRetriable()).isTrue();
                assertThat(e.server()).isEqualTo(server.host() + ":" + server.port());
              })
          .hasMessageContaining("in the middle of a packet");
    }
  }

  @Test
  void shouldReportServerClosingBetweenEventsAsConnectionFailure() {
    byte[] only = event(4, 47, 0);
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder()
                .onDump(r -> DumpScript.of(only).thenDisconnect())
                .start();
        MySqlConnection connection = connect(server)) {
      connection.requestBinlogDump(START, 77, 0);

      assertThat(connection.readEvent()).isEqualTo(only);
      assertThatThrownBy(connection::readEvent)
          .isInstanceOf(BinlogConnectionException.class)
          .hasMessageContaining("the server closed the connection while reading the binlog");
    }
  }

  @Test
  void shouldTurnError1236IntoFatalBinlogUnavailableAtTheRequestedPosition() {
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder()
                .onDump(r ->
                    DumpScript.of()
                        .thenError(
                            1236,
                            "HY000",
                            "Could not find first log file name in binary log index file"))
                .start();
        MySqlConnection connection = connect(server)) {
      connection.requestBinlogDump(START, 77, 0);

      assertThatThrownBy(connection::readEvent)
          .isInstanceOfSatisfying(
              BinlogUnavailableException.class,
              e -> {
                assertThat(e.isRetriable()).isFalse();
                assertThat(e.errorCode()).isEqualTo(1236);
                assertThat(e.position()).contains(START);
              })
          .hasMessageContaining("Could not find first log file name");
    }
  }

  @Test
  void shouldTurnOtherStreamErrorsIntoServerErrorsClassifiedByCode() {
    byte[] first = event(4, 47, 0);
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder()
                .onDump(r ->
                    DumpScript.of(first).thenError(1053, "08S01", "Server shutdown in progress"))
                .start();
        MySqlConnection connection = connect(server)) {
      connection.requestBinlogDump(START, 77, 0);

      assertThat(connection.readEvent()).isEqualTo(first);
      assertThatThrownBy(connection::readEvent)
          .isInstanceOfSatisfying(
              ServerErrorException.class,
              e -> {
                assertThat(e).isNotInstanceOf(BinlogUnavailableException.class);
                assertThat(e.errorCode()).isEqualTo(1053);
                assertThat(e.sqlState()).isEqualTo("08S01");
                assertThat(e.isRetriable()).isTrue();
              });
    }
  }

  @Test
  void shouldFailWhenNothingArrivesWithinTheReadTimeout() {
    byte[] first = event(4, 47, 0);
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder().onDump(r -> DumpScript.of(first).thenSilence()).start();
        MySqlConnection connection = connect(server)) {
      connection.requestBinlogDump(START, 77, 0);
      assertThat(connection.readEvent()).isEqualTo(first);

      connection.setReadTimeout(Duration.ofMillis(300));

      assertThatThrownBy(connection::readEvent)
          .isInstanceOfSatisfying(
              BinlogConnectionException.class, e -> assertThat(e.isRetriable()).isTrue())
          .hasMessageContaining("nothing arrived from the server for PT0.3S");
    }
  }

  @Test
  void shouldApplyReadTimeoutSetBeforeTheDump() {
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder().onDump(r -> DumpScript.of().thenSilence()).start();
        MySqlConnection connection = connect(server)) {
      connection.setReadTimeout(Duration.ofMillis(200));
      connection.requestBinlogDump(START, 77, 0);

      assertThatThrownBy(connection::readEvent)
          .isInstanceOf(BinlogConnectionException.class)
          .hasMessageContaining("PT0.2S");
    }
  }

  @Test
  void shouldRejectEventWhoseSizeFieldDisagreesWithItsPacket() {
    byte[] lying = event(4, 100, 0);
    lying[9] = 99; // event size field says 99
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder().binlogEvents(List.of(lying)).start();
        MySqlConnection connection = connect(server)) {
      connection.requestBinlogDump(START, 77, 0);

      assertThatThrownBy(connection::readEvent)
          .isInstanceOf(CorruptEventException.class)
          .hasMessageContaining("header says 99 bytes, but its packet carries 100");
    }
  }

  @Test
  void shouldRejectLargeEventWhoseSizeFieldDisagreesWithItsPackets() {
    byte[] lying = event(30, FULL + 100, 0);
    int claimed = FULL + 50;
    lying[9] = (byte) claimed;
    lying[10] = (byte) (claimed >>> 8);
    lying[11] = (byte) (claimed >>> 16);
    lying[12] = (byte) (claimed >>> 24);
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder().binlogEvents(List.of(lying)).start();
        MySqlConnection connection = connect(server)) {
      connection.requestBinlogDump(START, 77, 0);

      assertThatThrownBy(connection::readEvent)
          .isInstanceOf(CorruptEventException.class)
          .hasMessageContaining("header says " + claimed);
    }
  }

  @Test
  void shouldNotAllocateWhatACorruptSizeFieldClaims() {
    byte[] lying = event(30, FULL + 100, 0);
    lying[12] = (byte) 0x7F; // event size field: about 2 GiB
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder().binlogEvents(List.of(lying)).start();
        MySqlConnection connection = connect(server)) {
      connection.requestBinlogDump(START, 77, 0);

      assertThatThrownBy(connection::readEvent)
          .isInstanceOf(CorruptEventException.class)
          .hasMessageContaining("more than any server sends");
    }
  }

  @Test
  void shouldRejectEventShorterThanAnEventHeader() {
    byte[] tiny = packet(1, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder()
                .onDump(r -> DumpScript.of().thenRawBytes(tiny).thenSilence())
                .start();
        MySqlConnection connection = connect(server)) {
      connection.requestBinlogDump(START, 77, 0);

      assertThatThrownBy(connection::readEvent)
          .isInstanceOf(CorruptEventException.class)
          .hasMessageContaining("shorter than an event header");
    }
  }

  @Test
  void shouldDeliverEventsAsTheServerProducesThem() {
    BlockingQueue<byte[]> feed = new LinkedBlockingQueue<>();
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder()
                .onDump(r -> DumpScript.of().thenEventsFrom(feed).thenEof())
                .start();
        MySqlConnection connection = connect(server)) {
      connection.setReadTimeout(Duration.ofSeconds(10));
      connection.requestBinlogDump(START, 77, 0);

      for (int i = 0; i < 5; i++) {
        byte[] event = event(2, 40 + i, i);
        feed.add(event);
        assertThat(connection.readEvent()).isEqualTo(event);
      }
      feed.add(new byte[0]);
      assertThat(connection.readEvent()).isSameAs(MySqlConnection.END_OF_STREAM);
    }
  }

  @Test
  void shouldAbortABlockedReadWhenClosedFromAnotherThread() throws Exception {
    try (ScriptedMySqlServer server =
        ScriptedMySqlServer.builder().onDump(r -> DumpScript.of().thenSilence()).start()) {
      MySqlConnection connection = connect(server);
      connection.requestBinlogDump(START, 77, 0);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread reader =
          new Thread(
              () -> {
                try {
                  connection.readEvent();
                } catch (RuntimeException e) {
                  failure.set(e);
                }
              },
              "test-reader");
      reader.start();
      await().until(() -> server.dumpRequests().size() == 1);

      connection.close();

      reader.join(5000);
      assertThat(failure.get())
          .isInstanceOf(BinlogConnectionException.class)
          .hasMessageContaining("closed by this client");
    }
  }

  @Test
  void shouldRefuseCommandsOnceStreaming() {
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder().onDump(r -> DumpScript.of().thenSilence()).start();
        MySqlConnection connection = connect(server)) {
      assertThatThrownBy(connection::readEvent)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no binlog dump was requested");
      connection.requestBinlogDump(START, 77, 0);

      assertThatThrownBy(() -> connection.query("SELECT 1"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("streaming");
    }
  }
}
