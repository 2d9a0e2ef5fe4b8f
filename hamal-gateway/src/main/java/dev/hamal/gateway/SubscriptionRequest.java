package dev.hamal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A request to create a subscription, read and checked: every invalid field is reported at once
 * with its JSON pointer (422); lines outside the key's scopes are a 403; a template the key may not
 * use is a 403, one that does not exist a 422 on {@code /template}.
 *
 * @param generatedSecret whether the webhook secret was generated (and must be shown once)
 */
record SubscriptionRequest(
    String name,
    SubscriptionFilter filter,
    Optional<String> template,
    Subscription.Destination destination,
    boolean generatedSecret) {

  private static final Set<String> FIELDS = Set.of("name", "filter", "template", "destination");
  private static final SecureRandom RANDOM = new SecureRandom();

  static SubscriptionRequest parse(
      ObjectNode body, Caller caller, RenderPlans plans, boolean allowPrivateTargets) {
    List<ApiProblem.FieldError> errors = new ArrayList<>();
    for (var names = body.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!FIELDS.contains(field)) {
        errors.add(new ApiProblem.FieldError("/" + field, "unknown field"));
      }
    }
    String name = null;
    JsonNode n = body.get("name");
    if (n == null || n.isNull()) {
      errors.add(new ApiProblem.FieldError("/name", "is required"));
    } else if (!n.isTextual() || n.asText().isBlank() || n.asText().length() > 200) {
      errors.add(new ApiProblem.FieldError("/name", "must be a non-blank string of 1-200 chars"));
    } else {
      name = n.asText().strip();
    }
    SubscriptionFilter filter =
        SubscriptionFilter.fromJson(body.get("filter"), caller.scopes(), errors);
    Optional<String> template = Optional.empty();
    JsonNode t = body.get("template");
    if (t != null && !t.isNull()) {
      if (!t.isTextual() || t.asText().isEmpty() || t.asText().length() > 100) {
        errors.add(
            new ApiProblem.FieldError("/template", "must be a template name or name@version"));
      } else {
        template = Optional.of(t.asText());
      }
    }
    Subscription.Destination destination = null;
    boolean generated = false;
    JsonNode d = body.get("destination");
    if (d == null || d.isNull()) {
      errors.add(new ApiProblem.FieldError("/destination", "is required"));
    } else if (!d.isObject()) {
      errors.add(new ApiProblem.FieldError("/destination", "must be an object"));
    } else {
      JsonNode type = d.get("type");
      if (type == null || !type.isTextual()) {
        errors.add(new ApiProblem.FieldError("/destination/type", "is required: webhook or sse"));
      } else if (type.asText().equals("sse")) {
        for (var names = d.fieldNames(); names.hasNext(); ) {
          String field = names.next();
          if (!field.equals("type")) {
            errors.add(
                new ApiProblem.FieldError("/destination/" + field, "is not allowed for type sse"));
          }
        }
        destination = new Subscription.EventStream();
      } else if (type.asText().equals("webhook")) {
        for (var names = d.fieldNames(); names.hasNext(); ) {
          String field = names.next();
          if (!Set.of("type", "url", "secret").contains(field)) {
            errors.add(new ApiProblem.FieldError("/destination/" + field, "unknown field"));
          }
        }
        URI url = url(d.get("url"), allowPrivateTargets, errors);
        String secret = null;
        JsonNode s = d.get("secret");
        if (s == null || s.isNull()) {
          byte[] bytes = new byte[32];
          RANDOM.nextBytes(bytes);
          secret = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
          generated = true;
        } else if (!s.isTextual()
            || s.asText().length() < 16
            || s.asText().length() > 256
            || !s.asText().chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
          errors.add(
              new ApiProblem.FieldError(
                  "/destination/secret", "must be 16-256 printable ASCII characters, no spaces"));
        } else {
          secret = s.asText();
        }
        if (url != null && secret != null) {
          destination = new Subscription.Webhook(url, secret);
        }
      } else {
        errors.add(new ApiProblem.FieldError("/destination/type", "must be webhook or sse"));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalidBody("invalid subscription", errors);
    }
    Set<String> outside = filter.linesOutside(caller.scopes());
    if (!outside.isEmpty()) {
      throw ApiProblem.forbidden(
          "this key may not read business lines " + outside + " (filter/businessLines)");
    }
    try {
      plans.plan(caller, template);
    } catch (ApiProblem e) {
      if (e.status() == 403) {
        throw e;
      }
      throw ApiProblem.invalidBody(
          "invalid subscription", List.of(new ApiProblem.FieldError("/template", e.getMessage())));
    }
    return new SubscriptionRequest(name, filter, template, destination, generated);
  }

  private static URI url(JsonNode node, boolean allowPrivate, List<ApiProblem.FieldError> errors) {
    String pointer = "/destination/url";
    if (node == null || node.isNull()) {
      errors.add(new ApiProblem.FieldError(pointer, "is required for a webhook"));
      return null;
    }
    if (!node.isTextual() || node.asText().length() > 2048) {
      errors.add(
          new ApiProblem.FieldError(pointer, "must be an http(s) URL of at most 2048 chars"));
      return null;
    }
    URI uri;
    try {
      uri = new URI(node.asText());
    } catch (URISyntaxException e) {
      errors.add(new ApiProblem.FieldError(pointer, "is not a URL: " + e.getReason()));
      return null;
    }
    String scheme =
        uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      errors.add(new ApiProblem.FieldError(pointer, "must use http or https"));
      return null;
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      errors.add(new ApiProblem.FieldError(pointer, "must name a host"));
      return null;
    }
    if (uri.getRawUserInfo() != null) {
      errors.add(new ApiProblem.FieldError(pointer, "must not carry user info (use the secret)"));
      return null;
    }
    if (uri.getRawFragment() != null) {
      errors.add(new ApiProblem.FieldError(pointer, "must not have a fragment"));
      return null;
    }
    if (!allowPrivate) {
      try {
        for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
          if (address.isLoopbackAddress()
              || address.isSiteLocalAddress()
              || address.isLinkLocalAddress()
              || address.isAnyLocalAddress()
              || address.isMulticastAddress()
              || (address.getAddress().length == 16 && (address.getAddress()[0] & 0xfe) == 0xfc)) {
            errors.add(
                new ApiProblem.FieldError(
                    pointer, "points at a private address (" + address.getHostAddress() + ")"));
            return null;
          }
        }
      } catch (UnknownHostException e) {
        errors.add(new ApiProblem.FieldError(pointer, "host " + uri.getHost() + " is unknown"));
        return null;
      }
    }
    return uri;
  }
}
