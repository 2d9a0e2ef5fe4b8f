package dev.hamal.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Data templates: stored versioned in the gateway database, compiled once per version, and the
 * {@link RenderPlans} every response and delivery goes through.
 *
 * <p>Storage: one row per version in {@code templates}. Creating a template under a name adds the
 * next version (versions are never changed); deleting a name marks all its versions deleted, and a
 * later create under the same name continues the numbering, so an old {@code name@version} never
 * resolves to a different body.
 *
 * <p>Caching: compiled templates are cached per {@code name@version} (bodies never change, so no
 * expiry beyond size); which versions of a name are live is cached for {@code Config.stateTtl}, so
 * a create or delete on another gateway instance is seen within that time (on this instance, at
 * once).
 *
 * <p>Rendering ({@link #plan}): when the caller may not read personal data, the order document is
 * masked by the {@link MaskingPolicy} first, then the template (if any) runs on the masked
 * document; see {@link Template} for the bounds. Thread-safe. Database failures surface as {@link
 * GatewayDatabaseException} (a 503).
 */
public final class Templates implements RenderPlans {
  private static final Pattern REF =
      Pattern.compile("([a-z0-9][a-z0-9_-]{0,63})(?:@([0-9]{1,9}))?");

  /**
   * Settings.
   *
   * @param cacheSize compiled templates kept (1 to 100,000)
   * @param stateTtl how long which versions of a name are live is cached (0 to 10 minutes)
   * @param renderBudget the time one render of one order may take (1 ms to 10 s)
   */
  public record Config(int cacheSize, Duration stateTtl, Duration renderBudget) {
    /** Checks the values; messages name the setting. */
    public Config {
      Objects.requireNonNull(stateTtl, "stateTtl");
      Objects.requireNonNull(renderBudget, "renderBudget");
      if (cacheSize < 1 || cacheSize > 100_000) {
        throw new IllegalArgumentException(
            "templates.cache-size must be 1 to 100000, was " + cacheSize);
      }
      if (stateTtl.isNegative() || stateTtl.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException(
            "templates.state-ttl must be 0 to 10 minutes, was " + stateTtl);
      }
      if (renderBudget.compareTo(Duration.ofMillis(1)) < 0
          || renderBudget.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException(
            "templates.render-budget must be 1ms to 10s, was " + renderBudget);
      }
    }

    /** Defaults: 1,000 compiled templates, state cached 5 s, 200 ms per render. */
    public static Config defaults() {
      return new Config(1_000, Duration.ofSeconds(5), Duration.ofMillis(200));
    }
  }

  /**
   * One stored version.
   *
   * @param name the template's name
   * @param version its version, from 1
   * @param body the template as created
   * @param createdAt when it was created
   * @param createdBy the key id that created it
   */
  public record TemplateVersion(
      String name, int version, ObjectNode body, Instant createdAt, String createdBy) {
    /** {@code name@version}. */
    public String id() {
      return name + "@" + version;
    }
  }

  /**
   * A live template name and its newest version.
   *
   * @param name the name
   * @param latestVersion the newest live version
   * @param description the newest version's description (empty when it has none)
   * @param updatedAt when the newest version was created
   */
  public record TemplateSummary(
      String name, int latestVersion, String description, Instant updatedAt) {}

  private record LiveVersions(TreeSet<Integer> versions) {
    Optional<Integer> latest() {
      return versions.isEmpty() ? Optional.empty() : Optional.of(versions.last());
    }
  }

  private final GatewayDatabase database;
  private final MaskingPolicy masking;
  private final Clock clock;
  private final Config config;
  private final LoadingCache<String, LiveVersions> live;
  private final LoadingCache<String, Optional<Template>> compiled;

  /**
   * Templates in {@code database}, rendered with {@code masking} for callers without the unmasked
   * scope.
   *
   * @param ticker the caches' clock (a fake one in tests)
   */
  public Templates(
      GatewayDatabase database, MaskingPolicy masking, Clock clock, Config config, Ticker ticker) {
    this.database = Objects.requireNonNull(database, "database");
    this.masking = Objects.requireNonNull(masking, "masking");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.config = Objects.requireNonNull(config, "config");
    this.live =
        Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(config.stateTtl())
            .ticker(ticker)
            .build(this::loadLive);
    this.compiled = Caffeine.newBuilder().maximumSize(config.cacheSize()).build(this::loadCompiled);
  }

  /**
   * Checks {@code body} and stores it as the next version of {@code name}.
   *
   * @param createdBy the creating key's id
   * @throws ApiProblem 400 for an invalid name, 422 listing every problem of the body
   */
  public TemplateVersion create(String name, ObjectNode body, String createdBy) {
    checkName(name);
    Template.compile(name + "@new", body);
    String text;
    try {
      text = Json.MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    Instant now = clock.instant();
    String sql =
        "INSERT INTO templates (name, version, body, created_at, created_by)"
            + " SELECT ?, COALESCE(MAX(version), 0) + 1, ?, ?, ? FROM templates WHERE name = ?";
    for (int attempt = 1; ; attempt++) {
      try (Connection c = database.connection()) {
        try (PreparedStatement s = c.prepareStatement(sql)) {
          s.setString(1, name);
          s.setString(2, text);
          s.setTimestamp(3, Timestamp.from(now));
          s.setString(4, createdBy);
          s.setString(5, name);
          s.executeUpdate();
        }
        int version = newestVersion(c, name);
        live.invalidate(name);
        return new TemplateVersion(name, version, body.deepCopy(), now, createdBy);
      } catch (SQLIntegrityConstraintViolationException e) {
        if (attempt == 3) {
          throw ApiProblem.conflict("template " + name + " is being changed concurrently; retry");
        }
      } catch (SQLException e) {
        throw new GatewayDatabaseException("cannot store template " + name, e);
      }
    }
  }

  private static int newestVersion(Connection c, String name) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT MAX(version) FROM templates WHERE name = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }

  /** Every live template, by name. */
  public List<TemplateSummary> list() {
    String sql =
        "SELECT t.name, t.version, t.body, t.created_at FROM templates t"
            + " JOIN (SELECT name, MAX(version) AS version FROM templates"
            + " WHERE deleted_at IS NULL GROUP BY name) latest"
            + " ON t.name = latest.name AND t.version = latest.version ORDER BY t.name";
    List<TemplateSummary> summaries = new ArrayList<>();
    try (Connection c = database.connection();
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        JsonNode body = parse(r.getString("body"), r.getString("name"));
        summaries.add(
            new TemplateSummary(
                r.getString("name"),
                r.getInt("version"),
                body.path("description").asText(""),
                r.getTimestamp("created_at").toInstant()));
      }
    } catch (SQLException e) {
      throw new GatewayDatabaseException("cannot list templates", e);
    }
    return summaries;
  }

  /**
   * A live version of {@code name}: {@code version}, or the newest when empty.
   *
   * @throws ApiProblem 400 for an invalid name
   */
  public Optional<TemplateVersion> find(String name, OptionalInt version) {
    checkName(name);
    String sql =
        "SELECT name, version, body, created_at, created_by FROM templates"
            + " WHERE name = ? AND deleted_at IS NULL"
            + (version.isPresent() ? " AND version = ?" : "")
            + " ORDER BY version DESC LIMIT 1";
    try (Connection c = database.connection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, name);
      if (version.isPresent()) {
        s.setInt(2, version.getAsInt());
      }
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new TemplateVersion(
                r.getString("name"),
                r.getInt("version"),
                parse(r.getString("body"), name),
                r.getTimestamp("created_at").toInstant(),
                r.getString("created_by")));
      }
    } catch (SQLException e) {
      throw new GatewayDatabaseException("cannot read template " + name, e);
    }
  }

  /**
   * Marks every version of {@code name} deleted; false when it has no live version.
   *
   * @throws ApiProblem 400 for an invalid name
   */
  public boolean delete(String name) {
    checkName(name);
    String sql = "UPDATE templates SET deleted_at = ? WHERE name = ? AND deleted_at IS NULL";
    try (Connection c = database.connection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setTimestamp(1, Timestamp.from(clock.instant()));
      s.setString(2, name);
      boolean deleted = s.executeUpdate() > 0;
      live.invalidate(name);
      return deleted;
    } catch (SQLException e) {
      throw new GatewayDatabaseException("cannot delete template " + name, e);
    }
  }

  @Override
  public RenderPlan plan(Caller caller, Optional<String> templateRef) {
    Objects.requireNonNull(caller, "caller");
    Optional<String> ref =
        templateRef.isPresent() ? templateRef : caller.scopes().defaultTemplate();
    boolean mask = !caller.scopes().unmasked();
    if (ref.isEmpty()) {
      return new Plan(Optional.empty(), mask, Optional.empty());
    }
    Matcher m = REF.matcher(ref.get());
    if (!m.matches()) {
      throw ApiProblem.invalidParameter(
          "template",
          "a template reference is name or name@version, name [a-z0-9][a-z0-9_-]{0,63}");
    }
    String name = m.group(1);
    if (!caller.scopes().mayUseTemplate(name)) {
      throw ApiProblem.forbidden("this key may not use template " + name);
    }
    LiveVersions versions = live.get(name);
    int version;
    if (m.group(2) == null) {
      version = versions.latest().orElseThrow(() -> ApiProblem.notFound("no template " + name));
    } else {
      version = Integer.parseInt(m.group(2));
      if (!versions.versions().contains(version)) {
        throw ApiProblem.notFound("no template " + name + "@" + version);
      }
    }
    Template template =
        compiled
            .get(name + "@" + version)
            .orElseThrow(() -> ApiProblem.notFound("no template " + name + "@" + version));
    return new Plan(Optional.of(template), mask, Optional.of(template.id()));
  }

  /**
   * A plan for a template body that is not stored (previews), for {@code caller}'s masking.
   *
   * @throws ApiProblem 422 listing every problem of the body
   */
  RenderPlan planFor(Caller caller, ObjectNode body) {
    Template template = Template.compile("preview", body);
    return new Plan(Optional.of(template), !caller.scopes().unmasked(), Optional.empty());
  }

  private final class Plan implements RenderPlan {
    private final Optional<Template> template;
    private final boolean mask;
    private final Optional<String> id;

    Plan(Optional<Template> template, boolean mask, Optional<String> id) {
      this.template = template;
      this.mask = mask;
      this.id = id;
    }

    @Override
    public Optional<String> template() {
      return id;
    }

    @Override
    public JsonNode render(ObjectNode orderDocument) {
      ObjectNode document = mask ? masking.mask(orderDocument) : orderDocument;
      return template.isPresent()
          ? template.get().render(document, config.renderBudget())
          : document;
    }
  }

  private LiveVersions loadLive(String name) {
    String sql = "SELECT version FROM templates WHERE name = ? AND deleted_at IS NULL";
    TreeSet<Integer> versions = new TreeSet<>();
    try (Connection c = database.connection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          versions.add(r.getInt(1));
        }
      }
    } catch (SQLException e) {
      throw new GatewayDatabaseException("cannot read template " + name, e);
    }
    return new LiveVersions(versions);
  }

  private Optional<Template> loadCompiled(String id) {
    int at = id.indexOf('@');
    String name = id.substring(0, at);
    String sql = "SELECT body FROM templates WHERE name = ? AND version = ?";
    try (Connection c = database.connection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, name);
      s.setInt(2, Integer.parseInt(id.substring(at + 1)));
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        return Optional.of(Template.compile(id, parse(r.getString(1), name)));
      }
    } catch (SQLException e) {
      throw new GatewayDatabaseException("cannot read template " + id, e);
    }
  }

  private static ObjectNode parse(String body, String name) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(body);
    } catch (JsonProcessingException | ClassCastException e) {
      throw new GatewayDatabaseException("stored template " + name + " is unreadable", e);
    }
  }

  private static void checkName(String name) {
    if (!KeyScopes.NAME.matcher(name).matches()) {
      throw ApiProblem.invalidParameter(
          "name", "a template name is 1 to 64 of [a-z0-9_-], starting with a letter or digit");
    }
  }
}
