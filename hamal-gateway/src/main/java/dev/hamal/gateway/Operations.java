package dev.hamal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * What the admin endpoints show and control beyond the gateway's own state: the pipes and the
 * listener instances (in ZooKeeper) and the dead letters (in Kafka). The application supplies it
 * (the gateway module does not talk to ZooKeeper or read the dead-letter topic itself); every
 * method may throw {@link dev.hamal.order.OrderSinkUnavailableException} or {@link
 * GatewayDatabaseException} when its system is down, which the gateway answers with a 503.
 */
public interface Operations {

  /** Every pipe's status: name, state, owner, epoch, committed position, lag, rows/s. */
  List<JsonNode> pipes();

  /**
   * Pauses a pipe (its owner stops reading and releases it).
   *
   * @return false when there is no such pipe
   */
  boolean pause(String pipe);

  /**
   * Resumes a paused pipe.
   *
   * @return false when there is no such pipe
   */
  boolean resume(String pipe);

  /** The listener instances in the cluster and which one leads. */
  List<JsonNode> instances();

  /** The dead letters, oldest first, at most {@code limit}; replayed ones only when asked. */
  List<JsonNode> deadLetters(boolean includeReplayed, int limit);

  /** One dead letter with its body. */
  Optional<JsonNode> deadLetter(String id);

  /**
   * Replays one dead letter through the business lines' current mappings.
   *
   * @return the outcome: {@code replayed} and a {@code detail}; empty when there is no such letter
   */
  Optional<JsonNode> replay(String id);
}
