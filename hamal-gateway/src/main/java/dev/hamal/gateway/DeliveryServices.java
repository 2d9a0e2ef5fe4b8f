package dev.hamal.gateway;

import java.time.Clock;
import java.util.random.RandomGenerator;

/** What every webhook dispatcher and event stream of an instance shares. */
record DeliveryServices(
    SubscriptionsConfig config,
    SubscriptionStore store,
    DeliveryLog log,
    ApiKeys keys,
    RenderPlans plans,
    WebhookSender sender,
    Clock clock,
    DeliverySleeper sleeper,
    RandomGenerator random) {}
