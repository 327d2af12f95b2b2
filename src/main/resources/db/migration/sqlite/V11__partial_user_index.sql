-- Only logs that name a user are indexed by user: a log without one (most gateway and SDK traffic)
-- no longer writes an index page for "no user". ?user_id=<u> implies user_id IS NOT NULL, so the
-- listing still finds its rows through this index. Measured on SQLite: 0.7 fewer WAL pages per log
-- (5.8 -> 5.1) and a 20 % shorter commit for a batch of such logs (docs/benchmarks.md, issue 17).
DROP INDEX request_logs_by_user;
CREATE INDEX request_logs_by_user ON request_logs (org_id, user_id, started_at DESC, id DESC) WHERE user_id IS NOT NULL;
