package dev.hamal.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hamal.coordination.CoordinationException;
import dev.hamal.coordination.Coordinator;
import dev.hamal.coordination.InstanceInfo;
import dev.hamal.coordination.PipeNotFoundException;
import dev.hamal.gateway.Operations;
import dev.hamal.order.BusinessLines;
import dev.hamal.order.OrderSinkUnavailableException;
import dev.hamal.processor.DeadLetter;
import dev.hamal.processor.DeadLetterQueue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The gateway's admin views over the cluster: pipes and instances from ZooKeeper, dead letters from
 * Kafka. ZooKeeper or Kafka being down is reported as unavailable (the gateway answers 503).
 * Thread-safe: the coordinator and the dead-letter queue are (the queue serialises its reads).
 */
final class GatewayOperations implements Operations, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Coordinator coordinator;
  private final DeadLetterQueue deadLetters;
  private final BusinessLines lines;

  GatewayOperations(Coordinator coordinator, DeadLetterQueue deadLetters, BusinessLines lines) {
    this.coordinator = coordinator;
    this.deadLetters = deadLetters;
    this.lines = lines;
  }

  @Override
  public List<JsonNode> pipes() {
    return zk(() -> {
      List<JsonNode> pipes = new ArrayList<>();
      coordinator.pipes().statuses().forEach(s -> pipes.add(PipeCommand.statusJson(s)));
      return pipes;
    });
  }

  @Override
  public boolean pause(String pipe) {
    return zk(() -> {
      try {
        coordinator.pipes().pause(pipe);
        return true;
      } catch (PipeNotFoundException e) {
        return false;
      }
    });
  }

  @Override
  public boolean resume(String pipe) {
    return zk(() -> {
      try {
        coordinator.pipes().resume(pipe);
        return true;
      } catch (PipeNotFoundException e) {
        return false;
      }
    });
  }

  @Override
  public List<JsonNode> instances() {
    return zk(() -> {
      Optional<String> leader = coordinator.membership().leader();
      List<JsonNode> instances = new ArrayList<>();
      for (InstanceInfo i : coordinator.membership().members()) {
        ObjectNode json = JSON.createObjectNode();
        json.put("id", i.id());
        json.put("host", i.host());
        json.put("pid", i.pid());
        json.put("startedAt", i.startedAt().toString());
        i.metricsUrl().ifPresent(u -> json.put("metrics", u.toString()));
        json.put("leader", leader.filter(i.id()::equals).isPresent());
        instances.add(json);
      }
      return instances;
    });
  }

  @Override
  public List<JsonNode> deadLetters(boolean includeReplayed, int limit) {
    List<JsonNode> letters = new ArrayList<>();
    for (DeadLetter letter : kafka(deadLetters::list)) {
      if (letters.size() >= limit) {
        break;
      }
      if (includeReplayed || letter.replayed().isEmpty()) {
        letters.add(summary(letter));
      }
    }
    return letters;
  }

  @Override
  public Optional<JsonNode> deadLetter(String id) {
    return kafka(() -> deadLetters.show(id))
        .map(letter -> {
          ObjectNode json = summary(letter);
          json.set("body", letter.body());
          return json;
        });
  }

  @Override
  public Optional<JsonNode> replay(String id) {
    if (kafka(() -> deadLetters.show(id)).isEmpty()) {
      return Optional.empty();
    }
    var outcome = kafka(() -> deadLetters.replay(List.of(id), lines)).get(0);
    ObjectNode json = JSON.createObjectNode();
    json.put("id", outcome.id());
    json.put("replayed", outcome.replayed());
    json.put("detail", outcome.detail());
    return Optional.of(json);
  }

  private static ObjectNode summary(DeadLetter letter) {
    ObjectNode json = JSON.createObjectNode();
    json.put("id", letter.id());
    json.put("time", letter.time().toString());
    json.put("kind", letter.kind());
    json.put("reason", letter.reason());
    letter.businessLine().ifPresent(l -> json.put("businessLine", l));
    letter.orderId().ifPresent(o -> json.put("orderId", o));
    json.put("sink", letter.sink().orElse("listener"));
    json.put("replayed", letter.replayed().map(Instant::toString).orElse(null));
    return json;
  }

  private static <T> T zk(Supplier<T> call) {
    try {
      return call.get();
    } catch (CoordinationException e) {
      throw new OrderSinkUnavailableException("ZooKeeper is unavailable: " + e.getMessage(), e);
    }
  }

  private static <T> T kafka(Supplier<T> call) {
    try {
      return call.get();
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new OrderSinkUnavailableException("Kafka is unavailable: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    deadLetters.close();
    coordinator.close();
  }
}
