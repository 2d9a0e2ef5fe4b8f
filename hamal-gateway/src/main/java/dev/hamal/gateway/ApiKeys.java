package dev.hamal.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API keys: created and revoked by an admin, stored hashed, checked on every request.
 *
 * <p>A key reads {@code hamal_<id>_<secret>}: a 16-hex-digit public id and 32 random bytes
 * (base64url). Only the SHA-256 of the secret is stored; the full key is shown once, when created.
 * A fast hash is enough because the secret is 256 random bits, not a password a person chose.
 *
 * <p>Checks are served from a Caffeine cache of the stored rows, so a request costs one hash and no
 * database round trip; unknown ids are cached too, so random keys cannot flood the database. A
 * revocation therefore takes effect on other gateway instances within {@code cacheTtl} (default 5
 * s); on the instance that revoked, at once.
 *
 * <p>Thread-safe. Database failures surface as {@link GatewayDatabaseException}.
 */
public final class ApiKeys {
  private static final Pattern TOKEN = Pattern.compile("hamal_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");

  /** A stored key as the admin API lists it (never its secret). */
  public record KeyInfo(
      String keyId,
      String name,
      KeyScopes scopes,
      Instant createdAt,
      Optional<String> createdBy,
      Optional<Instant> revokedAt) {}

  /** A key just created: its info and the full key, shown once. */
  public record CreatedKey(KeyInfo info, String token) {}

  private record Row(KeyInfo info, byte[] hash) {}

  private final GatewayDatabase database;
  private final Clock clock;
  private final SecureRandom random;
  private final LoadingCache<String, Optional<Row>> rows;

  /**
   * Keys in {@code database}, rows cached for {@code cacheTtl}.
   *
   * @param ticker the cache's clock (a fake one in tests)
   */
  public ApiKeys(GatewayDatabase database, Clock clock, Duration cacheTtl, Ticker ticker) {
    this.database = Objects.requireNonNull(database, "database");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = new SecureRandom();
    this.rows =
        Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(cacheTtl)
            .ticker(ticker)
            .build(this::load);
  }

  /**
   * The caller {@code token} identifies, if it is a live key.
   *
   * @throws GatewayDatabaseException when the key is not cached and the database fails
   */
  public Optional<Caller> authenticate(String token) {
    var match = TOKEN.matcher(token);
    if (!match.matches()) {
      return Optional.empty();
    }
    Optional<Row> row = rows.get(match.group(1));
    if (row.isEmpty() || row.get().info().revokedAt().isPresent()) {
      return Optional.empty();
    }
    byte[] hash = sha256(match.group(2));
    if (!MessageDigest.isEqual(hash, row.get().hash())) {
      return Optional.empty();
    }
    KeyInfo info = row.get().info();
    return Optional.of(new Caller(info.keyId(), info.name(), info.scopes()));
  }

  /** Creates a key; the returned token is the only time its secret is seen. */
  public CreatedKey create(String name, KeyScopes scopes, Optional<String> createdBy) {
    byte[] secretBytes = new byte[32];
    random.nextBytes(secretBytes);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    byte[] idBytes = new byte[8];
    random.nextBytes(idBytes);
    String keyId = HexFormat.of().formatHex(idBytes);
    Instant now = clock.instant();
    String sql =
        "INSERT INTO api_keys (key_id, secret_hash, name, scopes, created_at, created_by)"
            + " VALUES (?, ?, ?, ?, ?, ?)";
    try (Connection c = database.connection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, keyId);
      s.setBytes(2, sha256(secret));
      s.setString(3, name);
      s.setString(4, Json.MAPPER.writeValueAsString(scopes.toJson()));
      s.setTimestamp(5, Timestamp.from(now));
      s.setString(6, createdBy.orElse(null));
      s.executeUpdate();
    } catch (SQLException | JsonProcessingException e) {
      throw new GatewayDatabaseException("cannot store a new API key", e);
    }
    rows.invalidate(keyId);
    var info = new KeyInfo(keyId, name, scopes, now, createdBy, Optional.empty());
    return new CreatedKey(info, "hamal_" + keyId + "_" + secret);
  }

  /** Revokes a key; false when there is no such live key. */
  public boolean revoke(String keyId) {
    String sql = "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL";
    try (Connection c = database.connection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setTimestamp(1, Timestamp.from(clock.instant()));
      s.setString(2, keyId);
      boolean revoked = s.executeUpdate() == 1;
      rows.invalidate(keyId);
      return revoked;
    } catch (SQLException e) {
      throw new GatewayDatabaseException("cannot revoke API key " + keyId, e);
    }
  }

  /** Every key, newest first, revoked ones included. */
  public List<KeyInfo> list() {
    String sql =
        "SELECT key_id, secret_hash, name, scopes, created_at, created_by, revoked_at"
            + " FROM api_keys ORDER BY created_at DESC, key_id";
    List<KeyInfo> keys = new ArrayList<>();
    try (Connection c = database.connection();
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        keys.add(row(r).info());
      }
    } catch (SQLException e) {
      throw new GatewayDatabaseException("cannot list API keys", e);
    }
    return keys;
  }

  /** One key's info. */
  public Optional<KeyInfo> find(String keyId) {
    return load(keyId).map(Row::info);
  }

  private Optional<Row> load(String keyId) {
    String sql =
        "SELECT key_id, secret_hash, name, scopes, created_at, created_by, revoked_at"
            + " FROM api_keys WHERE key_id = ?";
    try (Connection c = database.connection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, keyId);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(row(r)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new GatewayDatabaseException("cannot read API key " + keyId, e);
    }
  }

  private static Row row(ResultSet r) throws SQLException {
    KeyScopes scopes;
    try {
      scopes = KeyScopes.fromJson(Json.MAPPER.readTree(r.getString("scopes")), "/scopes");
    } catch (JsonProcessingException | ApiProblem e) {
      throw new SQLException(
          "stored scopes of key " + r.getString("key_id") + " are unreadable", e);
    }
    Timestamp revoked = r.getTimestamp("revoked_at");
    var info =
        new KeyInfo(
            r.getString("key_id"),
            r.getString("name"),
            scopes,
            r.getTimestamp("created_at").toInstant(),
            Optional.ofNullable(r.getString("created_by")),
            Optional.ofNullable(revoked).map(Timestamp::toInstant));
    return new Row(info, r.getBytes("secret_hash"));
  }

  private static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(secret.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
