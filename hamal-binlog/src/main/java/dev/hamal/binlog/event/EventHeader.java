package dev.hamal.binlog.event;

/**
 * The 19-byte common header every binlog event (v4 format) starts with.
 *
 * @param timestamp seconds since the epoch when the statement started (the GTID event of a MariaDB
 *     transaction carries its commit time)
 * @param type event type code, see {@link EventType}
 * @param serverId id of the server that first wrote the event
 * @param eventSize size of the whole event including header and checksum
 * @param nextPosition position of the next event in the file as the server wrote it; 0 inside
 *     transactions on MariaDB 11.4+ ({@code binlog_legacy_event_pos=OFF}) and for artificial events
 * @param flags header flags, see {@link EventType#FLAG_ARTIFICIAL} and {@link
 *     EventType#FLAG_IGNORABLE}
 */
public record EventHeader(
    long timestamp, int type, long serverId, int eventSize, long nextPosition, int flags) {

  public static final int SIZE = 19;

  /**
   * Reads the header at the start of {@code event}.
   *
   * @throws MalformedValueException when the array is shorter than a header or than the size the
   *     header declares
   */
  public static EventHeader read(byte[] event) {
    if (event.length < SIZE) {
      throw new MalformedValueException(
          "event of " + event.length + " bytes is shorter than the 19-byte header");
    }
    long size = ByteCursor.u32(event, 9);
    if (size != event.length) {
      throw new MalformedValueException(
          "event header declares " + size + " bytes but " + event.length + " arrived");
    }
    return new EventHeader(
        ByteCursor.u32(event, 0),
        event[4] & 0xff,
        ByteCursor.u32(event, 5),
        (int) size,
        ByteCursor.u32(event, 13),
        (event[17] & 0xff) | (event[18] & 0xff) << 8);
  }

  public boolean isArtificial() {
    return (flags & EventType.FLAG_ARTIFICIAL) != 0;
  }

  public boolean isIgnorable() {
    return (flags & EventType.FLAG_IGNORABLE) != 0;
  }
}
