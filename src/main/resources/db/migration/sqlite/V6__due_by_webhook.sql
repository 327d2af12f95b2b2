-- The dispatcher finds each enabled webhook's due deliveries through this index, oldest first,
-- instead of ranking every pending row: claiming stays cheap with a backlog of millions.
CREATE INDEX deliveries_due_by_webhook ON deliveries (org_id, webhook_id, next_attempt_at) WHERE status = 'pending';
