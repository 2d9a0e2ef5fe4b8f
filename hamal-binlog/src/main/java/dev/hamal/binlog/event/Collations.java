package dev.hamal.binlog.event;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Collation ids to character sets, and MySQL character set names to Java {@link Charset}s.
 *
 * <h2>What an id means</h2>
 *
 * <p>A collation id is what the binlog carries for a text column (TABLE_MAP optional metadata,
 * {@code DEFAULT_CHARSET} and {@code COLUMN_CHARSET}) and what the handshake carries for the
 * connection; the id determines the character set, and the character set determines how the bytes
 * decode. The table covers MySQL 8.0/8.4 (ids up to 323) and MariaDB 10.x/11.x, including the
 * UCA-14.0 collations MariaDB numbers from 2048 up ({@code utf8mb4_uca1400_ai_ci} is 2304). Where
 * both servers use an id they agree on its character set (checked when the table is generated);
 * only a few names differ, so {@link #collationName} prefers MySQL's name.
 *
 * <h2>Data</h2>
 *
 * <p>Two resources next to this class, both written by {@code
 * hamal-binlog/tools/collations/generate.sh} from a live MariaDB and a transcribed MySQL list:
 * {@code collations.tsv} ({@code id, charset, MySQL name, MariaDB name}) and {@code
 * single-byte-charsets.tsv} (the server's own byte-to-character table of every single-byte
 * character set). They are read once, when this class initializes; a missing or damaged resource is
 * a packaging bug and fails class initialization.
 *
 * <h2>Character set mapping</h2>
 *
 * <p>Single-byte sets ({@code latin1}, {@code cp1251}, {@code koi8r}, {@code dec8}, ...) decode
 * with the server's table (see {@link SingleByteCharset}): MySQL's {@code latin1} is {@code
 * windows-1252} plus five C1 controls, so it round-trips every byte. {@code utf8mb4}, {@code
 * utf8mb3} and {@code utf8} are UTF-8; {@code ucs2}, {@code utf16} are UTF-16BE (no byte order
 * mark), {@code utf16le} UTF-16LE, {@code utf32} UTF-32BE. The multi-byte East Asian sets use the
 * JDK's nearest charset ({@code gbk} GBK, {@code gb2312} GB2312, {@code gb18030} GB18030, {@code
 * big5} Big5, {@code ujis} EUC-JP, {@code sjis} Shift_JIS, {@code cp932} windows-31j, {@code
 * eucjpms} x-eucJP-Open, {@code euckr} EUC-KR), which can differ from the server in vendor
 * extensions. {@code binary} maps to ISO-8859-1, so bytes survive as chars 0-255, but callers
 * should keep binary values as bytes ({@link #isBinary}).
 *
 * <h2>Threading and cost</h2>
 *
 * <p>Immutable after class initialization and thread-safe. Lookups by id index an array and return
 * pre-built {@link Optional}s: O(1), no allocation. An id the table does not know, negative ones
 * included, yields {@link Optional#empty()}; the caller decides what that means.
 */
public final class Collations {

  /** The id of the {@code binary} collation, the only one of the {@code binary} character set. */
  public static final int BINARY = 63;

  private static final String RESOURCE = "collations.tsv";
  private static final String SINGLE_BYTE_RESOURCE = "single-byte-charsets.tsv";

  private static final Map<String, Optional<Charset>> CHARSETS_BY_NAME;
  private static final Optional<String>[] CHARSET_NAMES;
  private static final Optional<Charset>[] CHARSETS;
  private static final Optional<String>[] COLLATION_NAMES;

  static {
    CHARSETS_BY_NAME = loadCharsets();
    Map<Integer, String[]> rows = new HashMap<>();
    int maxId = 0;
    for (String[] fields : readTable(RESOURCE, 4)) {
      int id = Integer.parseInt(fields[0]);
      if (id < 0 || rows.put(id, fields) != null) {
        throw new IllegalStateException(RESOURCE + ": bad or repeated id " + id);
      }
      maxId = Math.max(maxId, id);
    }
    CHARSET_NAMES = emptyArray(maxId + 1);
    CHARSETS = emptyArray(maxId + 1);
    COLLATION_NAMES = emptyArray(maxId + 1);
    for (Map.Entry<Integer, String[]> row : rows.entrySet()) {
      int id = row.getKey();
      String charsetName = row.getValue()[1];
      String mySqlName = row.getValue()[2];
      String mariaDbName = row.getValue()[3];
      Optional<Charset> charset = CHARSETS_BY_NAME.get(charsetName);
      if (charset == null) {
        throw new IllegalStateException(RESOURCE + ": unknown character set " + charsetName);
      }
      CHARSET_NAMES[id] = Optional.of(charsetName);
      CHARSETS[id] = charset;
      COLLATION_NAMES[id] = Optional.of(mySqlName.equals("-") ? mariaDbName : mySqlName);
    }
  }

  private Collations() {}

  /**
   * The MySQL character set of a collation: {@code utf8mb4}, {@code utf8mb3}, {@code latin1},
   * {@code binary}, ... (as {@code information_schema} spells it; MySQL and MariaDB both say {@code
   * utf8mb3}, never {@code utf8}).
   */
  public static Optional<String> charsetName(int collationId) {
    return collationId >= 0 && collationId < CHARSET_NAMES.length
        ? CHARSET_NAMES[collationId]
        : Optional.empty();
  }

  /**
   * The Java charset that decodes text of a collation; empty when the id is unknown or, for
   * installations without the {@code jdk.charsets} module, when the JDK lacks the charset.
   */
  public static Optional<Charset> charset(int collationId) {
    return collationId >= 0 && collationId < CHARSETS.length
        ? CHARSETS[collationId]
        : Optional.empty();
  }

  /**
   * The collation's name, for messages: MySQL's name where MySQL has the id (MariaDB calls a few of
   * them differently, e.g. 245 is {@code utf8mb4_croatian_ci} in MySQL and {@code
   * utf8mb4_croatian_mysql561_ci} in MariaDB), MariaDB's otherwise.
   */
  public static Optional<String> collationName(int collationId) {
    return collationId >= 0 && collationId < COLLATION_NAMES.length
        ? COLLATION_NAMES[collationId]
        : Optional.empty();
  }

  /** Whether the id is the {@code binary} collation, whose values are bytes, not text. */
  public static boolean isBinary(int collationId) {
    return collationId == BINARY;
  }

  /**
   * The Java charset for a MySQL character set name, case-insensitively; {@code utf8} is accepted
   * as the old name of {@code utf8mb3}. Empty for names no server uses, and for character sets
   * whose JDK charset is not installed.
   */
  public static Optional<Charset> charsetForName(String mySqlCharsetName) {
    Optional<Charset> charset = CHARSETS_BY_NAME.get(mySqlCharsetName.toLowerCase(Locale.ROOT));
    return charset == null ? Optional.empty() : charset;
  }

  private static Map<String, Optional<Charset>> loadCharsets() {
    Map<String, Optional<Charset>> charsets = new HashMap<>();
    for (String[] fields : readTable(SINGLE_BYTE_RESOURCE, 2)) {
      String name = fields[0];
      String hex = fields[1];
      if (hex.length() != 256 * 4) {
        throw new IllegalStateException(SINGLE_BYTE_RESOURCE + ": bad table for " + name);
      }
      char[] table = new char[256];
      for (int b = 0; b < 256; b++) {
        table[b] = (char) Integer.parseInt(hex, b * 4, b * 4 + 4, 16);
      }
      charsets.put(name, Optional.of(new SingleByteCharset("x-MySQL-" + name, table)));
    }
    Optional<Charset> utf8 = Optional.of(StandardCharsets.UTF_8);
    charsets.put("utf8mb4", utf8);
    charsets.put("utf8mb3", utf8);
    charsets.put("utf8", utf8);
    charsets.put("ucs2", Optional.of(StandardCharsets.UTF_16BE));
    charsets.put("utf16", Optional.of(StandardCharsets.UTF_16BE));
    charsets.put("utf16le", Optional.of(StandardCharsets.UTF_16LE));
    charsets.put("utf32", jdkCharset("UTF-32BE"));
    charsets.put("binary", Optional.of(StandardCharsets.ISO_8859_1));
    charsets.put("big5", jdkCharset("Big5"));
    charsets.put("gbk", jdkCharset("GBK"));
    charsets.put("gb2312", jdkCharset("GB2312"));
    charsets.put("gb18030", jdkCharset("GB18030"));
    charsets.put("ujis", jdkCharset("EUC-JP"));
    charsets.put("sjis", jdkCharset("Shift_JIS"));
    charsets.put("cp932", jdkCharset("windows-31j"));
    charsets.put("eucjpms", jdkCharset("x-eucJP-Open"));
    charsets.put("euckr", jdkCharset("EUC-KR"));
    return Map.copyOf(charsets);
  }

  private static Optional<Charset> jdkCharset(String name) {
    return Charset.isSupported(name) ? Optional.of(Charset.forName(name)) : Optional.empty();
  }

  private static List<String[]> readTable(String resource, int columns) {
    List<String[]> rows = new ArrayList<>();
    try (InputStream in = Collations.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource " + resource + " is missing");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] fields = line.split("\t", -1);
        if (fields.length != columns) {
          throw new IllegalStateException(resource + ": bad line '" + line + "'");
        }
        rows.add(fields);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  @SuppressWarnings("unchecked")
  private static <T> Optional<T>[] emptyArray(int length) {
    Optional<T>[] array = (Optional<T>[]) new Optional<?>[length];
    Arrays.fill(array, Optional.empty());
    return array;
  }
}
