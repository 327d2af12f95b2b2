-- Every key a rotation replaced keeps signing until it expires, however many rotations fall within
-- its overlap: a JSON list of {"key", "expiresAt"} (epoch ms), newest first, replacing the single
-- previous key.
ALTER TABLE webhooks ADD COLUMN previous_keys TEXT NOT NULL DEFAULT '[]';
UPDATE webhooks SET previous_keys = json_array(json_object('key', previous_hmac_key, 'expiresAt', previous_key_expires_at))
WHERE previous_hmac_key IS NOT NULL AND previous_key_expires_at IS NOT NULL;
ALTER TABLE webhooks DROP COLUMN previous_hmac_key;
ALTER TABLE webhooks DROP COLUMN previous_key_expires_at;

-- A log's deliveries: what retention checks before removing a log a pending delivery still needs,
-- and what GET /v1/request/{id}/deliveries reads.
CREATE INDEX deliveries_by_request ON deliveries (org_id, request_id);

-- The server processes sharing this store, each with when it last said it was alive: each takes its
-- share of the cluster-wide delivery caps (per origin, per webhook).
CREATE TABLE nodes (
    id       TEXT    NOT NULL PRIMARY KEY,
    seen_at  INTEGER NOT NULL
);
