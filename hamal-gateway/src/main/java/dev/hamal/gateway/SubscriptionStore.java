package dev.hamal.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code subscriptions} table. Thread-safe; every SQL failure surfaces as a {@link
 * GatewayDatabaseException}.
 */
final class SubscriptionStore {
  private static final String COLUMNS =
      "id, owner_key_id, name, filter, template, destination_type, url, secret, state,"
          + " paused_reason, created_at, updated_at";

  private final GatewayDatabase database;

  SubscriptionStore(GatewayDatabase database) {
    this.database = database;
  }

  void insert(Subscription s) {
    String sql = "INSERT INTO subscriptions (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";
    try (Connection c = database.connection();
        PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, s.id());
      st.setString(2, s.ownerKeyId());
      st.setString(3, s.name());
      st.setString(4, Json.MAPPER.writeValueAsString(s.filter().toJson()));
      st.setString(5, s.template().orElse(null));
      st.setString(6, s.destination().type());
      if (s.destination() instanceof Subscription.Webhook webhook) {
        st.setString(7, webhook.url().toString());
        st.setString(8, webhook.secret());
      } else {
        st.setString(7, null);
        st.setString(8, null);
      }
      st.setString(9, s.state().name());
      st.setString(10, s.pausedReason().orElse(null));
      st.setTimestamp(11, Timestamp.from(s.createdAt()));
      st.setTimestamp(12, Timestamp.from(s.updatedAt()));
      st.executeUpdate();
    } catch (SQLException | JsonProcessingException e) {
      throw new GatewayDatabaseException("cannot store subscription " + s.id(), e);
    }
  }

  Optional<Subscription> find(String id) {
    List<Subscription> found = query("SELECT " + COLUMNS + " FROM subscriptions WHERE id = ?", id);
    return found.stream().findFirst();
  }

  List<Subscription> byOwner(String keyId) {
    return query(
        "SELECT " + COLUMNS + " FROM subscriptions WHERE owner_key_id = ? ORDER BY created_at, id",
        keyId);
  }

  List<Subscription> all() {
    return query("SELECT " + COLUMNS + " FROM subscriptions ORDER BY created_at, id");
  }

  /** Sets the state; false when there is no such subscription. */
  boolean setState(String id, Subscription.State state, Optional<String> reason, Instant now) {
    String sql =
        "UPDATE subscriptions SET state = ?, paused_reason = ?, updated_at = ? WHERE id = ?";
    try (Connection c = database.connection();
        PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, state.name());
      st.setString(2, reason.map(r -> r.length() > 500 ? r.substring(0, 500) : r).orElse(null));
      st.setTimestamp(3, Timestamp.from(now));
      st.setString(4, id);
      return st.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new GatewayDatabaseException("cannot update subscription " + id, e);
    }
  }

  /** Deletes a subscription with its log and dead letters; false when there was none. */
  boolean delete(String id) {
    try (Connection c = database.connection()) {
      c.setAutoCommit(false);
      try {
        int deleted;
        try (PreparedStatement st = c.prepareStatement("DELETE FROM subscriptions WHERE id = ?")) {
          st.setString(1, id);
          deleted = st.executeUpdate();
        }
        for (String table : List.of("subscription_deliveries", "subscription_dead_letters")) {
          try (PreparedStatement st =
              c.prepareStatement("DELETE FROM " + table + " WHERE subscription_id = ?")) {
            st.setString(1, id);
            st.executeUpdate();
          }
        }
        c.commit();
        return deleted == 1;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new GatewayDatabaseException("cannot delete subscription " + id, e);
    }
  }

  private List<Subscription> query(String sql, String... parameters) {
    List<Subscription> found = new ArrayList<>();
    try (Connection c = database.connection();
        PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        st.setString(i + 1, parameters[i]);
      }
      try (ResultSet r = st.executeQuery()) {
        while (r.next()) {
          found.add(row(r));
        }
      }
    } catch (SQLException e) {
      throw new GatewayDatabaseException("cannot read subscriptions", e);
    }
    return found;
  }

  private static Subscription row(ResultSet r) throws SQLException {
    String id = r.getString("id");
    SubscriptionFilter filter;
    try {
      var json = Json.MAPPER.readTree(r.getString("filter"));
      List<ApiProblem.FieldError> errors = new ArrayList<>();
      filter = SubscriptionFilter.fromJson(json, KeyScopes.administrator(), errors);
      if (!errors.isEmpty()) {
        throw new SQLException("stored filter of subscription " + id + " is invalid: " + errors);
      }
    } catch (JsonProcessingException e) {
      throw new SQLException("stored filter of subscription " + id + " is unreadable", e);
    }
    Subscription.Destination destination =
        switch (r.getString("destination_type")) {
          case "webhook" ->
              new Subscription.Webhook(URI.create(r.getString("url")), r.getString("secret"));
          case "sse" -> new Subscription.EventStream();
          default ->
              throw new SQLException(
                  "subscription "
                      + id
                      + " has an unknown destination type "
                      + r.getString("destination_type"));
        };
    return new Subscription(
        id,
        r.getString("owner_key_id"),
        r.getString("name"),
        filter,
        Optional.ofNullable(r.getString("template")),
        destination,
        Subscription.State.valueOf(r.getString("state")),
        Optional.ofNullable(r.getString("paused_reason")),
        r.getTimestamp("created_at").toInstant(),
        r.getTimestamp("updated_at").toInstant());
  }
}
