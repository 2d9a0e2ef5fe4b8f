package dev.hamal.binlog.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.XidEventData;
import dev.hamal.binlog.event.EventBytes.Compression;
import dev.hamal.binlog.event.EventBytes.MariaDbGtid;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ControlEventsTest {
  private static final UUID SOURCE = UUID.fromString("3e11fa47-71ca-11e1-9e33-c80aa9429562");

  private final EventBytes mysql = EventBytes.mySql();
  private final byte[] mysqlFde = mysql.formatDescription();
  private final FormatDescription mysqlFormat = FormatDescription.parse(mysqlFde);
  private final EventBytes maria = EventBytes.mariaDb().serverId(10124);
  private final byte[] mariaFde = maria.formatDescription();
  private final FormatDescription mariaFormat = FormatDescription.parse(mariaFde);

  // ROTATE ---------------------------------------------------------------------------------------

  @Test
  void shouldReadTheNextFileAndPositionOfARotateWithoutItsChecksum() {
    byte[] e = mysql.rotate("binlog.000042", 4);

    ControlEvents.Rotate r = ControlEvents.rotate(e, EventHeader.SIZE, 4);

    assertThat(r).isEqualTo(new ControlEvents.Rotate("binlog.000042", 4));
  }

  @Test
  void shouldReadTheArtificialRotateThatStartsADump() {
    byte[] e = EventBytes.mySql().checksum(false).fakeRotate("mysql-bin.000007", 1234);

    EventHeader h = EventHeader.read(e);

    assertThat(h.isArtificial()).isTrue();
    assertThat(h.nextPosition()).isZero();
    assertThat(ControlEvents.rotate(e, EventHeader.SIZE, 0))
        .isEqualTo(new ControlEvents.Rotate("mysql-bin.000007", 1234));
  }

  @Test
  void shouldRejectARotateToNowhere() {
    byte[] noName = mysql.rotate("", 4);
    byte[] beforeTheMagic = mysql.rotate("binlog.000002", 3);

    assertThatThrownBy(() -> ControlEvents.rotate(noName, EventHeader.SIZE, 4))
        .isInstanceOf(MalformedValueException.class);
    assertThatThrownBy(() -> ControlEvents.rotate(beforeTheMagic, EventHeader.SIZE, 4))
        .isInstanceOf(MalformedValueException.class);
  }

  // QUERY ----------------------------------------------------------------------------------------

  @Test
  void shouldReadStatementSchemaAndCollationsPastEveryMySqlStatusVariable() {
    byte[] e =
        mysql
            .query("CREATE TABLE t (id INT PRIMARY KEY)")
            .schema("shop")
            .threadId(4711)
            .flags2(0)
            .sqlMode(0x4000_0000L)
            .catalog("std")
            .autoIncrement(1, 1)
            .charset(33, 33, 255)
            .timeZone("SYSTEM")
            .lcTimeNames(0)
            .databaseCollation(45)
            .tableMapForUpdate(1)
            .masterDataWritten(0)
            .invoker("root", "localhost")
            .updatedDbNames("shop", "audit")
            .microseconds(123456)
            .explicitDefaultsForTimestamp(true)
            .ddlLoggedWithXid(99)
            .defaultCollationForUtf8mb4(255)
            .sqlRequirePrimaryKey(false)
            .defaultTableEncryption(false)
            .build();

    ControlEvents.Query q = ControlEvents.query(e, mysqlFormat);

    assertThat(q.threadId()).isEqualTo(4711);
    assertThat(q.errorCode()).isZero();
    assertThat(q.schema()).isEqualTo("shop");
    assertThat(q.sql()).isEqualTo("CREATE TABLE t (id INT PRIMARY KEY)");
    assertThat(q.serverCollation()).isEqualTo(255);
    assertThat(q.databaseCollation()).isEqualTo(45);
  }

  @Test
  void shouldTakeTheServerCollationFromTheThirdValueOfTheCharsetVariable() {
    byte[] e = mysql.query("BEGIN").charset(8, 33, 45).build();

    ControlEvents.Query q = ControlEvents.query(e, mysqlFormat);

    assertThat(q.serverCollation()).isEqualTo(45);
    assertThat(q.databaseCollation()).isEqualTo(-1);
  }

  @Test
  void shouldReadMariaDbStatusVariablesAroundTheCharset() {
    byte[] e =
        maria
            .query("ALTER TABLE t ADD COLUMN c INT")
            .schema("db")
            .flags2(0)
            .sqlMode(0)
            .autoIncrement(1, 1)
            .charset(33, 33, 8)
            .hrNow(999_999)
            .mariaDbXid(77)
            .databaseCollation(8)
            .build();

    ControlEvents.Query q = ControlEvents.query(e, mariaFormat);

    assertThat(q.serverCollation()).isEqualTo(8);
    assertThat(q.databaseCollation()).isEqualTo(8);
    assertThat(q.sql()).isEqualTo("ALTER TABLE t ADD COLUMN c INT");
  }

  @Test
  void shouldSkipUpdatedDbNamesThatOverflowedTheirCount() {
    byte[] e =
        mysql
            .query("DROP TABLE t")
            .statusVariable(12, new byte[] {(byte) 254})
            .charset(33, 33, 255)
            .build();

    assertThat(ControlEvents.query(e, mysqlFormat).serverCollation()).isEqualTo(255);
  }

  @Test
  void shouldStopAtAnUnknownStatusVariableWithoutLosingTheStatement() {
    byte[] e =
        mysql
            .query("COMMIT")
            .schema("s")
            .statusVariable(250, new byte[] {1, 2, 3})
            .charset(33, 33, 255)
            .build();

    ControlEvents.Query q = ControlEvents.query(e, mysqlFormat);

    assertThat(q.sql()).isEqualTo("COMMIT");
    assertThat(q.schema()).isEqualTo("s");
    assertThat(q.serverCollation()).isEqualTo(-1);
  }

  @Test
  void shouldReadAFailedStatementsErrorCode() {
    byte[] e = mysql.query("INSERT INTO t VALUES (1)").errorCode(1062).build();

    assertThat(ControlEvents.query(e, mysqlFormat).errorCode()).isEqualTo(1062);
  }

  @Test
  void shouldReadAnUtf8Statement() {
    byte[] e = maria.query("INSERT INTO t VALUES ('Grüße 😀')").schema("Straße").build();

    ControlEvents.Query q = ControlEvents.query(e, mariaFormat);

    assertThat(q.sql()).isEqualTo("INSERT INTO t VALUES ('Grüße 😀')");
    assertThat(q.schema()).isEqualTo("Straße");
  }

  @Test
  void shouldRejectAStatusBlockLongerThanTheEvent() {
    byte[] e = mysql.query("BEGIN").charset(33, 33, 255).build();
    int statusLengthAt = EventHeader.SIZE + 11;
    e[statusLengthAt] = (byte) 0xff;
    e[statusLengthAt + 1] = 0x7f;

    assertThatThrownBy(() -> ControlEvents.query(e, mysqlFormat))
        .isInstanceOf(MalformedValueException.class);
  }

  @Test
  void shouldAgreeWithTheOracleOnQueries() {
    byte[] e =
        mysql.query("UPDATE t SET a = 1").schema("shop").charset(33, 33, 255).sqlMode(1).build();

    QueryEventData oracle = (QueryEventData) new OracleComparison.Oracle().dataOfLast(mysqlFde, e);
    ControlEvents.Query q = ControlEvents.query(e, mysqlFormat);

    assertThat(q.sql()).isEqualTo(oracle.getSql());
    assertThat(q.schema()).isEqualTo(oracle.getDatabase());
    assertThat(q.threadId()).isEqualTo(oracle.getThreadId());
    assertThat(q.errorCode()).isEqualTo(oracle.getErrorCode());
  }

  // XID ------------------------------------------------------------------------------------------

  @Test
  void shouldReadTheXidAsAnEightByteNumber() {
    byte[] e = mysql.xid(0x0102_0304_0506_0708L);

    assertThat(ControlEvents.xid(e, mysqlFormat)).isEqualTo(0x0102_0304_0506_0708L);
    XidEventData oracle = (XidEventData) new OracleComparison.Oracle().dataOfLast(mysqlFde, e);
    assertThat(ControlEvents.xid(e, mysqlFormat)).isEqualTo(oracle.getXid());
  }

  @Test
  void shouldRejectAnXidCutShort() {
    byte[] e = EventBytes.mySql().checksum(false).event(EventType.XID, new byte[] {1, 2, 3});
    FormatDescription off =
        FormatDescription.parse(EventBytes.mySql().checksum(false).formatDescription());

    assertThatThrownBy(() -> ControlEvents.xid(e, off)).isInstanceOf(MalformedValueException.class);
  }

  // MySQL GTID -----------------------------------------------------------------------------------

  @Test
  void shouldTakeTheOriginalCommitTimestampWhenTheGtidCarriesBoth() {
    long immediate = 1_717_000_000_123_456L;
    long original = 1_716_999_999_000_001L;
    byte[] e =
        mysql
            .mySqlGtid(SOURCE, 23)
            .logicalClock(5, 6)
            .commitTimestamps(immediate, original)
            .transactionLength(1234)
            .serverVersions(80036, 80030)
            .build();

    ControlEvents.Gtid g = ControlEvents.mySqlGtid(e, mysqlFormat);

    assertThat(g.text()).isEqualTo("3e11fa47-71ca-11e1-9e33-c80aa9429562:23");
    assertThat(g.commitMicros()).isEqualTo(original);
    assertThat(g.standalone()).isFalse();
    assertThat(g.mariaDomain()).isEqualTo(-1);
    assertThat(g.mariaSequence()).isEqualTo(-1);
    GtidEventData oracle = (GtidEventData) new OracleComparison.Oracle().dataOfLast(mysqlFde, e);
    assertThat(g.commitMicros()).isEqualTo(oracle.getOriginalCommitTimestamp());
    assertThat(g.text()).isEqualTo(oracle.getMySqlGtid().toString());
  }

  @Test
  void shouldTakeTheImmediateCommitTimestampWhenTheOriginalIsTheSame() {
    long when = 1_700_000_000_654_321L;
    byte[] e = mysql.mySqlGtid(SOURCE, 1).commitTimestamp(when).transactionLength(300).build();

    ControlEvents.Gtid g = ControlEvents.mySqlGtid(e, mysqlFormat);

    assertThat(g.commitMicros()).isEqualTo(when);
    GtidEventData oracle = (GtidEventData) new OracleComparison.Oracle().dataOfLast(mysqlFde, e);
    assertThat(oracle.getImmediateCommitTimestamp()).isEqualTo(when);
    assertThat(oracle.getOriginalCommitTimestamp()).isEqualTo(when);
  }

  @Test
  void shouldHaveNoCommitTimestampInGtidsOfOlderLayouts() {
    byte[] noClock = mysql.mySqlGtid(SOURCE, 9).withoutLogicalClock().build();
    byte[] clockOnly = mysql.mySqlGtid(SOURCE, 9).logicalClock(1, 2).build();

    assertThat(ControlEvents.mySqlGtid(noClock, mysqlFormat).commitMicros()).isZero();
    assertThat(ControlEvents.mySqlGtid(noClock, mysqlFormat).text()).endsWith(":9");
    assertThat(ControlEvents.mySqlGtid(clockOnly, mysqlFormat).commitMicros()).isZero();
  }

  @Test
  void shouldReadTheLargestGtidNumber() {
    byte[] e = mysql.mySqlGtid(SOURCE, Long.MAX_VALUE).commitTimestamp(1).build();

    assertThat(ControlEvents.mySqlGtid(e, mysqlFormat).text()).endsWith(":" + Long.MAX_VALUE);
  }

  @Test
  void shouldReadAnAnonymousGtid() {
    byte[] e = mysql.anonymousGtid().commitTimestamp(42).build();

    ControlEvents.Gtid g = ControlEvents.mySqlGtid(e, mysqlFormat);

    assertThat(EventHeader.read(e).type()).isEqualTo(EventType.ANONYMOUS_GTID);
    assertThat(g.text()).isEqualTo("00000000-0000-0000-0000-000000000000:0");
    assertThat(g.commitMicros()).isEqualTo(42);
  }

  @Test
  void shouldRejectAGtidCutInsideItsUuid() {
    byte[] full = EventBytes.mySql().checksum(false).mySqlGtid(SOURCE, 1).build();
    byte[] cut = Arrays.copyOf(full, EventHeader.SIZE + 10);
    FormatDescription off =
        FormatDescription.parse(EventBytes.mySql().checksum(false).formatDescription());

    assertThatThrownBy(() -> ControlEvents.mySqlGtid(cut, off))
        .isInstanceOf(MalformedValueException.class);
  }

  // MariaDB GTID ---------------------------------------------------------------------------------

  @Test
  void shouldNameAMariaDbGtidByDomainServerAndSequence() {
    byte[] e = maria.mariaDbGtid(3, 9884).build();

    ControlEvents.Gtid g =
        ControlEvents.mariaDbGtid(e, mariaFormat, EventHeader.read(e).serverId());

    assertThat(g.text()).isEqualTo("3-10124-9884");
    assertThat(g.mariaDomain()).isEqualTo(3);
    assertThat(g.mariaServer()).isEqualTo(10124);
    assertThat(g.mariaSequence()).isEqualTo(9884);
    assertThat(g.standalone()).isFalse();
    assertThat(g.commitMicros()).isZero();
    MariadbGtidEventData oracle =
        (MariadbGtidEventData) new OracleComparison.Oracle().dataOfLast(mariaFde, e);
    assertThat(g.mariaSequence()).isEqualTo(oracle.getSequence());
    assertThat(g.mariaDomain()).isEqualTo(oracle.getDomainId());
  }

  @Test
  void shouldMarkAStandaloneMariaDbGtid() {
    byte[] e = maria.mariaDbGtid(0, 7).standalone().build();

    assertThat(ControlEvents.mariaDbGtid(e, mariaFormat, 1).standalone()).isTrue();
  }

  @Test
  void shouldSkipTheGroupCommitIdOfAMariaDbGtid() {
    byte[] e = maria.mariaDbGtid(1, 2).groupCommitId(0x1122_3344_5566_7788L).build();

    ControlEvents.Gtid g = ControlEvents.mariaDbGtid(e, mariaFormat, 5);

    assertThat(g.text()).isEqualTo("1-5-2");
    assertThat(g.standalone()).isFalse();
  }

  @Test
  void shouldSkipTheXidOfAMariaDbXaGtid() {
    byte[] e =
        maria
            .mariaDbGtid(0, 11)
            .xa(
                1,
                "gtrid".getBytes(StandardCharsets.UTF_8),
                "bq".getBytes(StandardCharsets.UTF_8),
                false)
            .build();

    assertThat(ControlEvents.mariaDbGtid(e, mariaFormat, 1).text()).isEqualTo("0-1-11");
  }

  @Test
  void shouldPrintTheSequenceOfAMariaDbGtidUnsigned() {
    byte[] e = maria.mariaDbGtid(4294967295L, -1L).build();

    ControlEvents.Gtid g = ControlEvents.mariaDbGtid(e, mariaFormat, 4294967295L);

    assertThat(g.text()).isEqualTo("4294967295-4294967295-18446744073709551615");
  }

  @Test
  void shouldRejectAMariaDbXaGtidWhoseXidRunsPastTheEvent() {
    byte[] e = maria.mariaDbGtid(0, 11).xa(1, new byte[64], new byte[64], true).build();
    byte[] cut = Arrays.copyOf(e, e.length - 40);
    EventBytes.putCrc(cut);

    assertThatThrownBy(() -> ControlEvents.mariaDbGtid(cut, mariaFormat, 1))
        .isInstanceOf(MalformedValueException.class);
  }

  // GTID_LIST ------------------------------------------------------------------------------------

  @Test
  void shouldReadEveryGtidOfAGtidList() {
    byte[] e =
        maria.gtidList(
            new MariaDbGtid(0, 10124, 3584), new MariaDbGtid(1, 2, 3), new MariaDbGtid(7, 1, -1));

    List<ControlEvents.Gtid> list = ControlEvents.gtidList(e, mariaFormat);

    assertThat(list)
        .extracting(ControlEvents.Gtid::text)
        .containsExactly("0-10124-3584", "1-2-3", "7-1-18446744073709551615");
    assertThat(list.get(1).mariaServer()).isEqualTo(2);
  }

  @Test
  void shouldIgnoreTheFlagBitsAboveTheGtidListCount() {
    byte[] e = maria.gtidList(new MariaDbGtid(0, 1, 2));
    e[EventHeader.SIZE + 3] |= (byte) 0x10;
    EventBytes.putCrc(e);

    assertThat(ControlEvents.gtidList(e, mariaFormat)).hasSize(1);
  }

  @Test
  void shouldReadAnEmptyGtidList() {
    assertThat(ControlEvents.gtidList(maria.gtidList(), mariaFormat)).isEmpty();
  }

  @Test
  void shouldRejectAGtidListCountingMoreGtidsThanItHolds() {
    byte[] e = maria.gtidList(new MariaDbGtid(0, 1, 2));
    e[EventHeader.SIZE] = 2;
    EventBytes.putCrc(e);

    assertThatThrownBy(() -> ControlEvents.gtidList(e, mariaFormat))
        .isInstanceOf(MalformedValueException.class);
  }

  // HEARTBEAT, INCIDENT --------------------------------------------------------------------------

  @Test
  void shouldReadTheHeartbeatsFileAndLeaveThePositionInTheHeader() {
    EventBytes eb = EventBytes.mySql().position(98765);
    byte[] e = eb.heartbeat("binlog.000003");

    EventHeader h = EventHeader.read(e);

    assertThat(ControlEvents.heartbeatFile(e, mysqlFormat)).isEqualTo("binlog.000003");
    assertThat(h.type()).isEqualTo(EventType.HEARTBEAT);
    assertThat(h.nextPosition()).isEqualTo(98765);
    assertThat(h.isArtificial()).isTrue();
    assertThat(eb.position()).isEqualTo(98765);
  }

  @Test
  void shouldDescribeAnIncidentByNumberAndMessage() {
    byte[] e = mysql.incident(1, "LOST_EVENTS");

    assertThat(ControlEvents.incident(e, mysqlFormat)).isEqualTo("incident 1: LOST_EVENTS");
  }

  @Test
  void shouldDescribeAnIncidentWithoutMessage() {
    byte[] e = mysql.event(EventType.INCIDENT, new byte[] {2, 0});

    assertThat(ControlEvents.incident(e, mysqlFormat)).isEqualTo("incident 2");
  }

  @Test
  void shouldCutAnIncidentMessageLongerThanTheEvent() {
    byte[] e = mysql.event(EventType.INCIDENT, new byte[] {1, 0, 100, 'a', 'b'});

    assertThat(ControlEvents.incident(e, mysqlFormat)).isEqualTo("incident 1: ab");
  }

  // TRANSACTION_PAYLOAD --------------------------------------------------------------------------

  private byte[][] innerTransaction(EventBytes inner) {
    EventBytes.Table t =
        EventBytes.table(77, "shop", "orders")
            .columns(
                EventBytes.Column.bigInt("id").notNull(),
                EventBytes.Column.varchar("note", 400, EventBytes.UTF8MB4))
            .fullMetadata()
            .primaryKey(0)
            .build();
    return new byte[][] {
      inner.query("BEGIN").schema("shop").charset(33, 33, 255).build(),
      inner.tableMap(t),
      inner.writeRows(t).row(1L, "first").row(2L, "zweite 😀").build(),
      inner.xid(501)
    };
  }

  @Test
  void shouldUnpackTheEventsOfAZstdCompressedPayload() {
    byte[][] inner = innerTransaction(mysql.payloadWriter());
    byte[] e = mysql.transactionPayload(Compression.ZSTD, inner);

    List<byte[]> events = ControlEvents.transactionPayload(e, mysqlFormat);

    assertThat(events).hasSize(4);
    for (int i = 0; i < inner.length; i++) {
      assertThat(events.get(i)).as("inner event %d", i).isEqualTo(inner[i]);
    }
    assertThat(ControlEvents.xid(events.get(3), mysqlFormat.withoutChecksum())).isEqualTo(501);
  }

  @Test
  void shouldUnpackTheEventsOfAnUncompressedPayload() {
    byte[][] inner = innerTransaction(mysql.payloadWriter());
    byte[] e = mysql.transactionPayload(Compression.NONE, inner);

    List<byte[]> events = ControlEvents.transactionPayload(e, mysqlFormat);

    assertThat(events).hasSize(4);
    assertThat(EventHeader.read(events.get(1)).type()).isEqualTo(EventType.TABLE_MAP);
    assertThat(ControlEvents.query(events.get(0), mysqlFormat.withoutChecksum()).sql())
        .isEqualTo("BEGIN");
  }

  @Test
  void shouldDecodeRowsInsideAPayloadWithoutChecksums() {
    byte[][] inner = innerTransaction(mysql.payloadWriter());
    byte[] e = mysql.transactionPayload(Compression.ZSTD, inner);
    FormatDescription f = mysqlFormat.withoutChecksum();

    List<byte[]> events = ControlEvents.transactionPayload(e, mysqlFormat);
    TableMap map = TableMap.parse(events.get(1), f);
    TableDecoder table = TableDecoder.create(map, java.util.Optional.empty());
    byte[] rows = events.get(2);
    DecodedRows decoded =
        RowsDecoder.decode(rows, rows.length, f, EventHeader.read(rows).type(), table);

    assertThat(decoded.rowCount()).isEqualTo(2);
    assertThat(decoded.after(1).getString(1)).isEqualTo("zweite 😀");
  }

  @Test
  void shouldAgreeWithTheOracleOnTheEventsOfAPayload() {
    byte[][] inner = innerTransaction(mysql.payloadWriter());
    byte[] e = mysql.transactionPayload(Compression.ZSTD, inner);

    com.github.shyiko.mysql.binlog.event.TransactionPayloadEventData oracle =
        (com.github.shyiko.mysql.binlog.event.TransactionPayloadEventData)
            new OracleComparison.Oracle().dataOfLast(mysqlFde, e);
    List<byte[]> events = ControlEvents.transactionPayload(e, mysqlFormat);

    assertThat(oracle.getCompressionType()).isZero();
    assertThat(oracle.getUncompressedEvents()).hasSameSizeAs(events);
    for (int i = 0; i < events.size(); i++) {
      assertThat(oracle.getUncompressedEvents().get(i).getHeader().getEventType().ordinal())
          .as("inner event %d", i)
          .isPositive();
      assertThat(
              ((com.github.shyiko.mysql.binlog.event.EventHeaderV4)
                      oracle.getUncompressedEvents().get(i).getHeader())
                  .getEventLength())
          .isEqualTo(events.get(i).length);
    }
  }

  @Test
  void shouldUnpackAnEmptyPayload() {
    byte[] e = mysql.transactionPayload(Compression.ZSTD);

    assertThat(ControlEvents.transactionPayload(e, mysqlFormat)).isEmpty();
  }

  @Test
  void shouldRejectAPayloadThatExpandsToAnotherSizeThanItsHeaderSays() {
    byte[] plain = innerTransaction(mysql.payloadWriter())[0];
    byte[] e = mysql.transactionPayloadRaw(0, plain.length + 1, EventBytes.zstd(plain));

    assertThatThrownBy(() -> ControlEvents.transactionPayload(e, mysqlFormat))
        .isInstanceOf(MalformedValueException.class);
  }

  @Test
  void shouldRejectAPayloadThatIsNotZstd() {
    byte[] e = mysql.transactionPayloadRaw(0, 100, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

    assertThatThrownBy(() -> ControlEvents.transactionPayload(e, mysqlFormat))
        .isInstanceOf(MalformedValueException.class);
  }

  @Test
  void shouldRejectAnUnknownPayloadCompression() {
    byte[] e = mysql.transactionPayloadRaw(1, 10, new byte[10]);

    assertThatThrownBy(() -> ControlEvents.transactionPayload(e, mysqlFormat))
        .isInstanceOf(MalformedValueException.class)
        .hasMessageContaining("compression type 1");
  }

  @Test
  void shouldRejectAnAbsurdUncompressedSizeBeforeAllocatingIt() {
    byte[] e = mysql.transactionPayloadRaw(0, 1L << 40, new byte[] {1, 2, 3});

    assertThatThrownBy(() -> ControlEvents.transactionPayload(e, mysqlFormat))
        .isInstanceOf(MalformedValueException.class);
  }

  @Test
  void shouldRejectAnInnerEventThatClaimsMoreBytesThanThePayloadHas() {
    byte[] inner = innerTransaction(mysql.payloadWriter())[3];
    byte[] tooLong = inner.clone();
    tooLong[9] = (byte) (inner.length + 1);
    byte[] tooShort = inner.clone();
    tooShort[9] = 5;

    for (byte[] bad : new byte[][] {tooLong, tooShort}) {
      byte[] e = mysql.transactionPayload(Compression.NONE, bad);
      assertThatThrownBy(() -> ControlEvents.transactionPayload(e, mysqlFormat))
          .isInstanceOf(MalformedValueException.class);
    }
  }
}
