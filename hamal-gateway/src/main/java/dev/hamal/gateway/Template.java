package dev.hamal.gateway;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A compiled data template: the output object's fields in template order, each a compiled JSONata
 * expression or a nested object of fields, evaluated against an order document.
 *
 * <p>Compiling ({@link #compile}) checks the whole body and reports every problem at once, each
 * under a JSON pointer into the body ({@code /fields/buyer/phone}); nothing is partly accepted.
 *
 * <p>Rendering: each expression runs against the same input (the order document converted once to
 * JSONata's maps and lists) under bounds: the whole render shares one time budget and each
 * evaluation has a maximum evaluation depth, so a recursive or looping expression fails instead of
 * spinning. An expression that yields undefined omits its field; one that fails (a type error, a
 * bad function argument, a bound exceeded) fails the render with a 422 naming the field. The input
 * is already masked when the caller may not see personal data (see {@link MaskingPolicy}); a
 * template never sees anything else: {@code $eval} is removed and the evaluator's own bindings are
 * out of reach (see {@link TemplateExpressionCheck}).
 *
 * <p>Immutable and thread-safe: a compiled JSONata expression evaluates concurrently when each
 * evaluation gets its own frame, as here.
 */
final class Template {
  /** The largest template body, serialized, in bytes. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  /** The most fields (expressions and nested objects together) a template may have. */
  static final int MAX_FIELDS = 200;

  /** The deepest nesting of field objects ({@code fields} itself is level 1). */
  static final int MAX_DEPTH = 8;

  /** The longest expression, in characters. */
  static final int MAX_EXPRESSION_CHARS = 2_000;

  /** The longest description, in characters. */
  static final int MAX_DESCRIPTION_CHARS = 1_000;

  /** The evaluation depth one expression may reach. */
  static final int MAX_EVALUATION_DEPTH = 200;

  private static final Set<String> TOP_LEVEL = Set.of("description", "fields", "businessLines");

  private sealed interface Field permits Expression, Group {
    String key();

    String pointer();
  }

  private record Expression(String key, String pointer, Jsonata compiled) implements Field {}

  private record Group(String key, String pointer, List<Field> fields) implements Field {}

  private final String id;
  private final String description;
  private final Set<String> businessLines;
  private final List<Field> fields;

  private Template(String id, String description, Set<String> businessLines, List<Field> fields) {
    this.id = id;
    this.description = description;
    this.businessLines = businessLines;
    this.fields = fields;
  }

  /** {@code name@version}. */
  String id() {
    return id;
  }

  String description() {
    return description;
  }

  /** The lines the template is restricted to; empty for all. */
  Set<String> businessLines() {
    return businessLines;
  }

  /**
   * Compiles a template body.
   *
   * @param id {@code name@version}, for messages
   * @throws ApiProblem 422 listing every problem, each with a pointer into {@code body}
   */
  static Template compile(String id, JsonNode body) {
    List<ApiProblem.FieldError> errors = new ArrayList<>();
    if (!body.isObject()) {
      throw ApiProblem.invalidBody(
          "a template must be an object",
          List.of(new ApiProblem.FieldError("", "must be an object")));
    }
    int size = serializedSize(body);
    if (size > MAX_BODY_BYTES) {
      throw ApiProblem.invalidBody(
          "the template is too large",
          List.of(
              new ApiProblem.FieldError(
                  "", "is " + size + " bytes; a template may have at most " + MAX_BODY_BYTES)));
    }
    for (var names = body.fieldNames(); names.hasNext(); ) {
      String key = names.next();
      if (!TOP_LEVEL.contains(key)) {
        errors.add(
            new ApiProblem.FieldError(
                "/" + escape(key),
                "unknown key (a template has description, fields and businessLines)"));
      }
    }
    String description = "";
    JsonNode d = body.get("description");
    if (d != null) {
      if (!d.isTextual()) {
        errors.add(new ApiProblem.FieldError("/description", "must be text"));
      } else if (d.asText().length() > MAX_DESCRIPTION_CHARS) {
        errors.add(
            new ApiProblem.FieldError(
                "/description", "must have at most " + MAX_DESCRIPTION_CHARS + " characters"));
      } else {
        description = d.asText();
      }
    }
    Set<String> lines = new LinkedHashSet<>();
    JsonNode l = body.get("businessLines");
    if (l != null) {
      if (!l.isArray() || l.isEmpty()) {
        errors.add(
            new ApiProblem.FieldError(
                "/businessLines",
                "must be a non-empty list of business line names (omit it for all lines)"));
      } else {
        for (int i = 0; i < l.size(); i++) {
          JsonNode line = l.get(i);
          if (!line.isTextual() || !KeyScopes.NAME.matcher(line.asText()).matches()) {
            errors.add(
                new ApiProblem.FieldError(
                    "/businessLines/" + i, "must be a business line name ([a-z0-9_-], 1-64)"));
          } else if (!lines.add(line.asText())) {
            errors.add(new ApiProblem.FieldError("/businessLines/" + i, "is listed twice"));
          }
        }
      }
    }
    List<Field> fields = List.of();
    JsonNode f = body.get("fields");
    if (f == null) {
      errors.add(new ApiProblem.FieldError("/fields", "is required: an object of output fields"));
    } else if (!f.isObject()) {
      errors.add(new ApiProblem.FieldError("/fields", "must be an object of output fields"));
    } else {
      int[] count = {0};
      fields = fields((ObjectNode) f, "/fields", 1, count, errors);
      if (count[0] > MAX_FIELDS) {
        errors.add(
            new ApiProblem.FieldError(
                "/fields",
                "has " + count[0] + " fields; a template may have at most " + MAX_FIELDS));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalidBody(
          "the template is invalid ("
              + errors.size()
              + " problem"
              + (errors.size() == 1 ? "" : "s")
              + ")",
          errors);
    }
    return new Template(id, description, Set.copyOf(lines), fields);
  }

  private static List<Field> fields(
      ObjectNode object,
      String pointer,
      int depth,
      int[] count,
      List<ApiProblem.FieldError> errors) {
    if (object.isEmpty()) {
      errors.add(new ApiProblem.FieldError(pointer, "must have at least one field"));
      return List.of();
    }
    List<Field> fields = new ArrayList<>();
    for (var entry : object.properties()) {
      String key = entry.getKey();
      String at = pointer + "/" + escape(key);
      count[0]++;
      JsonNode value = entry.getValue();
      if (key.isEmpty()) {
        errors.add(new ApiProblem.FieldError(at, "a field name must not be empty"));
        continue;
      }
      if (key.length() > 128) {
        errors.add(new ApiProblem.FieldError(at, "a field name may have at most 128 characters"));
        continue;
      }
      if (value.isTextual()) {
        Jsonata compiled = expression(value.asText(), at, errors);
        if (compiled != null) {
          fields.add(new Expression(key, at, compiled));
        }
      } else if (value.isObject()) {
        if (depth >= MAX_DEPTH) {
          errors.add(
              new ApiProblem.FieldError(
                  at, "nests field objects deeper than " + MAX_DEPTH + " levels"));
          continue;
        }
        fields.add(new Group(key, at, fields((ObjectNode) value, at, depth + 1, count, errors)));
      } else {
        errors.add(
            new ApiProblem.FieldError(
                at, "must be a JSONata expression (text) or an object of fields"));
      }
    }
    return List.copyOf(fields);
  }

  private static Jsonata expression(
      String text, String pointer, List<ApiProblem.FieldError> errors) {
    if (text.isBlank()) {
      errors.add(new ApiProblem.FieldError(pointer, "the expression is empty"));
      return null;
    }
    if (text.length() > MAX_EXPRESSION_CHARS) {
      errors.add(
          new ApiProblem.FieldError(
              pointer,
              "the expression has "
                  + text.length()
                  + " characters; at most "
                  + MAX_EXPRESSION_CHARS
                  + " are allowed"));
      return null;
    }
    var findings = TemplateExpressionCheck.check(text);
    if (!findings.isEmpty()) {
      for (var finding : findings) {
        errors.add(
            new ApiProblem.FieldError(
                pointer, finding.message() + " (at position " + finding.position() + ")"));
      }
      return null;
    }
    Jsonata compiled;
    try {
      compiled = Jsonata.jsonata(text);
    } catch (JException e) {
      errors.add(
          new ApiProblem.FieldError(
              pointer,
              "syntax error "
                  + code(e)
                  + " at position "
                  + e.getLocation()
                  + ": "
                  + e.getMessage()));
      return null;
    } catch (RuntimeException | StackOverflowError e) {
      errors.add(new ApiProblem.FieldError(pointer, "the expression cannot be parsed"));
      return null;
    }
    compiled.setValidateInput(false);
    TemplateFunctions.register(compiled);
    return compiled;
  }

  /**
   * Renders {@code document} (already masked as the caller requires) within {@code budget}.
   *
   * @throws ApiProblem 422 naming the field that failed
   */
  ObjectNode render(ObjectNode document, Duration budget) {
    JsonNode line = document.get("businessLine");
    if (!businessLines.isEmpty()
        && (line == null || !line.isTextual() || !businessLines.contains(line.asText()))) {
      throw ApiProblem.invalidBody(
          "template "
              + id
              + " applies to business lines "
              + businessLines.stream().sorted().toList()
              + ", not to order "
              + document.path("orderId").asText("?")
              + " of line "
              + (line == null ? "(none)" : line.asText()),
          List.of(
              new ApiProblem.FieldError("/businessLines", "does not include the order's line")));
    }
    Object input = Json.MAPPER.convertValue(document, Map.class);
    long deadline = System.nanoTime() + budget.toNanos();
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    render(fields, input, out, deadline, budget, document);
    return out;
  }

  private void render(
      List<Field> fields,
      Object input,
      ObjectNode out,
      long deadline,
      Duration budget,
      ObjectNode document) {
    for (Field field : fields) {
      switch (field) {
        case Group group ->
            render(group.fields(), input, out.putObject(group.key()), deadline, budget, document);
        case Expression expression -> {
          JsonNode value = evaluate(expression, input, deadline, budget, document);
          if (value != null) {
            out.set(expression.key(), value);
          }
        }
      }
    }
  }

  private JsonNode evaluate(
      Expression expression, Object input, long deadline, Duration budget, ObjectNode document) {
    long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
    if (remainingMs <= 0) {
      throw failure(
          expression,
          document,
          "the template exceeded its time budget of " + budget.toMillis() + " ms");
    }
    Object result;
    try {
      Jsonata.Frame frame = expression.compiled().createFrame();
      frame.setRuntimeBounds(remainingMs, MAX_EVALUATION_DEPTH);
      result = expression.compiled().evaluate(input, frame);
    } catch (TemplateFunctionException e) {
      throw failure(expression, document, e.getMessage());
    } catch (JException e) {
      throw failure(expression, document, runtimeMessage(e, budget));
    } catch (StackOverflowError e) {
      throw failure(expression, document, "the expression recursed too deeply");
    } catch (RuntimeException e) {
      // the evaluator has its own failures beyond JException (a cast on unexpected data)
      Throwable cause = e.getCause() instanceof TemplateFunctionException t ? t : e;
      throw failure(
          expression,
          document,
          cause instanceof TemplateFunctionException
              ? cause.getMessage()
              : "evaluation failed (" + e.getClass().getSimpleName() + ")");
    }
    try {
      return toNode(result);
    } catch (IllegalArgumentException e) {
      throw failure(expression, document, e.getMessage());
    }
  }

  private static String runtimeMessage(JException e, Duration budget) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (message.contains("Expression evaluation timeout")) {
      return "the template exceeded its time budget of " + budget.toMillis() + " ms";
    }
    if (message.contains("Stack overflow error")) {
      return "the expression exceeded the evaluation depth of " + MAX_EVALUATION_DEPTH;
    }
    String text =
        code(e) + (e.getLocation() >= 0 ? " at position " + e.getLocation() : "") + ": " + message;
    return text.length() <= 300 ? text : text.substring(0, 300) + "…";
  }

  private static String code(JException e) {
    String error = e.getError();
    return error != null && error.matches("[A-Z]\\d{4}") ? error : "error";
  }

  private ApiProblem failure(Expression expression, ObjectNode document, String message) {
    return ApiProblem.invalidBody(
        "template "
            + id
            + " failed on order "
            + document.path("orderId").asText("?")
            + " at "
            + expression.pointer()
            + ": "
            + message,
        List.of(new ApiProblem.FieldError(expression.pointer(), message)));
  }

  /** JSONata's result as JSON; null for undefined. */
  private static JsonNode toNode(Object value) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (value == null) {
      return null;
    }
    if (value == Jsonata.NULL_VALUE) {
      return nodes.nullNode();
    }
    return switch (value) {
      case String s -> nodes.textNode(s);
      case Boolean b -> nodes.booleanNode(b);
      case Integer i -> nodes.numberNode(i);
      case Long l -> nodes.numberNode(l);
      case BigInteger b -> nodes.numberNode(b);
      case BigDecimal d -> nodes.numberNode(d);
      case Double d when d == Math.rint(d) && Math.abs(d) < 0x1p53 ->
          nodes.numberNode(d.longValue());
      case Double d when Double.isFinite(d) -> nodes.numberNode(d);
      case Float f when Float.isFinite(f) -> nodes.numberNode(f.doubleValue());
      case List<?> list -> {
        ArrayNode array = nodes.arrayNode(list.size());
        for (Object element : list) {
          JsonNode node = toNode(element);
          array.add(node == null ? nodes.nullNode() : node);
        }
        yield array;
      }
      case Map<?, ?> map -> {
        ObjectNode object = nodes.objectNode();
        for (var entry : map.entrySet()) {
          JsonNode node = toNode(entry.getValue());
          if (node != null) {
            object.set(String.valueOf(entry.getKey()), node);
          }
        }
        yield object;
      }
      default ->
          throw new IllegalArgumentException(
              "the expression yields "
                  + TemplateFunctions.describe(value)
                  + ", not a JSON value (call the function?)");
    };
  }

  private static int serializedSize(JsonNode body) {
    try {
      return Json.MAPPER.writeValueAsString(body).getBytes(StandardCharsets.UTF_8).length;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A key escaped for a JSON pointer (RFC 6901). */
  static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  @Override
  public String toString() {
    return "Template[" + Objects.requireNonNull(id) + "]";
  }
}
