package dev.hamal.store;

import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChangeCodec;
import dev.hamal.order.OrderChangeRecord;
import dev.hamal.order.OrderStatus;
import dev.hamal.order.OrderVersion;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.UnifiedOrder;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The {@code order_changes} table's columns and the SQL that writes, reads and purges them: one row
 * per distinct change of an order, unique by {@code (order_id, version)} (the primary key {@code
 * change_id} is a sequence the server assigns).
 *
 * <p>The insert is {@code INSERT ... VALUES (...), (...) ON DUPLICATE KEY UPDATE order_id =
 * order_id}: a change recorded before (a redelivery, a replay) is left as it is and counts 0
 * affected rows (the writer leaves out the changes it read as recorded already, so this guards only
 * against a concurrent writer). Not {@code INSERT IGNORE}, which would also turn a value that does
 * not fit into a warning and a silently cut value; with the strict session mode such a row fails,
 * as in {@code orders}. {@code applied_at} is the server's {@code UTC_TIMESTAMP(6)}, as {@code
 * orders.stored_at}.
 *
 * <p>Stateless apart from the codec; thread-safe.
 */
final class OrderChangeRows {
  /** Every written column, in statement order. */
  static final String COLUMNS =
      "order_id, version, business_line, binlog_file, operation, status, total_amount, currency,"
          + " commit_time, commit_nanos, applied_at, doc";

  /** The columns {@link #read} reads, in its order: all of them. */
  static final String READ_COLUMNS = COLUMNS;

  /** One row's values: a placeholder per column but {@code applied_at}, the server's clock. */
  private static final String ROW = "(?,?,?,?,?,?,?,?,?,?,UTC_TIMESTAMP(6),?)";

  private static final String INSERT_PREFIX = "INSERT INTO order_changes (" + COLUMNS + ") VALUES ";
  private static final String INSERT_SUFFIX = " ON DUPLICATE KEY UPDATE order_id = order_id";

  /** An order's changes, newest first: a backward range on the {@code (order_id, version)} key. */
  static final String HISTORY_SQL =
      "SELECT "
          + READ_COLUMNS
          + " FROM order_changes WHERE order_id = ? ORDER BY version DESC LIMIT ?";

  /** One purge statement: at most {@code ?} rows that committed before {@code ?}. */
  static final String PURGE_SQL = "DELETE FROM order_changes WHERE commit_time < ? LIMIT ?";

  private final OrderChangeCodec codec;

  OrderChangeRows(OrderChangeCodec codec) {
    this.codec = codec;
  }

  /**
   * One change to record, encoded once.
   *
   * @param write the write whose change it is
   * @param doc the order after the change as {@link OrderChangeCodec#encodeOrder} writes it; empty
   *     for a delete
   */
  record Row(OrderWrite write, Optional<String> doc) {
    String orderId() {
      return write.orderId();
    }

    /** Roughly what the row adds to a statement, for the chunk byte budget. */
    int approximateBytes() {
      return doc.map(String::length).orElse(0) * 2 + 384;
    }
  }

  /**
   * The row of {@code write}; {@code encoded} is its after image already encoded for the {@code
   * orders} upsert, when it was.
   */
  Row encode(OrderWrite write, Optional<String> encoded) {
    Optional<UnifiedOrder> after = write.change().after();
    if (after.isEmpty()) {
      return new Row(write, Optional.empty());
    }
    return new Row(
        write,
        Optional.of(
            encoded.orElseGet(
                () -> new String(codec.encodeOrder(after.get()), StandardCharsets.UTF_8))));
  }

  /** The insert of {@code rows} rows. */
  static String insertSql(int rows) {
    var sql =
        new StringBuilder(
            INSERT_PREFIX.length() + rows * (ROW.length() + 1) + INSERT_SUFFIX.length());
    sql.append(INSERT_PREFIX);
    for (int i = 0; i < rows; i++) {
      if (i > 0) {
        sql.append(',');
      }
      sql.append(ROW);
    }
    return sql.append(INSERT_SUFFIX).toString();
  }

  /** Binds {@code row} from parameter {@code at} on; returns the next free parameter index. */
  static int bind(PreparedStatement ps, int at, Row row) throws SQLException {
    OrderChange change = row.write().change();
    UnifiedOrder image = row.write().image();
    int i = at;
    ps.setString(i++, change.orderId());
    ps.setString(i++, change.version().toString());
    ps.setString(i++, change.businessLine());
    ps.setString(i++, change.source().binlogFile());
    ps.setString(i++, change.operation().name());
    ps.setString(i++, image.status().name());
    ps.setLong(i++, image.totalAmount());
    ps.setString(i++, image.currency());
    Instant commit = change.commitTime();
    ps.setObject(i++, OrderRows.dateTime(commit));
    ps.setInt(i++, commit.getNano());
    if (row.doc().isPresent()) {
      ps.setString(i++, row.doc().get());
    } else {
      ps.setNull(i++, Types.LONGVARCHAR);
    }
    return i;
  }

  /** Reads the record at the result set's current row ({@link #READ_COLUMNS}). */
  OrderChangeRecord read(ResultSet rs) throws SQLException {
    String orderId = rs.getString(1);
    String version = rs.getString(2);
    try {
      String doc = rs.getString(12);
      Optional<UnifiedOrder> order =
          doc == null
              ? Optional.empty()
              : Optional.of(codec.decodeOrder(doc.getBytes(StandardCharsets.UTF_8)));
      Instant committed =
          rs.getObject(9, LocalDateTime.class)
              .toInstant(ZoneOffset.UTC)
              .truncatedTo(ChronoUnit.SECONDS)
              .plusNanos(rs.getInt(10));
      return new OrderChangeRecord(
          orderId,
          rs.getString(3),
          OrderVersion.parse(version),
          rs.getString(4),
          OrderChange.Operation.valueOf(rs.getString(5)),
          OrderStatus.valueOf(rs.getString(6)),
          rs.getLong(7),
          rs.getString(8),
          committed,
          rs.getObject(11, LocalDateTime.class).toInstant(ZoneOffset.UTC),
          order);
    } catch (RuntimeException e) {
      throw new OrderStoreException(
          "the recorded change " + version + " of order " + orderId + " is unreadable", e);
    }
  }
}
