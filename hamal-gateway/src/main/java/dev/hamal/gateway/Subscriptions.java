package dev.hamal.gateway;

import io.helidon.webserver.http.HttpService;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscriptions to order changes: the HTTP API ({@link #service()}, mounted at {@code
 * /subscriptions}), a webhook dispatcher per active webhook subscription on this instance, and the
 * event streams.
 *
 * <p>Every instance runs a dispatcher for every active webhook subscription; the dispatchers of one
 * subscription form its Kafka consumer group and share its partitions. A supervisor re-reads the
 * {@code subscriptions} table every {@code refreshInterval}: it starts dispatchers for
 * subscriptions created or resumed anywhere, stops those of subscriptions paused or deleted, pauses
 * subscriptions whose owner key was revoked, restarts a dispatcher that died, and prunes the
 * delivery log about once a minute. Changes made through this instance's API take effect at once.
 *
 * <p>Threading: the supervisor is one scheduled platform thread; each dispatcher one virtual thread
 * plus virtual threads for its chains; the API runs on the server's request threads. Failures of
 * the database while supervising are logged and retried on the next round.
 */
public final class Subscriptions implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

  private final DeliveryServices services;
  private final HttpClient http;
  private final String instance = UUID.randomUUID().toString().substring(0, 8);
  private final Map<String, WebhookDispatcher> dispatchers = new HashMap<>();
  private final ScheduledExecutorService supervisor;
  private final EventStreams streams;
  private final SubscriptionService service;
  private Instant lastPrune = Instant.EPOCH;
  private boolean started;
  private boolean closed;

  /**
   * Subscriptions stored in {@code database}, owned by keys of {@code keys}, rendered through
   * {@code plans}.
   */
  public Subscriptions(
      GatewayDatabase database,
      ApiKeys keys,
      RenderPlans plans,
      SubscriptionsConfig config,
      Clock clock) {
    this(database, keys, plans, config, clock, DeliverySleeper.THREAD, new SecureRandom());
  }

  Subscriptions(
      GatewayDatabase database,
      ApiKeys keys,
      RenderPlans plans,
      SubscriptionsConfig config,
      Clock clock,
      DeliverySleeper sleeper,
      RandomGenerator random) {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(config, "config");
    this.http = WebhookSender.client(config.webhookTimeout());
    this.services =
        new DeliveryServices(
            config,
            new SubscriptionStore(database),
            new DeliveryLog(database),
            Objects.requireNonNull(keys, "keys"),
            Objects.requireNonNull(plans, "plans"),
            new WebhookSender(http, config.webhookTimeout(), clock),
            Objects.requireNonNull(clock, "clock"),
            sleeper,
            random);
    this.streams = new EventStreams(services);
    this.service = new SubscriptionService(services, streams, this::changed);
    this.supervisor =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("hamal-subscriptions-" + instance).daemon().factory());
  }

  /** The HTTP API, to mount with {@code Gateway.builder(...).service("/subscriptions", ...)}. */
  public HttpService service() {
    return service;
  }

  /** Starts delivering webhooks of the active subscriptions and watching for changes to them. */
  public synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    long every = services.config().refreshInterval().toMillis();
    supervisor.scheduleWithFixedDelay(this::supervise, 0, every, TimeUnit.MILLISECONDS);
    LOG.info("subscriptions started on instance {}", instance);
  }

  /** The ids of the subscriptions this instance dispatches webhooks for right now. */
  synchronized List<String> dispatching() {
    return dispatchers.keySet().stream().sorted().toList();
  }

  private void changed() {
    synchronized (this) {
      if (!started || closed) {
        return;
      }
    }
    try {
      supervisor.execute(this::supervise);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private void supervise() {
    try {
      List<Subscription> all = services.store().all();
      Map<String, Subscription> wanted = new HashMap<>();
      Map<String, Optional<ApiKeys.KeyInfo>> owners = new HashMap<>();
      for (Subscription s : all) {
        if (s.state() != Subscription.State.ACTIVE) {
          continue;
        }
        Optional<ApiKeys.KeyInfo> owner =
            owners.computeIfAbsent(s.ownerKeyId(), id -> services.keys().find(id));
        if (owner.isEmpty() || owner.get().revokedAt().isPresent()) {
          LOG.warn("subscription {} paused: its owner key {} was revoked", s.id(), s.ownerKeyId());
          services
              .store()
              .setState(
                  s.id(),
                  Subscription.State.PAUSED,
                  Optional.of("owner key " + s.ownerKeyId() + " was revoked"),
                  services.clock().instant());
          streams.end(s.id());
          continue;
        }
        if (s.isWebhook()) {
          wanted.put(s.id(), s);
        }
      }
      java.util.Set<String> existing = new java.util.HashSet<>();
      all.forEach(s -> existing.add(s.id()));
      List<WebhookDispatcher> deleted = new java.util.ArrayList<>();
      synchronized (this) {
        if (closed) {
          return;
        }
        for (var it = dispatchers.entrySet().iterator(); it.hasNext(); ) {
          var entry = it.next();
          if (!wanted.containsKey(entry.getKey()) || !entry.getValue().isAlive()) {
            entry.getValue().stop();
            it.remove();
            if (!existing.contains(entry.getKey())) {
              deleted.add(entry.getValue());
            }
          }
        }
        for (Subscription s : wanted.values()) {
          if (!dispatchers.containsKey(s.id())) {
            String clientId = "hamal-sub-" + s.id() + "-" + instance;
            var dispatcher = new WebhookDispatcher(s, services, clientId);
            dispatchers.put(s.id(), dispatcher);
            Thread.ofVirtual().name(clientId).start(dispatcher);
          }
        }
      }
      for (WebhookDispatcher dispatcher : deleted) {
        dispatcher.join(Duration.ofSeconds(10));
        deleteGroup(dispatcher.subscriptionId());
      }
      Instant now = services.clock().instant();
      if (Duration.between(lastPrune, now).compareTo(Duration.ofMinutes(1)) >= 0) {
        lastPrune = now;
        int pruned =
            services
                .log()
                .prune(
                    now.minus(services.config().deliveryLogRetention()),
                    services.config().deliveryLogMaxRows());
        if (pruned > 0) {
          LOG.info("pruned {} delivery log rows", pruned);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("subscriptions: supervising failed, retrying next round: {}", e.toString(), e);
    }
  }

  /** Deletes a deleted subscription's consumer group; it fails harmlessly while members remain. */
  private void deleteGroup(String subscriptionId) {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                services.config().bootstrapServers()))) {
      admin
          .deleteConsumerGroups(List.of(WebhookDispatcher.groupOf(subscriptionId)))
          .all()
          .get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.info("consumer group of subscription {} not deleted: {}", subscriptionId, e.toString());
    }
  }

  /** Stops every dispatcher (batches in hand stay uncommitted) and ends the event streams. */
  @Override
  public void close() {
    List<WebhookDispatcher> stopping;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      stopping = List.copyOf(dispatchers.values());
      dispatchers.clear();
    }
    supervisor.shutdownNow();
    try {
      if (!supervisor.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("subscriptions: the supervisor did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stopping.forEach(WebhookDispatcher::stop);
    for (WebhookDispatcher dispatcher : stopping) {
      try {
        dispatcher.join(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    streams.close();
    http.close();
    LOG.info("subscriptions stopped on instance {}", instance);
  }
}
