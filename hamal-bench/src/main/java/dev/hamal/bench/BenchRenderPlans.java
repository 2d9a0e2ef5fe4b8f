package dev.hamal.bench;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hamal.gateway.ApiProblem;
import dev.hamal.gateway.Caller;
import dev.hamal.gateway.RenderPlans;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link RenderPlans} of {@code bench gateway}: no template gives the plain order document; the
 * one template {@value #TEMPLATE} is a JSONata expression (the template language of the gateway)
 * that projects and reshapes a few fields, evaluated on every order rendered.
 *
 * <p>TODO(lead): once {@code Templates} (the gateway's stored, versioned RenderPlans) is merged,
 * replace this class by {@code Templates} with {@link #EXPRESSION} stored as template {@value
 * #TEMPLATE}, so the benchmark measures the product's template path (lookup, masking, compile
 * cache) rather than this stand-in.
 *
 * <p>Masking is not modelled: the benchmark's key may read unmasked. One compiled expression is
 * shared by all threads (jsonata-java supports reusing a parsed expression across threads; only one
 * expression exists in this JVM).
 */
final class BenchRenderPlans implements RenderPlans {
  static final String TEMPLATE = "bench-summary";
  static final String EXPRESSION =
      """
      {
        "id": orderId,
        "line": businessLine,
        "user": userId,
        "status": $lowercase(status),
        "amount": amounts.total / 100,
        "paid": $exists(times.paidAt),
        "product": product.name,
        "created": times.createdAt
      }\
      """;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Jsonata expression = Jsonata.jsonata(EXPRESSION);
  private final RenderPlan plain =
      new RenderPlan() {
        @Override
        public Optional<String> template() {
          return Optional.empty();
        }

        @Override
        public JsonNode render(ObjectNode orderDocument) {
          return orderDocument;
        }
      };
  private final RenderPlan summary =
      new RenderPlan() {
        @Override
        public Optional<String> template() {
          return Optional.of(TEMPLATE + "@1");
        }

        @Override
        public JsonNode render(ObjectNode orderDocument) {
          Object input = MAPPER.convertValue(orderDocument, Map.class);
          return MAPPER.valueToTree(expression.evaluate(input));
        }
      };

  @Override
  public RenderPlan plan(Caller caller, Optional<String> templateRef) {
    if (templateRef.isEmpty()) {
      return plain;
    }
    String ref = templateRef.get();
    String name = ref.contains("@") ? ref.substring(0, ref.indexOf('@')) : ref;
    if (!name.equals(TEMPLATE) || !(ref.equals(name) || ref.equals(name + "@1"))) {
      throw ApiProblem.notFound("no template " + ref);
    }
    if (!caller.scopes().mayUseTemplate(name)) {
      throw ApiProblem.forbidden("this key may not use template " + name);
    }
    return summary;
  }
}
