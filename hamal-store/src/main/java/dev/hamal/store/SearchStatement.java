package dev.hamal.store;

import dev.hamal.order.OrderQuery;
import dev.hamal.order.OrderStatus;
import dev.hamal.order.SortKey;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One search statement for one shard: an {@link OrderQuery}'s filters over the typed columns of
 * {@code orders}, a continuation, newest first, and a row limit.
 *
 * <p><b>A superset, made exact by the caller.</b> The typed columns hold what the exact order (in
 * {@code doc}) holds, except that times are truncated to microseconds and the server compares text
 * by its collations. So every condition here is one that every order the query matches passes, and
 * the caller checks each decoded order with {@link OrderQuery#matches} and {@link
 * SortKey#precedes}, and reads on when it drops rows:
 *
 * <ul>
 *   <li>{@code created_at >= floor(from)} and {@code created_at < to} when {@code to} is a whole
 *       microsecond, else {@code created_at <= floor(to)}; bounds outside the {@code DATETIME}
 *       range are clamped to it.
 *   <li>Product text: one {@code product_name COLLATE utf8mb4_unicode_ci LIKE ? ESCAPE '!'} per
 *       word (words split and lower-cased as {@link OrderQuery#matches} does), with {@code !},
 *       {@code %} and {@code _} escaped, so they match literally. The case- and accent-insensitive
 *       collation accepts at least every name the Java check does (and a few more, such as accented
 *       variants, which the check then drops).
 *   <li>Continuation after a {@link SortKey} {@code (t, id)}: {@code (created_at < ? OR (created_at
 *       = ? AND order_id < ?))} with {@code t} when {@code t} is a whole microsecond (every order a
 *       MySQL source produces), else {@code created_at <= floor(t)}. MariaDB 11.4 turns the
 *       expanded {@code OR} into an index range that starts exactly at {@code (t, id)} on every
 *       index ending in {@code created_at} (InnoDB appends the primary key {@code order_id}), so a
 *       continuation reads only the rows it returns; a row constructor {@code (created_at,
 *       order_id) < (?, ?)} bounds the range on the leading columns only and reads every newer row
 *       first (measured in {@code OrderStoreSearchPlanIT}; see docs/order-store.md).
 *   <li>Continuation after a stored row (the caller reading on): the same expanded form with the
 *       row's stored {@code (created_at, order_id)}, exact in the statement's own order.
 *   <li>{@code state <> 'DELETED'} always.
 * </ul>
 *
 * <p>Rows come sorted by {@code created_at DESC, order_id DESC}: {@link SortKey#ORDER} for orders
 * whose creation time is a whole microsecond. Immutable; the parameters are plain values.
 *
 * @param sql the statement
 * @param parameters its parameters in order: {@link String}, {@link Long}, {@link Integer} or
 *     {@link LocalDateTime}
 */
record SearchStatement(String sql, List<Object> parameters) {
  /** The read columns, then {@code created_at} (column 7). */
  static final String SELECT =
      "SELECT " + OrderRows.READ_COLUMNS + ", created_at FROM orders WHERE state <> 'DELETED'";

  /** Index of {@code created_at} among the selected columns. */
  static final int CREATED_AT_COLUMN = 7;

  /** The {@code LIKE} escape character (not a backslash: its meaning depends on the SQL mode). */
  static final char ESCAPE = '!';

  /** Most statements one query is split into per shard; beyond, one statement sorts. */
  static final int MAX_BRANCHES = 16;

  private static final String KEYSET = " AND (created_at < ? OR (created_at = ? AND order_id < ?))";

  SearchStatement {
    parameters = List.copyOf(parameters);
  }

  /** A stored row's position: its {@code created_at} column and its id. */
  record Position(LocalDateTime createdAt, String orderId) {}

  /**
   * The statement reading at most {@code limit} rows of {@code query}: after {@code position} when
   * present (then {@link OrderQuery#after()} is already behind it), else after the query's own
   * continuation.
   */
  static SearchStatement of(OrderQuery query, Optional<Position> position, int limit) {
    var sql = new StringBuilder(SELECT);
    List<Object> parameters = new ArrayList<>();
    if (!query.businessLines().isEmpty()) {
      in(sql, parameters, "business_line", query.businessLines().stream().sorted().toList());
    }
    query
        .userId()
        .ifPresent(user -> {
          sql.append(" AND user_id = ?");
          parameters.add(user);
        });
    if (!query.statuses().isEmpty()) {
      in(
          sql,
          parameters,
          "status",
          query.statuses().stream().map(OrderStatus::name).sorted().toList());
    }
    query
        .createdFrom()
        .ifPresent(from -> {
          sql.append(" AND created_at >= ?");
          parameters.add(OrderRows.floorDateTime(from));
        });
    query
        .createdTo()
        .ifPresent(to -> {
          LocalDateTime floor = OrderRows.floorDateTime(to);
          sql.append(exact(floor, to) ? " AND created_at < ?" : " AND created_at <= ?");
          parameters.add(floor);
        });
    query
        .minTotalAmount()
        .ifPresent(min -> {
          sql.append(" AND total_amount >= ?");
          parameters.add(min);
        });
    query
        .maxTotalAmount()
        .ifPresent(max -> {
          sql.append(" AND total_amount <= ?");
          parameters.add(max);
        });
    query
        .productText()
        .ifPresent(text -> {
          for (String word : words(text)) {
            sql.append(" AND product_name COLLATE utf8mb4_unicode_ci LIKE ? ESCAPE '")
                .append(ESCAPE)
                .append('\'');
            parameters.add("%" + escapeLike(word) + "%");
          }
        });
    if (position.isPresent()) {
      keyset(sql, parameters, position.get().createdAt(), position.get().orderId());
    } else if (query.after().isPresent()) {
      SortKey after = query.after().get();
      LocalDateTime floor = OrderRows.floorDateTime(after.createdAt());
      if (exact(floor, after.createdAt())) {
        keyset(sql, parameters, floor, after.orderId());
      } else {
        // Orders created earlier within this microsecond follow whatever their id.
        sql.append(" AND created_at <= ?");
        parameters.add(floor);
      }
    }
    sql.append(" ORDER BY created_at DESC, order_id DESC LIMIT ?");
    parameters.add(limit);
    return new SearchStatement(sql.toString(), parameters);
  }

  /**
   * The narrower queries, together matching exactly what {@code query} matches, that each read one
   * index in its order: one per business line (and per status when statuses are given too), so that
   * {@code business_line = ?} (and {@code status = ?}) leads {@code ix_orders_line_created} ({@code
   * ix_orders_line_status_created}) and the rows come in {@code created_at} order; an {@code IN} of
   * several values would make the server sort every row of those lines in range. A query with a
   * user ({@code ix_orders_user_created} leads with it), with at most one line and one status, or
   * that would split into more than {@value #MAX_BRANCHES} branches stays whole.
   */
  static List<OrderQuery> branches(OrderQuery query) {
    int lines = query.businessLines().size();
    int statuses = Math.max(1, query.statuses().size());
    if (query.userId().isPresent()
        || lines == 0
        || lines * statuses == 1
        || lines * statuses > MAX_BRANCHES) {
      return List.of(query);
    }
    List<OrderQuery> branches = new ArrayList<>(lines * statuses);
    for (String line : query.businessLines().stream().sorted().toList()) {
      OrderQuery byLine = query.withBusinessLines(Set.of(line));
      if (query.statuses().isEmpty()) {
        branches.add(byLine);
      } else {
        for (OrderStatus status : query.statuses().stream().sorted().toList()) {
          branches.add(byLine.withStatuses(Set.of(status)));
        }
      }
    }
    return branches;
  }

  /** The words every product name must contain, as {@link OrderQuery#matches} splits them. */
  static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    for (String word : text.toLowerCase(Locale.ROOT).split("\\s+")) {
      if (!word.isEmpty()) {
        words.add(word);
      }
    }
    return words;
  }

  /** {@code text} with {@link #ESCAPE}, {@code %} and {@code _} escaped for {@code LIKE}. */
  static String escapeLike(String text) {
    var escaped = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == ESCAPE || ch == '%' || ch == '_') {
        escaped.append(ESCAPE);
      }
      escaped.append(ch);
    }
    return escaped.toString();
  }

  /** Binds the parameters. */
  void bind(PreparedStatement ps) throws SQLException {
    for (int i = 0; i < parameters.size(); i++) {
      Object value = parameters.get(i);
      switch (value) {
        case String s -> ps.setString(i + 1, s);
        case Long l -> ps.setLong(i + 1, l);
        case Integer n -> ps.setInt(i + 1, n);
        case LocalDateTime t -> ps.setObject(i + 1, t);
        default -> throw new IllegalStateException("unexpected parameter " + value.getClass());
      }
    }
  }

  private static void keyset(
      StringBuilder sql, List<Object> parameters, LocalDateTime createdAt, String orderId) {
    sql.append(KEYSET);
    parameters.add(createdAt);
    parameters.add(createdAt);
    parameters.add(orderId);
  }

  private static void in(
      StringBuilder sql, List<Object> parameters, String column, List<String> values) {
    sql.append(OrderRows.inList(" AND " + column + " IN ", values.size(), ""));
    parameters.addAll(values);
  }

  /** Whether {@code column} (a clamped, truncated value) is exactly {@code instant}. */
  private static boolean exact(LocalDateTime column, Instant instant) {
    return column.toInstant(ZoneOffset.UTC).equals(instant);
  }
}
