-- Dashboard sign-ins: the cookie's token is stored only as its SHA-256. A session lives while its key
-- does: a revoked key's sessions are refused from the next request on (the key is read each time).
CREATE TABLE dashboard_sessions (
    token_hash  TEXT   NOT NULL PRIMARY KEY,
    api_key_id  TEXT   NOT NULL,
    org_id      TEXT   NOT NULL,
    csrf_token  TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX dashboard_sessions_by_key ON dashboard_sessions (api_key_id);

-- Attempts per webhook, minute and latency bucket, written in the attempts' own transaction: the
-- dashboard's charts and health figures read these, never the raw attempts.
CREATE TABLE attempt_rollups (
    webhook_id      TEXT    NOT NULL,
    minute          BIGINT  NOT NULL,
    latency_bucket  INTEGER NOT NULL,
    org_id          TEXT    NOT NULL,
    attempts        BIGINT  NOT NULL,
    successes       BIGINT  NOT NULL,
    PRIMARY KEY (webhook_id, minute, latency_bucket)
);
CREATE INDEX attempt_rollups_by_org ON attempt_rollups (org_id, minute);
-- What retention removes, oldest first.
CREATE INDEX attempt_rollups_by_minute ON attempt_rollups (minute);

-- The same counts per ten minutes: a whole organization's last hour (the webhooks list) reads 7 slots
-- per webhook and latency bucket instead of 60 minutes.
CREATE TABLE attempt_rollups_10m (
    webhook_id      TEXT    NOT NULL,
    slot            BIGINT  NOT NULL,
    latency_bucket  INTEGER NOT NULL,
    org_id          TEXT    NOT NULL,
    attempts        BIGINT  NOT NULL,
    successes       BIGINT  NOT NULL,
    PRIMARY KEY (webhook_id, slot, latency_bucket)
);
CREATE INDEX attempt_rollups_10m_by_org ON attempt_rollups_10m (org_id, slot);
CREATE INDEX attempt_rollups_10m_by_slot ON attempt_rollups_10m (slot);

-- When each webhook was last attempted, whatever retention has removed since.
CREATE TABLE webhook_activity (
    webhook_id       TEXT   NOT NULL PRIMARY KEY,
    org_id           TEXT   NOT NULL,
    last_attempt_at  BIGINT NOT NULL
);
CREATE INDEX webhook_activity_by_org ON webhook_activity (org_id);
