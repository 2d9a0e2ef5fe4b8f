package dev.hamal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an API key may do.
 *
 * @param businessLines the lines whose orders it may read; {@code *} for all
 * @param templates the templates it may use; {@code *} for all
 * @param defaultTemplate the template its responses use when a request names none
 * @param unmasked whether it may read personal data unmasked; without it every response and
 *     delivery is masked before any template sees the order, so no template can undo it
 * @param subscribe whether it may create subscriptions
 * @param admin whether it may use the admin endpoints (keys, pipes, dead letters) and manage
 *     templates
 * @param ratePerSecond requests per second it may make per gateway instance; 0 for the gateway's
 *     default
 */
public record KeyScopes(
    Set<String> businessLines,
    Set<String> templates,
    Optional<String> defaultTemplate,
    boolean unmasked,
    boolean subscribe,
    boolean admin,
    int ratePerSecond) {

  /** Any name. */
  public static final String ALL = "*";

  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final int MAX_RATE = 1_000_000;

  /** Checks and copies. */
  public KeyScopes {
    businessLines = Set.copyOf(businessLines);
    templates = Set.copyOf(templates);
    Objects.requireNonNull(defaultTemplate, "defaultTemplate");
    if (ratePerSecond < 0 || ratePerSecond > MAX_RATE) {
      throw new IllegalArgumentException("rateLimit must be 0 to " + MAX_RATE);
    }
  }

  /** Every line, every template, unmasked, subscribe and admin: the bootstrap key's scopes. */
  public static KeyScopes administrator() {
    return new KeyScopes(Set.of(ALL), Set.of(ALL), Optional.empty(), true, true, true, 0);
  }

  /** Whether the key may read orders of {@code line}. */
  public boolean mayRead(String line) {
    return businessLines.contains(ALL) || businessLines.contains(line);
  }

  /** Whether the key may read every line. */
  public boolean readsAllLines() {
    return businessLines.contains(ALL);
  }

  /** Whether the key may use template {@code name}. */
  public boolean mayUseTemplate(String name) {
    return templates.contains(ALL) || templates.contains(name);
  }

  /** The JSON form, as stored and as the admin API shows it. */
  public ObjectNode toJson() {
    ObjectNode json = Json.object();
    ArrayNode lines = json.putArray("businessLines");
    businessLines.stream().sorted().forEach(lines::add);
    ArrayNode names = json.putArray("templates");
    templates.stream().sorted().forEach(names::add);
    defaultTemplate.ifPresent(t -> json.put("defaultTemplate", t));
    json.put("unmasked", unmasked);
    json.put("subscribe", subscribe);
    json.put("admin", admin);
    json.put("rateLimit", ratePerSecond);
    return json;
  }

  /**
   * Reads scopes from the admin API's JSON, every problem reported against its field under {@code
   * pointer}.
   *
   * @throws ApiProblem 422 listing every invalid field
   */
  public static KeyScopes fromJson(JsonNode json, String pointer) {
    List<ApiProblem.FieldError> errors = new ArrayList<>();
    if (json == null || !json.isObject()) {
      throw ApiProblem.invalidBody(
          "scopes must be an object",
          List.of(new ApiProblem.FieldError(pointer, "must be an object")));
    }
    for (var names = json.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!Set.of(
              "businessLines",
              "templates",
              "defaultTemplate",
              "unmasked",
              "subscribe",
              "admin",
              "rateLimit")
          .contains(field)) {
        errors.add(new ApiProblem.FieldError(pointer + "/" + field, "unknown field"));
      }
    }
    Set<String> lines = names(json, "businessLines", pointer, errors, true);
    Set<String> templates = names(json, "templates", pointer, errors, false);
    Optional<String> defaultTemplate = Optional.empty();
    JsonNode def = json.get("defaultTemplate");
    if (def != null && !def.isNull()) {
      if (!def.isTextual() || !NAME.matcher(def.asText()).matches()) {
        errors.add(
            new ApiProblem.FieldError(
                pointer + "/defaultTemplate", "must be a template name ([a-z0-9_-], 1-64)"));
      } else {
        defaultTemplate = Optional.of(def.asText());
        if (!templates.contains(ALL) && !templates.contains(def.asText())) {
          templates = new LinkedHashSet<>(templates);
          templates.add(def.asText());
        }
      }
    }
    boolean unmasked = flag(json, "unmasked", pointer, errors);
    boolean subscribe = flag(json, "subscribe", pointer, errors);
    boolean admin = flag(json, "admin", pointer, errors);
    int rate = 0;
    JsonNode r = json.get("rateLimit");
    if (r != null && !r.isNull()) {
      if (!r.isIntegralNumber() || !r.canConvertToInt() || r.asInt() < 0 || r.asInt() > MAX_RATE) {
        errors.add(
            new ApiProblem.FieldError(
                pointer + "/rateLimit", "must be an integer from 0 to " + MAX_RATE));
      } else {
        rate = r.asInt();
      }
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalidBody("invalid scopes", errors);
    }
    return new KeyScopes(lines, templates, defaultTemplate, unmasked, subscribe, admin, rate);
  }

  private static Set<String> names(
      JsonNode json,
      String field,
      String pointer,
      List<ApiProblem.FieldError> errors,
      boolean required) {
    JsonNode node = json.get(field);
    Set<String> names = new LinkedHashSet<>();
    if (node == null || node.isNull()) {
      if (required) {
        errors.add(
            new ApiProblem.FieldError(
                pointer + "/" + field, "is required: a list of names, or [\"*\"] for all"));
      }
      return names;
    }
    if (!node.isArray()) {
      errors.add(new ApiProblem.FieldError(pointer + "/" + field, "must be a list of names"));
      return names;
    }
    if (node.size() > 1_000) {
      errors.add(new ApiProblem.FieldError(pointer + "/" + field, "must have at most 1000 names"));
      return names;
    }
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (!item.isTextual()
          || !(item.asText().equals(ALL) || NAME.matcher(item.asText()).matches())) {
        errors.add(
            new ApiProblem.FieldError(
                pointer + "/" + field + "/" + i, "must be a name ([a-z0-9_-], 1-64) or \"*\""));
      } else {
        names.add(item.asText());
      }
    }
    return names;
  }

  private static boolean flag(
      JsonNode json, String field, String pointer, List<ApiProblem.FieldError> errors) {
    JsonNode node = json.get(field);
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      errors.add(new ApiProblem.FieldError(pointer + "/" + field, "must be true or false"));
      return false;
    }
    return node.asBoolean();
  }
}
