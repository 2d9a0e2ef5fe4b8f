package dev.hamal.binlog.event;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.util.Arrays;

/**
 * A MySQL single-byte character set as the server itself converts it: byte {@code b} is the
 * character {@code table[b]}, and U+FFFD marks a byte the server has no character for.
 *
 * <p>Java's nearest charsets disagree with the server on a few bytes of most of these sets (MySQL's
 * {@code latin1} maps 0x81, 0x8D, 0x8F, 0x90 and 0x9D to C1 controls where {@code windows-1252} has
 * none; {@code greek}, {@code hebrew}, {@code cp1256}, {@code cp866}, {@code koi8u}, {@code tis620}
 * differ too) and have no equivalent at all for {@code dec8}, {@code hp8}, {@code swe7}, {@code
 * keybcs2}, {@code armscii8} and {@code geostd8}. The tables come from a live server (see {@code
 * hamal-binlog/tools/collations/generate.sh}).
 *
 * <p>Immutable and thread-safe; coders are per use, as for every charset. Decoding an unmapped byte
 * is malformed input (the caller's {@code CodingErrorAction} decides; {@code new String} replaces
 * it with U+FFFD); encoding a character outside the table is unmappable.
 */
final class SingleByteCharset extends Charset {

  private final char[] table;
  private final char[] sortedChars;
  private final byte[] bytesOfSortedChars;

  SingleByteCharset(String name, char[] table) {
    super(name, new String[0]);
    if (table.length != 256) {
      throw new IllegalArgumentException(name + ": a single-byte table has 256 entries");
    }
    this.table = table.clone();
    int mapped = 0;
    for (char c : table) {
      if (c != '\uFFFD') {
        mapped++;
      }
    }
    // Reverse map for encoding: characters sorted, with the byte each one came from.
    long[] pairs = new long[mapped];
    int n = 0;
    for (int b = 0; b < 256; b++) {
      if (table[b] != '\uFFFD') {
        pairs[n++] = ((long) table[b] << 8) | b;
      }
    }
    Arrays.sort(pairs);
    sortedChars = new char[mapped];
    bytesOfSortedChars = new byte[mapped];
    for (int i = 0; i < mapped; i++) {
      sortedChars[i] = (char) (pairs[i] >>> 8);
      bytesOfSortedChars[i] = (byte) pairs[i];
    }
  }

  @Override
  public boolean contains(Charset cs) {
    return cs == this;
  }

  @Override
  public CharsetDecoder newDecoder() {
    return new CharsetDecoder(this, 1f, 1f) {
      @Override
      protected CoderResult decodeLoop(ByteBuffer in, CharBuffer out) {
        while (in.hasRemaining()) {
          if (!out.hasRemaining()) {
            return CoderResult.OVERFLOW;
          }
          int pos = in.position();
          char c = table[in.get(pos) & 0xFF];
          if (c == '\uFFFD') {
            return CoderResult.malformedForLength(1);
          }
          in.position(pos + 1);
          out.put(c);
        }
        return CoderResult.UNDERFLOW;
      }
    };
  }

  @Override
  public CharsetEncoder newEncoder() {
    return new CharsetEncoder(this, 1f, 1f, new byte[] {'?'}) {
      @Override
      protected CoderResult encodeLoop(CharBuffer in, ByteBuffer out) {
        while (in.hasRemaining()) {
          if (!out.hasRemaining()) {
            return CoderResult.OVERFLOW;
          }
          int pos = in.position();
          int i = Arrays.binarySearch(sortedChars, in.get(pos));
          if (i < 0) {
            return CoderResult.unmappableForLength(1);
          }
          in.position(pos + 1);
          out.put(bytesOfSortedChars[i]);
        }
        return CoderResult.UNDERFLOW;
      }

      @Override
      public boolean isLegalReplacement(byte[] repl) {
        return repl.length == 1;
      }
    };
  }
}
