-- The outbox: one row per (matching webhook, logged request), written in the log's own transaction.
CREATE TABLE deliveries (
    id                TEXT    NOT NULL PRIMARY KEY,
    org_id            TEXT    NOT NULL,
    webhook_id        TEXT    NOT NULL,
    request_id        TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    attempts_count    INTEGER NOT NULL,
    next_attempt_at   BIGINT,
    lease_until       BIGINT,
    leased_by         TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    last_status_code  INTEGER,
    last_error        TEXT
);
-- What the dispatcher claims: pending rows by due time.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_by_webhook ON deliveries (org_id, webhook_id, created_at DESC, id DESC);
CREATE INDEX deliveries_by_webhook_status ON deliveries (org_id, webhook_id, status, created_at DESC, id DESC);

CREATE TABLE delivery_attempts (
    delivery_id    TEXT    NOT NULL,
    attempt        INTEGER NOT NULL,
    org_id         TEXT    NOT NULL,
    webhook_id     TEXT    NOT NULL,
    attempted_at   BIGINT NOT NULL,
    status_code    INTEGER,
    latency_ms     BIGINT NOT NULL,
    error          TEXT,
    response_body  TEXT,
    PRIMARY KEY (delivery_id, attempt)
);
CREATE INDEX delivery_attempts_for_stats ON delivery_attempts (org_id, webhook_id, attempted_at);

-- Since when a webhook has failed without a single success (null while healthy); after 5 days it is disabled.
ALTER TABLE webhooks ADD COLUMN failing_since BIGINT;

-- Secrets of this installation, shared by every node on the store (e.g. the key that signs body links).
CREATE TABLE installation_secrets (
    name        TEXT    NOT NULL PRIMARY KEY,
    value       TEXT    NOT NULL,
    created_at  BIGINT NOT NULL
);
