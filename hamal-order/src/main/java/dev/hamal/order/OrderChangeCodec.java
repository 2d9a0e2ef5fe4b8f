package dev.hamal.order;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Writes {@link OrderChange}s as JSON messages and reads them back; the format is {@value #FORMAT}
 * and is described by {@code docs/schemas/order-change-1.schema.json}.
 *
 * <p>Every message carries {@code "format": "hamal.order-change/1"}; a reader refuses any other
 * value, so a future incompatible format is a new name, never a silent misreading. Within format 1
 * members are only ever added, and readers ignore members they do not know. Amounts are JSON
 * integers in minor units; times are ISO-8601 UTC strings ({@code 2025-06-18T02:03:04.5Z}); empty
 * optional parts are left out rather than written as {@code null}; {@code ext} keeps its order.
 *
 * <p>Thread-safe; one instance can serve every thread.
 */
public final class OrderChangeCodec {
  /** The format this codec writes and reads. */
  public static final String FORMAT = "hamal.order-change/1";

  private final ObjectMapper mapper =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .build();
  private final JsonFactory factory = mapper.getFactory();

  /** A codec. */
  public OrderChangeCodec() {}

  /** The change as UTF-8 JSON. */
  public byte[] encode(OrderChange change) {
    var out = new ByteArrayOutputStream(1024);
    try (JsonGenerator json = factory.createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeStringField("format", FORMAT);
      json.writeStringField("businessLine", change.businessLine());
      json.writeStringField("orderId", change.orderId());
      json.writeStringField("operation", change.operation().name());
      json.writeStringField("version", change.version().toString());
      json.writeStringField("commitTime", change.commitTime().toString());
      OrderChange.SourcePosition source = change.source();
      json.writeObjectFieldStart("source");
      json.writeStringField("pipe", source.pipe());
      json.writeStringField("binlogFile", source.binlogFile());
      json.writeNumberField("position", source.position());
      json.writeNumberField("rowIndex", source.rowIndex());
      if (source.gtid().isPresent()) {
        json.writeStringField("gtid", source.gtid().get());
      }
      json.writeNumberField("transactionId", source.transactionId());
      json.writeEndObject();
      if (change.before().isPresent()) {
        json.writeFieldName("before");
        writeOrder(json, change.before().get());
      }
      if (change.after().isPresent()) {
        json.writeFieldName("after");
        writeOrder(json, change.after().get());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * One order as UTF-8 JSON, in the shape of a change's {@code after} member. Stores that keep a
   * whole order as a document (the cache, the search index's source) use this form, so every store
   * reads back exactly the order it was given ({@link #decodeOrder}).
   */
  public byte[] encodeOrder(UnifiedOrder order) {
    var out = new ByteArrayOutputStream(768);
    try (JsonGenerator json = factory.createGenerator(out, JsonEncoding.UTF8)) {
      writeOrder(json, order);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Reads an order written by {@link #encodeOrder}.
   *
   * @throws OrderCodecException if the bytes are not such an order; the message names the member
   */
  public UnifiedOrder decodeOrder(byte[] bytes) {
    JsonNode root;
    try {
      root = mapper.readTree(bytes);
    } catch (IOException e) {
      throw new OrderCodecException("not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new OrderCodecException("an order is a JSON object");
    }
    try {
      return readOrder(root, "");
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new OrderCodecException("not a valid order: " + e.getMessage(), e);
    }
  }

  /** An order's {@code ext} attributes as a UTF-8 JSON object (for a store's JSON column). */
  public byte[] encodeExt(Map<String, Object> ext) {
    var out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = factory.createGenerator(out, JsonEncoding.UTF8)) {
      writeValue(json, ext);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Reads {@code ext} attributes written by {@link #encodeExt}, in their order, with the value
   * types {@link UnifiedOrder#ext()} allows.
   *
   * @throws OrderCodecException if the bytes are not a JSON object
   */
  public Map<String, Object> decodeExt(byte[] bytes) {
    JsonNode root;
    try {
      root = mapper.readTree(bytes);
    } catch (IOException e) {
      throw new OrderCodecException("not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new OrderCodecException("ext is a JSON object");
    }
    var ext = new java.util.LinkedHashMap<String, Object>();
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      if (!entry.getValue().isNull()) {
        ext.put(entry.getKey(), FieldExtractor.ExtJson.toValue(entry.getValue()));
      }
    }
    return ext;
  }

  private static void writeOrder(JsonGenerator json, UnifiedOrder order) throws IOException {
    json.writeStartObject();
    json.writeStringField("orderId", order.orderId());
    json.writeStringField("businessLine", order.businessLine());
    json.writeObjectFieldStart("source");
    json.writeStringField("schema", order.sourceSchema());
    json.writeStringField("table", order.sourceTable());
    json.writeStringField("id", order.sourceId());
    json.writeEndObject();
    optional(json, "userId", order.userId());
    json.writeStringField("status", order.status().name());
    json.writeObjectFieldStart("amounts");
    json.writeNumberField("total", order.totalAmount());
    optional(json, "paid", order.paidAmount());
    optional(json, "discount", order.discountAmount());
    optional(json, "refunded", order.refundedAmount());
    json.writeEndObject();
    json.writeStringField("currency", order.currency());
    optional(json, "paymentChannel", order.paymentChannel());
    optional(json, "settlementState", order.settlementState());
    json.writeObjectFieldStart("product");
    optional(json, "sku", order.product().sku());
    optional(json, "name", order.product().name());
    optional(json, "faceValue", order.product().faceValue());
    json.writeEndObject();
    json.writeObjectFieldStart("times");
    json.writeStringField("createdAt", order.createdAt().toString());
    optional(json, "paidAt", order.paidAt().map(Instant::toString));
    optional(json, "finishedAt", order.finishedAt().map(Instant::toString));
    optional(json, "updatedAt", order.updatedAt().map(Instant::toString));
    json.writeEndObject();
    json.writeFieldName("ext");
    writeValue(json, order.ext());
    json.writeEndObject();
  }

  private static void optional(JsonGenerator json, String name, Optional<String> value)
      throws IOException {
    if (value.isPresent()) {
      json.writeStringField(name, value.get());
    }
  }

  private static void optional(JsonGenerator json, String name, OptionalLong value)
      throws IOException {
    if (value.isPresent()) {
      json.writeNumberField(name, value.getAsLong());
    }
  }

  private static void writeValue(JsonGenerator json, Object value) throws IOException {
    switch (value) {
      case String s -> json.writeString(s);
      case Boolean b -> json.writeBoolean(b);
      case Long l -> json.writeNumber(l);
      case BigInteger b -> json.writeNumber(b);
      case BigDecimal d -> json.writeNumber(d);
      case List<?> list -> {
        json.writeStartArray();
        for (Object element : list) {
          writeValue(json, element);
        }
        json.writeEndArray();
      }
      case Map<?, ?> map -> {
        json.writeStartObject();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          json.writeFieldName((String) entry.getKey());
          writeValue(json, entry.getValue());
        }
        json.writeEndObject();
      }
      default -> throw new IllegalStateException("not a normalised ext value: " + value.getClass());
    }
  }

  /**
   * Reads a change written by {@link #encode}.
   *
   * @throws OrderCodecException if the bytes are not JSON, name another format, or miss or mistype
   *     a member; the message names the member
   */
  public OrderChange decode(byte[] bytes) {
    JsonNode root;
    try {
      root = mapper.readTree(bytes);
    } catch (IOException e) {
      throw new OrderCodecException("not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new OrderCodecException("an order change is a JSON object");
    }
    String format = text(root, "format", "");
    if (!FORMAT.equals(format)) {
      throw new OrderCodecException("format '" + format + "' is not " + FORMAT);
    }
    try {
      JsonNode source = object(root, "source", "");
      var position =
          new OrderChange.SourcePosition(
              text(source, "pipe", "source."),
              text(source, "binlogFile", "source."),
              integer(source, "position", "source."),
              integer(source, "rowIndex", "source."),
              optionalText(source, "gtid", "source."),
              integer(source, "transactionId", "source."));
      return new OrderChange(
          text(root, "businessLine", ""),
          text(root, "orderId", ""),
          enumValue(OrderChange.Operation.class, root, "operation", ""),
          optionalOrder(root, "before"),
          optionalOrder(root, "after"),
          position,
          instant(root, "commitTime", ""),
          OrderVersion.parse(text(root, "version", "")));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new OrderCodecException("not a valid order change: " + e.getMessage(), e);
    }
  }

  private Optional<UnifiedOrder> optionalOrder(JsonNode root, String name) {
    JsonNode node = root.get(name);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      throw new OrderCodecException(name + ": must be an object");
    }
    return Optional.of(readOrder(node, name + "."));
  }

  private static UnifiedOrder readOrder(JsonNode node, String at) {
    UnifiedOrder.Builder order = UnifiedOrder.builder();
    JsonNode source = object(node, "source", at);
    order
        .orderId(text(node, "orderId", at))
        .businessLine(text(node, "businessLine", at))
        .source(text(source, "schema", at + "source."), text(source, "table", at + "source."))
        .sourceId(text(source, "id", at + "source."))
        .status(enumValue(OrderStatus.class, node, "status", at))
        .currency(text(node, "currency", at));
    optionalText(node, "userId", at).ifPresent(order::userId);
    optionalText(node, "paymentChannel", at).ifPresent(order::paymentChannel);
    optionalText(node, "settlementState", at).ifPresent(order::settlementState);
    String amountsAt = at + "amounts.";
    JsonNode amounts = object(node, "amounts", at);
    order.totalAmount(integer(amounts, "total", amountsAt));
    optionalInteger(amounts, "paid", amountsAt).ifPresent(order::paidAmount);
    optionalInteger(amounts, "discount", amountsAt).ifPresent(order::discountAmount);
    optionalInteger(amounts, "refunded", amountsAt).ifPresent(order::refundedAmount);
    String productAt = at + "product.";
    JsonNode product = object(node, "product", at);
    optionalText(product, "sku", productAt).ifPresent(order::productSku);
    optionalText(product, "name", productAt).ifPresent(order::productName);
    optionalInteger(product, "faceValue", productAt).ifPresent(order::faceValue);
    String timesAt = at + "times.";
    JsonNode times = object(node, "times", at);
    order.createdAt(instant(times, "createdAt", timesAt));
    if (times.has("paidAt")) {
      order.paidAt(instant(times, "paidAt", timesAt));
    }
    if (times.has("finishedAt")) {
      order.finishedAt(instant(times, "finishedAt", timesAt));
    }
    if (times.has("updatedAt")) {
      order.updatedAt(instant(times, "updatedAt", timesAt));
    }
    JsonNode ext = object(node, "ext", at);
    for (Map.Entry<String, JsonNode> entry : ext.properties()) {
      if (!entry.getValue().isNull()) {
        order.ext(entry.getKey(), FieldExtractor.ExtJson.toValue(entry.getValue()));
      }
    }
    try {
      return order.build();
    } catch (IllegalStateException e) {
      throw new OrderCodecException(at + e.getMessage(), e);
    }
  }

  private static JsonNode object(JsonNode parent, String name, String at) {
    JsonNode node = parent.get(name);
    if (node == null || !node.isObject()) {
      throw new OrderCodecException(at + name + ": required object");
    }
    return node;
  }

  private static String text(JsonNode parent, String name, String at) {
    JsonNode node = parent.get(name);
    if (node == null || !node.isTextual()) {
      throw new OrderCodecException(at + name + ": required string");
    }
    return node.textValue();
  }

  private static Optional<String> optionalText(JsonNode parent, String name, String at) {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw new OrderCodecException(at + name + ": must be a string");
    }
    return Optional.of(node.textValue());
  }

  private static long integer(JsonNode parent, String name, String at) {
    JsonNode node = parent.get(name);
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new OrderCodecException(at + name + ": required integer");
    }
    return node.longValue();
  }

  private static OptionalLong optionalInteger(JsonNode parent, String name, String at) {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(integer(parent, name, at));
  }

  private static Instant instant(JsonNode parent, String name, String at) {
    String text = text(parent, name, at);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new OrderCodecException(at + name + ": not an ISO-8601 UTC time: " + text, e);
    }
  }

  private static <E extends Enum<E>> E enumValue(
      Class<E> type, JsonNode parent, String name, String at) {
    String text = text(parent, name, at);
    try {
      return Enum.valueOf(type, text);
    } catch (IllegalArgumentException e) {
      throw new OrderCodecException(at + name + ": unknown value '" + text + "'", e);
    }
  }
}
