package dev.hamal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hamal.order.OrderChange;
import dev.hamal.order.StoredOrder;
import dev.hamal.order.UnifiedOrder;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The JSON document of an order that templates read and that a request without a template gets: the
 * unified order in the field names of the order-change format ({@code orderId}, {@code
 * businessLine}, {@code source{schema,table,id}}, {@code userId}, {@code status}, {@code
 * amounts{total,paid,discount,refunded}} in minor units, {@code currency}, {@code paymentChannel},
 * {@code settlementState}, {@code product{sku,name,faceValue}}, {@code
 * times{createdAt,paidAt,finishedAt,updatedAt}} as ISO-8601 instants, {@code ext}), plus {@code
 * state}, {@code version} and {@code commitTime} of the stored record. Fields without a value are
 * absent, never {@code null}.
 *
 * <p>A subscription delivery's document is the same with {@code operation} (INSERT, UPDATE, DELETE)
 * added, built from the change's after image (the before image for a delete).
 */
public final class OrderDocuments {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private OrderDocuments() {}

  /** The document of a stored order. */
  public static ObjectNode of(StoredOrder stored) {
    ObjectNode json = of(stored.order());
    json.put("state", stored.state().name());
    json.put("version", stored.version().toString());
    json.put("commitTime", stored.commitTime().toString());
    return json;
  }

  /** The document of a change: the order as it is after the change, and what happened. */
  public static ObjectNode of(OrderChange change) {
    UnifiedOrder order =
        change
            .after()
            .or(change::before)
            .orElseThrow(() ->
                new IllegalArgumentException("change of " + change.orderId() + " has no image"));
    ObjectNode json = of(order);
    json.put("state", change.operation() == OrderChange.Operation.DELETE ? "DELETED" : "LIVE");
    json.put("version", change.version().toString());
    json.put("commitTime", change.commitTime().toString());
    json.put("operation", change.operation().name());
    return json;
  }

  /** The document of an order. */
  public static ObjectNode of(UnifiedOrder order) {
    ObjectNode json = NODES.objectNode();
    json.put("orderId", order.orderId());
    json.put("businessLine", order.businessLine());
    json.putObject("source")
        .put("schema", order.sourceSchema())
        .put("table", order.sourceTable())
        .put("id", order.sourceId());
    optional(json, "userId", order.userId());
    json.put("status", order.status().name());
    ObjectNode amounts = json.putObject("amounts");
    amounts.put("total", order.totalAmount());
    optional(amounts, "paid", order.paidAmount());
    optional(amounts, "discount", order.discountAmount());
    optional(amounts, "refunded", order.refundedAmount());
    json.put("currency", order.currency());
    optional(json, "paymentChannel", order.paymentChannel());
    optional(json, "settlementState", order.settlementState());
    ObjectNode product = json.putObject("product");
    optional(product, "sku", order.product().sku());
    optional(product, "name", order.product().name());
    optional(product, "faceValue", order.product().faceValue());
    ObjectNode times = json.putObject("times");
    times.put("createdAt", order.createdAt().toString());
    optional(times, "paidAt", order.paidAt().map(Instant::toString));
    optional(times, "finishedAt", order.finishedAt().map(Instant::toString));
    optional(times, "updatedAt", order.updatedAt().map(Instant::toString));
    json.set("ext", value(order.ext()));
    return json;
  }

  private static void optional(ObjectNode json, String name, Optional<String> value) {
    value.ifPresent(v -> json.put(name, v));
  }

  private static void optional(ObjectNode json, String name, OptionalLong value) {
    if (value.isPresent()) {
      json.put(name, value.getAsLong());
    }
  }

  private static JsonNode value(Object value) {
    return switch (value) {
      case String s -> NODES.textNode(s);
      case Boolean b -> NODES.booleanNode(b);
      case Long l -> NODES.numberNode(l);
      case BigInteger b -> NODES.numberNode(b);
      case BigDecimal d -> NODES.numberNode(d);
      case List<?> list -> {
        ArrayNode array = NODES.arrayNode(list.size());
        list.forEach(element -> array.add(value(element)));
        yield array;
      }
      case Map<?, ?> map -> {
        ObjectNode object = NODES.objectNode();
        map.forEach((k, v) -> object.set((String) k, value(v)));
        yield object;
      }
      default -> throw new IllegalStateException("not a normalised ext value: " + value.getClass());
    };
  }
}
