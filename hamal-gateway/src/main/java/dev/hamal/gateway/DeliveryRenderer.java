package dev.hamal.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChangeCodec;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns an order-change record into what a subscription delivers: decoded, filtered by the
 * subscription and by its owner key's lines, rendered with the owner's plan (masking first, then
 * the template). A record that cannot be decoded, or that the template fails on, becomes a delivery
 * carrying its failure, never silently nothing; a record the subscription does not want becomes
 * empty.
 *
 * <p>Thread-safe (the codec is).
 */
final class DeliveryRenderer {
  private final OrderChangeCodec codec = new OrderChangeCodec();

  Optional<Delivery> render(
      ConsumerRecord<byte[], byte[]> record,
      Subscription subscription,
      Caller owner,
      RenderPlans.RenderPlan plan) {
    String deliveryId =
        Delivery.idOf(subscription.id(), record.topic(), record.partition(), record.offset());
    String position = record.topic() + "/" + record.partition() + "/" + record.offset();
    OrderChange change;
    try {
      change = codec.decode(record.value() == null ? new byte[0] : record.value());
    } catch (RuntimeException e) {
      String key =
          record.key() == null ? position : new String(record.key(), StandardCharsets.UTF_8);
      String error = "undecodable change at " + position + ": " + e.getMessage();
      return Optional.of(
          new Delivery(deliveryId, position, key, failurePayload(error), Optional.of(error)));
    }
    if (!subscription.filter().matches(change) || !owner.scopes().mayRead(change.businessLine())) {
      return Optional.empty();
    }
    String eventId = change.businessLine() + "/" + change.version();
    try {
      String payload = Json.MAPPER.writeValueAsString(plan.render(OrderDocuments.of(change)));
      return Optional.of(
          new Delivery(deliveryId, eventId, change.orderId(), payload, Optional.empty()));
    } catch (ApiProblem | JsonProcessingException e) {
      String error =
          "template "
              + plan.template().orElse("(none)")
              + " failed on order "
              + change.orderId()
              + ": "
              + e.getMessage();
      return Optional.of(
          new Delivery(
              deliveryId, eventId, change.orderId(), failurePayload(error), Optional.of(error)));
    }
  }

  private static String failurePayload(String error) {
    try {
      return Json.MAPPER.writeValueAsString(Json.object().put("undeliverable", error));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
