package dev.hamal.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hamal.testkit.ScriptedMySqlServer.DumpRequest;
import dev.hamal.testkit.ScriptedMySqlServer.DumpScript;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** The fake server's own bytes, checked against the documented layouts with a raw socket. */
class ScriptedMySqlServerTest {

  private static byte[] event(int size) {
    ByteBuffer event = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    event.putInt(1_700_000_000).put((byte) 2).putInt(1).putInt(size).putInt(0).putShort((short) 0);
    return event.array();
  }

  @Test
  void shouldSplitBinlogFileIntoEventsBySizeField() {
    byte[] first = event(19);
    byte[] second = event(40);
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.writeBytes(HexFormat.of().parseHex("fe62696e"));
    file.writeBytes(first);
    file.writeBytes(second);

    List<byte[]> events = DumpScript.eventsOfBinlogFile(file.toByteArray());

    assertThat(events).containsExactly(first, second);
    assertThatThrownBy(() -> DumpScript.eventsOfBinlogFile(new byte[] {1, 2, 3, 4}))
        .hasMessageContaining("magic");
    byte[] cut = Arrays.copyOf(file.toByteArray(), file.size() - 1);
    assertThatThrownBy(() -> DumpScript.eventsOfBinlogFile(cut))
        .hasMessageContaining("impossible size");
  }

  @Test
  void shouldBuildTheArtificialRotateEventAsDocumented() {
    byte[] rotate = DumpScript.rotateEvent(7, "binlog.000012", 1234, true);

    ByteBuffer event = ByteBuffer.wrap(rotate).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(event.getInt(0)).isZero(); // timestamp
    assertThat(rotate[4]).isEqualTo((byte) 4); // ROTATE_EVENT
    assertThat(event.getInt(5)).isEqualTo(7); // server id
    assertThat(event.getInt(9)).isEqualTo(rotate.length).isEqualTo(19 + 8 + 13 + 4);
    assertThat(event.getInt(13)).isZero(); // next position
    assertThat(event.getShort(17)).isEqualTo((short) 0x20); // LOG_EVENT_ARTIFICIAL_F
    assertThat(event.getLong(19)).isEqualTo(1234);
    assertThat(new String(rotate, 27, 13, StandardCharsets.US_ASCII)).isEqualTo("binlog.000012");
    CRC32 crc = new CRC32();
    crc.update(rotate, 0, rotate.length - 4);
    assertThat(event.getInt(rotate.length - 4)).isEqualTo((int) crc.getValue());
    assertThat(DumpScript.rotateEvent(7, "binlog.000012", 1234, false)).hasSize(rotate.length - 4);
  }

  /** The GTID_LIST example of MariaDB's protocol documentation ends with CRC32 0xb6d8f0a8. */
  @Test
  void shouldUseTheBinlogChecksumAlgorithmOfTheDocumentation() {
    byte[] documented =
        HexFormat.of()
            .parseHex(
                ("a4 85 9e 59 a3 8c 27 00 00 2b 00 00 00 24 01 00"
                        + " 00 00 00 01 00 00 00 00 00 00 00 8c 27 00 00 00"
                        + " 0e 00 00 00 00 00 00")
                    .replace(" ", ""));
    CRC32 crc = new CRC32();
    crc.update(documented);
    assertThat(crc.getValue()).isEqualTo(0xb6d8f0a8L);
  }

  @Test
  void shouldGreetLogInAndStreamHugeEventInContinuationPacketsThenEof() throws IOException {
    byte[] huge = event(0xFFFFFE); // with its status byte exactly one full packet
    try (ScriptedMySqlServer server =
            ScriptedMySqlServer.builder()
                .serverVersion("8.0.36")
                .binlogEvents(List.of(huge))
                .start();
        Socket socket = new Socket(server.host(), server.port())) {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();

      byte[] greeting = readPacket(in, 0);
      assertThat(greeting[0]).isEqualTo((byte) 10);
      assertThat(new String(greeting, 1, 6, StandardCharsets.US_ASCII)).isEqualTo("8.0.36");
      assertThat(new String(greeting, greeting.length - 22, 21, StandardCharsets.US_ASCII))
          .isEqualTo("mysql_native_password");

      // handshake response 41: capabilities, max packet, charset, 23 zero bytes, user, auth, plugin
      ByteBuffer response = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
      response.putInt(0x200 | 0x8000 | 0x80000 | 0x200000).putInt(0xFFFFFF).put((byte) 45);
      response.put(new byte[23]).put("root\0".getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
      response.put("mysql_native_password\0".getBytes(StandardCharsets.US_ASCII));
      writePacket(out, 1, Arrays.copyOf(response.array(), response.position()));
      assertThat(readPacket(in, 2)[0]).isEqualTo((byte) 0x00); // OK

      // COM_BINLOG_DUMP: position 4, flags 1 (non-blocking), server id 99, file name
      ByteBuffer dump = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
      dump.put((byte) 0x12).putInt(4).putShort((short) 1).putInt(99);
      dump.put("binlog.000001".getBytes(StandardCharsets.US_ASCII));
      writePacket(out, 0, Arrays.copyOf(dump.array(), dump.position()));

      byte[] first = readPacket(in, 1);
      assertThat(first).hasSize(0xFFFFFF);
      assertThat(first[0]).isZero();
      assertThat(Arrays.copyOfRange(first, 1, first.length)).isEqualTo(huge);
      assertThat(readPacket(in, 2)).isEmpty(); // the payload continues in an empty packet
      // EOF (no CLIENT_DEPRECATE_EOF): 0xFE, warnings, status flags
      assertThat(readPacket(in, 3)).isEqualTo(new byte[] {(byte) 0xFE, 0, 0, 2, 0});
      assertThat(in.read()).isEqualTo(-1); // and the server hangs up, as MySQL does

      DumpRequest request = server.dumpRequests().get(0);
      assertThat(request.file()).isEqualTo("binlog.000001");
      assertThat(request.position()).isEqualTo(4);
      assertThat(request.serverId()).isEqualTo(99);
      assertThat(request.nonBlocking()).isTrue();
      assertThat(server.protocolErrors()).isEmpty();
    }
  }

  @Test
  void shouldRecordWrongSequenceIdAsProtocolError() throws IOException {
    try (ScriptedMySqlServer server = ScriptedMySqlServer.builder().start();
        Socket socket = new Socket(server.host(), server.port())) {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      readPacket(in, 0);

      writePacket(socket.getOutputStream(), 5, new byte[32]);

      assertThat(in.read()).isEqualTo(-1);
      assertThat(server.protocolErrors()).singleElement().asString().contains("sequence id 1");
    }
  }

  private static byte[] readPacket(DataInputStream in, int expectedSequence) throws IOException {
    byte[] header = new byte[4];
    in.readFully(header);
    int length = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
    assertThat(header[3] & 0xFF).as("sequence id").isEqualTo(expectedSequence);
    byte[] payload = new byte[length];
    in.readFully(payload);
    return payload;
  }

  private static void writePacket(OutputStream out, int sequence, byte[] payload)
      throws IOException {
    out.write(
        new byte[] {
          (byte) payload.length,
          (byte) (payload.length >>> 8),
          (byte) (payload.length >>> 16),
          (byte) sequence
        });
    out.write(payload);
    out.flush();
  }
}
