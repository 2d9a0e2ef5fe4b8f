package dev.hamal.gateway;

import dev.hamal.order.OrderStatus;
import io.helidon.common.uri.UriQuery;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Strict reading of query parameters: an unknown parameter, a repeated single-valued one, or a
 * value of the wrong type is a 400 that names the parameter; nothing is silently ignored.
 */
final class QueryParameters {
  private static final int MAX_VALUE_CHARS = 2_048;
  private static final int MAX_LIST_ITEMS = 100;

  private static final Set<String> STATUS_NAMES =
      Arrays.stream(OrderStatus.values()).map(Enum::name).collect(Collectors.toUnmodifiableSet());
  private static final String STATUS_LIST =
      Arrays.stream(OrderStatus.values())
          .map(Enum::name)
          .sorted()
          .collect(Collectors.joining(", "));

  private final UriQuery query;

  private QueryParameters(UriQuery query) {
    this.query = query;
  }

  /**
   * The parameters of {@code query}, refusing names not in {@code known}.
   *
   * @throws ApiProblem 400 naming the unknown parameter
   */
  static QueryParameters of(UriQuery query, Set<String> known) {
    for (String name : query.names()) {
      if (!known.contains(name)) {
        throw ApiProblem.invalidParameter(
            name.length() > 64 ? name.substring(0, 64) + "..." : name,
            "unknown parameter (accepted: "
                + String.join(", ", known.stream().sorted().toList())
                + ")");
      }
    }
    return new QueryParameters(query);
  }

  Optional<String> text(String name, int maxChars) {
    if (!query.contains(name)) {
      return Optional.empty();
    }
    List<String> values = query.all(name);
    if (values.size() != 1) {
      throw ApiProblem.invalidParameter(name, "must be given once");
    }
    String value = values.get(0);
    if (value.isEmpty()) {
      throw ApiProblem.invalidParameter(name, "must not be empty");
    }
    if (value.length() > maxChars) {
      throw ApiProblem.invalidParameter(name, "must be at most " + maxChars + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw ApiProblem.invalidParameter(name, "must not contain control characters");
      }
    }
    return Optional.of(value);
  }

  /**
   * Every value, from repeated parameters and comma-separated lists, each checked by {@code parse}.
   */
  <T> Set<T> list(String name, Function<String, T> parse) {
    Set<T> values = new LinkedHashSet<>();
    if (!query.contains(name)) {
      return values;
    }
    for (String raw : query.all(name)) {
      if (raw.length() > MAX_VALUE_CHARS) {
        throw ApiProblem.invalidParameter(name, "is too long");
      }
      for (String item : raw.split(",", -1)) {
        String trimmed = item.trim();
        if (trimmed.isEmpty()) {
          throw ApiProblem.invalidParameter(name, "has an empty item");
        }
        values.add(parse.apply(trimmed));
        if (values.size() > MAX_LIST_ITEMS) {
          throw ApiProblem.invalidParameter(name, "has more than " + MAX_LIST_ITEMS + " items");
        }
      }
    }
    return values;
  }

  /** The statuses named by {@code name}, case-insensitively. */
  Set<OrderStatus> statuses(String name) {
    return list(
        name,
        text -> {
          String upper = text.toUpperCase(Locale.ROOT);
          if (!STATUS_NAMES.contains(upper)) {
            throw ApiProblem.invalidParameter(
                name, "'" + abbreviate(text) + "' is not a status (accepted: " + STATUS_LIST + ")");
          }
          return OrderStatus.valueOf(upper);
        });
  }

  /**
   * The business lines named by {@code name}, each a valid line name, in {@code known} (when not
   * empty) and readable by {@code caller} (403 otherwise); when none is named, the lines the caller
   * may read (empty for a key that reads every line, meaning "all").
   */
  Set<String> businessLines(String name, Caller caller, Set<String> known) {
    Set<String> lines =
        list(
            name,
            line -> {
              if (!KeyScopes.NAME.matcher(line).matches()) {
                throw ApiProblem.invalidParameter(
                    name, "'" + abbreviate(line) + "' is not a business line name");
              }
              if (!known.isEmpty() && !known.contains(line)) {
                throw ApiProblem.invalidParameter(name, "no business line " + line);
              }
              if (!caller.scopes().mayRead(line)) {
                throw ApiProblem.forbidden("this key may not read business line " + line);
              }
              return line;
            });
    if (lines.isEmpty() && !caller.scopes().readsAllLines()) {
      return caller.scopes().businessLines();
    }
    return lines;
  }

  /** {@code text}, cut to 40 characters for a message. */
  static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }

  Optional<Instant> instant(String name) {
    return text(name, 64)
        .map(value -> {
          try {
            return Instant.parse(value);
          } catch (DateTimeException e) {
            try {
              return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeException e2) {
              throw ApiProblem.invalidParameter(
                  name, "must be an ISO-8601 instant such as 2026-01-31T16:00:00Z");
            }
          }
        });
  }

  OptionalLong nonNegativeLong(String name) {
    Optional<String> value = text(name, 20);
    if (value.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      long parsed = Long.parseLong(value.get());
      if (parsed < 0) {
        throw ApiProblem.invalidParameter(name, "must not be negative");
      }
      return OptionalLong.of(parsed);
    } catch (NumberFormatException e) {
      throw ApiProblem.invalidParameter(name, "must be an integer (minor units)");
    }
  }

  OptionalInt intInRange(String name, int min, int max) {
    Optional<String> value = text(name, 11);
    if (value.isEmpty()) {
      return OptionalInt.empty();
    }
    try {
      int parsed = Integer.parseInt(value.get());
      if (parsed < min || parsed > max) {
        throw ApiProblem.invalidParameter(name, "must be " + min + " to " + max);
      }
      return OptionalInt.of(parsed);
    } catch (NumberFormatException e) {
      throw ApiProblem.invalidParameter(name, "must be an integer from " + min + " to " + max);
    }
  }
}
