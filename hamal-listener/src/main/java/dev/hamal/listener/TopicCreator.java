package dev.hamal.listener;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the topics a pipe publishes to when they do not exist yet, with the configured number of
 * partitions and the broker's default replication factor; existing topics are left as they are (an
 * operator may have created them with other settings on purpose).
 */
final class TopicCreator {
  private TopicCreator() {}

  /**
   * Waits until every partition of the new topics has a leader: an idempotent producer whose first
   * batch meets a partition without one can lose its sequence and retry until its delivery timeout.
   */
  private static void awaitLeaders(Admin admin, List<String> topics)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      boolean ready = true;
      try {
        for (var description :
            admin.describeTopics(topics).allTopicNames().get(60, TimeUnit.SECONDS).values()) {
          ready &= description.partitions().stream().allMatch(p -> p.leader() != null);
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
        ready = false; // just created: the broker's metadata does not know the topic yet
      }
      if (ready) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new PublishException("the partitions of " + topics + " got no leader in 60 s", null);
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  static void ensure(
      String bootstrapServers,
      Map<String, Object> producerSettings,
      Collection<String> topics,
      int partitions) {
    Map<String, Object> settings = new HashMap<>();
    for (Map.Entry<String, Object> e : producerSettings.entrySet()) {
      if (e.getKey().startsWith("security.")
          || e.getKey().startsWith("ssl.")
          || e.getKey().startsWith("sasl.")) {
        settings.put(e.getKey(), e.getValue()); // the admin client needs the same credentials
      }
    }
    settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
    try (Admin admin = Admin.create(settings)) {
      Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String topic : Set.copyOf(topics)) {
        if (!existing.contains(topic)) {
          missing.add(new NewTopic(topic, Optional.of(partitions), Optional.empty()));
        }
      }
      if (missing.isEmpty()) {
        awaitLeaders(admin, List.copyOf(Set.copyOf(topics)));
        return;
      }
      for (var result : admin.createTopics(missing).values().entrySet()) {
        try {
          result.getValue().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new PublishException("cannot create topic " + result.getKey(), e.getCause());
          }
        }
      }
      awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishException("interrupted while creating topics " + topics, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new PublishException(
          "cannot list or create topics " + topics + " on " + bootstrapServers, e);
    }
  }
}
