-- How an exchange ended: 'completed', or for gateway logs 'cancelled', 'upstream_timeout',
-- 'upstream_unreachable', 'upstream_failed'. Logs written before this column existed were completed.
ALTER TABLE request_logs ADD COLUMN outcome TEXT NOT NULL DEFAULT 'completed';
