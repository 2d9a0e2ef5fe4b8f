package dev.hamal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which fields of an order document hold personal data and how each is masked for a caller whose
 * key may not read it unmasked.
 *
 * <p>Masking runs on the order document <em>before</em> any template sees it (see {@link
 * Templates}), so the raw value is simply not in the data a template evaluates against: no
 * expression, however written, can read it back. Templates get the same masking functions for their
 * own output ({@code $maskPhone} and friends), but those are cosmetic; this is the guarantee.
 *
 * <p>Rules name document paths ({@code ext.mobile}: the key {@code mobile} in the object {@code
 * ext}); the rules for an order are the common rules plus those of its business line. A value at a
 * masked path is replaced by its masked text: strings and numbers are masked as text, each element
 * of an array is masked, and an object is replaced whole by {@link Kind#FULL}'s mask (fail closed:
 * no part of a structure at a masked path survives). Absent paths are left absent.
 *
 * <p>Immutable and thread-safe.
 */
public final class MaskingPolicy {
  private static final Pattern PATH =
      Pattern.compile("[A-Za-z0-9_-]{1,64}(\\.[A-Za-z0-9_-]{1,64}){0,7}");
  private static final String FULL_MASK = "****";

  /** How a value is masked. */
  public enum Kind {
    /** A phone number: the first 3 and last 4 characters kept ({@code 138****5678}). */
    PHONE,
    /** A card or account number: the last 4 characters kept ({@code ************1234}). */
    CARD,
    /** An e-mail address: the first character of the local part and the domain kept. */
    EMAIL,
    /** An identity document or user number: the first 2 and last 2 characters kept. */
    ID,
    /** Anything else: replaced by {@code ****} whatever its length. */
    FULL;

    /** {@code text} masked this way. */
    public String apply(String text) {
      return switch (this) {
        case PHONE -> mask(text, 3, 4);
        case CARD -> mask(text, 0, 4);
        case EMAIL -> maskEmail(text);
        case ID -> mask(text, 2, 2);
        case FULL -> FULL_MASK;
      };
    }
  }

  /**
   * One masked path.
   *
   * @param path a dotted document path ({@code ext.card_no}), 1 to 8 segments of {@code
   *     [A-Za-z0-9_-]}
   * @param kind how its value is masked
   */
  public record Rule(String path, Kind kind) {
    /** Checks the path. */
    public Rule {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(kind, "kind");
      if (!PATH.matcher(path).matches()) {
        throw new IllegalArgumentException(
            "a masking path is 1 to 8 dot-separated segments of [A-Za-z0-9_-], was \""
                + path
                + "\"");
      }
    }
  }

  private final List<Rule> common;
  private final Map<String, List<Rule>> byLine;

  /**
   * A policy masking {@code common} in every order and {@code byLine.get(line)} in addition in
   * orders of that business line.
   */
  public MaskingPolicy(List<Rule> common, Map<String, List<Rule>> byLine) {
    this.common = List.copyOf(common);
    Map<String, List<Rule>> lines = new LinkedHashMap<>();
    byLine.forEach((line, rules) -> lines.put(Objects.requireNonNull(line), List.copyOf(rules)));
    this.byLine = Map.copyOf(lines);
  }

  /**
   * The default policy: {@code userId} (ID), {@code ext.mobile} and {@code ext.phone} (PHONE),
   * {@code ext.card_no} and {@code ext.bank_card} (CARD), {@code ext.id_card} (ID), {@code
   * ext.email} (EMAIL), {@code ext.real_name} and {@code ext.address} (FULL).
   */
  public static MaskingPolicy defaults() {
    return new MaskingPolicy(
        List.of(
            new Rule("userId", Kind.ID),
            new Rule("ext.mobile", Kind.PHONE),
            new Rule("ext.phone", Kind.PHONE),
            new Rule("ext.card_no", Kind.CARD),
            new Rule("ext.bank_card", Kind.CARD),
            new Rule("ext.id_card", Kind.ID),
            new Rule("ext.email", Kind.EMAIL),
            new Rule("ext.real_name", Kind.FULL),
            new Rule("ext.address", Kind.FULL)),
        Map.of());
  }

