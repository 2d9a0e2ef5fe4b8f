package dev.hamal.store;

import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChangeCodec;
import dev.hamal.order.OrderWrite;
import dev.hamal.order.StoredOrder;
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
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code orders} table's columns and the SQL that writes and reads them: the version-guarded
 * multi-row upsert, the version look-up and the record read.
 *
 * <p>The upsert is {@code INSERT ... VALUES (...), (...) ON DUPLICATE KEY UPDATE c =
 * IF(VALUES(version) > version, VALUES(c), c), ..., version = IF(...)}: every column keeps its
 * value unless the incoming version is newer, and {@code version} is assigned last because MySQL
 * and MariaDB evaluate the assignments left to right, each seeing the columns already assigned.
 * {@code VALUES(col)} is deprecated since MySQL 8.0.20 in favour of a row alias, which MariaDB does
 * not accept; it still works on MySQL 8 (with a deprecation warning) and is the only form both
 * take. Versions compare as strings because {@link dev.hamal.order.OrderVersion}'s text form is
 * fixed-width and the column's collation is {@code ascii_bin}.
 *
 * <p>Times go to {@code DATETIME(6)} columns as UTC, truncated to microseconds (the columns serve
 * queries); {@code doc} holds the order exactly as {@link OrderChangeCodec#encodeOrder} wrote it,
 * and {@code commit_nanos} the commit time's nanosecond of second, so records read back exactly.
 *
 * <p>Stateless apart from the codec; thread-safe.
 */
final class OrderRows {
  /** Every written column, in statement order; {@code version} is last on purpose. */
  static final List<String> COLUMNS =
      List.of(
          "order_id",
          "business_line",
          "source_schema",
          "source_table",
          "source_id",
          "user_id",
          "status",
          "total_amount",
          "paid_amount",
          "discount_amount",
          "refunded_amount",
          "currency",
          "payment_channel",
          "settlement_state",
          "product_sku",
          "product_name",
          "face_value",
          "created_at",
          "paid_at",
          "finished_at",
          "updated_at",
          "ext",
          "doc",
          "state",
          "commit_time",
          "commit_nanos",
          "source_pipe",
          "binlog_file",
          "binlog_position",
          "row_index",
          "gtid",
          "stored_at",
          "version");

  /** Placeholders per row: every column but {@code stored_at}, which is the server's clock. */
  static final int PARAMETERS = COLUMNS.size() - 1;

  /** Earliest and latest values a {@code DATETIME} holds. */
  static final LocalDateTime MIN_DATETIME = LocalDateTime.of(1000, 1, 1, 0, 0);

  static final LocalDateTime MAX_DATETIME = LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000);

  static final String READ_COLUMNS = "order_id, doc, version, state, commit_time, commit_nanos";

  private static final String ROW;
  private static final String INSERT_PREFIX;
  private static final String UPSERT_SUFFIX;

  static {
    var row = new StringBuilder("(");
    for (String column : COLUMNS) {
      row.append(column.equals("stored_at") ? "UTC_TIMESTAMP(6)" : "?").append(',');
    }
    row.setCharAt(row.length() - 1, ')');
    ROW = row.toString();
    INSERT_PREFIX = "INSERT INTO orders (" + String.join(", ", COLUMNS) + ") VALUES ";
    var update = new StringBuilder(" ON DUPLICATE KEY UPDATE ");
    for (String column : COLUMNS) {
      if (column.equals("order_id")) {
        continue;
      }
      update
          .append(column)
          .append(" = IF(VALUES(version) > version, VALUES(")
          .append(column)
          .append("), ")
          .append(column)
          .append(")");
      update.append(column.equals("version") ? "" : ", ");
    }
    UPSERT_SUFFIX = update.toString();
  }

  private final OrderChangeCodec codec;

  OrderRows(OrderChangeCodec codec) {
    this.codec = codec;
  }

  /** One write, encoded once, ready to bind (and to bind again when a chunk is retried). */
  record Row(OrderWrite write, String version, String doc, String ext) {
    String orderId() {
      return write.orderId();
    }

    /** Roughly what the row adds to a statement, for the chunk byte budget. */
    int approximateBytes() {
      return doc.length() * 2 + ext.length() + 512;
    }
  }

  Row encode(OrderWrite write) {
    UnifiedOrder order = write.image();
    return new Row(
        write,
        write.version().toString(),
        new String(codec.encodeOrder(order), StandardCharsets.UTF_8),
        new String(codec.encodeExt(order.ext()), StandardCharsets.UTF_8));
  }

  /** The upsert of {@code rows} rows. */
  static String upsertSql(int rows) {
    var sql =
        new StringBuilder(
            INSERT_PREFIX.length() + rows * (ROW.length() + 1) + UPSERT_SUFFIX.length());
    sql.append(INSERT_PREFIX);
    for (int i = 0; i < rows; i++) {
      if (i > 0) {
        sql.append(',');
      }
      sql.append(ROW);
    }
    return sql.append(UPSERT_SUFFIX).toString();
  }

  /** {@code prefix (?, ?, ...) suffix} with {@code n} placeholders. */
  static String inList(String prefix, int n, String suffix) {
    var sql = new StringBuilder(prefix.length() + 2 * n + suffix.length() + 2);
    sql.append(prefix).append('(');
    for (int i = 0; i < n; i++) {
      sql.append(i == 0 ? "?" : ",?");
    }
    return sql.append(')').append(suffix).toString();
  }

  /** Binds {@code row} from parameter {@code at} on; returns the next free parameter index. */
  static int bind(PreparedStatement ps, int at, Row row) throws SQLException {
    OrderWrite write = row.write();
    UnifiedOrder o = write.image();
    OrderChange.SourcePosition source = write.change().source();
    int i = at;
    ps.setString(i++, o.orderId());
    ps.setString(i++, o.businessLine());
    ps.setString(i++, o.sourceSchema());
    ps.setString(i++, o.sourceTable());
    ps.setString(i++, o.sourceId());
    setString(ps, i++, o.userId());
    ps.setString(i++, o.status().name());
    ps.setLong(i++, o.totalAmount());
    setLong(ps, i++, o.paidAmount());
    setLong(ps, i++, o.discountAmount());
    setLong(ps, i++, o.refundedAmount());
    ps.setString(i++, o.currency());
    setString(ps, i++, o.paymentChannel());
    setString(ps, i++, o.settlementState());
    setString(ps, i++, o.product().sku());
    setString(ps, i++, o.product().name());
    setLong(ps, i++, o.product().faceValue());
    ps.setObject(i++, dateTime(o.createdAt()));
    setTime(ps, i++, o.paidAt());
    setTime(ps, i++, o.finishedAt());
    setTime(ps, i++, o.updatedAt());
    ps.setString(i++, row.ext());
    ps.setString(i++, row.doc());
    ps.setString(i++, write.state().name());
    Instant commit = write.change().commitTime();
    ps.setObject(i++, dateTime(commit));
    ps.setInt(i++, commit.getNano());
    ps.setString(i++, source.pipe());
    ps.setString(i++, source.binlogFile());
    ps.setLong(i++, source.position());
    ps.setLong(i++, source.rowIndex());
    setString(ps, i++, source.gtid());
    ps.setString(i++, row.version());
    return i;
  }

  /** Reads the record at the result set's current row ({@link #READ_COLUMNS} first). */
  StoredOrder read(ResultSet rs) throws SQLException {
    String orderId = rs.getString(1);
    UnifiedOrder order;
    try {
      order = codec.decodeOrder(rs.getString(2).getBytes(StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new OrderStoreException(
          "the stored document of order " + orderId + " is unreadable", e);
    }
    var version = dev.hamal.order.OrderVersion.parse(rs.getString(3));
    var state = StoredOrder.State.valueOf(rs.getString(4));
    Instant commitTime =
        rs.getObject(5, LocalDateTime.class)
            .toInstant(ZoneOffset.UTC)
            .truncatedTo(ChronoUnit.SECONDS)
            .plusNanos(rs.getInt(6));
    return new StoredOrder(order, version, state, commitTime);
  }

  /** An instant as a UTC {@code DATETIME(6)} value (microseconds, truncated). */
  static LocalDateTime dateTime(Instant instant) {
    return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  /** {@code instant} rounded up to a microsecond, clamped to the {@code DATETIME} range. */
  static LocalDateTime ceilDateTime(Instant instant) {
    Instant micros = instant.truncatedTo(ChronoUnit.MICROS);
    if (micros.isBefore(instant)) {
      micros = micros.plus(1, ChronoUnit.MICROS);
    }
    return clamp(micros);
  }

  /** {@code instant} rounded down to a microsecond, clamped to the {@code DATETIME} range. */
  static LocalDateTime floorDateTime(Instant instant) {
    return clamp(instant.truncatedTo(ChronoUnit.MICROS));
  }

  private static LocalDateTime clamp(Instant instant) {
    if (instant.isBefore(MIN_DATETIME.toInstant(ZoneOffset.UTC))) {
      return MIN_DATETIME;
    }
    if (instant.isAfter(MAX_DATETIME.toInstant(ZoneOffset.UTC))) {
      return MAX_DATETIME;
    }
    return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static void setString(PreparedStatement ps, int i, Optional<String> value)
      throws SQLException {
    if (value.isPresent()) {
      ps.setString(i, value.get());
    } else {
      ps.setNull(i, Types.VARCHAR);
    }
  }

  private static void setLong(PreparedStatement ps, int i, OptionalLong value) throws SQLException {
    if (value.isPresent()) {
      ps.setLong(i, value.getAsLong());
    } else {
      ps.setNull(i, Types.BIGINT);
    }
  }

  private static void setTime(PreparedStatement ps, int i, Optional<Instant> value)
      throws SQLException {
    if (value.isPresent()) {
      ps.setObject(i, dateTime(value.get()));
    } else {
      ps.setNull(i, Types.TIMESTAMP);
    }
  }
}
