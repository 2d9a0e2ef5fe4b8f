package dev.hamal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderStatus;
import dev.hamal.order.UnifiedOrder;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which changes a subscription wants: of these business lines ({@code *} for every line its key may
 * read), with the order (after the change; before it, for a delete) in one of these statuses, by
 * one of these operations. An empty status or operation set means all of them.
 *
 * @param businessLines the lines, or {@code *}; never empty
 * @param statuses the statuses; empty for all
 * @param operations the operations; empty for all
 */
record SubscriptionFilter(
    Set<String> businessLines, Set<OrderStatus> statuses, Set<OrderChange.Operation> operations) {

  SubscriptionFilter {
    businessLines = Set.copyOf(businessLines);
    statuses = statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
    operations = operations.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(operations));
    if (businessLines.isEmpty()) {
      throw new IllegalArgumentException("a filter names at least one line, or *");
    }
  }

  boolean allLines() {
    return businessLines.contains(KeyScopes.ALL);
  }

  /** Whether {@code change} passes this filter (the key's own scopes are checked elsewhere). */
  boolean matches(OrderChange change) {
    if (!allLines() && !businessLines.contains(change.businessLine())) {
      return false;
    }
    if (!operations.isEmpty() && !operations.contains(change.operation())) {
      return false;
    }
    UnifiedOrder image = change.after().or(change::before).orElseThrow();
    return statuses.isEmpty() || statuses.contains(image.status());
  }

  ObjectNode toJson() {
    ObjectNode json = Json.object();
    ArrayNode lines = json.putArray("businessLines");
    businessLines.stream().sorted().forEach(lines::add);
    ArrayNode s = json.putArray("statuses");
    statuses.stream().sorted().forEach(status -> s.add(status.name()));
    ArrayNode o = json.putArray("operations");
    operations.stream().sorted().forEach(op -> o.add(op.name()));
    return json;
  }

  /**
   * Reads a filter from a request, each problem reported under {@code /filter}; a missing filter or
   * missing lines mean every line the key reads ({@code *} when it reads all, else its lines).
   */
  static SubscriptionFilter fromJson(
      JsonNode json, KeyScopes scopes, List<ApiProblem.FieldError> errors) {
    Set<String> lines = new LinkedHashSet<>();
    Set<OrderStatus> statuses = EnumSet.noneOf(OrderStatus.class);
    Set<OrderChange.Operation> operations = EnumSet.noneOf(OrderChange.Operation.class);
    if (json != null && !json.isNull()) {
      if (!json.isObject()) {
        errors.add(new ApiProblem.FieldError("/filter", "must be an object"));
        return fromJson(null, scopes, errors);
      }
      for (var names = json.fieldNames(); names.hasNext(); ) {
        String field = names.next();
        if (!Set.of("businessLines", "statuses", "operations").contains(field)) {
          errors.add(new ApiProblem.FieldError("/filter/" + field, "unknown field"));
        }
      }
      List<String> lineItems = items(json.get("businessLines"), "/filter/businessLines", errors);
      for (int i = 0; i < lineItems.size(); i++) {
        String line = lineItems.get(i);
        if (line == null) {
          continue;
        }
        if (line.equals(KeyScopes.ALL) || KeyScopes.NAME.matcher(line).matches()) {
          lines.add(line);
        } else {
          errors.add(
              new ApiProblem.FieldError(
                  "/filter/businessLines/" + i, "must be a line name ([a-z0-9_-], 1-64) or \"*\""));
        }
      }
      List<String> statusItems = items(json.get("statuses"), "/filter/statuses", errors);
      for (int i = 0; i < statusItems.size(); i++) {
        String status = statusItems.get(i);
        if (status == null) {
          continue;
        }
        try {
          statuses.add(OrderStatus.valueOf(status));
        } catch (IllegalArgumentException e) {
          errors.add(
              new ApiProblem.FieldError(
                  "/filter/statuses/" + i, "must be one of " + List.of(OrderStatus.values())));
        }
      }
      List<String> operationItems = items(json.get("operations"), "/filter/operations", errors);
      for (int i = 0; i < operationItems.size(); i++) {
        String operation = operationItems.get(i);
        if (operation == null) {
          continue;
        }
        try {
          operations.add(OrderChange.Operation.valueOf(operation));
        } catch (IllegalArgumentException e) {
          errors.add(
              new ApiProblem.FieldError(
                  "/filter/operations/" + i, "must be one of INSERT, UPDATE, DELETE"));
        }
      }
    }
    if (lines.isEmpty()) {
      if (scopes.readsAllLines()) {
        lines.add(KeyScopes.ALL);
      } else {
        lines.addAll(scopes.businessLines());
      }
    }
    if (lines.contains(KeyScopes.ALL) && lines.size() > 1) {
      lines = new LinkedHashSet<>(Set.of(KeyScopes.ALL));
    }
    return new SubscriptionFilter(lines, statuses, operations);
  }

  /** The lines of this filter the key may not read ({@code *} when it names all but reads some). */
  Set<String> linesOutside(KeyScopes scopes) {
    if (scopes.readsAllLines()) {
      return Set.of();
    }
    Set<String> outside = new LinkedHashSet<>();
    for (String line : businessLines) {
      if (!scopes.mayRead(line)) {
        outside.add(line);
      }
    }
    return outside;
  }

  /**
   * The items of an array field by index, {@code null} where an item is not a string (reported);
   * empty when the field is absent or not a list of at most 1,000 items (reported).
   */
  private static List<String> items(
      JsonNode node, String pointer, List<ApiProblem.FieldError> errors) {
    List<String> items = new ArrayList<>();
    if (node == null || node.isNull()) {
      return items;
    }
    if (!node.isArray()) {
      errors.add(new ApiProblem.FieldError(pointer, "must be a list of strings"));
      return items;
    }
    if (node.size() > 1_000) {
      errors.add(new ApiProblem.FieldError(pointer, "must have at most 1000 items"));
      return items;
    }
    for (int i = 0; i < node.size(); i++) {
      if (node.get(i).isTextual()) {
        items.add(node.get(i).asText());
      } else {
        errors.add(new ApiProblem.FieldError(pointer + "/" + i, "must be a string"));
        items.add(null);
      }
    }
    return items;
  }
}
