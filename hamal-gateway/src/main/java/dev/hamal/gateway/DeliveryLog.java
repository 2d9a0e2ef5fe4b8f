package dev.hamal.gateway;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The per-subscription delivery log ({@code subscription_deliveries}: one row per attempt, with the
 * payload so a delivery can be sent again) and the dead-letter list ({@code
 * subscription_dead_letters}). A write returns only once the database has it, so the dispatcher may
 * commit offsets after it.
 *
 * <p>Thread-safe; every SQL failure surfaces as a {@link GatewayDatabaseException}.
 */
final class DeliveryLog {

  /** What came of an attempt. */
  enum Outcome {
    /** 2xx within the timeout. */
    DELIVERED,
    /** Failed; another attempt follows. */
    FAILED,
    /** Failed for the last time (or could not be sent at all); the delivery is dead-lettered. */
    DEAD_LETTERED,
    /** A redelivery asked for through the API failed. */
    REDELIVERY_FAILED
  }

  /** One logged attempt. */
  record Entry(
      long seq,
      String deliveryId,
      String orderId,
      String eventId,
      int attempt,
      Outcome outcome,
      Optional<Integer> httpStatus,
      Optional<String> error,
      Duration took,
      Instant attemptedAt) {}

  /** One dead letter. */
  record DeadLetter(
      String deliveryId,
      String orderId,
      String eventId,
      int attempts,
      String lastError,
      Instant deadAt,
      String payload) {}

  private final GatewayDatabase database;

  DeliveryLog(GatewayDatabase database) {
    this.database = database;
  }

