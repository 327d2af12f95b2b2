-- Times are unix epoch milliseconds in both dialects; ids are canonical UUID text.
CREATE TABLE organizations (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id          TEXT    NOT NULL PRIMARY KEY,
    org_id      TEXT    NOT NULL REFERENCES organizations (id),
    key_hash    TEXT    NOT NULL UNIQUE,
    prefix      TEXT    NOT NULL,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);

CREATE TABLE webhooks (
    org_id                   TEXT    NOT NULL REFERENCES organizations (id),
    id                       TEXT    NOT NULL,
    destination              TEXT    NOT NULL,
    version                  TEXT    NOT NULL,
    enabled                  BOOLEAN NOT NULL,
    disabled_reason          TEXT,
    sample_rate              DOUBLE PRECISION NOT NULL,
    property_filters         TEXT    NOT NULL,
    include_data             BOOLEAN NOT NULL,
    hmac_key                 TEXT    NOT NULL,
    previous_hmac_key        TEXT,
    previous_key_expires_at  BIGINT,
    created_at               BIGINT NOT NULL,
    updated_at               BIGINT NOT NULL,
    deleted_at               BIGINT,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX webhooks_by_org_created ON webhooks (org_id, created_at);

-- A single row that /readyz rewrites to prove the store accepts writes.
CREATE TABLE readiness_probe (
    id          BIGINT NOT NULL PRIMARY KEY,
    checked_at  BIGINT NOT NULL
);
