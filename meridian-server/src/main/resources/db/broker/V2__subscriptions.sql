-- Every entity change that may cause a notification is written here in the same transaction as the change
-- (transactional outbox): a crash can delay a notification, never lose it.
CREATE TABLE outbox (
    seq          bigserial   PRIMARY KEY,
    tenant       text        NOT NULL,
    entity_id    text        NOT NULL,
    change       text        NOT NULL CHECK (change IN ('created', 'updated', 'deleted')),
    changed      text[]      NOT NULL,
    entity       jsonb       NOT NULL,
    previous     jsonb,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- NGSI-LD subscriptions (clause 5.8). The request as the client sent it is kept with its @context, so it can be shown
-- back in the client's terms; the columns hold what matching and statistics need.
CREATE TABLE subscription (
    tenant               text        NOT NULL,
    id                   text        NOT NULL,
    body                 jsonb       NOT NULL,
    context              jsonb,
    active               boolean     NOT NULL DEFAULT true,
    expires_at           timestamptz,
    status               text        NOT NULL DEFAULT 'active',
    times_sent           bigint      NOT NULL DEFAULT 0,
    times_failed         bigint      NOT NULL DEFAULT 0,
    consecutive_failures integer     NOT NULL DEFAULT 0,
    last_notification    timestamptz,
    last_success         timestamptz,
    last_failure         timestamptz,
    created_at           timestamptz NOT NULL,
    modified_at          timestamptz NOT NULL,
    PRIMARY KEY (tenant, id)
);

-- Notifications waiting for delivery, one queue per subscription, in order. A slow or dead receiver only holds up
-- its own queue.
CREATE TABLE notification (
    seq             bigserial   PRIMARY KEY,
    tenant          text        NOT NULL,
    subscription_id text        NOT NULL,
    payload         jsonb       NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant, subscription_id) REFERENCES subscription (tenant, id) ON DELETE CASCADE
);
CREATE INDEX notification_queue_idx ON notification (tenant, subscription_id, seq);
