package dev.hamal.app;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The business lines whose order databases Hamal is demonstrated and benchmarked on. Each one is
 * written the way that line's own developers wrote it, and they deliberately disagree:
 *
 * <table>
 *   <caption>How the four lines differ</caption>
 *   <tr><th>line</th><th>order table</th><th>key</th><th>status</th><th>money</th><th>ext</th></tr>
 *   <tr><td>{@link #TOPUP}</td><td>{@code tp_order}</td><td>AUTO_INCREMENT id + order_no</td>
 *       <td>SMALLINT 0/10/20/30/40/50/60/90</td><td>DECIMAL yuan</td><td>TEXT (JSON)</td></tr>
 *   <tr><td>{@link #FUELCARD}</td><td>{@code fc_order}</td><td>snowflake order_id</td>
 *       <td>CHAR(2) pinyin initials WP/ZF/CZ/CG/SB/TK/YT/GB</td><td>BIGINT cents</td>
 *       <td>TEXT (key=value)</td></tr>
 *   <tr><td>{@link #TICKET}</td><td>{@code orders_00..orders_15} by uid % 16</td>
 *       <td>app-assigned id + order_sn</td><td>VARCHAR WAIT_PAY/PAID/ISSUING/...</td>
 *       <td>DECIMAL yuan</td><td>TEXT (JSON)</td></tr>
 *   <tr><td>{@link #GAMECARD}</td><td>{@code gc_orders}</td><td>AUTO_INCREMENT id + trade_no</td>
 *       <td>ENUM pending/paid/delivering/...</td><td>DECIMAL yuan</td><td>JSON</td></tr>
 * </table>
 *
 * <p>Besides the order table each line has a child table: refunds ({@code tp_refund}, {@code
 * fc_refund}), passengers ({@code passengers_00..15}, sharded like the orders) and delivered card
 * codes ({@code gc_order_items}). Local times are UTC+8, as the lines' applications run in China;
 * every column is written explicitly (no reliance on {@code ON UPDATE CURRENT_TIMESTAMP}), so the
 * same inputs always produce the same rows.
 *
 * <p>The models are stateless and thread-safe; all randomness comes from the generator passed in.
 */
public enum ProductLine {
  /** Mobile phone top-up (话费充值). */
  TOPUP(new TopupModel()),
  /** Fuel card top-up and fuel vouchers (加油卡). */
  FUELCARD(new FuelCardModel()),
  /** Flight, train and attraction tickets (机票/火车票/门票), sharded by user id. */
  TICKET(new TicketModel()),
  /** Game cards and in-game currency (游戏点卡). */
  GAMECARD(new GameCardModel());

  private final LineModel model;

  ProductLine(LineModel model) {
    this.model = model;
  }

  /** The line's own schema name, e.g. {@code topup}. */
  public String schema() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * {@code CREATE TABLE IF NOT EXISTS} statements for every table of the line in {@code schema}
   * (which the caller creates).
   */
  public List<String> createStatements(String schema) {
    return model.createStatements(Sql.identifier(schema));
  }

  /** Every table of the line: order tables first, then child tables. */
  public List<String> tables() {
    return model.tables();
  }

  /** The order tables: one, or all shards of a sharded line. */
  public List<String> orderTables() {
    return model.orderTables();
  }

  /** The order table a user's orders live in. */
  public String orderTable(long userId) {
    return model.orderTable(userId);
  }

  /** The primary-key column of the order tables. */
  public String idColumn() {
    return model.idColumn();
  }

  /** The status column of the order tables. */
  public String statusColumn() {
    return model.statusColumn();
  }

  /** The free-form attributes column of the order tables (TEXT or JSON, 100-400 bytes). */
  public String extColumn() {
    return model.extColumn();
  }

  /** The last-modified column of the order tables. */
  public String modifiedColumn() {
    return model.modifiedColumn();
  }

  /** Every column {@link #newOrder} may set on an order row, in table order. */
  public List<String> insertColumns() {
    return model.insertColumns();
  }

  /**
   * The value this line stores in {@link #statusColumn()} for a unified status: an {@link Integer},
   * or a {@link String} for CHAR, VARCHAR and ENUM codes.
   */
  public Object statusCode(OrderStatus status) {
    return model.statusCode(Objects.requireNonNull(status, "status"));
  }

  /** Draws a new order of this line: its order row and child rows, not yet paid. */
  public LineOrder newOrder(OrderSpec spec, RandomGenerator random) {
    return model.newOrder(spec, random);
  }

  /**
   * The writes that move {@code order} from {@code from} to {@code to} at local time {@code at},
   * order row first; they belong in one transaction.
   *
   * @throws IllegalArgumentException if the order is of another line or {@code from} cannot move to
   *     {@code to}
   */
  public List<RowWrite> transition(
      LineOrder order, OrderStatus from, OrderStatus to, LocalDateTime at, RandomGenerator random) {
    if (order.line() != this) {
      throw new IllegalArgumentException(
          "a " + order.line() + " order is not a " + this + " order");
    }
    if (!from.canMoveTo(to)) {
      throw new IllegalArgumentException("an order cannot move from " + from + " to " + to);
    }
    return model.transition(order, from, to, at, random);
  }
}