  /**
   * Parses rules written {@code path:KIND} separated by commas ({@code
   * ext.mobile:PHONE,ext.card_no:CARD}), as configuration holds them.
   *
   * @param setting the configuration key, named in the error
   * @throws IllegalArgumentException naming {@code setting} and the offending entry
   */
  public static List<Rule> parseRules(String setting, String spec) {
    List<Rule> rules = new ArrayList<>();
    if (spec.isBlank()) {
      return rules;
    }
    for (String entry : spec.split(",")) {
      String trimmed = entry.trim();
      int colon = trimmed.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(
            setting
                + ": \""
                + trimmed
                + "\" is not path:KIND (KIND one of PHONE, CARD, EMAIL, ID, FULL)");
      }
      Kind kind;
      try {
        kind = Kind.valueOf(trimmed.substring(colon + 1).trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            setting
                + ": \""
                + trimmed
                + "\" has an unknown kind (one of PHONE, CARD, EMAIL, ID, FULL)",
            e);
      }
      try {
        rules.add(new Rule(trimmed.substring(0, colon).trim(), kind));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
      }
    }
    return rules;
  }

  /** The rules applied to every order. */
  public List<Rule> common() {
    return common;
  }

  /** The additional rules per business line. */
  public Map<String, List<Rule>> byLine() {
    return byLine;
  }

  /** Masks {@code document} in place and returns it. */
  public ObjectNode mask(ObjectNode document) {
    for (Rule rule : common) {
      apply(document, rule);
    }
    JsonNode line = document.get("businessLine");
    if (line != null && line.isTextual()) {
      for (Rule rule : byLine.getOrDefault(line.asText(), List.of())) {
        apply(document, rule);
      }
    }
    return document;
  }

  private static void apply(ObjectNode document, Rule rule) {
    String[] segments = rule.path().split("\\.");
    ObjectNode parent = document;
    for (int i = 0; i < segments.length - 1; i++) {
      JsonNode child = parent.get(segments[i]);
      if (child == null || !child.isObject()) {
        return;
      }
      parent = (ObjectNode) child;
    }
    String last = segments[segments.length - 1];
    JsonNode value = parent.get(last);
    if (value != null && !value.isNull()) {
      parent.set(last, masked(value, rule.kind()));
    }
  }

  private static JsonNode masked(JsonNode value, Kind kind) {
    if (value.isArray()) {
      ArrayNode array = Json.MAPPER.createArrayNode();
      value.forEach(element -> array.add(element.isNull() ? element : masked(element, kind)));
      return array;
    }
    if (value.isValueNode()) {
      return TextNode.valueOf(kind.apply(value.asText()));
    }
    return TextNode.valueOf(FULL_MASK);
  }

  /**
   * {@code text} with every character but the first {@code keepStart} and the last {@code keepEnd}
   * replaced by {@code *}; wholly masked when it is not longer than what would be kept (a short
   * value is never shown whole).
   */
  static String mask(String text, int keepStart, int keepEnd) {
    int[] codePoints = text.codePoints().toArray();
    int n = codePoints.length;
    StringBuilder out = new StringBuilder(n);
    boolean keepNone = n <= keepStart + keepEnd;
    for (int i = 0; i < n; i++) {
      boolean keep = !keepNone && (i < keepStart || i >= n - keepEnd);
      if (keep) {
        out.appendCodePoint(codePoints[i]);
      } else {
        out.append('*');
      }
    }
    return out.toString();
  }

  static String maskEmail(String text) {
    int at = text.lastIndexOf('@');
    if (at <= 0 || at == text.length() - 1) {
      return mask(text, 0, 0);
    }
    String local = text.substring(0, at);
    return local.substring(0, local.offsetByCodePoints(0, 1)) + "***" + text.substring(at);
  }
}