  void attempt(
      String subscriptionId,
      Delivery delivery,
      int attempt,
      Outcome outcome,
      WebhookSender.Attempt result,
      Instant at) {
    String sql =
        "INSERT INTO subscription_deliveries (subscription_id, delivery_id, order_id, event_id,"
            + " attempt, outcome, http_status, error, duration_ms, attempted_at, payload)"
            + " VALUES (?,?,?,?,?,?,?,?,?,?,?)";
    try (Connection c = database.connection();
        PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, subscriptionId);
      st.setString(2, delivery.deliveryId());
      st.setString(3, clip(delivery.orderId(), 255));
      st.setString(4, clip(delivery.eventId(), 255));
      st.setInt(5, attempt);
      st.setString(6, outcome.name());
      if (result.status().isPresent()) {
        st.setInt(7, result.status().get());
      } else {
        st.setNull(7, Types.INTEGER);
      }
      st.setString(8, result.error().map(e -> clip(e, 500)).orElse(null));
      st.setLong(9, result.took().toMillis());
      st.setTimestamp(10, Timestamp.from(at));
      st.setString(11, delivery.payload());
      st.executeUpdate();
    } catch (SQLException e) {
      throw new GatewayDatabaseException(
          "cannot log delivery " + delivery.deliveryId() + " of " + subscriptionId, e);
    }
  }

  /** Adds (or replaces) a dead letter. */
  void deadLetter(
      String subscriptionId, Delivery delivery, int attempts, String lastError, Instant at) {
    String sql =
        "INSERT INTO subscription_dead_letters (subscription_id, delivery_id, order_id, event_id,"
            + " attempts, last_error, dead_at, payload) VALUES (?,?,?,?,?,?,?,?)"
            + " ON DUPLICATE KEY UPDATE attempts = VALUES(attempts),"
            + " last_error = VALUES(last_error), dead_at = VALUES(dead_at),"
            + " payload = VALUES(payload)";
    try (Connection c = database.connection();
        PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, subscriptionId);
      st.setString(2, delivery.deliveryId());
      st.setString(3, clip(delivery.orderId(), 255));
      st.setString(4, clip(delivery.eventId(), 255));
      st.setInt(5, attempts);
      st.setString(6, clip(lastError, 500));
      st.setTimestamp(7, Timestamp.from(at));
      st.setString(8, delivery.payload());
      st.executeUpdate();
    } catch (SQLException e) {
      throw new GatewayDatabaseException(
          "cannot dead-letter delivery " + delivery.deliveryId() + " of " + subscriptionId, e);
    }
  }

  int deadLetterCount(String subscriptionId) {
    String sql = "SELECT COUNT(*) FROM subscription_dead_letters WHERE subscription_id = ?";
    try (Connection c = database.connection();
        PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, subscriptionId);
      try (ResultSet r = st.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    } catch (SQLException e) {
      throw new GatewayDatabaseException("cannot count dead letters of " + subscriptionId, e);
    }
  }

  /** Attempts newest first, those with {@code seq} below {@code before} when given. */
  List<Entry> attempts(String subscriptionId, OptionalLong before, int limit) {
    String sql =
        "SELECT seq, delivery_id, order_id, event_id, attempt, outcome, http_status, error,"
            + " duration_ms, attempted_at FROM subscription_deliveries WHERE subscription_id = ?"
            + (before.isPresent() ? " AND seq < ?" : "")
            + " ORDER BY seq DESC LIMIT ?";
    List<Entry> entries = new ArrayList<>();
    try (Connection c = database.connection();
        PreparedStatement st = c.prepareStatement(sql)) {
      int i = 1;
      st.setString(i++, subscriptionId);
      if (before.isPresent()) {
        st.setLong(i++, before.getAsLong());
      }
      st.setInt(i, limit);
      try (ResultSet r = st.executeQuery()) {
        while (r.next()) {
          int status = r.getInt("http_status");
          Optional<Integer> http = r.wasNull() ? Optional.empty() : Optional.of(status);
          entries.add(
              new Entry(
                  r.getLong("seq"),
                  r.getString("delivery_id"),
                  r.getString("order_id"),
                  r.getString("event_id"),
                  r.getInt("attempt"),
                  Outcome.valueOf(r.getString("outcome")),
                  http,
                  Optional.ofNullable(r.getString("error")),
                  Duration.ofMillis(r.getLong("duration_ms")),
                  r.getTimestamp("attempted_at").toInstant()));
        }
      }
    } catch (SQLException e) {
      throw new GatewayDatabaseException("cannot read the delivery log of " + subscriptionId, e);
    }
    return entries;
  }

  /** Dead letters newest first, at most {@code limit}. */
  List<DeadLetter> deadLetters(String subscriptionId, int limit) {
    String sql =
        "SELECT delivery_id, order_id, event_id, attempts, last_error, dead_at, payload"
            + " FROM subscription_dead_letters WHERE subscription_id = ?"
            + " ORDER BY dead_at DESC, delivery_id LIMIT ?";
    List<DeadLetter> letters = new ArrayList<>();
    try (Connection c = database.connection();
        PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, subscriptionId);
      st.setInt(2, limit);
      try (ResultSet r = st.executeQuery()) {
        while (r.next()) {
          letters.add(
              new DeadLetter(
                  r.getString("delivery_id"),
                  r.getString("order_id"),
                  r.getString("event_id"),
                  r.getInt("attempts"),
                  r.getString("last_error"),
                  r.getTimestamp("dead_at").toInstant(),
                  r.getString("payload")));
        }
      }
    } catch (SQLException e) {
      throw new GatewayDatabaseException("cannot read the dead letters of " + subscriptionId, e);
    }
    return letters;
  }

  /**
   * The delivery as recorded (dead letter first, else its newest logged attempt) and the number of
   * its newest attempt; empty when neither holds it any more.
   */
  Optional<Recorded> recorded(String subscriptionId, String deliveryId) {
    String sql =
        "SELECT order_id, event_id, payload, attempt FROM subscription_deliveries"
            + " WHERE subscription_id = ? AND delivery_id = ? ORDER BY seq DESC LIMIT 1";
    String dead =
        "SELECT order_id, event_id, payload, attempts FROM subscription_dead_letters"
            + " WHERE subscription_id = ? AND delivery_id = ?";
    try (Connection c = database.connection()) {
      for (String query : List.of(dead, sql)) {
        try (PreparedStatement st = c.prepareStatement(query)) {
          st.setString(1, subscriptionId);
          st.setString(2, deliveryId);
          try (ResultSet r = st.executeQuery()) {
            if (r.next()) {
              return Optional.of(
                  new Recorded(
                      new Delivery(
                          deliveryId,
                          r.getString(2),
                          r.getString(1),
                          r.getString(3),
                          Optional.empty()),
                      r.getInt(4)));
            }
          }
        }
      }
      return Optional.empty();
    } catch (SQLException e) {
      throw new GatewayDatabaseException("cannot read delivery " + deliveryId, e);
    }
  }

  /** A delivery as recorded and the number of its newest attempt. */
  record Recorded(Delivery delivery, int lastAttempt) {}

  void removeDeadLetter(String subscriptionId, String deliveryId) {
    String sql =
        "DELETE FROM subscription_dead_letters WHERE subscription_id = ? AND delivery_id = ?";
    try (Connection c = database.connection();
        PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, subscriptionId);
      st.setString(2, deliveryId);
      st.executeUpdate();
    } catch (SQLException e) {
      throw new GatewayDatabaseException("cannot remove dead letter " + deliveryId, e);
    }
  }

  /**
   * Deletes attempts older than {@code cutoff} and, per subscription, all but the newest {@code
   * maxRows}; returns how many rows went.
   */
  int prune(Instant cutoff, int maxRows) {
    int deleted = 0;
    try (Connection c = database.connection()) {
      try (PreparedStatement st =
          c.prepareStatement("DELETE FROM subscription_deliveries WHERE attempted_at < ?")) {
        st.setTimestamp(1, Timestamp.from(cutoff));
        deleted += st.executeUpdate();
      }
      List<String> over = new ArrayList<>();
      try (PreparedStatement st =
          c.prepareStatement(
              "SELECT subscription_id FROM subscription_deliveries"
                  + " GROUP BY subscription_id HAVING COUNT(*) > ?")) {
        st.setInt(1, maxRows);
        try (ResultSet r = st.executeQuery()) {
          while (r.next()) {
            over.add(r.getString(1));
          }
        }
      }
      for (String subscriptionId : over) {
        long keepFrom;
        try (PreparedStatement st =
            c.prepareStatement(
                "SELECT seq FROM subscription_deliveries WHERE subscription_id = ?"
                    + " ORDER BY seq DESC LIMIT 1 OFFSET ?")) {
          st.setString(1, subscriptionId);
          st.setInt(2, maxRows - 1);
          try (ResultSet r = st.executeQuery()) {
            if (!r.next()) {
              continue;
            }
            keepFrom = r.getLong(1);
          }
        }
        try (PreparedStatement st =
            c.prepareStatement(
                "DELETE FROM subscription_deliveries WHERE subscription_id = ? AND seq < ?")) {
          st.setString(1, subscriptionId);
          st.setLong(2, keepFrom);
          deleted += st.executeUpdate();
        }
      }
    } catch (SQLException e) {
      throw new GatewayDatabaseException("cannot prune the delivery log", e);
    }
    return deleted;
  }

  private static String clip(String text, int max) {
    return text.length() > max ? text.substring(0, max) : text;
  }
}
