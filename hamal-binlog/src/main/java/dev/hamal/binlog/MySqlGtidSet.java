package dev.hamal.binlog;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * An immutable MySQL GTID set: for each source (a server UUID, optionally with a MySQL 8.3+ tag)
 * the transaction numbers (GNOs) it contains, as sorted, disjoint, non-adjacent intervals.
 *
 * <p>Text form, as MySQL prints {@code gtid_executed}: {@code
 * 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7-9,8a94f357-aab4-11df-86ab-c80aa9429562:3}. Tagged
 * GTIDs follow their UUID after a tag name: {@code 3e11fa47-...:1-5:orders:1-20} means GNOs 1 to 5
 * without a tag and 1 to 20 tagged {@code orders}. {@link #parse(String)} accepts white space
 * around the separators (MySQL inserts line breaks after commas), upper-case hex digits and tags,
 * and UUIDs without dashes; {@link #toString()} is canonical: lower case, sources sorted by UUID
 * and then by tag (the untagged part first), intervals merged.
 *
 * <p>Binary form ({@link #encode()}, the data of {@code COM_BINLOG_DUMP_GTID} and of the
 * PREVIOUS_GTIDS event): a little-endian int64 source count, then per source the 16 UUID bytes, the
 * number of intervals as int64 and each interval as int64 start and int64 exclusive end. When the
 * set holds a tagged GTID the MySQL 8.3+ tagged format is used instead: the first int64 carries the
 * format code 1 in its highest and lowest byte and the source count in the bytes between, and every
 * source carries its tag (one byte holding the tag length shifted left by one, then the tag)
 * between the UUID and the interval count. Servers before 8.3 do not understand the tagged format.
 *
 * <p>Thread-safe (immutable). Operations that return a new set copy it; sets are small (a few
 * sources with a few intervals each).
 */
public final class MySqlGtidSet {

  /** The largest transaction number MySQL assigns (GNO_END - 1, that is 2^63 - 2). */
  public static final long MAX_GNO = Long.MAX_VALUE - 1;

  private static final int MAX_TAG_LENGTH = 32;
  private static final MySqlGtidSet EMPTY = new MySqlGtidSet(new TreeMap<>());

  /** Per source, a flat array of [start, end) pairs, sorted, disjoint and non-adjacent. */
  private final Map<Source, long[]> intervals;

  private MySqlGtidSet(TreeMap<Source, long[]> intervals) {
    this.intervals = Collections.unmodifiableMap(intervals);
  }

  /** The set without any GTID. */
  public static MySqlGtidSet empty() {
    return EMPTY;
  }

  /**
   * Parses the text form (see the class comment); an empty or blank text is the empty set.
   *
   * @throws IllegalArgumentException saying what is wrong and where, when the text is not a GTID
   *     set
   */
  public static MySqlGtidSet parse(String text) {
    Objects.requireNonNull(text, "text");
    TreeMap<Source, long[]> result = new TreeMap<>();
    if (text.isBlank()) {
      return EMPTY;
    }
    for (String part : text.split(",", -1)) {
      String[] fields = part.split(":", -1);
      String uuid = canonicalUuid(fields[0].strip(), text);
      if (fields.length < 2) {
        throw invalid(text, "UUID " + uuid + " is not followed by ':' and an interval");
      }
      String tag = "";
      boolean tagHasInterval = true;
      for (int i = 1; i < fields.length; i++) {
        String field = fields[i].strip();
        if (field.isEmpty()) {
          throw invalid(text, "empty interval or tag after UUID " + uuid);
        }
        char first = field.charAt(0);
        if (first >= '0' && first <= '9') {
          long[] range = parseInterval(field, text);
          Source source = new Source(uuid, tag);
          result.put(source, addRange(result.get(source), range[0], range[1] + 1));
          tagHasInterval = true;
        } else {
          if (!tagHasInterval) {
            throw invalid(text, "tag '" + tag + "' of UUID " + uuid + " has no interval");
          }
          tag = canonicalTag(field, text);
          tagHasInterval = false;
        }
      }
      if (!tagHasInterval) {
        throw invalid(text, "tag '" + tag + "' of UUID " + uuid + " has no interval");
      }
    }
    return new MySqlGtidSet(result);
  }

  /**
   * Decodes the binary form (see the class comment), untagged or tagged.
   *
   * @throws IllegalArgumentException when the bytes are not a well-formed encoding
   */
  public static MySqlGtidSet decode(byte[] data) {
    ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    try {
      long header = in.getLong();
      int format = (int) (header >>> 56);
      long count;
      if (format == 0) {
        count = header;
      } else if (format == 1 && (header & 0xFF) == 1) {
        count = (header >>> 8) & 0xFFFF_FFFF_FFFFL;
      } else {
        throw new IllegalArgumentException(
            "unknown GTID set encoding format in header 0x" + Long.toHexString(header));
      }
      TreeMap<Source, long[]> result = new TreeMap<>();
      for (long s = 0; s < count; s++) {
        long most = in.order(ByteOrder.BIG_ENDIAN).getLong();
        long least = in.getLong();
        in.order(ByteOrder.LITTLE_ENDIAN);
        String uuid = new UUID(most, least).toString();
        String tag = "";
        if (format == 1) {
          int lengthByte = in.get() & 0xFF;
          if ((lengthByte & 1) != 0 || (lengthByte >> 1) > MAX_TAG_LENGTH) {
            throw new IllegalArgumentException("bad tag length byte " + lengthByte);
          }
          byte[] tagBytes = new byte[lengthByte >> 1];
          in.get(tagBytes);
          tag = new String(tagBytes, StandardCharsets.US_ASCII);
          if (!tag.isEmpty()) {
            tag = canonicalTag(tag, tag);
          }
        }
        long n = in.getLong();
        if (n < 1) {
          throw new IllegalArgumentException("bad interval count " + n + " for " + uuid);
        }
        if (n > in.remaining() / 16) {
          throw new BufferUnderflowException();
        }
        long previousEnd = 0;
        Source source = new Source(uuid, tag);
        long[] ranges = result.get(source);
        for (long i = 0; i < n; i++) {
          long start = in.getLong();
          long end = in.getLong();
          if (start <= previousEnd || end <= start || end - 1 > MAX_GNO) {
            throw new IllegalArgumentException(
                "interval [" + start + ", " + end + ") of " + uuid + " is out of order or empty");
          }
          previousEnd = end;
          ranges = addRange(ranges, start, end);
        }
        result.put(source, ranges);
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " bytes after the last source");
      }
      return result.isEmpty() ? EMPTY : new MySqlGtidSet(result);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("GTID set encoding is truncated", e);
    }
  }

  /** This set plus the untagged GTID {@code uuid:gno}. */
  public MySqlGtidSet add(String uuid, long gno) {
    return add(uuid, "", gno);
  }

  /**
   * This set plus the GTID {@code uuid:tag:gno}; an empty tag means an untagged GTID.
   *
   * @throws IllegalArgumentException for a malformed UUID or tag, or a GNO outside 1..{@link
   *     #MAX_GNO}
   */
  public MySqlGtidSet add(String uuid, String tag, long gno) {
    Source source = source(uuid, tag);
    checkGno(gno);
    long[] current = intervals.get(source);
    if (current != null && indexOf(current, gno) >= 0) {
      return this;
    }
    TreeMap<Source, long[]> copy = new TreeMap<>(intervals);
    copy.put(source, addRange(current, gno, gno + 1));
    return new MySqlGtidSet(copy);
  }

  /** Every GTID of this set and of {@code other}. */
  public MySqlGtidSet union(MySqlGtidSet other) {
    if (other.intervals.isEmpty()) {
      return this;
    }
    TreeMap<Source, long[]> copy = new TreeMap<>(intervals);
    for (Map.Entry<Source, long[]> entry : other.intervals.entrySet()) {
      long[] ranges = copy.get(entry.getKey());
      long[] add = entry.getValue();
      for (int i = 0; i < add.length; i += 2) {
        ranges = addRange(ranges, add[i], add[i + 1]);
      }
      copy.put(entry.getKey(), ranges);
    }
    return new MySqlGtidSet(copy);
  }

  /** Whether the untagged GTID {@code uuid:gno} is in this set. */
  public boolean contains(String uuid, long gno) {
    return contains(uuid, "", gno);
  }

  /** Whether the GTID {@code uuid:tag:gno} is in this set; an empty tag means untagged. */
  public boolean contains(String uuid, String tag, long gno) {
    long[] ranges = intervals.get(source(uuid, tag));
    return ranges != null && indexOf(ranges, gno) >= 0;
  }

  public boolean isEmpty() {
    return intervals.isEmpty();
  }

  /** Whether any GTID of this set carries a tag (and {@link #encode()} uses the tagged format). */
  public boolean isTagged() {
    for (Source source : intervals.keySet()) {
      if (!source.tag().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** The binary form (see the class comment), as sent in {@code COM_BINLOG_DUMP_GTID}. */
  public byte[] encode() {
    boolean tagged = isTagged();
    int length = 8;
    for (Map.Entry<Source, long[]> entry : intervals.entrySet()) {
      length += 16 + 8 + entry.getValue().length * 8;
      if (tagged) {
        length += 1 + entry.getKey().tag().length();
      }
    }
    ByteBuffer out = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    long count = intervals.size();
    out.putLong(tagged ? (1L << 56) | (count << 8) | 1L : count);
    for (Map.Entry<Source, long[]> entry : intervals.entrySet()) {
      UUID uuid = UUID.fromString(entry.getKey().uuid());
      out.order(ByteOrder.BIG_ENDIAN)
          .putLong(uuid.getMostSignificantBits())
          .putLong(uuid.getLeastSignificantBits())
          .order(ByteOrder.LITTLE_ENDIAN);
      if (tagged) {
        String tag = entry.getKey().tag();
        out.put((byte) (tag.length() << 1));
        out.put(tag.getBytes(StandardCharsets.US_ASCII));
      }
      long[] ranges = entry.getValue();
      out.putLong(ranges.length / 2);
      for (long value : ranges) {
        out.putLong(value);
      }
    }
    return out.array();
  }

  /** The canonical text form; {@code ""} for the empty set. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    String previousUuid = null;
    for (Map.Entry<Source, long[]> entry : intervals.entrySet()) {
      Source source = entry.getKey();
      if (!source.uuid().equals(previousUuid)) {
        if (previousUuid != null) {
          text.append(',');
        }
        text.append(source.uuid());
        previousUuid = source.uuid();
      }
      if (!source.tag().isEmpty()) {
        text.append(':').append(source.tag());
      }
      long[] ranges = entry.getValue();
      for (int i = 0; i < ranges.length; i += 2) {
        text.append(':').append(ranges[i]);
        if (ranges[i + 1] - 1 != ranges[i]) {
          text.append('-').append(ranges[i + 1] - 1);
        }
      }
    }
    return text.toString();
  }

  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    if (!(other instanceof MySqlGtidSet that) || intervals.size() != that.intervals.size()) {
      return false;
    }
    for (Map.Entry<Source, long[]> entry : intervals.entrySet()) {
      if (!Arrays.equals(entry.getValue(), that.intervals.get(entry.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int hash = 0;
    for (Map.Entry<Source, long[]> entry : intervals.entrySet()) {
      hash += entry.getKey().hashCode() ^ Arrays.hashCode(entry.getValue());
    }
    return hash;
  }

  /** A UUID in canonical form plus a tag in canonical form ({@code ""} when untagged). */
  private record Source(String uuid, String tag) implements Comparable<Source> {
    @Override
    public int compareTo(Source other) {
      int byUuid = uuid.compareTo(other.uuid);
      return byUuid != 0 ? byUuid : tag.compareTo(other.tag);
    }
  }

  private static Source source(String uuid, String tag) {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(tag, "tag");
    String canonicalUuid = canonicalUuid(uuid.strip(), uuid);
    return new Source(canonicalUuid, tag.isEmpty() ? "" : canonicalTag(tag.strip(), tag));
  }

  private static void checkGno(long gno) {
    if (gno < 1 || gno > MAX_GNO) {
      throw new IllegalArgumentException(
          "GTID transaction number must be in 1.." + MAX_GNO + ", was " + gno);
    }
  }

  /** Index of the pair containing {@code gno}, or a negative value. */
  private static int indexOf(long[] ranges, long gno) {
    int low = 0;
    int high = ranges.length / 2 - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (gno < ranges[2 * mid]) {
        high = mid - 1;
      } else if (gno >= ranges[2 * mid + 1]) {
        low = mid + 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /** A new array with [start, end) added to {@code ranges} (which may be null), merged. */
  private static long[] addRange(long[] ranges, long start, long end) {
    if (ranges == null) {
      return new long[] {start, end};
    }
    int pairs = ranges.length / 2;
    long[] result = new long[ranges.length + 2];
    int out = 0;
    int i = 0;
    // pairs entirely before the new one, not touching it
    while (i < pairs && ranges[2 * i + 1] < start) {
      result[out++] = ranges[2 * i];
      result[out++] = ranges[2 * i + 1];
      i++;
    }
    long mergedStart = start;
    long mergedEnd = end;
    // pairs overlapping or adjacent
    while (i < pairs && ranges[2 * i] <= end) {
      mergedStart = Math.min(mergedStart, ranges[2 * i]);
      mergedEnd = Math.max(mergedEnd, ranges[2 * i + 1]);
      i++;
    }
    result[out++] = mergedStart;
    result[out++] = mergedEnd;
    while (i < pairs) {
      result[out++] = ranges[2 * i];
      result[out++] = ranges[2 * i + 1];
      i++;
    }
    return out == result.length ? result : Arrays.copyOf(result, out);
  }

  private static long[] parseInterval(String field, String text) {
    int dash = field.indexOf('-');
    long start = parseGno(dash < 0 ? field : field.substring(0, dash).strip(), text);
    long end = dash < 0 ? start : parseGno(field.substring(dash + 1).strip(), text);
    if (end < start) {
      throw invalid(text, "interval '" + field + "' ends before it starts");
    }
    return new long[] {start, end};
  }

  private static long parseGno(String digits, String text) {
    if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw invalid(text, "'" + digits + "' is not a transaction number");
    }
    long gno;
    try {
      gno = Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw invalid(text, "transaction number " + digits + " is larger than " + MAX_GNO);
    }
    if (gno < 1 || gno > MAX_GNO) {
      throw invalid(text, "transaction number " + digits + " is outside 1.." + MAX_GNO);
    }
    return gno;
  }

  private static String canonicalUuid(String uuid, String text) {
    String hex = uuid.replace("-", "");
    boolean dashesRight =
        uuid.length() == 32
            || (uuid.length() == 36
                && uuid.charAt(8) == '-'
                && uuid.charAt(13) == '-'
                && uuid.charAt(18) == '-'
                && uuid.charAt(23) == '-');
    if (!dashesRight || hex.length() != 32 || !hex.chars().allMatch(MySqlGtidSet::isHexDigit)) {
      throw invalid(text, "'" + uuid + "' is not a UUID");
    }
    String lower = hex.toLowerCase(Locale.ROOT);
    return lower.substring(0, 8)
        + '-'
        + lower.substring(8, 12)
        + '-'
        + lower.substring(12, 16)
        + '-'
        + lower.substring(16, 20)
        + '-'
        + lower.substring(20);
  }

  private static boolean isHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static String canonicalTag(String tag, String text) {
    boolean valid = !tag.isEmpty() && tag.length() <= MAX_TAG_LENGTH;
    for (int i = 0; valid && i < tag.length(); i++) {
      char c = tag.charAt(i);
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
      valid = letter || (i > 0 && c >= '0' && c <= '9');
    }
    if (!valid) {
      throw invalid(
          text,
          "'"
              + tag
              + "' is not a GTID tag (1 to 32 letters, digits and underscores, not starting with"
              + " a digit)");
    }
    return tag.toLowerCase(Locale.ROOT);
  }

  private static IllegalArgumentException invalid(String text, String problem) {
    return new IllegalArgumentException("invalid GTID set '" + text + "': " + problem);
  }
}
