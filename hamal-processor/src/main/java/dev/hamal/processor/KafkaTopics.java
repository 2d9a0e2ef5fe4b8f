package dev.hamal.processor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates a topic the processors write when it is missing; an existing one is left as it is. */
final class KafkaTopics {
  /** The prefix of the listener's order-change topics: {@code hamal.orders.<line>}. */
  static final String ORDER_TOPIC_PREFIX = "hamal.orders.";

  private KafkaTopics() {}

  static void ensure(String bootstrapServers, String topic, Map<String, String> configs) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
    try (Admin admin = Admin.create(settings)) {
      if (admin.listTopics().names().get(60, TimeUnit.SECONDS).contains(topic)) {
        return;
      }
      try {
        admin
            .createTopics(
                List.of(new NewTopic(topic, Optional.empty(), Optional.empty()).configs(configs)))
            .all()
            .get(60, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new DeadLetterException("cannot create topic " + topic, e.getCause());
        }
      }
      // an idempotent producer whose first batch meets a partition without a leader can lose its
      // sequence and retry until its delivery timeout: wait for the leaders
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(60, TimeUnit.SECONDS)
          .get(topic)
          .partitions()
          .stream()
          .allMatch(p -> p.leader() != null)) {
        if (System.nanoTime() > deadline) {
          throw new DeadLetterException("the partitions of " + topic + " got no leader in 60 s");
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeadLetterException("interrupted while creating topic " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new DeadLetterException("cannot list topics on " + bootstrapServers, e);
    }
  }
}
