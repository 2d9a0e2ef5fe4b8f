package dev.hamal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link Operations} over a fixed, in-memory set of pipes and no dead letters, for tests of the
 * admin endpoints' input handling and scopes in this module (which does not talk to ZooKeeper or
 * Kafka). The real implementation, over ZooKeeper and Kafka, is tested in hamal-app ({@code
 * GatewayCommandIT}).
 */
final class RecordedOperations implements Operations {
  private final Map<String, Boolean> paused = new ConcurrentHashMap<>();

  RecordedOperations(List<String> pipes) {
    pipes.forEach(p -> paused.put(p, false));
  }

  @Override
  public List<JsonNode> pipes() {
    return paused.entrySet().stream()
        .map(e ->
            (JsonNode)
                Json.object()
                    .put("name", e.getKey())
                    .put("state", e.getValue() ? "PAUSED" : "RUNNING"))
        .toList();
  }

  @Override
  public boolean pause(String pipe) {
    return paused.computeIfPresent(pipe, (k, v) -> true) != null;
  }

  @Override
  public boolean resume(String pipe) {
    return paused.computeIfPresent(pipe, (k, v) -> false) != null;
  }

  @Override
  public List<JsonNode> instances() {
    return List.of(Json.object().put("id", "listener-1").put("leader", true));
  }

  @Override
  public List<JsonNode> deadLetters(boolean includeReplayed, int limit) {
    return List.of();
  }

  @Override
  public Optional<JsonNode> deadLetter(String id) {
    return Optional.empty();
  }

  @Override
  public Optional<JsonNode> replay(String id) {
    return Optional.empty();
  }
}
