-- What a key may do (SPEC §2): admin, write or ingest. Keys made before scopes existed are admin.
ALTER TABLE api_keys ADD COLUMN scope TEXT NOT NULL DEFAULT 'admin';
-- A label given when the key is made through the API, to tell keys apart; NULL for none.
ALTER TABLE api_keys ADD COLUMN name TEXT;
