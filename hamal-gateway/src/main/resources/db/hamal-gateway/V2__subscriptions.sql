-- Subscriptions: who wants which order changes, rendered how, delivered where; the log of every
-- webhook delivery attempt; the dead-letter list of deliveries that ran out of attempts.

-- One subscription. `filter` is the JSON form of SubscriptionFilter. A webhook's `secret` signs
-- its deliveries, so it is stored as it is (it is not a credential to this gateway, and it must be
-- recoverable to sign); it is returned to the owner once, when the subscription is created.
-- Deleting a subscription deletes its row, its log and its dead letters.
CREATE TABLE subscriptions (
  id               VARCHAR(32)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  owner_key_id     VARCHAR(32)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name             VARCHAR(200)  NOT NULL,
  filter           TEXT          NOT NULL,
  template         VARCHAR(100)  CHARACTER SET ascii COLLATE ascii_bin NULL,
  destination_type VARCHAR(16)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  url              VARCHAR(2048) NULL,
  secret           VARCHAR(256)  CHARACTER SET ascii COLLATE ascii_bin NULL,
  state            VARCHAR(16)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  paused_reason    VARCHAR(500)  NULL,
  created_at       DATETIME(3)   NOT NULL,
  updated_at       DATETIME(3)   NOT NULL,
  PRIMARY KEY (id),
  KEY subscriptions_by_owner (owner_key_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every attempt to deliver a change to a webhook, newest last (`seq`). `payload` is the rendered
-- body, kept so that a delivery can be sent again. Bounded by age and by rows per subscription
-- (SubscriptionsConfig.deliveryLogRetention / deliveryLogMaxRows).
CREATE TABLE subscription_deliveries (
  seq              BIGINT        NOT NULL AUTO_INCREMENT,
  subscription_id  VARCHAR(32)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  delivery_id      VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  order_id         VARCHAR(255)  NOT NULL,
  event_id         VARCHAR(255)  NOT NULL,
  attempt          INT           NOT NULL,
  outcome          VARCHAR(16)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  http_status      INT           NULL,
  error            VARCHAR(500)  NULL,
  duration_ms      BIGINT        NOT NULL,
  attempted_at     DATETIME(3)   NOT NULL,
  payload          MEDIUMTEXT    NOT NULL,
  PRIMARY KEY (seq),
  KEY deliveries_by_subscription (subscription_id, seq),
  KEY deliveries_by_delivery (subscription_id, delivery_id, seq),
  KEY deliveries_by_time (attempted_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Deliveries that ran out of attempts (or could not be rendered), until they are redelivered
-- successfully or the subscription is deleted. Never pruned: a full list pauses the subscription.
CREATE TABLE subscription_dead_letters (
  subscription_id  VARCHAR(32)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  delivery_id      VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  order_id         VARCHAR(255)  NOT NULL,
  event_id         VARCHAR(255)  NOT NULL,
  attempts         INT           NOT NULL,
  last_error       VARCHAR(500)  NOT NULL,
  dead_at          DATETIME(3)   NOT NULL,
  payload          MEDIUMTEXT    NOT NULL,
  PRIMARY KEY (subscription_id, delivery_id),
  KEY dead_letters_by_time (subscription_id, dead_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
