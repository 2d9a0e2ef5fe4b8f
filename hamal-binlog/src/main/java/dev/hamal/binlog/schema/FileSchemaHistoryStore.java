package dev.hamal.binlog.schema;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SchemaHistoryStore} in one append-only UTF-8 text file per source server.
 *
 * <p>Format (line-oriented; {@code TAB} is a tab character):
 *
 * <pre>
 * hamal-schema-history TAB 1               header: format name and version
 * + TAB payload line                        one per line of a record
 * + TAB payload line
 * = TAB line count TAB crc32 (8 hex digits) closes the record; CRC-32 of the payload lines
 *                                           joined with line feeds, as UTF-8
 * </pre>
 *
 * <p>Durability: {@link #append} writes the whole record with one positional write at the end of
 * the file and then forces content and metadata to the device ({@link FileChannel#force}) before it
 * returns. If the write fails the file is truncated back to where it was, and if even that fails
 * the store refuses further appends.
 *
 * <p>Recovery: a crash in the middle of an append leaves a torn last record: lines without a
 * closing {@code =} line, a partial line, or garbage such as zero bytes at the end. On open such a
 * tail (no complete closing line after the last good record) is dropped with a WARN and the file
 * truncated to the last good record. Anything else that is wrong (a bad header, a checksum or line
 * count mismatch on a complete record, a malformed line followed by later records, invalid UTF-8)
 * is corruption: {@link SchemaHistoryCorruptException} naming the file and line.
 *
 * <p>Exclusivity: the file is locked ({@link FileChannel#tryLock()}) while open, so a second pipe
 * or process cannot interleave appends. Threading: one thread at a time.
 */
public final class FileSchemaHistoryStore implements SchemaHistoryStore {

  private static final Logger LOG = LoggerFactory.getLogger(FileSchemaHistoryStore.class);

  static final String HEADER = "hamal-schema-history\t1";

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private final List<String> records = new ArrayList<>();
  private final List<Integer> recordLines = new ArrayList<>();
  private int nextLine;
  private boolean broken;

  private FileSchemaHistoryStore(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Opens (creating it and its directory if needed) the history file, recovering from a torn last
   * record.
   *
   * @throws SchemaHistoryStorageException when the file cannot be opened, created or locked
   * @throws SchemaHistoryCorruptException when its content is damaged beyond a torn last record
   */
  public static FileSchemaHistoryStore open(Path file) {
    FileChannel channel;
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new SchemaHistoryStorageException("cannot open schema history file " + file, e);
    }
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new SchemaHistoryStorageException(
            "schema history file " + file + " is in use by another store", null);
      }
      FileSchemaHistoryStore store = new FileSchemaHistoryStore(file, channel, lock);
      store.recover();
      return store;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new SchemaHistoryStorageException("cannot read schema history file " + file, e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  /** The file this store writes. */
  public Path file() {
    return file;
  }

  @Override
  public List<String> load() {
    return List.copyOf(records);
  }

  @Override
  public void append(String record) {
    if (broken) {
      throw new SchemaHistoryStorageException(
          "schema history file " + file + " failed earlier and accepts no more records", null);
    }
    String[] lines = record.split("\n", -1);
    StringBuilder text = new StringBuilder(record.length() + 16 * lines.length);
    for (String line : lines) {
      text.append("+\t").append(line).append('\n');
    }
    text.append("=\t").append(lines.length).append('\t').append(crc(record)).append('\n');
    ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
    long end;
    try {
      end = channel.size();
    } catch (IOException e) {
      throw new SchemaHistoryStorageException("cannot append to schema history file " + file, e);
    }
    try {
      long at = end;
      while (bytes.hasRemaining()) {
        at += channel.write(bytes, at);
      }
      channel.force(true);
    } catch (IOException e) {
      try {
        channel.truncate(end);
        channel.force(true);
      } catch (IOException undo) {
        e.addSuppressed(undo);
        broken = true;
      }
      throw new SchemaHistoryStorageException("cannot append to schema history file " + file, e);
    }
    records.add(record);
    recordLines.add(nextLine);
    nextLine += lines.length + 1;
  }

  @Override
  public String locate(int index) {
    return file + ", record starting at line " + recordLines.get(index);
  }

  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException e) {
      LOG.debug("Releasing the lock of {} failed", file, e);
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("Closing a schema history file failed", e);
    }
  }

  static String crc(String record) {
    CRC32 crc = new CRC32();
    crc.update(record.getBytes(StandardCharsets.UTF_8));
    return String.format("%08x", crc.getValue());
  }

  // ---------------------------------------------------------------- recovery

  private void recover() throws IOException {
    long size = channel.size();
    if (size > Integer.MAX_VALUE - 16) {
      throw new SchemaHistoryStorageException(
          "schema history file " + file + " is too large (" + size + " bytes)", null);
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) size);
    long at = 0;
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, at);
      if (read < 0) {
        break;
      }
      at += read;
    }
    byte[] bytes = buffer.array();
    byte[] header = (HEADER + "\n").getBytes(StandardCharsets.UTF_8);
    if (bytes.length < header.length && isPrefixOf(bytes, header)) {
      if (bytes.length > 0) {
        LOG.warn("Schema history file {} has a torn header; rewriting it", file);
      }
      channel.truncate(0);
      ByteBuffer write = ByteBuffer.wrap(header);
      long pos = 0;
      while (write.hasRemaining()) {
        pos += channel.write(write, pos);
      }
      channel.force(true);
      nextLine = 2;
      return;
    }
    int headerEnd = indexOf(bytes, 0);
    if (headerEnd < 0 || !decode(bytes, 0, headerEnd, 1).equals(HEADER)) {
      throw new SchemaHistoryCorruptException(
          file + ", line 1", "not a schema history file (expected header '" + HEADER + "')");
    }
    parseRecords(bytes, headerEnd + 1);
  }

  private void parseRecords(byte[] bytes, int start) throws IOException {
    int pos = start;
    int line = 2;
    int recordStart = pos;
    int recordLine = line;
    List<String> payload = new ArrayList<>();
    while (pos < bytes.length) {
      int end = indexOf(bytes, pos);
      if (end < 0) {
        tornTail(bytes, recordStart, recordLine, "an incomplete last line");
        return;
      }
      String text;
      try {
        text = strictUtf8(bytes, pos, end);
      } catch (CharacterCodingException e) {
        problem(bytes, recordStart, recordLine, line, "invalid UTF-8");
        return;
      }
      if (text.startsWith("+\t")) {
        payload.add(text.substring(2));
      } else if (text.startsWith("=\t")) {
        String record = String.join("\n", payload);
        String[] trailer = text.split("\t", -1);
        if (trailer.length != 3
            || !trailer[1].equals(Integer.toString(payload.size()))
            || payload.isEmpty()) {
          throw new SchemaHistoryCorruptException(
              file + ", line " + line,
              "record closing line '" + text + "' does not match its " + payload.size() + " lines");
        }
        if (!trailer[2].equals(crc(record))) {
          throw new SchemaHistoryCorruptException(
              file + ", line " + line,
              "record checksum mismatch (record from line " + recordLine + ")");
        }
        records.add(record);
        recordLines.add(recordLine);
        payload.clear();
        recordStart = end + 1;
        recordLine = line + 1;
      } else {
        problem(bytes, recordStart, recordLine, line, "malformed line");
        return;
      }
      pos = end + 1;
      line++;
    }
    if (!payload.isEmpty()) {
      tornTail(bytes, recordStart, recordLine, "a record without its closing line");
      return;
    }
    nextLine = line;
  }

  /** A bad line: a torn tail if no complete record follows it, corruption otherwise. */
  private void problem(byte[] bytes, int recordStart, int recordLine, int line, String what)
      throws IOException {
    if (hasClosingLineAfter(bytes, recordStart)) {
      throw new SchemaHistoryCorruptException(file + ", line " + line, what);
    }
    tornTail(bytes, recordStart, recordLine, what);
  }

  private void tornTail(byte[] bytes, int recordStart, int recordLine, String what)
      throws IOException {
    LOG.warn(
        "Schema history file {} ends in a torn record (line {}, {} bytes: {}), left by a crash"
            + " during a write; dropping it and truncating the file to the last complete record",
        file,
        recordLine,
        bytes.length - recordStart,
        what);
    channel.truncate(recordStart);
    channel.force(true);
    nextLine = recordLine;
  }

  private static boolean hasClosingLineAfter(byte[] bytes, int from) {
    int pos = from;
    while (pos < bytes.length) {
      int end = indexOf(bytes, pos);
      if (end < 0) {
        return false;
      }
      if (end - pos >= 2 && bytes[pos] == '=' && bytes[pos + 1] == '\t') {
        return true;
      }
      pos = end + 1;
    }
    return false;
  }

  private static boolean isPrefixOf(byte[] bytes, byte[] header) {
    if (bytes.length > header.length) {
      return false;
    }
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] != header[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private String decode(byte[] bytes, int from, int to, int line) {
    try {
      return strictUtf8(bytes, from, to);
    } catch (CharacterCodingException e) {
      throw new SchemaHistoryCorruptException(file + ", line " + line, "invalid UTF-8");
    }
  }

  private static String strictUtf8(byte[] bytes, int from, int to) throws CharacterCodingException {
    CharBuffer chars =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes, from, to - from));
    return chars.toString();
  }
}
