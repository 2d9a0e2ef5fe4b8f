package dev.hamal.embedded;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/** Reads the last lines a server wrote to a log file, for error messages. */
final class LogTail {

  static final int LINES = 40;
  private static final int MAX_BYTES = 64 * 1024;

  private LogTail() {}

  /** The file's size now: pass it to {@link #of(Path, long)} to see only what follows. */
  static long mark(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * The last {@value #LINES} lines written after byte {@code from} (at most 64 KiB); empty when the
   * file is missing or unreadable.
   */
  static String of(Path file, long from) {
    if (!Files.isRegularFile(file)) {
      return "";
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long start = Math.max(from, in.length() - MAX_BYTES);
      if (start >= in.length()) {
        return "";
      }
      byte[] bytes = new byte[(int) (in.length() - start)];
      in.seek(start);
      in.readFully(bytes);
      Deque<String> lines = new ArrayDeque<>();
      for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          lines.addLast(line);
          if (lines.size() > LINES) {
            lines.removeFirst();
          }
        }
      }
      return String.join("\n", lines);
    } catch (IOException e) {
      return "";
    }
  }
}
