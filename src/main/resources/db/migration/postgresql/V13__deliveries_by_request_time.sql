-- A log's deliveries are found by its org, the time the log was stored (logged_at) and its id: a new
-- delivery's entry goes at the end of the index instead of on a random page of it (clients' request
-- ids are random UUIDs), as V12 did for properties. Measured on SQLite: ~5 KiB less written per log
-- with one webhook (docs/benchmarks.md, issue 17); the same schema on both stores. A delivery whose
-- log was already removed keeps NULL: nothing looks it up by its log any more.
ALTER TABLE deliveries ADD COLUMN request_logged_at BIGINT;
UPDATE deliveries d SET request_logged_at = l.logged_at FROM request_logs l WHERE l.org_id = d.org_id AND l.id = d.request_id;
DROP INDEX deliveries_by_request;
CREATE INDEX deliveries_by_request ON deliveries (org_id, request_logged_at, request_id);
