package dev.hamal.binlog.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Binlog events for stream tests, laid out as the binlog v4 event header is documented: timestamp
 * (4), type (1), server id (4), event size (4, header + body), next position (4), flags (2); then a
 * body of a recognizable byte pattern.
 */
final class TestEvents {
  static final int HEADER = 19;

  private TestEvents() {}

  static byte[] event(int type, int totalSize, long nextPosition) {
    ByteBuffer event = ByteBuffer.allocate(totalSize).order(ByteOrder.LITTLE_ENDIAN);
    event.putInt(1_700_000_000);
    event.put((byte) type);
    event.putInt(1);
    event.putInt(totalSize);
    event.putInt((int) nextPosition);
    event.putShort((short) 0);
    for (int i = HEADER; i < totalSize; i++) {
      event.put((byte) (i * 31 + type));
    }
    return event.array();
  }

  /** A MySQL packet as documented: 3-byte length, sequence id, payload. */
  static byte[] packet(int sequenceId, byte[] payload) {
    ByteBuffer packet = ByteBuffer.allocate(4 + payload.length);
    packet.put((byte) payload.length);
    packet.put((byte) (payload.length >>> 8));
    packet.put((byte) (payload.length >>> 16));
    packet.put((byte) sequenceId);
    packet.put(payload);
    return packet.array();
  }

  /** The payload of an event packet: the 0x00 status byte, then the event. */
  static byte[] eventPayload(byte[] event) {
    byte[] payload = new byte[event.length + 1];
    System.arraycopy(event, 0, payload, 1, event.length);
    return payload;
  }
}
