package dev.hamal.binlog.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.shyiko.mysql.binlog.event.FormatDescriptionEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.ChecksumType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FormatDescriptionTest {

  /** Offset of the post-header lengths in a FORMAT_DESCRIPTION event. */
  private static final int POST_HEADERS_AT = EventHeader.SIZE + 2 + 50 + 4 + 1;

  @Test
  void shouldReadMySql8VersionHeaderLengthAndPostHeaderLengths() {
    byte[] fde = EventBytes.mySql().formatDescription();

    FormatDescription f = FormatDescription.parse(fde);

    assertThat(f.binlogVersion()).isEqualTo(4);
    assertThat(f.serverVersion()).isEqualTo("8.0.36-log");
    assertThat(f.isMariaDb()).isFalse();
    assertThat(f.headerLength()).isEqualTo(19);
    assertThat(f.postHeaderLength(EventType.QUERY, -1)).isEqualTo(13);
    assertThat(f.postHeaderLength(EventType.ROTATE, -1)).isEqualTo(8);
    assertThat(f.postHeaderLength(EventType.TABLE_MAP, -1)).isEqualTo(8);
    assertThat(f.postHeaderLength(EventType.WRITE_ROWS_V1, -1)).isEqualTo(8);
    assertThat(f.postHeaderLength(EventType.WRITE_ROWS_V2, -1)).isEqualTo(10);
    assertThat(f.postHeaderLength(EventType.GTID, -1)).isEqualTo(42);
    assertThat(f.postHeaderLength(EventType.TRANSACTION_PAYLOAD, -1)).isZero();
    assertThat(f.postHeaderLength(EventType.HEARTBEAT_V2, -1)).isZero();
  }

  @Test
  void shouldReadMariaDbFlavourAndItsOwnEventTypes() {
    FormatDescription f = FormatDescription.parse(EventBytes.mariaDb().formatDescription());

    assertThat(f.serverVersion()).isEqualTo("10.11.6-MariaDB-log");
    assertThat(f.isMariaDb()).isTrue();
    assertThat(f.postHeaderLength(EventType.MARIADB_GTID, -1)).isEqualTo(19);
    assertThat(f.postHeaderLength(EventType.MARIADB_GTID_LIST, -1)).isEqualTo(4);
    assertThat(f.postHeaderLength(EventType.MARIADB_BINLOG_CHECKPOINT, -1)).isEqualTo(4);
    assertThat(f.postHeaderLength(EventType.MARIADB_DELETE_ROWS_COMPRESSED, -1)).isEqualTo(10);
    assertThat(f.postHeaderLength(EventType.DELETE_ROWS_V1, -1)).isEqualTo(8);
  }

  @Test
  void shouldTakeTheChecksumAlgorithmFromTheByteBeforeTheEventsOwnChecksum() {
    FormatDescription on = FormatDescription.parse(EventBytes.mySql().formatDescription());
    FormatDescription off =
        FormatDescription.parse(EventBytes.mySql().checksum(false).formatDescription());

    assertThat(on.checksumAlgorithm()).isEqualTo(FormatDescription.CHECKSUM_CRC32);
    assertThat(on.checksumLength()).isEqualTo(4);
    assertThat(off.checksumAlgorithm()).isEqualTo(FormatDescription.CHECKSUM_OFF);
    assertThat(off.checksumLength()).isZero();
  }

  @Test
  void shouldNotCountTheChecksumBlockAmongThePostHeaderLengths() {
    byte[] fde = EventBytes.mySql().formatDescription();
    FormatDescription f = FormatDescription.parse(fde);

    // 41 event types are described; type 42 is past the array whatever the checksum bytes hold
    assertThat(f.postHeaderLength(41, -1)).isZero();
    assertThat(f.postHeaderLength(42, -7)).isEqualTo(-7);
    assertThat(f.postHeaderLength(0, -7)).isEqualTo(-7);
    assertThat(f.postHeaderLength(EventType.MARIADB_GTID, -7)).isEqualTo(-7);
  }

  @Test
  void shouldSeeNoChecksumByteInServersOlderThanChecksums() {
    byte[] fde = EventBytes.mySql().checksum(false).formatDescription("5.5.62-log");

    FormatDescription f = FormatDescription.parse(fde);

    assertThat(f.checksumAlgorithm()).isEqualTo(FormatDescription.CHECKSUM_OFF);
    assertThat(f.postHeaderLength(EventType.HEARTBEAT_V2, -1)).isZero();
    assertThat(f.postHeaderLength(EventType.TABLE_MAP, -1)).isEqualTo(8);
  }

  @Test
  void shouldKeepEverythingButTheChecksumForEventsInsideAPayload() {
    FormatDescription f = FormatDescription.parse(EventBytes.mySql().formatDescription());

    FormatDescription inner = f.withoutChecksum();

    assertThat(inner.checksumLength()).isZero();
    assertThat(inner.serverVersion()).isEqualTo(f.serverVersion());
    assertThat(inner.headerLength()).isEqualTo(f.headerLength());
    assertThat(inner.postHeaderLength(EventType.WRITE_ROWS_V2, -1)).isEqualTo(10);
    assertThat(f.checksumLength()).isEqualTo(4);
    FormatDescription off =
        FormatDescription.parse(EventBytes.mySql().checksum(false).formatDescription());
    assertThat(off.withoutChecksum()).isSameAs(off);
  }

  @Test
  void shouldReadAServerVersionThatFillsAllFiftyBytes() {
    String version = "8.0.36-" + "x".repeat(43);
    byte[] fde = EventBytes.mySql().formatDescription(version);

    assertThat(FormatDescription.parse(fde).serverVersion()).isEqualTo(version);
  }

  @Test
  void shouldAgreeWithTheOracleOnVersionAndChecksum() {
    for (EventBytes eb :
        new EventBytes[] {
          EventBytes.mySql(),
          EventBytes.mySql().checksum(false),
          EventBytes.mariaDb(),
          EventBytes.mariaDb().checksum(false)
        }) {
      byte[] fde = eb.formatDescription();
      FormatDescriptionEventData oracle =
          (FormatDescriptionEventData) new OracleComparison.Oracle().next(fde).getData();
      FormatDescription f = FormatDescription.parse(fde);

      assertThat(f.serverVersion()).isEqualTo(oracle.getServerVersion());
      assertThat(f.headerLength()).isEqualTo(oracle.getHeaderLength());
      assertThat(f.checksumLength())
          .as("%s", eb)
          .isEqualTo(oracle.getChecksumType() == ChecksumType.CRC32 ? 4 : 0);
    }
  }

  @Test
  void shouldRejectAnotherBinlogVersion() {
    byte[] fde = EventBytes.mySql().formatDescription();
    fde[EventHeader.SIZE] = 3;

    assertThatThrownBy(() -> FormatDescription.parse(fde))
        .isInstanceOf(MalformedValueException.class)
        .hasMessageContaining("binlog version 3");
  }

  @Test
  void shouldRejectACommonHeaderShorterThanNineteenBytes() {
    byte[] fde = EventBytes.mySql().formatDescription();
    fde[POST_HEADERS_AT - 1] = 13;

    assertThatThrownBy(() -> FormatDescription.parse(fde))
        .isInstanceOf(MalformedValueException.class)
        .hasMessageContaining("header length 13");
  }

  @Test
  void shouldRejectAnUnknownChecksumAlgorithm() {
    byte[] fde = EventBytes.mySql().formatDescription();
    fde[fde.length - 5] = 2;

    assertThatThrownBy(() -> FormatDescription.parse(fde))
        .isInstanceOf(MalformedValueException.class)
        .hasMessageContaining("checksum algorithm 2");
  }

  @Test
  void shouldRejectAnEventCutBeforeItsHeaderLength() {
    byte[] fde = EventBytes.mySql().formatDescription();

    for (int length : new int[] {EventHeader.SIZE, EventHeader.SIZE + 1, POST_HEADERS_AT - 1}) {
      byte[] cut = Arrays.copyOf(fde, length);
      assertThatThrownBy(() -> FormatDescription.parse(cut))
          .as("cut to %d bytes", length)
          .isInstanceOf(MalformedValueException.class);
    }
  }

  @Test
  void shouldRejectACheckumAwareServerWithoutRoomForTheChecksumBlock() {
    byte[] fde = Arrays.copyOf(EventBytes.mySql().formatDescription(), POST_HEADERS_AT + 2);

    assertThatThrownBy(() -> FormatDescription.parse(fde))
        .isInstanceOf(MalformedValueException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  void shouldRejectAVersionNumberTooLargeForAnIntAsMalformed() {
    byte[] fde = EventBytes.mySql().formatDescription("99999999999.0.1-log");

    assertThatThrownBy(() -> FormatDescription.parse(fde))
        .isInstanceOf(MalformedValueException.class);
  }
}
