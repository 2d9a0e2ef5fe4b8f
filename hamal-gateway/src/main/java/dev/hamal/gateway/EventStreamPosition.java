package dev.hamal.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.apache.kafka.common.TopicPartition;

/**
 * Where an event stream is: for every partition it reads, the offset of the next record. It is the
 * SSE event id ({@code Last-Event-ID}), so a client that reconnects with it resumes exactly after
 * the last event it got.
 *
 * <p>Form: version byte 1, then per topic (sorted) its name and its partitions with their offsets
 * as variable-length integers, deflated; then the first 8 bytes of SHA-256 over the subscription id
 * and those bytes; all base64url. The check sum binds an id to its subscription and catches every
 * garbled or edited id; it is not a secret (ids only say where to read, within the topics the
 * subscription may read anyway).
 *
 * @param offsets the next offset to read per partition
 */
record EventStreamPosition(SortedMap<TopicPartition, Long> offsets) {
  private static final byte VERSION = 1;
  private static final int MAX_TEXT = 16_384;
  private static final int MAX_RAW = 1 << 20;

  EventStreamPosition {
    TreeMap<TopicPartition, Long> copy =
        new TreeMap<>(
            java.util.Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition));
    for (var entry : offsets.entrySet()) {
      if (entry.getValue() < 0) {
        throw new IllegalArgumentException("negative offset for " + entry.getKey());
      }
      copy.put(entry.getKey(), entry.getValue());
    }
    offsets = java.util.Collections.unmodifiableSortedMap(copy);
  }

  static EventStreamPosition of(Map<TopicPartition, Long> offsets) {
    return new EventStreamPosition(new TreeMap<>(sorted(offsets)));
  }

  private static SortedMap<TopicPartition, Long> sorted(Map<TopicPartition, Long> offsets) {
    TreeMap<TopicPartition, Long> map =
        new TreeMap<>(
            java.util.Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition));
    map.putAll(offsets);
    return map;
  }

  /** The event id of this position in a stream of {@code subscriptionId}. */
  String encode(String subscriptionId) {
    var raw = new ByteArrayOutputStream();
    raw.write(VERSION);
    Map<String, TreeMap<Integer, Long>> byTopic = new TreeMap<>();
    offsets.forEach((tp, offset) ->
        byTopic.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), offset));
    varint(raw, byTopic.size());
    byTopic.forEach((topic, partitions) -> {
      byte[] name = topic.getBytes(StandardCharsets.UTF_8);
      varint(raw, name.length);
      raw.writeBytes(name);
      varint(raw, partitions.size());
      partitions.forEach((partition, offset) -> {
        varint(raw, partition);
        varint(raw, offset);
      });
    });
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    deflater.setInput(raw.toByteArray());
    deflater.finish();
    var packed = new ByteArrayOutputStream();
    byte[] buffer = new byte[1024];
    while (!deflater.finished()) {
      packed.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    byte[] body = packed.toByteArray();
    byte[] token = Arrays.copyOf(body, body.length + 8);
    System.arraycopy(check(subscriptionId, body), 0, token, body.length, 8);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
  }

  /**
   * Reads an event id of a stream of {@code subscriptionId}.
   *
   * @throws IllegalArgumentException when it is not one (garbled, edited, of another subscription)
   */
  static EventStreamPosition decode(String subscriptionId, String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty() || text.length() > MAX_TEXT) {
      throw new IllegalArgumentException("not an event id of this stream");
    }
    byte[] token;
    try {
      token = Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not an event id of this stream (not base64url)");
    }
    if (token.length < 9) {
      throw new IllegalArgumentException("not an event id of this stream (too short)");
    }
    byte[] body = Arrays.copyOf(token, token.length - 8);
    byte[] sum = Arrays.copyOfRange(token, token.length - 8, token.length);
    if (!MessageDigest.isEqual(sum, check(subscriptionId, body))) {
      throw new IllegalArgumentException("not an event id of this stream (check sum mismatch)");
    }
    Inflater inflater = new Inflater(true);
    inflater.setInput(body);
    var raw = new ByteArrayOutputStream();
    byte[] buffer = new byte[1024];
    try {
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalArgumentException("not an event id of this stream (truncated)");
        }
        raw.write(buffer, 0, n);
        if (raw.size() > MAX_RAW) {
          throw new IllegalArgumentException("not an event id of this stream (too large)");
        }
      }
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("not an event id of this stream (corrupt)");
    } finally {
      inflater.end();
    }
    ByteBuffer in = ByteBuffer.wrap(raw.toByteArray());
    try {
      if (in.get() != VERSION) {
        throw new IllegalArgumentException("not an event id of this stream (unknown version)");
      }
      TreeMap<TopicPartition, Long> offsets = new TreeMap<>(sorted(Map.of()).comparator());
      long topics = readVarint(in);
      for (long t = 0; t < topics; t++) {
        int length = Math.toIntExact(readVarint(in));
        if (length <= 0 || length > 249 || length > in.remaining()) {
          throw new IllegalArgumentException("not an event id of this stream (bad topic)");
        }
        byte[] name = new byte[length];
        in.get(name);
        String topic = new String(name, StandardCharsets.UTF_8);
        long partitions = readVarint(in);
        for (long p = 0; p < partitions; p++) {
          int partition = Math.toIntExact(readVarint(in));
          offsets.put(new TopicPartition(topic, partition), readVarint(in));
        }
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException("not an event id of this stream (trailing bytes)");
      }
      return new EventStreamPosition(offsets);
    } catch (java.nio.BufferUnderflowException | ArithmeticException e) {
      throw new IllegalArgumentException("not an event id of this stream (truncated)");
    }
  }

  private static byte[] check(String subscriptionId, byte[] body) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(subscriptionId.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      return Arrays.copyOf(digest.digest(body), 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static void varint(ByteArrayOutputStream out, long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static long readVarint(ByteBuffer in) {
    long value = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      byte b = in.get();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IllegalArgumentException("not an event id of this stream (bad number)");
  }
}
