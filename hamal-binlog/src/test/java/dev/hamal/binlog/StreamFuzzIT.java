package dev.hamal.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.hamal.binlog.event.EventBytes;
import dev.hamal.binlog.event.EventType;
import dev.hamal.binlog.event.MySqlStreamFixture;
import dev.hamal.testkit.ScriptedMySqlServer;
import dev.hamal.testkit.ScriptedMySqlServer.DumpRequest;
import dev.hamal.testkit.ScriptedMySqlServer.DumpScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Random and mutated MySQL 8.0 event streams, fed by a {@link ScriptedMySqlServer} to {@link
 * BinlogStream#run} with {@code maxAttemptsAtSamePosition(1)} and a sleeper that does not sleep.
 * Each case starts from the valid stream of {@link MySqlStreamFixture} (with and without CRC32) and
 * flips bits, replaces bytes, truncates, inserts, drops, swaps or moves events, cuts the stream, or
 * builds a random stream from its events. The first connection of a case gets the mutated stream; a
 * reconnect (after a connection failure) gets the good stream from where it asks.
 *
 * <p>Every case must:
 *
 * <ul>
 *   <li>end within {@link #CASE_LIMIT} (a case that does not is a hang), without reconnecting more
 *       than {@link #RECONNECT_LIMIT} times (the bytes of one connection are all there is);
 *   <li>end normally or with a {@link BinlogException} (anything else, an {@code Error} such as
 *       {@code OutOfMemoryError} included, is a finding); a runtime exception of the reader
 *       reported as a connection failure ("reader failed") is a finding too, since a corrupt binlog
 *       would then be retried for ever;
 *   <li>deliver, first, every row of the events before the first changed one, exactly as in the
 *       valid stream;
 *   <li>for mutations the reader can recognise (structural ones that keep each event's bytes, and
 *       bit flips under CRC32): deliver only rows of the valid stream, in its order, each at most
 *       once (same table, operation, position, index and values) — no invented rows. Mutations that
 *       produce checksum-valid garbage (bytes replaced or events cut with the checksum recomputed,
 *       random events, anything without CRC32), copies or moves of rotate and format description
 *       events, and events moved past the rotate into the next file (where they look like events
 *       after a gap, which servers leave for events they do not send) can change values or
 *       positions no reader could tell from real ones, so only the rows before the damage are
 *       checked;
 *   <li>a single flip under CRC32 must stop the stream: every event is checksummed (except when the
 *       flip hits the format description's checksum-algorithm byte, after which the file no longer
 *       claims checksums);
 *   <li>after a cut connection, the reconnect with good bytes must deliver exactly the valid
 *       stream's rows.
 * </ul>
 *
 * <p>Cases come from a fixed seed; each case's own random source is derived from its number, so a
 * failing case can be rerun alone with {@code -Dstreamfuzz.case=N} (passed to the forked test JVM,
 * e.g. {@code -DargLine=-Dstreamfuzz.case=N}). The heap is the test JVM's; an {@code
 * OutOfMemoryError} in a case fails it like any other error.
 */
class StreamFuzzIT {
  private static final long SEED = 0x5EED_2026_0B1AL;
  private static final int CASES_PER_STREAM = 4000;
  private static final Duration CASE_LIMIT = Duration.ofSeconds(5);
  private static final int RECONNECT_LIMIT = 10;
  private static final String ONLY_CASE = System.getProperty("streamfuzz.case");

  private static ExecutorService runners;
  private static Level logLevel;

  @BeforeAll
  static void quietLogs() {
    ch.qos.logback.classic.Logger hamal =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.hamal");
    logLevel = hamal.getLevel();
    hamal.setLevel(Level.ERROR); // thousands of expected reconnect and framing warnings
    runners =
        Executors.newCachedThreadPool(r -> {
          Thread t = new Thread(r, "stream-fuzz-case");
          t.setDaemon(true);
          return t;
        });
  }

  @AfterAll
  static void restoreLogs() {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.hamal")).setLevel(logLevel);
    runners.shutdownNow();
  }

  @ParameterizedTest(name = "CRC32 {0}")
  @ValueSource(booleans = {true, false})
  void shouldEndEveryMutatedStreamWithoutHangingOrInventingRows(boolean checksum)
      throws InterruptedException {
    MySqlStreamFixture fixture = MySqlStreamFixture.builder().checksum(checksum).build();
    List<byte[]> valid = fixture.dumpAll();
    Harness harness = new Harness(fixture, valid);
    try (ScriptedMySqlServer server = ScriptedMySql8.start(checksum, harness::dump)) {
      harness.source = ScriptedMySql8.source(server).build();

      // the valid stream itself: every row of the fixture, normally ended
      Result baseline = harness.run(new Case(-1, "valid", valid, true, false, false, false));
      assertThat(baseline.ended).isNull();
      assertThat(baseline.rows).hasSize(fixture.rows().size());
      harness.baseline = baseline.rows;
      harness.rowsBeforeEvent = rowsBeforeEvent(fixture, valid, baseline.rows);
      Map<byte[], String> fileOf = new IdentityHashMap<>();
      fileOf.put(valid.get(0), MySqlStreamFixture.FIRST_FILE);
      for (MySqlStreamFixture.Event e : fixture.events()) {
        fileOf.put(e.bytes(), e.file());
      }

      long started = System.nanoTime();
      Map<String, Integer> outcomes = new TreeMap<>();
      Map<String, Integer> kinds = new TreeMap<>();
      int strict = 0;
      int mustFail = 0;
      List<String> findings = new ArrayList<>();
      for (int n = 0; n < CASES_PER_STREAM; n++) {
        if (ONLY_CASE != null && n != Integer.parseInt(ONLY_CASE)) {
          continue;
        }
        Random random = new Random(SEED ^ (n * 0x9E3779B97F4A7C15L));
        Case c = Mutator.mutate(n, random, valid, fileOf, checksum);
        kinds.merge(c.kind.replaceAll("[ (].*", ""), 1, Integer::sum);
        strict += c.strict ? 1 : 0;
        mustFail += c.mustFail ? 1 : 0;
        Result r = harness.run(c);
        outcomes.merge(r.outcome(), 1, Integer::sum);
        for (String problem : harness.check(c, r)) {
          findings.add("case " + n + " [" + c.kind + "]: " + problem);
        }
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      System.out.printf(
          "StreamFuzzIT (CRC32 %s): %d cases in %d ms (%d with every row checked, %d that must"
              + " fail)%n  mutations %s%n  outcomes %s%n",
          checksum, CASES_PER_STREAM, millis, strict, mustFail, kinds, outcomes);
      if (!findings.isEmpty()) {
        throw new AssertionError(
            findings.size()
                + " findings (rerun one with -Dstreamfuzz.case=N), the first 40:\n  "
                + String.join("\n  ", findings.subList(0, Math.min(40, findings.size()))));
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Cases

  /**
   * One mutated stream.
   *
   * @param events what the first connection gets
   * @param strict whether every delivered row must be a row of the valid stream, in order
   * @param disconnect whether the first connection ends by closing instead of EOF
   * @param complete whether the case must end normally with exactly the valid stream's rows
   * @param mustFail whether the stream must not end normally (a single flip under CRC32)
   */
  record Case(
      int number,
      String kind,
      List<byte[]> events,
      boolean strict,
      boolean disconnect,
      boolean complete,
      boolean mustFail) {}

  /** How a case ended. */
  static final class Result {
    final List<String> rows = Collections.synchronizedList(new ArrayList<>());
    final List<BinlogException> reconnects = Collections.synchronizedList(new ArrayList<>());
    final List<String> unreadable = Collections.synchronizedList(new ArrayList<>());
    Throwable ended;
    boolean hung;

    String outcome() {
      if (hung) {
        return "hang";
      }
      if (ended == null) {
        return reconnects.isEmpty() ? "normal end" : "normal end after reconnect";
      }
      String name = ended.getClass().getSimpleName();
      return ended.getCause() instanceof BinlogException cause
          ? name + "(" + cause.getClass().getSimpleName() + ")"
          : name;
    }
  }

  /** Serves the cases and checks their results. */
  static final class Harness {
    final MySqlStreamFixture fixture;
    final List<byte[]> valid;
    BinlogSource source;
    List<String> baseline;
    int[] rowsBeforeEvent;
    private volatile Case current;
    private final AtomicInteger connections = new AtomicInteger();

    Harness(MySqlStreamFixture fixture, List<byte[]> valid) {
      this.fixture = fixture;
      this.valid = valid;
    }

    DumpScript dump(DumpRequest request) {
      Case c = current;
      if (connections.getAndIncrement() == 0) {
        DumpScript script = DumpScript.of(c.events);
        return c.disconnect ? script.thenDisconnect() : script;
      }
      return ScriptedMySql8.dump(fixture, request);
    }

    Result run(Case c) throws InterruptedException {
      current = c;
      connections.set(0);
      Result result = new Result();
      BinlogStream[] holder = new BinlogStream[1];
      ChangeHandler handler =
          new ChangeHandler() {
            @Override
            public void onRow(RowChange change) {
              try {
                result.rows.add(identity(change));
              } catch (RuntimeException e) {
                result.rows.add("unreadable " + change.position() + "#" + change.rowIndex());
                result.unreadable.add(change.position() + "#" + change.rowIndex() + ": " + e);
              }
            }

            @Override
            public void onReconnect(BinlogException cause, BinlogPosition resumeAt, long delay) {
              result.reconnects.add(cause);
              if (result.reconnects.size() > RECONNECT_LIMIT) {
                holder[0].close();
              }
            }
          };
      BinlogStream stream =
          BinlogStream.builder(source)
              .start(StartPosition.at(new BinlogPosition(MySqlStreamFixture.FIRST_FILE, 4)))
              .nonBlocking(true)
              .maxAttemptsAtSamePosition(1)
              .reconnectInitialDelay(Duration.ofMillis(1))
              .reconnectMaxDelay(Duration.ofMillis(1))
              .sleeper(d -> {})
              .decodeThreads(1)
              .build();
      holder[0] = stream;
      Future<Throwable> run =
          runners.submit(() -> {
            try {
              stream.run(handler);
              return null;
            } catch (Throwable t) {
              return t;
            }
          });
      try {
        result.ended = run.get(CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        result.hung = true;
        stream.close();
        try {
          run.get(5, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException stillStuck) {
          // reported as a hang either way
        }
      } catch (ExecutionException e) {
        result.ended = e.getCause();
      }
      return result;
    }

    /** The problems with a case's result; empty when it behaved. */
    List<String> check(Case c, Result r) {
      List<String> problems = new ArrayList<>();
      if (r.hung) {
        problems.add(
            "run did not end within " + CASE_LIMIT + " (rows so far " + r.rows.size() + ")");
        return problems;
      }
      if (r.ended != null && !(r.ended instanceof BinlogException)) {
        problems.add("run ended with " + describe(r.ended));
      }
      if (r.reconnects.size() > RECONNECT_LIMIT) {
        problems.add(
            "reconnected more than "
                + RECONNECT_LIMIT
                + " times; last cause: "
                + r.reconnects.get(r.reconnects.size() - 1).getMessage());
      }
      for (BinlogException cause : r.reconnects) {
        if (cause instanceof BinlogConnectionException
            && cause.detail().startsWith("reader failed")) {
          problems.add("a reader exception was taken for a connection failure: " + describe(cause));
          break;
        }
      }
      if (!r.unreadable.isEmpty()) {
        problems.add("rows delivered whose values cannot be read: " + r.unreadable);
      }
      int first = firstChanged(c.events);
      int intact = rowsBeforeEvent[first];
      if (r.rows.size() < intact
          || !r.rows.subList(0, intact).equals(baseline.subList(0, intact))) {
        problems.add(
            "the "
                + intact
                + " rows before the first changed event (#"
                + first
                + ") were not delivered as they are; got "
                + brief(r.rows));
      }
      if (c.strict && !isSubsequence(r.rows, baseline)) {
        problems.add("rows that are not the valid stream's, in its order: " + brief(r.rows));
      }
      if (c.mustFail && r.ended == null) {
        problems.add("a flipped bit under CRC32 went unnoticed; rows " + brief(r.rows));
      }
      if (c.complete && (r.ended != null || !r.rows.equals(baseline))) {
        problems.add(
            "after the reconnect the valid stream was not delivered exactly once: ended "
                + describe(r.ended)
                + ", rows "
                + brief(r.rows));
      }
      return problems;
    }

    /**
     * The rows by table, operation, position and index; a row whose values differ from the valid
     * stream's row at that place is marked {@code (values differ)}, a row at a place the valid
     * stream has none {@code (invented)}.
     */
    private String brief(List<String> rows) {
      List<String> out = new ArrayList<>();
      synchronized (rows) {
        for (String row : rows) {
          String where = row.replaceAll(" (before|after)\\{.*", "");
          String mark = "";
          if (!baseline.contains(row)) {
            mark =
                baseline.stream().anyMatch(b -> b.startsWith(where + " "))
                    ? " (values differ)"
                    : " (invented)";
          }
          out.add(where + mark);
        }
      }
      return out.toString();
    }

    /** The index of the first event of the case that is not the valid stream's. */
    private int firstChanged(List<byte[]> events) {
      int n = Math.min(events.size(), valid.size());
      for (int i = 0; i < n; i++) {
        if (events.get(i) != valid.get(i)) {
          return i;
        }
      }
      return n;
    }
  }

  /** For each index of the valid dump, how many rows the events before it hold. */
  private static int[] rowsBeforeEvent(
      MySqlStreamFixture fixture, List<byte[]> valid, List<String> rows) {
    int[] counts = new int[valid.size() + 1];
    for (int i = 1; i <= valid.size(); i++) {
      byte[] event = valid.get(i - 1);
      long rowsInEvent = 0;
      for (MySqlStreamFixture.Event e : fixture.events()) {
        if (e.bytes() == event) {
          String at = " " + e.position() + "#";
          rowsInEvent = rows.stream().filter(r -> r.contains(at)).count();
        }
      }
      counts[i] = counts[i - 1] + (int) rowsInEvent;
    }
    return counts;
  }

  private static boolean isSubsequence(List<String> got, List<String> of) {
    int j = 0;
    synchronized (got) {
      for (String row : got) {
        while (j < of.size() && !of.get(j).equals(row)) {
          j++;
        }
        if (j == of.size()) {
          return false;
        }
        j++;
      }
    }
    return true;
  }

  /** Table, operation, position, index and every value of a row. */
  static String identity(RowChange r) {
    StringBuilder b = new StringBuilder();
    b.append(r.table().name()).append(' ').append(r.operation()).append(' ');
    b.append(r.position()).append('#').append(r.rowIndex());
    r.before().ifPresent(image -> appendImage(b.append(" before"), image));
    r.after().ifPresent(image -> appendImage(b.append(" after"), image));
    return b.toString();
  }

  private static void appendImage(StringBuilder b, RowImage image) {
    b.append('{');
    for (int c = 0; c < image.columnCount(); c++) {
      b.append(c == 0 ? "" : ", ").append(image.table().columnName(c)).append('=');
      if (!image.isPresent(c)) {
        b.append("<absent>");
      } else if (image.isNull(c)) {
        b.append("NULL");
      } else {
        b.append(image.getText(c));
      }
    }
    b.append('}');
  }

  private static String describe(Throwable t) {
    if (t == null) {
      return "normally";
    }
    StringBuilder b = new StringBuilder(t.toString());
    for (Throwable cause = t.getCause(); cause != null; cause = cause.getCause()) {
      b.append(" <- ").append(cause);
    }
    StackTraceElement[] trace = (t.getCause() != null ? rootCause(t) : t).getStackTrace();
    for (int i = 0; i < Math.min(4, trace.length); i++) {
      b.append("\n      at ").append(trace[i]);
    }
    return b.toString();
  }

  private static Throwable rootCause(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root;
  }

  // ------------------------------------------------------------------------------------------
  // Mutations

  /** Builds a case from the valid dump; every choice comes from the case's random source. */
  static final class Mutator {
    private final Random random;
    private final List<byte[]> valid;
    private final boolean checksum;
    private final List<byte[]> events;
    private final List<String> steps = new ArrayList<>();
    private boolean strict = true;
    private boolean checksumBroken; // a flip that the event's CRC32 must reveal

    private Mutator(Random random, List<byte[]> valid, boolean checksum) {
      this.random = random;
      this.valid = valid;
      this.checksum = checksum;
      this.events = new ArrayList<>(valid);
    }

    static Case mutate(
        int number,
        Random random,
        List<byte[]> valid,
        Map<byte[], String> fileOf,
        boolean checksum) {
      Mutator m = new Mutator(random, valid, checksum);
      int choice = random.nextInt(100);
      boolean disconnect = false;
      boolean complete = false;
      if (choice < 6) {
        m.cutStream();
      } else if (choice < 12) {
        m.cutStream();
        disconnect = true;
        complete = true;
      } else if (choice < 18) {
        m.randomStream();
      } else if (choice < 30) {
        int n = 2 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
          m.one();
        }
      } else {
        m.one();
      }
      m.strict &= m.eventsStayInTheirFiles(fileOf);
      String kind = String.join(" + ", m.steps);
      boolean mustFail = m.steps.size() == 1 && m.checksumBroken;
      return new Case(
          number, kind, List.copyOf(m.events), m.strict, disconnect, complete, mustFail);
    }

    private void one() {
      switch (random.nextInt(9)) {
        case 0, 1 -> flip();
        case 2 -> replace();
        case 3 -> truncateEvent();
        case 4 -> cutShort();
        case 5 -> insert();
        case 6 -> drop();
        case 7 -> swap();
        default -> move();
      }
    }

    /** 1 to 4 bits of one event, the checksum left as it was. */
    private void flip() {
      int i = random.nextInt(events.size());
      byte[] original = events.get(i);
      byte[] e = original.clone();
      int bits = 1 + random.nextInt(4);
      StringBuilder where = new StringBuilder();
      boolean algorithmByte = false;
      for (int b = 0; b < bits; b++) {
        int at = random.nextInt(e.length);
        e[at] ^= (byte) (1 << random.nextInt(8));
        where.append(b == 0 ? "" : ",").append(at);
        // a format description that no longer says CRC32 is not checked against its checksum
        algorithmByte |= (e[4] & 0xFF) == EventType.FORMAT_DESCRIPTION && at == e.length - 5;
      }
      events.set(i, e);
      steps.add("flip(" + name(i, e) + " @" + where + ")");
      if (!checksum) {
        strict = false; // nothing can tell
      } else {
        checksumBroken = !Arrays.equals(e, original) && !algorithmByte;
      }
    }

    /** 1 to 16 bytes of one event replaced by random ones, the checksum recomputed. */
    private void replace() {
      int i = random.nextInt(events.size());
      byte[] e = events.get(i).clone();
      int length = 1 + random.nextInt(16);
      int at = random.nextInt(e.length);
      for (int k = at; k < Math.min(e.length, at + length); k++) {
        e[k] = (byte) random.nextInt(256);
      }
      events.set(i, recrc(e));
      steps.add("replace(" + name(i, e) + " @" + at + "+" + length + ")");
      strict = false;
    }

    /** One event cut short, its header left claiming the full size. */
    private void truncateEvent() {
      int i = random.nextInt(events.size());
      byte[] e = events.get(i);
      byte[] cut = Arrays.copyOf(e, random.nextInt(e.length));
      events.set(i, cut);
      steps.add("truncate(" + name(i, e) + " to " + cut.length + ")");
    }

    /** One event's body cut short, its size, next position and checksum made to fit. */
    private void cutShort() {
      int i = random.nextInt(events.size());
      byte[] e = events.get(i);
      int tail = checksum ? 4 : 0;
      int body = e.length - 19 - tail;
      if (body < 1) {
        truncateEvent();
        return;
      }
      int remove = 1 + random.nextInt(body);
      byte[] cut = new byte[e.length - remove];
      System.arraycopy(e, 0, cut, 0, e.length - tail - remove);
      putU32(cut, 9, cut.length);
      long end = u32(e, 13);
      if (end != 0) {
        putU32(cut, 13, end - remove);
      }
      events.set(i, recrc(cut));
      steps.add("cutShort(" + name(i, e) + " by " + remove + ")");
      strict = false;
    }

    /** A copy of an event, or a random event, inserted somewhere. */
    private void insert() {
      int at = random.nextInt(events.size() + 1);
      byte[] e;
      if (random.nextBoolean()) {
        int from = random.nextInt(valid.size());
        e = valid.get(from);
        steps.add("insert(copy of " + name(from, e) + " at " + at + ")");
        if (isFramingEvent(from, e)) {
          strict = false; // a copied rotate or format description moves every later position
        }
      } else {
        e = randomEvent();
        steps.add("insert(random " + EventType.name(e[4] & 0xFF) + " at " + at + ")");
        strict = false;
      }
      events.add(at, e);
    }

    private void drop() {
      int n = 1 + random.nextInt(3);
      StringBuilder which = new StringBuilder();
      for (int k = 0; k < n && !events.isEmpty(); k++) {
        int i = random.nextInt(events.size());
        which.append(k == 0 ? "" : ",").append(name(i, events.get(i)));
        events.remove(i);
      }
      steps.add("drop(" + which + ")");
    }

    private void swap() {
      int i = random.nextInt(events.size());
      int j = random.nextInt(events.size());
      byte[] a = events.get(i);
      byte[] b = events.get(j);
      events.set(i, b);
      events.set(j, a);
      steps.add("swap(" + name(i, a) + "," + name(j, b) + ")");
      if (isFramingEvent(i, a) || isFramingEvent(j, b)) {
        strict = false;
      }
    }

    private void move() {
      int i = random.nextInt(events.size());
      byte[] e = events.remove(i);
      int to = random.nextInt(events.size() + 1);
      events.add(to, e);
      steps.add("move(" + name(i, e) + " to " + to + ")");
      if (isFramingEvent(i, e)) {
        strict = false;
      }
    }

    /** The stream ends early (EOF or, for the caller, a dropped connection). */
    private void cutStream() {
      int keep = random.nextInt(events.size());
      events.subList(keep, events.size()).clear();
      steps.add("cutStream(after " + keep + " events)");
    }

    /** The first rotate and format description, then events of the valid stream at random. */
    private void randomStream() {
      List<byte[]> picked = new ArrayList<>(events.subList(0, 2));
      int n = random.nextInt(3 * valid.size());
      for (int k = 0; k < n; k++) {
        int from = random.nextInt(valid.size());
        byte[] e = valid.get(from);
        picked.add(e);
        if (isFramingEvent(from, e)) {
          strict = false;
        }
      }
      events.clear();
      events.addAll(picked);
      steps.add("randomStream(" + n + " events)");
    }

    /** An event of a random type with a random body, framed and checksummed correctly. */
    private byte[] randomEvent() {
      int type =
          random.nextBoolean()
              ? random.nextInt(256)
              : KNOWN_TYPES[random.nextInt(KNOWN_TYPES.length)];
      byte[] body = new byte[random.nextInt(80)];
      random.nextBytes(body);
      int size = 19 + body.length + (checksum ? 4 : 0);
      byte[] e = new byte[size];
      putU32(e, 0, 1_700_000_000L);
      e[4] = (byte) type;
      putU32(e, 5, MySqlStreamFixture.SERVER_ID);
      putU32(e, 9, size);
      putU32(e, 13, random.nextBoolean() ? 0 : random.nextInt(4000));
      e[17] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : 0);
      System.arraycopy(body, 0, e, 19, body.length);
      return recrc(e);
    }

    private static final int[] KNOWN_TYPES = {
      EventType.QUERY,
      EventType.ROTATE,
      EventType.FORMAT_DESCRIPTION,
      EventType.XID,
      EventType.TABLE_MAP,
      EventType.WRITE_ROWS_V2,
      EventType.UPDATE_ROWS_V2,
      EventType.DELETE_ROWS_V2,
      EventType.GTID,
      EventType.HEARTBEAT,
      EventType.INCIDENT,
      EventType.TRANSACTION_PAYLOAD,
      EventType.PREVIOUS_GTIDS
    };

    /**
     * Whether every event of the valid stream is still in its own binlog file. An event moved or
     * copied past the ROTATE into the next file looks there like an event after a gap (events the
     * server does not send leave gaps), so its rows arrive at a position of the wrong file: no
     * reader can tell.
     */
    private boolean eventsStayInTheirFiles(Map<byte[], String> fileOf) {
      String file = MySqlStreamFixture.FIRST_FILE;
      for (byte[] e : events) {
        String own = fileOf.get(e);
        if (own != null && !own.equals(file)) {
          return false;
        }
        if (own != null && (e[4] & 0xFF) == EventType.ROTATE && e != valid.get(0)) {
          file = MySqlStreamFixture.SECOND_FILE;
        }
      }
      return true;
    }

    /** Whether moving or copying this event moves the positions of the events after it. */
    private boolean isFramingEvent(int index, byte[] e) {
      int type = e.length > 4 ? e[4] & 0xFF : -1;
      return (index == 0 && e == valid.get(0))
          || type == EventType.ROTATE
          || type == EventType.FORMAT_DESCRIPTION;
    }

    private byte[] recrc(byte[] e) {
      return checksum && e.length >= 23 ? EventBytes.putCrc(e) : e;
    }

    private static String name(int index, byte[] e) {
      return "#" + index + " " + (e.length > 4 ? EventType.name(e[4] & 0xFF) : "?");
    }
  }

  private static long u32(byte[] b, int at) {
    return (b[at] & 0xFFL)
        | (b[at + 1] & 0xFFL) << 8
        | (b[at + 2] & 0xFFL) << 16
        | (b[at + 3] & 0xFFL) << 24;
  }

  private static void putU32(byte[] b, int at, long v) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }
}
