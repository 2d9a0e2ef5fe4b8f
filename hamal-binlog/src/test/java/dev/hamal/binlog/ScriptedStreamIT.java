package dev.hamal.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hamal.binlog.StreamRecording.Reconnect;
import dev.hamal.binlog.event.EventBytes;
import dev.hamal.binlog.event.EventBytes.Column;
import dev.hamal.binlog.event.EventType;
import dev.hamal.binlog.event.MySqlStreamFixture;
import dev.hamal.binlog.event.MySqlStreamFixture.Event;
import dev.hamal.binlog.event.MySqlStreamFixture.OracleRow;
import dev.hamal.binlog.event.MySqlType;
import dev.hamal.binlog.event.OracleComparison;
import dev.hamal.testkit.ScriptedMySqlServer;
import dev.hamal.testkit.ScriptedMySqlServer.AuthStep;
import dev.hamal.testkit.ScriptedMySqlServer.DumpRequest;
import dev.hamal.testkit.ScriptedMySqlServer.DumpScript;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole stream ({@link BinlogStream#run} end to end: handshake, queries, registration, dump,
 * framing, decoding, delivery, reconnects) against a {@link ScriptedMySqlServer} that replays the
 * MySQL 8.0 binlog of {@link MySqlStreamFixture}: the MySQL-only paths that no server here can
 * exercise (caching_sha2_password, rows v2, GTID events and GTID dumps, binary JSON, compressed
 * transactions), and bad input arriving in the middle of a transaction. Every delivered row is
 * compared with the oracle's decoding of the same bytes.
 */
class ScriptedStreamIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String FILE = MySqlStreamFixture.FIRST_FILE;

  // ------------------------------------------------------------------------------------------
  // MySQL 8.0 wire features

  @Test
  void shouldDeliverEveryRowOfAMySql8GtidStreamAsTheOracleDecodesIt() {
    MySqlStreamFixture fixture = MySqlStreamFixture.build();
    try (ScriptedMySqlServer server =
            ScriptedMySql8.start(true, request -> ScriptedMySql8.dump(fixture, request));
        StreamRecording recording = new StreamRecording()) {
      BinlogStream stream =
          BinlogStream.builder(ScriptedMySql8.source(server).build())
              .start(StartPosition.afterGtids(MySqlStreamFixture.GTIDS_BEFORE))
              .decodeThreads(2)
              .sleeper(recording.sleeper())
              .build();
      recording.start(stream);
      recording.awaitCommits(4, WAIT);
      assertThat(recording.closeAndAwaitEnd(WAIT)).isNull();

      // caching_sha2_password, fast path, nothing sent in clear
      assertThat(server.logins()).hasSize(1);
      assertThat(server.logins().get(0).user()).isEqualTo(ScriptedMySql8.USER);
      assertThat(server.logins().get(0).clientPlugin()).isEqualTo("caching_sha2_password");
      assertThat(server.logins().get(0).steps())
          .containsExactly(AuthStep.FAST_AUTH_SUCCESS, AuthStep.ACCEPTED);
      // a replica registered and asking by GTID set, not by file
      assertThat(server.registrations()).hasSize(1);
      assertThat(server.registrations().get(0).serverId())
          .isEqualTo(ScriptedMySql8.REPLICA_SERVER_ID);
      assertThat(server.dumpRequests()).hasSize(1);
      DumpRequest dump = server.dumpRequests().get(0);
      assertThat(dump.command()).isEqualTo(ScriptedMySqlServer.COM_BINLOG_DUMP_GTID);
      assertThat(dump.gtids()).isEqualTo(MySqlStreamFixture.GTIDS_BEFORE);
      assertThat(dump.serverId()).isEqualTo(ScriptedMySql8.REPLICA_SERVER_ID);
      assertThat(server.protocolErrors()).isEmpty();

      assertRowsAsTheOracle(recording.rows, fixture.rows());
      assertThat(recording.reconnects).isEmpty();

      // GTIDs, original commit times, transaction boundaries and the executed GTID set
      String[] transactions = {"tx1", "tx2", "tx3", "tx4"};
      List<TransactionEnd> commits = recording.commits;
      assertThat(commits).hasSize(4);
      for (int n = 1; n <= 4; n++) {
        TransactionEnd end = commits.get(n - 1);
        TransactionInfo tx = end.transaction();
        String label = transactions[n - 1];
        assertThat(tx.gtid()).contains(MySqlStreamFixture.SOURCE + ":" + (10 + n));
        assertThat(tx.commitTime()).isEqualTo(micros(MySqlStreamFixture.originalCommitMicros(n)));
        assertThat(tx.begin()).isEqualTo(fixture.event(label + ".gtid").position());
        assertThat(end.gtidState()).contains(MySqlStreamFixture.SOURCE + ":1-" + (10 + n));
        assertThat(end.xid()).contains(1000L + n);
        Event last = n == 3 ? fixture.event("tx3.payload") : fixture.event(label + ".xid");
        assertThat(end.next()).isEqualTo(new BinlogPosition(last.file(), last.end()));
        for (RowChange row : recording.rows) {
          if (fixture.rowsOf(label).stream().anyMatch(o -> o.position().equals(row.position()))) {
            assertThat(row.transaction()).isEqualTo(tx);
          }
        }
      }
      // the compressed transaction's rows arrive like any others, at the payload's position,
      // numbered on across its rows events so that position and index identify every change
      List<RowChange> compressed =
          recording.rows.stream()
              .filter(r -> r.position().equals(fixture.event("tx3.payload").position()))
              .toList();
      assertThat(compressed)
          .extracting(r -> r.table().name().toString(), RowChange::operation, RowChange::rowIndex)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("shop.orders", Operation.INSERT, 0),
              org.assertj.core.groups.Tuple.tuple("shop.orders", Operation.INSERT, 1),
              org.assertj.core.groups.Tuple.tuple("shop.audit", Operation.UPDATE, 2));
      assertThat(recording.rows)
          .extracting(r -> r.position() + "#" + r.rowIndex())
          .doesNotHaveDuplicates();
      assertThat(compressed.get(1).after().orElseThrow().getString(2)).contains("\"sku\"");
    }
  }

  @Test
  void shouldEndAGtidStartedStreamAtTheSourcesEndWhenNonBlocking() {
    MySqlStreamFixture fixture = MySqlStreamFixture.build();
    try (ScriptedMySqlServer server =
            ScriptedMySql8.start(true, request -> ScriptedMySql8.dump(fixture, request));
        StreamRecording recording = new StreamRecording()) {
      BinlogStream stream =
          BinlogStream.builder(ScriptedMySql8.source(server).build())
              .start(StartPosition.afterGtids(MySqlStreamFixture.GTIDS_BEFORE))
              .nonBlocking(true)
              .sleeper(recording.sleeper())
              .build();
      recording.start(stream);

      // the server ends a dump with EOF only when asked to; a blocking one waits for new events
      await().atMost(WAIT).until(() -> !server.dumpRequests().isEmpty());
      assertThat(server.dumpRequests().get(0).command())
          .isEqualTo(ScriptedMySqlServer.COM_BINLOG_DUMP_GTID);
      assertThat(server.dumpRequests().get(0).nonBlocking())
          .as("the GTID dump request asks for the non-blocking mode")
          .isTrue();
      assertThat(recording.awaitEnd(WAIT)).isNull();
      assertRowsAsTheOracle(recording.rows, fixture.rows());
      assertThat(recording.commits).hasSize(4);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Bad input on the first connection, good bytes on the next

  /**
   * Bad bytes in the middle of {@code tx2}: after the rows of its first rows event were delivered,
   * at the event {@code at} (which they replace).
   */
  enum BadInput {
    CHECKSUM_MISMATCH("tx2.rows2", CorruptEventException.class, "checksum mismatch"),
    ARTIFICIAL_FLAG_SET("tx2.rows2", CorruptEventException.class, "checksum mismatch"),
    TRUNCATED_EVENT("tx2.rows2", CorruptEventException.class, "but its packet carries"),
    ROWS_EVENT_CUT_SHORT("tx2.rows2", CorruptEventException.class, "cannot decode rows event"),
    UNKNOWN_EVENT_TYPE(
        "tx2.rows2", UnsupportedEventException.class, "unknown event type 120 that may not be"),
    UNSUPPORTED_COLUMN_TYPE(
        "tx2.map2", UnsupportedEventException.class, "has the unsupported type code 20"),
    WRONG_SEQUENCE_ID("tx2.rows2", CorruptEventException.class, "expected sequence id");

    final String at;
    final Class<? extends BinlogException> failure;
    final String detail;

    BadInput(String at, Class<? extends BinlogException> failure, String detail) {
      this.at = at;
      this.failure = failure;
      this.detail = detail;
    }
  }

  @ParameterizedTest
  @EnumSource(BadInput.class)
  void shouldReconnectAtTheTransactionOfBadInputAndDeliverEveryRowOnce(BadInput bad) {
    MySqlStreamFixture fixture = MySqlStreamFixture.build();
    Event target = fixture.event(bad.at);
    AtomicInteger connections = new AtomicInteger();
    try (ScriptedMySqlServer server =
            ScriptedMySql8.start(
                true,
                request ->
                    connections.getAndIncrement() == 0
                        ? badScript(bad, fixture, ScriptedMySql8.events(fixture, request))
                        : ScriptedMySql8.dump(fixture, request));
        StreamRecording recording = new StreamRecording()) {
      BinlogStream stream = nonBlockingFromTheStart(server, recording).build();
      Throwable ended = recording.start(stream).awaitEnd(WAIT);

      assertThat(ended).as("how run ended").isNull();
      assertRowsAsTheOracle(recording.rows, fixture.rows());
      assertThat(recording.commits).hasSize(4);
      BinlogPosition tx2 = fixture.event("tx2.gtid").position();
      assertThat(recording.reconnects).hasSize(1);
      Reconnect reconnect = recording.reconnects.get(0);
      assertNamesServerFileAndPosition(reconnect.cause(), bad.failure, target.position());
      assertThat(reconnect.cause().detail()).contains(bad.detail);
      assertThat(reconnect.resumeAt()).isEqualTo(tx2);
      assertThat(recording.sleeps).containsExactly(Duration.ofMillis(reconnect.delayMillis()));
      assertThat(server.dumpRequests())
          .extracting(DumpRequest::command, DumpRequest::file, DumpRequest::position)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(ScriptedMySqlServer.COM_BINLOG_DUMP, FILE, 4L),
              org.assertj.core.groups.Tuple.tuple(
                  ScriptedMySqlServer.COM_BINLOG_DUMP, FILE, tx2.position()));
    }
  }

  /** The first connection's script: the good events with the bad input in place of one. */
  private static DumpScript badScript(BadInput bad, MySqlStreamFixture fixture, List<byte[]> good) {
    Event target = fixture.event(bad.at);
    int index = indexOf(good, target.bytes());
    List<byte[]> before = good.subList(0, index);
    List<byte[]> after = good.subList(index + 1, good.size());
    byte[] event = target.bytes();
    Function<byte[], DumpScript> replaced =
        replacement -> DumpScript.of(before).thenEvents(List.of(replacement)).thenEvents(after);
    return switch (bad) {
      case CHECKSUM_MISMATCH -> {
        byte[] flipped = event.clone();
        flipped[flipped.length - 9] ^= 0x10; // a byte of the last row's JSON value
        yield replaced.apply(flipped);
      }
      case ARTIFICIAL_FLAG_SET -> {
        byte[] flipped = event.clone();
        flipped[17] |= (byte) EventType.FLAG_ARTIFICIAL; // one bit of the header's flags
        yield replaced.apply(flipped);
      }
      case TRUNCATED_EVENT -> replaced.apply(Arrays.copyOf(event, event.length - 7));
      case ROWS_EVENT_CUT_SHORT -> replaced.apply(cutShort(event, target.start(), 5));
      case UNKNOWN_EVENT_TYPE ->
          replaced.apply(fixture.writerAt(bad.at).event(120, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
      case UNSUPPORTED_COLUMN_TYPE ->
          replaced.apply(
              fixture
                  .writerAt(bad.at)
                  .tableMap(
                      EventBytes.table(43, "shop", "audit")
                          .column(Column.intCol("seq").notNull())
                          .column(Column.custom("tags", MySqlType.TYPED_ARRAY, new byte[0]))
                          .primaryKey(0)
                          .fullMetadata()
                          .build()));
      case WRONG_SEQUENCE_ID -> {
        // packets of the dump count up from 1 (the request was 0); skip one
        int expected = (index + 1) & 0xFF;
        yield DumpScript.of(before)
            .thenRawBytes(ScriptedMySql8.eventPacket((expected + 1) & 0xFF, event))
            .thenSilence();
      }
    };
  }

  @Test
  void shouldFailAChecksumMismatchInTheRotateThatStartsTheDump() {
    // one damaged bit turns the file name binlog.000007 of the dump's first rotate into ...5
    MySqlStreamFixture fixture = MySqlStreamFixture.build();
    AtomicInteger connections = new AtomicInteger();
    try (ScriptedMySqlServer server =
            ScriptedMySql8.start(
                true,
                request -> {
                  List<byte[]> events = new ArrayList<>(ScriptedMySql8.events(fixture, request));
                  if (connections.getAndIncrement() == 0) {
                    byte[] rotate = events.get(0).clone();
                    rotate[rotate.length - 5] ^= 0x02;
                    events.set(0, rotate);
                  }
                  return DumpScript.of(events);
                });
        StreamRecording recording = new StreamRecording()) {
      Throwable ended =
          recording.start(nonBlockingFromTheStart(server, recording).build()).awaitEnd(WAIT);

      assertThat(ended).isNull();
      assertRowsAsTheOracle(recording.rows, fixture.rows());
      assertThat(recording.reconnects).hasSize(1);
      Reconnect reconnect = recording.reconnects.get(0);
      BinlogPosition start = new BinlogPosition(FILE, 4);
      assertNamesServerFileAndPosition(reconnect.cause(), CorruptEventException.class, start);
      assertThat(reconnect.cause().detail()).contains("checksum mismatch in ROTATE");
      assertThat(reconnect.resumeAt()).isEqualTo(start);
    }
  }

  @Test
  void shouldCarryTheGtidSetOfAGtidStartedStreamAcrossAReconnect() {
    MySqlStreamFixture fixture = MySqlStreamFixture.build();
    AtomicInteger connections = new AtomicInteger();
    try (ScriptedMySqlServer server =
            ScriptedMySql8.start(
                true,
                request ->
                    connections.getAndIncrement() == 0
                        ? badScript(
                            BadInput.CHECKSUM_MISMATCH,
                            fixture,
                            ScriptedMySql8.events(fixture, request))
                        : ScriptedMySql8.dump(fixture, request));
        StreamRecording recording = new StreamRecording()) {
      BinlogStream stream =
          BinlogStream.builder(ScriptedMySql8.source(server).build())
              .start(StartPosition.afterGtids(MySqlStreamFixture.GTIDS_BEFORE))
              .nonBlocking(true)
              .sleeper(recording.sleeper())
              .build();
      Throwable ended = recording.start(stream).awaitEnd(WAIT);

      assertThat(ended).isNull();
      assertRowsAsTheOracle(recording.rows, fixture.rows());
      assertThat(recording.reconnects).hasSize(1);
      // the reconnect resumes by file and position at tx2, and still knows the executed set
      BinlogPosition tx2 = fixture.event("tx2.gtid").position();
      assertThat(server.dumpRequests())
          .extracting(DumpRequest::command, DumpRequest::file, DumpRequest::position)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(ScriptedMySqlServer.COM_BINLOG_DUMP_GTID, "", 4L),
              org.assertj.core.groups.Tuple.tuple(
                  ScriptedMySqlServer.COM_BINLOG_DUMP, FILE, tx2.position()));
      assertThat(recording.commits)
          .extracting(TransactionEnd::gtidState)
          .containsExactly(
              Optional.of(MySqlStreamFixture.SOURCE + ":1-11"),
              Optional.of(MySqlStreamFixture.SOURCE + ":1-12"),
              Optional.of(MySqlStreamFixture.SOURCE + ":1-13"),
              Optional.of(MySqlStreamFixture.SOURCE + ":1-14"));
    }
  }

  @Test
  void shouldSkipAnUnknownEventThatMayBeIgnored() {
    MySqlStreamFixture fixture =
        MySqlStreamFixture.builder()
            .before(
                "tx2.rows2",
                w -> w.event(120, new byte[] {9, 8, 7, 6, 5}, EventType.FLAG_IGNORABLE))
            .build();
    try (ScriptedMySqlServer server =
            ScriptedMySql8.start(true, request -> ScriptedMySql8.dump(fixture, request));
        StreamRecording recording = new StreamRecording()) {
      Throwable ended =
          recording.start(nonBlockingFromTheStart(server, recording).build()).awaitEnd(WAIT);

      assertThat(ended).isNull();
      assertThat(fixture.event("extra1").type()).isEqualTo(120);
      assertRowsAsTheOracle(recording.rows, fixture.rows());
      assertThat(recording.commits).hasSize(4);
      assertThat(recording.reconnects).isEmpty();
      assertThat(server.dumpRequests()).hasSize(1);
    }
  }

  @Test
  void shouldStopAtAnIncidentWithoutReconnecting() {
    MySqlStreamFixture fixture = MySqlStreamFixture.build();
    Event tx2 = fixture.event("tx2.gtid");
    byte[] incident = fixture.writerAt("tx2.gtid").incident(1, "LOST_EVENTS on the source");
    try (ScriptedMySqlServer server =
            ScriptedMySql8.start(
                true,
                request -> {
                  List<byte[]> events = new ArrayList<>(ScriptedMySql8.events(fixture, request));
                  events.set(indexOf(events, tx2.bytes()), incident);
                  return DumpScript.of(events);
                });
        StreamRecording recording = new StreamRecording()) {
      Throwable ended =
          recording.start(nonBlockingFromTheStart(server, recording).build()).awaitEnd(WAIT);

      assertNamesServerFileAndPosition(ended, SourceIncidentException.class, tx2.position());
      assertThat(((BinlogException) ended).isRetriable()).isFalse();
      assertThat(ended.getMessage()).contains("LOST_EVENTS on the source");
      assertRowsAsTheOracle(recording.rows, fixture.rowsOf("tx1"));
      assertThat(recording.commits).hasSize(1);
      assertThat(recording.reconnects).isEmpty();
      assertThat(recording.sleeps).isEmpty();
      assertThat(server.dumpRequests()).hasSize(1);
    }
  }

  @Test
  void shouldStopWithTheRecoveryHintWhenTheResumePositionIsPurged() {
    MySqlStreamFixture fixture = MySqlStreamFixture.build();
    Event tx2 = fixture.event("tx2.gtid");
    AtomicInteger connections = new AtomicInteger();
    try (ScriptedMySqlServer server =
            ScriptedMySql8.start(
                true,
                request -> {
                  if (connections.getAndIncrement() == 0) {
                    // tx1, then the connection drops
                    List<byte[]> events = ScriptedMySql8.events(fixture, request);
                    return DumpScript.of(events.subList(0, indexOf(events, tx2.bytes())))
                        .thenDisconnect();
                  }
                  // meanwhile the file was purged
                  return DumpScript.of(List.of())
                      .thenError(
                          1236,
                          "HY000",
                          "Could not find first log file name in binary log index file");
                });
        StreamRecording recording = new StreamRecording()) {
      Throwable ended =
          recording.start(nonBlockingFromTheStart(server, recording).build()).awaitEnd(WAIT);

      assertNamesServerFileAndPosition(ended, BinlogUnavailableException.class, tx2.position());
      BinlogUnavailableException purged = (BinlogUnavailableException) ended;
      assertThat(purged.errorCode()).isEqualTo(1236);
      assertThat(purged.isRetriable()).isFalse();
      assertThat(purged.getMessage())
          .contains("Could not find first log file name in binary log index file")
          .contains("restart from a position the server still has");
      assertRowsAsTheOracle(recording.rows, fixture.rowsOf("tx1"));
      assertThat(recording.reconnects).hasSize(1);
      assertThat(recording.reconnects.get(0).cause()).isInstanceOf(BinlogConnectionException.class);
      assertThat(recording.reconnects.get(0).resumeAt()).isEqualTo(tx2.position());
      assertThat(server.dumpRequests()).hasSize(2);
      assertThat(server.dumpRequests().get(1).position()).isEqualTo(tx2.start());
    }
  }

  @Test
  void shouldGiveUpWhenTheSameCorruptEventArrivesOnEveryConnection() {
    MySqlStreamFixture fixture = MySqlStreamFixture.build();
    Event target = fixture.event("tx2.rows2");
    try (ScriptedMySqlServer server =
            ScriptedMySql8.start(
                true,
                request ->
                    badScript(
                        BadInput.CHECKSUM_MISMATCH,
                        fixture,
                        ScriptedMySql8.events(fixture, request)));
        StreamRecording recording = new StreamRecording()) {
      BinlogStream stream =
          nonBlockingFromTheStart(server, recording).maxAttemptsAtSamePosition(3).build();
      Throwable ended = recording.start(stream).awaitEnd(WAIT);

      BinlogPosition tx2 = fixture.event("tx2.gtid").position();
      assertNamesServerFileAndPosition(ended, RepeatedFailureException.class, tx2);
      assertNamesServerFileAndPosition(
          ended.getCause(), CorruptEventException.class, target.position());
      assertThat(server.dumpRequests()).hasSize(3);
      assertThat(recording.reconnects).hasSize(2);
      assertThat(recording.reconnects).allSatisfy(r -> assertThat(r.resumeAt()).isEqualTo(tx2));
      assertThat(recording.sleeps).hasSize(2);
      // tx1 and the first rows event of tx2, each once, however often tx2 was re-read
      List<OracleRow> expected = new ArrayList<>(fixture.rowsOf("tx1"));
      expected.addAll(
          fixture.rows().stream()
              .filter(r -> r.position().equals(fixture.event("tx2.rows1").position()))
              .toList());
      assertRowsAsTheOracle(recording.rows, expected);
    }
  }

  @Test
  void shouldTakeAnEventThatEndsBeforeThePreviousOneForLostFraming() {
    // the first connection repeats tx1's table map and rows event after them, as replayed packets
    MySqlStreamFixture fixture = MySqlStreamFixture.build();
    Event map = fixture.event("tx1.map");
    Event rows = fixture.event("tx1.rows");
    AtomicInteger connections = new AtomicInteger();
    try (ScriptedMySqlServer server =
            ScriptedMySql8.start(
                true,
                request -> {
                  List<byte[]> events = new ArrayList<>(ScriptedMySql8.events(fixture, request));
                  if (connections.getAndIncrement() == 0) {
                    int after = indexOf(events, rows.bytes()) + 1;
                    events.addAll(after, List.of(map.bytes().clone(), rows.bytes().clone()));
                  }
                  return DumpScript.of(events);
                });
        StreamRecording recording = new StreamRecording()) {
      Throwable ended =
          recording.start(nonBlockingFromTheStart(server, recording).build()).awaitEnd(WAIT);

      assertThat(ended).isNull();
      assertRowsAsTheOracle(recording.rows, fixture.rows());
      assertThat(recording.reconnects).hasSize(1);
      Reconnect reconnect = recording.reconnects.get(0);
      assertNamesServerFileAndPosition(
          reconnect.cause(), CorruptEventException.class, new BinlogPosition(FILE, rows.end()));
      assertThat(reconnect.cause().detail()).contains("the event framing is lost");
      assertThat(reconnect.resumeAt()).isEqualTo(fixture.event("tx1.gtid").position());
    }
  }

  @Test
  void shouldFollowEventPositionsPastFourGibibytes() {
    // a file that outgrew 4 GiB: the 32-bit end positions in the event headers wrap around
    long start = (1L << 32) - 150;
    EventBytes w = EventBytes.mySql().serverId(MySqlStreamFixture.SERVER_ID);
    byte[] fde = w.formatDescription();
    w.position(start);
    List<byte[]> tail = new ArrayList<>();
    long[] starts = new long[5];
    starts[0] = w.position();
    tail.add(w.mySqlGtid(MySqlStreamFixture.SOURCE, 11).build());
    starts[1] = w.position();
    tail.add(w.query("BEGIN").build());
    starts[2] = w.position();
    tail.add(w.tableMap(MySqlStreamFixture.ORDERS));
    starts[3] = w.position();
    tail.add(
        w.writeRows(MySqlStreamFixture.ORDERS)
            .row(MySqlStreamFixture.order(1))
            .row(MySqlStreamFixture.order(2))
            .build());
    starts[4] = w.position();
    tail.add(w.xid(77));
    long end = w.position();
    assertThat(starts[1]).as("BEGIN starts before 4 GiB").isLessThan(1L << 32);
    assertThat(starts[3]).as("the rows event starts past 4 GiB").isGreaterThan(1L << 32);
    byte[] artificialFde = fde.clone();
    Arrays.fill(artificialFde, 13, 17, (byte) 0);
    EventBytes.putCrc(artificialFde);
    try (ScriptedMySqlServer server =
            ScriptedMySql8.start(
                true,
                request -> {
                  List<byte[]> events = new ArrayList<>();
                  events.add(w.fakeRotate(FILE, start));
                  events.add(artificialFde);
                  events.addAll(tail);
                  return DumpScript.of(events);
                });
        StreamRecording recording = new StreamRecording()) {
      BinlogStream stream =
          BinlogStream.builder(ScriptedMySql8.source(server).build())
              .start(StartPosition.at(new BinlogPosition(FILE, start)))
              .nonBlocking(true)
              .sleeper(recording.sleeper())
              .build();
      Throwable ended = recording.start(stream).awaitEnd(WAIT);

      assertThat(ended).isNull();
      assertThat(recording.rows)
          .extracting(RowChange::position)
          .containsExactly(
              new BinlogPosition(FILE, starts[3]), new BinlogPosition(FILE, starts[3]));
      assertThat(recording.commits).hasSize(1);
      assertThat(recording.commits.get(0).transaction().begin())
          .isEqualTo(new BinlogPosition(FILE, starts[0]));
      assertThat(recording.commits.get(0).next()).isEqualTo(new BinlogPosition(FILE, end));
      assertThat(recording.reconnects).isEmpty();
    }
  }

  // ------------------------------------------------------------------------------------------
  // helpers

  private static BinlogStream.Builder nonBlockingFromTheStart(
      ScriptedMySqlServer server, StreamRecording recording) {
    return BinlogStream.builder(ScriptedMySql8.source(server).build())
        .start(StartPosition.at(new BinlogPosition(FILE, 4)))
        .nonBlocking(true)
        .decodeThreads(2)
        .sleeper(recording.sleeper());
  }

  private static void assertNamesServerFileAndPosition(
      Throwable failure, Class<? extends BinlogException> type, BinlogPosition at) {
    assertThat(failure).isInstanceOf(type);
    BinlogException e = (BinlogException) failure;
    assertThat(e.server()).isEqualTo(ScriptedMySql8.NAME);
    assertThat(e.position()).contains(at);
    assertThat(e.getMessage()).contains("[server " + ScriptedMySql8.NAME + ", binlog " + at + "]");
  }

  /** Asserts that the rows are the oracle's, one for one, in order, with the same values. */
  static void assertRowsAsTheOracle(List<RowChange> delivered, List<OracleRow> expected) {
    List<String> got = delivered.stream().map(ScriptedStreamIT::where).toList();
    List<String> want = expected.stream().map(ScriptedStreamIT::where).toList();
    assertThat(got).as("rows delivered (table, operation, position#index)").isEqualTo(want);
    for (int i = 0; i < expected.size(); i++) {
      RowChange row = delivered.get(i);
      OracleRow oracle = expected.get(i);
      List<OracleComparison.Mismatch> mismatches = new ArrayList<>();
      if (oracle.before() != null) {
        mismatches.addAll(
            OracleComparison.compareImage(
                row.before().orElseThrow(), oracle.beforeColumns(), oracle.before()));
      }
      if (oracle.after() != null) {
        mismatches.addAll(
            OracleComparison.compareImage(
                row.after().orElseThrow(), oracle.afterColumns(), oracle.after()));
      }
      assertThat(mismatches).as("differences from the oracle in %s", row).isEmpty();
    }
  }

  private static String where(RowChange r) {
    return r.table().name() + " " + r.operation() + " " + r.position() + "#" + r.rowIndex();
  }

  private static String where(OracleRow r) {
    return r.table() + " " + r.operation() + " " + r.position() + "#" + r.index();
  }

  /** The index of the event, by identity, in a dump's list. */
  static int indexOf(List<byte[]> events, byte[] event) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i) == event) {
        return i;
      }
    }
    throw new IllegalArgumentException("event not in the dump");
  }

  /**
   * The event without the last {@code n} bytes of its body, framed consistently: size, next
   * position and checksum fit the shorter event.
   */
  static byte[] cutShort(byte[] event, long start, int n) {
    byte[] cut = Arrays.copyOf(event, event.length - n);
    putU32(cut, 9, cut.length);
    putU32(cut, 13, start + cut.length);
    return EventBytes.putCrc(cut);
  }

  private static void putU32(byte[] b, int at, long v) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }

  private static Instant micros(long micros) {
    return Instant.EPOCH.plusNanos(micros * 1000);
  }
}
