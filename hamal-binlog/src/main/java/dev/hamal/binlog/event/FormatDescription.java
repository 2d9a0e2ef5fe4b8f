package dev.hamal.binlog.event;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a FORMAT_DESCRIPTION event says about the events after it: the server version, the common
 * header length, each event type's post-header length, and whether events end in a CRC32.
 *
 * <p>Body layout: binlog version (2), server version (50, zero padded), creation time (4), common
 * header length (1), one post-header length per event type (1 each), then, for servers that know
 * checksums (MySQL 5.6.1+, MariaDB 5.3+), the checksum algorithm (1: 0 off, 1 CRC32) and the
 * event's own 4-byte checksum.
 */
public final class FormatDescription {
  public static final int CHECKSUM_OFF = 0;
  public static final int CHECKSUM_CRC32 = 1;

  private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)");

  private final int binlogVersion;
  private final String serverVersion;
  private final int headerLength;
  private final byte[] postHeaderLengths;
  private final int checksumAlgorithm;
  private final boolean mariaDb;

  private FormatDescription(
      int binlogVersion,
      String serverVersion,
      int headerLength,
      byte[] postHeaderLengths,
      int checksumAlgorithm) {
    this.binlogVersion = binlogVersion;
    this.serverVersion = serverVersion;
    this.headerLength = headerLength;
    this.postHeaderLengths = postHeaderLengths;
    this.checksumAlgorithm = checksumAlgorithm;
    this.mariaDb = serverVersion.contains("MariaDB");
  }

  /**
   * Parses a FORMAT_DESCRIPTION event (whole event, header included).
   *
   * @throws MalformedValueException when the event is not a valid format description
   */
  public static FormatDescription parse(byte[] event) {
    ByteCursor in = new ByteCursor(event, EventHeader.SIZE, event.length);
    int binlogVersion = in.u16();
    if (binlogVersion != 4) {
      throw new MalformedValueException("unsupported binlog version " + binlogVersion);
    }
    int versionAt = in.take(50);
    int versionEnd = versionAt;
    while (versionEnd < versionAt + 50 && event[versionEnd] != 0) {
      versionEnd++;
    }
    String serverVersion =
        new String(
            event, versionAt, versionEnd - versionAt, java.nio.charset.StandardCharsets.UTF_8);
    in.skip(4);
    int headerLength = in.u8();
    if (headerLength < EventHeader.SIZE) {
      throw new MalformedValueException("common header length " + headerLength + " < 19");
    }
    int checksum = CHECKSUM_OFF;
    int postHeaderEnd = event.length;
    if (knowsChecksums(serverVersion)) {
      if (event.length - in.position() < 5) {
        throw new MalformedValueException("format description too short for its checksum");
      }
      checksum = event[event.length - 5] & 0xff;
      postHeaderEnd = event.length - 5;
      if (checksum != CHECKSUM_OFF && checksum != CHECKSUM_CRC32) {
        throw new MalformedValueException("unknown binlog checksum algorithm " + checksum);
      }
    }
    byte[] postHeaders = new byte[postHeaderEnd - in.position()];
    System.arraycopy(event, in.position(), postHeaders, 0, postHeaders.length);
    return new FormatDescription(binlogVersion, serverVersion, headerLength, postHeaders, checksum);
  }

  /** A description for tests and for byte fixtures: MySQL 8 lengths, the given checksum. */
  public static FormatDescription forTesting(String serverVersion, int checksumAlgorithm) {
    byte[] lengths = new byte[42];
    lengths[EventType.QUERY - 1] = 13;
    lengths[EventType.ROTATE - 1] = 8;
    lengths[EventType.FORMAT_DESCRIPTION - 1] = 98;
    lengths[EventType.TABLE_MAP - 1] = 8;
    lengths[EventType.WRITE_ROWS_V1 - 1] = 8;
    lengths[EventType.UPDATE_ROWS_V1 - 1] = 8;
    lengths[EventType.DELETE_ROWS_V1 - 1] = 8;
    lengths[EventType.WRITE_ROWS_V2 - 1] = 10;
    lengths[EventType.UPDATE_ROWS_V2 - 1] = 10;
    lengths[EventType.DELETE_ROWS_V2 - 1] = 10;
    lengths[EventType.GTID - 1] = 42;
    lengths[EventType.PARTIAL_UPDATE_ROWS - 1] = 10;
    return new FormatDescription(4, serverVersion, EventHeader.SIZE, lengths, checksumAlgorithm);
  }

  private static boolean knowsChecksums(String serverVersion) {
    Matcher m = VERSION.matcher(serverVersion);
    if (!m.find()) {
      return false;
    }
    int major;
    int minor;
    int patch;
    try {
      major = Integer.parseInt(m.group(1));
      minor = Integer.parseInt(m.group(2));
      patch = Integer.parseInt(m.group(3));
    } catch (NumberFormatException e) {
      throw new MalformedValueException("server version '" + serverVersion + "' is not a version");
    }
    if (serverVersion.contains("MariaDB") || major >= 10) {
      return major > 5 || (major == 5 && minor >= 3);
    }
    return major > 5 || (major == 5 && (minor > 6 || (minor == 6 && patch >= 1)));
  }

  public int binlogVersion() {
    return binlogVersion;
  }

  public String serverVersion() {
    return serverVersion;
  }

  public boolean isMariaDb() {
    return mariaDb;
  }

  public int headerLength() {
    return headerLength;
  }

  /** Post-header length of the given event type, or {@code fallback} if not described. */
  public int postHeaderLength(int type, int fallback) {
    return type >= 1 && type <= postHeaderLengths.length
        ? postHeaderLengths[type - 1] & 0xff
        : fallback;
  }

  /** The same description for events that carry no checksum (inside a transaction payload). */
  public FormatDescription withoutChecksum() {
    return checksumAlgorithm == CHECKSUM_OFF
        ? this
        : new FormatDescription(
            binlogVersion, serverVersion, headerLength, postHeaderLengths, CHECKSUM_OFF);
  }

  public int checksumAlgorithm() {
    return checksumAlgorithm;
  }

  /** Bytes at the end of every following event that belong to the checksum. */
  public int checksumLength() {
    return checksumAlgorithm == CHECKSUM_CRC32 ? 4 : 0;
  }
}
