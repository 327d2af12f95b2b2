-- One row per logged LLM request. Bodies are kept as the exact JSON text that arrived.
CREATE TABLE request_logs (
    org_id                  TEXT    NOT NULL REFERENCES organizations (id),
    id                      TEXT    NOT NULL,
    started_at              BIGINT NOT NULL,
    ended_at                BIGINT NOT NULL,
    logged_at               BIGINT NOT NULL,
    provider                TEXT    NOT NULL,
    model                   TEXT,
    user_id                 TEXT,
    status                  INTEGER NOT NULL,
    prompt_tokens           BIGINT,
    completion_tokens       BIGINT,
    total_tokens            BIGINT,
    time_to_first_token_ms  BIGINT,
    cost                    DOUBLE PRECISION,
    streamed                BOOLEAN NOT NULL,
    properties              TEXT    NOT NULL,
    request_url             TEXT,
    request_body            TEXT    NOT NULL,
    response_body           TEXT,
    response_text           TEXT,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX request_logs_newest ON request_logs (org_id, started_at DESC, id DESC);
CREATE INDEX request_logs_by_model ON request_logs (org_id, model, started_at DESC, id DESC);
CREATE INDEX request_logs_by_user ON request_logs (org_id, user_id, started_at DESC, id DESC);

-- Properties again, one row each, so that ?property.<key>=<value> is an index lookup.
CREATE TABLE request_properties (
    org_id      TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (org_id, request_id, key)
);
CREATE INDEX request_properties_lookup ON request_properties (org_id, key, value);
