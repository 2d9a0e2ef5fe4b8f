package dev.hamal.processor;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One dead letter as an operator sees it.
 *
 * @param id {@code <partition>-<offset>} in the dead-letter topic; stable, used by {@code show} and
 *     {@code replay}
 * @param time when it was written
 * @param kind {@code row} (the listener could not map a source row) or {@code change} (a
 *     processor's store refused a change, or a record was not an order change)
 * @param reason why
 * @param businessLine the business line, when known
 * @param orderId the order, when known
 * @param sink the store that refused it ({@code change} letters)
 * @param body the letter as written
 * @param replayed when it was replayed, if it was
 */
public record DeadLetter(
    String id,
    Instant time,
    String kind,
    String reason,
    Optional<String> businessLine,
    Optional<String> orderId,
    Optional<String> sink,
    JsonNode body,
    Optional<Instant> replayed) {

  /** Checks the parts are present. */
  public DeadLetter {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(businessLine, "businessLine");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(replayed, "replayed");
  }
}
