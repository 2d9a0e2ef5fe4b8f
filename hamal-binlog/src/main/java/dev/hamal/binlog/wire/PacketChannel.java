package dev.hamal.binlog.wire;

import dev.hamal.binlog.CorruptEventException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Packet framing of the client/server protocol over one connection's byte streams.
 *
 * <p>A packet is a 3-byte little-endian payload length, a 1-byte sequence id and the payload. A
 * payload of exactly 0xFFFFFF bytes continues in the next packet (possibly an empty one), so
 * logical payloads of any size travel as a run of full packets and one shorter packet. Sequence ids
 * start at 0 with each command, count up by one per packet in either direction and wrap at 256;
 * every incoming id is checked against that count.
 *
 * <p>Reading goes through one large buffer ({@value #BUFFER_SIZE} bytes). {@link #readEvent} is the
 * binlog hot path: it copies each event once, from the buffer (or, for the part of a large event
 * that does not fit, straight from the stream) into a new array of exactly the event's size, and
 * allocates nothing else. An event spread over continuation packets is assembled in its final
 * array, whose size comes from the event-size field of the event header.
 *
 * <p>Not thread-safe: one thread reads and writes. {@link #bytesReceived()} may be read from any
 * thread.
 *
 * <p>Failures: I/O errors (including read timeouts and a stream that ends) propagate as {@link
 * IOException}; an end of stream in the middle of a packet is an {@link EOFException} saying how
 * much was missing. Bytes the protocol does not allow (a wrong sequence id, an event whose size
 * disagrees with its packets) are a {@link CorruptEventException}. After any failure the channel's
 * position in the stream is undefined and the connection must be closed.
 */
final class PacketChannel {

  static final int MAX_PAYLOAD = 0xFFFFFF;
  static final int BUFFER_SIZE = 256 * 1024;

  /** Size of the v4 binlog event header; event size is a 4-byte field at offset 9. */
  private static final int EVENT_HEADER_SIZE = 19;

  private static final int EVENT_SIZE_OFFSET = 9;

  /** Largest array the JVM reliably allocates. */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 16;

  /**
   * Largest event a server sends: events are bounded by max_allowed_packet, at most 1 GiB, plus
   * their headers. A larger size field is corrupt and must not make the reader allocate it.
   */
  static final long MAX_EVENT_SIZE = (1L << 30) + (1L << 20);

  private final String server;
  private InputStream in;
  private OutputStream out;
  private final byte[] buffer = new byte[BUFFER_SIZE];
  private int position;
  private int limit;
  private int sequence;
  private volatile long bytesReceived;
  private final byte[] header = new byte[4];
  private byte[] errorPayload;

  PacketChannel(String server, InputStream in, OutputStream out) {
    this.server = server;
    this.in = in;
    this.out = out;
  }

  /** Before each command: the client's packet gets sequence id 0. */
  void resetSequence() {
    sequence = 0;
  }

  /**
   * At least how many bytes can be read without blocking: what the buffer holds or, when it is
   * empty, what the stream says it has (0 when it cannot tell). A reader uses it to hand over work
   * before it would block. The stream is only asked when the buffer is empty: asking a socket is a
   * system call, and the reader asks after every event.
   */
  int available() {
    int buffered = limit - position;
    if (buffered > 0) {
      return buffered;
    }
    try {
      return Math.max(0, in.available());
    } catch (IOException e) {
      return 0;
    }
  }

  long bytesReceived() {
    return bytesReceived;
  }

  /**
   * Continues on other streams (after the TLS handshake). The server sends nothing between the
   * greeting and the client's next packet, so nothing may be buffered.
   */
  void switchStreams(InputStream newIn, OutputStream newOut) {
    if (position != limit) {
      throw new CorruptEventException(
          server, null, "the server sent data before the TLS handshake");
    }
    this.in = newIn;
    this.out = newOut;
  }

  // ------------------------------------------------------------------------------------------
  // Writing

  /** Writes one logical payload as one or more packets and flushes. */
  void write(byte[] payload, int length) throws IOException {
    int offset = 0;
    while (true) {
      int chunk = Math.min(length - offset, MAX_PAYLOAD);
      header[0] = (byte) chunk;
      header[1] = (byte) (chunk >>> 8);
      header[2] = (byte) (chunk >>> 16);
      header[3] = (byte) sequence;
      sequence = (sequence + 1) & 0xFF;
      out.write(header, 0, 4);
      out.write(payload, offset, chunk);
      offset += chunk;
      if (chunk < MAX_PAYLOAD) {
        break;
      }
    }
    out.flush();
  }

  void write(PayloadWriter payload) throws IOException {
    write(payload.array(), payload.length());
  }

  // ------------------------------------------------------------------------------------------
  // Reading commands' answers

  /** Reads one logical payload (assembling continuation packets) into a new array. */
  byte[] readPayload() throws IOException {
    int length = readHeader();
    byte[] payload = new byte[length];
    readFully(payload, 0, length);
    if (length < MAX_PAYLOAD) {
      return payload;
    }
    int total = length;
    int chunk;
    do {
      chunk = readHeader();
      if ((long) total + chunk > MAX_ARRAY) {
        throw new CorruptEventException(server, null, "packet payload larger than 2 GiB");
      }
      payload = Arrays.copyOf(payload, total + chunk);
      readFully(payload, total, chunk);
      total += chunk;
    } while (chunk == MAX_PAYLOAD);
    return payload;
  }

  // ------------------------------------------------------------------------------------------
  // Reading the binlog stream (hot path)

  /** What {@link #readEvent} returns for the EOF packet that ends a non-blocking dump. */
  static final byte[] END_OF_STREAM = new byte[0];

  /**
   * Reads the next packet of a binlog dump: an event (returned without the 0x00 status byte, in an
   * array of exactly its size), the EOF packet ({@link #END_OF_STREAM}) or an error packet, which
   * is returned as {@code null} after its payload was stored for {@link #errorPayload()}.
   */
  byte[] readEvent() throws IOException {
    int length = readHeader();
    if (length == 0) {
      throw corrupt("empty packet in the binlog stream");
    }
    ensure(1, length);
    int status = buffer[position] & 0xFF;
    if (status == 0x00) {
      position++;
      if (length < MAX_PAYLOAD) {
        int size = length - 1;
        if (size < EVENT_HEADER_SIZE) {
          throw corrupt("binlog event of " + size + " bytes is shorter than an event header");
        }
        byte[] event = new byte[size];
        readFully(event, 0, size);
        long declared = uint32(event, EVENT_SIZE_OFFSET);
        if (declared != size) {
          throw corrupt(
              "binlog event header says " + declared + " bytes, but its packet carries " + size);
        }
        return event;
      }
      return readLargeEvent();
    }
    if (status == 0xFE && length < MAX_PAYLOAD) {
      skip(length);
      return END_OF_STREAM;
    }
    if (status == 0xFF) {
      errorPayload = new byte[length];
      readFully(errorPayload, 0, length);
      if (length == MAX_PAYLOAD) {
        throw corrupt("error packet of 16 MiB in the binlog stream");
      }
      return null;
    }
    throw corrupt(
        "unexpected packet type 0x" + Integer.toHexString(status) + " in the binlog stream");
  }

  /** The payload of the error packet after {@link #readEvent} returned {@code null}. */
  byte[] errorPayload() {
    return errorPayload;
  }

  /** An event of at least 0xFFFFFE bytes, spread over a full packet and continuation packets. */
  private byte[] readLargeEvent() throws IOException {
    ensure(EVENT_HEADER_SIZE, MAX_PAYLOAD - 1);
    long declared = uint32(buffer, position + EVENT_SIZE_OFFSET);
    if (declared < MAX_PAYLOAD - 1) {
      throw corrupt(
          "binlog event header says "
              + declared
              + " bytes, but it arrives in packets of at least "
              + (MAX_PAYLOAD - 1));
    }
    if (declared > MAX_EVENT_SIZE) {
      throw corrupt(
          "binlog event header says "
              + declared
              + " bytes, more than any server sends (max_allowed_packet is at most 1 GiB)");
    }
    byte[] event = new byte[(int) declared];
    int filled = MAX_PAYLOAD - 1;
    readFully(event, 0, filled);
    int chunk;
    do {
      chunk = readHeader();
      if ((long) filled + chunk > declared) {
        throw corrupt(
            "binlog event header says "
                + declared
                + " bytes, but its packets carry at least "
                + ((long) filled + chunk));
      }
      readFully(event, filled, chunk);
      filled += chunk;
    } while (chunk == MAX_PAYLOAD);
    if (filled != declared) {
      throw corrupt(
          "binlog event header says " + declared + " bytes, but its packets carry " + filled);
    }
    return event;
  }

  // ------------------------------------------------------------------------------------------
  // Buffer management

  /** Reads a packet header, checks its sequence id and returns the payload length. */
  private int readHeader() throws IOException {
    ensure(4, -1);
    byte[] b = buffer;
    int p = position;
    int length = (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16;
    int id = b[p + 3] & 0xFF;
    position = p + 4;
    if (id != sequence) {
      throw corrupt("packet out of order: expected sequence id " + sequence + ", got " + id);
    }
    sequence = (id + 1) & 0xFF;
    return length;
  }

  /**
   * Makes at least {@code count} bytes available in the buffer. {@code packetLength} is the length
   * of the packet being read (for the error message), or -1 at a packet boundary.
   */
  private void ensure(int count, int packetLength) throws IOException {
    int available = limit - position;
    if (available >= count) {
      return;
    }
    if (position > 0) {
      System.arraycopy(buffer, position, buffer, 0, available);
      position = 0;
      limit = available;
    }
    while (limit < count) {
      int n = in.read(buffer, limit, buffer.length - limit);
      if (n < 0) {
        throw endOfStream(limit, packetLength);
      }
      limit += n;
      bytesReceived += n;
    }
  }

  /** Copies {@code length} bytes of the current packet into {@code target}. */
  private void readFully(byte[] target, int offset, int length) throws IOException {
    int available = limit - position;
    if (available >= length) {
      System.arraycopy(buffer, position, target, offset, length);
      position += length;
      return;
    }
    System.arraycopy(buffer, position, target, offset, available);
    offset += available;
    int missing = length - available;
    position = 0;
    limit = 0;
    if (missing >= buffer.length) {
      // Large remainder: straight from the stream into the target, no second copy.
      while (missing > 0) {
        int n = in.read(target, offset, missing);
        if (n < 0) {
          throw endOfStream(length - missing, length);
        }
        offset += n;
        missing -= n;
        bytesReceived += n;
      }
      return;
    }
    ensure(missing, length);
    System.arraycopy(buffer, 0, target, offset, missing);
    position = missing;
  }

  private void skip(int length) throws IOException {
    int missing = length;
    while (missing > 0) {
      if (position == limit) {
        position = 0;
        limit = 0;
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
          throw endOfStream(length - missing, length);
        }
        limit = n;
        bytesReceived += n;
      }
      int taken = Math.min(missing, limit - position);
      position += taken;
      missing -= taken;
    }
  }

  private static EOFException endOfStream(int have, int packetLength) {
    if (packetLength < 0) {
      return new EOFException(
          have == 0
              ? "the server closed the connection"
              : "the server closed the connection in the middle of a packet header");
    }
    return new EOFException(
        "the server closed the connection in the middle of a packet (payload of "
            + packetLength
            + " bytes)");
  }

  private CorruptEventException corrupt(String message) {
    return new CorruptEventException(server, null, message);
  }

  private static long uint32(byte[] bytes, int offset) {
    return (bytes[offset] & 0xFFL)
        | (bytes[offset + 1] & 0xFFL) << 8
        | (bytes[offset + 2] & 0xFFL) << 16
        | (bytes[offset + 3] & 0xFFL) << 24;
  }
}
