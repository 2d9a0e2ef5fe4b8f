package dev.hamal.bench;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.network.SSLMode;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The baseline of {@code hamal bench listener}: {@code mysql-binlog-connector-java} reading the
 * same binlog range as {@code hamal catchup}, decoding every row with its default deserializers and
 * touching every value once, printing the same {@code RESULT ...} line. Arguments: {@code HOST PORT
 * USER PASSWORD_ENV FROM_FILE FROM_POS TO_FILE TO_POS}.
 *
 * <p>Positions are tracked the way Hamal's reader does (previous position plus event size), because
 * MariaDB 11.4 writes no end positions inside transactions.
 */
public final class OracleCatchup {
  private OracleCatchup() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 8) {
      System.err.println(
          "usage: OracleCatchup HOST PORT USER PASSWORD_ENV FROM_FILE FROM_POS TO_FILE TO_POS");
      System.exit(2);
    }
    String password = System.getenv(args[3]);
    if (password == null) {
      password = "";
    }
    BinaryLogClient client =
        new BinaryLogClient(args[0], Integer.parseInt(args[1]), args[2], password);
    client.setServerId(6612);
    client.setBinlogFilename(args[4]);
    client.setBinlogPosition(Long.parseLong(args[5]));
    client.setKeepAlive(false);
    client.setSSLMode(SSLMode.DISABLED);
    Reader reader = new Reader(args[4], Long.parseLong(args[5]), args[6], Long.parseLong(args[7]));
    client.registerEventListener(reader);
    long started = System.nanoTime();
    Thread runner =
        new Thread(
            () -> {
              try {
                client.connect();
              } catch (IOException e) {
                reader.failure = e;
                reader.done.countDown();
              }
            },
            "oracle-client");
    runner.start();
    reader.done.await();
    double seconds = (System.nanoTime() - started) / 1e9;
    client.disconnect();
    runner.join(TimeUnit.SECONDS.toMillis(10));
    if (reader.failure != null) {
      throw reader.failure;
    }
    System.out.printf("DIGEST %016x%n", reader.digest);
    System.out.printf(
        "RESULT rows=%d inserts=%d updates=%d deletes=%d seconds=%.3f%n",
        reader.inserts + reader.updates + reader.deletes,
        reader.inserts,
        reader.updates,
        reader.deletes,
        seconds);
  }

  private static final class Reader implements BinaryLogClient.EventListener {
    final CountDownLatch done = new CountDownLatch(1);
    private final String stopFile;
    private final long stopPosition;
    private String file;
    private long position;
    long inserts;
    long updates;
    long deletes;
    long digest;
    volatile Exception failure;
    private boolean finished;

    Reader(String file, long position, String stopFile, long stopPosition) {
      this.file = file;
      this.position = position;
      this.stopFile = stopFile;
      this.stopPosition = stopPosition;
    }

    @Override
    public void onEvent(Event event) {
      if (finished) {
        return;
      }
      EventHeaderV4 header = event.getHeader();
      EventType type = header.getEventType();
      if (type == EventType.ROTATE) {
        RotateEventData rotate = event.getData();
        if (header.getTimestamp() != 0 && reached(position)) {
          finish();
          return;
        }
        file = rotate.getBinlogFilename();
        position = rotate.getBinlogPosition();
        return;
      }
      if (type == EventType.FORMAT_DESCRIPTION) {
        if (header.getNextPosition() != 0) {
          position += header.getEventLength();
        }
        return;
      }
      if (type == EventType.HEARTBEAT) {
        return;
      }
      if (reached(position)) {
        finish();
        return;
      }
      position += header.getEventLength();
      if (EventType.isWrite(type)) {
        List<Serializable[]> rows = ((WriteRowsEventData) event.getData()).getRows();
        inserts += rows.size();
        rows.forEach(this::visit);
      } else if (EventType.isUpdate(type)) {
        List<Map.Entry<Serializable[], Serializable[]>> rows =
            ((UpdateRowsEventData) event.getData()).getRows();
        updates += rows.size();
        for (Map.Entry<Serializable[], Serializable[]> row : rows) {
          visit(row.getKey());
          visit(row.getValue());
        }
      } else if (EventType.isDelete(type)) {
        List<Serializable[]> rows = ((DeleteRowsEventData) event.getData()).getRows();
        deletes += rows.size();
        rows.forEach(this::visit);
      }
      if (reached(position)) {
        finish(); // the range is read; do not wait for an event after it
      }
    }

    private void visit(Serializable[] row) {
      long h = digest;
      for (Serializable value : row) {
        h = h * 31 + touch(value);
      }
      digest = h;
    }

    /** Reads a value once, as cheaply as Hamal's catch-up reads its typed values. */
    private static long touch(Serializable value) {
      return switch (value) {
        case null -> 0;
        case byte[] b -> b.length;
        case String s -> s.length();
        case Number n -> n.longValue();
        default -> value.getClass().hashCode();
      };
    }

    private boolean reached(long at) {
      int byFile = compareFiles(file, stopFile);
      return byFile > 0 || (byFile == 0 && at >= stopPosition);
    }

    private void finish() {
      finished = true;
      done.countDown();
    }
  }

  static int compareFiles(String a, String b) {
    int dotA = a.lastIndexOf('.');
    int dotB = b.lastIndexOf('.');
    String extA = a.substring(dotA + 1);
    String extB = b.substring(dotB + 1);
    if (extA.length() != extB.length()) {
      return Integer.compare(extA.length(), extB.length());
    }
    return extA.compareTo(extB);
  }
}
