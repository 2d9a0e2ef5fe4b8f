package dev.hamal.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * One change on its way to one subscription's webhook.
 *
 * @param deliveryId stable for this change and subscription across retries, redeliveries and
 *     instances: derived from the subscription id and the change's topic, partition and offset
 * @param eventId the change's own id, the same for every subscription: its business line and
 *     version ({@code line/0000000042.000000001234.000000000}); a change published twice (a source
 *     re-read after a fail-over) keeps it while getting a new delivery id
 * @param orderId the order the change is of; deliveries of one order are sent in sequence
 * @param payload the rendered JSON body
 * @param failure why the change cannot be delivered at all (undecodable, the template failed on
 *     it): such a delivery goes straight to the dead letters
 */
record Delivery(
    String deliveryId, String eventId, String orderId, String payload, Optional<String> failure) {

  Delivery {
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(failure, "failure");
  }

  /** The delivery id of the record at {@code topic}/{@code partition}/{@code offset}. */
  static String idOf(String subscriptionId, String topic, int partition, long offset) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  (subscriptionId + "\n" + topic + "\n" + partition + "\n" + offset)
                      .getBytes(StandardCharsets.UTF_8));
      return "dlv_" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
